"""The stuck list in a real browser (issue 17): Jonas, a consultant, opens "Fastlåste" from the
menu and finds his own cases in the demo town, each with its next action; Karin, proposed
twice over a month ago without result, is without a solution; he opens her page from the row.
Lars, the leader, sees the whole jobcentre's list, Mette's cases among them. On a desktop and
a phone (the `screen` fixture), axe-core and no sideways scrolling on every page checked; a
screenshot of each screen is saved in /tmp/shots/ for a person to look at."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import expect

from marketplace.demo.town import JOBCENTRE_USERS
from marketplace.models import Role
from tests.e2e.pages import CONSULTANT_HOME, at, log_in, open_menu

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import AxeCheck

JONAS = next(demo for demo in JOBCENTRE_USERS if demo.email.startswith("jonas."))
LARS = next(demo for demo in JOBCENTRE_USERS if demo.role is Role.ADMIN)
STUCK = "/jobcentre/stuck"
SHOTS = Path(tempfile.gettempdir()) / "shots"  # /tmp/shots, for a person to look at


def test_a_consultant_opens_a_stuck_candidate_from_the_list(
    page: Page, axe_check: AxeCheck, screen: str
) -> None:
    log_in(page, axe_check, JONAS.email, CONSULTANT_HOME)
    open_menu(page).get_by_role("link", name="Fastlåste", exact=True).click()
    expect(page).to_have_url(at(STUCK))
    expect(page.locator("main h1")).to_have_text("Fastlåste sager")
    expect(page.locator("#consultant")).to_have_value(re.compile(r"^\d+$"))  # his own

    solution = page.get_by_role("table", name=re.compile(r"^Kandidater uden løsning"))
    karin = solution.get_by_role("row").filter(has_text="Karin Lauridsen")
    expect(karin).to_contain_text("Gennemgå svarene med kandidaten og foreslå igen")
    expect(karin).to_contain_text("2")  # two proposals in the window
    unanswered = page.get_by_role("table", name=re.compile(r"^Forslag uden svar"))
    expect(unanswered).to_have_count(0)  # Sanne's proposal is Mette's
    hours = page.get_by_role("table", name=re.compile(r"^Ingen godkendte timer"))
    expect(hours.get_by_role("row").filter(has_text="Bent Madsen")).to_contain_text(
        "Ring til virksomheden"
    )
    axe_check(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"stuck-{screen}.png"), full_page=True)
    if screen == "phone":
        page.screenshot(path=str(SHOTS / "stuck.png"), full_page=True)

    karin.get_by_role("link", name="Karin Lauridsen").click()
    expect(page).to_have_url(re.compile(r"/candidates/\d+$"))
    expect(page.locator("main h1")).to_have_text("Karin Lauridsen")
    axe_check(page)


def test_the_leader_sees_the_whole_jobcentres_list(
    page: Page, axe_check: AxeCheck, screen: str
) -> None:
    log_in(page, axe_check, LARS.email, "/jobcentre")
    open_menu(page).get_by_role("link", name="Fastlåste", exact=True).click()
    expect(page).to_have_url(at(STUCK))
    expect(page.locator("#consultant")).to_have_value("all")
    for title, name in (
        ("Kandidater uden løsning", "Karin Lauridsen"),
        ("Praktik, der slutter", "Kasper Thomsen"),
        ("Ingen godkendte timer", "Bent Madsen"),
        ("Forslag uden svar", "Sanne Christensen"),
    ):
        table = page.get_by_role("table", name=re.compile(f"^{title}"))
        expect(table.get_by_role("row").filter(has_text=name)).to_have_count(1)
    axe_check(page)

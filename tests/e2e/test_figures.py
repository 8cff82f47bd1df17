"""The leader's figures in a real browser (issue 17): Lars, the jobcentre's leader, opens
"Tal" from the menu, reads the month's share of the target group touched by paid hours, its
twelve months beside their chart, and the list of candidates without a solution; a month
typed wrong gets its message beside the field. On a desktop and a phone (the `screen`
fixture); on the phone the page is saved as a screenshot in /tmp/shots/ for a person to look
at. Names are the Danish catalog's ("Tal", "Vis", "De seneste 12 måneder")."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import expect

from marketplace.demo.town import JOBCENTRE_USERS
from marketplace.models import Role
from tests.e2e.pages import (
    at,
    expect_error_beside,
    expect_labels_on_screen,
    expect_no_sideways_scroll,
    expect_targets_of_24px,
    log_in,
    open_menu,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import AxeCheck

LARS = next(demo for demo in JOBCENTRE_USERS if demo.role is Role.ADMIN)
FIGURES = "/jobcentre/figures"
SHOTS = Path(tempfile.gettempdir()) / "shots"  # /tmp/shots, for a person to look at


def test_the_leader_reads_the_months_share_and_the_candidates_without_a_solution(
    page: Page, axe_check: AxeCheck, screen: str
) -> None:
    log_in(page, axe_check, LARS.email, "/jobcentre")
    open_menu(page).get_by_role("link", name="Tal", exact=True).click()
    expect(page).to_have_url(at(FIGURES))
    expect(page.locator("main h1")).to_have_text("Tal")

    share = page.get_by_role("region", name=re.compile(r"^Andel med lønnede timer i "))
    expect(share).to_contain_text(re.compile(r"af \d+ personer havde lønnede timer"))
    trend = page.get_by_role("table", name="De seneste 12 måneder")
    expect(trend.locator("tbody tr")).to_have_count(12)
    expect(page.get_by_role("img", name=re.compile(r"^Andelen med lønnede timer"))).to_be_visible()
    expect(page.get_by_role("heading", name="Kandidater uden løsning")).to_be_visible()
    funnel = page.get_by_role("table", name="Fra forslag til flere timer")
    expect(funnel.locator("tbody tr")).to_have_count(6)
    expect(page.get_by_role("table", name="Pr. virksomhed")).to_be_visible()
    axe_check(page)
    expect_no_sideways_scroll(page)
    expect_labels_on_screen(page)
    expect_targets_of_24px(page)
    if screen == "phone":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "figures.png"), full_page=True)

    # The leader raises the jobcentre's target; the page measures the month against it.
    page.get_by_text(re.compile(r"^Ret målet \(nu \d+ %\)")).click()  # it is folded away
    page.get_by_label(re.compile(r"^Mål \(procent")).fill("30")
    page.get_by_role("button", name="Gem målet").click()
    expect(page.get_by_text("Målet er gemt.")).to_be_visible()
    expect(share).to_contain_text("Jobcentrets mål er 30 %.")
    axe_check(page)

    # A stuck candidate, opened from the leader's list.
    stuck = page.get_by_role("table", name="Kandidater uden løsning")
    karin = stuck.get_by_role("row").filter(has_text="Karin Lauridsen")
    expect(karin).to_contain_text("Gennemgå svarene med kandidaten")
    karin.get_by_role("link", name="Karin Lauridsen").click()
    expect(page.locator("main h1")).to_have_text("Karin Lauridsen")
    page.go_back()

    # A month typed wrong: its message beside the field, what was typed kept.
    page.locator("#month").evaluate("input => { input.type = 'text'; input.value = '2026-13'; }")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect_error_beside(page, "month")
    expect(page.locator("#month")).to_have_value("2026-13")
    axe_check(page)

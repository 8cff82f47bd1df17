"""Privacy in a real browser (issue 12): the screening of what a company reads, the citizen's
access log and copy of their data, the admin's erasure log, the change-password page.

Each journey runs on a desktop and on a phone's 390 x 844 (the `screen` fixture of conftest.py),
where no page may be wider than the screen; on the phone every new page is also saved as a
screenshot in /tmp/shots/ for a person to look at. axe_check checks every page visited.

Other tests share the live server, so what is written gets a candidate of its own (Mette adds
one, with a name and phone no one else uses) and only reading is done on the demo data. Fields
are found by id and their own <label>; links and buttons by their Danish names, the words of
the templates' Danish catalog ("Rediger", "Gem", "Foreslå kandidat", "Sletningslog og regler").
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from babel.dates import format_date
from flask_babel import force_locale
from playwright.sync_api import expect

from marketplace.clock import local_today
from marketplace.demo.town import JOBCENTRE, JOBCENTRE_USERS
from marketplace.models import CATEGORY_BITS, Category, RetentionKind, Role, Weekday
from tests.e2e.pages import (
    CANDIDATE_URL,
    CONSULTANT_HOME,
    JOB_TITLE,
    MUNICIPALITY,
    NEW_CANDIDATE,
    PROPOSAL_URL,
    at,
    expect_error_beside,
    labelled,
    log_in,
    open_fitting_job,
    open_menu,
    tick_by_label,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import AxeCheck, Live

pytestmark = pytest.mark.e2e

METTE = next(demo for demo in JOBCENTRE_USERS if demo.email.startswith("mette."))
LARS = next(demo for demo in JOBCENTRE_USERS if demo.role is Role.ADMIN)
JOBCENTRE_NAME = str(JOBCENTRE["name"])
JENS = "Jens Kristiansen"  # Mette's demo candidate: only read here, never changed

ADMIN_HOME = "/jobcentre"
CASELOAD = "/caseload"
ERASURES = "/jobcentre/erasures"
PASSWORD = "/account/password"

# The sentences of the issue, and the Danish message it asks for beside the field.
HEALTH_LIMITATION = "Har PTSD og depression"
HEALTH_PITCH = "Har haft en depression"
NO_HEALTH = (
    "Beskriv hvad personen kan og ikke kan på arbejdet, fx 'kan ikke løfte over 10 kg'"
    " - ikke diagnoser eller behandling"
)
ORDINARY_LIMITATION = "Har brug for korte pauser"
ORDINARY_PITCH = "Har fyldt hylder før og møder stabilt. Vil gerne flere timer."

SHOTS = Path(tempfile.gettempdir()) / "shots"  # /tmp/shots, for a person to look at


def fits_and_passes(page: Page, axe_check: AxeCheck, screen: str, shot: str = "") -> None:
    """The page as it is now passes axe_check (it fits the screen, and more); a phone
    screenshot."""
    axe_check(page)
    if shot and screen == "phone":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)


def unique_person() -> tuple[str, str]:
    """A full name and a phone number no other test, nor the demo data, uses."""
    syllables = "".join(
        secrets.choice("bdfghklmnprstv") + secrets.choice("aeiouy") for _ in range(3)
    )
    digits = f"9{secrets.randbelow(10**7):07d}"
    phone = " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return f"Ingrid {syllables.title()}sen", phone


def open_from_caseload(page: Page, axe_check: AxeCheck, screen: str, name: str) -> str:
    """Mette finds the person in "Mine kandidater" by name, opens their page; returns its id."""
    mine = (
        open_menu(page)
        .get_by_role("navigation")
        .get_by_role("link", name="Mine kandidater", exact=True)
    )
    mine.click()
    expect(page).to_have_url(at(CASELOAD))
    labelled(page, "q").fill(name)
    labelled(page, "q").press("Enter")
    expect(page).to_have_url(re.compile(r"/caseload\?.*\bq="))
    link = page.locator("main table").get_by_role("link", name=name, exact=True)
    expect(link).to_have_count(1)
    fits_and_passes(page, axe_check, screen)
    link.click()
    expect(page).to_have_url(CANDIDATE_URL)
    expect(page.locator("main h1")).to_have_text(name)
    found = CANDIDATE_URL.search(page.url)
    assert found
    return found.group(1)


def add_candidate(page: Page, axe_check: AxeCheck, screen: str, name: str, phone: str) -> None:
    """Mette adds a person who fits Hanne's shelf-filling job, with an ordinary limitation."""
    open_menu(page).get_by_role("navigation").get_by_role(
        "link", name="Mine kandidater", exact=True
    ).click()
    expect(page).to_have_url(at(CASELOAD))
    page.locator(f"main a[href='{NEW_CANDIDATE}']").click()
    expect(page).to_have_url(at(NEW_CANDIDATE))
    fits_and_passes(page, axe_check, screen)
    labelled(page, "full_name").fill(name)
    labelled(page, "phone").fill(phone)
    labelled(page, "job_goal").fill("Varer på hylder i en butik, gerne om morgenen.")
    tick_by_label(page, "wished_categories", str(CATEGORY_BITS[Category.RETAIL.value]))
    labelled(page, "tasks_can_do").fill("Fylde hylder\nTjekke datoer")
    labelled(page, "hours_min").fill("3")
    labelled(page, "hours_max").fill("12")
    for day in (Weekday.TUE, Weekday.THU):
        tick_by_label(page, "available_weekdays", str(int(day)))
    labelled(page, "municipality").select_option(MUNICIPALITY)
    labelled(page, "postcode").fill("6900")
    labelled(page, "danish_level").select_option("fluent")
    labelled(page, "other_limitations").fill(ORDINARY_LIMITATION)
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page).to_have_url(CANDIDATE_URL)
    expect(page.locator("main h1")).to_have_text(name)


def test_health_words_are_refused_beside_the_field_and_nothing_is_saved(
    page: Page, axe_check: AxeCheck, screen: str
) -> None:
    name, phone = unique_person()
    log_in(page, axe_check, METTE.email, CONSULTANT_HOME)
    add_candidate(page, axe_check, screen, name, phone)

    # She opens the person from her caseload and edits the limitations a company reads.
    cid = open_from_caseload(page, axe_check, screen, name)
    candidate_url = f"/candidates/{cid}"
    profile = page.locator("main section[aria-labelledby='profile-title']")
    expect(profile).to_contain_text(ORDINARY_LIMITATION)
    page.locator("main").get_by_role("link", name="Rediger", exact=True).click()
    expect(page).to_have_url(at(f"{candidate_url}/edit"))
    expect(labelled(page, "other_limitations")).to_have_value(ORDINARY_LIMITATION)
    fits_and_passes(page, axe_check, screen)

    labelled(page, "other_limitations").fill(HEALTH_LIMITATION)
    page.get_by_role("button", name="Gem", exact=True).click()

    # Refused: the Danish message beside "Andre hensyn", the typed text kept for correcting.
    expect(page).to_have_url(at(f"{candidate_url}/edit"))
    expect_error_beside(page, "other_limitations")
    expect(page.locator("#other_limitations-error")).to_contain_text(NO_HEALTH)
    expect(labelled(page, "other_limitations")).to_have_value(HEALTH_LIMITATION)
    expect(labelled(page, "full_name")).to_have_value(name)
    fits_and_passes(page, axe_check, screen, "candidate-form-refused")

    # Nothing was saved: the candidate's page and form still hold the old text.
    page.goto(candidate_url)
    expect(page.locator("main h1")).to_have_text(name)
    expect(profile).to_contain_text(ORDINARY_LIMITATION)
    expect(page.locator("main")).not_to_contain_text("PTSD")
    fits_and_passes(page, axe_check, screen)
    page.goto(f"{candidate_url}/edit")
    expect(labelled(page, "other_limitations")).to_have_value(ORDINARY_LIMITATION)
    page.goto(candidate_url)

    # Hanne's job is among the jobs that fit; Mette proposes the person with a health pitch.
    job_id = open_fitting_job(page)
    fits_and_passes(page, axe_check, screen)
    page.locator("main").get_by_role("link", name=f"Foreslå kandidat {name}", exact=True).click()
    propose_url = f"/jobs/{job_id}/propose/{cid}"
    expect(page).to_have_url(at(propose_url))
    expect(page.locator("main h1")).to_have_text("Foreslå kandidat")
    fits_and_passes(page, axe_check, screen)

    labelled(page, "pitch").fill(HEALTH_PITCH)
    page.locator("main form").get_by_role("button", name="Foreslå kandidat", exact=True).click()
    expect(page).to_have_url(at(propose_url))
    expect_error_beside(page, "pitch")
    expect(page.locator("#pitch-error")).to_contain_text(NO_HEALTH)
    expect(labelled(page, "pitch")).to_have_value(HEALTH_PITCH)
    fits_and_passes(page, axe_check, screen, "propose-refused")

    # With an ordinary pitch the proposal goes through.
    labelled(page, "pitch").fill(ORDINARY_PITCH)
    page.locator("main form").get_by_role("button", name="Foreslå kandidat", exact=True).click()
    expect(page).to_have_url(PROPOSAL_URL)
    expect(page.locator(".flash--success")).to_be_visible()
    expect(page.locator("main")).to_contain_text(ORDINARY_PITCH)
    expect(page.locator("main")).not_to_contain_text("depression")
    fits_and_passes(page, axe_check, screen)


def test_consultant_sees_the_access_log_and_makes_the_citizens_copy(
    page: Page, axe_check: AxeCheck, screen: str
) -> None:
    today = format_date(local_today(), "medium", locale="da")
    own_view = (
        f"{METTE.name}, {JOBCENTRE_NAME}, så navn, telefon, e-mail og sagsnummer {today}"
        " - i arbejdet med personens sag"
    )
    log_in(page, axe_check, METTE.email, CONSULTANT_HOME)
    cid = open_from_caseload(page, axe_check, screen, JENS)

    access = page.get_by_role("region", name="Hvem har set personens oplysninger")
    expect(access).to_be_visible()
    expect(access.get_by_role("heading", level=2)).to_have_text(
        "Hvem har set personens oplysninger"
    )
    page.reload()
    expect(page.locator("main h1")).to_have_text(JENS)
    # Newest first: her own opening of the page, in plain Danish, no address of a page.
    lines = access.get_by_role("listitem")
    expect(lines.first).to_have_text(own_view)
    expect(access).not_to_contain_text("/candidates/")
    fits_and_passes(page, axe_check, screen, "candidate-access-log")

    # The citizen's copy: a printable page, then the same as a JSON file.
    access.get_by_role("link", name="som side til udskrift", exact=True).click()
    expect(page).to_have_url(at(f"/candidates/{cid}/copy"))
    expect(page.locator("main h1")).to_have_text(f"Oplysninger om {JENS}")
    copy = page.locator("main article.citizen-copy")
    expect(copy.get_by_role("heading", name="Hvem har set personens oplysninger")).to_be_visible()
    expect(copy).to_contain_text(
        f"{METTE.name}, {JOBCENTRE_NAME}, lavede en kopi af alle data om personen {today}"
    )
    expect(copy).to_contain_text(JOB_TITLE)  # his placement at Brugsen
    fits_and_passes(page, axe_check, screen, "citizen-copy")

    page.get_by_role("link", name="Tilbage til kandidaten", exact=True).click()
    expect(page).to_have_url(at(f"/candidates/{cid}"))
    with page.expect_download() as info:
        access.get_by_role("link", name="som JSON-fil", exact=True).click()
    download = info.value
    assert download.suggested_filename.endswith(".json"), download.suggested_filename
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["identity"]["full_name"] == JENS
    assert data["made_by"] == {"name": METTE.name, "organisation": JOBCENTRE_NAME}
    assert any(p["job_title"] == JOB_TITLE for p in data["placements"])
    fits_and_passes(page, axe_check, screen)


def test_admin_finds_the_erasure_log_and_the_rules_in_force(
    page: Page, axe_check: AxeCheck, live: Live, screen: str
) -> None:
    from candidates.retention_routes import KIND_LABELS

    with live.app.test_request_context(), force_locale("da"):
        kinds = sorted(str(KIND_LABELS[kind.value]) for kind in RetentionKind)

    log_in(page, axe_check, LARS.email, ADMIN_HOME)
    fits_and_passes(page, axe_check, screen)
    retention = page.get_by_role("region", name="Opbevaring og sletning")
    retention.get_by_role("link", name="Sletningslog og regler", exact=True).click()
    expect(page).to_have_url(at(ERASURES))
    expect(page.locator("main h1")).to_have_text("Sletningslog")

    rules = page.get_by_role("table", name="Gældende regler")
    expect(rules).to_be_visible()
    rows = rules.locator("tbody tr")
    expect(rows).to_have_count(len(kinds))
    shown = sorted(text.strip() for text in rows.locator("th[scope='row']").all_inner_texts())
    assert shown == kinds
    for row in rows.all():
        cells = row.locator("td")
        expect(cells).to_have_count(3)
        expect(cells.nth(0)).to_contain_text(re.compile(r"\b\d+ måneder\b"))
        expect(cells.nth(1)).not_to_have_text(re.compile(r"^\s*$"))
        expect(cells.nth(2)).not_to_have_text(re.compile(r"^\s*$"))
        # On a phone the header row is hidden: every cell names its column itself.
        for label, cell in zip(("Hvornår", "Hvad der sker", "Hvorfor"), cells.all(), strict=True):
            expect(cell).to_have_attribute("data-label", label)
    expect(page.get_by_role("heading", name="Sletninger", exact=True)).to_be_visible()
    fits_and_passes(page, axe_check, screen, "erasure-log")

    # The change-password page from the header; sent empty, it says what is missing, changes
    # nothing (the demo password stays for the other tests).
    open_menu(page).get_by_role("link", name="Skift adgangskode", exact=True).click()
    expect(page).to_have_url(at(PASSWORD))
    expect(page.locator("main h1")).to_have_text("Skift adgangskode")
    fits_and_passes(page, axe_check, screen, "change-password")
    page.locator("main form").get_by_role("button", name="Skift adgangskode").click()
    expect(page).to_have_url(at(PASSWORD))
    for field_id in ("current_password", "password", "password_confirm"):
        expect_error_beside(page, field_id)
    fits_and_passes(page, axe_check, screen, "change-password-refused")

"""A proposal in a real browser: anonymised for the company until the person's consent.

Journey 2 of ../shared/JOURNEYS.md, end to end: Jonas adds a candidate, finds Hanne's published
demo job "Opfyldning af varer" on the board, sees the candidate among the best-fitting ones and
proposes them; Hanne reads the profile under a pseudonym and accepts with a trial visit a week
ahead; Jonas records the consent; Hanne now sees name and phone; Jonas sees that she did.

Other tests share the live server, so the candidate gets a name and phone of their own, found
by those, never by counting. Elements are found by URL, form action, id and their own <label>;
the only texts written here are the Danish words the brief names ("Mine kandidater",
"Foreslå kandidat", "Kandidater", "Telefonisk", "Forslag", "Hvem har set personens oplysninger").
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from marketplace.clock import local_today
from marketplace.demo.town import JOBCENTRE_USERS
from marketplace.models import CATEGORY_BITS, Category, Weekday
from tests.e2e.pages import (
    BRUGSEN,
    CANDIDATE_URL,
    CONSULTANT_HOME,
    HANNE,
    JOB_FIELDS,
    JOB_TITLE,
    MUNICIPALITY,
    NEW_CANDIDATE,
    PROPOSAL_URL,
    at,
    labelled,
    log_in,
    log_out,
    open_menu,
    submit_main_form,
    tick_by_label,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import AxeCheck

pytestmark = pytest.mark.e2e

JONAS = next(demo for demo in JOBCENTRE_USERS if demo.email.startswith("jonas."))

COMPANY_HOME = "/company/"
COMPANY_PROPOSALS = "/company/proposals"
CASELOAD = "/caseload"
BOARD = "/jobs"
BOARD_JOB = re.compile(r"^/jobs/(\d+)$")
PSEUDONYM = re.compile(r"^Kandidat [2-9A-HJKMNP-Z]{5}$")


def unique_person() -> tuple[str, str]:
    """A full name and a phone number no other test, nor the demo data, uses."""
    syllables = "".join(
        secrets.choice("bdfghklmnprstv") + secrets.choice("aeiouy") for _ in range(3)
    )
    digits = f"9{secrets.randbelow(10**7):07d}"
    phone = " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return f"Sigrid {syllables.title()}sen", phone


def expect_no_identity(page: Page, name: str, phone: str) -> None:
    """Nothing of the person's name or phone anywhere in the page's HTML."""
    page.wait_for_load_state("load")
    html = page.content()
    for part in [*name.split(), phone, phone.replace(" ", "")]:
        assert part not in html, f"{page.url} shows {part!r} before consent"


def open_candidate_from_caseload(page: Page, axe_check: AxeCheck, name: str, cid: str) -> None:
    """Jonas finds the person in "Mine kandidater" by name and opens their page."""
    mine = open_menu(page).locator(f"nav.site-nav a[href='{CASELOAD}']")
    expect(mine).to_have_text("Mine kandidater")
    mine.click()
    expect(page).to_have_url(at(CASELOAD))
    labelled(page, "q").fill(name)
    page.locator("main form[method='get'] button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/caseload\?.*\bq="))
    link = page.locator(f"main table a[href='/candidates/{cid}']")
    expect(link).to_have_text(name)
    axe_check(page)
    link.click()
    expect(page).to_have_url(at(f"/candidates/{cid}"))
    expect(page.locator("main h1")).to_have_text(name)
    axe_check(page)


def test_proposal_is_anonymous_until_consent_then_shows_name_and_phone(
    page: Page, axe_check: AxeCheck
) -> None:
    name, phone = unique_person()
    trial_visit = local_today() + timedelta(days=7)
    pitch = "Stabil og glad for faste opgaver om morgenen. Har prøvet butiksarbejde før."

    # Jonas adds the candidate from "Mine kandidater".
    log_in(page, axe_check, JONAS.email, CONSULTANT_HOME)
    mine = open_menu(page).locator(f"nav.site-nav a[href='{CASELOAD}']")
    expect(mine).to_have_text("Mine kandidater")
    mine.click()
    expect(page).to_have_url(at(CASELOAD))
    expect(mine).to_have_attribute("aria-current", "page")
    axe_check(page)
    page.locator(f"main a[href='{NEW_CANDIDATE}']").click()
    expect(page).to_have_url(at(NEW_CANDIDATE))
    axe_check(page)

    labelled(page, "full_name").fill(name)
    labelled(page, "phone").fill(phone)
    labelled(page, "job_goal").fill("Arbejde i en butik om morgenen, gerne med varer.")
    retail = tick_by_label(page, "wished_categories", str(CATEGORY_BITS[Category.RETAIL.value]))
    assert retail == "Butik"
    labelled(page, "tasks_can_do").fill("Fylde hylder\nTjekke datoer")
    labelled(page, "hours_min").fill("3")
    labelled(page, "hours_max").fill("8")
    for day in (Weekday.TUE, Weekday.THU):
        tick_by_label(page, "available_weekdays", str(int(day)))
    labelled(page, "municipality").select_option(MUNICIPALITY)
    labelled(page, "postcode").fill("6900")
    labelled(page, "danish_level").select_option("fluent")
    # Nothing the job cannot take: it lifts up to 15 kg, starts early, needs basic Danish.
    assert JOB_FIELDS["requires_heavy_lifting"]
    assert JOB_FIELDS["requires_early_mornings"]
    for limitation in (
        "no_heavy_lifting",
        "no_long_standing",
        "needs_quiet_surroundings",
        "no_early_mornings",
    ):
        expect(labelled(page, limitation)).not_to_be_checked()
    expect(labelled(page, "lifting_max_kg")).to_have_value("")
    expect(labelled(page, "max_hours_per_day")).to_have_value("")
    submit_main_form(page)

    expect(page).to_have_url(CANDIDATE_URL)
    found = CANDIDATE_URL.search(page.url)
    assert found
    cid = found.group(1)
    expect(page.locator("main h1")).to_have_text(name)
    expect(page.locator(".flash--success")).to_be_visible()
    axe_check(page)

    # He finds Hanne's job on the board and opens it.
    board = open_menu(page).locator(f"nav.site-nav a[href='{BOARD}']")
    expect(board).to_have_text("Jobopslag")
    board.click()
    expect(page).to_have_url(at(BOARD))
    axe_check(page)
    labelled(page, "q").fill(JOB_TITLE)
    labelled(page, "municipality").select_option(MUNICIPALITY)
    labelled(page, "category").select_option(Category.RETAIL.value)
    page.locator("main form[method='get'] button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/jobs\?.*\bcategory=retail\b"))
    # Other tests post jobs whose titles start the same: hers is the exact title, her store.
    card = page.locator("main ol.job-list li.job-card").filter(
        has=page.get_by_role("link", name=JOB_TITLE, exact=True)
    )
    expect(card).to_have_count(1)
    expect(card.locator(".job-card__where")).to_contain_text(BRUGSEN)
    axe_check(page)
    job_link = card.locator(".job-card__title a")
    href = job_link.get_attribute("href")
    assert href
    job_match = BOARD_JOB.match(href)
    assert job_match, href
    job_id = job_match.group(1)
    job_link.click()
    expect(page).to_have_url(at(f"/jobs/{job_id}"))
    expect(page.locator("main h1")).to_have_text(JOB_TITLE)
    axe_check(page)

    # The new candidate is among the best-fitting ones, with reasons.
    matches = page.locator("main section[aria-labelledby='matches-title']")
    fit = matches.locator("ol.match-list > li").filter(
        has=page.locator(f"a[href='/candidates/{cid}']")
    )
    expect(fit).to_have_count(1)
    expect(fit.locator(f"a[href='/candidates/{cid}']")).to_have_text(name)
    expect(fit.locator(".match-reasons")).not_to_have_text(re.compile(r"^\s*$"))
    propose = fit.locator(f"a[href='/jobs/{job_id}/propose/{cid}']")
    expect(propose).to_have_text(re.compile(rf"^\s*Foreslå kandidat\s+{re.escape(name)}\s*$"))
    propose.click()

    expect(page).to_have_url(at(f"/jobs/{job_id}/propose/{cid}"))
    expect(page.locator("main h1")).to_have_text("Foreslå kandidat")
    preview = page.locator("main section[aria-labelledby='preview-title']")
    pseudonym = preview.locator("p.lead").inner_text().strip()
    assert PSEUDONYM.match(pseudonym), pseudonym
    preview_text = preview.inner_text()
    for part in [*name.split(), phone]:
        assert part not in preview_text, f"the company's preview shows {part!r}"
    axe_check(page)
    labelled(page, "pitch").fill(pitch)
    submit_main_form(page)

    expect(page).to_have_url(PROPOSAL_URL)
    proposed = PROPOSAL_URL.search(page.url)
    assert proposed
    pid = proposed.group(1)
    expect(page.locator(".flash--success")).to_be_visible()
    expect(page.locator("main h1")).to_contain_text(JOB_TITLE)
    expect(page.locator(f"main form[action='/proposals/{pid}/consent']")).to_have_count(0)
    axe_check(page)
    log_out(page, axe_check)

    # Hanne opens "Kandidater": the newest proposal first, under a pseudonym.
    company_proposal = f"/company/proposals/{pid}"
    log_in(page, axe_check, HANNE.email, COMPANY_HOME)
    candidates = open_menu(page).locator(f"nav.site-nav a[href='{COMPANY_PROPOSALS}']")
    expect(candidates).to_have_text("Kandidater")
    candidates.click()
    expect(page).to_have_url(at(COMPANY_PROPOSALS))
    expect(candidates).to_have_attribute("aria-current", "page")
    newest = page.locator("main table tbody tr").first
    expect(newest.locator("a")).to_have_attribute("href", company_proposal)
    expect(newest.locator("a")).to_have_text(pseudonym)
    expect(newest).to_contain_text(JOB_TITLE)
    expect_no_identity(page, name, phone)
    axe_check(page)
    newest.locator("a").click()

    expect(page).to_have_url(at(company_proposal))
    expect(page.locator("main h1")).to_have_text(pseudonym)
    expect(page.locator("main section[aria-labelledby='pitch-title']")).to_contain_text(pitch)
    expect(page.locator("main section[aria-labelledby='contact-title']")).to_have_count(0)
    expect_no_identity(page, name, phone)
    axe_check(page)

    start = labelled(page, "suggested_start")
    expect(start).to_have_value(trial_visit.isoformat())  # a week ahead, as the form offers
    start.fill(trial_visit.isoformat())
    page.locator(f"main form[action='{company_proposal}/accept'] button[type='submit']").click()
    # Accepting starts the placement: its timeline opens, still under the pseudonym.
    expect(page).to_have_url(re.compile(r"/company/placements/\d+$"))
    expect(page.locator(".flash--success")).to_be_visible()
    expect(page.locator("main h1")).to_have_text(pseudonym)
    expect_no_identity(page, name, phone)  # accepted is not consent
    axe_check(page)
    page.goto(company_proposal)
    expect(page.locator(f"main form[action='{company_proposal}/accept']")).to_have_count(0)
    expect_no_identity(page, name, phone)
    log_out(page, axe_check)

    # Jonas opens the proposal from the candidate's "Forslag" and records the consent.
    log_in(page, axe_check, JONAS.email, CONSULTANT_HOME)
    open_candidate_from_caseload(page, axe_check, name, cid)
    listed = page.locator("main section[aria-labelledby='proposals-title']")
    expect(listed.locator("h2")).to_have_text("Forslag")
    to_proposal = listed.locator(f"a[href='/proposals/{pid}']")
    expect(to_proposal).to_contain_text(JOB_TITLE)
    expect(to_proposal).to_contain_text(BRUGSEN)
    to_proposal.click()
    expect(page).to_have_url(at(f"/proposals/{pid}"))
    # Hanne's answer reached him: the trial visit's day, as she chose it.
    answer = page.locator("main section[aria-labelledby='answer-title']")
    expect(answer).to_contain_text(format_date(trial_visit, "medium", locale="da"))
    axe_check(page)

    consent_form = page.locator(f"main form[action='/proposals/{pid}/consent']")
    expect(consent_form).to_have_count(1)
    assert tick_by_label(page, "method", "phone") == "Telefonisk"
    consent_form.locator("button[type='submit']").click()
    expect(page).to_have_url(at(f"/proposals/{pid}"))
    expect(page.locator(".flash--success")).to_be_visible()
    consent = page.locator("main section[aria-labelledby='consent-title']")
    expect(consent).to_contain_text("Telefonisk")
    expect(consent.locator(f"form[action='/proposals/{pid}/consent/withdraw']")).to_have_count(1)
    expect(consent_form).to_have_count(0)
    axe_check(page)
    log_out(page, axe_check)

    # Hanne opens the proposal again: now name and phone.
    log_in(page, axe_check, HANNE.email, COMPANY_HOME)
    open_menu(page).locator(f"nav.site-nav a[href='{COMPANY_PROPOSALS}']").click()
    expect(page).to_have_url(at(COMPANY_PROPOSALS))
    row = page.locator("main table tbody tr").filter(
        has=page.locator(f"a[href='{company_proposal}']")
    )
    expect(row).to_have_count(1)
    axe_check(page)
    row.locator("a").click()
    expect(page).to_have_url(at(company_proposal))
    expect(page.locator("main h1")).to_have_text(name)
    contact = page.locator("main section[aria-labelledby='contact-title']")
    expect(contact).to_contain_text(name)
    expect(contact).to_contain_text(phone)
    expect(contact.locator(f"a[href='tel:{phone.replace(' ', '')}']")).to_have_text(phone)
    axe_check(page)
    log_out(page, axe_check)

    # Jonas sees that Hanne was shown the name.
    log_in(page, axe_check, JONAS.email, CONSULTANT_HOME)
    open_candidate_from_caseload(page, axe_check, name, cid)
    views = page.locator("main section[aria-labelledby='access-title']")
    expect(views.locator("h2")).to_have_text("Hvem har set personens oplysninger")
    # Her reading the contact details is one line (her notifications that name the person are
    # logged too, as "så navnet").
    seen_by = views.locator("li").filter(has_text=HANNE.name).filter(has_text="så navn og telefon")
    expect(seen_by).to_have_count(1)
    expect(seen_by).to_contain_text(BRUGSEN)
    # Why, in words, never the address of the page she saw it on.
    expect(seen_by).to_contain_text("snusepraktik")
    expect(seen_by).not_to_contain_text(company_proposal)
    log_out(page, axe_check)

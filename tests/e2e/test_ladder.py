"""The ladder in a real browser: trial visit, praktik agreement, paid hours beside it.

Journey 3 of ../shared/JOURNEYS.md with both users. Jonas adds a candidate of his own and
proposes them for Hanne's demo job "Opfyldning af varer", so nothing here leans on the demo
placements. Hanne accepts with a one-day trial visit today, which opens the placement's
timeline. Jonas proposes a praktik agreement of 4 weeks from today, 6 hours a week, purpose
"towards ordinary hours", with a named mentor: first with hours not in half hours and a period
longer than one agreement may cover, and reads each message beside its field with what he
typed kept. Hanne sees on her home page that the placement waits for her, accepts, prints the
agreement and, for week 3, offers 3 paid hours a week with the praktik going on beside them;
Jonas finds the offer under "Venter på dig", confirms it and prints the agreement too.

Every step starts today at the earliest (the app refuses earlier ones), so the phase in force
goes from "Snusepraktik" to "Virksomhedspraktik" during the test, and the combined phase shows
as agreed from week 3. The live server is shared with other tests: the candidate gets a name
of their own, and rows are found by their links, never by counting.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from marketplace.clock import local_today
from marketplace.demo.data import WORKPLACES
from marketplace.demo.town import JOBCENTRE_USERS
from marketplace.models import CATEGORY_BITS, Category, Purpose, Weekday
from tests.e2e.pages import (
    BRUGSEN,
    CANDIDATE_URL,
    CONSULTANT_HOME,
    HANNE,
    HANNE_FIELDS,
    JOB_TITLE,
    MUNICIPALITY,
    NEW_CANDIDATE,
    PROPOSAL_URL,
    at,
    labelled,
    log_in,
    log_out,
    open_fitting_job,
    open_menu,
    submit_main_form,
    tick_by_label,
)

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.e2e.conftest import AxeCheck

pytestmark = pytest.mark.e2e

P_NUMBER = WORKPLACES[str(HANNE_FIELDS["cvr"])][1]
JONAS = next(demo for demo in JOBCENTRE_USERS if demo.email.startswith("jonas."))

COMPANY_HOME = "/company/"
COMPANY_PROPOSALS = "/company/proposals"
COMPANY_PLACEMENT_URL = re.compile(r"/company/placements/(\d+)$")

# The Danish words of the interface this test reads (messages.po).
TRIAL = "Snusepraktik"
PRAKTIK = "Virksomhedspraktik"
COMBINED = "Kombineret forløb"
TOWARDS_HOURS = "Mod ordinære timer"
HALF_HOURS = "Brug halve timer, fx 2,5 eller 6."
AGREED = "Aftalt. De nye vilkår står på tidslinjen."
PRAKTIK_SENT = "Praktikaftalen er sendt til virksomheden."
OFFER_SENT = "Dit tilbud er sendt. Jobcentret bekræfter, når de har talt med personen."
MENTOR = "Birgit Kjeldsen"  # a colleague in the store, not the job's contact person


def unique_person() -> tuple[str, str]:
    """A full name and a phone number no other test, nor the demo data, uses."""
    syllables = "".join(
        secrets.choice("bdfghklmnprstv") + secrets.choice("aeiouy") for _ in range(3)
    )
    digits = f"8{secrets.randbelow(10**7):07d}"
    phone = " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return f"Yrsa {syllables.title()}gaard", phone


def da(day: date) -> str:
    """A date as the pages show it (the `date` filter: medium, Danish)."""
    return format_date(day, "medium", locale="da")


def detail(scope: Locator, term: str) -> Locator:
    """The <dd> that a <dt> with exactly this text describes."""
    return scope.locator(f"xpath=.//dt[normalize-space()='{term}']/following-sibling::dd[1]")


def phase_now(page: Page) -> Locator:
    """The phase in force today, in the timeline's lead line."""
    return page.locator("main p.lead strong")


def next_step(page: Page) -> Locator:
    return page.locator("main section[aria-labelledby='next-title']")


def terms_events(page: Page) -> Locator:
    """The timeline's events that record an agreed terms version, oldest first."""
    timeline = page.locator("main section[aria-labelledby='timeline-title']")
    expect(timeline.locator("h2")).to_have_text("Tidslinje")
    return timeline.locator("ol.timeline > li.timeline__event").filter(
        has_text=re.compile(r"Vilkår version \d+:")
    )


def check_agreement(page: Page, axe_check: AxeCheck, person: str, number: int) -> None:
    """The printable praktik agreement: parties, mentor, purpose; a print stylesheet that
    leaves only the agreement on paper."""
    expect(page).to_have_url(re.compile(r"/placements/\d+/agreement/\d+$"))
    article = page.locator("main article.agreement")
    expect(article.locator("h1")).to_have_text("Praktikaftale (virksomhedspraktik)")
    expect(article).to_contain_text(f"Version {number}, aftalt ")
    expect(detail(article, "Arbejdssted (P-nummer)")).to_contain_text(f"P-nummer {P_NUMBER}")
    expect(detail(article, "Virksomhed")).to_contain_text(BRUGSEN)
    expect(detail(article, "Borger")).to_have_text(person)
    expect(detail(article, "Mentor")).to_have_text(MENTOR)
    expect(detail(article, "Formål")).to_have_text(TOWARDS_HOURS)
    print_css = page.locator("head link[rel='stylesheet'][media='print']")
    expect(print_css).to_have_count(1)
    expect(print_css).to_have_attribute("href", re.compile(r"print\.css"))
    axe_check(page)
    # On paper: the agreement without the site's header, links back or buttons.
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(page.locator("main .no-print")).to_be_hidden()
    expect(article).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator("header.site-header")).to_be_visible()


def propose_new_candidate(page: Page, axe_check: AxeCheck, name: str, phone: str) -> str:
    """Jonas adds a candidate who fits Hanne's job and proposes them; returns the proposal id."""
    page.goto(NEW_CANDIDATE)
    expect(page).to_have_url(at(NEW_CANDIDATE))
    axe_check(page)
    labelled(page, "full_name").fill(name)
    labelled(page, "phone").fill(phone)
    labelled(page, "job_goal").fill("Varer på hylderne om morgenen i en butik.")
    tick_by_label(page, "wished_categories", str(CATEGORY_BITS[Category.RETAIL.value]))
    labelled(page, "tasks_can_do").fill("Fylde hylder\nTjekke datoer")
    labelled(page, "hours_min").fill("3")
    labelled(page, "hours_max").fill("12")
    for day in (Weekday.TUE, Weekday.THU):
        tick_by_label(page, "available_weekdays", str(int(day)))
    labelled(page, "municipality").select_option(MUNICIPALITY)
    labelled(page, "postcode").fill("6900")
    labelled(page, "danish_level").select_option("fluent")
    submit_main_form(page)
    expect(page).to_have_url(CANDIDATE_URL)
    found = CANDIDATE_URL.search(page.url)
    assert found
    cid = found.group(1)
    expect(page.locator("main h1")).to_have_text(name)
    axe_check(page)

    # Hanne's job is among the jobs that fit; its page offers to propose the person.
    job_id = open_fitting_job(page)
    axe_check(page)
    page.locator(f"main a[href='/jobs/{job_id}/propose/{cid}']").click()
    expect(page).to_have_url(at(f"/jobs/{job_id}/propose/{cid}"))
    axe_check(page)
    labelled(page, "pitch").fill("Har fyldt hylder før og møder stabilt. Vil gerne flere timer.")
    submit_main_form(page)
    expect(page).to_have_url(PROPOSAL_URL)
    proposed = PROPOSAL_URL.search(page.url)
    assert proposed
    expect(page.locator(".flash--success")).to_be_visible()
    axe_check(page)
    return proposed.group(1)


def test_ladder_from_trial_visit_to_praktik_and_paid_hours_beside_it(
    page: Page, axe_check: AxeCheck
) -> None:
    name, phone = unique_person()
    today = local_today()
    praktik_end = today + timedelta(weeks=4, days=-1)  # 4 weeks, both days counted
    paid_from = today + timedelta(weeks=2)  # week 3 of the praktik

    # Jonas proposes a new candidate of his for "Opfyldning af varer".
    log_in(page, axe_check, JONAS.email, CONSULTANT_HOME)
    pid = propose_new_candidate(page, axe_check, name, phone)
    log_out(page, axe_check)

    # Hanne accepts with a trial visit of one day, today: the placement's timeline opens.
    company_proposal = f"/company/proposals/{pid}"
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
    pseudonym = page.locator("main h1").inner_text().strip()
    assert pseudonym.startswith("Kandidat "), pseudonym
    axe_check(page)
    first_step = page.locator("main fieldset#first_step")
    expect(first_step.locator("legend")).to_have_text("Start med")
    assert tick_by_label(page, "first_step", "trial") == "En snusepraktik"
    labelled(page, "suggested_start").fill(today.isoformat())
    labelled(page, "trial_end").fill(today.isoformat())
    page.get_by_role("button", name="Accepter", exact=True).click()

    expect(page).to_have_url(COMPANY_PLACEMENT_URL)
    placed = COMPANY_PLACEMENT_URL.search(page.url)
    assert placed
    plid = placed.group(1)
    company_timeline = f"/company/placements/{plid}"
    expect(page.locator("main h1")).to_have_text(pseudonym)
    expect(phase_now(page)).to_have_text(TRIAL)
    expect(terms_events(page)).to_have_text(
        [re.compile(rf"Vilkår version 1: {TRIAL} fra {re.escape(da(today))}\.")]
    )
    axe_check(page)
    log_out(page, axe_check)

    # Jonas finds the placement under its phase and proposes the praktik agreement.
    jobcentre_timeline = f"/placements/{plid}"
    log_in(page, axe_check, JONAS.email, CONSULTANT_HOME)
    expect(page.locator("main h2#waiting-title")).to_contain_text("Venter på dig")
    in_trial = page.locator("main section[aria-labelledby='phase-trial']")
    expect(in_trial.locator("h2")).to_contain_text(TRIAL)
    to_placement = in_trial.locator(f"a[href='{jobcentre_timeline}']")
    expect(to_placement).to_have_text(name)
    to_placement.click()
    expect(page).to_have_url(at(jobcentre_timeline))
    expect(page.locator("main h1")).to_have_text(name)
    expect(phase_now(page)).to_have_text(TRIAL)
    axe_check(page)
    next_step(page).get_by_role("link", name="Foreslå en praktikaftale", exact=True).click()

    praktik_form = f"{jobcentre_timeline}/praktik"
    expect(page).to_have_url(at(praktik_form))
    expect(page.locator("main h1")).to_have_text("Foreslå en praktikaftale")
    # Offered: from the day after the trial visit, the trial's hours, days and purpose.
    expect(labelled(page, "start_on")).to_have_value((today + timedelta(days=1)).isoformat())
    expect(labelled(page, "hours")).to_have_value("6")
    expect(page.get_by_label("Tirsdag", exact=True)).to_be_checked()
    expect(page.get_by_label("Torsdag", exact=True)).to_be_checked()
    towards = page.locator(f"main input[name='purposes'][value='{int(Purpose.TOWARDS_HOURS)}']")
    expect(towards).to_be_checked()
    expect(page.get_by_label(TOWARDS_HOURS, exact=True)).to_have_id(
        str(towards.get_attribute("id"))
    )
    expect(labelled(page, "workplace").locator("option:checked")).to_contain_text(P_NUMBER)
    rule = re.search(r"En aftale dækker højst (\d+) uger", page.locator("main").inner_text())
    assert rule, "the form states the longest agreement"
    too_long = today + timedelta(weeks=int(rule.group(1)))  # one day more than allowed
    axe_check(page)

    # First try: hours not in half hours, and a period longer than one agreement covers.
    labelled(page, "start_on").fill(today.isoformat())
    labelled(page, "end_on").fill(too_long.isoformat())
    labelled(page, "hours").fill("2,3")
    labelled(page, "tasks").fill("Fylde hylder op\nTjekke datoer")
    labelled(page, "mentor_name").fill(MENTOR)
    submit_main_form(page)
    expect(page).to_have_url(at(praktik_form))
    hours = labelled(page, "hours")
    expect(hours).to_have_value("2,3")
    expect(hours).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main #hours-error")).to_contain_text(HALF_HOURS)
    expect(hours).to_have_attribute("aria-describedby", re.compile(r"\bhours-error\b"))
    expect(page.locator("main .error-summary a[href='#hours']")).to_contain_text(HALF_HOURS)
    expect(labelled(page, "end_on")).to_have_value(too_long.isoformat())
    expect(labelled(page, "mentor_name")).to_have_value(MENTOR)
    axe_check(page)

    # Hours fixed: now the period is refused, beside the last day, which is kept.
    hours.fill("6")
    submit_main_form(page)
    expect(page).to_have_url(at(praktik_form))
    end_on = labelled(page, "end_on")
    expect(end_on).to_have_value(too_long.isoformat())
    expect(end_on).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main #end_on-error")).to_contain_text(
        f"En praktikaftale dækker højst {rule.group(1)} uger."
    )
    expect(page.locator("main #hours-error")).to_have_count(0)
    expect(labelled(page, "hours")).to_have_value("6")
    axe_check(page)

    end_on.fill(praktik_end.isoformat())
    submit_main_form(page)
    expect(page).to_have_url(at(jobcentre_timeline))
    expect(page.locator(".flash--success")).to_have_text(PRAKTIK_SENT)
    expect(next_step(page).locator("h3")).to_have_text("Praktikaftale: Venter på svar")
    expect(next_step(page)).to_contain_text(f"Venter på svar fra {BRUGSEN}.")
    axe_check(page)
    log_out(page, axe_check)

    # Hanne's home says a placement waits for her; she opens it and accepts the agreement.
    log_in(page, axe_check, HANNE.email, COMPANY_HOME)
    placements = page.locator("main section[aria-labelledby='placements-title']")
    expect(placements.locator("p strong")).to_have_text(re.compile(r"^\d+ forløb venter på jer\.$"))
    ours = placements.locator("table tbody tr").filter(
        has=page.locator(f"a[href='{company_timeline}']")
    )
    expect(ours).to_have_count(1)
    # "What waits": her answer (in bold), to the praktik agreement.
    waits = ours.locator("td").nth(4)
    expect(waits.locator("strong")).to_have_count(1)
    expect(waits).to_contain_text(": Praktikaftale")
    expect(ours.locator("a")).to_have_text(pseudonym)
    ours.locator("a").click()
    expect(page).to_have_url(at(company_timeline))
    proposed = next_step(page)
    expect(proposed.locator("h3")).to_have_text("Praktikaftale: Venter på svar")
    expect(detail(proposed, "Mentor")).to_have_text(MENTOR)
    expect(detail(proposed, "Formål")).to_have_text(TOWARDS_HOURS)
    expect(detail(proposed, "Sidste dag")).to_have_text(da(praktik_end))
    axe_check(page)
    proposed.get_by_role("button", name="Accepter", exact=True).click()

    expect(page).to_have_url(at(company_timeline))
    expect(page.locator(".flash--success")).to_have_text(AGREED)
    expect(phase_now(page)).to_have_text(PRAKTIK)
    now = page.locator("main section[aria-labelledby='now-title']")
    expect(detail(now, "Fase")).to_have_text(PRAKTIK)
    expect(detail(now, "Mentor")).to_have_text(MENTOR)
    axe_check(page)

    # In week 3 she offers 3 paid hours a week, the praktik going on beside them.
    next_step(page).get_by_role("link", name="Tilbyd lønnede timer", exact=True).click()
    paid_form = f"{company_timeline}/paid-hours"
    expect(page).to_have_url(at(paid_form))
    expect(page.locator("main h1")).to_have_text("Tilbyd lønnede timer")
    expect(labelled(page, "start_on")).to_have_value(today.isoformat())
    expect(labelled(page, "hourly_wage")).not_to_have_value("")
    axe_check(page)
    labelled(page, "start_on").fill(paid_from.isoformat())
    labelled(page, "hours").fill("3")
    continues = tick_by_label(page, "praktik_continues", "y")
    assert continues.startswith("Praktikken fortsætter ved siden af"), continues
    submit_main_form(page)

    expect(page).to_have_url(at(company_timeline))
    expect(page.locator(".flash--success")).to_have_text(OFFER_SENT)
    offer = next_step(page)
    expect(offer.locator("h3")).to_have_text("Lønnede timer: Venter på svar")
    expect(detail(offer, "Praktikken fortsætter ved siden af")).to_have_text("Ja")
    expect(terms_events(page)).to_have_text(
        [
            re.compile(rf"Vilkår version 1: {TRIAL} fra {re.escape(da(today))}\."),
            re.compile(rf"Vilkår version 2: {PRAKTIK} fra {re.escape(da(today))}\."),
        ]
    )
    axe_check(page)

    # She prints the praktik agreement: under the pseudonym, the person has not consented.
    page.get_by_role("link", name="Praktikaftale version 2", exact=True).click()
    check_agreement(page, axe_check, pseudonym, 2)
    log_out(page, axe_check)

    # Jonas finds the offer waiting for him and confirms it after talking with the person.
    log_in(page, axe_check, JONAS.email, CONSULTANT_HOME)
    waiting = page.locator("main section[aria-labelledby='waiting-title'] li").filter(
        has=page.locator(f"a[href='{jobcentre_timeline}']")
    )
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(f"{name}, {JOB_TITLE}: Lønnede timer")
    waiting.locator("a").click()
    expect(page).to_have_url(at(jobcentre_timeline))
    expect(next_step(page).locator("h3")).to_have_text("Lønnede timer: Venter på svar")
    axe_check(page)
    next_step(page).get_by_role("button", name="Bekræft de lønnede timer", exact=True).click()

    expect(page).to_have_url(at(jobcentre_timeline))
    expect(page.locator(".flash--success")).to_have_text(AGREED)
    # Praktik now; combined from week 3, as agreed. One timeline lists every version.
    expect(phase_now(page)).to_have_text(PRAKTIK)
    now = page.locator("main section[aria-labelledby='now-title']")
    expect(now.locator("h3")).to_have_text(f"Aftalt, fra {da(paid_from)}")
    expect(detail(now.locator("dl").nth(1), "Fase")).to_have_text(COMBINED)
    expect(terms_events(page)).to_have_text(
        [
            re.compile(rf"Vilkår version 1: {TRIAL} fra {re.escape(da(today))}\."),
            re.compile(rf"Vilkår version 2: {PRAKTIK} fra {re.escape(da(today))}\."),
            re.compile(rf"Vilkår version 3: {COMBINED} fra {re.escape(da(paid_from))}\."),
        ]
    )
    expect(next_step(page).get_by_role("button")).to_have_count(0)
    axe_check(page)

    # He prints the combined version: his own view names the person.
    page.get_by_role("link", name="Praktikaftale version 3", exact=True).click()
    check_agreement(page, axe_check, name, 3)
    expect(detail(page.locator("main article"), "Lønnede timer ved siden af")).to_have_text(
        f"3 timer om ugen fra {da(paid_from)}"
    )

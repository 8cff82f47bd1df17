"""The company's assessment in a real browser (issue 18): from the end of a praktik to the
paid offer the assessment pre-fills.

No page makes a praktik end yesterday, so the set-up builds it in the live app with the
domain functions, each step on its own past day (as tests/factories/figures.py climbs the
ladder): Jonas proposes a new candidate of his own for Hanne's demo job, a one-day trial
visit five weeks ago, then four weeks of praktik that ended yesterday; the minute's sweep
(`ask_due`) then asks Brugsen for the assessment. In the browser Hanne finds the placement
under "Forløb", taps "Vurdér praktik" and answers each question by tapping its labels: first
she leaves a task open and reads "Vælg én." beside it with her other answers kept, then types
40 hours and reads why, then sends 8 hours a week of paid hours. She reads the printable
assessment, taps "Tilbyd lønnede timer", finds 8 hours filled in with a notice saying where
they come from, and sends the offer. Jonas opens the assessment from his notification and
records that the person has read it and agrees.

The live server is shared by both screens and other tests: the candidate gets a name of their
own, Hanne reads the pseudonym only (no consent is recorded), and rows are found by that name
or by their links, never by counting.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from babel.dates import format_date
from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.agreements.terms import versions_of
from marketplace.clock import local_today
from marketplace.demo.town import JOBCENTRE_USERS
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import Job, Phase, StepKind, User
from marketplace.models.assessments import Assessment
from marketplace.placements import assessment_requests
from marketplace.placements import ladder as placements
from marketplace.privacy import disclosure
from marketplace.proposals import lifecycle as proposals
from tests.e2e.pages import (
    BRUGSEN,
    CONSULTANT_HOME,
    HANNE,
    JOB_TITLE,
    at,
    is_phone,
    labelled,
    log_in,
    log_out,
    open_menu,
    submit_main_form,
    tick_by_label,
)
from tests.factories.caseload import new_candidate
from tests.factories.placements import praktik_terms

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.e2e.conftest import AxeCheck, Live

pytestmark = pytest.mark.e2e

JONAS = next(demo for demo in JOBCENTRE_USERS if demo.email.startswith("jonas."))
SHOTS = Path(tempfile.gettempdir()) / "shots"  # /tmp/shots, for a person to look at
COMPANY_HOME = "/company/"
COMPANY_PLACEMENTS = "/company/placements"
ASSESSMENT_URL = re.compile(r"/company/assessments/(\d+)$")
PAID_OFFER_URL = re.compile(r"/company/placements/(\d+)/paid-hours$")

# The Danish words of the interface this test reads (messages.po).
COMPANY_ASSESSMENTS = "Virksomhedens vurderinger"
ASSESS_PRAKTIK = "Vurdér praktik"
CHOOSE_ONE = "Vælg én."
HALF_HOURS = "Skriv timerne om ugen i halve timer, fra 0,5 til 37."
THANKS = "Tak. Jobcentret har jeres vurdering."
OFFER_PAID = "Tilbyd lønnede timer"
FILLED_FROM = "Timerne er udfyldt ud fra jeres vurdering af {day}: 8 timer om ugen."
OFFER_SENT = "Dit tilbud er sendt. Jobcentret bekræfter, når de har talt med personen."
ASSESSED = f"{BRUGSEN} har vurderet forløbet, der sluttede"
RECORD_READING = "Notér gennemlæsningen"
READING_RECORDED = (
    "Det er noteret, at personen har læst vurderingen."
    " Virksomheden ser det sammen med sin vurdering."
)
READ_AND_AGREES = "Personen har læst vurderingen og er enig."
TO_PERSON = "Du mødte stabilt og lærte hurtigt datoerne. Øv dig i at spørge, når du er i tvivl."


def da(day: date) -> str:
    """A date as the pages show it (the `date` filter: medium, Danish)."""
    return format_date(day, "medium", locale="da")


def unique_name() -> str:
    """A full name no other test, nor the demo data, uses."""
    syllables = "".join(
        secrets.choice("bdfghklmnprstv") + secrets.choice("aeiouy") for _ in range(3)
    )
    return f"Ulla {syllables.title()}holm"


def shoot(page: Page, name: str) -> None:
    """A full-page screenshot on the phone, for a person to look at."""
    if is_phone(page):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"assess-{name}.png"), full_page=True)


def praktik_ended_yesterday(live: Live, name: str) -> tuple[int, str, list[str], date]:
    """A placement at Hanne's job for a new candidate of Jonas's: a one-day trial visit five
    weeks ago, then 28 days of praktik up to yesterday, its hours confirmed; then the sweep
    asks Brugsen for the assessment. Returns the placement's id, the person's pseudonym
    (what Hanne reads), the praktik's tasks and its last day."""
    yesterday = local_today() - timedelta(days=1)
    praktik_from = yesterday - timedelta(days=27)
    trial_on = praktik_from - timedelta(days=7)
    with live.app.test_request_context():
        jonas = db.session.scalar(select(User).where(User.email == JONAS.email))
        hanne = db.session.scalar(select(User).where(User.email == HANNE.email))
        assert jonas is not None
        assert hanne is not None
        job = db.session.scalar(
            select(Job).where(Job.company_id == hanne.organisation_id, Job.title == JOB_TITLE)
        )
        assert job is not None
        proposal = proposals.propose(job, new_candidate(jonas, name), jonas, "God til hylder.")
        proposals.accept(proposal, hanne, local_today())
        placement = placements.start(
            proposal, hanne, Phase.TRIAL, trial_on, trial_on, today=trial_on
        )
        tasks = list(job.task_lines or [])
        terms = praktik_terms(job, praktik_from, days=28, tasks=tuple(tasks))
        step = placements.propose_step(
            placement, jonas, StepKind.PRAKTIK, terms, placement.version, today=praktik_from
        )
        placements.accept_step(step, hanne, placement.version, today=praktik_from)
        # Hanne confirmed each week before this one as planned: an unconfirmed week would
        # join her weekly hours reminder, which tests/e2e/test_hours.py reads.
        versions = versions_of(placement.id)
        monday = hours.week_start_of(trial_on)
        while monday < hours.week_start_of(local_today()):
            planned = hours.planned(placement, versions, monday)  # none some weeks
            hours.confirm_week(placement, hanne, monday, planned, versions)
            monday += timedelta(weeks=1)
        db.session.commit()
        placement_id = placement.id
        pseudonym = disclosure.pseudonym(placement.candidate_id, placement.company_id)
        assessment_requests.ask_due(datetime.now(UTC))
        db.session.commit()
        asked = db.session.scalars(
            select(Assessment).where(Assessment.placement_id == placement_id)
        ).all()
        assert [(a.kind, a.period_to) for a in asked] == [("praktik", yesterday)], asked
    return placement_id, pseudonym, tasks, yesterday


def question(page: Page, name: str) -> Locator:
    """A question of the assessment form: its fieldset of radio buttons."""
    return page.locator(f"main form.assessment-form fieldset#{name}")


def expect_choose_one_beside(page: Page, name: str) -> None:
    """The question left open says "Vælg én." in its own fieldset, and the summary links to
    it."""
    fieldset = question(page, name)
    expect(fieldset).to_have_class(re.compile(r"\bfield--error\b"))
    expect(fieldset).to_have_attribute("aria-describedby", f"{name}-error")
    expect(fieldset.locator(f"#{name}-error")).to_contain_text(CHOOSE_ONE)
    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.locator(f"a[href='#{name}']")).to_have_count(1)


def test_hanne_assesses_the_praktik_and_offers_the_paid_hours_it_recommends(
    page: Page, axe_check: AxeCheck, live: Live, screen: str
) -> None:
    person = unique_name()
    placement_id, pseudonym, tasks, last_day = praktik_ended_yesterday(live, person)
    assert len(tasks) >= 2, tasks
    company_placement = f"/company/placements/{placement_id}"

    # Hanne finds the placement under "Forløb": the newest first, by the person's pseudonym.
    log_in(page, axe_check, HANNE.email, COMPANY_HOME)
    open_menu(page).locator(f"a[href='{COMPANY_PLACEMENTS}']").click()
    expect(page).to_have_url(at(COMPANY_PLACEMENTS))
    page.locator(f"main a[href='{company_placement}']", has_text=pseudonym).click()
    expect(page).to_have_url(at(company_placement))
    expect(page.locator("main")).not_to_contain_text(person)  # no consent: the pseudonym
    assessments = page.locator("main section[aria-labelledby='assessments-title']")
    expect(assessments.locator("h2")).to_have_text(COMPANY_ASSESSMENTS)
    expect(assessments).to_contain_text(da(last_day))
    axe_check(page)
    shoot(page, "placement-company")

    # The form: one question a group, what depends on an answer hidden until it applies.
    assessments.get_by_role("link", name=ASSESS_PRAKTIK).click()
    expect(page).to_have_url(ASSESSMENT_URL)
    expect(page.locator("main h1")).to_have_text(ASSESS_PRAKTIK)
    expect(page.locator("main p.lead")).to_contain_text(pseudonym)
    for n, task in enumerate(tasks):
        expect(question(page, f"task_{n}").locator("legend")).to_have_text(task)
    expect(page.locator("main #last_day_present")).to_be_hidden()
    expect(page.locator("main #recommended_hours")).to_be_hidden()
    axe_check(page)
    shoot(page, "form-empty")

    tick_by_label(page, "held", "as_planned")
    expect(page.locator("main #last_day_present")).to_be_hidden()  # only when held partly
    expect(question(page, "ended_by")).to_be_hidden()
    for n in range(len(tasks) - 1):  # the last task left open, by mistake
        tick_by_label(page, f"task_{n}", "alone")
    for scale in ("punctuality", "cooperation", "pace"):
        tick_by_label(page, scale, "good")
    tick_by_label(page, "recommendation", "paid")
    expect(page.locator("main #recommended_weeks")).to_be_hidden()  # praktik only
    labelled(page, "recommended_hours").fill("8")
    labelled(page, "to_person").fill(TO_PERSON)
    axe_check(page)
    shoot(page, "form-filled")
    submit_main_form(page)

    # "Vælg én." beside the open task; every other answer and text kept.
    open_task = f"task_{len(tasks) - 1}"
    expect_choose_one_beside(page, open_task)
    expect(page.locator("main input[name='held'][value='as_planned']")).to_be_checked()
    expect(page.locator("main input[name='task_0'][value='alone']")).to_be_checked()
    expect(page.locator("main input[name='pace'][value='good']")).to_be_checked()
    expect(page.locator("main input[name='recommendation'][value='paid']")).to_be_checked()
    expect(labelled(page, "recommended_hours")).to_have_value("8")
    expect(labelled(page, "to_person")).to_have_value(TO_PERSON)
    axe_check(page)
    shoot(page, "form-task-open")

    # Then more hours than the law allows: the message beside the hours, "40" kept.
    tick_by_label(page, open_task, "some_help")
    labelled(page, "recommended_hours").fill("40")
    submit_main_form(page)
    expect(page.locator("main #recommended_hours-error")).to_contain_text(HALF_HOURS)
    expect(labelled(page, "recommended_hours")).to_have_attribute("aria-invalid", "true")
    expect(labelled(page, "recommended_hours")).to_have_value("40")
    expect(page.locator(f"main input[name='{open_task}'][value='some_help']")).to_be_checked()
    axe_check(page)
    shoot(page, "form-hours-wrong")

    # Sent: the printable assessment, with her answers, and the offer it leads to.
    labelled(page, "recommended_hours").fill("8")
    submit_main_form(page)
    expect(page).to_have_url(ASSESSMENT_URL)
    expect(page.locator(".flash--success")).to_have_text(THANKS)
    article = page.locator("main article.agreement")
    expect(article.locator("h1")).to_have_text("Vurdering af praktik")
    expect(article).to_contain_text(pseudonym)
    expect(article).to_contain_text(BRUGSEN)
    recommended = article.locator("section[aria-labelledby='next-title']")
    expect(recommended).to_contain_text("Lønnede timer: 8 timer om ugen.")
    expect(article).to_contain_text(TO_PERSON)
    expect(article).not_to_contain_text(person)
    axe_check(page)
    shoot(page, "printable-company")

    # The offer it leads to sits beside the recommendation, not on paper.
    offer = recommended.locator(".no-print").get_by_role("link", name=OFFER_PAID, exact=True)
    offer.click()
    expect(page).to_have_url(PAID_OFFER_URL)
    expect(labelled(page, "hours")).to_have_value("8")
    expect(page.locator("main p.notice")).to_have_text(FILLED_FROM.format(day=da(last_day)))
    axe_check(page)
    shoot(page, "paid-offer")
    submit_main_form(page)
    expect(page).to_have_url(at(company_placement))
    expect(page.locator(".flash--success")).to_have_text(OFFER_SENT)
    axe_check(page)
    log_out(page, axe_check)

    # Jonas opens the assessment from his notification and records the person's reading.
    log_in(page, axe_check, JONAS.email, CONSULTANT_HOME)
    page.locator("header a.site-header__inbox").click()
    page.locator("main li.notification").filter(
        has_text=f"{ASSESSED} {da(last_day)}"
    ).first.locator("a[href^='/notifications/']").click()
    expect(page).to_have_url(re.compile(r"/assessments/\d+$"))
    article = page.locator("main article.agreement")
    expect(article).to_contain_text(person)  # the jobcentre's copy names the person
    expect(article).to_contain_text(TO_PERSON)
    axe_check(page)
    shoot(page, "printable-jobcentre")

    submit = page.get_by_role("button", name=RECORD_READING)
    tick_by_label(page, "agrees", "yes")
    submit.click()
    expect(page).to_have_url(re.compile(r"/assessments/\d+$"))
    expect(page.locator(".flash--success")).to_have_text(READING_RECORDED)
    reading = page.locator("main section[aria-labelledby='reading-title']")
    expect(reading).to_contain_text(READ_AND_AGREES)
    expect(reading.locator("form")).to_have_count(0)  # recorded once
    axe_check(page)
    shoot(page, "reading-recorded")

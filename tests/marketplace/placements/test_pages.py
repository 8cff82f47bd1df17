"""Placements on the ladder through HTTP, with CSRF on, the way the two sides use them.

The jobcentre proposes a praktik agreement and the company accepts it on the timeline; the
company offers paid hours and the jobcentre confirms them; either side ends the placement.
A refused form keeps what was typed and says why beside the field; a form opened before the
other side acted is refused with a message and saves nothing. Messages are compared in the
language the page is shown in (tests.html_forms.da), so a missing translation does not hide
a missing message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from marketplace.agreements.terms import versions_of
from marketplace.caseload.candidates import CandidateData, create_candidate
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.models import (
    CATEGORY_BITS,
    AccessLogEntry,
    Candidate,
    ConsentMethod,
    EndReason,
    Job,
    LadderRules,
    Phase,
    Placement,
    PlacementStep,
    PlacementTerms,
    Proposal,
    Purpose,
    StepKind,
    StepStatus,
    User,
    Weekday,
)
from marketplace.placements import ladder as placements
from marketplace.placements.ladder import STALE_MESSAGE
from marketplace.placements.steps import ENDED_MESSAGE, StepTerms
from marketplace.privacy import disclosure
from marketplace.proposals import lifecycle as proposals
from marketplace.web.labels import PHASE_LABELS, PURPOSE_LABELS
from tests.html_forms import PageForm, da, error_ids, field_error, text_of
from tests.pages import (
    JUNK,
    button,
    counts,
    da_date,
    error_flashes,
    filled,
    flashed_after,
    followed,
    forms_of,
    kept,
    kinds_for,
    main_form,
    sections_of,
    send,
)
from tests.support import csrf_token_from, submit

NAME, PHONE = "Zyxwvu Qwertyson", "98 76 54 32"
DAYS = int(Weekday.TUE | Weekday.THU)
AGREEMENT_WAGE = Decimal("135.00")


def in_days(days: int) -> date:
    return local_today() + timedelta(days=days)


def iso(days: int) -> str:
    return in_days(days).isoformat()


# -- Building blocks ----------------------------------------------------------------------


def a_candidate(consultant: User, full_name: str = NAME, phone: str = PHONE) -> Candidate:
    return create_candidate(
        consultant,
        CandidateData(
            full_name=full_name,
            phone=phone,
            job_goal="Butik om morgenen",
            hours_min=Decimal(3),
            hours_max=Decimal(20),
            municipality_code=760,
            postcode="6900",
            wished_categories=CATEGORY_BITS["retail"],
            available_weekdays=DAYS,
            danish_level="fluent",
        ),
    )


def praktik_terms(job: Job, start: date, days: int = 28, **changes: Any) -> StepTerms:
    terms = StepTerms(
        start_on=start,
        end_on=start + timedelta(days=days - 1),
        hours=Decimal(6),
        weekdays=DAYS,
        tasks=("Fylde hylder", "Tjekke datoer"),
        workplace_id=job.workplace_id,
        mentor_name="Ole Mentor",
        purposes=int(Purpose.TOWARDS_HOURS),
    )
    return replace(terms, **changes)


def paid_terms(job: Job, start: date, **changes: Any) -> StepTerms:
    terms = StepTerms(
        start_on=start,
        hours=Decimal(3),
        weekdays=int(Weekday.FRI),
        tasks=("Kasse",),
        workplace_id=job.workplace_id,
        hourly_wage=job.hourly_wage,
    )
    return replace(terms, **changes)


@pytest.fixture
def person(consultant: User) -> Candidate:
    return a_candidate(consultant)


@pytest.fixture
def workplace(employer: User, make_workplace: Callable[..., Any]) -> Any:
    return make_workplace(
        employer.organisation, name="Brugsen Skjern, lager", p_number="1012345678"
    )


@pytest.fixture
def job(employer: User, make_job: Callable[..., Job], workplace: Any) -> Job:
    return make_job(
        employer.organisation,
        employer,
        workplace,
        offers_trial_visit=True,
        offers_praktik=True,
        agreement_wage=AGREEMENT_WAGE,
    )


@pytest.fixture
def company(app: Flask, employer: User, login: Callable[..., Any]) -> FlaskClient:
    """The company's browser, logged in as the employer."""
    browser = app.test_client()
    login(employer, via=browser)
    return browser


@pytest.fixture
def jobcentre(client: FlaskClient, consultant: User, login: Callable[..., Any]) -> FlaskClient:
    """The consultant's browser."""
    login(consultant)
    return client


@pytest.fixture
def place(app: Flask, consultant: User, employer: User, job: Job) -> Callable[..., Placement]:
    """A placement made by the domain functions: at a trial visit from tomorrow, or with
    praktik first (pending), optionally with consent in force."""

    def make(
        candidate: Candidate | None = None,
        first: Phase = Phase.TRIAL,
        consent: bool = False,
        of_job: Job | None = None,
        by: User | None = None,
        start: int = 1,
    ) -> Placement:
        the_job = of_job or job
        answerer = by or employer
        with app.test_request_context():
            proposal = proposals.propose(
                the_job, candidate or a_candidate(consultant), consultant, "God til hylder."
            )
            proposals.accept(proposal, answerer, in_days(start))
            placement = placements.start(
                proposal, answerer, first, in_days(start), in_days(start + 1)
            )
            if consent:
                disclosure.record_consent(proposal, consultant, ConsentMethod.PHONE)
        db.session.flush()
        return placement

    return make


def propose_praktik(app: Flask, placement: Placement, by: User, terms: StepTerms) -> PlacementStep:
    with app.test_request_context():
        step = placements.propose_step(placement, by, StepKind.PRAKTIK, terms, placement.version)
    db.session.flush()
    return step


def offer_paid(app: Flask, placement: Placement, by: User, terms: StepTerms) -> PlacementStep:
    with app.test_request_context():
        step = placements.propose_step(placement, by, StepKind.PAID, terms, placement.version)
    db.session.flush()
    return step


def agree(app: Flask, step: PlacementStep, by: User) -> PlacementTerms:
    with app.test_request_context():
        placement = db.session.get(Placement, step.placement_id)
        terms = placements.accept_step(step, by, placement.version)
    db.session.flush()
    return terms


def fresh(placement: Placement) -> Placement:
    db.session.expire_all()
    return db.session.get(Placement, placement.id)


# -- The journey --------------------------------------------------------------------------


def test_journey_trial_then_praktik_then_paid_hours_combined_then_end(
    app, jobcentre, company, consultant, employer, person, job
):
    # The consultant proposes the person; the company accepts with a trial visit.
    assert (
        submit(jobcentre, f"/jobs/{job.id}/propose/{person.id}", {"pitch": "God."}).status_code
        == 302
    )
    proposal = db.session.scalar(select(Proposal))
    page = company.get(f"/company/proposals/{proposal.id}")
    accepted = company.post(
        f"/company/proposals/{proposal.id}/accept",
        data={
            "first_step": "trial",
            "suggested_start": iso(1),
            "trial_end": iso(2),
            "csrf_token": csrf_token_from(page),
        },
    )
    placement = db.session.scalar(select(Placement))
    assert placement is not None
    assert accepted.headers["Location"] == f"/company/placements/{placement.id}"
    assert (placement.phase, placement.first_step) == ("trial", "trial")
    [trial] = versions_of(placement.id)
    assert (trial.unpaid_from, trial.unpaid_to) == (in_days(1), in_days(2))

    # The consultant proposes a praktik agreement through the form.
    timeline = jobcentre.get(f"/placements/{placement.id}")
    assert f'href="/placements/{placement.id}/praktik"' in text_of(timeline)
    form_page = jobcentre.get(f"/placements/{placement.id}/praktik")
    assert form_page.status_code == 200
    form = main_form(form_page)
    assert form.values["start_on"] == [iso(3)]  # the day after the trial visit
    sent = send(
        jobcentre,
        f"/placements/{placement.id}/praktik",
        filled(
            form,
            end_on=iso(30),
            purposes=[str(int(Purpose.TOWARDS_HOURS)), str(int(Purpose.TRAIN_SKILLS))],
            tasks="Fylde hylder\nTjekke datoer",
            mentor_name="Ole Mentor",
        ),
    )
    assert sent.headers["Location"] == f"/placements/{placement.id}"
    step = db.session.scalar(select(PlacementStep))
    assert (step.kind, step.status, step.end_on) == ("praktik", "waiting", in_days(30))
    assert "praktik_proposed" in kinds_for(employer)

    # The company accepts it with the button on its timeline.
    timeline = company.get(f"/company/placements/{placement.id}")
    assert "Ole Mentor" in text_of(timeline)
    assert (
        send(
            company,
            f"/company/placements/{placement.id}/steps/{step.id}/accept",
            button(timeline, f"/steps/{step.id}/accept").values,
        ).status_code
        == 302
    )
    placement = fresh(placement)
    assert placement.phase == "praktik"
    praktik = versions_of(placement.id)[-1]
    assert (praktik.number, praktik.phase, praktik.step_id) == (2, "praktik", step.id)
    assert praktik.purposes == int(Purpose.TOWARDS_HOURS | Purpose.TRAIN_SKILLS)
    assert "praktik_accepted" in kinds_for(consultant)

    # The company offers paid hours beside the praktik.
    offer_page = company.get(f"/company/placements/{placement.id}/paid-hours")
    assert offer_page.status_code == 200
    offered = send(
        company,
        f"/company/placements/{placement.id}/paid-hours",
        filled(
            main_form(offer_page),
            start_on=iso(10),
            hours="3",
            weekdays=[str(int(Weekday.FRI))],
            tasks="Kasse",
            hourly_wage="142,50",
            praktik_continues="y",
        ),
    )
    assert offered.headers["Location"] == f"/company/placements/{placement.id}"
    paid = db.session.scalar(select(PlacementStep).where(PlacementStep.kind == "paid"))
    assert paid.praktik_continues
    assert paid.hourly_wage == Decimal("142.50")

    # The consultant confirms them on the timeline.
    timeline = jobcentre.get(f"/placements/{placement.id}")
    assert (
        send(
            jobcentre,
            f"/placements/{placement.id}/steps/{paid.id}/accept",
            button(timeline, f"/steps/{paid.id}/accept").values,
        ).status_code
        == 302
    )
    placement = fresh(placement)
    assert placement.phase == "combined"
    combined = versions_of(placement.id)[-1]
    assert (combined.number, combined.phase) == (3, "combined")
    assert (combined.unpaid_from, combined.unpaid_to) == (in_days(3), in_days(30))
    assert (combined.paid_from, combined.paid_hours) == (in_days(10), Decimal(3))
    assert combined.total_hours == Decimal(9)
    page = text_of(company.get(f"/company/placements/{placement.id}"))
    for terms in versions_of(placement.id)[1:]:  # each praktik version is printable
        assert f"/company/placements/{placement.id}/agreement/{terms.id}" in page

    # The company ends the placement.
    end_page = company.get(f"/company/placements/{placement.id}/end")
    ended = send(
        company,
        f"/company/placements/{placement.id}/end",
        filled(main_form(end_page), reason="completed", ended_on=iso(0), note="Fint forløb"),
    )
    assert ended.headers["Location"] == f"/company/placements/{placement.id}"
    placement = fresh(placement)
    assert (placement.phase, placement.ended_on, placement.end_reason) == (
        "ended",
        local_today(),
        "completed",
    )
    assert placement.ended_by_side == "company"
    assert "placement_ended" in kinds_for(consultant)
    timeline = jobcentre.get(f"/placements/{placement.id}")
    assert "Fint forløb" in text_of(timeline)
    assert [f for f in forms_of(timeline) if "/steps/" in (f.action or "")] == []
    assert f"/placements/{placement.id}/praktik" not in text_of(timeline)


# -- Bad input: kept as typed, the message beside the field, nothing saved ------------------


PRAKTIK_CASES = {
    "hours not in half hours": ({"hours": "2,3"}, "hours", None),
    "hours not a number": ({"hours": "abc"}, "hours", None),
    "hours above the law": ({"hours": "40"}, "hours", "37"),
    "end before start": ({"start_on": iso(10), "end_on": iso(9)}, "end_on", None),
    "longer than 13 weeks": ({"start_on": iso(3), "end_on": iso(3 + 13 * 7)}, "end_on", "13"),
    "no tasks": ({"tasks": "  \n  "}, "tasks", None),
    "no purpose": ({"purposes": None}, "purposes", None),
    "no mentor": ({"mentor_name": ""}, "mentor_name", None),
    "start in the past": ({"start_on": iso(-1)}, "start_on", None),
    "a day that does not exist": ({"start_on": "2025-02-30"}, "start_on", None),
    "a weekday that does not exist": ({"weekdays": ["3"]}, "weekdays", None),
    "a workplace of another company": ({"workplace": "999999"}, "workplace", None),
}


@pytest.mark.parametrize("case", PRAKTIK_CASES, ids=str)
def test_a_bad_praktik_agreement_keeps_the_input_and_shows_why(app, jobcentre, place, case):
    changes, field, mentioned = PRAKTIK_CASES[case]
    placement = place()
    before = counts(placement)
    url = f"/placements/{placement.id}/praktik"
    values = filled(
        main_form(jobcentre.get(url)),
        **{"end_on": iso(30), "tasks": "Fylde hylder\nTjekke datoer", **changes},
    )
    response = send(jobcentre, url, values)
    assert response.status_code == 200
    assert error_ids(response) == [field]
    if mentioned:
        assert mentioned in field_error(response, field)
    assert 'class="error-summary"' in text_of(response)
    if field not in ("workplace", "weekdays"):  # a choice that is not on offer cannot be shown
        kept(response, values)
    assert counts(placement) == before


def test_the_praktik_form_refuses_nothing_when_all_is_well(app, jobcentre, place):
    """The control for the cases above: the same form, unchanged, is sent."""
    placement = place()
    url = f"/placements/{placement.id}/praktik"
    values = filled(main_form(jobcentre.get(url)), end_on=iso(30), tasks="Fylde hylder")
    assert send(jobcentre, url, values).status_code == 302
    assert counts(placement).steps == 1


def test_beyond_26_weeks_of_praktik_needs_a_special_reason(
    app, jobcentre, consultant, employer, place, job
):
    placement = place(first=Phase.PRAKTIK)
    first = agree(
        app,
        propose_praktik(app, placement, consultant, praktik_terms(job, in_days(1), 91)),
        employer,
    )
    second_start = first.unpaid_to + timedelta(days=1)
    agree(
        app,
        propose_praktik(app, placement, consultant, praktik_terms(job, second_start, 91)),
        employer,
    )
    before = counts(placement)
    url = f"/placements/{placement.id}/praktik"
    page = jobcentre.get(url)
    form = main_form(page)
    start = second_start + timedelta(days=91)
    assert form.values["start_on"] == [start.isoformat()]  # after the current agreement
    values = filled(form, end_on=(start + timedelta(days=13)).isoformat())
    response = send(jobcentre, url, values)
    assert response.status_code == 200
    assert error_ids(response) == ["special_reason"]
    assert "26" in field_error(response, "special_reason")
    kept(response, values)
    assert counts(placement) == before

    values["special_reason"] = ["Borgeren har brug for mere tid, jf. LAB § 61."]
    assert send(jobcentre, url, values).status_code == 302
    step = db.session.scalar(select(PlacementStep).where(PlacementStep.status == "waiting"))
    assert step.special_reason.startswith("Borgeren har brug")


PAID_CASES = {
    "hours not in half hours": ({"hours": "2,3"}, "hours", None),
    "hours not a number": ({"hours": "abc"}, "hours", None),
    "hours above the law": ({"hours": "40"}, "hours", "37"),
    "wage below the agreement wage": ({"hourly_wage": "120"}, "hourly_wage", "135,00"),
    "wage not a number": ({"hourly_wage": "mange"}, "hourly_wage", None),
    "no tasks": ({"tasks": ""}, "tasks", None),
    "start in the past": ({"start_on": iso(-3)}, "start_on", None),
    "praktik going on beside a trial visit": (
        {"praktik_continues": "y"},
        "praktik_continues",
        None,
    ),
}


@pytest.mark.parametrize("case", PAID_CASES, ids=str)
def test_a_bad_offer_of_paid_hours_keeps_the_input_and_shows_why(app, company, place, case):
    changes, field, mentioned = PAID_CASES[case]
    placement = place()
    before = counts(placement)
    url = f"/company/placements/{placement.id}/paid-hours"
    values = filled(main_form(company.get(url)), **{"start_on": iso(5), **changes})
    response = send(company, url, values)
    assert response.status_code == 200
    assert error_ids(response) == [field]
    if mentioned:
        assert mentioned in field_error(response, field)
    kept(response, values)
    assert counts(placement) == before


def test_the_paid_hours_form_refuses_nothing_when_all_is_well(app, company, place):
    placement = place()
    url = f"/company/placements/{placement.id}/paid-hours"
    response = send(company, url, filled(main_form(company.get(url)), start_on=iso(5)))
    assert response.status_code == 302
    assert counts(placement).steps == 1


@pytest.mark.parametrize(
    ("ended_on", "mentioned"),
    [(-1, None), (1, None), ("tomorrow", None)],
    ids=["before the placement began", "in the future", "not a date"],
)
def test_ending_on_a_bad_day_keeps_the_input_and_shows_why(
    app, company, place, ended_on, mentioned
):
    placement = place()  # the trial visit begins tomorrow: it began, for ending, today
    before = counts(placement)
    url = f"/company/placements/{placement.id}/end"
    day = iso(ended_on) if isinstance(ended_on, int) else ended_on
    values = filled(main_form(company.get(url)), reason="health", ended_on=day, note="Syg")
    response = send(company, url, values)
    assert response.status_code == 200
    assert error_ids(response) == ["ended_on"]
    kept(response, values)
    assert counts(placement) == before


def test_a_trial_visit_longer_than_the_rule_is_refused_beside_the_field(
    app, company, consultant, person, job
):
    with app.test_request_context():
        proposal = proposals.propose(job, person, consultant, "God til hylder.")
    db.session.flush()
    url = f"/company/proposals/{proposal.id}"
    page = company.get(url)
    values = filled(
        button(page, "/accept"),
        first_step="trial",
        suggested_start=iso(1),
        trial_end=iso(15),  # 15 days; the rule is 14
    )
    response = send(company, f"{url}/accept", values)
    assert response.status_code == 200
    assert error_ids(response) == ["trial_end"]
    assert "14" in field_error(response, "trial_end")
    shown = button(response, "/accept")
    assert shown.values["trial_end"] == [iso(15)]
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "waiting"
    assert db.session.scalar(select(func.count(Placement.id))) == 0

    values["trial_end"] = [iso(14)]  # 14 days: allowed
    assert send(company, f"{url}/accept", values).status_code == 302
    assert db.session.scalar(select(Placement.phase)) == "trial"


def test_praktik_and_paid_hours_together_above_37_hours_are_refused_beside_the_hours(
    app, company, consultant, employer, place, job
):
    placement = place(first=Phase.PRAKTIK)
    agree(
        app, propose_praktik(app, placement, consultant, praktik_terms(job, in_days(1))), employer
    )
    before = counts(placement)
    url = f"/company/placements/{placement.id}/paid-hours"
    values = filled(main_form(company.get(url)), start_on=iso(3), hours="32", praktik_continues="y")
    response = send(company, url, values)
    assert response.status_code == 200
    assert error_ids(response) == ["hours"]
    assert "38" in field_error(response, "hours")  # 6 hours of praktik and 32 paid
    kept(response, values)
    assert counts(placement) == before


# -- Stale forms, ended placements --------------------------------------------------------


def test_a_praktik_form_opened_before_the_company_offered_paid_hours_saves_nothing(
    app, jobcentre, company, place
):
    placement = place()
    url = f"/placements/{placement.id}/praktik"
    opened = main_form(jobcentre.get(url))  # the consultant opens the form …
    offer_url = f"/company/placements/{placement.id}/paid-hours"
    offer = filled(main_form(company.get(offer_url)), start_on=iso(5))
    assert send(company, offer_url, offer).status_code == 302  # … the company offers meanwhile
    between = counts(placement)

    response = send(jobcentre, url, filled(opened, end_on=iso(30), tasks="Fylde hylder"))
    flashed_after(jobcentre, response, STALE_MESSAGE)
    assert counts(placement) == between
    kinds = db.session.scalars(
        select(PlacementStep.kind).where(PlacementStep.placement_id == placement.id)
    ).all()
    assert kinds == ["paid"]


def test_an_offer_of_paid_hours_opened_before_a_praktik_proposal_saves_nothing(
    app, jobcentre, company, place
):
    placement = place()
    offer_url = f"/company/placements/{placement.id}/paid-hours"
    opened = main_form(company.get(offer_url))
    url = f"/placements/{placement.id}/praktik"
    praktik = filled(main_form(jobcentre.get(url)), end_on=iso(30), tasks="Fylde hylder")
    assert send(jobcentre, url, praktik).status_code == 302
    between = counts(placement)

    response = send(company, offer_url, filled(opened, start_on=iso(5)))
    flashed_after(company, response, STALE_MESSAGE)
    assert counts(placement) == between


def test_accepting_a_proposal_withdrawn_meanwhile_saves_nothing(
    app, jobcentre, company, consultant, place, job
):
    placement = place()
    step = propose_praktik(app, placement, consultant, praktik_terms(job, in_days(3)))
    timeline = company.get(f"/company/placements/{placement.id}")  # the company reads it …
    accept = button(timeline, f"/steps/{step.id}/accept").values
    mine = jobcentre.get(f"/placements/{placement.id}")  # … the consultant withdraws it
    withdraw = button(mine, f"/steps/{step.id}/withdraw").values
    assert (
        send(
            jobcentre, f"/placements/{placement.id}/steps/{step.id}/withdraw", withdraw
        ).status_code
        == 302
    )
    between = counts(placement)

    response = send(company, f"/company/placements/{placement.id}/steps/{step.id}/accept", accept)
    flashed_after(company, response, STALE_MESSAGE)
    assert counts(placement) == between
    db.session.expire_all()
    assert db.session.get(PlacementStep, step.id).status == "withdrawn"
    assert fresh(placement).phase == "trial"


def test_ending_with_a_form_opened_before_the_other_side_acted_saves_nothing(
    app, jobcentre, company, employer, place, job
):
    placement = place()
    opened = main_form(jobcentre.get(f"/placements/{placement.id}/end"))
    offer_paid(app, placement, employer, paid_terms(job, in_days(5)))
    between = counts(placement)
    response = send(jobcentre, f"/placements/{placement.id}/end", filled(opened, reason="other"))
    flashed_after(jobcentre, response, STALE_MESSAGE)
    assert counts(placement) == between


def test_no_step_is_taken_on_an_ended_placement(
    app, jobcentre, company, consultant, employer, place, job
):
    placement = place()
    step = propose_praktik(app, placement, consultant, praktik_terms(job, in_days(3)))
    with app.test_request_context():
        placements.end(
            placement, employer, EndReason.COMPANY_STOPPED, "", local_today(), placement.version
        )
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(PlacementStep, step.id).status == StepStatus.CANCELLED
    ended = counts(placement)

    # The step forms are not offered: opening or posting one leads back to the timeline.
    url = f"/placements/{placement.id}/praktik"
    flashed_after(jobcentre, jobcentre.get(url), ENDED_MESSAGE)
    token = csrf_token_from(jobcentre.get(f"/placements/{placement.id}"))
    response = jobcentre.post(
        url,
        data={
            "csrf_token": token,
            "version": str(ended.version),
            "start_on": iso(5),
            "end_on": iso(30),
            "hours": "6",
            "tasks": "Fylde hylder",
            "purposes": "1",
            "mentor_name": "Ole",
            "workplace": str(job.workplace_id),
        },
    )
    flashed_after(jobcentre, response, ENDED_MESSAGE)
    offer_url = f"/company/placements/{placement.id}/paid-hours"
    flashed_after(company, company.get(offer_url), ENDED_MESSAGE)
    token = csrf_token_from(company.get(f"/company/placements/{placement.id}"))
    response = company.post(
        offer_url,
        data={
            "csrf_token": token,
            "version": str(ended.version),
            "start_on": iso(5),
            "hours": "3",
            "tasks": "Kasse",
            "hourly_wage": "150",
        },
    )
    flashed_after(company, response, ENDED_MESSAGE)
    # The cancelled proposal cannot be accepted either, with the placement's current version.
    token = csrf_token_from(company.get(f"/company/placements/{placement.id}"))
    response = company.post(
        f"/company/placements/{placement.id}/steps/{step.id}/accept",
        data={"version": str(ended.version), "csrf_token": token},
    )
    assert error_flashes(followed(company, response))
    # Nor can it be ended twice.
    response = send(
        jobcentre,
        f"/placements/{placement.id}/end",
        filled(main_form(jobcentre.get(f"/placements/{placement.id}/end")), reason="other"),
    )
    assert response.status_code in (200, 302)
    assert counts(placement) == ended
    assert fresh(placement).end_reason == "company_stopped"


# -- Withdrawing, asking for changes ------------------------------------------------------


def test_the_proposer_withdraws_their_own_proposal_and_the_other_side_cannot(
    app, jobcentre, company, consultant, employer, place, job
):
    placement = place()
    step = propose_praktik(app, placement, consultant, praktik_terms(job, in_days(3)))
    company_page = company.get(f"/company/placements/{placement.id}")
    assert not [f for f in forms_of(company_page) if (f.action or "").endswith("/withdraw")]
    token = csrf_token_from(company_page)
    before = counts(placement)
    response = company.post(
        f"/company/placements/{placement.id}/steps/{step.id}/withdraw",
        data={"version": str(before.version), "csrf_token": token},
    )
    assert error_flashes(followed(company, response))
    assert counts(placement) == before
    db.session.expire_all()
    assert db.session.get(PlacementStep, step.id).status == "waiting"

    mine = jobcentre.get(f"/placements/{placement.id}")
    assert not [f for f in forms_of(mine) if (f.action or "").endswith("/accept")]
    response = send(
        jobcentre,
        f"/placements/{placement.id}/steps/{step.id}/withdraw",
        button(mine, f"/steps/{step.id}/withdraw").values,
    )
    assert response.status_code == 302
    db.session.expire_all()
    withdrawn = db.session.get(PlacementStep, step.id)
    assert (withdrawn.status, withdrawn.decided_by_id) == ("withdrawn", consultant.id)
    assert counts(placement).version == before.version + 1
    assert "step_withdrawn" in kinds_for(employer)
    # Nothing waits any more: the company has no button, the consultant may propose again.
    assert not [
        f
        for f in forms_of(company.get(f"/company/placements/{placement.id}"))
        if "/steps/" in (f.action or "")
    ]
    assert f"/placements/{placement.id}/praktik" in text_of(
        jobcentre.get(f"/placements/{placement.id}")
    )


@pytest.mark.parametrize("side", ["company", "jobcentre"])
def test_asking_for_changes_or_declining_needs_a_note(
    app, jobcentre, company, consultant, employer, place, job, side
):
    placement = place()
    if side == "company":  # the company asks for changes to a praktik agreement
        step = propose_praktik(app, placement, consultant, praktik_terms(job, in_days(3)))
        browser, prefix, told, status = (
            company,
            "/company/placements",
            consultant,
            "changes_requested",
        )
    else:  # the jobcentre declines paid hours it could not confirm
        step = offer_paid(app, placement, employer, paid_terms(job, in_days(5)))
        browser, prefix, told, status = jobcentre, "/placements", employer, "declined"
    url = f"{prefix}/{placement.id}/steps/{step.id}/refuse"
    before = counts(placement)
    form = button(browser.get(f"{prefix}/{placement.id}"), f"/steps/{step.id}/refuse")
    response = send(browser, url, filled(form, note="   "))
    assert response.status_code == 200
    assert error_ids(response) == ["note"]
    assert counts(placement) == before
    db.session.expire_all()
    assert db.session.get(PlacementStep, step.id).status == "waiting"

    response = send(browser, url, filled(form, note="Kun 4 timer om ugen, tak."))
    assert response.status_code == 302
    db.session.expire_all()
    answered = db.session.get(PlacementStep, step.id)
    assert (answered.status, answered.answer_note) == (status, "Kun 4 timer om ugen, tak.")
    assert f"{step.kind}_{status}" in kinds_for(told)
    other = company if side == "jobcentre" else jobcentre
    other_prefix = "/company/placements" if side == "jobcentre" else "/placements"
    assert "Kun 4 timer om ugen, tak." in text_of(other.get(f"{other_prefix}/{placement.id}"))
    assert counts(placement).terms == before.terms


# -- The admin's ladder rules -------------------------------------------------------------


@pytest.fixture
def rules_admin(app: Flask, admin: User, login: Callable[..., Any]) -> FlaskClient:
    browser = app.test_client()
    login(admin, via=browser)
    return browser


GOOD_RULES = {
    "trial_max_days": "14",
    "praktik_max_weeks": "13",
    "praktik_extended_max_weeks": "26",
    "max_hours_per_week": "37",
    "employees_per_praktik": "5",
}
BAD_RULES = {
    "no trial days": ({"trial_max_days": "0"}, "trial_max_days"),
    "a trial of 29 days": ({"trial_max_days": "29"}, "trial_max_days"),
    "trial days not a number": ({"trial_max_days": "to uger"}, "trial_max_days"),
    "a praktik of 27 weeks": ({"praktik_max_weeks": "27"}, "praktik_max_weeks"),
    "extended below one agreement": (
        {"praktik_max_weeks": "10", "praktik_extended_max_weeks": "8"},
        "praktik_extended_max_weeks",
    ),
    "extended beyond 52 weeks": (
        {"praktik_extended_max_weeks": "53"},
        "praktik_extended_max_weeks",
    ),
    "hours above the law": ({"max_hours_per_week": "40"}, "max_hours_per_week"),
    "hours not in half hours": ({"max_hours_per_week": "2,3"}, "max_hours_per_week"),
    "hours not a number": ({"max_hours_per_week": "abc"}, "max_hours_per_week"),
    "no hours": ({"max_hours_per_week": "0"}, "max_hours_per_week"),
    "no employees": ({"employees_per_praktik": "0"}, "employees_per_praktik"),
    "a huge number": ({"employees_per_praktik": "99999999999999999999"}, "employees_per_praktik"),
}


@pytest.mark.parametrize("case", BAD_RULES, ids=str)
def test_bad_ladder_rules_are_refused_beside_the_field(app, rules_admin, admin, case):
    changes, field = BAD_RULES[case]
    page = rules_admin.get("/jobcentre/rules")
    values = filled(main_form_without_version(page), **{**GOOD_RULES, **changes})
    response = send(rules_admin, "/jobcentre/rules", values)
    assert response.status_code == 200
    assert error_ids(response) == [field]
    shown = main_form_without_version(response).values
    for name, value in values.items():
        if name != "csrf_token":
            assert shown.get(name) == value, name
    db.session.expire_all()
    assert db.session.get(LadderRules, admin.organisation_id) is None


def main_form_without_version(response: TestResponse) -> PageForm:
    found = [f for f in forms_of(response) if f.action is None and "trial_max_days" in f.values]
    assert len(found) == 1
    return found[0]


def save_rules(browser: FlaskClient, **changes: str) -> None:
    page = browser.get("/jobcentre/rules")
    values = filled(main_form_without_version(page), **{**GOOD_RULES, **changes})
    response = send(browser, "/jobcentre/rules", values)
    assert response.status_code == 302, error_ids(response)


def test_a_changed_rule_refuses_the_next_step(
    app, rules_admin, jobcentre, company, admin, consultant, employer, place, job
):
    placement = place()
    waiting = offer_paid(app, placement, employer, paid_terms(job, in_days(5), hours=Decimal(6)))
    save_rules(
        rules_admin, praktik_max_weeks="4", praktik_extended_max_weeks="8", max_hours_per_week="5"
    )
    db.session.expire_all()
    rules = db.session.get(LadderRules, admin.organisation_id)
    assert (rules.praktik_max_weeks, rules.max_hours_per_week, rules.updated_by_id) == (
        4,
        Decimal(5),
        admin.id,
    )
    # The rule is shown on the form, and applies to the offer that waited before it changed.
    timeline = jobcentre.get(f"/placements/{placement.id}")
    before = counts(placement)
    response = send(
        jobcentre,
        f"/placements/{placement.id}/steps/{waiting.id}/accept",
        button(timeline, f"/steps/{waiting.id}/accept").values,
    )
    [flash] = error_flashes(jobcentre.get(response.headers["Location"]))
    assert "6" in flash  # the hours a week …
    assert "5" in flash  # … and the new limit
    assert counts(placement) == before
    assert (
        send(
            company,
            f"/company/placements/{placement.id}/steps/{waiting.id}/withdraw",
            button(company.get(f"/company/placements/{placement.id}"), "/withdraw").values,
        ).status_code
        == 302
    )

    url = f"/placements/{placement.id}/praktik"
    form = main_form(jobcentre.get(url))
    start = date.fromisoformat(form.values["start_on"][0])
    five_weeks = (start + timedelta(days=5 * 7 - 1)).isoformat()
    response = send(
        jobcentre, url, filled(form, end_on=five_weeks, hours="4", tasks="Fylde hylder")
    )
    assert response.status_code == 200
    assert error_ids(response) == ["end_on"]
    assert "4" in field_error(response, "end_on")
    response = send(
        jobcentre,
        url,
        filled(
            form, end_on=(start + timedelta(days=27)).isoformat(), hours="6", tasks="Fylde hylder"
        ),
    )
    assert response.status_code == 200
    assert error_ids(response) == ["hours"]
    assert "5" in field_error(response, "hours")
    response = send(
        jobcentre,
        url,
        filled(
            form, end_on=(start + timedelta(days=27)).isoformat(), hours="4,5", tasks="Fylde hylder"
        ),
    )
    assert response.status_code == 302  # within both rules


def test_a_shorter_trial_rule_refuses_a_longer_trial_visit(
    app, rules_admin, company, consultant, person, job
):
    save_rules(rules_admin, trial_max_days="3")
    with app.test_request_context():
        proposal = proposals.propose(job, person, consultant, "God til hylder.")
    db.session.flush()
    url = f"/company/proposals/{proposal.id}"
    form = button(company.get(url), "/accept")
    values = filled(form, first_step="trial", suggested_start=iso(1), trial_end=iso(4))
    response = send(company, f"{url}/accept", values)
    assert response.status_code == 200
    assert error_ids(response) == ["trial_end"]
    assert "3" in field_error(response, "trial_end")
    assert db.session.scalar(select(func.count(Placement.id))) == 0
    values["trial_end"] = [iso(3)]
    assert send(company, f"{url}/accept", values).status_code == 302


# -- Identity: the pseudonym until consent, the name after (audited) ------------------------


def test_the_company_sees_the_pseudonym_until_consent_then_the_name(
    app, jobcentre, company, consultant, employer, place, job
):
    placement = place()
    agreement = agree(
        app, propose_praktik(app, placement, consultant, praktik_terms(job, in_days(3))), employer
    )
    timeline = f"/company/placements/{placement.id}"
    printable = f"{timeline}/agreement/{agreement.id}"
    with app.test_request_context():
        code = disclosure.pseudonym_code(placement.candidate_id, placement.company_id)
    for path in (timeline, printable, f"{timeline}/end", f"{timeline}/paid-hours"):
        page = text_of(company.get(path))
        assert code in page, path
        assert NAME not in page, path
        assert PHONE not in page, path

    def company_views() -> list[AccessLogEntry]:
        return list(
            db.session.scalars(
                select(AccessLogEntry)
                .where(AccessLogEntry.organisation_id == employer.organisation_id)
                .order_by(AccessLogEntry.id)
            )
        )

    assert company_views() == []

    proposal_page = f"/proposals/{placement.proposal_id}"
    assert (
        submit(
            jobcentre, f"{proposal_page}/consent", {"method": "phone"}, page=proposal_page
        ).status_code
        == 302
    )

    for n, path in enumerate((timeline, printable), start=1):
        page = text_of(company.get(path))
        assert NAME in page, path
        views = company_views()
        assert len(views) == n
        assert (views[-1].viewer_id, views[-1].purpose, views[-1].seen) == (
            employer.id,
            "placement",
            "name",
        )
        assert views[-1].candidate_id == placement.candidate_id
    # The consultant always sees the name; that showing is logged as the jobcentre's.
    assert NAME in text_of(jobcentre.get(f"/placements/{placement.id}"))
    assert len(company_views()) == 2


def test_the_printable_agreement_states_the_terms_and_the_parties(
    app, jobcentre, company, consultant, employer, place, job, workplace
):
    placement = place(consent=True)
    terms = praktik_terms(
        job,
        in_days(3),
        days=56,
        hours=Decimal("7.5"),
        tasks=("Fylde hylder", "Modtage varer"),
        purposes=int(Purpose.TRAIN_SKILLS | Purpose.CLARIFY_GOAL),
        mentor_name="Mette Mentorsen",
    )
    agreement = agree(app, propose_praktik(app, placement, consultant, terms), employer)
    company_record = placement.company
    jobcentre_name = consultant.organisation.name
    for browser, prefix in ((company, "/company/placements"), (jobcentre, "/placements")):
        response = browser.get(f"{prefix}/{placement.id}/agreement/{agreement.id}")
        assert response.status_code == 200
        page = text_of(response)
        for expected in (
            NAME,
            da(PURPOSE_LABELS[Purpose.TRAIN_SKILLS]),
            da(PURPOSE_LABELS[Purpose.CLARIFY_GOAL]),
            "<li>Fylde hylder</li>",
            "<li>Modtage varer</li>",
            "7,5",
            da_date(in_days(3)),
            da_date(in_days(3 + 55)),
            da(workplace.name),
            workplace.p_number,
            "Mette Mentorsen",
            da(company_record.name),
            company_record.cvr,
            da(jobcentre_name),
        ):
            assert expected in page, (prefix, expected)
        assert da(PURPOSE_LABELS[Purpose.TOWARDS_HOURS]) not in page


# -- Home pages and lists -----------------------------------------------------------------


def rows_of(html: str, prefix: str) -> dict[int, str]:
    """Each table row that links a placement, by the placement's id."""
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        link = re.search(rf'href="{re.escape(prefix)}(\d+)"', row)
        if link:
            found[int(link.group(1))] = row
    return found


def ids_in(html: str, prefix: str) -> set[int]:
    return {int(n) for n in re.findall(rf'href="{re.escape(prefix)}(\d+)"', html)}


@pytest.fixture
def ladder(app, consultant, employer, place, job) -> dict[str, Placement]:
    """One placement in each situation, each of its own candidate."""

    def person_named(name: str) -> Candidate:
        return a_candidate(consultant, name, "")

    made = {  # the trial visits began today
        "trial": place(person_named("Tove Trial"), start=0),
        "praktik_waits": place(person_named("Palle Praktik"), start=0),
        "paid_waits": place(person_named("Pia Paid"), start=0),
        "ended": place(person_named("Erik Ended"), start=0),
        "pending": place(person_named("Per Pending"), first=Phase.PRAKTIK),
        "in_praktik": place(person_named("Inge Praktik"), first=Phase.PRAKTIK),
    }
    propose_praktik(app, made["praktik_waits"], consultant, praktik_terms(job, in_days(3)))
    offer_paid(app, made["paid_waits"], employer, paid_terms(job, in_days(5)))
    agree(
        app,
        propose_praktik(app, made["in_praktik"], consultant, praktik_terms(job, in_days(0))),
        employer,
    )
    with app.test_request_context():
        ended = made["ended"]
        placements.end(ended, employer, EndReason.COMPLETED, "", local_today(), ended.version)
    db.session.flush()
    return made


def test_the_company_home_lists_active_placements_and_what_waits_for_it(app, company, ladder):
    html = text_of(company.get("/company/"))
    rows = rows_of(html, "/company/placements/")
    active = {name: p.id for name, p in ladder.items() if name != "ended"}
    assert set(rows) == set(active.values())
    waits_for_us = {pid for pid, row in rows.items() if "<strong>" in row}
    assert waits_for_us == {active["praktik_waits"]}
    with force_locale("da"):
        from flask_babel import ngettext

        told = ngettext("%(num)d placement waits for you.", "%(num)d placements wait for you.", 1)
    assert da(told) in html
    for row in rows.values():  # the company reads pseudonyms in its lists
        for name in ("Tove", "Palle", "Pia", "Per Pending", "Inge"):
            assert name not in row

    listed = rows_of(text_of(company.get("/company/placements")), "/company/placements/")
    assert set(listed) == {p.id for p in ladder.values()}  # the ended one too, for a while


def test_the_consultant_home_groups_by_phase_and_lists_what_waits_for_them(app, jobcentre, ladder):
    html = text_of(jobcentre.get("/placements"))
    sections = sections_of(html)
    groups = {
        label: set(rows_of(body, "/placements/"))
        for label, body in sections.items()
        if label.startswith("phase-")
    }
    ids = {name: p.id for name, p in ladder.items()}
    assert groups == {
        "phase-pending": {ids["pending"]},
        "phase-trial": {ids["trial"], ids["praktik_waits"], ids["paid_waits"]},
        "phase-praktik": {ids["in_praktik"]},
        "phase-ended": {ids["ended"]},
    }
    for phase in ("pending", "trial", "praktik", "ended"):
        assert da(PHASE_LABELS[phase]) in sections[f"phase-{phase}"]
    waiting = ids_in(sections["waiting-title"], "/placements/")
    assert waiting == {ids["paid_waits"], ids["pending"]}
    assert "Pia Paid" in sections["waiting-title"]  # the consultant reads names


def test_a_placement_that_starts_with_paid_hours_waits_for_the_company(
    app, jobcentre, company, consultant, employer, make_job, workplace
):
    """The company chose paid hours first: it offers them next, whatever else the job offers.
    The jobcentre has nothing to do yet, so it must not be told to propose a praktik."""
    job = make_job(
        employer.organisation,
        employer,
        workplace,
        offers_trial_visit=True,
        offers_praktik=True,
        offers_paid_direct=True,
    )
    candidate = a_candidate(consultant)
    with app.test_request_context():
        proposal = proposals.propose(job, candidate, consultant, "God til hylder.")
    db.session.flush()
    url = f"/company/proposals/{proposal.id}"
    form = button(company.get(url), "/accept")
    response = send(
        company,
        f"{url}/accept",
        filled(form, first_step="paid", suggested_start=iso(2), trial_end=None),
    )
    assert response.status_code == 302
    placement = db.session.scalar(select(Placement))
    assert (placement.phase, placement.first_step) == ("pending", "paid")

    row = rows_of(text_of(company.get("/company/")), "/company/placements/")[placement.id]
    assert "<strong>" in row, "the company's home does not say the next step is its own"
    waiting = sections_of(text_of(jobcentre.get("/placements")))["waiting-title"]
    assert placement.id not in ids_in(waiting, "/placements/")


@pytest.mark.parametrize("side", ["company", "jobcentre"])
def test_the_placement_lists_run_as_many_queries_for_10_placements_as_for_2(
    app, request, consultant, employer, make_job, make_workplace, count_queries, side
):
    """Each placement has a job, a workplace and a candidate of its own, and they are in
    every state: a lazy load per row cannot hide behind the session's identity map."""
    browser = request.getfixturevalue("company" if side == "company" else "jobcentre")
    path = "/company/placements" if side == "company" else "/placements"
    prefix = "/company/placements/" if side == "company" else "/placements/"
    states = ["trial", "praktik_waits", "paid_waits", "in_praktik", "combined", "ended"]

    def make(numbers: range) -> None:
        for n in numbers:
            job = make_job(
                employer.organisation,
                employer,
                make_workplace(employer.organisation),
                title=f"Småjob {n}",
                offers_praktik=True,
            )
            state = states[n % len(states)]
            first = Phase.PRAKTIK if state in ("in_praktik", "combined") else Phase.TRIAL
            with app.test_request_context():
                proposal = proposals.propose(
                    job, a_candidate(consultant, f"Navn {n}", ""), consultant, "God."
                )
                proposals.accept(proposal, employer, in_days(1))
                placement = placements.start(proposal, employer, first, in_days(0), in_days(1))
                if state == "praktik_waits":
                    placements.propose_step(
                        placement,
                        consultant,
                        StepKind.PRAKTIK,
                        praktik_terms(job, in_days(3)),
                        placement.version,
                    )
                if state == "paid_waits":
                    placements.propose_step(
                        placement,
                        employer,
                        StepKind.PAID,
                        paid_terms(job, in_days(3)),
                        placement.version,
                    )
                if state in ("in_praktik", "combined"):
                    step = placements.propose_step(
                        placement,
                        consultant,
                        StepKind.PRAKTIK,
                        praktik_terms(job, in_days(0)),
                        placement.version,
                    )
                    placements.accept_step(step, employer, placement.version)
                if state == "combined":
                    step = placements.propose_step(
                        placement,
                        employer,
                        StepKind.PAID,
                        paid_terms(job, in_days(0), praktik_continues=True),
                        placement.version,
                    )
                    placements.accept_step(step, consultant, placement.version)
                if state == "ended":
                    placements.end(
                        placement, employer, EndReason.OTHER, "", local_today(), placement.version
                    )
            db.session.flush()

    make(range(2))
    browser.get(path)  # warm up: first-request work is not what we measure
    with count_queries() as few:
        page = browser.get(path)
    assert page.status_code == 200
    assert len(ids_in(text_of(page), prefix)) == 2

    make(range(2, 10))
    with count_queries() as many:
        page = browser.get(path)
    assert page.status_code == 200
    assert len(ids_in(text_of(page), prefix)) == 10
    assert many.count == few.count, "\n".join(many.statements)


def test_a_trial_visit_that_begins_tomorrow_is_listed_as_a_trial_visit(
    app, jobcentre, company, place
):
    """Agreed and about to begin: not a first step still being agreed."""
    placement = place()  # the trial visit begins tomorrow
    assert placement.phase == "trial"
    sections = sections_of(text_of(jobcentre.get("/placements")))
    assert placement.id in set(rows_of(sections.get("phase-trial", ""), "/placements/"))
    assert "phase-pending" not in sections
    row = rows_of(text_of(company.get("/company/placements")), "/company/placements/")
    assert da(PHASE_LABELS["trial"]) in row[placement.id]


# -- No input gives a 500 -----------------------------------------------------------------


@dataclass
class Target:
    browser: FlaskClient
    url: str
    values: dict[str, list[str]]


def praktik_target(app, browsers, users, place, job) -> Target:
    placement = place()
    url = f"/placements/{placement.id}/praktik"
    form = main_form(browsers["jobcentre"].get(url))
    return Target(browsers["jobcentre"], url, filled(form, end_on=iso(30), tasks="Fylde hylder"))


def paid_target(app, browsers, users, place, job) -> Target:
    placement = place()
    url = f"/company/placements/{placement.id}/paid-hours"
    form = main_form(browsers["company"].get(url))
    return Target(browsers["company"], url, filled(form, start_on=iso(5)))


def end_target(app, browsers, users, place, job) -> Target:
    placement = place()
    url = f"/placements/{placement.id}/end"
    form = main_form(browsers["jobcentre"].get(url))
    return Target(browsers["jobcentre"], url, filled(form, reason="other", note="Slut"))


def step_target(action: str) -> Callable[..., Target]:
    def make(app, browsers, users, place, job) -> Target:
        placement = place()
        step = propose_praktik(app, placement, users["consultant"], praktik_terms(job, in_days(3)))
        browser = browsers["jobcentre" if action == "withdraw" else "company"]
        prefix = "/placements" if action == "withdraw" else "/company/placements"
        form = button(browser.get(f"{prefix}/{placement.id}"), f"/steps/{step.id}/{action}")
        url = f"{prefix}/{placement.id}/steps/{step.id}/{action}"
        return Target(
            browser, url, filled(form, note="Andre timer") if action == "refuse" else form.values
        )

    return make


def rules_target(app, browsers, users, place, job) -> Target:
    form = main_form_without_version(browsers["admin"].get("/jobcentre/rules"))
    return Target(browsers["admin"], "/jobcentre/rules", filled(form, **GOOD_RULES))


def acceptance_target(app, browsers, users, place, job) -> Target:
    with app.test_request_context():
        proposal = proposals.propose(
            job, a_candidate(users["consultant"], "Junk Person", ""), users["consultant"], "God."
        )
    db.session.flush()
    url = f"/company/proposals/{proposal.id}"
    form = button(browsers["company"].get(url), "/accept")
    values = filled(form, first_step="trial", suggested_start=iso(1), trial_end=iso(2))
    return Target(browsers["company"], f"{url}/accept", values)


TARGETS = {
    "praktik agreement": praktik_target,
    "paid hours": paid_target,
    "ending": end_target,
    "accept": step_target("accept"),
    "refuse": step_target("refuse"),
    "withdraw": step_target("withdraw"),
    "ladder rules": rules_target,
    "accepting a proposal": acceptance_target,
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_no_input_gives_a_500(
    app, jobcentre, company, rules_admin, consultant, employer, place, job, target
):
    browsers = {"jobcentre": jobcentre, "company": company, "admin": rules_admin}
    users = {"consultant": consultant, "employer": employer}
    make = TARGETS[target]
    current = make(app, browsers, users, place, job)
    fields = [name for name in current.values if name != "csrf_token"]
    assert fields, "the form has no fields: the test is looking at the wrong page"
    errors = []
    for name in fields:
        for junk in JUNK:
            values = dict(current.values)
            if junk is None:
                values.pop(name)
            else:
                values[name] = junk if isinstance(junk, list) else [junk]
            response = current.browser.post(current.url, data=values)
            if response.status_code >= 500:
                errors.append((name, junk if junk is None or len(junk) < 40 else "long"))
            if response.status_code == 302:  # it went through: start again from a fresh state
                current = make(app, browsers, users, place, job)
    assert errors == []


@pytest.mark.parametrize("first_step", ["trial", "praktik"])
def test_a_first_day_at_the_end_of_the_calendar_gives_no_500(
    app, company, consultant, person, job, first_step
):
    """A trial visit lasts two days unless told: the last day of the calendar has no next."""
    with app.test_request_context():
        proposal = proposals.propose(job, person, consultant, "God til hylder.")
    db.session.flush()
    url = f"/company/proposals/{proposal.id}"
    form = button(company.get(url), "/accept")
    values = filled(form, first_step=first_step, suggested_start="9999-12-31", trial_end=None)
    response = send(company, f"{url}/accept", values)
    assert response.status_code in (200, 302)


def test_a_praktik_at_the_end_of_the_calendar_gives_no_500(
    app, jobcentre, company, consultant, employer, place, job
):
    """The next agreement's form starts the day after the current one ends."""
    placement = place(first=Phase.PRAKTIK)
    last = date(9999, 12, 31)
    url = f"/placements/{placement.id}/praktik"
    values = filled(
        main_form(jobcentre.get(url)),
        start_on=(last - timedelta(days=27)).isoformat(),
        end_on=last.isoformat(),
        tasks="Fylde hylder",
    )
    proposed = send(jobcentre, url, values)
    if proposed.status_code == 302:  # a first day so far ahead may be refused instead
        step = db.session.scalar(select(PlacementStep))
        timeline = company.get(f"/company/placements/{placement.id}")
        accept = button(timeline, f"/steps/{step.id}/accept").values
        assert (
            send(
                company, f"/company/placements/{placement.id}/steps/{step.id}/accept", accept
            ).status_code
            == 302
        )
        for browser, path in (
            (jobcentre, f"/placements/{placement.id}"),
            (jobcentre, url),
            (jobcentre, "/placements"),
            (company, f"/company/placements/{placement.id}"),
            (company, f"/company/placements/{placement.id}/paid-hours"),
            (company, "/company/"),
        ):
            assert browser.get(path).status_code < 500, path
    else:
        assert proposed.status_code == 200
        assert error_ids(proposed) in (["start_on"], ["end_on"])


@pytest.mark.parametrize("version", [None, "", "abc", "-1"])
def test_an_answer_without_the_version_seen_is_refused_as_stale(
    app, company, consultant, place, job, version
):
    placement = place()
    step = propose_praktik(app, placement, consultant, praktik_terms(job, in_days(3)))
    before = counts(placement)
    token = csrf_token_from(company.get(f"/company/placements/{placement.id}"))
    data = {"csrf_token": token} | ({} if version is None else {"version": version})
    response = company.post(f"/company/placements/{placement.id}/steps/{step.id}/accept", data=data)
    assert error_flashes(followed(company, response))
    assert counts(placement) == before
    db.session.expire_all()
    assert db.session.get(PlacementStep, step.id).status == StepStatus.WAITING

"""A terms version never begins inside or before a confirmed week: the domain refuses it when
a step (a change of hours, praktik or paid hours) is proposed and again when it is accepted,
and a trigger refuses it in the database. Here too: from which day a request to change the
hours may start (not before the current terms, not more than a year ahead).

The placements have paid hours Tuesday and Thursday (3 + 3) since a Monday three weeks ago
(the shared placement fixture, tests.factories.paid_placement) unless a test needs a longer
history.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from marketplace.agreements.terms import versions_of
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import (
    HourKind,
    HourRecord,
    Phase,
    Placement,
    PlacementStep,
    StepKind,
    StepStatus,
    User,
)
from marketplace.placements import ladder as placements
from marketplace.placements import steps as step_terms
from marketplace.placements.ladder import CONFIRMED_MEANWHILE, StalePlacement
from tests.factories import (
    MON_WED_FRI,
    MONDAY,
    NEXT_MONDAY,
    THIS_WEEK,
    accepted_proposal,
    answer,
    ask,
    confirm,
    confirm_weeks,
    hours_requests,
    in_days,
    paid_terms,
    praktik_terms,
    refused_field,
    step_count,
    terms_count,
    today,
)
from tests.support import assert_refused_by_database

# --- From which day -------------------------------------------------------------------------


def test_the_first_day_is_not_before_the_current_terms_nor_more_than_a_year_ahead(
    placement, employer, consultant
):
    refused_field(lambda: ask(placement, employer, MONDAY - timedelta(days=1)), "start_on")
    refused_field(lambda: ask(placement, employer, in_days(366)), "start_on")
    assert hours_requests(placement) == 0
    assert answer(ask(placement, employer, in_days(365)), consultant).effective_from == in_days(365)


def test_a_start_in_the_past_is_allowed_when_no_week_is_confirmed(placement, employer, consultant):
    new = answer(ask(placement, employer, MONDAY + timedelta(days=2)), consultant)
    assert new.effective_from == MONDAY + timedelta(days=2) < today()
    assert new.paid_from == MONDAY


@pytest.mark.parametrize("offset", [-1, 0, 3, 6])
def test_a_start_inside_or_before_a_confirmed_week_is_refused(
    placement, employer, consultant, offset
):
    confirm(placement, employer, MONDAY + timedelta(days=7))  # the second week
    through = MONDAY + timedelta(days=13)
    assert hours.confirmed_through(placement.id) == through
    start = MONDAY + timedelta(days=7 + offset)
    for user in (employer, consultant):
        error = refused_field(lambda user=user: ask(placement, user, start), "start_on")
        assert through.strftime("%d.%m.%Y") in str(error.message)
    # Also before it, in a week nobody confirmed: a later week is confirmed.
    refused_field(lambda: ask(placement, employer, MONDAY + timedelta(days=1)), "start_on")
    assert hours_requests(placement) == 0


def test_a_start_confirmed_between_asking_and_accepting_is_refused_on_accepting(
    placement, employer, consultant
):
    start = MONDAY + timedelta(days=9)  # Wednesday of the second week, in the past
    step = ask(placement, employer, start)
    seen = placement.version
    confirm_weeks(placement, employer, MONDAY, 2)

    error = refused_field(lambda: answer(step, consultant), "start_on")
    assert (MONDAY + timedelta(days=13)).strftime("%d.%m.%Y") in str(error.message)
    db.session.expire_all()
    assert db.session.get(PlacementStep, step.id).status == StepStatus.WAITING
    assert (terms_count(placement), db.session.get(Placement, placement.id).version) == (1, seen)
    # The asker withdraws it and asks again from after the confirmed weeks.
    step = db.session.get(PlacementStep, step.id)
    placements.withdraw_step(step, employer, seen)
    placement = db.session.get(Placement, placement.id)
    again = ask(placement, employer, MONDAY + timedelta(days=14))
    assert answer(again, consultant).effective_from == MONDAY + timedelta(days=14)


def test_a_start_in_the_past_after_the_confirmed_weeks_is_planned_from_then(
    placement, employer, consultant
):
    confirm(placement, employer, MONDAY)
    second = MONDAY + timedelta(days=7)
    step = ask(placement, consultant, second, "9", MON_WED_FRI, "Hun arbejder allerede mere")
    new = answer(step, employer)
    assert new.effective_from == second < today()
    versions = versions_of(placement.id)

    # The confirmed week keeps its plan and records; the next weeks follow the new hours.
    assert hours.planned(placement, versions, MONDAY) == {
        (MONDAY + timedelta(days=1), HourKind.PAID): Decimal(3),
        (MONDAY + timedelta(days=3), HourKind.PAID): Decimal(3),
    }
    planned = hours.planned(placement, versions, second)
    assert planned == {
        (second, HourKind.PAID): Decimal(3),
        (second + timedelta(days=2), HourKind.PAID): Decimal(3),
        (second + timedelta(days=4), HourKind.PAID): Decimal(3),
    }
    confirm(placement, employer, second)
    recorded = db.session.execute(
        select(HourRecord.work_date, HourRecord.hours).where(
            HourRecord.placement_id == placement.id
        )
    ).all()
    assert sorted((day, Decimal(value)) for day, value in recorded) == [
        (MONDAY + timedelta(days=1), Decimal(3)),
        (MONDAY + timedelta(days=3), Decimal(3)),
        *sorted((day, share) for (day, _), share in planned.items()),
    ]
    assert hours.confirmed_through(placement.id) == second + timedelta(days=6)


# --- The database -------------------------------------------------------------------------


TERMS_INSERT = (
    "INSERT INTO placement_terms (placement_id, number, phase, effective_from, created_at,"
    " created_by_id, workplace_id, mentor_name, unpaid_weekdays, unpaid_tasks, purposes,"
    " special_reason, paid_from, paid_hours, paid_weekdays, paid_tasks, hourly_wage)"
    " VALUES (:placement, 2, 'paid', :start, CURRENT_TIMESTAMP, :user, :workplace, '',"
    " 0, '[]', 0, '', :paid_from, 8, 10, '[]', 140)"
)


def _inserted(statement: str, **params: object) -> None:
    """The control: the same statement with a good day goes in (and is rolled back)."""
    from sqlalchemy import text

    savepoint = db.session.begin_nested()
    assert db.session.execute(text(statement), params).rowcount == 1
    savepoint.rollback()


def test_the_database_refuses_terms_beginning_inside_or_before_a_confirmed_week(
    placement, employer, job
):
    second = MONDAY + timedelta(days=7)
    confirm(placement, employer, second)
    db.session.flush()
    params = {
        "placement": placement.id,
        "user": employer.id,
        "workplace": job.workplace_id,
        "paid_from": MONDAY.isoformat(),
    }
    for day in (MONDAY + timedelta(days=2), second, second + timedelta(days=6)):
        assert_refused_by_database(TERMS_INSERT, start=day.isoformat(), **params)
    _inserted(TERMS_INSERT, start=(second + timedelta(days=7)).isoformat(), **params)
    assert terms_count(placement) == 1


def test_a_confirmation_meanwhile_refused_by_the_database_is_a_stale_placement(
    placement, employer, consultant, monkeypatch
):
    """The domain checked before the week was confirmed (another session, a moment ago):
    the trigger refuses the terms, and accepting says so instead of failing."""
    step = ask(placement, employer, MONDAY + timedelta(days=8))
    confirm_weeks(placement, employer, MONDAY, 2)
    monkeypatch.setattr(step_terms, "confirmed_through", lambda _placement_id: None)
    savepoint = db.session.begin_nested()
    with pytest.raises(StalePlacement) as stale:
        answer(step, consultant)
    savepoint.rollback()
    assert stale.value.message == CONFIRMED_MEANWHILE
    db.session.expire_all()
    assert terms_count(placement) == 1
    assert db.session.get(PlacementStep, step.id).status == StepStatus.WAITING


HOURS_STEP_INSERT = (
    "INSERT INTO placement_steps (placement_id, kind, status, proposed_by_side, proposed_by_id,"
    " created_at, answer_note, start_on, end_on, hours, weekdays, tasks, purposes,"
    " special_reason, mentor_name, workplace_id, hourly_wage, praktik_continues, reason)"
    " VALUES (:placement, :kind, 'waiting', :side, :user, CURRENT_TIMESTAMP, '', :start, NULL,"
    " 8, 10, '[]', 0, '', '', :workplace, NULL, false, :reason)"
)


@pytest.mark.parametrize("side", ["company", "jobcentre"])
def test_the_database_takes_a_request_from_either_side_but_never_without_a_reason(
    placement, job, employer, side
):
    params = {
        "placement": placement.id,
        "kind": "hours",
        "side": side,
        "user": employer.id,
        "start": NEXT_MONDAY.isoformat(),
        "workplace": job.workplace_id,
    }
    _inserted(HOURS_STEP_INSERT, reason="Travlt", **params)
    assert_refused_by_database(HOURS_STEP_INSERT, reason="", **params)
    if side == "jobcentre":  # the control: paid hours are offered by the company only
        assert_refused_by_database(HOURS_STEP_INSERT, **{**params, "kind": "paid"}, reason="x")
    assert hours_requests(placement) == 0


# --- Every step kind keeps out of confirmed weeks -----------------------------------------


@pytest.fixture
def praktik_since_monday(job, consultant, employer) -> Placement:
    """Praktik 6 hours Tuesday and Thursday from MONDAY for 28 days (still going on)."""
    proposal = accepted_proposal(job, consultant, employer, "Dorte Eg")
    placement = placements.start(proposal, employer, Phase.PRAKTIK, MONDAY, today=MONDAY)
    step = placements.propose_step(
        placement,
        consultant,
        StepKind.PRAKTIK,
        praktik_terms(job, MONDAY, days=28),
        placement.version,
        today=MONDAY,
    )
    placements.accept_step(step, employer, placement.version, today=MONDAY)
    return placement


def confirm_this_week(placement: Placement, employer: User) -> None:
    versions = versions_of(placement.id)
    planned = hours.planned(placement, versions, THIS_WEEK)
    entries = {key: value for key, value in planned.items() if key[0] <= today()}
    hours.confirm_week(placement, employer, THIS_WEEK, entries, versions)
    db.session.flush()


def test_praktik_or_paid_hours_cannot_start_inside_a_confirmed_week(
    praktik_since_monday, job, consultant, employer
):
    placement = praktik_since_monday
    confirm_this_week(placement, employer)
    through = (THIS_WEEK + timedelta(days=6)).strftime("%d.%m.%Y")
    # Today is not in the past, but its week is confirmed.
    paid = paid_terms(job, today())
    error = refused_field(
        lambda: placements.propose_step(
            placement, employer, StepKind.PAID, paid, placement.version
        ),
        "start_on",
    )
    assert through in str(error.message)
    extension = praktik_terms(job, today(), days=14)
    error = refused_field(
        lambda: placements.propose_step(
            placement, consultant, StepKind.PRAKTIK, extension, placement.version
        ),
        "start_on",
    )
    assert through in str(error.message)
    assert step_count(placement) == 1  # the first praktik agreement only
    # From next Monday: allowed.
    step = placements.propose_step(
        placement, employer, StepKind.PAID, paid_terms(job, NEXT_MONDAY), placement.version
    )
    assert placements.accept_step(step, consultant, placement.version).paid_from == NEXT_MONDAY


def test_paid_hours_whose_first_week_was_confirmed_meanwhile_are_refused_on_accepting(
    praktik_since_monday, job, consultant, employer
):
    placement = praktik_since_monday
    step = placements.propose_step(
        placement, employer, StepKind.PAID, paid_terms(job, today()), placement.version
    )
    confirm_this_week(placement, employer)
    refused_field(lambda: answer(step, consultant), "start_on")
    assert step.status == StepStatus.WAITING
    assert [v.phase for v in versions_of(placement.id)] == ["praktik"]


def test_a_praktik_extension_whose_first_week_was_confirmed_meanwhile_is_refused_on_accepting(
    praktik_since_monday, job, consultant, employer
):
    placement = praktik_since_monday
    step = placements.propose_step(
        placement,
        consultant,
        StepKind.PRAKTIK,
        praktik_terms(job, today(), days=14),
        placement.version,
    )
    confirm_this_week(placement, employer)
    refused_field(lambda: answer(step, employer), "start_on")
    assert step.status == StepStatus.WAITING
    assert len(versions_of(placement.id)) == 1

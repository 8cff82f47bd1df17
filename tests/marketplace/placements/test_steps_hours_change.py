"""Requests to change the paid hours a week: either side asks from a day and says why, the
other side accepts (optionally with a comment) or declines (always with one). Accepted, the
request becomes the next terms version with only the paid hours and days changed.

A terms version never begins inside or before a confirmed week: the domain refuses it when
a step is proposed and again when it is accepted, and a trigger refuses it in the database.
The prompt to ask for more hours has its tests in test_more_hours.

The placements have paid hours Tuesday and Thursday (3 + 3) since a Monday three weeks ago
(tests.factories.paid_placement) unless a test needs a longer history.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.agreements.rules import update_rules
from marketplace.agreements.terms import latest_terms, versions_of
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import (
    HourKind,
    HourRecord,
    Phase,
    Placement,
    PlacementStep,
    PlacementTerms,
    Purpose,
    StepKind,
    StepStatus,
    User,
    Weekday,
)
from marketplace.placements import ladder as placements
from marketplace.placements import steps as step_terms
from marketplace.placements.ladder import CONFIRMED_MEANWHILE, STALE_MESSAGE, StalePlacement
from marketplace.placements.steps import StepTerms
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    DAYS,
    MONDAY,
    NEXT_MONDAY,
    THIS_WEEK,
    accepted_proposal,
    agree_paid,
    agree_praktik,
    answer,
    ask,
    at_trial,
    confirm,
    confirm_weeks,
    in_days,
    ladder_job,
    notices,
    paid_terms,
    praktik_terms,
    rules_data,
    step_count,
    today,
)
from tests.support import assert_refused_by_database

MON_WED_FRI = int(Weekday.MON | Weekday.WED | Weekday.FRI)


# --- Helpers --------------------------------------------------------------------------------


def refused_field(action, field: str | None) -> DomainError:  # type: ignore[no-untyped-def]
    """The action is refused (for the field named) and saves nothing, as the route rolls
    back: the step count and the terms are what they were."""
    savepoint = db.session.begin_nested()
    with pytest.raises(DomainError) as refused:
        action()
    savepoint.rollback()
    assert refused.value.field == field, refused.value.message
    return refused.value


def requests(placement: Placement) -> int:
    """How many requests to change the hours the placement has had."""
    return db.session.scalar(
        select(func.count(PlacementStep.id)).where(
            PlacementStep.placement_id == placement.id, PlacementStep.kind == "hours"
        )
    )


def terms_count(placement: Placement) -> int:
    return db.session.scalar(
        select(func.count(PlacementTerms.id)).where(PlacementTerms.placement_id == placement.id)
    )


# --- Asked, accepted, declined --------------------------------------------------------------


@pytest.mark.parametrize("asking", ["company", "jobcentre"])
def test_a_request_accepted_by_the_other_side_becomes_the_next_terms_version(
    placement, job, consultant, employer, asking
):
    asker, answerer = (employer, consultant) if asking == "company" else (consultant, employer)
    before = latest_terms(placement.id)
    seen = placement.version
    step = ask(placement, asker, NEXT_MONDAY, "10", MON_WED_FRI, "  Travlt i julen  ")

    assert (step.kind, step.status, step.proposed_by_side) == ("hours", "waiting", asking)
    assert (step.proposed_by_id, step.reason) == (asker.id, "Travlt i julen")
    assert (step.start_on, step.hours, step.weekdays) == (NEXT_MONDAY, Decimal(10), MON_WED_FRI)
    assert placement.version == seen + 1
    assert terms_count(placement) == 1  # only an agreement writes terms

    new = answer(step, answerer, note="  Aftalt med borgeren  ")

    assert (step.status, step.decided_by_id, step.answer_note) == (
        "accepted",
        answerer.id,
        "Aftalt med borgeren",
    )
    assert [(v.number, v.phase) for v in versions_of(placement.id)] == [(1, "paid"), (2, "paid")]
    assert (new.step_id, new.created_by_id, new.effective_from) == (
        step.id,
        answerer.id,
        NEXT_MONDAY,
    )
    assert (new.paid_hours, new.paid_weekdays) == (Decimal(10), MON_WED_FRI)
    # All else as agreed before: the paid part began when it began.
    assert new.paid_from == before.paid_from == MONDAY
    assert new.hourly_wage == before.hourly_wage == job.hourly_wage
    assert new.paid_tasks == before.paid_tasks == ["Kasse"]
    assert (new.workplace_id, new.mentor_name) == (before.workplace_id, before.mentor_name)
    assert (new.unpaid_from, new.unpaid_hours, new.purposes) == (None, None, 0)
    assert placement.phase == Phase.PAID
    assert placement.version == seen + 2


def test_a_jobcentre_admin_may_answer_a_request(placement, employer, admin):
    step = ask(placement, employer)
    assert answer(step, admin).paid_hours == Decimal(10)
    assert step.decided_by_id == admin.id


@pytest.mark.parametrize("asking", ["company", "jobcentre"])
def test_declining_needs_a_comment_and_writes_no_terms(placement, consultant, employer, asking):
    asker, answerer = (employer, consultant) if asking == "company" else (consultant, employer)
    step = ask(placement, asker)
    for note in ("", "   "):
        refused_field(
            lambda note=note: placements.refuse_step(step, answerer, note, placement.version),
            "note",
        )
    assert step.status == StepStatus.WAITING

    placements.refuse_step(step, answerer, " Ikke før januar ", placement.version)

    assert (step.status, step.answer_note, step.decided_by_id) == (
        "declined",
        "Ikke før januar",
        answerer.id,
    )
    assert terms_count(placement) == 1
    assert latest_terms(placement.id).paid_hours == Decimal(6)
    assert placements.waiting_step(placement) is None
    # Declined, the hours may be asked for again.
    assert ask(placement, asker, hours_a_week="8").status == StepStatus.WAITING


@pytest.mark.parametrize("asking", ["company", "jobcentre"])
def test_the_asking_side_cannot_answer_its_own_request_but_may_withdraw_it(
    placement, consultant, employer, make_user, asking
):
    asker, answerer = (employer, consultant) if asking == "company" else (consultant, employer)
    same_side = make_user(asker.organisation)  # a colleague on the asking side
    step = ask(placement, asker)
    for user in (asker, same_side):
        refused_field(lambda user=user: answer(step, user), None)
        refused_field(
            lambda user=user: placements.refuse_step(step, user, "Nej", placement.version), None
        )
    refused_field(lambda: placements.withdraw_step(step, answerer, placement.version), None)
    assert step.status == StepStatus.WAITING
    assert terms_count(placement) == 1

    placements.withdraw_step(step, asker, placement.version)
    assert (step.status, step.decided_by_id) == ("withdrawn", asker.id)
    assert terms_count(placement) == 1


def test_another_organisation_can_neither_ask_nor_answer(
    placement, consultant, employer, other_employer, other_consultant
):
    for stranger in (other_employer, other_consultant):
        refused_field(lambda stranger=stranger: ask(placement, stranger), None)
    assert requests(placement) == 0
    for asker, stranger in ((employer, other_consultant), (consultant, other_employer)):
        step = ask(placement, asker)
        refused_field(lambda step=step, stranger=stranger: answer(step, stranger), None)
        refused_field(
            lambda step=step, stranger=stranger: placements.refuse_step(
                step, stranger, "Nej", placement.version
            ),
            None,
        )
        assert step.status == StepStatus.WAITING
        placements.withdraw_step(step, asker, placement.version)
    assert terms_count(placement) == 1


def test_a_request_or_answer_made_on_an_old_version_is_refused_as_stale(
    placement, consultant, employer
):
    with pytest.raises(StalePlacement) as stale:
        ask(placement, employer, seen=placement.version - 1)
    assert stale.value.message == STALE_MESSAGE
    assert requests(placement) == 0

    step = ask(placement, employer)
    seen = placement.version
    with pytest.raises(StalePlacement):
        placements.accept_step(step, consultant, seen - 1)
    with pytest.raises(StalePlacement):
        placements.refuse_step(step, consultant, "Nej", seen - 1)
    assert step.status == StepStatus.WAITING
    assert (terms_count(placement), placement.version) == (1, seen)


def test_only_one_request_waits_at_a_time(placement, consultant, employer):
    ask(placement, employer)
    refused_field(lambda: ask(placement, consultant, hours_a_week="8"), None)
    assert requests(placement) == 1


# --- What a request may ask for ------------------------------------------------------------


def test_no_request_before_paid_hours_are_agreed(job, consultant, employer):
    trial = at_trial(accepted_proposal(job, consultant, employer), employer)
    refused_field(lambda: ask(trial, employer, in_days(3)), None)
    pending = placements.start(
        accepted_proposal(job, consultant, employer, "Bo Berg"), employer, Phase.PAID, in_days(1)
    )
    change = StepTerms(
        start_on=in_days(3),
        hours=Decimal(10),
        weekdays=DAYS,
        tasks=("Kasse",),
        workplace_id=job.workplace_id,
        hourly_wage=job.hourly_wage,
        reason="Mere travlt",
    )
    for user in (employer, consultant):
        refused_field(
            lambda user=user: placements.propose_step(
                pending, user, StepKind.HOURS, change, pending.version
            ),
            None,
        )
    in_praktik = placements.start(
        accepted_proposal(job, consultant, employer, "Carl Dam"),
        employer,
        Phase.PRAKTIK,
        in_days(1),
    )
    agree_praktik(in_praktik, consultant, employer, praktik_terms(job, in_days(1)))
    refused_field(lambda: ask(in_praktik, consultant, in_days(3)), None)
    assert [requests(p) for p in (trial, pending, in_praktik)] == [0, 0, 0]


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_request_needs_a_reason(placement, employer, consultant, reason):
    for user in (employer, consultant):
        refused_field(lambda user=user: ask(placement, user, reason=reason), "reason")
    assert requests(placement) == 0


def test_the_hours_and_days_agreed_now_are_no_change(placement, employer):
    refused_field(lambda: ask(placement, employer, hours_a_week="6", weekdays=DAYS), "hours")
    refused_field(lambda: ask(placement, employer, hours_a_week="6.0", weekdays=DAYS), "hours")
    assert requests(placement) == 0
    # The same hours on other days is a change, and so are other hours on the same days.
    other_days = ask(placement, employer, hours_a_week="6", weekdays=MON_WED_FRI)
    placements.withdraw_step(other_days, employer, placement.version)
    assert ask(placement, employer, hours_a_week="8", weekdays=DAYS).hours == Decimal(8)


@pytest.mark.parametrize("hours_a_week", ["37.5", "0", "2.25", "-1", "0.25", "100"])
def test_hours_outside_half_hours_from_half_an_hour_to_37_are_refused(
    placement, employer, hours_a_week
):
    refused_field(lambda: ask(placement, employer, hours_a_week=hours_a_week), "hours")
    assert requests(placement) == 0


@pytest.mark.parametrize("hours_a_week", ["37", "0.5", "2.5"])
def test_hours_in_half_hours_up_to_37_are_accepted(placement, employer, consultant, hours_a_week):
    assert answer(ask(placement, employer, hours_a_week=hours_a_week), consultant).paid_hours == (
        Decimal(hours_a_week)
    )


def test_the_persons_other_placement_counts_towards_the_limit(
    placement, job, consultant, employer, make_job, make_company, make_user
):
    other_employer = make_user(make_company("Netto Tarm"))
    other_job = ladder_job(make_job, other_employer, hours_per_week=Decimal(30))
    other = proposals.propose(other_job, placement.candidate, consultant, "God til kasse")
    proposals.accept(other, other_employer, in_days(1))
    at_trial(other, other_employer, 1, 14)  # 30 hours a week there

    error = refused_field(lambda: ask(placement, employer, hours_a_week="7.5"), "hours")
    assert "37.5" in str(error.message)
    assert requests(placement) == 0
    step = ask(placement, employer, hours_a_week="7")  # 30 + 7: the limit exactly
    assert answer(step, consultant).paid_hours == Decimal(7)


def test_a_lower_limit_of_the_jobcentre_applies(placement, employer, consultant, admin):
    update_rules(placement.jobcentre_id, rules_data(max_hours_per_week=Decimal(10)), admin)
    refused_field(lambda: ask(placement, employer, hours_a_week="10.5"), "hours")
    step = ask(placement, employer, hours_a_week="10")
    update_rules(placement.jobcentre_id, rules_data(max_hours_per_week=Decimal(8)), admin)
    refused_field(lambda: answer(step, consultant), "hours")  # checked again on accepting
    assert step.status == StepStatus.WAITING
    assert terms_count(placement) == 1


# --- From which day -------------------------------------------------------------------------


def test_the_first_day_is_not_before_the_current_terms_nor_more_than_a_year_ahead(
    placement, employer, consultant
):
    refused_field(lambda: ask(placement, employer, MONDAY - timedelta(days=1)), "start_on")
    refused_field(lambda: ask(placement, employer, in_days(366)), "start_on")
    assert requests(placement) == 0
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
    assert requests(placement) == 0


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


# --- Combined placements --------------------------------------------------------------------


@pytest.fixture
def combined(job, consultant, employer) -> Placement:
    """Praktik 6 hours from day 1 to day 28, with 3 paid hours beside it from day 3."""
    placement = placements.start(
        accepted_proposal(job, consultant, employer), employer, Phase.PRAKTIK, in_days(1)
    )
    agree_praktik(placement, consultant, employer, praktik_terms(job, in_days(1), days=28))
    agree_paid(placement, employer, consultant, paid_terms(job, in_days(3), praktik_continues=True))
    assert placement.phase == Phase.COMBINED
    return placement


@pytest.mark.parametrize("start", [10, 28])
def test_a_combined_placement_keeps_its_praktik_while_it_lasts(
    combined, consultant, employer, start
):
    before = latest_terms(combined.id)
    new = answer(ask(combined, consultant, in_days(start), "8", DAYS), employer)
    assert new.phase == Phase.COMBINED
    assert (new.unpaid_from, new.unpaid_to, new.unpaid_hours) == (
        in_days(1),
        in_days(28),
        Decimal(6),
    )
    assert (new.unpaid_weekdays, new.unpaid_tasks, new.purposes) == (
        before.unpaid_weekdays,
        before.unpaid_tasks,
        int(Purpose.TOWARDS_HOURS | Purpose.TRAIN_SKILLS),
    )
    assert (new.paid_from, new.paid_hours) == (in_days(3), Decimal(8))
    assert combined.phase == Phase.COMBINED


def test_a_combined_placement_whose_praktik_ended_by_the_first_day_becomes_paid(
    combined, consultant, employer
):
    new = answer(ask(combined, consultant, in_days(29), "8", DAYS), employer)
    assert new.phase == Phase.PAID
    assert (new.unpaid_from, new.unpaid_to, new.unpaid_hours, new.purposes) == (
        None,
        None,
        None,
        0,
    )
    assert (new.paid_from, new.paid_hours, new.hourly_wage) == (
        in_days(3),
        Decimal(8),
        latest_terms(combined.id).hourly_wage,
    )
    assert combined.phase == Phase.PAID


def test_praktik_beside_the_paid_hours_counts_towards_37_only_while_it_lasts(combined, consultant):
    refused_field(lambda: ask(combined, consultant, in_days(10), "31.5"), "hours")  # 6 + 31.5
    step = ask(combined, consultant, in_days(29), "37")  # the praktik has ended by then
    assert step.hours == Decimal(37)


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
    assert requests(placement) == 0


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


# --- Who is told ------------------------------------------------------------------------------


def test_the_other_side_is_told_of_a_request_and_of_its_answer(
    placement, consultant, employer, make_user
):
    colleague = make_user(employer.organisation)
    company = {employer.id, colleague.id}
    start = len(notices(placement))

    def since() -> list[tuple[int, str]]:
        return notices(placement)[start:]

    step = ask(placement, employer)
    assert since() == [(consultant.id, "hours_proposed")]
    placements.refuse_step(step, consultant, "Ikke nu", placement.version)
    assert sorted(since()[1:]) == sorted((user, "hours_declined") for user in company)

    start = len(notices(placement))
    step = ask(placement, consultant, hours_a_week="8")
    assert sorted(since()) == sorted((user, "hours_proposed") for user in company)
    answer(step, colleague)
    assert since()[2:] == [(consultant.id, "hours_accepted")]

    start = len(notices(placement))
    step = ask(placement, employer, hours_a_week="9")
    answer(step, consultant)
    assert since()[0] == (consultant.id, "hours_proposed")
    assert sorted(since()[1:]) == sorted((user, "hours_accepted") for user in company)

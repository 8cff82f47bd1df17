"""Asking for the company's assessment when a trial visit or a praktik ends, and reminding at
3 and 10 days (marketplace/placements/assessment_requests.py): which periods a placement has,
when each is asked for, and that however often the sweep runs each request and each reminder
is made once."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from babel.dates import format_date
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from marketplace import queue
from marketplace.agreements.terms import versions_of
from marketplace.clock import LOCAL_TZ, utcnow
from marketplace.extensions import db
from marketplace.models import (
    Assessment,
    AssessmentKind,
    EndReason,
    Notification,
    Phase,
    StepKind,
)
from marketplace.placements import assessment_requests as requests
from marketplace.placements import ladder as placements
from marketplace.placements.assessment_requests import Period, periods
from marketplace.placements.assessments import submit
from tests.accounts import mails, plain_text
from tests.factories import climb, today
from tests.factories.figures import LADDER_MONDAY, PAID_MONDAY, PRAKTIK_MONDAY
from tests.factories.placements import praktik_terms, start_placement
from tests.marketplace.placements.test_assessments import good

PRAKTIK_LAST = PRAKTIK_MONDAY + timedelta(days=27)  # the climb's four weeks of praktik


def morning(day) -> datetime:
    """Eight o'clock Danish time on `day`, as the sweep receives it."""
    return datetime.combine(day, time(8), LOCAL_TZ).astimezone(UTC)


def asked(placement) -> list[tuple[str, object, object]]:
    return [
        (a.kind, a.period_from, a.period_to)
        for a in db.session.scalars(
            select(Assessment)
            .where(Assessment.placement_id == placement.id)
            .order_by(Assessment.id)
        )
    ]


def notices(kind: str) -> int:
    return db.session.scalar(select(func.count()).where(Notification.kind == kind))


@pytest.fixture
def ladder(job, consultant, employer):
    """A trial visit on LADDER_MONDAY, praktik from PRAKTIK_MONDAY for four weeks, paid hours
    from PAID_MONDAY."""
    return climb(job, consultant, employer, "Pia Praktik", to="paid")


def test_a_ladder_has_a_trial_period_and_a_praktik_period(ladder):
    assert periods(ladder, versions_of(ladder.id)) == [
        Period(AssessmentKind.TRIAL, LADDER_MONDAY, LADDER_MONDAY, False),
        Period(AssessmentKind.PRAKTIK, PRAKTIK_MONDAY, PRAKTIK_LAST, False),
    ]


def test_paid_hours_begun_before_the_praktik_s_last_day_end_it(ladder):
    versions = versions_of(ladder.id)
    with db.session.no_autoflush:  # read as if agreed so, never written
        versions[-2].unpaid_to = PAID_MONDAY + timedelta(days=10)  # agreed longer than it ran
        assert versions[-1].effective_from == PAID_MONDAY
        assert periods(ladder, versions)[-1].last == PAID_MONDAY - timedelta(days=1)
        db.session.expire_all()


def test_a_placement_ended_mid_praktik_ends_its_period_that_day(ladder):
    versions = versions_of(ladder.id)
    with db.session.no_autoflush:
        ladder.ended_on = PRAKTIK_MONDAY + timedelta(days=9)
        found = periods(ladder, versions)
        db.session.expire_all()
    assert found[-1] == Period(
        AssessmentKind.PRAKTIK, PRAKTIK_MONDAY, PRAKTIK_MONDAY + timedelta(days=9), True
    )


def test_a_period_that_never_began_is_not_assessed(ladder):
    versions = versions_of(ladder.id)
    with db.session.no_autoflush:
        ladder.ended_on = PRAKTIK_MONDAY - timedelta(days=1)  # stopped between trial and praktik
        found = periods(ladder, versions)
        db.session.expire_all()
    assert [p.kind for p in found] == [AssessmentKind.TRIAL]


def test_the_sweep_asks_the_day_after_the_last_day_once(app, ladder, employer):
    assert requests.ask_due(morning(PRAKTIK_LAST)) == 0  # its last day: not yet
    assert requests.ask_due(morning(PRAKTIK_LAST + timedelta(days=1))) == 1
    # The trial visit ended weeks before the praktik: longer ago than the sweep looks back.
    assert asked(ladder) == [("praktik", PRAKTIK_MONDAY, PRAKTIK_LAST)]
    assert notices("assessment_asked") == 1  # the company's one employer
    for _ in range(2):  # later sweeps, and a racing one, ask nobody again
        assert requests.ask_due(morning(PRAKTIK_LAST + timedelta(days=2))) == 0
    assert notices("assessment_asked") == 1
    told = db.session.scalar(select(Notification).where(Notification.kind == "assessment_asked"))
    assert told.recipient_id == employer.id
    assert (told.subject_type, told.subject_id) == ("assessments", asked_id(ladder))


def asked_id(placement) -> int:
    return db.session.scalar(select(Assessment.id).where(Assessment.placement_id == placement.id))


def test_the_sweep_asks_for_the_trial_visit_the_day_after(ladder):
    assert requests.ask_due(morning(LADDER_MONDAY + timedelta(days=1))) == 1
    assert asked(ladder) == [("trial", LADDER_MONDAY, LADDER_MONDAY)]


def test_a_sweep_down_for_a_week_still_asks(ladder):
    assert requests.ask_due(morning(PRAKTIK_LAST + timedelta(days=8))) == 1
    assert requests.ask_due(morning(PRAKTIK_LAST + timedelta(days=30))) == 0  # and not again


def praktik_now(job, consultant, employer):
    """A praktik begun ten days ago for four weeks (after a trial visit on LADDER_MONDAY)."""
    placement = climb(job, consultant, employer, "Ole Ophør", to="trial")
    begun = today() - timedelta(days=10)
    terms = praktik_terms(job, begun, days=28)
    step = placements.propose_step(
        placement, consultant, StepKind.PRAKTIK, terms, placement.version, today=begun
    )
    placements.accept_step(step, employer, placement.version, today=begun)
    return placement


def test_ending_a_praktik_early_asks_at_once_and_the_sweep_does_not_ask_again(
    job, consultant, employer
):
    placement = praktik_now(job, consultant, employer)
    last = today() - timedelta(days=1)
    placements.end(placement, employer, EndReason.CANDIDATE_STOPPED, "", last, placement.version)
    begun = today() - timedelta(days=10)
    assert asked(placement) == [("praktik", begun, last)]
    assert notices("assessment_asked") == 1
    requests.ask_due(morning(today() + timedelta(days=1)))
    requests.ask_due(morning(begun + timedelta(days=28)))  # the day after its agreed last day
    assert asked(placement) == [("praktik", begun, last)]
    assert notices("assessment_asked") == 1


def test_ending_a_placement_before_its_trial_visit_asks_nothing(app, job, consultant, employer):
    placement = start_placement(app, job, consultant, employer, start=3)
    placements.end(placement, employer, EndReason.CANDIDATE_STOPPED, "", today(), placement.version)
    assert asked(placement) == []
    assert placement.phase == Phase.ENDED


@pytest.fixture
def open_request(ladder):
    requests.ask_due(morning(PRAKTIK_LAST + timedelta(days=1)))
    return db.session.scalar(select(Assessment).where(Assessment.placement_id == ladder.id))


def test_reminders_go_out_at_three_and_ten_days_once_each(open_request):
    asked_at = open_request.requested_at
    sweep = lambda days: requests.remind(asked_at + timedelta(days=days, minutes=1), 100)  # noqa: E731
    assert sweep(2) == 0
    assert sweep(3) == 1
    assert sweep(3) == 0  # again, or racing: nobody is reminded twice
    assert sweep(9) == 0
    assert sweep(10) == 1
    assert sweep(30) == 0
    assert notices("assessment_reminder") == 2
    db.session.refresh(open_request)
    assert open_request.reminders_sent == 2


def test_a_sweep_that_missed_both_days_reminds_once(open_request):
    late = open_request.requested_at + timedelta(days=12)
    assert requests.remind(late, 100) == 1
    assert requests.remind(late, 100) == 0
    assert notices("assessment_reminder") == 1


def test_an_answered_assessment_is_not_reminded(open_request, employer):
    from tests.marketplace.placements.test_assessments import TASKS

    open_request.period_to  # noqa: B018 - loaded before the answer
    submit(
        open_request, employer, good(tasks=dict.fromkeys(TASKS, good().tasks[TASKS[0]])), today()
    )
    assert requests.remind(utcnow() + timedelta(days=11), 100) == 0
    assert notices("assessment_submitted") == 1  # the consultant is told it came


def test_the_sweep_walks_in_batches(job, consultant, employer):
    for name in ("Anna", "Bent", "Carl"):
        climb(job, consultant, employer, name, to="paid")
    # Batches of one: each placement in its own, each committed.
    assert requests.ask_due(morning(PRAKTIK_LAST + timedelta(days=1)), batch_size=1) == 3
    assert requests.ask_due(morning(PRAKTIK_LAST + timedelta(days=1)), batch_size=1) == 0


# -- Any ladder: the periods keep their rules -------------------------------------------

KINDS = {"trial": "trial", "praktik": "praktik", "combined": "praktik", "paid": None}


@st.composite
def ladders(draw):
    """Terms versions as the ladder makes them (each begins after the one before; an unpaid
    part unless paid hours alone), and maybe a day the placement ended."""
    day = date(2026, 1, 5)
    versions = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        phase = draw(st.sampled_from(list(KINDS)))
        day += timedelta(days=draw(st.integers(0 if number == 1 else 1, 30)))
        unpaid = phase != "paid"
        length = draw(st.integers(0, 60))
        versions.append(
            SimpleNamespace(
                number=number,
                phase=phase,
                effective_from=day,
                unpaid_from=day if unpaid else None,
                unpaid_to=day + timedelta(days=length) if unpaid else None,
            )
        )
    ended = draw(st.none() | st.integers(-5, 200).map(lambda n: date(2026, 1, 5) + timedelta(n)))
    return SimpleNamespace(ended_on=ended), versions


@given(ladders())
def test_any_ladder_s_periods_keep_their_rules(ladder):
    placement, versions = ladder
    found = periods(placement, versions)
    for period in found:
        assert period.first <= period.last
        runs = [v for v in versions if KINDS[v.phase] == period.kind.value]
        assert period.first in [v.unpaid_from for v in runs]
        assert period.last <= max(v.unpaid_to for v in runs)
        # Ended early exactly when the end cut the period short; never past the end.
        if placement.ended_on is not None:
            assert period.last <= placement.ended_on
        if period.ended_early:
            assert period.last == placement.ended_on
        # A later version of another kind began after the period's last day.
        later = [v for v in versions if v.effective_from > period.first]
        other = [v for v in later if KINDS[v.phase] != period.kind.value]
        if other:
            assert period.last < min(v.effective_from for v in other)
    # In order, never overlapping, each first day (the request's key) once per kind.
    for before, after in itertools.pairwise(found):
        assert before.last < after.first
    assert len({(p.kind, p.first) for p in found}) == len(found)


def test_the_request_s_e_mail_reads_danish_and_links_to_the_form(app, ladder, employer, outbox):
    """The company's e-mail (the employer's preference: at once) names the period's last day
    in Danish, the pseudonym and the job, and links straight to the form."""
    with app.test_request_context():
        requests.ask_due(morning(PRAKTIK_LAST + timedelta(days=1)))
    queue.run_inprocess_tasks()
    day = format_date(PRAKTIK_LAST, "d. MMM y", locale="da")
    subject = f"Hvordan gik det? Vurdér forløbet, der sluttede {day}"
    (mail,) = [m for m in mails(outbox) if m["To"] == employer.email and subject in m["Subject"]]
    body = plain_text(mail)
    assert f"/company/assessments/{asked_id(ladder)}" in body
    assert "Pia Praktik" not in body + mail["Subject"]  # a company reads the pseudonym

"""The prompt to ask for more hours: after four confirmed weeks at (or above) the planned
paid hours, all under the hours agreed now, the consultant's timeline suggests it and the
sweep tells the consultant once per level of hours.

The helpers (ask, answer, paid_since, confirm_weeks, due, more_hours_notices) are those of
the hour-request tests, in tests.factories; the placement is the shared one (paid hours
Tuesday and Thursday since factories.MONDAY).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.agreements.terms import versions_of
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import (
    HourKind,
    HourRecord,
    Phase,
    Placement,
    PlacementReminder,
    StepKind,
)
from marketplace.placements import ladder as placements
from marketplace.placements.reminders import placement_reminders
from tests.factories import (
    DAYS,
    MONDAY,
    NEXT_MONDAY,
    THIS_WEEK,
    accepted_proposal,
    answer,
    ask,
    confirm,
    confirm_weeks,
    due,
    more_hours_notices,
    noon,
    paid_since,
    paid_terms,
    praktik_terms,
    today,
)

# --- Four weeks at the planned hours ------------------------------------------------------


@pytest.fixture
def six_weeks_paid(job, consultant, employer) -> Placement:
    """Paid 6 hours Tuesday and Thursday since six weeks ago."""
    return paid_since(job, consultant, employer, THIS_WEEK - timedelta(weeks=6), "Eva Fisk")


def test_four_confirmed_weeks_at_the_planned_hours_prompt_for_more(six_weeks_paid, employer):
    placement = six_weeks_paid
    confirm_weeks(placement, employer, THIS_WEEK - timedelta(weeks=4), 3)
    assert not due(placement, today())  # three weeks are not four
    confirm_weeks(placement, employer, THIS_WEEK - timedelta(weeks=1), 1)
    assert due(placement, today())
    # The same four weeks seen from the day after them.
    assert due(placement, THIS_WEEK)


def test_more_than_planned_counts_as_at_the_plan(six_weeks_paid, employer):
    placement = six_weeks_paid
    for n in range(4, 0, -1):
        monday = THIS_WEEK - timedelta(weeks=n)
        confirm(
            placement,
            employer,
            monday,
            entries={
                (monday + timedelta(days=1), HourKind.PAID): Decimal(4),
                (monday + timedelta(days=3), HourKind.PAID): Decimal(3),
            },
        )
    assert due(placement, today())


def test_a_week_below_the_plan_does_not_prompt(six_weeks_paid, employer):
    placement = six_weeks_paid
    for n in range(4, 0, -1):
        monday = THIS_WEEK - timedelta(weeks=n)
        thursday = Decimal(2) if n == 2 else Decimal(3)
        confirm(
            placement,
            employer,
            monday,
            entries={
                (monday + timedelta(days=1), HourKind.PAID): Decimal(3),
                (monday + timedelta(days=3), HourKind.PAID): thursday,
            },
        )
    assert not due(placement, today())


def test_a_correction_below_the_plan_does_not_prompt(six_weeks_paid, employer):
    placement = six_weeks_paid
    confirm_weeks(placement, employer, THIS_WEEK - timedelta(weeks=4), 4)
    assert due(placement, today())
    hours.correct(
        placement,
        employer,
        THIS_WEEK - timedelta(weeks=3) + timedelta(days=1),
        HourKind.PAID,
        Decimal("2.5"),
        "Gik tidligt",
        versions_of(placement.id),
    )
    assert not due(placement, today())


def test_an_unconfirmed_week_does_not_prompt(six_weeks_paid, employer):
    """Only confirmed figures count: hours on record for a week nobody confirmed (written
    outside the confirmation, with a reason) leave the streak broken."""
    placement = six_weeks_paid
    for n in (5, 4, 3, 1):  # four weeks confirmed, but the week two weeks ago is not
        confirm(placement, employer, THIS_WEEK - timedelta(weeks=n))
    gap = THIS_WEEK - timedelta(weeks=2)
    for day in (gap + timedelta(days=1), gap + timedelta(days=3)):
        db.session.add(
            HourRecord(
                placement_id=placement.id,
                candidate_id=placement.candidate_id,
                company_id=placement.company_id,
                work_date=day,
                kind=HourKind.PAID.value,
                revision=1,
                hours=Decimal(3),
                reason="Skrevet uden om ugen",
                recorded_by_id=employer.id,
            )
        )
    db.session.flush()
    assert hours.confirmation_of(placement.id, gap) is None
    assert not due(placement, today())
    confirm(placement, employer, THIS_WEEK - timedelta(weeks=2), entries={})
    assert due(placement, today())  # the control: confirmed, the same hours count


def test_no_prompt_when_paid_hours_began_within_the_four_weeks(placement, employer):
    confirm_weeks(placement, employer, MONDAY, 3)  # paid hours began three weeks ago
    assert not due(placement, today())


def test_confirmed_praktik_weeks_before_the_paid_hours_are_no_weeks_at_the_plan(
    job, consultant, employer
):
    """Praktik for four weeks from six weeks ago, paid hours alone from two weeks ago: every
    week of the last four is confirmed as planned, but two of them planned no paid hours."""
    since = THIS_WEEK - timedelta(weeks=6)
    placement = placements.start(
        accepted_proposal(job, consultant, employer, "Ib Jul"),
        employer,
        Phase.PRAKTIK,
        since,
        today=since,
    )
    step = placements.propose_step(
        placement,
        consultant,
        StepKind.PRAKTIK,
        praktik_terms(job, since, days=28),
        placement.version,
        today=since,
    )
    placements.accept_step(step, employer, placement.version, today=since)
    paid_from = THIS_WEEK - timedelta(weeks=2)
    offered = paid_terms(job, paid_from, hours="6", weekdays=DAYS)
    step = placements.propose_step(
        placement, employer, StepKind.PAID, offered, placement.version, today=since
    )
    placements.accept_step(step, consultant, placement.version, today=since)
    confirm_weeks(placement, employer, since, 6)
    versions = versions_of(placement.id)
    assert hours.planned(placement, versions, THIS_WEEK - timedelta(weeks=3))  # praktik
    assert not due(placement, today())


def test_no_prompt_when_a_later_version_is_already_agreed(six_weeks_paid, employer, consultant):
    placement = six_weeks_paid
    confirm_weeks(placement, employer, THIS_WEEK - timedelta(weeks=4), 4)
    assert due(placement, today())
    answer(ask(placement, consultant, NEXT_MONDAY, "8"), employer)
    assert not due(placement, today())


def test_no_prompt_at_37_hours(job, consultant, employer):
    placement = paid_since(
        job, consultant, employer, THIS_WEEK - timedelta(weeks=5), "Fie Gul", "37"
    )
    confirm_weeks(placement, employer, THIS_WEEK - timedelta(weeks=4), 4)
    assert not due(placement, today())


def test_the_sweep_prompts_the_consultant_once_per_level_of_hours(
    job, consultant, employer, make_user
):
    make_user(employer.organisation)  # a colleague, who is not prompted either
    start = THIS_WEEK - timedelta(weeks=12)
    placement = paid_since(job, consultant, employer, start, "Gitte Hansen")
    confirm_weeks(placement, employer, start, 4)
    first_sweep = start + timedelta(weeks=4, days=1)  # the Tuesday after four weeks

    assert more_hours_notices(placement) == []
    placement_reminders(noon(first_sweep - timedelta(weeks=1)))
    assert more_hours_notices(placement) == []  # three weeks at the hours then
    placement_reminders(noon(first_sweep))
    assert more_hours_notices(placement) == [consultant.id]
    placement_reminders(noon(first_sweep))
    placement_reminders(noon(first_sweep + timedelta(days=2)))
    assert more_hours_notices(placement) == [consultant.id]  # not again

    # The consultant asks for more from the next Monday; four weeks at 8 hours follow.
    changed = start + timedelta(weeks=5)
    answer(ask(placement, consultant, changed, "8"), employer)
    confirm_weeks(placement, employer, start + timedelta(weeks=4), 5)
    assert hours.planned(placement, versions_of(placement.id), changed) == {
        (changed + timedelta(days=1), HourKind.PAID): Decimal(4),
        (changed + timedelta(days=3), HourKind.PAID): Decimal(4),
    }
    placement_reminders(noon(changed + timedelta(weeks=4, days=1)))
    assert more_hours_notices(placement) == [consultant.id, consultant.id]
    placement_reminders(noon(changed + timedelta(weeks=4, days=3)))
    assert more_hours_notices(placement) == [consultant.id, consultant.id]
    assert (
        db.session.scalar(
            select(func.count(PlacementReminder.id)).where(
                PlacementReminder.placement_id == placement.id,
                PlacementReminder.kind == "more_hours",
            )
        )
        == 2
    )


def test_after_a_change_the_prompt_waits_for_four_weeks_at_the_new_hours(job, consultant, employer):
    """The weeks before the change were worked at the old hours: they say nothing about
    the new ones, so the prompt waits until four weeks at the new hours are confirmed."""
    start = THIS_WEEK - timedelta(weeks=12)
    placement = paid_since(job, consultant, employer, start, "Hans Ibsen")
    confirm_weeks(placement, employer, start, 4)
    changed = start + timedelta(weeks=4)
    placement_reminders(noon(changed))
    assert more_hours_notices(placement) == [consultant.id]

    answer(ask(placement, consultant, changed + timedelta(days=7), "8"), employer)
    confirm_weeks(placement, employer, changed, 1)
    # The new hours begin; the last four weeks were all at the old ones.
    for day in range(7, 14):
        assert not due(placement, changed + timedelta(days=day)), day
    placement_reminders(noon(changed + timedelta(days=8)))
    assert more_hours_notices(placement) == [consultant.id]

"""Hour records: a week confirmed once, corrections that never overwrite, and the database
refusing what a second writer could break (append-only, one line of revisions, 24 hours a
day per person across placements)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from marketplace.agreements.terms import versions_of
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import HourKind, HourRecord, Phase, Placement, Weekday
from marketplace.placements import ladder as placements
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    MONDAY,
    confirm,
    ladder_job,
    new_candidate,
    paid_placement,
    today,
)
from tests.support import assert_refused_by_database


def planned_week(placement: Placement, monday: date) -> dict:
    return hours.planned(placement, versions_of(placement.id), monday)


def records(placement) -> list[HourRecord]:
    return list(
        db.session.scalars(
            select(HourRecord)
            .where(HourRecord.placement_id == placement.id)
            .order_by(HourRecord.work_date, HourRecord.kind, HourRecord.revision)
        )
    )


def test_the_planned_week_spreads_the_weekly_hours_over_the_agreed_days(placement):
    assert planned_week(placement, MONDAY) == {
        (MONDAY + timedelta(days=1), HourKind.PAID): Decimal(3),
        (MONDAY + timedelta(days=3), HourKind.PAID): Decimal(3),
    }


@pytest.mark.parametrize(
    ("weekly", "days", "shares"),
    [
        ("6", 2, ["3", "3"]),
        ("5", 3, ["1.75", "1.75", "1.5"]),
        ("4.5", 2, ["2.25", "2.25"]),
        ("0.5", 3, ["0.25", "0.25", "0"]),
    ],
)
def test_a_week_splits_into_quarter_hours_that_add_up(weekly, days, shares):
    split = hours._split(Decimal(weekly), days)
    assert split == [Decimal(s) for s in shares]
    assert sum(split) == Decimal(weekly)


def test_before_paid_hours_begin_nothing_is_planned(placement):
    assert planned_week(placement, MONDAY - timedelta(days=7)) == {}


def test_confirming_as_planned_writes_one_record_per_day(placement, employer):
    confirmation = confirm(placement, employer)
    rows = records(placement)
    assert [(r.work_date, r.kind, r.hours, r.revision) for r in rows] == [
        (MONDAY + timedelta(days=1), "paid", Decimal(3), 1),
        (MONDAY + timedelta(days=3), "paid", Decimal(3), 1),
    ]
    assert {r.confirmation_id for r in rows} == {confirmation.id}


def test_a_planned_day_confirmed_as_zero_is_a_record_of_the_week(placement, employer):
    entries = planned_week(placement, MONDAY)
    thursday = MONDAY + timedelta(days=3)
    entries[(thursday, HourKind.PAID)] = Decimal(0)  # ill on Thursday
    entries[(MONDAY + timedelta(days=5), HourKind.PAID)] = Decimal(0)  # Saturday: not planned
    confirmation = confirm(placement, employer, entries=entries)
    assert [(r.work_date, r.hours, r.revision, r.confirmation_id) for r in records(placement)] == [
        (MONDAY + timedelta(days=1), Decimal(3), 1, confirmation.id),
        (thursday, Decimal(0), 1, confirmation.id),
    ]


def test_a_week_is_confirmed_once(placement, employer, make_user):
    confirm(placement, employer)
    colleague = make_user(employer.organisation)
    with pytest.raises(hours.AlreadyConfirmed):
        confirm(placement, colleague)
    assert len(records(placement)) == 2


@pytest.mark.parametrize(
    ("offset", "kind", "value"),
    [
        (0, HourKind.PAID, "3"),  # Monday: paid hours are agreed from Monday (flexible split)
    ],
)
def test_hours_on_an_unplanned_but_agreed_day_are_accepted(
    placement, employer, offset, kind, value
):
    entries = {(MONDAY + timedelta(days=offset), kind): Decimal(value)}
    confirm(placement, employer, entries=entries)
    assert [r.hours for r in records(placement)] == [Decimal(value)]


@pytest.mark.parametrize(
    ("entry", "field_kind"),
    [
        ((-7, HourKind.PAID, "3"), "outside"),  # a day of the week before
        ((1, HourKind.PRAKTIK, "3"), "praktik"),  # no praktik in this placement
        ((1, HourKind.PAID, "2.3"), "quarter"),
        ((1, HourKind.PAID, "25"), "range"),
        ((1, HourKind.PAID, "-1"), "range"),
    ],
)
def test_bad_entries_confirm_nothing(placement, employer, entry, field_kind):
    offset, kind, value = entry
    with pytest.raises(DomainError):
        confirm(
            placement, employer, entries={(MONDAY + timedelta(days=offset), kind): Decimal(value)}
        )
    assert records(placement) == []
    assert hours.confirmation_of(placement.id, MONDAY) is None


def test_no_hours_for_a_day_still_to_come(placement, employer):
    this_monday = hours.week_start_of(today())
    tomorrow = today() + timedelta(days=1)
    with pytest.raises(DomainError):
        confirm(
            placement, employer, monday=this_monday, entries={(tomorrow, HourKind.PAID): Decimal(1)}
        )


def test_a_week_not_yet_begun_cannot_be_confirmed(placement, employer):
    with pytest.raises(DomainError):
        confirm(placement, employer, monday=hours.week_start_of(today()) + timedelta(days=7))


def test_only_the_companys_staff_confirm(placement, consultant, make_company, make_user):
    stranger = make_user(make_company(name="Andet Firma"))
    for user in (consultant, stranger):
        with pytest.raises(DomainError):
            confirm(placement, user)
    assert records(placement) == []


def test_a_correction_is_a_new_revision_and_the_history_stays(placement, employer):
    confirm(placement, employer)
    tuesday = MONDAY + timedelta(days=1)
    record = hours.correct(
        placement,
        employer,
        tuesday,
        HourKind.PAID,
        Decimal("2.5"),
        "Gik tidligt",
        versions_of(placement.id),
    )
    assert (record.revision, record.corrects_revision, record.confirmation_id) == (2, 1, None)
    history = [r for r in records(placement) if r.work_date == tuesday]
    assert [(r.revision, r.hours) for r in history] == [(1, Decimal(3)), (2, Decimal("2.5"))]
    assert hours.current_record(placement.id, tuesday, HourKind.PAID).hours == Decimal("2.5")


def test_a_correction_can_bring_a_day_to_zero_and_back(placement, employer):
    confirm(placement, employer)
    tuesday = MONDAY + timedelta(days=1)
    versions = versions_of(placement.id)
    hours.correct(placement, employer, tuesday, HourKind.PAID, Decimal(0), "Syg", versions)
    hours.correct(placement, employer, tuesday, HourKind.PAID, Decimal(3), "Alligevel", versions)
    assert [r.revision for r in records(placement) if r.work_date == tuesday] == [1, 2, 3]


def test_a_correction_needs_a_reason_a_change_and_a_confirmed_week(placement, employer):
    tuesday = MONDAY + timedelta(days=1)
    versions = versions_of(placement.id)
    with pytest.raises(DomainError):  # the week is not confirmed
        hours.correct(placement, employer, tuesday, HourKind.PAID, Decimal(2), "x", versions)
    confirm(placement, employer)
    with pytest.raises(DomainError):
        hours.correct(placement, employer, tuesday, HourKind.PAID, Decimal(2), "  ", versions)
    with pytest.raises(DomainError):
        hours.correct(placement, employer, tuesday, HourKind.PAID, Decimal(3), "Same", versions)
    assert len(records(placement)) == 2


def test_a_correction_made_on_an_old_figure_is_refused(placement, employer):
    confirm(placement, employer)
    tuesday = MONDAY + timedelta(days=1)
    versions = versions_of(placement.id)
    hours.correct(
        placement, employer, tuesday, HourKind.PAID, Decimal(2), "a", versions, seen_revision=1
    )
    with pytest.raises(DomainError):
        hours.correct(
            placement, employer, tuesday, HourKind.PAID, Decimal(1), "b", versions, seen_revision=1
        )
    assert [r.revision for r in records(placement) if r.work_date == tuesday] == [1, 2]


def test_the_database_refuses_to_change_or_delete_a_record(placement, employer):
    confirm(placement, employer)
    assert_refused_by_database("UPDATE hour_records SET hours = 1")
    assert_refused_by_database("UPDATE hour_records SET note = 'x'")
    assert_refused_by_database("DELETE FROM hour_records")
    assert len(records(placement)) == 2


def refused(write) -> None:
    savepoint = db.session.begin_nested()
    with pytest.raises(IntegrityError):
        write()
    savepoint.rollback()


def _raw_record(placement, day, revision, corrects, hours_value, confirmation_id=None, reason="r"):
    db.session.add(
        HourRecord(
            placement_id=placement.id,
            candidate_id=placement.candidate_id,
            company_id=placement.company_id,
            work_date=day,
            kind="paid",
            revision=revision,
            corrects_revision=corrects,
            hours=Decimal(hours_value),
            reason=reason,
            confirmation_id=confirmation_id,
            recorded_by_id=placement.job.created_by_id,
        )
    )
    db.session.flush()


def test_the_database_keeps_revisions_in_one_line(placement, employer):
    confirm(placement, employer)
    tuesday = MONDAY + timedelta(days=1)
    _raw_record(placement, tuesday, 2, 1, "2")
    # A second correction of revision 1, a gap, and a first record without a week or reason.
    refused(lambda: _raw_record(placement, tuesday, 2, 1, "1"))
    refused(lambda: _raw_record(placement, tuesday, 4, 3, "1"))
    refused(lambda: _raw_record(placement, MONDAY, 1, None, "1", reason=""))
    refused(lambda: _raw_record(placement, MONDAY, 1, None, "0"))
    refused(lambda: _raw_record(placement, MONDAY, 1, None, "1.1"))


def test_one_person_never_passes_24_hours_a_day_across_placements(
    job, consultant, employer, make_job
):
    first = paid_placement(job, consultant, employer, name="Bo Berg")
    other_job = ladder_job(make_job, employer, title="Andet job")
    second = paid_placement(other_job, consultant, employer, name="Bo Berg 2")
    # The same person in both placements (a candidate may hold two placements).
    db.session.execute(
        text("UPDATE placements SET candidate_id = :c WHERE id = :p"),
        {"c": first.candidate_id, "p": second.id},
    )
    db.session.expire_all()
    second = db.session.get(Placement, second.id)
    tuesday = MONDAY + timedelta(days=1)
    confirm(first, employer, entries={(tuesday, HourKind.PAID): Decimal(20)})
    with pytest.raises(DomainError):
        confirm(second, employer, entries={(tuesday, HourKind.PAID): Decimal(5)})
    total = db.session.scalar(
        select(func.sum(HourRecord.hours)).where(
            HourRecord.candidate_id == first.candidate_id, HourRecord.work_date == tuesday
        )
    )
    assert total == Decimal(20)


def test_a_trial_visit_plans_its_own_days_whatever_the_jobs_usual_days(job, consultant, employer):
    """A visit on a Friday and Saturday for a Tuesday-and-Thursday job: the week's hours are
    spread over the visit's two days, not over days that fall outside it (which would plan 0)."""
    job.weekdays = int(Weekday.TUE | Weekday.THU)
    job.hours_per_week = 6
    proposal = proposals.propose(job, new_candidate(consultant, "Bo Visit"), consultant, "God.")
    proposals.accept(proposal, employer, today())
    friday = MONDAY + timedelta(days=4)
    visit = placements.start(
        proposal, employer, Phase.TRIAL, friday, friday + timedelta(days=1), today=friday
    )
    assert planned_week(visit, MONDAY) == {
        (friday, HourKind.PRAKTIK): Decimal(3),
        (friday + timedelta(days=1), HourKind.PRAKTIK): Decimal(3),
    }


def test_the_24_hour_rule_reads_the_persons_other_company_and_refuses_before_writing(
    paid, employer, consultant, make_company, make_user, make_job, count_queries
):
    """The same person at a second company: 20 hours there on Tuesday, then 5 here. The
    rule sums all of the person's records that day in one query and refuses before any
    INSERT, so nothing of the week is written."""
    here = paid()
    other_employer = make_user(make_company())
    there = paid_placement(ladder_job(make_job, other_employer), consultant, other_employer)
    db.session.execute(
        text("UPDATE placements SET candidate_id = :c WHERE id = :p"),
        {"c": here.candidate_id, "p": there.id},
    )
    db.session.expire_all()
    tuesday = MONDAY + timedelta(days=1)
    confirm(there, other_employer, entries={(tuesday, HourKind.PAID): Decimal(20)})
    db.session.flush()
    entries = {(tuesday, HourKind.PAID): Decimal(5)}
    with count_queries() as counted, pytest.raises(DomainError) as refused:
        hours.confirm_week(here, employer, MONDAY, entries, versions_of(here.id))
    assert str(refused.value.message) == str(hours.DAY_LIMIT)
    assert not [s for s in counted.statements if s.lstrip().upper().startswith("INSERT INTO HOUR")]

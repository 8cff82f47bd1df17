"""Who was touched by paid hours in which month, and for how many hours (the paid_months
table), kept beside every write of hour records so the jobcentre's figures read twelve months
from an index instead of a year of records (issue 17: 2.3 s for the biggest jobcentre
straight from the records).

A day touches its person when its latest paid revision is above 0 (`current_paid_day`): the
one definition, used here, by the rebuild and by figures.measures. A month's hours are the
sum of its days' latest paid revisions, at every company; its first day the first of them.
Each write recomputes the (person, month) rows it touched from the records, in four
statements whatever their number. Two writers for one person (two companies confirming the
same evening) are put in line by a lock on the person's candidate row, taken after the
records are written: the second one's sums then read the first one's records, so the last
sum written is the whole month's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import ColumnElement, Date, and_, delete, exists, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from marketplace.caseload import figure_changes
from marketplace.clock import month_of, next_month
from marketplace.extensions import db
from marketplace.models import Candidate, HourKind, HourRecord, PaidMonth


def current_paid_day() -> ColumnElement[bool]:
    """The condition on an hour record that it is a day's latest paid revision above 0."""
    later = aliased(HourRecord)
    return and_(
        HourRecord.kind == HourKind.PAID.value,
        HourRecord.hours > 0,
        ~exists().where(
            later.placement_id == HourRecord.placement_id,
            later.work_date == HourRecord.work_date,
            later.kind == HourRecord.kind,
            later.revision > HourRecord.revision,
        ),
    )


def month_start(day: ColumnElement[date]) -> ColumnElement[date]:
    """The first day of a date column's month, in SQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.cast(func.date_trunc("month", day), Date)
    return func.date(day, "start of month", type_=Date)


class MonthPaid(NamedTuple):
    hours: Decimal  # the month's paid hours
    first_day: date  # its first day with paid hours


def month_hours(
    candidate_ids: Iterable[int], first: date, after: date
) -> dict[tuple[int, date], MonthPaid]:
    """Each (person, month) with a touching day from `first` up to `after`, with its paid
    hours and first paid day, from the records themselves: what paid_months must hold."""
    ids = sorted(set(candidate_ids))
    if not ids:
        return {}
    month = month_start(HourRecord.work_date)
    rows = db.session.execute(
        select(
            HourRecord.candidate_id,
            month,
            func.sum(HourRecord.hours),
            func.min(HourRecord.work_date),
        )
        .where(
            HourRecord.candidate_id.in_(ids),
            HourRecord.work_date >= first,
            HourRecord.work_date < after,
            current_paid_day(),
        )
        .group_by(HourRecord.candidate_id, month)
    )
    return {
        (candidate_id, _as_date(month)): MonthPaid(Decimal(hours), _as_date(first_day))
        for candidate_id, month, hours, first_day in rows
    }


def _as_date(value: date | str) -> date:
    # SQLite's date() gives text.
    return value if isinstance(value, date) else date.fromisoformat(value)


def refresh(written: Iterable[tuple[int, date]]) -> None:
    """Recompute paid_months for the people and months of these (person, day) writes: every
    month from the first to the last written for every person written (a cross product, so a
    batch of a week or a correction is one lock, one DELETE, one SELECT and one INSERT), and
    the people's jobcentres noted for their figures (caseload.figure_changes)."""
    pairs = {(candidate_id, month_of(day)) for candidate_id, day in written}
    if not pairs:
        return
    people = sorted({candidate_id for candidate_id, _ in pairs})
    first = min(month for _, month in pairs)
    after = next_month(max(month for _, month in pairs))
    # In id order, so two writers never wait for each other crosswise.
    db.session.execute(
        select(Candidate.id)
        .where(Candidate.id.in_(people))
        .order_by(Candidate.id)
        .with_for_update()
    )
    db.session.execute(
        delete(PaidMonth)
        .where(
            PaidMonth.candidate_id.in_(people),
            PaidMonth.month >= first,
            PaidMonth.month < after,
        )
        .execution_options(synchronize_session=False)
    )
    _insert(month_hours(people, first, after))
    figure_changes.note_for_candidates(people)


def _insert(rows: dict[tuple[int, date], MonthPaid]) -> None:
    if not rows:
        return
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    values = [
        {"candidate_id": c, "month": m, "hours": paid.hours, "first_day": paid.first_day}
        for (c, m), paid in sorted(rows.items())
    ]
    statement = insert(PaidMonth)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["candidate_id", "month"],
            set_={"hours": statement.excluded.hours, "first_day": statement.excluded.first_day},
        ),
        values,
    )


def rebuild(batch_size: int = 1000, after_id: int = 0) -> tuple[int, int]:
    """Rebuild one batch of people (ids above `after_id`, in id order) from their records:
    returns (the last id done, rows written); 0 when there is nobody left. The caller
    commits per batch, so a rebuild stopped half-way is resumed from its last id."""
    ids = list(
        db.session.scalars(
            select(Candidate.id)
            .where(Candidate.id > after_id)
            .order_by(Candidate.id)
            .limit(batch_size)
        )
    )
    if not ids:
        return 0, 0
    db.session.execute(
        delete(PaidMonth)
        .where(PaidMonth.candidate_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    span = db.session.execute(
        select(func.min(HourRecord.work_date), func.max(HourRecord.work_date)).where(
            HourRecord.candidate_id.in_(ids)
        )
    ).one()
    rows = month_hours(ids, span[0], next_month(span[1])) if span[0] is not None else {}
    _insert(rows)
    return ids[-1], len(rows)


def fill_from_records() -> None:
    """paid_months from every record in one INSERT … SELECT, into an empty table: for a
    database loaded in bulk without the ledger (the national bench town). Not committed."""
    month = month_start(HourRecord.work_date)
    touched = (
        select(
            HourRecord.candidate_id,
            month,
            func.sum(HourRecord.hours),
            func.min(HourRecord.work_date),
        )
        .where(current_paid_day())
        .group_by(HourRecord.candidate_id, month)
    )
    db.session.execute(
        PaidMonth.__table__.insert().from_select(
            ["candidate_id", "month", "hours", "first_day"], touched
        )
    )

"""The programme's own measure, defined once (issue 17; DOMAIN.md, "The programme's own
measures"): the share of a jobcentre's target group touched by paid hours in a month.

Flere skal med 2 counts a person "touched by paid hours at some point in the month", against
a target of 20 %. Here, for a jobcentre, a month and optionally one consultant:

* **The target group of a month**: the jobcentre's candidates registered before the month
  ended and not closed before it began. A person closed during the month stays in that
  month's group (FSM2 keeps people in the denominator after the case closes); a paused
  person stays in it too (a pause is a sick spell or a course, not a way out). Småjob keeps
  only the latest closing (`closed_at`, cleared when reopened), so a person closed and
  reopened since counts as never closed. A consultant's group is the candidates the
  consultant holds now.
* **Touched by paid hours**: at least one day in the month with more than 0 confirmed paid
  hours, by the day's latest revision: a corrected day counts by its corrected value (4 hours
  corrected to 0 do not count; 0 corrected to 3 does). Praktik days never count, nor do
  hours recorded only in a later month. A person with hours at two companies counts once.
  Småjob's paid hours are ordinary hours at the normal wage: flexjobs and wage subsidy are
  never recorded here, so none has to be taken out.

Both counts are SQL over indexed columns, one statement each for any number of months: the
group from the candidates, the people touched from paid_months (kept by hours.paid_months from
the records; the definition of a touching day is its `current_paid_day`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Date, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from marketplace.clock import local_midnight, month_of, months_before, next_month
from marketplace.extensions import db
from marketplace.hours.paid_months import month_start
from marketplace.models import Candidate, PaidMonth
from marketplace.models.base import UTCDateTime


@dataclass(frozen=True)
class Share:
    """How many of the month's target group were touched by paid hours."""

    month: date
    touched: int
    group: int

    @property
    def percent(self) -> Decimal | None:
        """One decimal, rounded half up; None for a month without a group."""
        if not self.group:
            return None
        exact = Decimal(self.touched * 100) / Decimal(self.group)
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def paid_shares(
    jobcentre_id: int, months: list[date], consultant_id: int | None = None
) -> list[Share]:
    """The share of each month (first days), in the order given: two statements in all."""
    if not months:
        return []
    # The months as rows (a UNION ALL of one-row SELECTs: SQLite names no VALUES columns).
    table = union_all(
        *(
            select(
                literal(m, Date).label("month"),
                literal(local_midnight(m), UTCDateTime).label("starts"),
                literal(local_midnight(next_month(m)), UTCDateTime).label("ends"),
            )
            for m in months
        )
    ).subquery("months")
    member = and_(*in_group(table.c.starts, table.c.ends, jobcentre_id, consultant_id))
    groups = dict(
        db.session.execute(
            select(table.c.month, func.count(Candidate.id))
            .select_from(table)
            .join(Candidate, member)
            .group_by(table.c.month)
        ).all()
    )
    # Who was touched in each month: the paid_months rows (hours.paid_months keeps them
    # beside every write of hours, from the records' latest paid revisions).
    touched_people = (
        select(table.c.month, func.count(PaidMonth.candidate_id))
        .select_from(table)
        .join(Candidate, member)
        .join(
            PaidMonth,
            and_(PaidMonth.candidate_id == Candidate.id, PaidMonth.month == table.c.month),
        )
        .group_by(table.c.month)
    )
    touched = dict(db.session.execute(touched_people).all())
    return [
        Share(month=m, touched=int(touched.get(m, 0)), group=int(groups.get(m, 0))) for m in months
    ]


def paid_share(jobcentre_id: int, month: date, consultant_id: int | None = None) -> Share:
    """The month's share (`month` any day of it)."""
    (share,) = paid_shares(jobcentre_id, [month_of(month)], consultant_id)
    return share


def last_months(month: date, count: int = 12) -> list[date]:
    """`count` months up to and including `month`'s, oldest first: the trend's months."""
    first = month_of(month)
    return [months_before(first, back) for back in range(count - 1, -1, -1)]


def weekly_hours(hours: Decimal, month: date) -> Decimal:
    """A month's hours as hours a week: over the month's days, times seven (so February and
    March compare)."""
    days = (next_month(month) - month).days
    return hours * 7 / days


def median(values: list[Decimal]) -> Decimal | None:
    """The middle value, or the mean of the middle two; None of nothing."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def one_decimal(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class HoursAWeek:
    """The paid hours a week of the month's people with paid hours (the share's touched), and
    how many of those who also had paid hours three months before work more hours now."""

    month: date
    people: int
    median: Decimal | None  # hours a week, one decimal
    compared: int  # of the people, those with paid hours three months before too
    more: int  # of those, the ones with more hours a week now


COMPARED_MONTHS = 3


def hours_a_week(jobcentre_id: int, month: date, consultant_id: int | None = None) -> HoursAWeek:
    """The month's hours a week (`month` any day of it): one statement, the month's people
    with their hours then and three months before; the median is taken here (SQLite has no
    percentile; the rows are the month's touched people only)."""
    month = month_of(month)
    before = months_before(month, COMPARED_MONTHS)
    earlier = aliased(PaidMonth)
    rows = db.session.execute(
        select(PaidMonth.hours, earlier.hours)
        .join(Candidate, Candidate.id == PaidMonth.candidate_id)
        .outerjoin(
            earlier,
            and_(earlier.candidate_id == PaidMonth.candidate_id, earlier.month == before),
        )
        .where(
            PaidMonth.month == month,
            *in_group(
                local_midnight(month),
                local_midnight(next_month(month)),
                jobcentre_id,
                consultant_id,
            ),
        )
    ).all()
    now = [weekly_hours(Decimal(hours), month) for hours, _ in rows]
    pairs = [
        (weekly_hours(Decimal(hours), month), weekly_hours(Decimal(then), before))
        for hours, then in rows
        if then is not None
    ]
    return HoursAWeek(
        month=month,
        people=len(rows),
        median=one_decimal(median(now)),
        compared=len(pairs),
        more=sum(1 for current, then in pairs if current > then),
    )


def in_group(starts: Any, ends: Any, jobcentre_id: int, consultant_id: int | None) -> list[Any]:
    """A month's target group as conditions on Candidate: registered before the month ended
    (`ends`), not closed before it began (`starts`); the consultant's candidates if given."""
    return [
        Candidate.jobcentre_id == jobcentre_id,
        Candidate.created_at < ends,
        or_(Candidate.closed_at.is_(None), Candidate.closed_at >= starts),
        *([Candidate.consultant_id == consultant_id] if consultant_id is not None else []),
    ]


@dataclass(frozen=True)
class Retention:
    """Of the people whose day `days` after their first paid day fell in the twelve months up
    to the chosen one, how many had paid hours in that day's month."""

    days: int
    people: int
    still: int

    @property
    def percent(self) -> Decimal | None:
        return Share(month=date.min, touched=self.still, group=self.people).percent


RETENTION_DAYS = (90, 180)


def retention(jobcentre_id: int, month: date, consultant_id: int | None = None) -> list[Retention]:
    """Retention 90 and 180 days after the first paid day, for the twelve months up to
    `month`'s. A person's first paid day is the first day of their
    first month in paid_months (whatever company, however long ago); "still with paid hours"
    is paid hours in the calendar month that holds the day `days` later, the same monthly
    reading as the share. Only the jobcentre's candidates (the consultant's, if given) count;
    a person closed since still counts (they did or did not keep their hours). One
    statement."""
    month = month_of(month)
    window_from = months_before(month, 11)
    window_after = next_month(month)
    firsts = (
        select(PaidMonth.candidate_id, func.min(PaidMonth.first_day).label("first_day"))
        .join(Candidate, Candidate.id == PaidMonth.candidate_id)
        .where(
            Candidate.jobcentre_id == jobcentre_id,
            *([Candidate.consultant_id == consultant_id] if consultant_id is not None else []),
        )
        .group_by(PaidMonth.candidate_id)
        .subquery("firsts")
    )
    # Both spans in one pass over the people's first days; whether the month that holds a
    # span's day has paid hours is a probe of paid_months' key (a join made PostgreSQL read
    # the whole table twice: 180 ms against 60 for the biggest jobcentre).
    columns = []
    for days in RETENTION_DAYS:
        later_day = _plus_days(firsts.c.first_day, days)
        in_window = and_(later_day >= window_from, later_day < window_after)
        paid_then = (
            select(PaidMonth.candidate_id)
            .where(
                PaidMonth.candidate_id == firsts.c.candidate_id,
                PaidMonth.month == month_start(later_day),
            )
            .exists()
        )
        columns += [
            func.count(case((in_window, 1))),
            func.count(case((and_(in_window, paid_then), 1))),
        ]
    counts = db.session.execute(select(*columns).select_from(firsts)).one()
    return [
        Retention(days=days, people=int(counts[2 * i]), still=int(counts[2 * i + 1]))
        for i, days in enumerate(RETENTION_DAYS)
    ]


def _plus_days(day: Any, days: int) -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        return day + days  # date + integer is a date
    return func.date(day, f"+{days} days", type_=Date)

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

from sqlalchemy import Date, and_, func, literal, or_, select, union_all

from marketplace.clock import local_midnight, month_of, months_before, next_month
from marketplace.extensions import db
from marketplace.models import Candidate, PaidMonth
from marketplace.models.base import UTCDateTime

# FSM2's result requirement; the jobcentre's admin may set another target (issue 17).
DEFAULT_TARGET_PERCENT = 20


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
    in_group = and_(
        Candidate.jobcentre_id == jobcentre_id,
        Candidate.created_at < table.c.ends,
        or_(Candidate.closed_at.is_(None), Candidate.closed_at >= table.c.starts),
        *([Candidate.consultant_id == consultant_id] if consultant_id is not None else []),
    )
    groups = dict(
        db.session.execute(
            select(table.c.month, func.count(Candidate.id))
            .select_from(table)
            .join(Candidate, in_group)
            .group_by(table.c.month)
        ).all()
    )
    # Who was touched in each month: the paid_months rows (hours.paid_months keeps them
    # beside every write of hours, from the records' latest paid revisions).
    touched_people = (
        select(table.c.month, func.count(PaidMonth.candidate_id))
        .select_from(table)
        .join(Candidate, in_group)
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

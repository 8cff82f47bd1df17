"""The candidate's confirmed hours against each hour rule in force (DOMAIN.md, hour rules).

Only the current revision of each day counts, and only the kinds the rule counts (paid hours
for both seeded rules; praktik never). Two queries whatever the history's length: the rules
in force, then one pass over the person's records summing each rule's window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from marketplace.clock import months_before
from marketplace.extensions import db
from marketplace.models import HourKind, HourRecord, HourRule

PACE_DAYS = 28  # the pace is the last four weeks' average


def is_current() -> ColumnElement[bool]:
    """No later revision of the same placement, day and kind exists."""
    newer = aliased(HourRecord)
    return ~exists().where(
        newer.placement_id == HourRecord.placement_id,
        newer.work_date == HourRecord.work_date,
        newer.kind == HourRecord.kind,
        newer.revision > HourRecord.revision,
    )


@dataclass(frozen=True)
class Tally:
    rule: HourRule
    window_start: date
    counted: Decimal
    missing: Decimal
    weekly_pace: Decimal
    reached_on: date | None  # at the current pace; None when already met or no pace

    @property
    def met(self) -> bool:
        return self.missing <= 0


def rules_in_force(day: date) -> list[HourRule]:
    return list(
        db.session.scalars(
            select(HourRule)
            .where(
                HourRule.valid_from <= day,
                or_(HourRule.valid_to.is_(None), HourRule.valid_to >= day),
            )
            .order_by(HourRule.valid_from)
        )
    )


def _kinds(rule: HourRule) -> list[str]:
    return [
        kind.value
        for kind, counts in (
            (HourKind.PAID, rule.counts_paid),
            (HourKind.PRAKTIK, rule.counts_praktik),
        )
        if counts
    ]


def tallies(candidate_id: int, today: date) -> list[Tally]:
    rules = rules_in_force(today)
    if not rules:
        return []
    starts = {rule.id: months_before(today, rule.window_months) for rule in rules}
    pace_start = today - timedelta(days=PACE_DAYS - 1)
    columns = [
        func.coalesce(
            func.sum(
                case(
                    (
                        and_(
                            HourRecord.work_date >= starts[rule.id],
                            HourRecord.kind.in_(_kinds(rule)),
                        ),
                        HourRecord.hours,
                    ),
                    else_=0,
                )
            ),
            0,
        )
        for rule in rules
    ]
    columns += [
        func.coalesce(
            func.sum(
                case(
                    (
                        and_(HourRecord.work_date >= pace_start, HourRecord.kind.in_(_kinds(rule))),
                        HourRecord.hours,
                    ),
                    else_=0,
                )
            ),
            0,
        )
        for rule in rules
    ]
    earliest = min(starts.values())
    row = db.session.execute(
        select(*columns).where(
            HourRecord.candidate_id == candidate_id,
            HourRecord.work_date.between(earliest, today),
            is_current(),
        )
    ).one()
    result = []
    for n, rule in enumerate(rules):
        counted = Decimal(row[n])
        pace = Decimal(row[len(rules) + n]) / (PACE_DAYS // 7)
        missing = max(Decimal(rule.hours_required) - counted, Decimal(0))
        reached = None
        if missing > 0 and pace > 0:
            weeks = -(-missing // pace)  # whole weeks, rounded up
            if weeks < 52 * 100:  # beyond a century the date means nothing
                reached = today + timedelta(weeks=int(weeks))
        result.append(
            Tally(
                rule=rule,
                window_start=starts[rule.id],
                counted=counted,
                missing=missing,
                weekly_pace=pace,
                reached_on=reached,
            )
        )
    return result

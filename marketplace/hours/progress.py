"""Paid hours a week over time, for one placement: the agreed hours of each week (the terms
in force on its Monday) beside the confirmed hours, from the first week of paid hours."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.agreements.terms import in_force
from marketplace.extensions import db
from marketplace.hours.ledger import week_start_of
from marketplace.hours.tallies import is_current
from marketplace.models import HourKind, HourRecord, Placement, PlacementTerms, WeekConfirmation

WEEKS_SHOWN = 26


@dataclass(frozen=True)
class WeekOfHours:
    week_start: date
    agreed: Decimal
    confirmed: Decimal | None  # None: the week is not confirmed yet

    @property
    def number(self) -> int:
        return self.week_start.isocalendar().week


def progression(
    placement: Placement, versions: Sequence[PlacementTerms], today: date
) -> list[WeekOfHours]:
    starts = [v.paid_from for v in versions if v.paid_from is not None]
    if not starts:
        return []
    first = week_start_of(min(starts))
    last = week_start_of(today)
    if placement.ended_on is not None:
        last = min(last, week_start_of(placement.ended_on))
    first = max(first, last - timedelta(weeks=WEEKS_SHOWN - 1))
    if first > last:
        return []
    end = last + timedelta(days=6)
    confirmed_weeks = set(
        db.session.scalars(
            select(WeekConfirmation.week_start).where(
                WeekConfirmation.placement_id == placement.id,
                WeekConfirmation.week_start.between(first, last),
            )
        )
    )
    totals: dict[date, Decimal] = defaultdict(Decimal)
    for day, hours in db.session.execute(
        select(HourRecord.work_date, HourRecord.hours).where(
            HourRecord.placement_id == placement.id,
            HourRecord.kind == HourKind.PAID.value,
            HourRecord.work_date.between(first, end),
            is_current(),
        )
    ):
        totals[week_start_of(day)] += Decimal(hours)
    weeks = []
    monday = first
    while monday <= last:
        terms = in_force(versions, monday + timedelta(days=6)) or in_force(versions, monday)
        agreed = Decimal(terms.paid_hours) if terms and terms.paid_hours else Decimal(0)
        done = monday in confirmed_weeks or monday in totals
        weeks.append(WeekOfHours(monday, agreed, totals[monday] if done else None))
        monday += timedelta(days=7)
    return weeks

"""Paid hours a week over time, for one placement: the agreed hours of each week (the terms
in force on its Monday) beside the confirmed hours, from the first week of paid hours; and the
chart's scale.

A week in which the terms planned no paid day (paid hours begin on a Thursday but the days are
Tuesday and Wednesday; a placement that ended on a Monday) is marked as having no working days:
shown as "0 of 3" it read as hours missed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import select

from marketplace.agreements.terms import in_force
from marketplace.extensions import db
from marketplace.hours.ledger import planned, week_start_of
from marketplace.hours.tallies import is_current
from marketplace.models import HourKind, HourRecord, Placement, PlacementTerms, WeekConfirmation

WEEKS_SHOWN = 26


@dataclass(frozen=True)
class WeekOfHours:
    week_start: date
    agreed: Decimal
    confirmed: Decimal | None  # None: the week is not confirmed yet
    working_days: int = 1  # days the terms planned paid hours on that week

    @property
    def number(self) -> int:
        return self.week_start.isocalendar().week

    @property
    def no_working_days(self) -> bool:
        """Nothing was planned and nothing recorded: no week to measure against the hours."""
        return self.working_days == 0 and not self.confirmed


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
        days = {day for day, kind in planned(placement, versions, monday) if kind == HourKind.PAID}
        weeks.append(WeekOfHours(monday, agreed, totals[monday] if done else None, len(days)))
        monday += timedelta(days=7)
    return weeks


# Steps between the scale's ticks: the smallest that keeps to at most five ticks above zero.
TICK_STEPS = (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5), Decimal(10))


@dataclass(frozen=True)
class Scale:
    top: Decimal  # hours at the top of the chart, a whole number of steps
    ticks: tuple[Decimal, ...]  # from 0 to top
    agreed_levels: tuple[Decimal, ...] = ()  # the agreed hours to label, the latest first


def scale_for(weeks: Sequence[WeekOfHours]) -> Scale:
    """The hours axis: from 0 to a round number at or above the highest week, agreed or
    confirmed."""
    highest = max(
        [Decimal(1)]
        + [w.agreed for w in weeks]
        + [w.confirmed for w in weeks if w.confirmed is not None]
    )
    step = next((s for s in TICK_STEPS if highest / s <= 5), TICK_STEPS[-1])
    count = int((highest / step).to_integral_value(ROUND_CEILING))
    top = step * count
    # Each level of the agreed line gets a label beside the chart, unless it would sit on a
    # label already placed (a twelfth of the height apart at least).
    levels: list[Decimal] = []
    for week in reversed(weeks):
        if week.agreed and all(abs(week.agreed - seen) >= top / 12 for seen in levels):
            levels.append(week.agreed)
    return Scale(top, tuple(step * n for n in range(count + 1)), tuple(levels))

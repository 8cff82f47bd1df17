"""When to prompt the consultant to ask for more hours: the person has worked at least the
planned paid hours in each of the last four weeks, every one of them confirmed.

Two queries for any number of placements: the confirmations of those weeks, and the current
paid records in them. Only confirmed figures count, as for the hour rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.agreements.rules import LEGAL_MAX_HOURS
from marketplace.extensions import db
from marketplace.hours.ledger import planned, week_start_of
from marketplace.hours.tallies import is_current
from marketplace.models import (
    HourKind,
    HourRecord,
    Phase,
    Placement,
    PlacementTerms,
    WeekConfirmation,
)

STREAK_WEEKS = 4


def streak_weeks(today: date) -> list[date]:
    """The Mondays of the last complete weeks, oldest first."""
    this_week = week_start_of(today)
    return [this_week - timedelta(weeks=n) for n in range(STREAK_WEEKS, 0, -1)]


def worked_planned(
    placements: Sequence[Placement],
    versions: Mapping[int, Sequence[PlacementTerms]],
    today: date,
) -> set[int]:
    """The placements whose person worked at least the planned paid hours in each of the
    last four weeks, all under the terms agreed now, which leave room for more."""
    weeks = streak_weeks(today)
    candidates = []
    for placement in placements:
        own = versions.get(placement.id, [])
        if placement.phase not in (Phase.PAID, Phase.COMBINED) or not own:
            continue
        latest = own[-1]
        # All four weeks under the hours agreed now: a change restarts the count.
        if latest.effective_from > weeks[0] or Decimal(latest.total_hours) >= LEGAL_MAX_HOURS:
            continue
        candidates.append(placement)
    if not candidates:
        return set()
    ids = [p.id for p in candidates]
    confirmed = {
        (placement_id, week)
        for placement_id, week in db.session.execute(
            select(WeekConfirmation.placement_id, WeekConfirmation.week_start).where(
                WeekConfirmation.placement_id.in_(ids), WeekConfirmation.week_start.in_(weeks)
            )
        )
    }
    worked: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for placement_id, day, hours in db.session.execute(
        select(HourRecord.placement_id, HourRecord.work_date, HourRecord.hours).where(
            HourRecord.placement_id.in_(ids),
            HourRecord.kind == HourKind.PAID.value,
            HourRecord.work_date.between(weeks[0], weeks[-1] + timedelta(days=6)),
            is_current(),
        )
    ):
        worked[(placement_id, week_start_of(day))] += Decimal(hours)
    due = set()
    for placement in candidates:
        own = versions[placement.id]
        if all(_met(placement, own, week, confirmed, worked) for week in weeks):
            due.add(placement.id)
    return due


def _met(
    placement: Placement,
    versions: Sequence[PlacementTerms],
    week: date,
    confirmed: set[tuple[int, date]],
    worked: Mapping[tuple[int, date], Decimal],
) -> bool:
    if (placement.id, week) not in confirmed:
        return False
    plan = sum(
        (
            hours
            for (_, kind), hours in planned(placement, versions, week).items()
            if kind == HourKind.PAID
        ),
        Decimal(0),
    )
    return plan > 0 and worked.get((placement.id, week), Decimal(0)) >= plan

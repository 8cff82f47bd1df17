"""Reading hours a week at a time: for one placement or all of a company's, the planned
hours, what was confirmed, each day's corrections, and the consultant's flags. A fixed number
of queries whatever the number of placements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from marketplace.agreements.terms import versions_of_many
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.hours.ledger import last_working_day, open_on, planned, week_days
from marketplace.models import (
    HourKind,
    HourRecord,
    Phase,
    Placement,
    PlacementTerms,
    WeekConfirmation,
    WeekFlag,
)


@dataclass
class Cell:
    day: date
    kind: HourKind
    open: bool  # the terms have this kind of hours on this day
    planned: Decimal
    history: list[HourRecord] = field(default_factory=list)  # revision order

    @property
    def current(self) -> HourRecord | None:
        return self.history[-1] if self.history else None

    @property
    def hours(self) -> Decimal:
        """The figure that counts: the newest revision, else nothing (0)."""
        return Decimal(self.current.hours) if self.current else Decimal(0)

    @property
    def corrected(self) -> bool:
        return len(self.history) > 1 or (
            self.current is not None and self.current.confirmation_id is None
        )


@dataclass
class PlacementWeek:
    placement: Placement
    week_start: date
    versions: list[PlacementTerms]
    confirmation: WeekConfirmation | None
    cells: dict[tuple[date, HourKind], Cell]
    flags: list[WeekFlag]
    today: date = field(default_factory=local_today)

    @property
    def due_on(self) -> date:
        """The day the week can be confirmed from (ledger.last_working_day)."""
        return last_working_day(self.placement, self.versions, self.week_start)

    @property
    def can_confirm(self) -> bool:
        """Not confirmed, and its last working day has come."""
        return self.confirmation is None and self.due_on <= self.today

    def to_come(self, day: date) -> bool:
        """A day after today: shown with its plan, never entered."""
        return day > self.today

    @property
    def days(self) -> list[date]:
        return week_days(self.week_start)

    @property
    def kinds(self) -> list[HourKind]:
        """The kinds of hours this week can have, praktik first."""
        return [
            k
            for k in (HourKind.PRAKTIK, HourKind.PAID)
            if any(c.open for (d, kind), c in self.cells.items() if kind == k)
        ]

    def total(self, kind: HourKind, planned_only: bool = False) -> Decimal:
        cells = [c for (d, k), c in self.cells.items() if k == kind]
        if planned_only or self.confirmation is None:
            return sum((c.planned for c in cells), Decimal(0))
        return sum((c.hours for c in cells), Decimal(0))

    @property
    def has_hours(self) -> bool:
        return bool(self.kinds)


def weeks_for(
    placements: Sequence[Placement],
    week_start: date,
    *,
    authors: bool = True,
    today: date | None = None,
) -> list[PlacementWeek]:
    """`authors`: load who recorded each figure (the corrections list shows it). The week of
    all a company's placements does not, and joining users there costs more than the rest.
    `today` (Copenhagen's by default) decides which days are still to come."""
    today = today or local_today()
    ids = [p.id for p in placements]
    if not ids:
        return []
    end = week_start + timedelta(days=6)
    versions = versions_of_many(ids)
    confirmations = {
        c.placement_id: c
        for c in db.session.scalars(
            select(WeekConfirmation).where(
                WeekConfirmation.placement_id.in_(ids), WeekConfirmation.week_start == week_start
            )
        )
    }
    records: dict[tuple[int, date, str], list[HourRecord]] = defaultdict(list)
    in_week = (
        select(HourRecord)
        .where(HourRecord.placement_id.in_(ids), HourRecord.work_date.between(week_start, end))
        .order_by(HourRecord.revision)
    )
    if not authors:
        in_week = in_week.options(lazyload(HourRecord.recorded_by))
    for record in db.session.scalars(in_week):
        records[(record.placement_id, record.work_date, record.kind)].append(record)
    flags: dict[int, list[WeekFlag]] = defaultdict(list)
    for flag in db.session.scalars(
        select(WeekFlag)
        .where(WeekFlag.placement_id.in_(ids), WeekFlag.week_start == week_start)
        .order_by(WeekFlag.flagged_at)
    ):
        flags[flag.placement_id].append(flag)
    weeks = []
    for placement in placements:
        own = versions[placement.id]
        plan = planned(placement, own, week_start)
        cells = {}
        for day in week_days(week_start):
            for kind in (HourKind.PRAKTIK, HourKind.PAID):
                cells[(day, kind)] = Cell(
                    day=day,
                    kind=kind,
                    open=open_on(placement, own, kind, day),
                    planned=plan.get((day, kind), Decimal(0)),
                    history=records.get((placement.id, day, kind.value), []),
                )
        weeks.append(
            PlacementWeek(
                placement=placement,
                week_start=week_start,
                versions=own,
                confirmation=confirmations.get(placement.id),
                cells=cells,
                flags=flags[placement.id],
                today=today,
            )
        )
    return weeks


def company_placements(company_id: int, week_start: date) -> list[Placement]:
    """The company's placements that may have hours in the week (not ended before it)."""
    return list(
        db.session.scalars(
            select(Placement)
            .where(
                Placement.company_id == company_id,
                Placement.phase != Phase.PENDING.value,
                (Placement.ended_on.is_(None)) | (Placement.ended_on >= week_start),
            )
            .order_by(Placement.created_at)
        )
    )


def company_week(company_id: int, week_start: date) -> list[PlacementWeek]:
    return [
        w
        for w in weeks_for(company_placements(company_id, week_start), week_start, authors=False)
        if w.has_hours
    ]

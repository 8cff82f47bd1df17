"""Reading hours a week at a time: for one placement or all of a company's (a page of them),
the planned hours, what was confirmed, each day's corrections, and the consultant's flags. A
fixed number of queries whatever the number of placements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from flask import g
from flask_babel import format_date, format_decimal, get_locale
from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import joinedload, lazyload, load_only

from marketplace.agreements.terms import versions_of_many
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.hours.ledger import open_on, planned, week_days
from marketplace.i18n import gettext as _
from marketplace.models import (
    HourKind,
    HourRecord,
    Job,
    Phase,
    Placement,
    PlacementTerms,
    WeekConfirmation,
    WeekFlag,
)
from marketplace.web.pagination import Page, page_size, paged


@dataclass(frozen=True)
class DayLabel:
    """A day of the week as the week tables show it."""

    column: str  # a column's heading: "tir. 3/12"
    short: str  # beside a figure when the table reads as a list on a phone: "tirsdag 3/12"
    long: str  # an input's label, and for screen readers: "tirsdag 3. december"


def day_labels(week_start: date) -> dict[date, DayLabel]:
    """The week's days, formatted once per request and language: a company's week page has a
    table per placement, and formatting each cell's day with Babel was a third of its time."""
    cache: dict[tuple[date, str], dict[date, DayLabel]] = g.setdefault("hours_day_labels", {})
    key = (week_start, str(get_locale()))
    if key not in cache:
        cache[key] = {
            day: DayLabel(
                column=format_date(day, "EEE d/M"),
                short=format_date(day, "EEEE d/M"),
                long=format_date(day, "EEEE d. MMMM"),
            )
            for day in week_days(week_start)
        }
    return cache[key]


@dataclass(frozen=True)
class WeekTexts:
    """The texts every week table repeats, translated once per request: gettext from a
    template cost ~0.04 ms a call, and the company's week page made some 500 (issue 16)."""

    hours: str
    week: str
    week_number: str  # "Week 48"
    week_total: str
    no_hours: str
    still_to_come: str
    paid: str
    praktik: str
    confirmed_hours: str
    planned_hours: str
    hours_to_confirm: str
    confirm_this_week: str

    def kind(self, kind: str) -> str:
        return self.paid if kind == HourKind.PAID else self.praktik


def week_texts(week_start: date) -> WeekTexts:
    cache: dict[tuple[date, str], WeekTexts] = g.setdefault("hours_week_texts", {})
    key = (week_start, str(get_locale()))
    if key not in cache:
        cache[key] = WeekTexts(
            hours=_("Hours"),
            week=_("Week"),
            week_number=_("Week %(n)s", n=week_start.isocalendar().week),
            week_total=_("Week total"),
            no_hours=_("No hours this day"),
            still_to_come=_("Still to come"),
            paid=_("Paid hours"),
            praktik=_("Praktik"),
            confirmed_hours=_("Confirmed hours"),
            planned_hours=_("Planned hours"),
            hours_to_confirm=_("Hours to confirm"),
            confirm_this_week=_("Confirm this week"),
        )
    return cache[key]


def hours_text(value: Decimal | int | None) -> str:
    """A figure as the number filter shows it, formatted once per value and language in a
    request (the week tables show the same few figures hundreds of times)."""
    if value is None:
        return ""
    cache: dict[tuple[Any, str], str] = g.setdefault("hours_numbers", {})
    key = (value, str(get_locale()))
    if key not in cache:
        cache[key] = format_decimal(value)
    return cache[key]


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

    @cached_property
    def due_on(self) -> date:
        """The day the week can be confirmed from: ledger.last_working_day, read off the
        cells, which hold its inputs (planned hours and open days) already: its last day with
        planned hours; without any, its last day that can have hours; else its Sunday."""
        planned_days = [c.day for c in self.cells.values() if c.planned]
        open_days = [c.day for c in self.cells.values() if c.open]
        return max(planned_days or open_days, default=self.week_start + timedelta(days=6))

    @property
    def can_confirm(self) -> bool:
        """Not confirmed, and its last working day has come."""
        return self.confirmation is None and self.due_on <= self.today

    def to_come(self, day: date) -> bool:
        """A day after today: shown with its plan, never entered."""
        return day > self.today

    @cached_property
    def days(self) -> list[date]:
        return week_days(self.week_start)

    @property
    def labels(self) -> dict[date, DayLabel]:
        return day_labels(self.week_start)

    @property
    def texts(self) -> WeekTexts:
        return week_texts(self.week_start)

    def figure(self, value: Decimal | int | None) -> str:
        """A number of hours as the number filter shows it (hours_text)."""
        return hours_text(value)

    @cached_property
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
    """`authors`: load who recorded each figure (the corrections list shows it) and who
    flagged and answered. The week of all a company's placements does not, and joining users
    there costs more than the rest. `today` (Copenhagen's by default) decides which days are
    still to come."""
    today = today or local_today()
    ids = [p.id for p in placements]
    if not ids:
        return []
    end = week_start + timedelta(days=6)
    versions = versions_of_many(ids, plain=True)
    # Who confirmed is shown by name: only the user, not the user's organisation.
    confirmations = {
        c.placement_id: c
        for c in db.session.scalars(
            select(WeekConfirmation)
            .where(
                WeekConfirmation.placement_id.in_(ids), WeekConfirmation.week_start == week_start
            )
            .options(joinedload(WeekConfirmation.confirmed_by).options(lazyload("*")))
        )
    }
    records: dict[tuple[int, date, str], list[HourRecord]] = defaultdict(list)
    in_week = (
        select(HourRecord)
        .where(HourRecord.placement_id.in_(ids), HourRecord.work_date.between(week_start, end))
        .order_by(HourRecord.revision)
    )
    flags_of = (
        select(WeekFlag)
        .where(WeekFlag.placement_id.in_(ids), WeekFlag.week_start == week_start)
        .order_by(WeekFlag.flagged_at)
    )
    if not authors:
        in_week = in_week.options(lazyload(HourRecord.recorded_by))
        flags_of = flags_of.options(lazyload("*"))
    for record in db.session.scalars(in_week):
        records[(record.placement_id, record.work_date, record.kind)].append(record)
    flags: dict[int, list[WeekFlag]] = defaultdict(list)
    for flag in db.session.scalars(flags_of):
        flags[flag.placement_id].append(flag)
    days = week_days(week_start)
    weeks = []
    for placement in placements:
        own = versions[placement.id]
        plan = planned(placement, own, week_start)
        cells = {}
        for day in days:
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


def company_week_ids(company_id: int, week_start: date) -> Select[tuple[int]]:
    """The ids of the company's placements that may have hours in the week, in the page's
    order: not pending, not ended before it, with a terms version begun by its end whose paid
    part has begun or whose praktik (or trial visit) overlaps it. That is every placement
    with an open day in the week and a few more (a version already replaced); PlacementWeek
    .has_hours decides exactly, on the rows of one page."""
    end = week_start + timedelta(days=6)
    agreed = exists().where(
        PlacementTerms.placement_id == Placement.id,
        PlacementTerms.effective_from <= end,
        or_(
            PlacementTerms.paid_from <= end,
            and_(PlacementTerms.unpaid_from <= end, PlacementTerms.unpaid_to >= week_start),
        ),
    )
    return (
        select(Placement.id)
        .where(
            Placement.company_id == company_id,
            Placement.phase != Phase.PENDING.value,
            (Placement.ended_on.is_(None)) | (Placement.ended_on >= week_start),
            agreed,
        )
        .order_by(Placement.created_at, Placement.id)
    )


def _placements(ids: list[int]) -> list[Placement]:
    """The placements with their job's title only: the week page names the job, and a
    placement's default eager joins (the job's company, workplace, their municipalities)
    were read for every row and never shown."""
    if not ids:
        return []
    found = db.session.scalars(
        select(Placement)
        .where(Placement.id.in_(ids))
        .options(
            lazyload("*"),
            joinedload(Placement.job).options(load_only(Job.id, Job.title), lazyload("*")),
        )
    )
    by_id = {p.id: p for p in found}
    return [by_id[i] for i in ids if i in by_id]


def company_placements(
    company_id: int, week_start: date, among: Collection[int] | None = None
) -> list[Placement]:
    """The company's placements that may have hours in the week (company_week_ids); only
    those of `among` when given (the ones a form chose)."""
    ids = company_week_ids(company_id, week_start)
    if among is not None:
        ids = ids.where(Placement.id.in_(list(among)))
    return _placements(list(db.session.scalars(ids)))


def company_week(
    company_id: int, week_start: date, among: Collection[int] | None = None
) -> list[PlacementWeek]:
    """The week of each of the company's placements with hours in it (of `among` only, when
    given): every one, for the reminder's link and for confirming."""
    return [
        w
        for w in weeks_for(
            company_placements(company_id, week_start, among), week_start, authors=False
        )
        if w.has_hours
    ]


# Placements' weeks on one page of the week page. Each is a table of seven days with an
# input a day: on a phone 20 are already many screens, and 50 made a 167 kB page that took
# 44-63 ms to render alone and over 500 ms at p95 under load (issue 16).
WEEK_PAGE_SIZE = 20


def company_week_page(company_id: int, week_start: date, page: int) -> Page[PlacementWeek]:
    """One page of the company's week (the week page): a page of ids with their count in SQL
    (web.pagination.paged), then the weeks of those placements. A page may show fewer rows
    than the page size when an id's terms turn out to have no open day in the week."""
    ids = paged(company_week_ids(company_id, week_start), page, page_size(WEEK_PAGE_SIZE))
    weeks = weeks_for(_placements(ids.items), week_start, authors=False)
    return ids.with_items([w for w in weeks if w.has_hours])

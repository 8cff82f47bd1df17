"""Recording hours: the employer confirms a week (planned hours pre-filled, days edited
first), and corrects a confirmed day with a reason. Nothing is ever overwritten.

Domain functions flush and never commit; the route commits once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from flask_babel import format_date
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from marketplace.agreements.terms import in_force
from marketplace.clock import local_today
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.hours import paid_months
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import (
    HourKind,
    HourRecord,
    Phase,
    Placement,
    PlacementTerms,
    Role,
    User,
    WeekConfirmation,
    Weekday,
)

MAX_DAY = Decimal(24)
QUARTER = Decimal("0.25")
WEEKDAYS = list(Weekday)  # Monday first, as date.weekday() counts
WORKDAYS = int(Weekday.MON | Weekday.TUE | Weekday.WED | Weekday.THU | Weekday.FRI)

Entries = Mapping[tuple[date, HourKind], Decimal]


VIAS = ("page", "bulk", "link")  # how a week was confirmed (the CHECK on week_confirmations)
ALREADY_CONFIRMED = _l(
    "This week was confirmed by someone else a moment ago. Nothing was counted twice."
)


FUTURE_DAY = _l("Hours cannot be recorded for a day still to come.")

TERMS_CHANGED = _l(
    "The terms for this week changed a moment ago, so nothing was confirmed. Read the week again."
)


class AlreadyConfirmed(DomainError):
    """Someone confirmed the week first."""


def confirmed_through(placement_id: int) -> date | None:
    """The last day (Sunday) of the placement's latest confirmed week."""
    latest = db.session.scalar(
        select(func.max(WeekConfirmation.week_start)).where(
            WeekConfirmation.placement_id == placement_id
        )
    )
    return latest + timedelta(days=6) if latest is not None else None


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_days(week_start: date) -> list[date]:
    return [week_start + timedelta(days=n) for n in range(7)]


def _part_open(terms: PlacementTerms | None, kind: HourKind, day: date) -> bool:
    """Whether the terms in force on `day` have that kind of hours on that day."""
    if terms is None:
        return False
    if kind == HourKind.PAID:
        return terms.paid_from is not None and terms.paid_from <= day
    return (
        terms.unpaid_from is not None
        and terms.unpaid_to is not None
        and terms.unpaid_from <= day <= terms.unpaid_to
    )


def open_on(
    placement: Placement, versions: Sequence[PlacementTerms], kind: HourKind, day: date
) -> bool:
    """Paid hours only inside a paid phase, praktik hours only inside a praktik (or trial
    visit), never after the placement ended."""
    if placement.ended_on is not None and day > placement.ended_on:
        return False
    return _part_open(in_force(versions, day), kind, day)


def _split(hours: Decimal, days: int) -> list[Decimal]:
    """A week's hours over its days in quarter hours; the first days take the remainder."""
    if days == 0:
        return []
    base = (hours / days / QUARTER).to_integral_value(ROUND_DOWN) * QUARTER
    rest = hours - base * days
    shares = [base] * days
    n = 0
    while rest > 0:
        shares[n] += QUARTER
        rest -= QUARTER
        n += 1
    return shares


def _visit(terms: PlacementTerms, kind: HourKind) -> bool:
    return kind == HourKind.PRAKTIK and terms.phase == Phase.TRIAL


def planned(
    placement: Placement, versions: Sequence[PlacementTerms], week_start: date
) -> dict[tuple[date, HourKind], Decimal]:
    """The hours the terms plan for each day of the week: each part's weekly hours spread
    over its days (Monday to Friday when its days are flexible). A trial visit's days are the
    visit's own dates, whatever the job's usual days."""
    result: dict[tuple[date, HourKind], Decimal] = {}
    for kind in (HourKind.PRAKTIK, HourKind.PAID):
        by_terms: dict[int, list[date]] = {}
        terms_of: dict[int, PlacementTerms] = {}
        for day in week_days(week_start):
            terms = in_force(versions, day)
            if terms is None or not open_on(placement, versions, kind, day):
                continue
            mask = (terms.paid_weekdays if kind == HourKind.PAID else terms.unpaid_weekdays) or (
                WORKDAYS
            )
            if _visit(terms, kind) or mask & WEEKDAYS[day.weekday()]:
                by_terms.setdefault(terms.id, []).append(day)
                terms_of[terms.id] = terms
        for terms_id, days in by_terms.items():
            terms = terms_of[terms_id]
            weekly = terms.paid_hours if kind == HourKind.PAID else terms.unpaid_hours
            mask = (terms.paid_weekdays if kind == HourKind.PAID else terms.unpaid_weekdays) or (
                WORKDAYS
            )
            per_week_days = len(days) if _visit(terms, kind) else bin(mask).count("1")
            shares = _split(Decimal(weekly or 0), per_week_days)
            for day, share in zip(days, shares, strict=False):
                result[(day, kind)] = share
    return result


def last_working_day(
    placement: Placement, versions: Sequence[PlacementTerms], week_start: date
) -> date:
    """The day from which the week can be confirmed: its last day with planned hours; without
    any, its last day that can have hours; else its Sunday. Days still to come cannot be
    entered, so a week waits until the last day it plans has come (today counts: a shop
    manager confirms on Friday afternoon the week that ends with Friday's shift)."""
    days = [
        day for (day, _kind), hours in planned(placement, versions, week_start).items() if hours
    ]
    if not days:
        days = [
            day
            for day in week_days(week_start)
            for kind in (HourKind.PRAKTIK, HourKind.PAID)
            if open_on(placement, versions, kind, day)
        ]
    return max(days, default=week_start + timedelta(days=6))


def not_yet(due: date) -> str:
    """Why a week cannot be confirmed yet, naming the day it can."""
    return _l(
        "This week can be confirmed from %(day)s, its last working day: days still to come"
        " cannot be confirmed.",
        day=format_date(due, "EEEE d. MMMM"),
    )


def check_hours_of_day(hours: Decimal, field: str = "hours") -> None:
    if not Decimal(0) <= hours <= MAX_DAY:
        raise DomainError(_l("Enter between 0 and 24 hours."), field=field)
    if (hours / QUARTER) % 1:
        raise DomainError(_l("Use quarter hours, like 2,25 or 3,5."), field=field)


def _employer_of(placement: Placement, user: User) -> None:
    if user.role != Role.EMPLOYER or user.organisation_id != placement.company_id:
        raise DomainError(_l("Only the company's own staff record its hours."))


def _check_entry(
    placement: Placement,
    versions: Sequence[PlacementTerms],
    day: date,
    kind: HourKind,
    hours: Decimal,
    today: date,
) -> None:
    field = f"{kind.value}-{day.isoformat()}"
    if day > today:  # even 0: a day still to come is not known yet, so nothing is recorded
        raise DomainError(FUTURE_DAY, field=field)
    check_hours_of_day(hours, field)
    if hours == 0:
        return
    if not open_on(placement, versions, kind, day):
        message = (
            _l("There are no paid hours agreed for this day.")
            if kind == HourKind.PAID
            else _l("There is no praktik or trial visit on this day.")
        )
        raise DomainError(message, field=field)


def _day_limit_error(error: IntegrityError) -> bool:
    return "24 hours" in str(error.orig)


@dataclass(frozen=True)
class WeekToConfirm:
    """One placement's week as entered, with the terms versions the page was made on."""

    placement: Placement
    week_start: date
    entries: Entries
    versions: Sequence[PlacementTerms]
    notes: Mapping[tuple[date, HourKind], str] | None = None


DAY_LIMIT = _l("With the person's other placements, a day would pass 24 hours.")


def check_week(week: WeekToConfirm, user: User, via: str, today: date) -> None:
    """Every rule of confirming one week that needs no query: the employer, the Monday, each
    day's hours (future days refused, beside their input), and the week's last working day."""
    placement, week_start, versions = week.placement, week.week_start, week.versions
    _employer_of(placement, user)
    if via not in VIAS:  # a programming error, not a race: never reported as "confirmed first"
        raise ValueError(f"unknown way of confirming: {via!r}")
    if week_start.weekday() != 0:
        raise DomainError(_l("A week starts on a Monday."))
    if week_start > today:
        raise DomainError(_l("A week can be confirmed once it has begun."))
    days = set(week_days(week_start))
    for (day, kind), hours in week.entries.items():
        if day not in days:
            raise DomainError(_l("A day outside the week was sent."))
        _check_entry(placement, versions, day, kind, hours, today)
    due = last_working_day(placement, versions, week_start)
    if due > today:
        raise DomainError(not_yet(due))


def _records_of(week: WeekToConfirm) -> list[tuple[date, HourKind, Decimal]]:
    """The records a confirmed week writes: one per day and kind with hours. A planned day
    confirmed as 0 is a record too ("was 0" beside a later correction); a day neither
    planned nor worked stays without one."""
    plan = planned(week.placement, week.versions, week.week_start)
    return [
        (day, kind, hours)
        for (day, kind), hours in sorted(week.entries.items())
        if hours > 0 or plan.get((day, kind))
    ]


def _check_day_limit(weeks: Sequence[WeekToConfirm]) -> None:
    """Each day at most 24 hours for a person, summed over all their placements (at any
    company): every current figure of the people and days involved in one query, the new
    records added. The database's trigger holds the same rule against writers at once."""
    people = {w.placement.candidate_id for w in weeks}
    days = {day for w in weeks for (day, _kind) in w.entries}
    current: dict[tuple[int, date, str], tuple[int, int, Decimal]] = {}
    for placement_id, person, day, kind, revision, hours in db.session.execute(
        select(
            HourRecord.placement_id,
            HourRecord.candidate_id,
            HourRecord.work_date,
            HourRecord.kind,
            HourRecord.revision,
            HourRecord.hours,
        ).where(HourRecord.candidate_id.in_(people), HourRecord.work_date.in_(days))
    ):
        key = (placement_id, day, kind)
        if key not in current or current[key][1] < revision:
            current[key] = (person, revision, Decimal(hours))
    figures = {key: (person, hours) for key, (person, _rev, hours) in current.items()}
    for week in weeks:
        for day, kind, hours in _records_of(week):
            figures[(week.placement.id, day, kind.value)] = (week.placement.candidate_id, hours)
    totals: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for (_placement, day, _kind), (person, hours) in figures.items():
        totals[(person, day)] += hours
    if any(total > MAX_DAY for total in totals.values()):
        raise DomainError(DAY_LIMIT)


def _terms_changed(weeks: Sequence[WeekToConfirm]) -> bool:
    """A terms version in force by a week's last day that the caller did not read: one
    query for every placement."""
    seen = {v.id for w in weeks for v in w.versions}
    last = max(w.week_start for w in weeks) + timedelta(days=6)
    ends: dict[int, date] = {}
    for w in weeks:
        end = w.week_start + timedelta(days=6)
        ends[w.placement.id] = max(end, ends.get(w.placement.id, end))
    return any(
        terms_id not in seen and effective_from <= ends[placement_id]
        for terms_id, placement_id, effective_from in db.session.execute(
            select(
                PlacementTerms.id, PlacementTerms.placement_id, PlacementTerms.effective_from
            ).where(PlacementTerms.placement_id.in_(ends), PlacementTerms.effective_from <= last)
        )
    )


def confirm_weeks(
    weeks: Sequence[WeekToConfirm],
    user: User,
    via: str = "page",
    today: date | None = None,
) -> list[WeekConfirmation]:
    """Confirm several placements' weeks as entered, all or none, in a fixed number of
    statements whatever their number: every rule is checked in Python on rows read in one
    query each, then one INSERT per table. Each week once: the unique (placement, week)
    refuses a week confirmed meanwhile (AlreadyConfirmed), and on PostgreSQL the
    confirmations' trigger locks each placement's row (in placement order, so two writers
    never wait on each other in a circle) and the records' trigger each person's row."""
    today = today or local_today()
    if not weeks:
        return []
    for week in weeks:
        check_week(week, user, via, today)
    ordered = sorted(weeks, key=lambda w: (w.placement.id, w.week_start))
    try:
        with db.session.begin_nested():
            confirmations = list(
                db.session.scalars(
                    insert(WeekConfirmation).returning(WeekConfirmation),
                    [
                        {
                            "placement_id": w.placement.id,
                            "company_id": w.placement.company_id,
                            "week_start": w.week_start,
                            "confirmed_by_id": user.id,
                            "via": via,
                        }
                        for w in ordered
                    ],
                )
            )
    except IntegrityError as error:  # the unique week: a colleague confirmed it first
        raise AlreadyConfirmed(ALREADY_CONFIRMED) from error
    # The insert waited for any agreement on the placements in flight (on PostgreSQL a
    # trigger locks their rows); one that began in these weeks meanwhile makes the plan stale.
    if _terms_changed(weeks):
        raise DomainError(TERMS_CHANGED)
    _check_day_limit(weeks)
    by_week = {(c.placement_id, c.week_start): c for c in confirmations}
    records = [
        {
            "placement_id": w.placement.id,
            "candidate_id": w.placement.candidate_id,
            "company_id": w.placement.company_id,
            "work_date": day,
            "kind": kind.value,
            "revision": 1,
            "hours": hours,
            "note": ((w.notes or {}).get((day, kind)) or "").strip()[:500],
            "confirmation_id": by_week[(w.placement.id, w.week_start)].id,
            "recorded_by_id": user.id,
        }
        for w in ordered
        for day, kind, hours in _records_of(w)
    ]
    records.sort(key=lambda r: (r["candidate_id"], r["work_date"], r["placement_id"]))
    if records:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(HourRecord), records)
        except IntegrityError as error:
            if _day_limit_error(error):  # another writer's hours for the person came first
                raise DomainError(DAY_LIMIT) from error
            raise
        paid_months.refresh(
            (r["candidate_id"], r["work_date"]) for r in records if r["kind"] == HourKind.PAID
        )
    return [by_week[(w.placement.id, w.week_start)] for w in weeks]


def confirm_week(
    placement: Placement,
    user: User,
    week_start: date,
    entries: Entries,
    versions: Sequence[PlacementTerms],
    via: str = "page",
    notes: Mapping[tuple[date, HourKind], str] | None = None,
    today: date | None = None,
) -> WeekConfirmation:
    """Confirm a week as entered: one record per day and kind with hours. Once only."""
    week = WeekToConfirm(placement, week_start, entries, versions, notes)
    return confirm_weeks([week], user, via=via, today=today)[0]


def current_record(placement_id: int, day: date, kind: HourKind) -> HourRecord | None:
    return db.session.scalar(
        select(HourRecord)
        .where(
            HourRecord.placement_id == placement_id,
            HourRecord.work_date == day,
            HourRecord.kind == kind.value,
        )
        .order_by(HourRecord.revision.desc())
        .limit(1)
    )


def confirmation_of(placement_id: int, week_start: date) -> WeekConfirmation | None:
    return db.session.scalar(
        select(WeekConfirmation).where(
            WeekConfirmation.placement_id == placement_id,
            WeekConfirmation.week_start == week_start,
        )
    )


def correct(
    placement: Placement,
    user: User,
    day: date,
    kind: HourKind,
    hours: Decimal,
    reason: str,
    versions: Sequence[PlacementTerms],
    seen_revision: int | None = None,
    today: date | None = None,
) -> HourRecord:
    """A confirmed day changed: a new record with the next revision and the reason."""
    today = today or local_today()
    _employer_of(placement, user)
    if confirmation_of(placement.id, week_start_of(day)) is None:
        raise DomainError(_l("Confirm the week first; corrections are for confirmed weeks."))
    if not reason.strip():
        raise DomainError(_l("Write why the hours are corrected."), field="reason")
    _check_entry(placement, versions, day, kind, hours, today)
    current = current_record(placement.id, day, kind)
    revision = current.revision if current else 0
    if seen_revision is not None and seen_revision != revision:
        raise DomainError(
            _l("Someone corrected this day while you were editing. Read the new figure first.")
        )
    if current is None and hours == 0:
        raise DomainError(_l("The day has no hours to correct."), field="hours")
    if current is not None and Decimal(current.hours) == hours:
        raise DomainError(_l("That is the figure already recorded."), field="hours")
    record = HourRecord(
        placement_id=placement.id,
        candidate_id=placement.candidate_id,
        company_id=placement.company_id,
        work_date=day,
        kind=kind.value,
        revision=revision + 1,
        corrects_revision=revision or None,
        hours=hours,
        reason=reason.strip()[:500],
        recorded_by_id=user.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError as error:
        if _day_limit_error(error):
            raise DomainError(
                _l("With the person's other placements, this day would pass 24 hours."),
                field="hours",
            ) from error
        raise DomainError(  # the same revision written a moment ago
            _l("Someone corrected this day while you were editing. Read the new figure first.")
        ) from error
    if kind == HourKind.PAID:
        paid_months.refresh([(placement.candidate_id, day)])
    return record

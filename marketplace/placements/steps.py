"""What a step proposes (StepTerms), the terms version it would make, and every rule it must
keep before it is proposed and again when the other side accepts it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.agreements import rules as ladder_rules
from marketplace.agreements.terms import first_praktik_day, in_force, latest_terms, versions_of
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.hours.ledger import confirmed_through
from marketplace.i18n import lazy_gettext as _l
from marketplace.jobs.postings import MAX_TASK_LINES, MAX_WAGE, check_hours
from marketplace.models import (
    Phase,
    Placement,
    PlacementTerms,
    StepKind,
    Workplace,
)

ENDED_MESSAGE = _l("This placement has ended; it cannot take another step.")
# Steps are agreed for the near future; a year ahead also keeps date sums inside the calendar.
FURTHEST_START = timedelta(days=365)
FURTHEST_START_MESSAGE = _l("Choose a first day within a year from today.")


def hours_elsewhere(placement: Placement, day: date) -> Decimal:
    """The candidate's hours a week in their other active placements from `day` on: for each,
    the most it has agreed for any week from then (a later cut does not free hours now)."""
    total = Decimal(0)
    others = db.session.scalars(
        select(Placement).where(
            Placement.candidate_id == placement.candidate_id,
            Placement.id != placement.id,
            Placement.phase != Phase.ENDED.value,
        )
    ).all()
    for other in others:
        versions = versions_of(other.id)
        current = in_force(versions, day)
        relevant = [v for v in versions if v.effective_from > day]
        if current is not None:
            relevant.append(current)
        total += max((v.total_hours for v in relevant), default=Decimal(0))
    return total


@dataclass(frozen=True)
class StepTerms:
    """What a step proposes. Praktik: end_on, purposes, mentor. Paid hours: hourly_wage."""

    start_on: date
    hours: Decimal
    weekdays: int
    tasks: tuple[str, ...]
    workplace_id: int
    mentor_name: str = ""
    end_on: date | None = None
    purposes: int = 0
    special_reason: str = ""
    hourly_wage: Decimal | None = None
    praktik_continues: bool = False
    reason: str = ""  # why the paid hours should change (a request to change hours)


def hours_change(
    current: PlacementTerms, start_on: date, hours: Decimal, weekdays: int, reason: str
) -> StepTerms:
    """A request to change the paid hours: the new hours and days; all else as agreed now."""
    return StepTerms(
        start_on=start_on,
        hours=hours,
        weekdays=weekdays,
        tasks=tuple(current.paid_tasks or ()),
        workplace_id=current.workplace_id,
        mentor_name=current.mentor_name,
        hourly_wage=current.hourly_wage,
        reason=reason,
    )


def _changed_hours(current: PlacementTerms, terms: StepTerms) -> PlacementTerms:
    """The current terms from the request's first day, with the new paid hours. Praktik
    beside them goes on only if it has not ended by then."""
    new = PlacementTerms(
        placement_id=current.placement_id,
        number=current.number + 1,
        effective_from=terms.start_on,
        workplace_id=current.workplace_id,
        mentor_name=current.mentor_name,
        unpaid_weekdays=0,
        unpaid_tasks=[],
        purposes=0,
        special_reason="",
    )
    _copy_paid(current, new)
    new.paid_hours, new.paid_weekdays = terms.hours, terms.weekdays
    praktik_goes_on = current.unpaid_to is not None and current.unpaid_to >= terms.start_on
    if current.phase == Phase.COMBINED and praktik_goes_on:
        _copy_unpaid(current, new)
        new.phase = Phase.COMBINED.value
    else:
        new.phase = Phase.PAID.value
    return new


def _check_hours_change(current: PlacementTerms | None, terms: StepTerms) -> None:
    if current is None or current.phase not in (Phase.PAID, Phase.COMBINED):
        raise DomainError(_l("Paid hours are not agreed yet. Offer paid hours first."))
    if not terms.reason.strip():
        raise DomainError(_l("Write why the hours should change."), field="reason")
    same_days = terms.weekdays == current.paid_weekdays
    if Decimal(terms.hours) == Decimal(current.paid_hours) and same_days:
        raise DomainError(
            _l("These are the hours agreed now. Enter the new number of hours a week."),
            field="hours",
        )


def _next_terms(
    placement: Placement, current: PlacementTerms | None, kind: StepKind, terms: StepTerms
) -> PlacementTerms:
    """The version the step would make: the step's part, and the other part kept."""
    tasks = [line.strip() for line in terms.tasks if line.strip()]
    new = PlacementTerms(
        placement_id=placement.id,
        number=(current.number + 1) if current else 1,
        effective_from=terms.start_on,
        workplace_id=terms.workplace_id,
        mentor_name=terms.mentor_name.strip() or (current.mentor_name if current else ""),
        unpaid_weekdays=0,
        paid_weekdays=0,
        unpaid_tasks=[],
        paid_tasks=[],
        purposes=0,
        special_reason="",
    )
    keeps_paid = current is not None and current.phase in (Phase.PAID, Phase.COMBINED)
    if kind == StepKind.PRAKTIK:
        new.unpaid_from, new.unpaid_to = terms.start_on, terms.end_on
        new.unpaid_hours, new.unpaid_weekdays = terms.hours, terms.weekdays
        new.unpaid_tasks = tasks
        new.purposes, new.special_reason = terms.purposes, terms.special_reason.strip()
        if keeps_paid:
            _copy_paid(current, new)
        new.phase = Phase.COMBINED.value if keeps_paid else Phase.PRAKTIK.value
    else:
        new.paid_from, new.paid_hours, new.paid_weekdays = (
            terms.start_on,
            terms.hours,
            terms.weekdays,
        )
        new.paid_tasks, new.hourly_wage = tasks, terms.hourly_wage
        if terms.praktik_continues and current is not None:
            _copy_unpaid(current, new)
            new.phase = Phase.COMBINED.value
        else:
            new.phase = Phase.PAID.value
    return new


def _copy_paid(source: PlacementTerms, target: PlacementTerms) -> None:
    target.paid_from, target.paid_hours = source.paid_from, source.paid_hours
    target.paid_weekdays, target.paid_tasks = source.paid_weekdays, list(source.paid_tasks)
    target.hourly_wage = source.hourly_wage


def _copy_unpaid(source: PlacementTerms, target: PlacementTerms) -> None:
    target.unpaid_from, target.unpaid_to = source.unpaid_from, source.unpaid_to
    target.unpaid_hours, target.unpaid_weekdays = source.unpaid_hours, source.unpaid_weekdays
    target.unpaid_tasks, target.purposes = list(source.unpaid_tasks), source.purposes
    target.special_reason = source.special_reason


def check_step(
    placement: Placement, kind: StepKind, terms: StepTerms, today: date, *, proposing: bool
) -> PlacementTerms:
    """Every rule the step must keep; returns the terms version it would make."""
    if placement.phase == Phase.ENDED:
        raise DomainError(ENDED_MESSAGE)
    current = latest_terms(placement.id)
    phase = Phase(current.phase) if current else Phase.PENDING
    if kind == StepKind.PAID and phase in (Phase.PAID, Phase.COMBINED):
        raise DomainError(
            _l("Paid hours are already agreed. To change them, ask for a change of hours.")
        )
    if kind == StepKind.HOURS:
        _check_hours_change(current, terms)
    # A change of hours may start in the past (the person already works more), but never
    # inside or before a confirmed week: those hours were checked against the terms then.
    elif proposing and terms.start_on < today:
        raise DomainError(_l("The start date cannot be in the past."), field="start_on")
    through = confirmed_through(placement.id)
    if through is not None and terms.start_on <= through:
        raise DomainError(
            _l(
                "The hours are confirmed up to %(day)s. Choose a first day after it.",
                day=through.strftime("%d.%m.%Y"),
            ),
            field="start_on",
        )
    if proposing and terms.start_on > today + FURTHEST_START:
        raise DomainError(FURTHEST_START_MESSAGE, field="start_on")
    if current is not None and terms.start_on < current.effective_from:
        raise DomainError(
            _l(
                "The start date must be on or after %(day)s, when the current terms began.",
                day=current.effective_from.strftime("%d.%m.%Y"),
            ),
            field="start_on",
        )
    try:
        check_hours(terms.hours)
    except DomainError as error:
        raise DomainError(error.message, field="hours") from error
    if not 0 <= terms.weekdays <= 127:
        raise DomainError(_l("Choose the days from the list."), field="weekdays")
    lines = [line for line in terms.tasks if line.strip()]
    if not lines:
        raise DomainError(_l("Write at least one task."), field="tasks")
    if len(lines) > MAX_TASK_LINES:
        raise DomainError(_l("Use at most %(n)d task lines.", n=MAX_TASK_LINES), field="tasks")
    workplace = db.session.get(Workplace, terms.workplace_id)
    if workplace is None or workplace.company_id != placement.company_id:
        raise DomainError(_l("Choose one of the company's workplaces."), field="workplace")
    rules = ladder_rules.rules_for(placement.jobcentre_id)
    if kind == StepKind.HOURS:
        pass  # checked above; wage, tasks and workplace are the ones agreed now
    elif kind == StepKind.PRAKTIK:
        if terms.end_on is None:
            raise DomainError(_l("Enter the last day of the praktik."), field="end_on")
        if not terms.purposes:
            raise DomainError(_l("Choose at least one purpose."), field="purposes")
        if not terms.mentor_name.strip():
            raise DomainError(_l("Name the company's mentor."), field="mentor_name")
        versions = versions_of(placement.id)
        ladder_rules.check_praktik(
            rules,
            terms.start_on,
            terms.end_on,
            first_praktik_day(versions) or terms.start_on,
            terms.special_reason,
        )
    else:
        wage = terms.hourly_wage
        if wage is None:
            raise DomainError(_l("Enter the hourly wage."), field="hourly_wage")
        if wage > MAX_WAGE:
            raise DomainError(_l("Enter an hourly wage below 10,000 kr."), field="hourly_wage")
        if wage < placement.job.agreement_wage:
            raise DomainError(
                _l(
                    "The hourly wage must be at least the agreement wage, %(wage)s kr.",
                    wage=f"{placement.job.agreement_wage:.2f}".replace(".", ","),
                ),
                field="hourly_wage",
            )
        if terms.praktik_continues:
            if phase != Phase.PRAKTIK:
                raise DomainError(
                    _l("Praktik can only go on beside paid hours during a praktik."),
                    field="praktik_continues",
                )
            if current.unpaid_to < terms.start_on:
                raise DomainError(
                    _l(
                        "The praktik ends on %(day)s, before the paid hours start. Untick"
                        " that praktik goes on, or extend the praktik first.",
                        day=current.unpaid_to.strftime("%d.%m.%Y"),
                    ),
                    field="praktik_continues",
                )
    if kind == StepKind.HOURS:
        new = _changed_hours(current, terms)
    else:
        new = _next_terms(placement, current, kind, terms)
    ladder_rules.check_total_hours(
        rules, new.total_hours, hours_elsewhere(placement, terms.start_on)
    )
    return new

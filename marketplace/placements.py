"""Placements on the ladder: start from an accepted proposal, propose a step, answer it,
withdraw it, end the placement.

A step is a proposal by one side until the other agrees; only the agreement writes a new
terms version (append-only). Every event bumps the placement's version, so a form made
before the other side acted is refused rather than applied to terms its user never saw.

Domain functions flush and never commit; the route commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from marketplace import ladder_rules
from marketplace.clock import utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.jobs import MAX_TASK_LINES, MAX_WAGE, check_hours, local_today
from marketplace.ladder_terms import first_praktik_day, in_force, latest_terms, versions_of
from marketplace.models import (
    PROPOSER,
    EndReason,
    Phase,
    Placement,
    PlacementStep,
    PlacementTerms,
    Proposal,
    ProposalStatus,
    Role,
    Side,
    StepKind,
    StepStatus,
    User,
    Workplace,
)
from marketplace.placement_notices import tell_other_side

STALE_MESSAGE = _l(
    "The other side changed this placement while you had the page open, so nothing was saved."
    " Read the timeline and try again."
)
ENDED_MESSAGE = _l("This placement has ended; it cannot take another step.")
# Steps are agreed for the near future; a year ahead also keeps date sums inside the calendar.
FURTHEST_START = timedelta(days=365)
FURTHEST_START_MESSAGE = _l("Choose a first day within a year from today.")


class StalePlacement(DomainError):
    """The placement changed after the form was opened."""


def side_of(user: User) -> Side:
    return Side.COMPANY if user.role == Role.EMPLOYER else Side.JOBCENTRE


def _belongs(placement: Placement, user: User) -> None:
    owner = placement.company_id if side_of(user) == Side.COMPANY else placement.jobcentre_id
    if user.organisation_id != owner:
        raise DomainError(_l("This placement belongs to another organisation."))


def _check_version(placement: Placement, seen_version: int | None) -> None:
    if seen_version is not None and seen_version != placement.version:
        raise StalePlacement(STALE_MESSAGE)


def _touch(placement: Placement) -> None:
    """Bump the version (an UPDATE checked against the version this session read)."""
    placement.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError as error:  # another writer committed first
        raise StalePlacement(STALE_MESSAGE) from error


def waiting_step(placement: Placement) -> PlacementStep | None:
    return db.session.scalar(
        select(PlacementStep).where(
            PlacementStep.placement_id == placement.id,
            PlacementStep.status == StepStatus.WAITING.value,
        )
    )


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


# --- Starting ------------------------------------------------------------------------------


def start(
    proposal: Proposal,
    employer: User,
    first_step: Phase,
    start_on: date,
    trial_end: date | None = None,
    today: date | None = None,
) -> Placement:
    """An accepted proposal becomes a placement: at a trial visit, or pending the first
    praktik agreement or offer of paid hours, as the job offers."""
    today = today or local_today()
    if proposal.status != ProposalStatus.ACCEPTED:
        raise DomainError(_l("Only an accepted proposal becomes a placement."))
    job = proposal.job
    offered = {
        Phase.TRIAL: job.offers_trial_visit,
        Phase.PRAKTIK: job.offers_praktik,
        Phase.PAID: job.offers_paid_direct,
    }
    if not offered.get(first_step, False):
        raise DomainError(_l("Choose a first step the job offers."), field="first_step")
    if start_on < today:
        raise DomainError(_l("The start date cannot be in the past."), field="suggested_start")
    if start_on > today + FURTHEST_START:
        raise DomainError(FURTHEST_START_MESSAGE, field="suggested_start")
    placement = Placement(
        proposal_id=proposal.id,
        job_id=job.id,
        candidate_id=proposal.candidate_id,
        company_id=proposal.company_id,
        jobcentre_id=proposal.jobcentre_id,
        phase=Phase.PENDING.value if first_step != Phase.TRIAL else Phase.TRIAL.value,
        first_step=first_step.value,
    )
    try:
        with db.session.begin_nested():
            db.session.add(placement)
    except IntegrityError as error:  # the unique proposal_id: a double submit makes one
        raise DomainError(_l("This proposal already has a placement.")) from error
    if first_step == Phase.TRIAL:
        if trial_end is None:  # the usual visit: two days
            trial_end = start_on + timedelta(days=1)
        rules = ladder_rules.rules_for(placement.jobcentre_id)
        try:
            ladder_rules.check_trial(rules, start_on, trial_end)
        except DomainError as error:
            raise DomainError(error.message, field="trial_end") from error
        ladder_rules.check_total_hours(
            rules, Decimal(job.hours_per_week), hours_elsewhere(placement, start_on)
        )
        db.session.add(
            PlacementTerms(
                placement_id=placement.id,
                number=1,
                phase=Phase.TRIAL.value,
                effective_from=start_on,
                created_by_id=employer.id,
                workplace_id=job.workplace_id,
                mentor_name=job.contact_name,
                unpaid_from=start_on,
                unpaid_to=trial_end,
                unpaid_hours=job.hours_per_week,
                unpaid_weekdays=job.weekdays,
                unpaid_tasks=list(job.task_lines or ()),
            )
        )
        db.session.flush()
    return placement


# --- Steps ---------------------------------------------------------------------------------


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


def _check_step(
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
    if proposing and terms.start_on < today:
        raise DomainError(_l("The start date cannot be in the past."), field="start_on")
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
    if kind == StepKind.PRAKTIK:
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
    new = _next_terms(placement, current, kind, terms)
    ladder_rules.check_total_hours(
        rules, new.total_hours, hours_elsewhere(placement, terms.start_on)
    )
    return new


def propose_step(
    placement: Placement,
    user: User,
    kind: StepKind,
    terms: StepTerms,
    seen_version: int | None,
    today: date | None = None,
) -> PlacementStep:
    today = today or local_today()
    _belongs(placement, user)
    if side_of(user) != PROPOSER[kind]:
        raise DomainError(
            _l("The jobcentre proposes praktik; the company offers paid hours.")
            if kind == StepKind.PRAKTIK
            else _l("Paid hours are offered by the company.")
        )
    _check_version(placement, seen_version)
    if waiting_step(placement) is not None:
        raise DomainError(
            _l("A proposal already waits for an answer. Withdraw it or wait for the answer.")
        )
    _check_step(placement, kind, terms, today, proposing=True)
    step = PlacementStep(
        placement_id=placement.id,
        kind=kind.value,
        status=StepStatus.WAITING.value,
        proposed_by_side=side_of(user).value,
        proposed_by_id=user.id,
        start_on=terms.start_on,
        end_on=terms.end_on if kind == StepKind.PRAKTIK else None,
        hours=terms.hours,
        weekdays=terms.weekdays,
        tasks=[line.strip() for line in terms.tasks if line.strip()],
        purposes=terms.purposes if kind == StepKind.PRAKTIK else 0,
        special_reason=terms.special_reason.strip() if kind == StepKind.PRAKTIK else "",
        mentor_name=terms.mentor_name.strip(),
        workplace_id=terms.workplace_id,
        hourly_wage=terms.hourly_wage if kind == StepKind.PAID else None,
        praktik_continues=terms.praktik_continues if kind == StepKind.PAID else False,
    )
    try:
        with db.session.begin_nested():
            db.session.add(step)
    except IntegrityError as error:  # the one-waiting-step index: someone proposed meanwhile
        raise StalePlacement(STALE_MESSAGE) from error
    _touch(placement)
    tell_other_side(placement, side_of(user), f"{kind.value}_proposed")
    return step


def step_terms(step: PlacementStep) -> StepTerms:
    return StepTerms(
        start_on=step.start_on,
        hours=Decimal(step.hours),
        weekdays=step.weekdays,
        tasks=tuple(step.tasks or ()),
        workplace_id=step.workplace_id,
        mentor_name=step.mentor_name,
        end_on=step.end_on,
        purposes=step.purposes,
        special_reason=step.special_reason,
        hourly_wage=step.hourly_wage,
        praktik_continues=step.praktik_continues,
    )


def _answerable(step: PlacementStep, user: User, seen_version: int | None) -> Placement:
    placement = db.session.get(Placement, step.placement_id)
    _belongs(placement, user)
    _check_version(placement, seen_version)
    if step.status != StepStatus.WAITING:
        raise StalePlacement(_l("This proposal has already been answered or withdrawn."))
    if side_of(user).value == step.proposed_by_side:
        raise DomainError(_l("The other side answers this proposal."))
    return placement


def _decide(step: PlacementStep, user: User, status: StepStatus, note: str = "") -> None:
    step.status = status.value
    step.decided_at = utcnow()
    step.decided_by_id = user.id
    step.answer_note = note.strip()[:500]


def accept_step(
    step: PlacementStep, user: User, seen_version: int | None, today: date | None = None
) -> PlacementTerms:
    """The other side agrees: the step becomes the placement's next terms version."""
    today = today or local_today()
    placement = _answerable(step, user, seen_version)
    new = _check_step(placement, StepKind(step.kind), step_terms(step), today, proposing=False)
    new.step_id = step.id
    new.created_by_id = user.id
    _decide(step, user, StepStatus.ACCEPTED)
    db.session.add(new)
    placement.phase = new.phase
    _touch(placement)
    tell_other_side(placement, side_of(user), f"{step.kind}_accepted")
    return new


def refuse_step(step: PlacementStep, user: User, note: str, seen_version: int | None) -> None:
    """The company asks for changes to a praktik agreement; the jobcentre declines paid hours
    it could not confirm with the person. Either way with a note the proposer reads."""
    placement = _answerable(step, user, seen_version)
    if not note.strip():
        raise DomainError(_l("Write what should change, for the other side."), field="note")
    status = StepStatus.CHANGES_REQUESTED if step.kind == StepKind.PRAKTIK else StepStatus.DECLINED
    _decide(step, user, status, note)
    _touch(placement)
    tell_other_side(placement, side_of(user), f"{step.kind}_{status.value}")


def withdraw_step(step: PlacementStep, user: User, seen_version: int | None) -> None:
    placement = db.session.get(Placement, step.placement_id)
    _belongs(placement, user)
    _check_version(placement, seen_version)
    if step.status != StepStatus.WAITING:
        raise StalePlacement(_l("This proposal has already been answered or withdrawn."))
    if side_of(user).value != step.proposed_by_side:
        raise DomainError(_l("Only the side that proposed it can withdraw a proposal."))
    _decide(step, user, StepStatus.WITHDRAWN)
    _touch(placement)
    tell_other_side(placement, side_of(user), "step_withdrawn")


# --- Ending --------------------------------------------------------------------------------


def end(
    placement: Placement,
    user: User,
    reason: EndReason,
    note: str,
    ended_on: date,
    seen_version: int | None,
    today: date | None = None,
) -> None:
    today = today or local_today()
    _belongs(placement, user)
    _check_version(placement, seen_version)
    if placement.phase == Phase.ENDED:
        raise DomainError(_l("This placement has already ended."))
    if ended_on > today:
        raise DomainError(_l("The last day cannot be in the future."), field="ended_on")
    first = versions_of(placement.id)
    # A placement can also end before its first day (the person stopped before starting).
    began = min(first[0].effective_from if first else today, today)
    if ended_on < began:
        raise DomainError(
            _l(
                "The last day cannot be before the placement began, %(day)s.",
                day=began.strftime("%d.%m.%Y"),
            ),
            field="ended_on",
        )
    waiting = waiting_step(placement)
    if waiting is not None:
        _decide(waiting, user, StepStatus.CANCELLED)
    placement.phase = Phase.ENDED.value
    placement.ended_on = ended_on
    placement.end_reason = reason.value
    placement.end_note = note.strip()[:500]
    placement.ended_by_id = user.id
    placement.ended_by_side = side_of(user).value
    _touch(placement)
    tell_other_side(placement, side_of(user), "placement_ended")

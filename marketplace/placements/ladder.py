"""Placements on the ladder: start from an accepted proposal, propose a step, answer it,
withdraw it, end the placement.

A step is a proposal by one side until the other agrees; only the agreement writes a new
terms version (append-only). Every event bumps the placement's version, so a form made
before the other side acted is refused rather than applied to terms its user never saw.

Domain functions flush and never commit; the route commits once.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from marketplace.agreements import rules as ladder_rules
from marketplace.agreements.parties import tell_other_side
from marketplace.agreements.terms import versions_of
from marketplace.caseload import figure_changes
from marketplace.clock import local_today, utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
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
)
from marketplace.placements import assessment_requests
from marketplace.placements.steps import (
    FURTHEST_START,
    FURTHEST_START_MESSAGE,
    StepTerms,
    check_step,
    hours_elsewhere,
)
from marketplace.privacy.screening import screen_for_placement

STALE_MESSAGE = _l(
    "The other side changed this placement while you had the page open, so nothing was saved."
    " Read the timeline and try again."
)


CONFIRMED_MEANWHILE = _l(
    "A week from that first day was confirmed a moment ago, so nothing was agreed. Ask again"
    " from a later day."
)


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
    """Bump the version (an UPDATE checked against the version this session read), and note
    the jobcentre's figures (its funnel) as changed."""
    placement.updated_at = utcnow()
    figure_changes.note(placement.jobcentre_id)
    try:
        db.session.flush()
    except StaleDataError as error:  # another writer committed first
        raise StalePlacement(STALE_MESSAGE) from error


STEP_WAITING = _l("A proposal already waits for an answer. Withdraw it or wait for the answer.")


def waiting_step(placement: Placement) -> PlacementStep | None:
    return db.session.scalar(
        select(PlacementStep).where(
            PlacementStep.placement_id == placement.id,
            PlacementStep.status == StepStatus.WAITING.value,
        )
    )


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
    if kind in PROPOSER and side_of(user) != PROPOSER[kind]:
        raise DomainError(
            _l("The jobcentre proposes praktik; the company offers paid hours.")
            if kind == StepKind.PRAKTIK
            else _l("Paid hours are offered by the company.")
        )
    _check_version(placement, seen_version)
    if waiting_step(placement) is not None:
        raise DomainError(STEP_WAITING)
    check_step(placement, kind, terms, today, proposing=True)
    if kind == StepKind.PRAKTIK:  # the jobcentre's agreement (an hours change keeps the tasks)
        screen_for_placement(placement, user, "tasks", terms.tasks)
        screen_for_placement(placement, user, "special_reason", terms.special_reason)
    if kind == StepKind.HOURS:
        screen_for_placement(placement, user, "reason", terms.reason)
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
        reason=terms.reason.strip()[:500] if kind == StepKind.HOURS else "",
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
        reason=step.reason,
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
    step: PlacementStep,
    user: User,
    seen_version: int | None,
    today: date | None = None,
    note: str = "",
) -> PlacementTerms:
    """The other side agrees: the step becomes the placement's next terms version."""
    today = today or local_today()
    placement = _answerable(step, user, seen_version)
    screen_for_placement(placement, user, "note", note)
    new = check_step(placement, StepKind(step.kind), step_terms(step), today, proposing=False)
    new.step_id = step.id
    new.created_by_id = user.id
    try:
        # The database refuses terms beginning in a week confirmed a moment ago.
        with db.session.begin_nested():
            db.session.add(new)
    except IntegrityError as error:
        raise StalePlacement(CONFIRMED_MEANWHILE) from error
    _decide(step, user, StepStatus.ACCEPTED, note)
    placement.phase = new.phase
    _touch(placement)
    tell_other_side(placement, side_of(user), f"{step.kind}_accepted")
    return new


def refuse_step(step: PlacementStep, user: User, note: str, seen_version: int | None) -> None:
    """The company asks for changes to a praktik agreement; the jobcentre declines paid hours
    it could not confirm with the person; either side declines a change of hours. Always
    with a note the proposer reads."""
    placement = _answerable(step, user, seen_version)
    if not note.strip():
        raise DomainError(
            _l("Write what should change, for the other side.")
            if step.kind == StepKind.PRAKTIK
            else _l("Write why you decline, for the other side."),
            field="note",
        )
    screen_for_placement(placement, user, "note", note)
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
    screen_for_placement(placement, user, "note", note)
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
    # The company is asked at once for the period the end cut short (or one just over).
    assessment_requests.ask_ended(placement, today)

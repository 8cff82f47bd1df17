"""Random sequences of ladder actions, by the right side, the wrong side and outsiders, on
random days with random hours, never break a placement's rules.

Every action either succeeds or raises a DomainError that leaves the placement exactly as it
was (the route rolls back: here a savepoint per action). After each action the placement has
one phase, terms versions numbered 1..n in date order, each with the parts its phase needs,
unpaid periods that do not overlap as lived, hours within the limit, at most one waiting
step, and every step moved by the side allowed to move it.

The actions and the strategies that draw them are in tests/ladder_actions.py; here the checks
of the placement after each action, and the world the actions run in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from marketplace.agreements.rules import rules_for, update_rules
from marketplace.agreements.terms import first_praktik_day, latest_terms, phase_on
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    PROPOSER,
    Job,
    Notification,
    Phase,
    Placement,
    PlacementStep,
    PlacementTerms,
    Role,
    Side,
    StepKind,
    StepStatus,
    User,
)
from marketplace.placements import ladder as placements
from marketplace.placements.ladder import side_of
from marketplace.placements.steps import hours_change
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    accepted_proposal,
    in_days,
    ladder_job,
    paid_terms,
    praktik_terms,
    rules_data,
)
from tests.ladder_actions import (
    Accept,
    End,
    Propose,
    Refuse,
    Setup,
    Wait,
    Withdraw,
    scripts,
    setups,
)

ELSEWHERE_HOURS = Decimal(4)  # the person's other placement, at another company
EVENT_KINDS = {
    "praktik_proposed",
    "paid_proposed",
    "praktik_accepted",
    "paid_accepted",
    "praktik_changes_requested",
    "paid_declined",
    "hours_proposed",
    "hours_accepted",
    "hours_declined",
    "step_withdrawn",
    "placement_ended",
}


# --- Reading the state ----------------------------------------------------------------------


def snapshot(placement_id: int) -> tuple[Any, ...]:
    """Everything an action may change, in one query. Steps only ever leave 'waiting', and
    terms and notifications are only ever added, so counts show any change to them."""

    def count(model: Any, *where: Any) -> Any:
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    step_of = PlacementStep.placement_id == placement_id
    row = db.session.execute(
        select(
            Placement.phase,
            Placement.version,
            Placement.ended_on,
            Placement.end_reason,
            Placement.ended_by_id,
            count(PlacementStep, step_of),
            count(PlacementStep, step_of, PlacementStep.status == StepStatus.WAITING.value),
            count(PlacementStep, step_of, PlacementStep.decided_by_id.is_not(None)),
            count(PlacementTerms, PlacementTerms.placement_id == placement_id),
            count(
                Notification,
                Notification.subject_type == "placements",
                Notification.subject_id == placement_id,
            ),
        ).where(Placement.id == placement_id)
    ).one()
    return tuple(row)


def _lived_unpaid(versions: list[PlacementTerms], k: int) -> tuple[date, date] | None:
    """Version k's unpaid period as lived: cut by the next version's effective date."""
    version = versions[k]
    if version.unpaid_from is None:
        return None
    last = version.unpaid_to
    if k + 1 < len(versions):
        last = min(last, versions[k + 1].effective_from - timedelta(days=1))
    return (version.unpaid_from, last) if last >= version.unpaid_from else None


def check_placement(placement_id: int, world: World, setup: Setup) -> None:
    # Plain rows, read afresh (ORM objects would be the session's view, and load slowly).
    placement = db.session.execute(
        select(Placement.phase, Placement.ended_on).where(Placement.id == placement_id)
    ).one()
    versions = db.session.execute(
        select(*PlacementTerms.__table__.columns)
        .where(PlacementTerms.placement_id == placement_id)
        .order_by(PlacementTerms.number)
    ).all()
    steps = db.session.execute(
        select(*PlacementStep.__table__.columns)
        .where(PlacementStep.placement_id == placement_id)
        .order_by(PlacementStep.id)
    ).all()

    # One phase: the newest agreed terms', or pending before any, or ended.
    ended = placement.phase == Phase.ENDED
    assert ended == (placement.ended_on is not None)
    if not ended:
        expected = versions[-1].phase if versions else Phase.PENDING
        assert placement.phase == expected
    day = versions[0].effective_from if versions else in_days(0)
    for offset in range(0, 400, 7):
        assert phase_on(placement, versions, day + timedelta(days=offset)) in Phase

    # Versions 1..n, in date order, each with exactly the parts its phase needs.
    assert [v.number for v in versions] == list(range(1, len(versions) + 1))
    for earlier, later in pairwise(versions):
        assert earlier.effective_from <= later.effective_from
    for v in versions:
        has_unpaid = v.unpaid_from is not None and v.unpaid_hours is not None
        has_paid = v.paid_from is not None and v.paid_hours is not None
        assert has_unpaid == (v.phase in ("trial", "praktik", "combined")), v.phase
        assert has_paid == (v.phase in ("paid", "combined")), v.phase
        assert (v.purposes > 0) == (v.phase in ("praktik", "combined")), v.phase
        if has_unpaid:
            assert v.unpaid_from <= v.unpaid_to
        if has_paid:
            assert v.hourly_wage >= world.agreement_wage
        # Hours within the jobcentre's limit, also with the person's other placement.
        total = (v.unpaid_hours or 0) + (v.paid_hours or 0)
        assert total + ELSEWHERE_HOURS <= setup.max_hours, total
        assert (total * 2) % 1 == 0

    # Unpaid periods do not overlap as lived: a new one starts when its version does, and
    # version k's period is cut by version k+1; one carried over is the same period.
    for k in range(1, len(versions)):
        before, version = versions[k - 1], versions[k]
        if version.unpaid_from is None:
            continue
        carried = (version.unpaid_from, version.unpaid_to, version.unpaid_hours) == (
            before.unpaid_from,
            before.unpaid_to,
            before.unpaid_hours,
        )
        if carried:
            continue
        assert version.unpaid_from == version.effective_from
        lived = _lived_unpaid(versions, k - 1)
        if lived is not None:
            assert lived[1] < version.unpaid_from, (lived, version.unpaid_from)

    # Praktik length: one agreement, and the whole praktik without a special reason.
    weeks, extended = setup.praktik_weeks
    first_day = first_praktik_day(versions)
    for k, version in enumerate(versions):
        if version.phase not in ("praktik", "combined") or version.step_id is None:
            continue
        step = next(s for s in steps if s.id == version.step_id)
        if step.kind != StepKind.PRAKTIK:
            continue
        assert (version.unpaid_to - version.unpaid_from).days + 1 <= weeks * 7
        if (version.unpaid_to - first_day).days + 1 > extended * 7:
            assert version.special_reason.strip(), k

    # One step waits at a time, none once ended.
    waiting = [s for s in steps if s.status == StepStatus.WAITING]
    assert len(waiting) <= (0 if ended else 1)

    # Every step moved by the side allowed to move it, from the placement's two parties.
    for step in steps:
        proposer = world.by_id[step.proposed_by_id]
        if step.kind == StepKind.HOURS:  # either side may ask to change the hours
            assert step.reason.strip()
        else:
            assert step.proposed_by_side == PROPOSER[StepKind(step.kind)]
        assert side_of(proposer) == step.proposed_by_side
        assert world.party(proposer) == step.proposed_by_side
        if step.status == StepStatus.WAITING:
            assert step.decided_by_id is None
            continue
        decider = world.by_id[step.decided_by_id]
        assert world.party(decider) == side_of(decider)
        if step.status in (
            StepStatus.ACCEPTED,
            StepStatus.CHANGES_REQUESTED,
            StepStatus.DECLINED,
        ):
            assert side_of(decider) != step.proposed_by_side, step.status
        if step.status == StepStatus.CHANGES_REQUESTED:
            assert step.kind == StepKind.PRAKTIK
            assert step.answer_note
        if step.status == StepStatus.DECLINED:
            assert step.kind in (StepKind.PAID, StepKind.HOURS)
            assert step.answer_note
        if step.status == StepStatus.WITHDRAWN:
            assert side_of(decider) == step.proposed_by_side
        if step.status == StepStatus.CANCELLED:
            assert ended

    # Every agreed version after the first comes from one accepted step, as proposed.
    by_step = {v.step_id: v for v in versions if v.step_id is not None}
    accepted = [s for s in steps if s.status == StepStatus.ACCEPTED]
    assert sorted(by_step) == sorted(s.id for s in accepted)
    for k, v in enumerate(versions):
        if v.step_id is None:
            assert (v.number, v.phase) == (1, "trial")
            continue
        step = next(s for s in accepted if s.id == v.step_id)
        assert v.created_by_id == step.decided_by_id
        assert v.effective_from == step.start_on
        if step.kind == StepKind.HOURS:
            # Only the paid hours and days change; the paid part began when it began.
            before = versions[k - 1]
            assert before.phase in ("paid", "combined")
            assert (v.paid_hours, v.paid_weekdays) == (step.hours, step.weekdays)
            assert (v.paid_from, v.hourly_wage) == (before.paid_from, before.hourly_wage)
            assert v.phase in ("paid", "combined")
        elif step.kind == StepKind.PRAKTIK:
            assert (v.unpaid_from, v.unpaid_to, v.unpaid_hours) == (
                step.start_on,
                step.end_on,
                step.hours,
            )
        else:
            assert (v.paid_from, v.paid_hours, v.hourly_wage) == (
                step.start_on,
                step.hours,
                step.hourly_wage,
            )
            assert (v.phase == "combined") == step.praktik_continues


# --- The world ------------------------------------------------------------------------------


class World:
    def __init__(self, job: Job, users: dict[str, User], company_id: int, jobcentre_id: int):
        self.job = job
        self.agreement_wage = job.agreement_wage
        self.users = users
        self.by_id = {user.id: user for user in users.values()}
        self.company_id = company_id
        self.jobcentre_id = jobcentre_id

    def user(self, actor: str, right_side: Side) -> User:
        if actor == "right":
            return self.users["consultant" if right_side == Side.JOBCENTRE else "employer"]
        return self.users[actor]

    def party(self, user: User) -> Side | None:
        """Which of the placement's two parties the user belongs to, if either."""
        if user.organisation_id == self.company_id and user.role == Role.EMPLOYER:
            return Side.COMPANY
        if user.organisation_id == self.jobcentre_id and user.role != Role.EMPLOYER:
            return Side.JOBCENTRE
        return None


def _target_step(placement: Placement) -> PlacementStep | None:
    """The waiting step, or else the latest (to answer it again), or None."""
    rows = db.session.execute(
        select(PlacementStep.id, PlacementStep.status)
        .where(PlacementStep.placement_id == placement.id)
        .order_by(PlacementStep.id.desc())
    ).all()
    waiting = [step_id for step_id, status in rows if status == StepStatus.WAITING]
    chosen = waiting[0] if waiting else (rows[0][0] if rows else None)
    return None if chosen is None else db.session.get(PlacementStep, chosen)


def perform(action: Any, placement: Placement, world: World, today: date) -> User:
    """Take the action; returns who took it."""
    seen = placement.version - 1 if getattr(action, "stale", False) else placement.version
    if isinstance(action, Propose):
        # Either side asks to change hours: `continues` picks which, for "right".
        side = PROPOSER.get(action.kind, Side.COMPANY if action.continues else Side.JOBCENTRE)
        user = world.user(action.actor, side)
        start = today
        if action.after_current:
            current = db.session.scalar(
                select(func.max(PlacementTerms.effective_from)).where(
                    PlacementTerms.placement_id == placement.id
                )
            )
            start = max(start, current or start)
        start += timedelta(days=action.start)
        if action.kind == StepKind.HOURS:
            current = latest_terms(placement.id)
            terms = hours_change(
                current or PlacementTerms(workplace_id=world.job.workplace_id),
                start if action.after_current else today + timedelta(days=action.start - 5),
                action.hours,
                0 if action.special_reason else int(world.job.weekdays),
                "" if action.wage == "none" else "Travlt i julen",
            )
        elif action.kind == StepKind.PRAKTIK:
            terms = praktik_terms(
                world.job,
                start,
                days=action.length,
                hours=str(action.hours),
                special_reason="Særligt behov" if action.special_reason else "",
            )
        else:
            wage = {
                "job": world.job.hourly_wage,
                "agreement": world.job.agreement_wage,
                "below": world.job.agreement_wage - Decimal("0.01"),
                "none": None,
            }[action.wage]
            terms = paid_terms(
                world.job,
                start,
                hours=str(action.hours),
                hourly_wage=wage,
                praktik_continues=action.continues,
            )
        placements.propose_step(placement, user, action.kind, terms, seen, today=today)
        return user
    if isinstance(action, End):
        user = world.user(action.actor, Side.COMPANY)
        ended_on = today + timedelta(days=action.ended)
        placements.end(placement, user, action.reason, "", ended_on, seen, today=today)
        return user
    step = _target_step(placement)
    if step is None:
        raise DomainError("nothing to answer")
    proposer = Side(step.proposed_by_side)
    other = Side.JOBCENTRE if proposer == Side.COMPANY else Side.COMPANY
    user = world.user(action.actor, proposer if isinstance(action, Withdraw) else other)
    if isinstance(action, Accept):
        placements.accept_step(step, user, seen, today=today)
    elif isinstance(action, Refuse):
        placements.refuse_step(step, user, action.note, seen)
    else:
        placements.withdraw_step(step, user, seen)
    return user


def test_random_ladder_actions_keep_every_rule(
    make_job: Callable[..., Job],
    make_company: Callable[..., Any],
    make_jobcentre: Callable[..., Any],
    make_user: Callable[..., User],
    consultant: User,
    employer: User,
):
    job = ladder_job(make_job, employer)
    users = {
        "consultant": consultant,
        "colleague": make_user(consultant.organisation, Role.CONSULTANT),
        "admin": make_user(consultant.organisation, Role.ADMIN),
        "employer": employer,
        "employer2": make_user(employer.organisation),
        "outsider": make_user(make_company("Netto Tarm")),
        "stranger": make_user(make_jobcentre(657), Role.CONSULTANT),
    }
    proposal = accepted_proposal(job, consultant, employer)
    # The person also has a placement at another company: its hours count too.
    other_employer = make_user(make_company("Føtex Herning"))
    other_job = ladder_job(make_job, other_employer, hours_per_week=ELSEWHERE_HOURS)
    other = proposals.propose(other_job, proposal.candidate, consultant, "God til kasse")
    proposals.accept(other, other_employer, in_days(1))
    placements.start(other, other_employer, Phase.TRIAL, in_days(1), in_days(14))
    world = World(job, users, employer.organisation_id, consultant.organisation_id)
    admin = users["admin"]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(setup=setups, script=scripts)
    def run(setup: Setup, script: list[Any]) -> None:
        example = db.session.begin_nested()
        try:
            weeks, extended = setup.praktik_weeks
            update_rules(
                world.jobcentre_id,
                rules_data(
                    max_hours_per_week=setup.max_hours,
                    praktik_max_weeks=weeks,
                    praktik_extended_max_weeks=extended,
                ),
                admin,
            )
            assert rules_for(world.jobcentre_id).max_hours_per_week == setup.max_hours
            today = in_days(0)
            start = in_days(setup.start)
            placement = placements.start(
                proposal,
                employer,
                setup.first_step,
                start,
                start + timedelta(days=setup.trial_days - 1),
                today=today,
            )
            check_placement(placement.id, world, setup)
            state = snapshot(placement.id)
            for action in script:
                if isinstance(action, Wait):
                    today += timedelta(days=action.days)
                    continue
                attempt = db.session.begin_nested()
                try:
                    actor = perform(action, placement, world, today)
                except DomainError:
                    attempt.rollback()
                    # Refused: nothing changed (and the unchanged state was checked before).
                    assert snapshot(placement.id) == state, action
                    continue
                attempt.commit()
                before, state = state, snapshot(placement.id)
                # Every event bumps the version and tells the other side, only.
                assert state[1] == before[1] + 1, action
                told = _last_told(placement.id, state[-1] - before[-1])
                assert told, action
                for recipient_id, kind in told:
                    assert kind in EVENT_KINDS
                    assert world.party(world.by_id[recipient_id]) not in (None, side_of(actor))
                check_placement(placement.id, world, setup)
        finally:
            example.rollback()

    run()


def _last_told(placement_id: int, number: int) -> list[tuple[int, str]]:
    """(recipient, kind) of the newest `number` notifications about the placement."""
    rows = db.session.execute(
        select(Notification.recipient_id, Notification.kind)
        .where(Notification.subject_type == "placements", Notification.subject_id == placement_id)
        .order_by(Notification.id.desc())
        .limit(number)
    ).all()
    return [tuple(row) for row in rows]

"""Reminders about placements, run by the sweep: a trial visit or praktik ends in a few days;
a praktik has gone on for its first period without paid hours; a step waits for an answer;
the person has worked the planned hours four weeks running (time to ask for more).

Each reminder is recorded with a unique key (placement, kind, day) before it is written, so
however often the sweep runs, and whichever worker runs it, each goes out once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.agreements import rules as ladder_rules
from marketplace.agreements.parties import tell
from marketplace.agreements.terms import (
    first_praktik_day,
    latest_terms_of,
    versions_of_many,
)
from marketplace.clock import LOCAL_TZ
from marketplace.extensions import db
from marketplace.hours.more_hours import STREAK_WEEKS, worked_planned
from marketplace.models import (
    Phase,
    Placement,
    PlacementReminder,
    PlacementStep,
    PlacementTerms,
    Side,
    StepStatus,
)

ENDING_NOTICE_DAYS = 5
STEP_WAIT_DAYS = 3


def _once(placement: Placement, kind: str, due_on: date) -> bool:
    """Claim the reminder; False when it was already sent."""
    try:
        # Added inside the savepoint: a duplicate then rolls back only itself.
        with db.session.begin_nested():
            db.session.add(PlacementReminder(placement_id=placement.id, kind=kind, due_on=due_on))
    except IntegrityError:
        return False
    return True


def _both(placement: Placement, kind: str, **params: str | int) -> None:
    tell(placement, Side.COMPANY, kind, **params)
    tell(placement, Side.JOBCENTRE, kind, **params)


def placement_reminders(now: datetime, batch_size: int | None = None) -> int:
    """Every reminder due at `now`; returns how many were written. Walks the placements (then
    the waiting steps) in keyset batches of `batch_size` (SWEEP_BATCH) and commits each, so a
    sweep holds one batch at a time and one that died part way keeps what it wrote: the
    claimed reminders (or a step's reminded_at) make the next sweep skip them."""
    today = now.astimezone(LOCAL_TZ).date()
    size = batch_size or current_app.config["SWEEP_BATCH"]
    written = 0
    last = 0
    while batch := db.session.scalars(
        select(Placement)
        .where(
            Placement.phase.not_in([Phase.ENDED.value, Phase.PENDING.value]),
            Placement.id > last,
        )
        .order_by(Placement.id)
        .limit(size)
    ).all():
        last = batch[-1].id
        written += _placement_batch(list(batch), today)
        db.session.commit()
    written += _waiting_steps(now, size)
    return written


def _placement_batch(active: list[Placement], today: date) -> int:
    """One batch of placements: their terms in two queries, then each one's reminders."""
    latest = latest_terms_of(p.id for p in active)
    versions = versions_of_many(p.id for p in active)
    written = 0
    for placement in active:
        terms = latest.get(placement.id)
        if terms is None:
            continue
        written += _ending_soon(placement, terms, today)
        written += _long_praktik(placement, terms, versions[placement.id], today)
    written += _more_hours(active, versions, today)
    db.session.flush()
    return written


def _ending_soon(placement: Placement, terms: PlacementTerms, today: date) -> int:
    """The unpaid period of the newest terms ends within the notice days, and nothing agreed
    follows it."""
    if terms.unpaid_to is None or terms.phase == Phase.PAID:
        return 0
    if not today <= terms.unpaid_to <= today + timedelta(days=ENDING_NOTICE_DAYS):
        return 0
    kind = "trial_ending" if terms.phase == Phase.TRIAL else "praktik_ending"
    if not _once(placement, kind, terms.unpaid_to):
        return 0
    _both(placement, kind, day=terms.unpaid_to.strftime("%d.%m.%Y"))
    return 1


def _long_praktik(
    placement: Placement, terms: PlacementTerms, versions: list[PlacementTerms], today: date
) -> int:
    if terms.phase != Phase.PRAKTIK:
        return 0
    rules = ladder_rules.rules_for(placement.jobcentre_id)
    first = first_praktik_day(versions)
    if first is None or today < first + timedelta(weeks=rules.praktik_max_weeks):
        return 0
    in_praktik_today = terms.effective_from <= today <= terms.unpaid_to
    if not in_praktik_today or not _once(placement, "praktik_long", first):
        return 0
    _both(placement, "praktik_long", weeks=rules.praktik_max_weeks)
    return 1


def _waiting_steps(now: datetime, size: int) -> int:
    """Steps waiting past the days, in keyset batches committed one by one."""
    written = 0
    last = 0
    while due := db.session.scalars(
        select(PlacementStep)
        .where(
            PlacementStep.status == StepStatus.WAITING.value,
            PlacementStep.reminded_at.is_(None),
            PlacementStep.created_at <= now - timedelta(days=STEP_WAIT_DAYS),
            PlacementStep.id > last,
        )
        .order_by(PlacementStep.id)
        .limit(size)
    ).all():
        last = due[-1].id
        for step in due:
            step.reminded_at = now  # once per step, whatever the number of sweeps
            placement = db.session.get(Placement, step.placement_id)
            answering = Side.JOBCENTRE if step.proposed_by_side == Side.COMPANY else Side.COMPANY
            tell(placement, answering, "step_waiting")
        written += len(due)
        db.session.commit()
    return written


def _more_hours(
    active: list[Placement], versions: defaultdict[int, list[PlacementTerms]], today: date
) -> int:
    """Prompt the consultant once per agreed level of hours: after four weeks at (or above)
    the planned hours, until the terms change."""
    paid = [p for p in active if p.phase in (Phase.PAID, Phase.COMBINED)]
    if not paid:
        return 0
    due = worked_planned(paid, versions, today)
    written = 0
    for placement in paid:
        if placement.id not in due:
            continue
        if not _once(placement, "more_hours", versions[placement.id][-1].effective_from):
            continue
        tell(placement, Side.JOBCENTRE, "more_hours", weeks=STREAK_WEEKS)
        written += 1
    return written

"""Reminders about placements, run by the sweep: a trial visit or praktik ends in a few days;
a praktik has gone on for its first period without paid hours; a step waits for an answer;
the person has worked the planned hours four weeks running (time to ask for more).

Each reminder is recorded with a unique key (placement, kind, day) before it is written, so
however often the sweep runs, and whichever worker runs it, each goes out once. A batch's
reminders are claimed in one INSERT and told in one more per kind (tell() one by one took
seven minutes at national scale).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import lazyload

from marketplace.agreements import rules as ladder_rules
from marketplace.agreements.parties import label_for, recipients
from marketplace.agreements.terms import first_praktik_day
from marketplace.clock import LOCAL_TZ
from marketplace.extensions import db
from marketplace.hours.more_hours import STREAK_WEEKS, worked_planned
from marketplace.models import (
    Candidate,
    Company,
    Job,
    Phase,
    Placement,
    PlacementReminder,
    PlacementStep,
    PlacementTerms,
    Role,
    Side,
    StepStatus,
    User,
)
from marketplace.notifications.outbox import notify_each

ENDING_NOTICE_DAYS = 5
STEP_WAIT_DAYS = 3
BOTH = (Side.COMPANY, Side.JOBCENTRE)


@dataclass(frozen=True)
class _Due:
    """A reminder a placement owes: its unique key (placement, kind, day), who is told and
    the message's params."""

    placement: Placement
    kind: str
    due_on: date
    sides: tuple[Side, ...]
    params: dict[str, str | int]


def _claim(due: list[_Due]) -> list[_Due]:
    """Record the batch's reminders in one INSERT; returns those not sent before (ON
    CONFLICT DO NOTHING on the unique key, so a sweep racing this one claims each once).
    A savepoint and flush per reminder took most of a national sweep's time."""
    if not due:
        return []
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    claimed = {
        tuple(row)
        for row in db.session.execute(
            insert(PlacementReminder)
            .values(
                [{"placement_id": d.placement.id, "kind": d.kind, "due_on": d.due_on} for d in due]
            )
            .on_conflict_do_nothing(index_elements=["placement_id", "kind", "due_on"])
            .returning(
                PlacementReminder.placement_id, PlacementReminder.kind, PlacementReminder.due_on
            )
        )
    }
    return [d for d in due if (d.placement.id, d.kind, d.due_on) in claimed]


def _tell_all(told: list[_Due]) -> None:
    """agreements.parties.tell for every reminder of a batch: the parties' people, companies,
    jobs and candidates in four queries (parties' label_for and recipients then find them in
    the session), the notifications in one INSERT per kind."""
    if not told:
        return
    placements = [d.placement for d in told]
    company_ids = {p.company_id for p in placements}
    staff: defaultdict[int, list[User]] = defaultdict(list)
    for user in db.session.scalars(  # companies.staff.company_staff, for every company at once
        select(User)
        .where(
            User.organisation_id.in_(company_ids),
            User.role == Role.EMPLOYER.value,
            User.active,
        )
        .order_by(User.id)
    ):
        staff[user.organisation_id].append(user)  # type: ignore[index]
    # Held here so the lazy loads of placement.company, placement.job and placement.candidate
    # (with its consultant) find them in the session's identity map instead of one query each.
    loaded = [
        *db.session.scalars(select(Company).where(Company.id.in_(company_ids))),
        *db.session.scalars(
            select(Job).options(lazyload("*")).where(Job.id.in_({p.job_id for p in placements}))
        ),
        *db.session.scalars(
            select(Candidate).where(Candidate.id.in_({p.candidate_id for p in placements}))
        ),
    ]
    by_kind: defaultdict[str, list[tuple[User, tuple[str, int], dict[str, str | int]]]]
    by_kind = defaultdict(list)
    for d in told:
        for side in d.sides:
            people = (
                staff[d.placement.company_id]
                if side == Side.COMPANY
                else recipients(d.placement, side)
            )
            params = {"label": label_for(d.placement, side), **d.params}
            for user in people:
                by_kind[d.kind].append((user, (Placement.__tablename__, d.placement.id), params))
    for kind, items in by_kind.items():
        notify_each(kind, items)
    del loaded


def placement_reminders(now: datetime, batch_size: int | None = None) -> int:
    """Every reminder due at `now`; returns how many were written. Walks the placements (then
    the waiting steps) in keyset batches of `batch_size` (SWEEP_BATCH) and commits each, so a
    sweep holds one batch at a time and one that died part way keeps what it wrote: the
    claimed reminders (or a step's reminded_at) make the next sweep skip them."""
    today = now.astimezone(LOCAL_TZ).date()
    size = batch_size or current_app.config["SWEEP_BATCH"]
    praktik_weeks: dict[int, int] = {}  # per jobcentre, read once a run
    written = 0
    last = 0
    while batch := db.session.scalars(
        select(Placement)
        .options(lazyload("*"))  # the few told get their job and company in _tell_all
        .where(
            Placement.phase.not_in([Phase.ENDED.value, Phase.PENDING.value]),
            Placement.id > last,
        )
        .order_by(Placement.id)
        .limit(size)
    ).all():
        last = batch[-1].id
        written += _placement_batch(list(batch), today, praktik_weeks)
        db.session.commit()
    written += _waiting_steps(now, size)
    return written


def _placement_batch(active: list[Placement], today: date, praktik_weeks: dict[int, int]) -> int:
    """One batch of placements: their terms in two queries, which reminders each owes, then
    those claimed and told in bulk."""
    versions = _versions(p.id for p in active)
    due: list[_Due] = []
    for placement in active:
        if not versions[placement.id]:
            continue
        terms = versions[placement.id][-1]  # the newest
        due += _ending_soon(placement, terms, today)
        due += _long_praktik(placement, terms, versions[placement.id], today, praktik_weeks)
    due += _more_hours(active, versions, today)
    told = _claim(due)
    _tell_all(told)
    db.session.flush()
    return len(told)


def _versions(placement_ids: Iterable[int]) -> defaultdict[int, list[PlacementTerms]]:
    """Each placement's terms versions in number order, in one query, without the eager
    joins of their workplace and author (agreements.terms.versions_of_many loads those, and
    at national scale loading them took more time than every other part of a sweep)."""
    grouped: defaultdict[int, list[PlacementTerms]] = defaultdict(list)
    for terms in db.session.scalars(
        select(PlacementTerms)
        .options(lazyload("*"))
        .where(PlacementTerms.placement_id.in_(list(placement_ids)))
        .order_by(PlacementTerms.placement_id, PlacementTerms.number)
    ):
        grouped[terms.placement_id].append(terms)
    return grouped


def _ending_soon(placement: Placement, terms: PlacementTerms, today: date) -> list[_Due]:
    """The unpaid period of the newest terms ends within the notice days, and nothing agreed
    follows it."""
    if terms.unpaid_to is None or terms.phase == Phase.PAID:
        return []
    if not today <= terms.unpaid_to <= today + timedelta(days=ENDING_NOTICE_DAYS):
        return []
    kind = "trial_ending" if terms.phase == Phase.TRIAL else "praktik_ending"
    day = terms.unpaid_to.strftime("%d.%m.%Y")
    return [_Due(placement, kind, terms.unpaid_to, BOTH, {"day": day})]


def _long_praktik(
    placement: Placement,
    terms: PlacementTerms,
    versions: list[PlacementTerms],
    today: date,
    praktik_weeks: dict[int, int],
) -> list[_Due]:
    if terms.phase != Phase.PRAKTIK:
        return []
    if placement.jobcentre_id not in praktik_weeks:
        rules = ladder_rules.rules_for(placement.jobcentre_id)
        praktik_weeks[placement.jobcentre_id] = rules.praktik_max_weeks
    weeks = praktik_weeks[placement.jobcentre_id]
    first = first_praktik_day(versions)
    if first is None or today < first + timedelta(weeks=weeks):
        return []
    in_praktik_today = terms.effective_from <= today <= terms.unpaid_to
    if not in_praktik_today:
        return []
    return [_Due(placement, "praktik_long", first, BOTH, {"weeks": weeks})]


def _waiting_steps(now: datetime, size: int) -> int:
    """Steps waiting past the days, in keyset batches committed one by one: each batch's
    steps marked reminded in one UPDATE (only those still unmarked, so a racing sweep tells
    nobody twice), their placements read in one query, and the answering side told."""
    written = 0
    last = 0
    while due := db.session.execute(
        select(PlacementStep.id, PlacementStep.placement_id, PlacementStep.proposed_by_side)
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
        marked = set(
            db.session.scalars(
                update(PlacementStep)
                .where(PlacementStep.id.in_([step.id for step in due]))
                .where(PlacementStep.reminded_at.is_(None))
                .values(reminded_at=now)  # once per step, whatever the number of sweeps
                .returning(PlacementStep.id)
                .execution_options(synchronize_session=False)
            )
        )
        placements = {
            placement.id: placement
            for placement in db.session.scalars(
                select(Placement)
                .options(lazyload("*"))
                .where(Placement.id.in_({step.placement_id for step in due}))
            )
        }
        _tell_all(
            [
                _Due(
                    placements[step.placement_id],
                    "step_waiting",
                    now.date(),
                    (Side.JOBCENTRE if step.proposed_by_side == Side.COMPANY else Side.COMPANY,),
                    {},
                )
                for step in due
                if step.id in marked
            ]
        )
        written += len(marked)
        db.session.commit()
    return written


def _more_hours(
    active: list[Placement], versions: defaultdict[int, list[PlacementTerms]], today: date
) -> list[_Due]:
    """Prompt the consultant once per agreed level of hours: after four weeks at (or above)
    the planned hours, until the terms change."""
    # Those already prompted for the hours agreed now are skipped before the hours are read:
    # every sweep walks every placement, and the hours check is the costly part.
    prompted = {
        tuple(row)
        for row in db.session.execute(
            select(PlacementReminder.placement_id, PlacementReminder.due_on).where(
                PlacementReminder.kind == "more_hours",
                PlacementReminder.placement_id.in_([p.id for p in active]),
            )
        )
    }
    paid = [
        p
        for p in active
        if p.phase in (Phase.PAID, Phase.COMBINED)
        and versions[p.id]
        and (p.id, versions[p.id][-1].effective_from) not in prompted
    ]
    if not paid:
        return []
    due = worked_planned(paid, versions, today)
    return [
        _Due(
            placement,
            "more_hours",
            versions[placement.id][-1].effective_from,
            (Side.JOBCENTRE,),
            {"weeks": STREAK_WEEKS},
        )
        for placement in paid
        if placement.id in due
    ]

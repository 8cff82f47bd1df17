"""What each side reads about placements: the timeline of one, and the overview of many
with what waits for whom. Each overview is a fixed number of queries, whatever its length."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, or_, select
from sqlalchemy.orm import joinedload, lazyload

from marketplace.agreements.terms import in_force, phase_on, upcoming, versions_of, versions_of_many
from marketplace.extensions import db
from marketplace.models import (
    Assessment,
    Candidate,
    Company,
    Job,
    Phase,
    Placement,
    PlacementStep,
    PlacementTerms,
    Side,
    StepStatus,
)
from marketplace.web.pagination import Page, first_page, paged

ENDED_SHOWN_DAYS = 60


@dataclass(frozen=True)
class Event:
    when: datetime
    kind: str  # accepted | proposed | answered | terms | ended | asked | assessed | read
    step: PlacementStep | None = None
    terms: PlacementTerms | None = None
    assessment: Assessment | None = None


@dataclass(frozen=True)
class Timeline:
    versions: list[PlacementTerms]
    steps: list[PlacementStep]
    assessments: list[Assessment]
    events: list[Event]


ORDER = {
    "accepted": 0,
    "proposed": 1,
    "answered": 2,
    "terms": 3,
    "asked": 4,
    "assessed": 5,
    "read": 6,
    "ended": 7,
}


def timeline(placement: Placement) -> Timeline:
    versions = versions_of(placement.id)
    steps = list(
        db.session.scalars(
            select(PlacementStep)
            .where(PlacementStep.placement_id == placement.id)
            .order_by(PlacementStep.created_at, PlacementStep.id)
        )
    )
    events = [Event(placement.proposal.decided_at or placement.created_at, "accepted")]
    for step in steps:
        events.append(Event(step.created_at, "proposed", step=step))
        if step.decided_at is not None:
            events.append(Event(step.decided_at, "answered", step=step))
    for version in versions:
        events.append(Event(version.created_at, "terms", terms=version))
    # The company's assessments of its trial visit and praktik: asked, sent, read with the
    # person (issue 18).
    assessments = list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.placement_id == placement.id)
            .order_by(Assessment.period_from, Assessment.id)
        )
    )
    for assessment in assessments:
        events.append(Event(assessment.requested_at, "asked", assessment=assessment))
        if assessment.submitted_at is not None:
            events.append(Event(assessment.submitted_at, "assessed", assessment=assessment))
        if assessment.person_read_at is not None:
            events.append(Event(assessment.person_read_at, "read", assessment=assessment))
    if placement.phase == Phase.ENDED:
        events.append(Event(placement.updated_at, "ended"))
    events.sort(key=lambda e: (e.when, ORDER[e.kind]))
    return Timeline(versions, steps, assessments, events)


@dataclass
class Row:
    placement: Placement
    phase: Phase
    terms: PlacementTerms | None
    next_terms: PlacementTerms | None
    waiting: PlacementStep | None
    waits_for: Side | None = None
    versions: list[PlacementTerms] = field(default_factory=list)


def _ids(where: ColumnElement[bool], today: date, *order: Any) -> Select[tuple[int]]:
    """The ids of the listed placements, in the list's order: the page is cut from these."""
    recently = today - timedelta(days=ENDED_SHOWN_DAYS)
    return (
        select(Placement.id)
        .where(where, or_(Placement.ended_on.is_(None), Placement.ended_on >= recently))
        .order_by(*order, Placement.created_at.desc(), Placement.id.desc())
    )


def _rows(ids: Sequence[int], today: date) -> list[Row]:
    """The rows for a page's ids, in that order: the placement with only the job's title and
    the company's name beside it (not the ~20-table join of every eager relationship)."""
    loaded = (
        {
            p.id: p
            for p in db.session.scalars(
                select(Placement)
                .where(Placement.id.in_(ids))
                .options(
                    lazyload("*"),
                    joinedload(Placement.job).load_only(Job.title).lazyload("*"),
                    joinedload(Placement.company).load_only(Company.name).lazyload("*"),
                )
            )
        }
        if ids
        else {}
    )
    placements = [loaded[i] for i in ids if i in loaded]
    ids = [p.id for p in placements]  # the shown ones, should one have gone meanwhile
    # The rows show terms' dates and hours and a step's kind and side: not who made them
    # or where (the eager joins of users and workplaces cost more to plan than to read).
    versions = versions_of_many(ids, plain=True)
    waiting: dict[int, PlacementStep] = {}
    if ids:
        for step in db.session.scalars(
            select(PlacementStep)
            .where(
                PlacementStep.placement_id.in_(ids),
                PlacementStep.status == StepStatus.WAITING.value,
            )
            .options(lazyload("*"))
        ):
            waiting[step.placement_id] = step
    rows = []
    for placement in placements:
        own = versions[placement.id]
        phase = Phase.ENDED if placement.phase == Phase.ENDED else phase_on(placement, own, today)
        step = waiting.get(placement.id)
        rows.append(
            Row(
                placement=placement,
                phase=phase,
                terms=in_force(own, today),
                next_terms=upcoming(own, today),
                waiting=step,
                waits_for=_waits_for(placement, step, own, today),
                versions=own,
            )
        )
    return rows


def _waits_for(
    placement: Placement,
    step: PlacementStep | None,
    versions: Sequence[PlacementTerms],
    today: date,
) -> Side | None:
    if placement.phase == Phase.ENDED:
        return None  # history: nobody is asked for a next step
    if step is not None:
        return Side.JOBCENTRE if step.proposed_by_side == Side.COMPANY else Side.COMPANY
    if placement.phase == Phase.PENDING:
        # Praktik first: the jobcentre proposes the agreement. Paid first: the company offers.
        return Side.COMPANY if placement.first_step == Phase.PAID else Side.JOBCENTRE
    latest = versions[-1] if versions else None
    if latest is not None and latest.phase == Phase.TRIAL and latest.unpaid_to < today:
        return Side.JOBCENTRE  # the trial visit is over: the praktik agreement is next
    return None


def for_company(
    company_id: int, today: date, page: int = 1, *, running_only: bool = False
) -> Page[Row]:
    """One page of the company's placements, newest first: a fixed number of statements.
    `running_only` leaves out the ended ones (the company's home)."""
    where = Placement.company_id == company_id
    if running_only:
        where = where & (Placement.phase != Phase.ENDED.value)
        found = first_page(_ids(where, today))  # a home page: no COUNT
    else:
        found = paged(_ids(where, today), page)
    return found.with_items(_rows(found.items, today))


def for_jobcentre(
    jobcentre_id: int, today: date, consultant_id: int | None = None, page: int = 1
) -> Page[Row]:
    """One page of the jobcentre's placements (or one consultant's), in phase order so each
    phase's group runs on from one page to the next."""
    where = Placement.jobcentre_id == jobcentre_id
    if consultant_id is not None:
        # A semi-join: the jobcentre's whole list (show=all) then reads placements alone.
        caseload = select(Candidate.id).where(Candidate.consultant_id == consultant_id)
        where = where & Placement.candidate_id.in_(caseload)
    by_stored_phase = case(
        {phase.value: number for number, phase in enumerate(PHASE_ORDER)},
        value=Placement.phase,
        else_=len(PHASE_ORDER),
    )
    found = paged(_ids(where, today, by_stored_phase), page)
    return found.with_items(_rows(found.items, today))


PHASE_ORDER = [Phase.PENDING, Phase.TRIAL, Phase.PRAKTIK, Phase.COMBINED, Phase.PAID, Phase.ENDED]


def by_phase(rows: Sequence[Row]) -> list[tuple[Phase, list[Row]]]:
    grouped: dict[Phase, list[Row]] = {phase: [] for phase in PHASE_ORDER}
    for row in rows:
        grouped[row.phase].append(row)
    return [(phase, found) for phase, found in grouped.items() if found]

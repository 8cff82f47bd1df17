"""Builds placements and their ladder steps: the terms of a praktik or paid-hours step, a
placement at a trial visit, steps proposed and accepted (straight through the domain, or in a
request as the pages make them), the ladder rules as data; and counts what a placement holds
(notifications, steps, requests to change the hours, terms versions) or what a refused action
left."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace.agreements.rules import RulesData
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    Candidate,
    ConsentMethod,
    Job,
    Notification,
    Phase,
    Placement,
    PlacementStep,
    PlacementTerms,
    Proposal,
    Purpose,
    StepKind,
    User,
    Weekday,
)
from marketplace.placements import ladder as placements
from marketplace.placements.ladder import StepTerms
from marketplace.privacy import disclosure
from marketplace.proposals import lifecycle as proposals
from tests.factories.caseload import candidate_with_phone
from tests.factories.clock import DAYS, in_days


def praktik_terms(
    job: Job, start: date, days: int = 28, hours: str = "6", **changes: object
) -> StepTerms:
    """Praktik for `days` days from `start`, Tuesday and Thursday, with a mentor."""
    terms = StepTerms(
        start_on=start,
        end_on=start + timedelta(days=days - 1),
        hours=Decimal(hours),
        weekdays=DAYS,
        tasks=("Fylde hylder", "Tjekke datoer"),
        workplace_id=job.workplace_id,
        mentor_name="Ole Mentor",
        purposes=int(Purpose.TOWARDS_HOURS | Purpose.TRAIN_SKILLS),
    )
    return replace(terms, **changes)


def paid_terms(job: Job, start: date, hours: str = "3", **changes: object) -> StepTerms:
    """Paid hours on Fridays from `start`, at the job's wage."""
    terms = StepTerms(
        start_on=start,
        hours=Decimal(hours),
        weekdays=int(Weekday.FRI),
        tasks=("Kasse",),
        workplace_id=job.workplace_id,
        hourly_wage=job.hourly_wage,
    )
    return replace(terms, **changes)


def at_trial(proposal: Proposal, employer: User, first: int = 1, last: int = 5) -> Placement:
    """The proposal's placement, a trial visit from `first` to `last` days from today."""
    return placements.start(proposal, employer, Phase.TRIAL, in_days(first), in_days(last))


def agree_praktik(
    placement: Placement, consultant: User, employer: User, terms: StepTerms
) -> PlacementTerms:
    """Praktik proposed by the consultant and accepted by the company."""
    step = placements.propose_step(
        placement, consultant, StepKind.PRAKTIK, terms, placement.version
    )
    return placements.accept_step(step, employer, placement.version)


def agree_paid(
    placement: Placement, employer: User, consultant: User, terms: StepTerms
) -> PlacementTerms:
    """Paid hours offered by the company and confirmed by the consultant."""
    step = placements.propose_step(placement, employer, StepKind.PAID, terms, placement.version)
    return placements.accept_step(step, consultant, placement.version)


def start_placement(
    app: Flask,
    job: Job,
    consultant: User,
    employer: User,
    candidate: Candidate | None = None,
    first: Phase = Phase.TRIAL,
    consent: bool = False,
    start: int = 1,
) -> Placement:
    """A placement made by the domain functions, in a request as the pages make it: at a
    trial visit `start` days from today (two days long), or with praktik first (pending);
    with consent in force if asked."""
    with app.test_request_context():
        proposal = proposals.propose(
            job, candidate or candidate_with_phone(consultant), consultant, "God til hylder."
        )
        proposals.accept(proposal, employer, in_days(start))
        placement = placements.start(proposal, employer, first, in_days(start), in_days(start + 1))
        if consent:
            disclosure.record_consent(proposal, consultant, ConsentMethod.PHONE)
    db.session.flush()
    return placement


def propose_praktik(app: Flask, placement: Placement, by: User, terms: StepTerms) -> PlacementStep:
    """A praktik agreement proposed by `by`, in a request."""
    with app.test_request_context():
        step = placements.propose_step(placement, by, StepKind.PRAKTIK, terms, placement.version)
    db.session.flush()
    return step


def offer_paid(app: Flask, placement: Placement, by: User, terms: StepTerms) -> PlacementStep:
    """Paid hours offered by `by`, in a request."""
    with app.test_request_context():
        step = placements.propose_step(placement, by, StepKind.PAID, terms, placement.version)
    db.session.flush()
    return step


def agree(app: Flask, step: PlacementStep, by: User) -> PlacementTerms:
    """The step accepted by `by`, in a request."""
    with app.test_request_context():
        placement = db.session.get(Placement, step.placement_id)
        terms = placements.accept_step(step, by, placement.version)
    db.session.flush()
    return terms


def rules_data(**changes: object) -> RulesData:
    """The default ladder rules as data, with `changes`."""
    values = {
        "trial_max_days": 14,
        "praktik_max_weeks": 13,
        "praktik_extended_max_weeks": 26,
        "max_hours_per_week": Decimal(37),
        "employees_per_praktik": 5,
    }
    return RulesData(**{**values, **changes})  # type: ignore[arg-type]


def notices(placement: Placement) -> list[tuple[int, str]]:
    """(recipient, kind) of every notification about the placement, in order."""
    return [
        (row.recipient_id, row.kind)
        for row in db.session.scalars(
            select(Notification)
            .where(
                Notification.subject_type == "placements",
                Notification.subject_id == placement.id,
            )
            .order_by(Notification.id)
        )
    ]


def step_count(placement: Placement) -> int:
    return db.session.scalar(
        select(func.count(PlacementStep.id)).where(PlacementStep.placement_id == placement.id)
    )


def hours_requests(placement: Placement) -> int:
    """How many requests to change the hours the placement has had."""
    return db.session.scalar(
        select(func.count(PlacementStep.id)).where(
            PlacementStep.placement_id == placement.id, PlacementStep.kind == "hours"
        )
    )


def terms_count(placement: Placement) -> int:
    return db.session.scalar(
        select(func.count(PlacementTerms.id)).where(PlacementTerms.placement_id == placement.id)
    )


def refused_field(action: Callable[[], object], field: str | None) -> DomainError:
    """The action is refused (for the field named) and saves nothing, as the route rolls
    back: the step count and the terms are what they were."""
    savepoint = db.session.begin_nested()
    with pytest.raises(DomainError) as refused:
        action()
    savepoint.rollback()
    assert refused.value.field == field, refused.value.message
    return refused.value

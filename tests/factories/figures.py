"""Builds what the jobcentre's figures count: a proposal made on a given day that climbs the
ladder as far as asked (a trial visit, praktik, paid hours with a week confirmed, more
hours), each step agreed on its own first day, weeks in the past."""

from __future__ import annotations

from datetime import date, timedelta

from marketplace.clock import local_midnight
from marketplace.extensions import db
from marketplace.models import Job, Phase, Placement, Proposal, StepKind, User
from marketplace.placements import ladder as placements
from marketplace.proposals import lifecycle as proposals
from tests.factories.caseload import new_candidate
from tests.factories.clock import DAYS, MONDAY, today
from tests.factories.hours import ask, confirm
from tests.factories.placements import paid_terms, praktik_terms

# The ladder's days: a trial visit on LADDER_MONDAY (a Monday six weeks before MONDAY), praktik
# from the next Monday for four weeks, paid hours Tuesday and Thursday from the Monday after
# (its week confirmed: the first paid day is that Tuesday), more hours from MONDAY.
LADDER_MONDAY = MONDAY - timedelta(weeks=6)
PRAKTIK_MONDAY = LADDER_MONDAY + timedelta(weeks=1)
PAID_MONDAY = LADDER_MONDAY + timedelta(weeks=5)
RAISE_MONDAY = MONDAY


def proposed_on(
    job: Job, consultant: User, name: str, day: date, hour: int = 12, candidate=None
) -> Proposal:
    """A proposal of a new candidate (or `candidate`) to the job, made at `hour` o'clock
    Danish time on `day`."""
    proposal = proposals.propose(
        job, candidate or new_candidate(consultant, name), consultant, "God til opgaverne."
    )
    proposal.created_at = local_midnight(day) + timedelta(hours=hour)
    db.session.flush()
    return proposal


def climb(
    job: Job,
    consultant: User,
    employer: User,
    name: str,
    to: str = "paid",
    *,
    proposed: date | None = None,
    days_to_accept: int = 2,
    first_step: Phase = Phase.TRIAL,
    paid_hours: str = "6",
    raise_to: str | None = None,
    candidate=None,
) -> Placement:
    """A proposal made at noon on `proposed` (three days before LADDER_MONDAY by default),
    accepted `days_to_accept` days later, climbing from `first_step` up to `to` ("accepted",
    "trial", "praktik" or "paid", its first week confirmed as planned; "accepted" waits for its
    first praktik agreement) on the ladder's days;
    `raise_to` then asks for and agrees that many paid hours from RAISE_MONDAY."""
    proposed = proposed or LADDER_MONDAY - timedelta(days=3)
    proposal = proposed_on(job, consultant, name, proposed, candidate=candidate)
    proposals.accept(proposal, employer, today())
    proposal.decided_at = proposal.created_at + timedelta(days=days_to_accept)
    order = ["accepted", "trial", "praktik", "paid"]
    climbed = order[: order.index(to) + 1]
    began = {Phase.TRIAL: LADDER_MONDAY, Phase.PRAKTIK: PRAKTIK_MONDAY, Phase.PAID: PAID_MONDAY}
    if to == "accepted":  # waiting for its first praktik agreement
        first_step = Phase.PRAKTIK
    start = began[first_step]
    placement = placements.start(proposal, employer, first_step, start, start, today=start)
    if "praktik" in climbed and first_step != Phase.PAID:
        terms = praktik_terms(job, PRAKTIK_MONDAY, days=28)
        step = placements.propose_step(
            placement, consultant, StepKind.PRAKTIK, terms, placement.version, today=PRAKTIK_MONDAY
        )
        placements.accept_step(step, employer, placement.version, today=PRAKTIK_MONDAY)
    if "paid" in climbed:
        terms = paid_terms(job, PAID_MONDAY, hours=paid_hours, weekdays=DAYS)
        step = placements.propose_step(
            placement, employer, StepKind.PAID, terms, placement.version, today=PAID_MONDAY
        )
        placements.accept_step(step, consultant, placement.version, today=PAID_MONDAY)
        confirm(placement, employer, PAID_MONDAY)
        if raise_to is not None:
            step = ask(placement, employer, start=RAISE_MONDAY, hours_a_week=raise_to)
            placements.accept_step(step, consultant, placement.version)
    db.session.flush()
    return placement

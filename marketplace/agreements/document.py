"""What the printed praktik agreement says beyond the terms: the jobcentre's contact person,
and the record of who proposed and who accepted each version in Småjob, and when.

The person's identity is not here: each side's route names the person as its reader may see
them (the company, only under consent), and the case reference is the jobcentre's alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Placement, PlacementStep, PlacementTerms, User


@dataclass(frozen=True)
class Contact:
    """The jobcentre's contact person for the placement: the person's consultant. (Users hold
    no phone number, so the agreement gives the e-mail address.)"""

    name: str
    email: str


@dataclass(frozen=True)
class Acceptance:
    """One version as agreed in Småjob: who proposed it and who accepted it, and when."""

    number: int
    phase: str
    effective_from: date
    proposed_by: str
    proposed_at: datetime
    accepted_by: str
    accepted_at: datetime


def contact_person(placement: Placement) -> Contact:
    consultant = placement.candidate.consultant
    return Contact(consultant.name, consultant.email)


def _who(user: User) -> str:
    return f"{user.name} ({user.organisation.name})"


def acceptances(
    placement: Placement, versions: Sequence[PlacementTerms], up_to: PlacementTerms
) -> list[Acceptance]:
    """Each version up to `up_to`, in order. A version made by a step was proposed by one
    side and accepted by the other; the first version was made when the company accepted
    the jobcentre's proposal of the person."""
    shown = [v for v in versions if v.number <= up_to.number]
    step_ids = [v.step_id for v in shown if v.step_id is not None]
    steps = (
        {
            s.id: s
            for s in db.session.scalars(select(PlacementStep).where(PlacementStep.id.in_(step_ids)))
        }
        if step_ids
        else {}
    )
    rows = []
    for version in shown:
        step = steps.get(version.step_id) if version.step_id is not None else None
        if step is not None and step.decided_by is not None and step.decided_at is not None:
            proposed = (_who(step.proposed_by), step.created_at)
            accepted = (_who(step.decided_by), step.decided_at)
        else:
            proposal = placement.proposal
            proposed = (_who(proposal.proposed_by), proposal.created_at)
            accepted = (_who(version.created_by), version.created_at)
        rows.append(
            Acceptance(
                version.number,
                version.phase,
                version.effective_from,
                proposed[0],
                proposed[1],
                accepted[0],
                accepted[1],
            )
        )
    return rows

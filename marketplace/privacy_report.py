"""Texts stored before the screening (or by a second writer) that fail it today: the list a
jobcentre cleans by hand, read by `flask privacy-screen`. Reads only, and names where a text
is and why it fails, never the text itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from marketplace.extensions import db
from marketplace.models import (
    Candidate,
    CandidateIdentity,
    Consent,
    Jobcentre,
    Placement,
    PlacementStep,
    Proposal,
    Side,
    WeekFlag,
)
from marketplace.privacy import PROFILE_TEXTS, Person, Problem, person_from, problem_in

BATCH = 500


@dataclass(frozen=True)
class StoredProblem:
    """A stored text that fails the screening: where it is and why, never the text itself."""

    candidate_id: int
    jobcentre: str
    where: str
    problem: Problem


def stored_problems(jobcentre_id: int | None = None) -> Iterator[StoredProblem]:
    """Every stored text a company can read (or a CPR number anywhere) that the screening
    would refuse today, candidate by candidate. Reads only; the jobcentre cleans the texts."""
    jobcentres = {
        id_: name for id_, name in db.session.execute(select(Jobcentre.id, Jobcentre.name))
    }
    consented = set(
        db.session.scalars(select(Consent.proposal_id).where(Consent.withdrawn_at.is_(None)))
    )

    def mine(query: Select, column: Any) -> Select:
        return query if jobcentre_id is None else query.where(column == jobcentre_id)

    def found(
        candidate_id: int,
        centre: int,
        where: str,
        texts: str | Iterable[str],
        person: Person | None,
        health: bool = True,
    ) -> Iterator[StoredProblem]:
        for text in (texts,) if isinstance(texts, str) else texts or ():
            problem = problem_in(text or "", health=health, person=person)
            if problem is not None:
                yield StoredProblem(candidate_id, jobcentres.get(centre, "?"), where, problem)
                return

    rows = db.session.execute(
        mine(
            select(Candidate, CandidateIdentity)
            .join(CandidateIdentity, CandidateIdentity.candidate_id == Candidate.id)
            .order_by(Candidate.id),
            Candidate.jobcentre_id,
        ).execution_options(yield_per=BATCH)
    )
    for candidate, identity in rows:
        person = person_from(identity)
        for name in PROFILE_TEXTS:
            yield from found(
                candidate.id, candidate.jobcentre_id, name, getattr(candidate, name), person
            )
        jobcentre_only = {
            "consultant_note": candidate.consultant_note,
            "full_name": identity.full_name,
            "phone": identity.phone,
            "email": identity.email,
            "case_reference": identity.case_reference,
        }
        for name, text in jobcentre_only.items():
            yield from found(candidate.id, candidate.jobcentre_id, name, text, None, health=False)

    pitches = db.session.execute(
        mine(
            select(
                Proposal.id,
                Proposal.candidate_id,
                Proposal.jobcentre_id,
                Proposal.pitch,
                CandidateIdentity,
            )
            .join(CandidateIdentity, CandidateIdentity.candidate_id == Proposal.candidate_id)
            .order_by(Proposal.id),
            Proposal.jobcentre_id,
        ).execution_options(yield_per=BATCH)
    )
    for proposal_id, candidate_id, centre, pitch, identity in pitches:
        where = f"proposal {proposal_id}: pitch"
        yield from found(candidate_id, centre, where, pitch, person_from(identity))

    steps = db.session.execute(
        mine(
            select(
                Placement.id,
                Placement.candidate_id,
                Placement.jobcentre_id,
                Placement.proposal_id,
                PlacementStep.id,
                PlacementStep.proposed_by_side,
                PlacementStep.tasks,
                PlacementStep.special_reason,
                PlacementStep.reason,
                PlacementStep.answer_note,
                CandidateIdentity,
            )
            .join(Placement, Placement.id == PlacementStep.placement_id)
            .join(CandidateIdentity, CandidateIdentity.candidate_id == Placement.candidate_id)
            .order_by(PlacementStep.id),
            Placement.jobcentre_id,
        ).execution_options(yield_per=BATCH)
    )
    for placement_id, candidate_id, centre, proposal_id, step_id, side, *texts, identity in steps:
        tasks, special_reason, reason, answer_note = texts
        person = None if proposal_id in consented else person_from(identity)
        where = f"placement {placement_id}, step {step_id}"
        if side == Side.JOBCENTRE:
            written = {"tasks": tasks, "special_reason": special_reason, "reason": reason}
        else:
            written = {"answer_note": answer_note}
        for name, text in written.items():
            yield from found(candidate_id, centre, f"{where}: {name}", text, person)

    ends = db.session.execute(
        mine(
            select(
                Placement.id,
                Placement.candidate_id,
                Placement.jobcentre_id,
                Placement.proposal_id,
                Placement.end_note,
                CandidateIdentity,
            )
            .join(CandidateIdentity, CandidateIdentity.candidate_id == Placement.candidate_id)
            .where(Placement.ended_by_side == Side.JOBCENTRE.value)
            .order_by(Placement.id),
            Placement.jobcentre_id,
        ).execution_options(yield_per=BATCH)
    )
    for placement_id, candidate_id, centre, proposal_id, note, identity in ends:
        person = None if proposal_id in consented else person_from(identity)
        yield from found(candidate_id, centre, f"placement {placement_id}: end_note", note, person)

    flags = db.session.execute(
        mine(
            select(
                Placement.id,
                Placement.candidate_id,
                Placement.jobcentre_id,
                Placement.proposal_id,
                WeekFlag.id,
                WeekFlag.comment,
                CandidateIdentity,
            )
            .join(Placement, Placement.id == WeekFlag.placement_id)
            .join(CandidateIdentity, CandidateIdentity.candidate_id == Placement.candidate_id)
            .order_by(WeekFlag.id),
            Placement.jobcentre_id,
        ).execution_options(yield_per=BATCH)
    )
    for placement_id, candidate_id, centre, proposal_id, flag_id, comment, identity in flags:
        person = None if proposal_id in consented else person_from(identity)
        where = f"placement {placement_id}, week flag {flag_id}: comment"
        yield from found(candidate_id, centre, where, comment, person)

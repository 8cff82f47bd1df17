"""Texts stored before the screening (or by a second writer) that fail it today: the list a
jobcentre cleans by hand, read by `flask privacy-screen`. Reads only, and names where a text
is and why it fails, never the text itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Result, Select, select

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
from marketplace.privacy.screening import PROFILE_TEXTS, Person, Problem, person_from, problem_in

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

    def read(query: Select, column: Any) -> Result:
        """The rows, BATCH at a time (whole tables are read: never all in memory at once), of
        one jobcentre if asked."""
        if jobcentre_id is not None:
            query = query.where(column == jobcentre_id)
        return db.session.execute(query.execution_options(yield_per=BATCH))

    def of_placements(table: Any, *columns: Any, where: Any = None) -> Result:
        """(placement id, candidate id, jobcentre id, proposal id, *columns, identity) for each
        row of `table`: Placement itself, or a table of the placement's (placement_id)."""
        query = select(
            Placement.id,
            Placement.candidate_id,
            Placement.jobcentre_id,
            Placement.proposal_id,
            *columns,
            CandidateIdentity,
        ).select_from(table)
        if table is not Placement:
            query = query.join(Placement, Placement.id == table.placement_id)
        query = query.join(
            CandidateIdentity, CandidateIdentity.candidate_id == Placement.candidate_id
        ).order_by(table.id)
        if where is not None:
            query = query.where(where)
        return read(query, Placement.jobcentre_id)

    def before_consent(proposal_id: int, identity: CandidateIdentity) -> Person | None:
        """The identity to screen out of a placement's texts: none once the placement's
        proposal has consent in force (as privacy.person_before_consent)."""
        return None if proposal_id in consented else person_from(identity)

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

    rows = read(
        select(Candidate, CandidateIdentity)
        .join(CandidateIdentity, CandidateIdentity.candidate_id == Candidate.id)
        .order_by(Candidate.id),
        Candidate.jobcentre_id,
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

    pitches = read(
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
    )
    for proposal_id, candidate_id, centre, pitch, identity in pitches:
        where = f"proposal {proposal_id}: pitch"
        yield from found(candidate_id, centre, where, pitch, person_from(identity))

    steps = of_placements(
        PlacementStep,
        PlacementStep.id,
        PlacementStep.proposed_by_side,
        PlacementStep.tasks,
        PlacementStep.special_reason,
        PlacementStep.reason,
        PlacementStep.answer_note,
    )
    for placement_id, candidate_id, centre, proposal_id, step_id, side, *texts, identity in steps:
        tasks, special_reason, reason, answer_note = texts
        person = before_consent(proposal_id, identity)
        where = f"placement {placement_id}, step {step_id}"
        if side == Side.JOBCENTRE:
            written = {"tasks": tasks, "special_reason": special_reason, "reason": reason}
        else:
            written = {"answer_note": answer_note}
        for name, text in written.items():
            yield from found(candidate_id, centre, f"{where}: {name}", text, person)

    ends = of_placements(
        Placement, Placement.end_note, where=Placement.ended_by_side == Side.JOBCENTRE.value
    )
    for placement_id, candidate_id, centre, proposal_id, note, identity in ends:
        person = before_consent(proposal_id, identity)
        yield from found(candidate_id, centre, f"placement {placement_id}: end_note", note, person)

    flags = of_placements(WeekFlag, WeekFlag.id, WeekFlag.comment)
    for placement_id, candidate_id, centre, proposal_id, flag_id, comment, identity in flags:
        person = before_consent(proposal_id, identity)
        where = f"placement {placement_id}, week flag {flag_id}: comment"
        yield from found(candidate_id, centre, where, comment, person)

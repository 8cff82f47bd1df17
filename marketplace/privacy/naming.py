"""Who a notification names, for the reader it is shown to: the notifications' describer.

A notification about a proposal or a placement names the person and the job. The company
reads the pseudonym until the candidate's consent for that proposal is in force, and the name
while it is; the jobcentre of the candidate reads the name. This is decided when the
notification is shown or e-mailed, not when it was written, so no name is stored in a
company's notification and a consent given later shows the name in older ones (a withdrawn
consent hides it again). Every name shown is logged (privacy.access_log) under the purpose
of the inbox route, in whose context e-mails are written too.

One call reads a page of rows in a fixed number of queries: subjects, consents, names, and
one INSERT for the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import (
    AccessSeen,
    CandidateIdentity,
    Company,
    Consent,
    Job,
    Notification,
    Placement,
    Proposal,
    Role,
    User,
)
from marketplace.models.retention import ERASED
from marketplace.notifications.kinds import register_describer
from marketplace.privacy import access_log
from marketplace.privacy.disclosure import pseudonym


@dataclass(frozen=True)
class _Subject:
    candidate_id: int
    company_id: int
    jobcentre_id: int
    proposal_id: int
    job: str
    company: str
    start: date | None = None


def _subjects(rows: Sequence[Notification]) -> dict[tuple[str, int], _Subject]:
    wanted: dict[str, set[int]] = {"placements": set(), "proposals": set()}
    for row in rows:
        if row.subject_type in wanted and row.subject_id is not None:
            wanted[row.subject_type].add(row.subject_id)
    # A placement and a proposal name their person the same way; a proposal adds its start.
    kinds = (
        ("placements", Placement, Placement.proposal_id, ()),
        ("proposals", Proposal, Proposal.id, (Proposal.suggested_start,)),
    )
    found: dict[tuple[str, int], _Subject] = {}
    for kind, model, proposal_id, extra in kinds:
        if not wanted[kind]:
            continue
        for row in db.session.execute(
            select(
                model.id,
                model.candidate_id,
                model.company_id,
                model.jobcentre_id,
                proposal_id,
                Job.title,
                Company.name,
                *extra,
            )
            .join(Job, Job.id == model.job_id)
            .join(Company, Company.id == model.company_id)
            .where(model.id.in_(wanted[kind]))
        ):
            found[kind, row[0]] = _Subject(*row[1:])
    return found


def _may_name(subjects: Sequence[_Subject], viewer: User) -> set[int]:
    """The candidates whose name this reader may see."""
    if viewer.role == Role.EMPLOYER:
        own = {s.proposal_id for s in subjects if s.company_id == viewer.organisation_id}
        consented = (
            set(
                db.session.scalars(
                    select(Consent.proposal_id).where(
                        Consent.proposal_id.in_(own), Consent.withdrawn_at.is_(None)
                    )
                )
            )
            if own
            else set()
        )
        return {s.candidate_id for s in subjects if s.proposal_id in consented}
    return {s.candidate_id for s in subjects if s.jobcentre_id == viewer.organisation_id}


def describe(rows: Sequence[Notification], viewer: User) -> dict[int, dict[str, str]]:
    subjects = _subjects(rows)
    if not subjects:
        return {}
    named = _may_name(list(subjects.values()), viewer)
    names: dict[int, str] = {}
    if named:
        names = {
            candidate_id: name
            for candidate_id, name in db.session.execute(
                select(CandidateIdentity.candidate_id, CandidateIdentity.full_name).where(
                    CandidateIdentity.candidate_id.in_(named)
                )
            )
            if name and name != ERASED
        }
    company_reader = viewer.role == Role.EMPLOYER
    described: dict[int, dict[str, str]] = {}
    shown: set[int] = set()
    for row in rows:
        subject = subjects.get((row.subject_type or "", row.subject_id or 0))
        if subject is None:
            continue
        name = names.get(subject.candidate_id)
        params = {"job": subject.job, "company": subject.company}
        if subject.start is not None:
            params["start"] = subject.start.isoformat()
        if company_reader:
            params["pseudonym"] = pseudonym(subject.candidate_id, subject.company_id)
            params["person"] = name or params["pseudonym"]
            params["label"] = f"{params['person']}, {subject.job}"
        else:
            if name:
                params["person"] = name
            params["label"] = ", ".join(
                part for part in (name, subject.job, subject.company) if part
            )
        if name:
            shown.add(subject.candidate_id)
        described[row.id] = params
    access_log.record(shown, AccessSeen.NAME, viewer)
    return described


register_describer(describe)

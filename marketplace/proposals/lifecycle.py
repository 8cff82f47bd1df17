"""Proposals: a consultant proposes a candidate to a job; the company accepts or declines.

Domain functions flush and never commit; the route commits once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.caseload import figure_changes
from marketplace.caseload.candidates import identity_of
from marketplace.clock import local_today, utcnow
from marketplace.companies.staff import company_staff
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import (
    Candidate,
    CandidateStatus,
    DeclineReason,
    Job,
    JobStatus,
    Proposal,
    ProposalStatus,
    Role,
    User,
)
from marketplace.notifications.kinds import Kind, register_kind
from marketplace.notifications.links import subject_link
from marketplace.notifications.outbox import notify, notify_each
from marketplace.privacy.disclosure import pseudonym
from marketplace.privacy.screening import person_from, screen

ALREADY_PROPOSED = _l("This candidate is already proposed to this job.")
MAX_PITCH = 600


def check_pitch(pitch: str, candidate: Candidate) -> None:
    """The pitch goes to the company before consent: no identity, no health words."""
    text = pitch.strip()
    if not text:
        raise DomainError(_l("Write a few words for the company."), field="pitch")
    if len(text) > MAX_PITCH:
        raise DomainError(_l("Use at most %(max)d characters.", max=MAX_PITCH), field="pitch")
    screen("pitch", text, person=person_from(identity_of(candidate)))


def propose(job: Job, candidate: Candidate, consultant: User, pitch: str) -> Proposal:
    if job.status != JobStatus.PUBLISHED:
        raise DomainError(_l("Only a published job can receive proposals."))
    if candidate.jobcentre_id != consultant.organisation_id:
        raise DomainError(_l("You can only propose your own jobcentre's candidates."))
    if candidate.status != CandidateStatus.ACTIVE:
        raise DomainError(_l("Only an active candidate can be proposed."))
    check_pitch(pitch, candidate)
    proposal = Proposal(
        job_id=job.id,
        candidate_id=candidate.id,
        company_id=job.company_id,
        jobcentre_id=candidate.jobcentre_id,
        proposed_by_id=consultant.id,
        pitch=pitch.strip(),
        status=ProposalStatus.WAITING.value,
    )
    try:
        with db.session.begin_nested():
            db.session.add(proposal)
    except IntegrityError as error:  # the unique index: a double submit creates one
        raise DomainError(ALREADY_PROPOSED) from error
    figure_changes.note(proposal.jobcentre_id)  # the leader's funnel
    notify(
        company_staff(job.company_id),
        "proposal_received",
        subject=proposal,
        job=job.title,
        pseudonym=pseudonym(candidate.id, job.company_id),
    )
    return proposal


def _consultant_of(proposal: Proposal) -> list[User]:
    return [proposal.candidate.consultant]


def _decide(proposal: Proposal, employer: User, status: ProposalStatus, **params: str) -> None:
    """The company's answer: who answered and when, then the consultant is told."""
    proposal.status = status.value
    proposal.decided_at = utcnow()
    proposal.decided_by_id = employer.id
    figure_changes.note(proposal.jobcentre_id)
    db.session.flush()
    notify(
        _consultant_of(proposal),
        f"proposal_{status.value}",
        subject=proposal,
        company=proposal.job.company.name,
        job=proposal.job.title,
        **params,
    )


def accept(proposal: Proposal, employer: User, suggested_start: date) -> None:
    if proposal.status != ProposalStatus.WAITING:
        raise DomainError(_l("This proposal has already been answered."))
    if suggested_start < local_today():
        raise DomainError(_l("The start date cannot be in the past."), field="suggested_start")
    proposal.suggested_start = suggested_start
    _decide(proposal, employer, ProposalStatus.ACCEPTED, start=suggested_start.isoformat())


def decline(proposal: Proposal, employer: User, reason: DeclineReason, note: str = "") -> None:
    if proposal.status != ProposalStatus.WAITING:
        raise DomainError(_l("This proposal has already been answered."))
    proposal.decline_reason = reason.value
    proposal.decline_note = note.strip()
    _decide(proposal, employer, ProposalStatus.DECLINED)


def withdraw(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.WAITING:
        raise DomainError(_l("Only a waiting proposal can be withdrawn."))
    proposal.status = ProposalStatus.WITHDRAWN.value
    proposal.decided_at = utcnow()
    figure_changes.note(proposal.jobcentre_id)
    db.session.flush()


def for_company(company_id: int, limit: int = 200) -> list[Proposal]:
    """Proposals to the company's jobs: waiting first, then newest. One query."""
    waiting_first = (Proposal.status != ProposalStatus.WAITING.value).label("answered")
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.company_id == company_id)
            .order_by(waiting_first, Proposal.created_at.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Deadlines:
    """When the sweep reminds the company of an unanswered proposal, and when it expires."""

    remind_at: datetime
    expire_at: datetime


def deadlines(proposal: Proposal) -> Deadlines:
    config = current_app.config
    return Deadlines(
        remind_at=proposal.created_at + timedelta(days=config["PROPOSAL_REMIND_DAYS"]),
        expire_at=proposal.created_at + timedelta(days=config["PROPOSAL_EXPIRE_DAYS"]),
    )


def reminder_due_before(now: datetime) -> datetime:
    """A waiting proposal made at or before this moment is past its reminder (deadlines'
    remind_at has come): the sweep reminds the company, and the stuck list shows it."""
    return now - timedelta(days=current_app.config["PROPOSAL_REMIND_DAYS"])


def waiting_for_company(company_id: int, limit: int = 20) -> list[Proposal]:
    """Proposals the company has not answered yet, oldest first (they expire first), with
    their jobs."""
    return list(
        db.session.scalars(
            select(Proposal)
            .where(
                Proposal.company_id == company_id,
                Proposal.status == ProposalStatus.WAITING.value,
            )
            .order_by(Proposal.created_at, Proposal.id)
            .limit(limit)
            .options(selectinload(Proposal.job))  # the page names each job: one query, not n
        )
    )


def for_candidate(candidate_id: int) -> list[Proposal]:
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.candidate_id == candidate_id)
            .order_by(Proposal.created_at.desc())
        )
    )


def counts_by_job(company_id: int, job_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """Per job: how many proposals wait, were accepted, were declined. One query; for the
    given jobs only when a page names them (a row per job and status, not per company)."""
    statement = (
        select(Proposal.job_id, Proposal.status, func.count())
        .where(Proposal.company_id == company_id)
        .group_by(Proposal.job_id, Proposal.status)
    )
    if job_ids is not None:
        statement = statement.where(Proposal.job_id.in_(job_ids))
    rows = db.session.execute(statement).all()
    counts: dict[int, dict[str, int]] = {}
    for job_id, status, number in rows:
        counts.setdefault(job_id, {})[status] = number
    return counts


def remind_and_expire(now: datetime, batch_size: int | None = None) -> int:
    """Unanswered proposals: a reminder after some days, expiry after more (configurable).
    Walks them in keyset batches of `batch_size` (SWEEP_BATCH), committing each: an expired
    proposal is no longer waiting and a reminded one has reminded_at, so a sweep that died
    part way is finished by the next without telling anyone twice. Each batch's
    notifications are written in one INSERT (outbox.notify_each), its companies' staff read
    in one query."""
    config = current_app.config
    size = batch_size or config["SWEEP_BATCH"]
    remind_before = reminder_due_before(now)
    expire_before = now - timedelta(days=config["PROPOSAL_EXPIRE_DAYS"])
    written = 0
    expiring = select(Proposal).where(
        Proposal.status == ProposalStatus.WAITING.value, Proposal.created_at <= expire_before
    )
    for batch in _batches(expiring, size):
        for proposal in batch:
            proposal.status = ProposalStatus.EXPIRED.value
            proposal.decided_at = now
        for jobcentre_id in sorted({proposal.jobcentre_id for proposal in batch}):
            figure_changes.note(jobcentre_id)
        notify_each(
            "proposal_expired",
            [
                (
                    consultant,
                    (Proposal.__tablename__, proposal.id),
                    {"company": proposal.job.company.name, "job": proposal.job.title},
                )
                for proposal in batch
                for consultant in _consultant_of(proposal)
            ],
        )
        written += len(batch)
    due = select(Proposal).where(
        and_(
            Proposal.status == ProposalStatus.WAITING.value,
            Proposal.reminded_at.is_(None),
            Proposal.created_at <= remind_before,
        )
    )
    for batch in _batches(due, size):
        staff: dict[int, list[User]] = {}
        for user in db.session.scalars(  # companies.staff.company_staff, for the batch at once
            select(User)
            .where(
                User.organisation_id.in_({proposal.company_id for proposal in batch}),
                User.role == Role.EMPLOYER.value,
                User.active,
            )
            .order_by(User.id)
        ):
            staff.setdefault(user.organisation_id, []).append(user)  # type: ignore[arg-type]
        for proposal in batch:
            proposal.reminded_at = now  # once only, whatever the number of sweeps
        notify_each(
            "proposal_reminder",
            [
                (
                    user,
                    (Proposal.__tablename__, proposal.id),
                    {
                        "job": proposal.job.title,
                        "pseudonym": pseudonym(proposal.candidate_id, proposal.company_id),
                    },
                )
                for proposal in batch
                for user in staff.get(proposal.company_id, [])
            ],
        )
        written += len(batch)
    return written


def _batches(query: Select[tuple[Proposal]], size: int) -> Iterator[list[Proposal]]:
    """The query's proposals `size` at a time by id; each batch is committed once the caller
    has handled it (the loop asks for the next)."""
    last = 0
    while batch := list(
        db.session.scalars(query.where(Proposal.id > last).order_by(Proposal.id).limit(size))
    ):
        last = batch[-1].id
        yield batch
        db.session.flush()
        db.session.commit()


for _name, _urgent, _subject, _summary in (
    (
        "proposal_received",
        False,
        _l("A candidate is proposed for %(job)s"),
        _l("The jobcentre proposes %(person)s for %(job)s. Read the profile and answer."),
    ),
    (
        "proposal_reminder",
        False,
        _l("Reminder: a candidate waits for your answer (%(job)s)"),
        _l("%(person)s, proposed for %(job)s, still waits for your answer."),
    ),
    (
        "proposal_accepted",
        False,
        _l("%(company)s accepted your proposal for %(job)s"),
        _l("%(company)s accepted %(person)s for %(job)s, with a trial visit from %(start)s."),
    ),
    (
        "proposal_declined",
        False,
        _l("%(company)s declined your proposal for %(job)s"),
        _l("%(company)s declined %(person)s for %(job)s. See the reason."),
    ),
    (
        "proposal_expired",
        False,
        _l("No answer from %(company)s for %(job)s"),
        _l("The proposal of %(person)s for %(job)s at %(company)s expired without an answer."),
    ),
):
    register_kind(
        Kind(name=_name, urgent=_urgent, subject=_subject, summary=_summary, link=subject_link)
    )

"""Proposals of candidates to jobs, and the citizen's consent to share identity (every showing
of an identity is in the access log, models/access_log.py)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.models.base import Base
from marketplace.models.candidates import Candidate
from marketplace.models.jobs import Job
from marketplace.models.users import User


class ProposalStatus(StrEnum):
    WAITING = "waiting"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class DeclineReason(StrEnum):
    TASKS_DONT_FIT = "tasks_dont_fit"
    HOURS_DONT_FIT = "hours_dont_fit"
    NO_CAPACITY = "no_capacity"
    JOB_FILLED = "job_filled"
    OTHER = "other"


class ConsentMethod(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    WRITTEN = "written"


OPEN = "status IN ('waiting', 'accepted')"


class Proposal(Base):
    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(
            "status IN ('waiting', 'accepted', 'declined', 'withdrawn', 'expired')", name="status"
        ),
        CheckConstraint(
            "decline_reason IS NULL OR decline_reason IN"
            " ('tasks_dont_fit', 'hours_dont_fit', 'no_capacity', 'job_filled', 'other')",
            name="decline_reason",
        ),
        CheckConstraint(
            "(status = 'declined') = (decline_reason IS NOT NULL)", name="declined_why"
        ),
        CheckConstraint("(status = 'waiting') = (decided_at IS NULL)", name="decided_when"),
        CheckConstraint("length(pitch) > 0", name="pitch"),
        # One open proposal per candidate and job: a double submit creates one.
        Index(
            "uq_proposals_open",
            "candidate_id",
            "job_id",
            unique=True,
            sqlite_where=text(OPEN),
            postgresql_where=text(OPEN),
        ),
        # The company's list and the reminders look up by company and status.
        Index("ix_proposals_company_status", "company_id", "status", "created_at"),
        Index("ix_proposals_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    # Copied from the job and the candidate so access checks filter one column each.
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("jobcentres.id"), index=True)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    pitch: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=ProposalStatus.WAITING.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminded_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    suggested_start: Mapped[date | None] = mapped_column(Date)
    decline_reason: Mapped[str | None] = mapped_column(String(20))
    decline_note: Mapped[str] = mapped_column(String(500), default="")

    job: Mapped[Job] = relationship(lazy="joined", innerjoin=True)
    candidate: Mapped[Candidate] = relationship(lazy="joined", innerjoin=True)
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])


class Consent(Base):
    """The citizen's consent to share name and phone with one company, for one proposal."""

    __tablename__ = "consents"
    __table_args__ = (
        CheckConstraint("method IN ('in_person', 'phone', 'written')", name="method"),
        CheckConstraint(
            "(withdrawn_at IS NULL) = (withdrawn_by_id IS NULL)", name="withdrawn_by_whom"
        ),
        # At most one consent in force per proposal.
        Index(
            "uq_consents_in_force",
            "proposal_id",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    method: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])

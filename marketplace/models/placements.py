"""Placements (forløb): an accepted proposal climbing the ladder, trial visit -> praktik ->
paid hours, with every agreed change of terms kept as a dated version.

Terms versions are append-only: a change is a new version effective from a date, never an
edit. A step (a praktik agreement, an offer of paid hours) is a proposal by one side until the
other side agrees; only then does it become a terms version.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import IntFlag, StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.models.base import Base
from marketplace.models.candidates import Candidate
from marketplace.models.jobs import Job
from marketplace.models.organisations import Company
from marketplace.models.proposals import Proposal
from marketplace.models.users import User
from marketplace.models.workplaces import Workplace


class Phase(StrEnum):
    PENDING = "pending"  # accepted; the first step (praktik or paid hours) is being agreed
    TRIAL = "trial"  # snusepraktik
    PRAKTIK = "praktik"  # virksomhedspraktik
    COMBINED = "combined"  # praktik hours and paid hours side by side
    PAID = "paid"  # ordinary paid hours
    ENDED = "ended"


class EndReason(StrEnum):
    HIRED_ELSEWHERE = "hired_elsewhere"  # hired for more hours elsewhere
    COMPLETED = "completed"
    CANDIDATE_STOPPED = "candidate_stopped"
    COMPANY_STOPPED = "company_stopped"
    HEALTH = "health"
    OTHER = "other"


class Side(StrEnum):
    COMPANY = "company"
    JOBCENTRE = "jobcentre"


class StepKind(StrEnum):
    PRAKTIK = "praktik"  # a praktik agreement or its extension: the jobcentre proposes
    PAID = "paid"  # paid hours: the company offers, the jobcentre confirms
    HOURS = "hours"  # a change of the agreed paid hours a week: either side asks, the other agrees


class StepStatus(StrEnum):
    WAITING = "waiting"
    ACCEPTED = "accepted"
    CHANGES_REQUESTED = "changes_requested"  # the company wants a different praktik agreement
    DECLINED = "declined"  # the jobcentre could not confirm the paid hours
    WITHDRAWN = "withdrawn"  # by the side that proposed it
    CANCELLED = "cancelled"  # the placement ended while it waited


class Purpose(IntFlag):
    """What a praktik is for (one or more), as bits."""

    TOWARDS_HOURS = 1  # towards ordinary hours
    TRAIN_SKILLS = 2  # train specific skills
    CLARIFY_GOAL = 4  # clarify a job goal


# Which side may propose each kind of step: the database refuses the wrong side too.
PROPOSER = {StepKind.PRAKTIK: Side.JOBCENTRE, StepKind.PAID: Side.COMPANY}


def _values(enum: type[StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


def _half_hours(column: str) -> str:
    return f"{column} IS NULL OR ({column} > 0 AND {column} * 2 = CAST({column} * 2 AS INTEGER))"


class Placement(Base):
    __tablename__ = "placements"
    __table_args__ = (
        CheckConstraint(f"phase IN ({_values(Phase)})", name="phase"),
        CheckConstraint(
            f"end_reason IS NULL OR end_reason IN ({_values(EndReason)})", name="end_reason"
        ),
        CheckConstraint("first_step IN ('trial', 'praktik', 'paid')", name="first_step"),
        CheckConstraint("(phase = 'ended') = (ended_on IS NOT NULL)", name="ended_on"),
        CheckConstraint("(phase = 'ended') = (end_reason IS NOT NULL)", name="ended_why"),
        CheckConstraint("(phase = 'ended') = (ended_by_id IS NOT NULL)", name="ended_by"),
        CheckConstraint(
            "ended_by_side IS NULL OR ended_by_side IN ('company', 'jobcentre')", name="ended_side"
        ),
        Index("ix_placements_company_phase", "company_id", "phase"),
        Index("ix_placements_jobcentre_phase", "jobcentre_id", "phase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One placement per accepted proposal: a double submit of the acceptance creates one.
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    # Copied from the proposal so each side's access check filters one column.
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("jobcentres.id"))
    phase: Mapped[str] = mapped_column(String(10))
    # The step the company chose at acceptance: who moves first follows from it.
    first_step: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    end_note: Mapped[str] = mapped_column(String(500), default="")
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_by_side: Mapped[str | None] = mapped_column(String(10))
    # Every event bumps it: a form made on an older version is refused, not applied.
    version: Mapped[int] = mapped_column(Integer, default=1)

    # The job (with its company and workplace) is on every page; the proposal and candidate
    # are loaded when used: joining all four made one row a 20-table join whose planning
    # alone took ~25 ms on PostgreSQL.
    proposal: Mapped[Proposal] = relationship(lazy="select")
    job: Mapped[Job] = relationship(lazy="joined", innerjoin=True)
    candidate: Mapped[Candidate] = relationship(lazy="select")
    company: Mapped[Company] = relationship(lazy="select")

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class PlacementTerms(Base):
    """One agreed version of a placement's terms, effective from a date (append-only).

    The unpaid part (a trial visit or praktik) and the paid part live side by side, so a
    combined placement is one version with both. Which parts exist follows from the phase,
    and the database holds every version to that.
    """

    __tablename__ = "placement_terms"
    __table_args__ = (
        UniqueConstraint("placement_id", "number"),
        CheckConstraint("phase IN ('trial', 'praktik', 'combined', 'paid')", name="phase"),
        CheckConstraint(
            "(phase IN ('trial', 'praktik', 'combined'))"
            " = (unpaid_from IS NOT NULL AND unpaid_to IS NOT NULL AND unpaid_hours IS NOT NULL)",
            name="unpaid_part",
        ),
        CheckConstraint(
            "(phase IN ('paid', 'combined'))"
            " = (paid_from IS NOT NULL AND paid_hours IS NOT NULL AND hourly_wage IS NOT NULL)",
            name="paid_part",
        ),
        CheckConstraint("unpaid_to IS NULL OR unpaid_to >= unpaid_from", name="unpaid_period"),
        CheckConstraint(
            "(phase IN ('praktik', 'combined')) = (purposes > 0)", name="praktik_purpose"
        ),
        CheckConstraint(_half_hours("unpaid_hours"), name="unpaid_hours"),
        CheckConstraint(_half_hours("paid_hours"), name="paid_hours"),
        # The law's ceiling; a jobcentre's own rule may be lower, never higher.
        CheckConstraint(
            "COALESCE(unpaid_hours, 0) + COALESCE(paid_hours, 0) <= 37", name="hours_total"
        ),
        CheckConstraint("hourly_wage IS NULL OR hourly_wage >= 0", name="wage"),
        CheckConstraint("unpaid_weekdays >= 0 AND unpaid_weekdays <= 127", name="unpaid_days"),
        CheckConstraint("paid_weekdays >= 0 AND paid_weekdays <= 127", name="paid_days"),
        CheckConstraint("number >= 1", name="number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … within the placement
    phase: Mapped[str] = mapped_column(String(10))
    effective_from: Mapped[date] = mapped_column(Date)
    # The step both sides agreed to; None for the first version made by the acceptance.
    step_id: Mapped[int | None] = mapped_column(ForeignKey("placement_steps.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    workplace_id: Mapped[int] = mapped_column(ForeignKey("workplaces.id"))
    mentor_name: Mapped[str] = mapped_column(String(120), default="")

    unpaid_from: Mapped[date | None] = mapped_column(Date)
    # The sweep asks for an assessment of the periods that ended lately (placements.
    # assessment_requests), found by their last day.
    unpaid_to: Mapped[date | None] = mapped_column(Date, index=True)
    unpaid_hours: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    unpaid_weekdays: Mapped[int] = mapped_column(SmallInteger, default=0)
    unpaid_tasks: Mapped[list[str]] = mapped_column(JSON, default=list)
    purposes: Mapped[int] = mapped_column(SmallInteger, default=0)
    special_reason: Mapped[str] = mapped_column(Text, default="")

    paid_from: Mapped[date | None] = mapped_column(Date)
    paid_hours: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    paid_weekdays: Mapped[int] = mapped_column(SmallInteger, default=0)
    paid_tasks: Mapped[list[str]] = mapped_column(JSON, default=list)
    hourly_wage: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))

    workplace: Mapped[Workplace] = relationship(lazy="joined", innerjoin=True)
    created_by: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def total_hours(self) -> Decimal:
        return (self.unpaid_hours or Decimal(0)) + (self.paid_hours or Decimal(0))


class PlacementStep(Base):
    """A proposed step up the ladder, waiting for the other side, and its answer."""

    __tablename__ = "placement_steps"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_values(StepKind)})", name="kind"),
        CheckConstraint(f"status IN ({_values(StepStatus)})", name="status"),
        # Moved by the right side only: the jobcentre proposes praktik, the company paid hours;
        # either side may ask to change the paid hours.
        CheckConstraint(
            "(kind = 'praktik' AND proposed_by_side = 'jobcentre')"
            " OR (kind = 'paid' AND proposed_by_side = 'company')"
            " OR (kind = 'hours' AND proposed_by_side IN ('company', 'jobcentre'))",
            name="proposer_side",
        ),
        CheckConstraint("kind != 'hours' OR length(reason) > 0", name="hours_reason"),
        CheckConstraint("(status = 'waiting') = (decided_at IS NULL)", name="decided_when"),
        CheckConstraint(
            "status NOT IN ('changes_requested', 'declined') OR length(answer_note) > 0",
            name="answer_why",
        ),
        CheckConstraint("kind != 'praktik' OR (end_on IS NOT NULL AND purposes > 0)", "praktik"),
        CheckConstraint("kind != 'paid' OR hourly_wage IS NOT NULL", name="paid_wage"),
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="period"),
        CheckConstraint("hours > 0 AND hours <= 37", name="hours_range"),
        CheckConstraint("hours * 2 = CAST(hours * 2 AS INTEGER)", name="hours_half_steps"),
        CheckConstraint("weekdays >= 0 AND weekdays <= 127", name="weekdays_bits"),
        # One step waits at a time: two crossing proposals would each assume the old terms.
        Index(
            "uq_placement_steps_waiting",
            "placement_id",
            unique=True,
            sqlite_where=text("status = 'waiting'"),
            postgresql_where=text("status = 'waiting'"),
        ),
        Index("ix_placement_steps_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=StepStatus.WAITING.value)
    proposed_by_side: Mapped[str] = mapped_column(String(10))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminded_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answer_note: Mapped[str] = mapped_column(String(500), default="")

    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    weekdays: Mapped[int] = mapped_column(SmallInteger, default=0)
    tasks: Mapped[list[str]] = mapped_column(JSON, default=list)
    purposes: Mapped[int] = mapped_column(SmallInteger, default=0)
    special_reason: Mapped[str] = mapped_column(Text, default="")
    mentor_name: Mapped[str] = mapped_column(String(120), default="")
    workplace_id: Mapped[int] = mapped_column(ForeignKey("workplaces.id"))
    hourly_wage: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    reason: Mapped[str] = mapped_column(String(500), default="")  # why the hours should change
    # Paid hours offered during praktik: does praktik go on beside them (combined)?
    praktik_continues: Mapped[bool] = mapped_column(Boolean, default=False)

    proposed_by: Mapped[User] = relationship(
        foreign_keys=[proposed_by_id], lazy="joined", innerjoin=True
    )
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")
    workplace: Mapped[Workplace] = relationship(lazy="joined", innerjoin=True)


class LadderRules(Base):
    """A jobcentre's rules for the ladder, editable by its admin."""

    __tablename__ = "ladder_rules"
    __table_args__ = (
        CheckConstraint("trial_max_days BETWEEN 1 AND 28", name="trial_days"),
        CheckConstraint("praktik_max_weeks BETWEEN 1 AND 26", name="praktik_weeks"),
        CheckConstraint(
            "praktik_extended_max_weeks >= praktik_max_weeks AND praktik_extended_max_weeks <= 52",
            name="extended_weeks",
        ),
        CheckConstraint("max_hours_per_week > 0 AND max_hours_per_week <= 37", name="max_hours"),
        CheckConstraint("employees_per_praktik BETWEEN 1 AND 100", name="ratio"),
    )

    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("jobcentres.id"), primary_key=True)
    trial_max_days: Mapped[int] = mapped_column(SmallInteger, default=14)
    praktik_max_weeks: Mapped[int] = mapped_column(SmallInteger, default=13)
    praktik_extended_max_weeks: Mapped[int] = mapped_column(SmallInteger, default=26)
    max_hours_per_week: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal(37))
    # Rimelighedskrav: one person in praktik per this many employees (at least one person).
    employees_per_praktik: Mapped[int] = mapped_column(SmallInteger, default=5)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PlacementReminder(Base):
    """A reminder sent about a placement; the unique key makes each one go out once."""

    __tablename__ = "placement_reminders"
    __table_args__ = (UniqueConstraint("placement_id", "kind", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"))
    kind: Mapped[str] = mapped_column(String(30))
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

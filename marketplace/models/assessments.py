"""The company's assessment at the end of a trial visit or a praktik (issue 18): asked for
when the period ends (or is ended early), answered once by the company. What the person can do
is what moves them up the ladder; the assessment is how the company tells the jobcentre."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import utcnow
from marketplace.models.base import Base, codes_of


class AssessmentKind(StrEnum):
    TRIAL = "trial"  # a trial visit (snusepraktik)
    PRAKTIK = "praktik"  # a praktik, its extensions included


class Held(StrEnum):
    AS_PLANNED = "as_planned"
    PARTLY = "partly"  # the last day present and the days missed say how
    NEVER = "never"  # the person never came


class EndedBy(StrEnum):
    COMPANY = "company"
    PERSON = "person"
    JOBCENTRE = "jobcentre"


class EarlyReason(StrEnum):
    """Why a period ended early: a fixed list (no health: a company does not record it)."""

    DID_NOT_COME = "did_not_come"
    TASKS_DID_NOT_FIT = "tasks_did_not_fit"
    HOURS_DID_NOT_FIT = "hours_did_not_fit"
    PERSON_CHOSE = "person_chose"
    NO_CAPACITY = "no_capacity"
    OTHER = "other"  # the note says what


class Skill(StrEnum):
    """What the person can do of one task of the job."""

    ALONE = "alone"
    SOME_HELP = "some_help"
    NOT_YET = "not_yet"
    NOT_TRIED = "not_tried"


class Scale(StrEnum):
    """Punctuality, cooperation and pace: three steps, and "not seen"."""

    GOOD = "good"
    PARTLY = "partly"
    NOT_YET = "not_yet"
    NOT_SEEN = "not_seen"


class Recommendation(StrEnum):
    PRAKTIK = "praktik"  # weeks and hours a week
    PAID = "paid"  # hours a week
    NOT_NOW = "not_now"  # with the reason


class Assessment(Base):
    """One period's assessment: the request (placement, kind, period) and, once the company
    has answered, its answer. Answered once: the CHECKs hold an answer whole or absent."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("placement_id", "kind", "period_from"),
        CheckConstraint(f"kind IN ({codes_of(AssessmentKind)})", name="kind"),
        CheckConstraint("period_from <= period_to", name="period"),
        CheckConstraint(f"held IS NULL OR held IN ({codes_of(Held)})", name="held"),
        CheckConstraint("(submitted_at IS NULL) = (held IS NULL)", name="answered_whole"),
        CheckConstraint(
            "(held = 'partly') = (last_day_present IS NOT NULL AND days_missed IS NOT NULL)",
            name="partly",
        ),
        CheckConstraint("days_missed IS NULL OR days_missed >= 1", name="days_missed"),
        CheckConstraint(
            "(held IS NULL OR held = 'as_planned') = (ended_by IS NULL AND early_reason IS NULL)",
            name="ended_early",
        ),
        CheckConstraint(f"ended_by IS NULL OR ended_by IN ({codes_of(EndedBy)})", name="ended_by"),
        CheckConstraint(
            f"early_reason IS NULL OR early_reason IN ({codes_of(EarlyReason)})",
            name="early_reason",
        ),
        *(
            CheckConstraint(f"{scale} IS NULL OR {scale} IN ({codes_of(Scale)})", name=scale)
            for scale in ("punctuality", "cooperation", "pace")
        ),
        CheckConstraint(
            f"recommendation IS NULL OR recommendation IN ({codes_of(Recommendation)})",
            name="recommendation",
        ),
        CheckConstraint(
            "(recommendation = 'praktik') = (recommended_weeks IS NOT NULL)",
            name="recommended_weeks",
        ),
        CheckConstraint(
            "(recommendation IN ('praktik', 'paid')) = (recommended_hours IS NOT NULL)",
            name="recommended_hours",
        ),
        # Reminders at 3 and 10 days: each claimed once by raising the count.
        CheckConstraint("reminders_sent BETWEEN 0 AND 2", name="reminders_sent"),
        # The person's reading is recorded once, of an answer that exists; a disagreement
        # always says why.
        CheckConstraint("(person_read_at IS NULL) = (person_agrees IS NULL)", name="read_whole"),
        CheckConstraint("person_read_at IS NULL OR submitted_at IS NOT NULL", name="read_answer"),
        CheckConstraint("person_agrees IS NOT FALSE OR person_comment <> ''", name="disagree_why"),
        # The sweep's reminders and the stuck list read the unanswered ones only.
        Index(
            "ix_assessments_open",
            "requested_at",
            postgresql_where=sql_text("submitted_at IS NULL"),
            sqlite_where=sql_text("submitted_at IS NULL"),
        ),
        Index("ix_assessments_jobcentre_submitted", "jobcentre_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("jobcentres.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)  # the last day, as agreed or as ended
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)

    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    held: Mapped[str | None] = mapped_column(String(12))
    last_day_present: Mapped[date | None] = mapped_column(Date)
    days_missed: Mapped[int | None] = mapped_column(SmallInteger)
    ended_by: Mapped[str | None] = mapped_column(String(10))
    early_reason: Mapped[str | None] = mapped_column(String(20))
    early_note: Mapped[str] = mapped_column(String(500), default="")
    # [[task, skill], …] in the job's order: each task of the period's terms, once.
    tasks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    punctuality: Mapped[str | None] = mapped_column(String(10))
    cooperation: Mapped[str | None] = mapped_column(String(10))
    pace: Mapped[str | None] = mapped_column(String(10))
    recommendation: Mapped[str | None] = mapped_column(String(10))
    recommended_weeks: Mapped[int | None] = mapped_column(SmallInteger)
    recommended_hours: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    recommendation_reason: Mapped[str] = mapped_column(Text, default="")
    to_jobcentre: Mapped[str] = mapped_column(Text, default="")
    to_person: Mapped[str] = mapped_column(Text, default="")
    reminders_sent: Mapped[int] = mapped_column(SmallInteger, default=0)

    # The consultant records that the person has read the assessment, and agrees or not.
    person_read_at: Mapped[datetime | None]
    person_agrees: Mapped[bool | None] = mapped_column(Boolean)
    person_comment: Mapped[str] = mapped_column(Text, default="")
    person_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def answered(self) -> bool:
        return self.submitted_at is not None

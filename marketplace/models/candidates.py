"""Candidates (borgere) of a jobcentre: a profile a company may see, identity it may not.

Identity lives in its own table so that no query built for a company page can pick it up by
accident: reading it is a deliberate join in marketplace.privacy.disclosure, audited when a company
user sees it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.models.base import Base
from marketplace.models.municipalities import Municipality
from marketplace.models.organisations import Jobcentre
from marketplace.models.users import User


class CandidateStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class Candidate(Base):
    __tablename__ = "candidates"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'paused', 'closed')", name="status"),
        CheckConstraint("hours_min >= 0.5 AND hours_max <= 37", name="hours_range"),
        CheckConstraint("hours_min <= hours_max", name="hours_min_not_above_max"),
        CheckConstraint("available_weekdays >= 0 AND available_weekdays <= 127", name="days"),
        CheckConstraint("wished_categories >= 0 AND wished_categories < 1024", name="categories"),
        CheckConstraint("length(postcode) = 4", name="postcode_length"),
        CheckConstraint(
            "lifting_max_kg IS NULL OR (lifting_max_kg >= 0 AND lifting_max_kg <= 100)",
            name="lifting_range",
        ),
        CheckConstraint(
            "max_hours_per_day IS NULL OR (max_hours_per_day > 0 AND max_hours_per_day <= 12)",
            name="hours_per_day",
        ),
        CheckConstraint("danish_level IN ('none', 'basic', 'good', 'fluent')", name="danish_level"),
        # The caseload: a jobcentre's candidates by status and consultant.
        Index("ix_candidates_caseload", "jobcentre_id", "status", "consultant_id"),
        # Matching: active candidates of a jobcentre near a municipality.
        Index("ix_candidates_matching", "jobcentre_id", "status", "municipality_code"),
        # Retention: closed candidates by the day they were closed.
        Index("ix_candidates_closed", "status", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("jobcentres.id"))
    consultant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=CandidateStatus.ACTIVE.value)

    # The profile, in the citizen's own words where it says so.
    job_goal: Mapped[str] = mapped_column(Text)
    # Category codes as bits (see marketplace.web.labels.CATEGORY_BITS), matched in SQL.
    wished_categories: Mapped[int] = mapped_column(SmallInteger, default=0)
    tasks_can_do: Mapped[list[str]] = mapped_column(JSON, default=list)
    hours_min: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    hours_max: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    available_weekdays: Mapped[int] = mapped_column(SmallInteger, default=0)
    available_times: Mapped[str] = mapped_column(String(200), default="")
    municipality_code: Mapped[int] = mapped_column(ForeignKey("municipalities.code"))
    postcode: Mapped[str] = mapped_column(String(4))
    languages: Mapped[str] = mapped_column(String(200), default="")
    danish_level: Mapped[str] = mapped_column(String(10), default="basic")
    driving_licence: Mapped[bool] = mapped_column(Boolean, default=False)
    earlier_work: Mapped[str] = mapped_column(Text, default="")

    # Limitations as work functions, never as diagnoses (GDPR art. 9).
    no_heavy_lifting: Mapped[bool] = mapped_column(Boolean, default=False)
    lifting_max_kg: Mapped[int | None] = mapped_column(SmallInteger)
    no_long_standing: Mapped[bool] = mapped_column(Boolean, default=False)
    max_hours_per_day: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    needs_quiet_surroundings: Mapped[bool] = mapped_column(Boolean, default=False)
    no_early_mornings: Mapped[bool] = mapped_column(Boolean, default=False)
    other_limitations: Mapped[str] = mapped_column(String(500), default="")

    # Only the jobcentre reads this.
    consultant_note: Mapped[str] = mapped_column(Text, default="")

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set when the status becomes closed, cleared when reopened: retention counts from it.
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    jobcentre: Mapped[Jobcentre] = relationship()
    consultant: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    municipality: Mapped[Municipality] = relationship(lazy="joined", innerjoin=True)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class CandidateIdentity(Base):
    """Who the candidate is. Seen by the jobcentre; by a company only with recorded consent.

    No CPR number is ever stored: the jobcentre's own case reference links to its systems.
    """

    __tablename__ = "candidate_identities"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    case_reference: Mapped[str] = mapped_column(String(40), default="")


# Text search (caseload) on PostgreSQL: trigram indexes on the folded text, as the search queries it
# (fold_text() comes from migration 0014; marketplace/textsearch.py). SQLite has none.
Index(
    "ix_candidates_job_goal_trgm",
    func.fold_text(Candidate.job_goal).label("job_goal_folded"),
    postgresql_using="gin",
    postgresql_ops={"job_goal_folded": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")


# Text search on PostgreSQL: trigram indexes on the folded text, as the search queries it
# (fold_text() comes from migration 0014; marketplace/textsearch.py). SQLite has none.
Index(
    "ix_candidate_identities_full_name_trgm",
    func.fold_text(CandidateIdentity.full_name).label("full_name_folded"),
    postgresql_using="gin",
    postgresql_ops={"full_name_folded": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
Index(
    "ix_candidate_identities_case_reference_trgm",
    func.fold_text(CandidateIdentity.case_reference).label("case_reference_folded"),
    postgresql_using="gin",
    postgresql_ops={"case_reference_folded": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")

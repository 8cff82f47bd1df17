"""Small jobs (småjob) a company posts: what, where, when, how many hours, which steps."""

from __future__ import annotations

from datetime import date, datetime, time
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
    Time,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.models.base import Base
from marketplace.models.organisations import Company
from marketplace.models.workplaces import Workplace


class JobStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"


class Category(StrEnum):
    CLEANING = "cleaning"
    KITCHEN = "kitchen"
    WAREHOUSE = "warehouse"  # warehouse and stocking
    RETAIL = "retail"
    GARDENING = "gardening"  # gardening and outdoor
    PRODUCTION = "production"
    DELIVERY = "delivery"  # delivery and transport
    OFFICE = "office"
    CARE = "care"  # care and service help
    OTHER = "other"


# Each category as one bit, so a candidate's wished categories are one integer that SQL can
# test against a job's category: wished & CATEGORY_BITS[job.category] != 0.
CATEGORY_BITS: dict[str, int] = {category.value: 1 << n for n, category in enumerate(Category)}


class CloseReason(StrEnum):
    FILLED_BY_US = "filled_by_us"
    FILLED_ELSEWHERE = "filled_elsewhere"
    NO_LONGER_NEEDED = "no_longer_needed"


class DanishLevel(StrEnum):
    NONE = "none"
    BASIC = "basic"
    GOOD = "good"
    FLUENT = "fluent"


class Weekday(IntFlag):
    """Days as bits, so "works on any of these days" is one SQL expression: days & mask."""

    MON = 1
    TUE = 2
    WED = 4
    THU = 8
    FRI = 16
    SAT = 32
    SUN = 64


def _values(enum: type[StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"status IN ({_values(JobStatus)})", name="status"),
        CheckConstraint(f"category IN ({_values(Category)})", name="category"),
        CheckConstraint(
            f"close_reason IS NULL OR close_reason IN ({_values(CloseReason)})", name="close_reason"
        ),
        CheckConstraint(f"danish_level IN ({_values(DanishLevel)})", name="danish_level"),
        CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_has_time"),
        CheckConstraint(
            "(status = 'closed') = (close_reason IS NOT NULL)", name="closed_has_reason"
        ),
        # A draft may be closed without ever being published (a job no longer needed).
        CheckConstraint(
            "status != 'published' OR published_at IS NOT NULL", name="published_has_time"
        ),
        CheckConstraint("hourly_wage < 10000", name="wage_ceiling"),
        CheckConstraint("hours_per_week >= 0.5 AND hours_per_week <= 37", name="hours_range"),
        # Steps of half an hour: twice the hours is a whole number (SQLite and PostgreSQL).
        CheckConstraint(
            "hours_per_week * 2 = CAST(hours_per_week * 2 AS INTEGER)", name="hours_half_steps"
        ),
        CheckConstraint("weekdays >= 0 AND weekdays <= 127", name="weekdays_bits"),
        CheckConstraint("flexible_days OR weekdays > 0", name="days_given"),
        CheckConstraint(
            "time_from IS NULL OR time_to IS NULL OR time_to > time_from", name="time_window"
        ),
        CheckConstraint("end_date IS NULL OR end_date > start_date", name="end_after_start"),
        CheckConstraint(
            "offers_trial_visit OR offers_praktik OR offers_paid_direct", name="offers_a_step"
        ),
        CheckConstraint("agreement_wage >= 0", name="agreement_wage"),
        CheckConstraint("hourly_wage >= agreement_wage", name="wage_at_least_agreement"),
        CheckConstraint(
            "lifting_max_kg IS NULL OR (lifting_max_kg >= 0 AND lifting_max_kg <= 100)",
            name="lifting_range",
        ),
        # The job board: open jobs by municipality, newest first; and by category.
        Index("ix_jobs_board", "status", "municipality_code", "published_at"),
        Index("ix_jobs_status_category", "status", "category"),
        Index("ix_jobs_status_hours", "status", "hours_per_week"),
        Index("ix_jobs_company_status", "company_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    workplace_id: Mapped[int] = mapped_column(ForeignKey("workplaces.id"), index=True)
    # Copied from the workplace on every save, so the board filters one indexed column.
    municipality_code: Mapped[int] = mapped_column(ForeignKey("municipalities.code"))
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.DRAFT.value)

    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    task_lines: Mapped[list[str]] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(20))

    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    weekdays: Mapped[int] = mapped_column(SmallInteger, default=0)
    flexible_days: Mapped[bool] = mapped_column(Boolean, default=False)
    time_from: Mapped[time | None] = mapped_column(Time)
    time_to: Mapped[time | None] = mapped_column(Time)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)  # None: ongoing

    offers_trial_visit: Mapped[bool] = mapped_column(Boolean, default=True)
    offers_praktik: Mapped[bool] = mapped_column(Boolean, default=False)
    offers_paid_direct: Mapped[bool] = mapped_column(Boolean, default=False)

    hourly_wage: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    agreement_wage: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    wage_agreement_name: Mapped[str] = mapped_column(String(120), default="")

    # Requirements, as work functions (never as health conditions).
    requires_heavy_lifting: Mapped[bool] = mapped_column(Boolean, default=False)
    lifting_max_kg: Mapped[int | None] = mapped_column(SmallInteger)
    requires_standing: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_early_mornings: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_driving_licence: Mapped[bool] = mapped_column(Boolean, default=False)
    danish_level: Mapped[str] = mapped_column(String(10), default=DanishLevel.NONE.value)
    other_requirements: Mapped[str] = mapped_column(String(500), default="")

    contact_name: Mapped[str] = mapped_column(String(120))
    contact_phone: Mapped[str] = mapped_column(String(30), default="")

    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(String(20))
    close_note: Mapped[str] = mapped_column(String(500), default="")
    # Optimistic locking: a save based on an older version is refused, not merged.
    version: Mapped[int] = mapped_column(Integer, default=1)

    company: Mapped[Company] = relationship(lazy="joined", innerjoin=True)
    workplace: Mapped[Workplace] = relationship(lazy="joined", innerjoin=True)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012

    @property
    def days(self) -> list[Weekday]:
        return [day for day in Weekday if self.weekdays & day]


# Text search on PostgreSQL: trigram indexes on the folded text, as the search queries it
# (fold_text() comes from migration 0014; marketplace/textsearch.py). SQLite has none.
Index(
    "ix_jobs_title_trgm",
    func.fold_text(Job.title).label("title_folded"),
    postgresql_using="gin",
    postgresql_ops={"title_folded": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
Index(
    "ix_jobs_description_trgm",
    func.fold_text(Job.description).label("description_folded"),
    postgresql_using="gin",
    postgresql_ops={"description_folded": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")

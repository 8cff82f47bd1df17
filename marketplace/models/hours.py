"""Hours worked: daily records confirmed week by week by the employer, corrections that never
overwrite, the consultant's flags on a week, and the hour rules the records count toward.

A record is written when the employer confirms its week, and never changes afterwards: the
database refuses UPDATE and DELETE on `hour_records` (triggers, see migration 0007; since
0012 they let through only retention's work on a closed case: texts blanked after 5 years,
figures deleted once marked due after 10, see docs/PRIVACY.md). A
correction is a new record with the next revision of the same placement, day and kind; the
current figure is the highest revision. The composite foreign key ties each correction to
the revision it corrects, and the unique key allows one correction per revision, so the
history is a single line and "one current record per placement, day and kind" holds for any
writer.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.models.base import Base
from marketplace.models.users import User


class HourKind(StrEnum):
    PAID = "paid"
    PRAKTIK = "praktik"  # also a trial visit: both are unpaid praktik hours


class WeekConfirmation(Base):
    """The employer confirmed one placement's week; its records point here."""

    __tablename__ = "week_confirmations"
    __table_args__ = (
        # Two people confirming the same week at once: one wins, the other is told.
        UniqueConstraint("placement_id", "week_start"),
        CheckConstraint("via IN ('page', 'bulk', 'link')", name="via"),
        Index("ix_week_confirmations_company_week", "company_id", "week_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    week_start: Mapped[date] = mapped_column(Date)  # the Monday
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
    via: Mapped[str] = mapped_column(String(10), default="page")

    confirmed_by: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class HourRecord(Base):
    __tablename__ = "hour_records"
    __table_args__ = (
        UniqueConstraint("placement_id", "work_date", "kind", "revision"),
        # A correction points at the revision it corrects, of the same placement, day, kind.
        ForeignKeyConstraint(
            ["placement_id", "work_date", "kind", "corrects_revision"],
            [
                "hour_records.placement_id",
                "hour_records.work_date",
                "hour_records.kind",
                "hour_records.revision",
            ],
            name="fk_hour_records_corrects",
        ),
        CheckConstraint("kind IN ('paid', 'praktik')", name="kind"),
        CheckConstraint("revision >= 1", name="revision"),
        CheckConstraint(
            "(revision = 1 AND corrects_revision IS NULL)"
            " OR (revision > 1 AND corrects_revision = revision - 1)",
            name="corrects_previous",
        ),
        # A first record comes with its week's confirmation, or later with a reason (a day
        # added to a confirmed week); a correction always carries its reason.
        CheckConstraint(
            "confirmation_id IS NOT NULL OR length(reason) > 0", name="confirmed_or_explained"
        ),
        CheckConstraint("revision = 1 OR confirmation_id IS NULL", name="correction_apart"),
        CheckConstraint("revision = 1 OR length(reason) > 0", name="correction_why"),
        CheckConstraint("hours >= 0 AND hours <= 24", name="hours_range"),
        # A day confirmed as 0 is a record of its week (migration 0013); otherwise only a
        # correction brings a day to 0.
        CheckConstraint(
            "hours > 0 OR revision > 1 OR confirmation_id IS NOT NULL", name="hours_positive"
        ),
        CheckConstraint("hours * 4 = CAST(hours * 4 AS INTEGER)", name="quarter_hours"),
        Index("ix_hour_records_candidate_day", "candidate_id", "work_date"),
        Index("ix_hour_records_company_day", "company_id", "work_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"))
    # Copied from the placement: the daily sum per person, and exports per company.
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    work_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    revision: Mapped[int] = mapped_column(SmallInteger, default=1)
    corrects_revision: Mapped[int | None] = mapped_column(SmallInteger)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    note: Mapped[str] = mapped_column(String(500), default="")
    reason: Mapped[str] = mapped_column(String(500), default="")  # of a correction
    confirmation_id: Mapped[int | None] = mapped_column(
        ForeignKey("week_confirmations.id"), index=True
    )
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class PaidMonth(Base):
    """A person touched by paid hours in a month: at least one day there whose latest paid
    revision is above 0 (figures.measures), the month's paid hours (the sum of its days'
    latest paid revisions) and the first such day. Derived from hour_records and kept beside
    every write of them (hours.paid_months.refresh); `flask rebuild-paid-months` rebuilds
    it."""

    __tablename__ = "paid_months"
    __table_args__ = (
        Index("ix_paid_months_month", "month", "candidate_id"),
        CheckConstraint("hours > 0", name="hours"),
        CheckConstraint("first_day >= month", name="first_day"),
    )

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    hours: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    first_day: Mapped[date] = mapped_column(Date)


class HourReminder(Base):
    """The weekly reminder to one employer that hours wait for confirmation, and the link it
    carries. The unique key makes the reminder idempotent: one per employer and week, however
    often the sweep runs. The link is signed, expires, and confirms once (used_at)."""

    __tablename__ = "hour_reminders"
    __table_args__ = (
        UniqueConstraint("user_id", "sent_for_week"),
        CheckConstraint("opens_week <= sent_for_week", name="opens_past_week"),
        CheckConstraint("weeks_waiting > 0", name="weeks_waiting"),
        CheckConstraint("expires_at > created_at", name="expires_after_created"),
        CheckConstraint("used_at IS NULL OR used_at <= expires_at", name="used_in_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    sent_for_week: Mapped[date] = mapped_column(Date)  # the Monday of the week just ended
    opens_week: Mapped[date] = mapped_column(Date)  # the oldest week waiting, which the link opens
    weeks_waiting: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class WeekFlag(Base):
    """The consultant questions a confirmed week; the employer answers."""

    __tablename__ = "week_flags"
    __table_args__ = (
        CheckConstraint("length(comment) > 0", name="comment"),
        CheckConstraint(
            "(answered_at IS NULL) = (answered_by_id IS NULL)", name="answered_by_whom"
        ),
        CheckConstraint("answered_at IS NULL OR length(answer) > 0", name="answer"),
        Index("ix_week_flags_placement_week", "placement_id", "week_start"),
        # One open question per placement and week: a double submit makes one flag.
        Index(
            "uq_week_flags_open",
            "placement_id",
            "week_start",
            unique=True,
            sqlite_where=text("answered_at IS NULL"),
            postgresql_where=text("answered_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"))
    week_start: Mapped[date] = mapped_column(Date)
    comment: Mapped[str] = mapped_column(String(1000))
    flagged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    flagged_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str] = mapped_column(String(1000), default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]

    flagged_by: Mapped[User] = relationship(foreign_keys=[flagged_by_id], lazy="joined")
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id], lazy="joined")


class HourRule(Base):
    """A rule the confirmed hours count toward (DOMAIN.md, hour rules), kept as data."""

    __tablename__ = "hour_rules"
    __table_args__ = (
        CheckConstraint("hours_required > 0", name="hours_required"),
        CheckConstraint("window_months > 0", name="window"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
        CheckConstraint("counts_paid OR counts_praktik", name="counts_something"),
        UniqueConstraint("name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    hours_required: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    window_months: Mapped[int] = mapped_column(SmallInteger)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    counts_paid: Mapped[bool] = mapped_column(default=True)
    counts_praktik: Mapped[bool] = mapped_column(default=False)

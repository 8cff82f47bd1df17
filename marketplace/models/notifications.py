"""Notifications: rows first (the outbox), delivered by e-mail and shown on the page."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.models.base import Base
from marketplace.models.users import User


class EmailState(StrEnum):
    PENDING = "pending"  # waiting to be sent (or re-sent after a failure)
    SENDING = "sending"  # claimed by a worker; reclaimable once its lease runs out
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry; shown to the jobcentre admin
    DIGEST = "digest"  # waits for the recipient's daily digest
    SKIPPED = "skipped"  # the recipient turned e-mail off for this kind


class EmailPreference(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    OFF = "off"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(
            "email_state IN ('pending', 'sending', 'sent', 'failed', 'digest', 'skipped')",
            name="email_state",
        ),
        CheckConstraint("email_attempts >= 0", name="email_attempts"),
        CheckConstraint(
            "(email_state = 'sent') = (email_sent_at IS NOT NULL)", name="sent_has_time"
        ),
        CheckConstraint(
            "(email_state = 'sending') = (email_claimed_at IS NOT NULL)", name="claimed"
        ),
        # The sweep looks for undelivered rows by state and due time.
        Index("ix_notifications_email_due", "email_state", "email_next_attempt_at"),
        # The header's unread count and the list page read by recipient.
        Index("ix_notifications_recipient_unread", "recipient_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for mail to someone without an account yet (an invitation).
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    recipient_email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5), default="da")
    kind: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    email_state: Mapped[str] = mapped_column(String(10), default=EmailState.PENDING.value)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_next_attempt_at: Mapped[datetime | None]
    email_claimed_at: Mapped[datetime | None]
    email_sent_at: Mapped[datetime | None]
    email_batch: Mapped[str | None] = mapped_column(String(32), index=True)
    email_last_error: Mapped[str | None] = mapped_column(String(500))

    recipient: Mapped[User | None] = relationship()

"""Retention: rules as rows (what is erased or pseudonymised how long after a case ends), the
erasure log that holds no personal data, and each candidate's progress through the rules.

A rule names a kind of data, the months after the case ended (the candidate closed and every
placement over), the action, and the days it is valid. The rows are seeded by migration 0012
with their sources; docs/PRIVACY.md explains each default. The hour figures are the one kind
the database itself guards: a row of `hour_records` may be deleted only for a closed case the
eraser has marked for it (`retention_progress`), long enough after the case ended (the
trigger of migration 0012).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import utcnow
from marketplace.models.base import Base

# What stays in a text column whose content was erased but which the database requires to be
# non-empty (a pitch, a correction's reason, a week flag's question). It carries nothing.
ERASED = "\u2014"


class RetentionKind(StrEnum):
    IDENTITY = "identity"  # name, phone, e-mail, case reference
    PROFILE = "profile"  # the profile's texts and limitations, the consultant's note
    PROPOSALS = "proposals"  # pitches and the company's decline notes
    CONSENTS = "consents"  # the consultant's note on a consent
    PLACEMENTS = "placements"  # tasks, mentor, special reasons, step answers, end note
    HOUR_TEXTS = "hour_texts"  # day notes, correction reasons, week flags (figures stay)
    # The confirmed figures: hour records, week confirmations, week flags. They count toward
    # the hour rules (the employment requirement looks back 10 years), so they go last.
    HOUR_FIGURES = "hour_figures"
    NOTIFICATIONS = "notifications"  # notifications about the person's proposals, placements
    ACCESS_LOG = "access_log"  # who saw the person's identity, searched or exported them


class RetentionAction(StrEnum):
    ERASE = "erase"  # the rows go (or, for identity, every value)
    PSEUDONYMISE = "pseudonymise"  # the rows stay with their figures; their texts go


# Kinds whose rows can go without breaking a figure; the others keep their rows.
ERASABLE = (
    RetentionKind.IDENTITY,
    RetentionKind.HOUR_FIGURES,
    RetentionKind.NOTIFICATIONS,
    RetentionKind.ACCESS_LOG,
)


def _values(enum: type[StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


class RetentionRule(Base):
    __tablename__ = "retention_rules"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_values(RetentionKind)})", name="kind"),
        CheckConstraint(f"action IN ({_values(RetentionAction)})", name="action"),
        CheckConstraint(
            f"(kind IN ({', '.join(repr(k.value) for k in ERASABLE)})) = (action = 'erase')",
            name="action_fits_kind",
        ),
        CheckConstraint("months >= 1 AND months <= 600", name="months"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
        CheckConstraint("length(basis) > 0", name="basis"),
        UniqueConstraint("kind", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Counted from the later of the day the candidate was closed and the last placement's end.
    months: Mapped[int] = mapped_column(SmallInteger)
    action: Mapped[str] = mapped_column(String(12))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(String(300))  # the source, shown to the admin


class ErasureRecord(Base):
    """Evidence that a rule ran: which rule, for which jobcentre, how many people, when.

    No candidate id, name or text: the record must outlive the data it speaks of. One row per
    rule, jobcentre and run; each batch adds its count in the transaction that erased."""

    __tablename__ = "erasure_records"
    __table_args__ = (
        CheckConstraint("people > 0", name="people"),
        UniqueConstraint("run_at", "rule_id", "jobcentre_id"),
        Index("ix_erasure_records_jobcentre_run", "jobcentre_id", "run_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("retention_rules.id"))
    kind: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(12))
    jobcentre_id: Mapped[int] = mapped_column(ForeignKey("jobcentres.id"))
    people: Mapped[int] = mapped_column(Integer)
    run_at: Mapped[datetime] = mapped_column(default=utcnow)  # when the run began


class RetentionProgress(Base):
    """A kind of one candidate's data was handled at this time. Handled again only if the
    candidate is closed again later (reopened, new data, closed)."""

    __tablename__ = "retention_progress"

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(default=utcnow)

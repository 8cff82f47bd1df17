"""The citizen's access log: who saw which part of a candidate's identity, when, and why.

One row per candidate and showing: a page that names a person, a caseload list or search that
lists them, an export that holds them, a company user shown name and phone after consent, the
citizen's copy of their data. The purpose is the route's own (declared with
`access_log.purpose`), never a raw URL. Rows are written in bulk, one INSERT per page or batch.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import utcnow
from marketplace.models.base import Base, codes_of


class AccessPurpose(StrEnum):
    """Why a route shows identity. Each route that logs declares exactly one."""

    CASE_WORK = "case_work"  # the consultant's work with the person's case
    PROPOSING = "proposing"  # finding and proposing the person for a job
    TRIAL_VISIT = "trial_visit"  # the company agrees the trial visit or the start
    PLACEMENT = "placement"  # following a placement: steps, agreement, end
    HOURS = "hours"  # following the hours worked
    PAYROLL = "payroll"  # the company's payroll export
    HOURS_REPORT = "hours_report"  # the jobcentre's export of hours
    CITIZEN_REQUEST = "citizen_request"  # the person asked for a copy of their data


class AccessSeen(StrEnum):
    """What a showing held."""

    NAME_PHONE = "name_phone"  # a company user, after consent
    PROFILE = "profile"  # the candidate's page: name, phone, e-mail, case reference
    NAME = "name"  # a page that names the person
    LIST = "list"  # the caseload list: name and case reference
    SEARCH = "search"  # a search of the caseload found the person
    EXPORT_NAME = "export_name"  # a file with name and hours (payroll)
    EXPORT_CASE = "export_case"  # a file with case reference and hours (jobcentre)
    COPY = "copy"  # the citizen's copy: everything held


class AccessLogEntry(Base):
    """One showing of one candidate's identity to one user (kept for the citizen)."""

    __tablename__ = "access_log"
    __table_args__ = (
        CheckConstraint(f"purpose IN ({codes_of(AccessPurpose)})", name="purpose"),
        CheckConstraint(f"seen IN ({codes_of(AccessSeen)})", name="seen"),
        # The candidate's page lists the newest first, a page at a time.
        Index("ix_access_log_candidate_at", "candidate_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    viewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The viewer's organisation then (a user never moves, but the row should not depend on it).
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    purpose: Mapped[str] = mapped_column(String(20))
    seen: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)

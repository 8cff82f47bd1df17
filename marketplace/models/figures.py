"""The jobcentre's figures kept ready (issue 17): each month's share, hours a week and
retention per jobcentre and consultant (figure_months), when they were computed
(figure_refreshes), the companies' lines (figure_companies), and the jobcentres whose
figures changed since (figure_changes, an
outbox written beside the change). marketplace.figures.rollup computes and reads them;
marketplace.figures.measures holds the definitions they must equal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, Numeric
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import utcnow
from marketplace.models.base import Base

EVERYONE = 0  # the scope of the whole jobcentre; any other scope is a consultant's user id


class FigureMonth(Base):
    """One month's figures for a jobcentre (scope 0) or one consultant's candidates (scope =
    the consultant's user id, without a foreign key: 0 is no user). A month whose figures are
    all nought has no row."""

    __tablename__ = "figure_months"
    __table_args__ = (
        CheckConstraint("touched <= group_size", name="touched"),
        CheckConstraint("more <= compared AND compared <= touched", name="compared"),
        CheckConstraint(
            "retained_90 <= retention_90 AND retained_180 <= retention_180", name="retained"
        ),
    )

    jobcentre_id: Mapped[int] = mapped_column(
        ForeignKey("jobcentres.id", ondelete="CASCADE"), primary_key=True
    )
    scope: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    group_size: Mapped[int] = mapped_column(Integer)
    touched: Mapped[int] = mapped_column(Integer)
    median_hours: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))  # a week
    compared: Mapped[int] = mapped_column(Integer)
    more: Mapped[int] = mapped_column(Integer)
    retention_90: Mapped[int] = mapped_column(Integer)
    retained_90: Mapped[int] = mapped_column(Integer)
    retention_180: Mapped[int] = mapped_column(Integer)
    retained_180: Mapped[int] = mapped_column(Integer)
    # The funnel of the proposals made in the twelve months up to this one, their decline
    # reasons and the scope's paid hours in those months (figures.rollup writes and reads
    # it: derived figures, kept whole); None for a month too early to have twelve.
    ladder: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    proposals: Mapped[int | None] = mapped_column(Integer)  # the ladder's, to order lines by


class FigureCompany(Base):
    """A company's line in a jobcentre's figures for the twelve months up to `month`: the
    proposals made then, accepted, reaching paid hours, and its paid hours in those months
    (the jobcentre's candidates at the company)."""

    __tablename__ = "figure_companies"
    __table_args__ = (CheckConstraint("paid <= accepted AND accepted <= proposals", name="steps"),)

    jobcentre_id: Mapped[int] = mapped_column(
        ForeignKey("jobcentres.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    proposals: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer)
    paid: Mapped[int] = mapped_column(Integer)
    paid_hours: Mapped[Decimal] = mapped_column(Numeric(10, 2))


class FigureRefresh(Base):
    """The months a jobcentre's figure_months cover and when they were computed."""

    __tablename__ = "figure_refreshes"
    __table_args__ = (CheckConstraint("first_month <= last_month", name="months"),)

    jobcentre_id: Mapped[int] = mapped_column(
        ForeignKey("jobcentres.id", ondelete="CASCADE"), primary_key=True
    )
    first_month: Mapped[date] = mapped_column(Date)
    last_month: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class FigureChange(Base):
    """A jobcentre's figures changed (hours confirmed or corrected, a candidate registered,
    closed, reopened or handed over): written in the change's own transaction, only ever
    inserted (so writers never wait for each other), deleted by the refresh that read it."""

    __tablename__ = "figure_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    jobcentre_id: Mapped[int] = mapped_column(
        ForeignKey("jobcentres.id", ondelete="CASCADE"), index=True
    )
    noted_at: Mapped[datetime] = mapped_column(default=utcnow)

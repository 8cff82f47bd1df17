"""The companies' assessments in the leader's figures (issue 18): how the periods of trial
visits and praktik ended, who ended them early and why, what the companies recommend next,
and how many assessments are still missing. Defined here once; docs/FIGURES.md has them in
plain words.

* **The period's assessments**: the jobcentre's assessments answered from the Danish midnight
  beginning `first_day` to the one ending `last_day` (the funnel's twelve months,
  rollup.period_of); a consultant's are those of the candidates the consultant holds now (as
  every people-figure of the page).
* **Still missing**: the jobcentre's assessments asked in the same period and not answered
  now. Those asked more than REMIND_AFTER_DAYS days ago are the stuck list's fifth section
  (figures.stuck.missing_assessments).

Counted on request: one statement, grouped in SQL by the answer's four choices (at most a few
hundred groups whatever the number of assessments), then tallied in Python.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from marketplace.clock import local_midnight
from marketplace.extensions import db
from marketplace.models import Candidate, Job, Organisation, Placement
from marketplace.models.assessments import (
    Assessment,
    EarlyReason,
    EndedBy,
    Held,
    Recommendation,
)
from marketplace.placements.assessment_requests import REMINDER_DAYS

# The sweep sends the company its first reminder this many days after asking (3: reminders
# at 3 and 10 days); from then on a missing assessment waits for the consultant.
REMIND_AFTER_DAYS = REMINDER_DAYS[0]


@dataclass(frozen=True)
class AssessmentFigures:
    """The period's answered assessments counted by each choice (every code of a fixed list,
    zeros included, in the list's order; the reasons most first, without zeros), and those
    asked in the period and not answered yet."""

    answered: int
    held: list[tuple[str, int]]
    ended_by: list[tuple[str, int]]
    reasons: list[tuple[str, int]]
    recommendations: list[tuple[str, int]]
    missing: int

    @property
    def ended_early(self) -> int:
        """Not held as planned: partly, or never (each has who ended it and why)."""
        return sum(n for _code, n in self.ended_by)


def _of_consultant(statement: Select[Any], consultant_id: int | None) -> Select[Any]:
    """The assessments of the candidates the consultant holds now (all, without one)."""
    if consultant_id is None:
        return statement
    return (
        statement.join(Placement, Placement.id == Assessment.placement_id)
        .join(Candidate, Candidate.id == Placement.candidate_id)
        .where(Candidate.consultant_id == consultant_id)
    )


def _between(column: Any, first_day: date, last_day: date) -> ColumnElement[bool]:
    return and_(
        column >= local_midnight(first_day),
        column < local_midnight(last_day + timedelta(days=1)),
    )


def answered_in(first_day: date, last_day: date) -> ColumnElement[bool]:
    return _between(Assessment.submitted_at, first_day, last_day)


def missing_from(first_day: date, last_day: date) -> ColumnElement[bool]:
    """Asked in the period and not answered (now)."""
    return and_(
        Assessment.submitted_at.is_(None), _between(Assessment.requested_at, first_day, last_day)
    )


def of_period(jobcentre_id: int, first_day: date, last_day: date) -> ColumnElement[bool]:
    """The period's assessments for the CSV: answered in it, or asked in it and missing."""
    return and_(
        Assessment.jobcentre_id == jobcentre_id,
        or_(answered_in(first_day, last_day), missing_from(first_day, last_day)),
    )


def assessment_figures(
    jobcentre_id: int, first_day: date, last_day: date, consultant_id: int | None = None
) -> AssessmentFigures:
    """One statement: the period's assessments grouped by held, who ended it early, why and
    the recommendation; the unanswered ones are the group without an answer."""
    statement = select(
        Assessment.held,
        Assessment.ended_by,
        Assessment.early_reason,
        Assessment.recommendation,
        func.count().label("n"),
    ).where(of_period(jobcentre_id, first_day, last_day))
    statement = _of_consultant(statement, consultant_id).group_by(
        Assessment.held, Assessment.ended_by, Assessment.early_reason, Assessment.recommendation
    )
    held: Counter[str] = Counter()
    ended_by: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    recommendations: Counter[str] = Counter()
    missing = 0
    for row in db.session.execute(statement):
        if row.held is None:  # asked in the period, not answered
            missing += row.n
            continue
        held[row.held] += row.n
        recommendations[row.recommendation] += row.n
        if row.ended_by is not None:
            ended_by[row.ended_by] += row.n
            reasons[row.early_reason] += row.n
    order = [reason.value for reason in EarlyReason]
    return AssessmentFigures(
        answered=sum(held.values()),
        held=[(code.value, held[code.value]) for code in Held],
        ended_by=[(code.value, ended_by[code.value]) for code in EndedBy],
        reasons=sorted(
            ((code, n) for code, n in reasons.items() if n),
            key=lambda item: (-item[1], order.index(item[0]) if item[0] in order else 99),
        ),
        recommendations=[(code.value, recommendations[code.value]) for code in Recommendation],
        missing=missing,
    )


def period_rows(
    jobcentre_id: int, first_day: date, last_day: date, consultant_id: int | None = None
) -> Select[Any]:
    """The period's assessments one by one (answered in it, or asked in it and missing), with
    the placement's candidate and consultant, the company and the job: the jobcentre's CSV.
    Oldest asked first."""
    statement = (
        select(
            Assessment.id.label("assessment_id"),
            Assessment.kind,
            Assessment.period_from,
            Assessment.period_to,
            Assessment.requested_at,
            Assessment.submitted_at,
            Assessment.held,
            Assessment.last_day_present,
            Assessment.days_missed,
            Assessment.ended_by,
            Assessment.early_reason,
            Assessment.recommendation,
            Assessment.recommended_weeks,
            Assessment.recommended_hours,
            Assessment.person_read_at,
            Assessment.person_agrees,
            Placement.candidate_id,
            Candidate.consultant_id,
            Organisation.name.label("company"),
            Job.title.label("job"),
        )
        .select_from(Assessment)
        .join(Placement, Placement.id == Assessment.placement_id)
        .join(Candidate, Candidate.id == Placement.candidate_id)
        .join(Organisation, Organisation.id == Assessment.company_id)
        .join(Job, Job.id == Placement.job_id)
        .where(of_period(jobcentre_id, first_day, last_day))
        .order_by(Assessment.requested_at, Assessment.id)
    )
    if consultant_id is not None:
        statement = statement.where(Candidate.consultant_id == consultant_id)
    return statement

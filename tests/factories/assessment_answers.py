"""Assessments answered as a company answers them (issue 18), for the figures and the stuck
list: a period of the ladder (climb's trial visit or praktik), asked for, and answered through
marketplace.placements.assessments.submit with the held, early end and recommendation asked."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from marketplace.extensions import db
from marketplace.models import Job, Phase, Placement, User
from marketplace.models.assessments import (
    Assessment,
    AssessmentKind,
    EarlyReason,
    EndedBy,
    Held,
    Recommendation,
    Scale,
    Skill,
)
from marketplace.placements.assessments import AssessmentData, period_tasks, submit
from tests.factories.assessments import assessment_for
from tests.factories.clock import today
from tests.factories.figures import climb


def asked(
    job: Job,
    consultant: User,
    employer: User,
    name: str,
    kind: AssessmentKind = AssessmentKind.PRAKTIK,
    *,
    at: datetime | None = None,
    candidate=None,
) -> Assessment:
    """A new person's trial visit or praktik on the ladder's days (in the past), and the
    company asked for its assessment (at `at`, else now)."""
    if kind == AssessmentKind.TRIAL:
        placement = climb(job, consultant, employer, name, to="trial", candidate=candidate)
    else:
        placement = climb(
            job,
            consultant,
            employer,
            name,
            to="praktik",
            first_step=Phase.PRAKTIK,
            candidate=candidate,
        )
    assessment = assessment_for(placement, kind)
    if at is not None:
        assessment.requested_at = at
    db.session.flush()
    return assessment


def answer_with(
    assessment: Assessment,
    employer: User,
    held: Held = Held.AS_PLANNED,
    ended_by: EndedBy | None = None,
    reason: EarlyReason | None = None,
    recommendation: Recommendation = Recommendation.PAID,
    *,
    at: datetime | None = None,
) -> Assessment:
    """The company's answer (sent at `at`, else now): partly means the first day present and
    a day missed; never, nothing tried or seen. A praktik is recommended for 4 weeks at 10
    hours, paid hours at 6, not now with a reason."""
    never = held == Held.NEVER
    data = AssessmentData(
        held=held,
        tasks={
            task: Skill.NOT_TRIED if never else Skill.SOME_HELP for task in period_tasks(assessment)
        },
        punctuality=Scale.NOT_SEEN if never else Scale.GOOD,
        cooperation=Scale.NOT_SEEN if never else Scale.GOOD,
        pace=Scale.NOT_SEEN if never else Scale.PARTLY,
        recommendation=recommendation,
        last_day_present=assessment.period_from if held == Held.PARTLY else None,
        days_missed=1 if held == Held.PARTLY else None,
        ended_by=ended_by,
        early_reason=reason,
        early_note="Flyttede" if reason == EarlyReason.OTHER else "",
        recommended_weeks=4 if recommendation == Recommendation.PRAKTIK else None,
        recommended_hours={
            Recommendation.PRAKTIK: Decimal("10"),
            Recommendation.PAID: Decimal("6"),
        }.get(recommendation),
        recommendation_reason="Mere tid i praktik først"
        if recommendation == Recommendation.NOT_NOW
        else "",
        to_jobcentre="Mødte til tiden.",
        to_person="Godt gået.",
    )
    submit(assessment, employer, data, today())
    if at is not None:
        assessment.submitted_at = at
    db.session.flush()
    return assessment


def placement_of(assessment: Assessment) -> Placement:
    return db.session.get(Placement, assessment.placement_id)

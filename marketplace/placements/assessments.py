"""The company's assessment of a trial visit or a praktik (issue 18), answered once: the
rules an answer must keep, each refused with its message beside its field, nothing saved
half-way; the person's reading, recorded once by the consultant; and what the answer's
recommendation pre-fills in the next step's form. Asking for it when a period ends and the
reminders: placements.assessment_requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from marketplace.agreements.parties import label_for, recipients
from marketplace.agreements.rules import LEGAL_MAX_HOURS
from marketplace.agreements.terms import versions_of
from marketplace.clock import utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import Phase, Placement, PlacementTerms, Side, User
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
from marketplace.notifications.outbox import notify
from marketplace.privacy.screening import screen

MAX_TEXT = 1000
MOST_PRAKTIK_WEEKS = 13  # one praktik agreement's longest before an extension (LAB § 61)
PHASES = {
    AssessmentKind.TRIAL: (Phase.TRIAL.value,),
    AssessmentKind.PRAKTIK: (Phase.PRAKTIK.value, Phase.COMBINED.value),
}


@dataclass(frozen=True)
class AssessmentData:
    held: Held
    tasks: dict[str, Skill]
    punctuality: Scale
    cooperation: Scale
    pace: Scale
    recommendation: Recommendation
    last_day_present: date | None = None
    days_missed: int | None = None
    ended_by: EndedBy | None = None
    early_reason: EarlyReason | None = None
    early_note: str = ""
    recommended_weeks: int | None = None
    recommended_hours: Decimal | None = None
    recommendation_reason: str = ""
    to_jobcentre: str = ""
    to_person: str = ""


def period_tasks(assessment: Assessment) -> list[str]:
    """The tasks of the period's terms (the newest version of its phase begun by its last
    day): what the company assesses, one by one."""
    phases = PHASES[AssessmentKind(assessment.kind)]
    versions = [
        v
        for v in versions_of(assessment.placement_id)
        if v.phase in phases and v.effective_from <= assessment.period_to
    ]
    return list(versions[-1].unpaid_tasks) if versions else []


def submit(assessment: Assessment, user: User, data: AssessmentData, today: date) -> None:
    """The company's answer, once. The caller commits."""
    if user.organisation_id != assessment.company_id:
        raise DomainError(_l("This assessment belongs to another organisation."))
    if assessment.submitted_at is not None:
        raise DomainError(_l("This assessment has already been sent."))
    if assessment.period_from > today:
        raise DomainError(_l("The period has not begun yet: assess it when it has ended."))
    _check_held(assessment, data, today)
    _check_tasks(period_tasks(assessment), data)
    _check_recommendation(data)
    for name in ("early_note", "recommendation_reason", "to_jobcentre", "to_person"):
        text = getattr(data, name)
        if len(text) > MAX_TEXT:
            raise DomainError(_l("Write at most %(n)d characters.", n=MAX_TEXT), field=name)
        # A company writes about a person here: never health (diagnoses, treatment,
        # medicine, addiction) and never a CPR number, whatever is typed.
        screen(name, text)

    partly = data.held == Held.PARTLY
    early = data.held != Held.AS_PLANNED
    praktik = data.recommendation == Recommendation.PRAKTIK
    hours = data.recommendation in (Recommendation.PRAKTIK, Recommendation.PAID)
    answer = {
        "held": data.held.value,
        "last_day_present": data.last_day_present if partly else None,
        "days_missed": data.days_missed if partly else None,
        "ended_by": data.ended_by.value if early and data.ended_by else None,
        "early_reason": data.early_reason.value if early and data.early_reason else None,
        "early_note": data.early_note.strip() if early else "",
        "tasks": [[task, skill.value] for task, skill in data.tasks.items()],
        "punctuality": data.punctuality.value,
        "cooperation": data.cooperation.value,
        "pace": data.pace.value,
        "recommendation": data.recommendation.value,
        "recommended_weeks": data.recommended_weeks if praktik else None,
        "recommended_hours": data.recommended_hours if hours else None,
        "recommendation_reason": data.recommendation_reason.strip(),
        "to_jobcentre": data.to_jobcentre.strip(),
        "to_person": data.to_person.strip(),
        "submitted_by_id": user.id,
        "submitted_at": utcnow(),
    }
    # Written only while unanswered, in one statement: of two colleagues sending at once,
    # the second is told it was sent rather than overwriting the first.
    sent = db.session.scalar(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.submitted_at.is_(None))
        .values(**answer)
        .returning(Assessment.id)
        .execution_options(synchronize_session=False)
    )
    if sent is None:
        raise DomainError(_l("This assessment has already been sent."))
    db.session.refresh(assessment)
    placement = db.session.get(Placement, assessment.placement_id)
    notify(  # the consultant, with a link to the assessment itself
        recipients(placement, Side.JOBCENTRE),
        "assessment_submitted",
        subject=assessment,
        label=label_for(placement, Side.JOBCENTRE),
        by=placement.company.name,
        day=assessment.period_to.isoformat(),
    )


def record_reading(assessment: Assessment, user: User, agrees: bool, comment: str) -> None:
    """The consultant records that the person has read the assessment, and agrees or (with a
    comment saying why) disagrees. Once; the company reads it beside its assessment, so the
    comment is screened like every text about a person. The caller commits."""
    if user.organisation_id != assessment.jobcentre_id:
        raise DomainError(_l("This assessment belongs to another organisation."))
    if assessment.submitted_at is None:
        raise DomainError(_l("The company has not sent its assessment yet."))
    if assessment.person_read_at is not None:
        raise DomainError(_l("The person's reading is already recorded."))
    if len(comment) > MAX_TEXT:
        raise DomainError(_l("Write at most %(n)d characters.", n=MAX_TEXT), field="comment")
    if not agrees and not comment.strip():
        raise DomainError(_l("Write what the person disagrees with."), field="comment")
    screen("comment", comment)
    assessment.person_read_at = utcnow()
    assessment.person_agrees = agrees
    assessment.person_comment = comment.strip()
    assessment.person_recorded_by_id = user.id
    db.session.flush()


def latest_answered(placement_id: int) -> Assessment | None:
    """The placement's newest answered assessment: its recommendation pre-fills the next
    step's form."""
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.placement_id == placement_id, Assessment.submitted_at.is_not(None))
        .order_by(Assessment.period_to.desc(), Assessment.id.desc())
        .limit(1)
    )


def recommended(placement_id: int, recommendation: Recommendation) -> Assessment | None:
    """The newest answered assessment, if it recommends `recommendation` and no terms have
    begun since its period (then the step it recommends is still to take)."""
    latest = latest_answered(placement_id)
    if latest is None or latest.recommendation != recommendation.value:
        return None
    taken = db.session.scalar(
        select(PlacementTerms.id)
        .where(
            PlacementTerms.placement_id == placement_id,
            PlacementTerms.effective_from > latest.period_to,
        )
        .limit(1)
    )
    return None if taken is not None else latest


def _check_held(assessment: Assessment, data: AssessmentData, today: date) -> None:
    if data.held == Held.PARTLY:
        last = min(assessment.period_to, today)
        day = data.last_day_present
        if day is None or not assessment.period_from <= day <= last:
            raise DomainError(
                _l("Choose the last day the person was there, within the period."),
                field="last_day_present",
            )
        days = (assessment.period_to - assessment.period_from + timedelta(days=1)).days
        if data.days_missed is None or not 1 <= data.days_missed <= days:
            raise DomainError(
                _l("Enter the days missed, from 1 to %(days)d.", days=days), field="days_missed"
            )
    if data.held != Held.AS_PLANNED:
        if data.ended_by is None:
            raise DomainError(_l("Choose who ended the period early."), field="ended_by")
        if data.early_reason is None:
            raise DomainError(_l("Choose why the period ended early."), field="early_reason")
        if data.early_reason == EarlyReason.OTHER and not data.early_note.strip():
            raise DomainError(_l("Write why, in a few words."), field="early_note")


def _check_tasks(tasks: Sequence[str], data: AssessmentData) -> None:
    if set(data.tasks) != set(tasks):
        raise DomainError(_l("Assess each task of the period."), field="tasks")
    if data.held == Held.NEVER:
        # The person never came: nothing was tried or seen.
        if any(skill != Skill.NOT_TRIED for skill in data.tasks.values()):
            raise DomainError(
                _l("The person never came: every task is 'not tried'."), field="tasks"
            )
        for name in ("punctuality", "cooperation", "pace"):
            if getattr(data, name) != Scale.NOT_SEEN:
                raise DomainError(_l("The person never came: choose 'not seen'."), field=name)


def _check_recommendation(data: AssessmentData) -> None:
    if data.recommendation == Recommendation.PRAKTIK:
        weeks = data.recommended_weeks
        if weeks is None or not 1 <= weeks <= MOST_PRAKTIK_WEEKS:
            raise DomainError(
                _l("Enter between 1 and %(weeks)d weeks.", weeks=MOST_PRAKTIK_WEEKS),
                field="recommended_weeks",
            )
    if data.recommendation in (Recommendation.PRAKTIK, Recommendation.PAID):
        hours = data.recommended_hours
        if hours is None or not Decimal("0.5") <= hours <= LEGAL_MAX_HOURS or (hours * 2) % 1:
            raise DomainError(
                _l("Enter the hours a week in half hours, from 0.5 to 37."),
                field="recommended_hours",
            )
    if data.recommendation == Recommendation.NOT_NOW and not data.recommendation_reason.strip():
        raise DomainError(_l("Write why not now, in a few words."), field="recommendation_reason")

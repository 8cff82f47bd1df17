"""How the domain's codes read to people, in the user's language."""

from __future__ import annotations

from marketplace.i18n import lazy_gettext as _l
from marketplace.models import (
    CATEGORY_BITS,
    Category,
    CloseReason,
    DanishLevel,
    EndReason,
    Phase,
    Purpose,
    StepKind,
    StepStatus,
    Weekday,
)
from marketplace.models.assessments import (
    AssessmentKind,
    EarlyReason,
    EndedBy,
    Held,
    Recommendation,
    Scale,
    Skill,
)

CATEGORY_LABELS = {
    Category.CLEANING.value: _l("Cleaning"),
    Category.KITCHEN.value: _l("Kitchen"),
    Category.WAREHOUSE.value: _l("Warehouse and stocking"),
    Category.RETAIL.value: _l("Retail"),
    Category.GARDENING.value: _l("Gardening and outdoor"),
    Category.PRODUCTION.value: _l("Production"),
    Category.DELIVERY.value: _l("Delivery and transport"),
    Category.OFFICE.value: _l("Office"),
    Category.CARE.value: _l("Care and service help"),
    Category.OTHER.value: _l("Other"),
}

CLOSE_REASON_LABELS = {
    CloseReason.FILLED_BY_US.value: _l("Filled through Småjob"),
    CloseReason.FILLED_ELSEWHERE.value: _l("Filled elsewhere"),
    CloseReason.NO_LONGER_NEEDED.value: _l("No longer needed"),
}

DANISH_LEVEL_LABELS = {
    DanishLevel.NONE.value: _l("No Danish needed"),
    DanishLevel.BASIC.value: _l("Basic Danish"),
    DanishLevel.GOOD.value: _l("Good Danish"),
    DanishLevel.FLUENT.value: _l("Fluent Danish"),
}

WEEKDAY_LABELS = {
    Weekday.MON: _l("Monday"),
    Weekday.TUE: _l("Tuesday"),
    Weekday.WED: _l("Wednesday"),
    Weekday.THU: _l("Thursday"),
    Weekday.FRI: _l("Friday"),
    Weekday.SAT: _l("Saturday"),
    Weekday.SUN: _l("Sunday"),
}

WEEKDAY_SHORT = {
    Weekday.MON: _l("Mon"),
    Weekday.TUE: _l("Tue"),
    Weekday.WED: _l("Wed"),
    Weekday.THU: _l("Thu"),
    Weekday.FRI: _l("Fri"),
    Weekday.SAT: _l("Sat"),
    Weekday.SUN: _l("Sun"),
}

# The steps a job can offer; keys as in marketplace.jobs.board.Step.
STEP_LABELS = {
    "trial_visit": _l("Trial visit"),
    "praktik": _l("Work placement"),
    "paid_direct": _l("Paid hours from the start"),
}

PROPOSAL_STATUS_LABELS = {
    "waiting": _l("Waiting for an answer"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "withdrawn": _l("Withdrawn"),
    "expired": _l("Expired"),
}

DECLINE_REASON_LABELS = {
    "tasks_dont_fit": _l("The tasks do not fit"),
    "hours_dont_fit": _l("The hours or days do not fit"),
    "no_capacity": _l("We cannot receive anyone now"),
    "job_filled": _l("The job is filled"),
    "other": _l("Other reason"),
}

# The leader's funnel (figures.funnel.STEPS): each step counts "this one or a later one".
FUNNEL_STEP_LABELS = {
    "proposed": _l("Proposed"),
    "accepted": _l("Accepted"),
    "trial": _l("Trial visit or further"),
    "praktik": _l("Praktik or further"),
    "paid": _l("Paid hours"),
    "more_hours": _l("More hours"),
}

# Why proposals went nowhere (figures.funnel.reasons_of): the company's reasons, and the
# proposals nobody answered in time or the jobcentre withdrew.
NOWHERE_LABELS = {
    **DECLINE_REASON_LABELS,
    "expired": _l("No answer in time"),
    "withdrawn": _l("Withdrawn by the jobcentre"),
}

CANDIDATE_STATUS_LABELS = {
    "active": _l("Active"),
    "paused": _l("Paused"),
    "closed": _l("Closed"),
}

STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "closed": _l("Closed"),
}


PHASE_LABELS = {
    Phase.PENDING.value: _l("First step being agreed"),
    Phase.TRIAL.value: _l("Trial visit"),
    Phase.PRAKTIK.value: _l("Work placement"),
    Phase.COMBINED.value: _l("Combined"),
    Phase.PAID.value: _l("Paid hours"),
    Phase.ENDED.value: _l("Ended"),
}

END_REASON_LABELS = {
    EndReason.HIRED_ELSEWHERE.value: _l("Hired for more hours elsewhere"),
    EndReason.COMPLETED.value: _l("Completed"),
    EndReason.CANDIDATE_STOPPED.value: _l("The person stopped"),
    EndReason.COMPANY_STOPPED.value: _l("The company stopped"),
    EndReason.HEALTH.value: _l("Health"),
    EndReason.OTHER.value: _l("Other reason"),
}

# The company's assessment of a trial visit or a praktik (models.assessments).
ASSESSMENT_KIND_LABELS = {
    AssessmentKind.TRIAL.value: _l("Trial visit"),
    AssessmentKind.PRAKTIK.value: _l("Praktik"),
}

HELD_LABELS = {
    Held.AS_PLANNED.value: _l("As planned"),
    Held.PARTLY.value: _l("Partly"),
    Held.NEVER.value: _l("The person never came"),
}

ENDED_BY_LABELS = {
    EndedBy.COMPANY.value: _l("The company"),
    EndedBy.PERSON.value: _l("The person"),
    EndedBy.JOBCENTRE.value: _l("The jobcentre"),
}

EARLY_REASON_LABELS = {
    EarlyReason.DID_NOT_COME.value: _l("The person did not come"),
    EarlyReason.TASKS_DID_NOT_FIT.value: _l("The tasks did not fit"),
    EarlyReason.HOURS_DID_NOT_FIT.value: _l("The hours did not fit"),
    EarlyReason.PERSON_CHOSE.value: _l("The person chose to stop"),
    EarlyReason.NO_CAPACITY.value: _l("We had no capacity"),
    EarlyReason.OTHER.value: _l("Other reason"),
}

SKILL_LABELS = {
    Skill.ALONE.value: _l("Can do alone"),
    Skill.SOME_HELP.value: _l("With some help"),
    Skill.NOT_YET.value: _l("Not yet"),
    Skill.NOT_TRIED.value: _l("Not tried"),
}

SCALE_LABELS = {
    Scale.GOOD.value: _l("Good"),
    Scale.PARTLY.value: _l("Partly"),
    Scale.NOT_YET.value: _l("Not yet"),
    Scale.NOT_SEEN.value: _l("Not seen"),
}

RECOMMENDATION_LABELS = {
    Recommendation.PRAKTIK.value: _l("Praktik"),
    Recommendation.PAID.value: _l("Paid hours"),
    Recommendation.NOT_NOW.value: _l("Not now"),
}

STEP_KIND_LABELS = {
    StepKind.PRAKTIK.value: _l("Praktik agreement"),
    StepKind.PAID.value: _l("Paid hours"),
    StepKind.HOURS.value: _l("Change of paid hours"),
}

STEP_STATUS_LABELS = {
    StepStatus.WAITING.value: _l("Waiting for an answer"),
    StepStatus.ACCEPTED.value: _l("Agreed"),
    StepStatus.CHANGES_REQUESTED.value: _l("Changes requested"),
    StepStatus.DECLINED.value: _l("Declined"),
    StepStatus.WITHDRAWN.value: _l("Withdrawn"),
    StepStatus.CANCELLED.value: _l("Cancelled: the placement ended"),
}

HOUR_KIND_LABELS = {
    "paid": _l("Paid hours"),
    "praktik": _l("Praktik"),
}


def hour_kinds() -> dict[str, str]:
    """The kinds of hours in the user's language, as plain strings (for CSV files)."""
    return {code: str(label) for code, label in HOUR_KIND_LABELS.items()}


PURPOSE_LABELS = {
    Purpose.TOWARDS_HOURS: _l("Towards ordinary hours"),
    Purpose.TRAIN_SKILLS: _l("Train specific skills"),
    Purpose.CLARIFY_GOAL: _l("Clarify a job goal"),
}


def purpose_names(bits: int) -> str:
    return ", ".join(str(label) for purpose, label in PURPOSE_LABELS.items() if bits & purpose)


def day_names(weekdays: int, short: bool = False) -> str:
    """ "Tuesday, Thursday" for the bits of a weekday mask, in the user's language."""
    names = WEEKDAY_SHORT if short else WEEKDAY_LABELS
    return ", ".join(str(label) for day, label in names.items() if weekdays & day)


def category_names(bits: int) -> str:
    """ "Retail, Kitchen" for the bits of a wished-categories mask."""
    return ", ".join(str(CATEGORY_LABELS[c]) for c, bit in CATEGORY_BITS.items() if bits & bit)


def init_app(app: object) -> None:
    """Make the labels available to every template."""
    app.jinja_env.filters["day_names"] = day_names  # type: ignore[attr-defined]
    app.jinja_env.filters["category_names"] = category_names  # type: ignore[attr-defined]
    app.jinja_env.filters["purpose_names"] = purpose_names  # type: ignore[attr-defined]

    @app.context_processor  # type: ignore[attr-defined]
    def labels() -> dict[str, object]:
        return {
            "assessment_kind_labels": ASSESSMENT_KIND_LABELS,
            "held_labels": HELD_LABELS,
            "ended_by_labels": ENDED_BY_LABELS,
            "early_reason_labels": EARLY_REASON_LABELS,
            "skill_labels": SKILL_LABELS,
            "scale_labels": SCALE_LABELS,
            "recommendation_labels": RECOMMENDATION_LABELS,
            "category_labels": CATEGORY_LABELS,
            "close_reason_labels": CLOSE_REASON_LABELS,
            "danish_level_labels": DANISH_LEVEL_LABELS,
            "weekday_labels": WEEKDAY_LABELS,
            "weekday_short": WEEKDAY_SHORT,
            "status_labels": STATUS_LABELS,
            "step_labels": STEP_LABELS,
            "candidate_status_labels": CANDIDATE_STATUS_LABELS,
            "proposal_status_labels": PROPOSAL_STATUS_LABELS,
            "decline_reason_labels": DECLINE_REASON_LABELS,
            "funnel_step_labels": FUNNEL_STEP_LABELS,
            "nowhere_labels": NOWHERE_LABELS,
            "phase_labels": PHASE_LABELS,
            "end_reason_labels": END_REASON_LABELS,
            "step_kind_labels": STEP_KIND_LABELS,
            "step_status_labels": STEP_STATUS_LABELS,
        }

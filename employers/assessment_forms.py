"""The company's assessment form (issue 18): one page, fillable in under two minutes on a
phone. Each question is a group of radio buttons; what only applies to some answers (the days
of a period held partly, who ended it early, the praktik's weeks) is shown by
static/js/assessment.js when it applies, and read by the server only then.

The choices are checked here and the rules between them in placements.assessments.submit,
each refusal beside its field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from wtforms import DateField, IntegerField, RadioField, SelectChoice, StringField, TextAreaField

from marketplace.i18n import lazy_gettext as _l
from marketplace.models.assessments import (
    EarlyReason,
    EndedBy,
    Held,
    Recommendation,
    Scale,
    Skill,
)
from marketplace.placements.assessments import MAX_TEXT, AssessmentData
from marketplace.web.forms import Form, LocalDecimalField, max_length, optional
from marketplace.web.labels import (
    EARLY_REASON_LABELS,
    ENDED_BY_LABELS,
    HELD_LABELS,
    RECOMMENDATION_LABELS,
    SCALE_LABELS,
    SKILL_LABELS,
)

CHOOSE_ONE = _l("Choose one.")
E = TypeVar("E", bound=StrEnum)


def _choices(labels: Mapping[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


def _radios(label: Any, labels: Mapping[str, Any], **kwargs: Any) -> RadioField:
    # Checked in answer(): whether an answer is needed depends on the others (a person who
    # never came has nothing to assess), and a missing one reads "Choose one." beside it.
    return RadioField(label, choices=_choices(labels), validate_choice=False, **kwargs)


class AssessmentForm(Form):
    held = _radios(_l("Was the period held as planned?"), HELD_LABELS)
    last_day_present = DateField(_l("The last day the person was there"), validators=[optional()])
    days_missed = IntegerField(
        _l("Days missed"),
        validators=[optional()],
        description=_l("Planned days the person was not there."),
    )
    ended_by = _radios(_l("Who ended it early?"), ENDED_BY_LABELS)
    early_reason = _radios(_l("Why did it end early?"), EARLY_REASON_LABELS)
    early_note = StringField(
        _l("In a few words"),
        validators=[optional(), max_length(500)],
        description=_l("Needed for 'Other reason'. Never health or illness."),
    )
    punctuality = _radios(_l("Punctuality"), SCALE_LABELS)
    cooperation = _radios(_l("Cooperation"), SCALE_LABELS)
    pace = _radios(_l("Pace"), SCALE_LABELS)
    recommendation = _radios(_l("What do you recommend next?"), RECOMMENDATION_LABELS)
    recommended_weeks = IntegerField(
        _l("Weeks of praktik"), validators=[optional()], description=_l("From 1 to 13.")
    )
    recommended_hours = LocalDecimalField(
        _l("Hours a week"),
        validators=[optional()],
        description=_l("In half hours, like 6 or 7,5."),
    )
    recommendation_reason = TextAreaField(
        _l("Why not now?"), validators=[optional(), max_length(MAX_TEXT)]
    )
    to_jobcentre = TextAreaField(
        _l("To the jobcentre (optional)"),
        validators=[optional(), max_length(MAX_TEXT)],
        description=_l("What went well, and what the person should practise."),
    )
    to_person = TextAreaField(
        _l("Advice to the person (optional)"),
        validators=[optional(), max_length(MAX_TEXT)],
        description=_l("The consultant reads it with the person. Never health or illness."),
    )

    tasks: Sequence[str] = ()

    def task_fields(self) -> list[RadioField]:
        return [getattr(self, f"task_{n}") for n in range(len(self.tasks))]

    def answer(self) -> AssessmentData | None:
        """The typed answer, or None with "Choose one." beside each question left open."""
        held = self._choice(self.held, Held)
        if held is None:
            return None
        never = held == Held.NEVER
        # A person who never came: nothing was tried or seen (the form says so and skips
        # these questions).
        tasks = {
            task: Skill.NOT_TRIED if never else self._choice(field, Skill)
            for task, field in zip(self.tasks, self.task_fields(), strict=True)
        }
        scales = {
            name: Scale.NOT_SEEN if never else self._choice(getattr(self, name), Scale)
            for name in ("punctuality", "cooperation", "pace")
        }
        recommendation = self._choice(self.recommendation, Recommendation)
        if None in tasks.values() or None in scales.values() or recommendation is None:
            return None
        early = held != Held.AS_PLANNED
        partly = held == Held.PARTLY
        return AssessmentData(
            held=held,
            tasks=tasks,  # type: ignore[arg-type]  # no None left, checked above
            punctuality=scales["punctuality"],  # type: ignore[arg-type]
            cooperation=scales["cooperation"],  # type: ignore[arg-type]
            pace=scales["pace"],  # type: ignore[arg-type]
            recommendation=recommendation,
            last_day_present=self.last_day_present.data if partly else None,
            days_missed=self.days_missed.data if partly else None,
            ended_by=self._choice(self.ended_by, EndedBy, needed=False) if early else None,
            early_reason=(
                self._choice(self.early_reason, EarlyReason, needed=False) if early else None
            ),
            early_note=(self.early_note.data or "") if early else "",
            recommended_weeks=(
                self.recommended_weeks.data if recommendation == Recommendation.PRAKTIK else None
            ),
            recommended_hours=(
                self.recommended_hours.data
                if recommendation in (Recommendation.PRAKTIK, Recommendation.PAID)
                else None
            ),
            recommendation_reason=(
                (self.recommendation_reason.data or "")
                if recommendation == Recommendation.NOT_NOW
                else ""
            ),
            to_jobcentre=self.to_jobcentre.data or "",
            to_person=self.to_person.data or "",
        )

    @staticmethod
    def _choice(field: RadioField, enum: type[E], needed: bool = True) -> E | None:
        try:
            return enum(field.data)
        except ValueError:
            if needed:
                field.errors = [*list(field.errors), str(CHOOSE_ONE)]
            return None


def assessment_form(tasks: Sequence[str], **kwargs: Any) -> AssessmentForm:
    """The form for a period of `tasks`: one question per task, labelled with the task."""

    class PeriodForm(AssessmentForm):
        pass

    for n, task in enumerate(tasks):
        setattr(PeriodForm, f"task_{n}", _radios(task, SKILL_LABELS))
    PeriodForm.tasks = tuple(tasks)
    return PeriodForm(**kwargs)

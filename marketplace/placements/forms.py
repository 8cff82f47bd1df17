"""Forms both sides use on a placement: answering a step, ending, and the fields every step
shares. Each carries the placement's version, so a form made before the other side acted is
refused rather than applied."""

from __future__ import annotations

from wtforms import DateField, HiddenField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import ValidationError

from marketplace.errors import DomainError
from marketplace.i18n import lazy_gettext as _l
from marketplace.jobs.postings import check_hours
from marketplace.web.forms import (
    CheckboxesField,
    Form,
    LocalDecimalField,
    input_required,
    max_length,
    optional,
    required,
    task_lines,
    weekday_choices,
)
from marketplace.web.labels import END_REASON_LABELS


class VersionForm(Form):
    """A button's form: only the CSRF token and the version the user saw."""

    version = HiddenField()

    def seen_version(self) -> int:
        """The version the user saw; a missing or garbled one counts as stale (0 never is)."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return 0


class AnswerForm(VersionForm):
    note = TextAreaField(
        _l("What should change?"),
        validators=[optional(), max_length(500)],
        description=_l("The other side reads this with your answer."),
    )


class EndPlacementForm(VersionForm):
    reason = RadioField(
        _l("Why does the placement end?"),
        choices=[SelectChoice(code, label) for code, label in END_REASON_LABELS.items()],
        validators=[required()],
    )
    ended_on = DateField(
        _l("Last day"),
        validators=[input_required()],
        description=_l("Today or earlier."),
    )
    note = TextAreaField(_l("Note (optional)"), validators=[optional(), max_length(500)])


class WeeklyHours:
    """For forms with `hours` (a week's hours) and `weekdays` (ticked days)."""

    weekdays: CheckboxesField

    def validate_hours(self, field: LocalDecimalField) -> None:
        if field.data is not None:
            try:
                check_hours(field.data)
            except DomainError as error:
                raise ValidationError(str(error.message)) from error

    def weekday_bits(self) -> int:
        return sum(self.weekdays.data or [])


class StepForm(WeeklyHours, VersionForm):
    """The terms every step states: from when, how many hours on which days, which tasks."""

    start_on = DateField(_l("First day"), validators=[input_required()])
    hours = LocalDecimalField(
        _l("Hours per week"),
        validators=[input_required()],
        description=_l("In half hours, like 3 or 6,5."),
    )
    weekdays = CheckboxesField(
        _l("Days"),
        coerce=int,
        choices=weekday_choices(),
        validate_choice=True,
    )
    tasks = TextAreaField(
        _l("Tasks"),
        validators=[required(), max_length(1500)],
        description=_l("One task per line, at most 12."),
    )

    def task_list(self) -> tuple[str, ...]:
        return task_lines(self.tasks.data)


class HoursRequestForm(WeeklyHours, VersionForm):
    """Either side asks to change the paid hours a week from a day, and says why."""

    start_on = DateField(
        _l("From"),
        validators=[input_required()],
        description=_l("The first day with the new hours. Not in a week already confirmed."),
    )
    hours = LocalDecimalField(
        _l("Paid hours a week"),
        validators=[input_required()],
        description=_l("In half hours, like 8 or 10,5. At most 37."),
    )
    weekdays = CheckboxesField(
        _l("Days"),
        coerce=int,
        choices=weekday_choices(),
        validate_choice=True,
        description=_l("Leave all unticked if the days are flexible."),
    )
    reason = TextAreaField(
        _l("Why should the hours change?"),
        validators=[required(), max_length(500)],
        description=_l("The other side reads this with the request."),
    )

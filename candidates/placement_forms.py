"""The jobcentre's placement forms: the praktik agreement, the admin's ladder rules and the
person's reading of an assessment."""

from __future__ import annotations

from wtforms import DateField, IntegerField, RadioField, SelectChoice, StringField, TextAreaField

from marketplace.i18n import lazy_gettext as _l
from marketplace.placements.forms import StepForm
from marketplace.web.forms import (
    CheckboxesField,
    Form,
    LocalDecimalField,
    SelectField,
    input_required,
    int_or_none,
    max_length,
    number_between,
    optional,
    required,
    strip_text,
)
from marketplace.web.labels import PURPOSE_LABELS


class PraktikAgreementForm(StepForm):
    end_on = DateField(_l("Last day"), validators=[input_required()])
    purposes = CheckboxesField(
        _l("Purpose"),
        coerce=int,
        choices=[SelectChoice(str(int(p)), label) for p, label in PURPOSE_LABELS.items()],
        validate_choice=True,
    )
    workplace = SelectField(
        _l("Workplace (P-number)"), coerce=int_or_none, validators=[input_required()]
    )
    mentor_name = StringField(
        _l("Mentor at the company"),
        validators=[required(), max_length(120)],
        filters=[strip_text],
        description=_l("The colleague who guides the person."),
    )
    special_reason = TextAreaField(
        _l("Special reason (only beyond the longest praktik)"),
        validators=[optional(), max_length(2000)],
        description=_l("Needed for every period beyond the extended limit (LAB § 61)."),
    )

    def purpose_bits(self) -> int:
        return sum(self.purposes.data or [])


class LadderRulesForm(Form):
    trial_max_days = IntegerField(
        _l("Longest trial visit (days)"), validators=[input_required(), number_between(1, 28)]
    )
    praktik_max_weeks = IntegerField(
        _l("Longest praktik before an extension (weeks)"),
        validators=[input_required(), number_between(1, 26)],
    )
    praktik_extended_max_weeks = IntegerField(
        _l("Longest praktik with extensions (weeks)"),
        validators=[input_required(), number_between(1, 52)],
        description=_l("Beyond this, every further period needs a written special reason."),
    )
    max_hours_per_week = LocalDecimalField(
        _l("Most hours a week in total"),
        validators=[input_required()],
        description=_l("Praktik and paid hours together; the law allows at most 37."),
    )
    employees_per_praktik = IntegerField(
        _l("Employees per person in praktik"),
        validators=[input_required(), number_between(1, 100)],
        description=_l("A company with more people in praktik than this ratio allows is flagged."),
    )


class ReadingForm(Form):
    """The consultant records that the person has read the company's assessment."""

    agrees = RadioField(
        _l("Does the person agree with the assessment?"),
        choices=[
            SelectChoice("yes", _l("Yes, the person agrees")),
            SelectChoice("no", _l("No, the person disagrees")),
        ],
        validators=[required()],
    )
    comment = TextAreaField(
        _l("The person's comment"),
        validators=[optional(), max_length(1000)],
        description=_l("Needed when the person disagrees: what with, in their words."),
    )

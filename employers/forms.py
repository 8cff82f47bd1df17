"""The company's forms: profile, workplaces, jobs, closing a job."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Regexp, ValidationError

from marketplace.errors import DomainError
from marketplace.i18n import lazy_gettext as _l
from marketplace.jobs.postings import check_hours
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
    task_lines,
    weekday_choices,
)
from marketplace.web.labels import CATEGORY_LABELS, CLOSE_REASON_LABELS, DANISH_LEVEL_LABELS


class CompanyProfileForm(Form):
    name = StringField(
        _l("Company name"), validators=[required(), max_length(200)], filters=[strip_text]
    )
    contact_name = StringField(
        _l("Contact person"),
        validators=[required(), max_length(120)],
        filters=[strip_text],
        description=_l("The person the jobcentre can call about your small jobs."),
    )
    contact_phone = StringField(
        _l("Contact phone"), validators=[optional(), max_length(30)], filters=[strip_text]
    )
    employee_count = IntegerField(
        _l("Number of employees"), validators=[input_required(), number_between(0, 1_000_000)]
    )
    submit = SubmitField(_l("Save"))


class WorkplaceForm(Form):
    name = StringField(
        _l("Name of the workplace"),
        validators=[required(), max_length(120)],
        filters=[strip_text],
        description=_l("As your staff call it, e.g. 'the shop in Skjern'."),
    )
    p_number = StringField(
        _l("P-number"),
        validators=[required(), max_length(20)],
        filters=[strip_text],
        description=_l(
            "10 digits. Find it in the CVR register under your company's production units."
        ),
    )
    address = StringField(
        _l("Street and number"), validators=[required(), max_length(200)], filters=[strip_text]
    )
    postcode = StringField(
        _l("Postcode"),
        validators=[required(), Regexp(r"^[0-9]{4}$", message=_l("Enter a postcode of 4 digits."))],
        filters=[strip_text],
    )
    city = StringField(_l("Town"), validators=[required(), max_length(100)], filters=[strip_text])
    municipality = SelectField(_l("Municipality"), coerce=int_or_none, validators=[required()])
    submit = SubmitField(_l("Save the workplace"))


def _category_choices() -> list[SelectChoice]:
    # Empty first: a job whose category was never chosen is refused, not filed as the first.
    return [
        SelectChoice("", _l("Choose a category")),
        *(SelectChoice(code, label) for code, label in CATEGORY_LABELS.items()),
    ]


class JobForm(Form):
    title = StringField(
        _l("Title"),
        validators=[required(), max_length(120)],
        filters=[strip_text],
        description=_l("Short and plain, e.g. 'Stocking shelves'."),
    )
    workplace = SelectField(
        _l("Workplace (P-number)"), coerce=int_or_none, validators=[input_required()]
    )
    category = SelectField(_l("Category"), choices=_category_choices(), validators=[required()])
    description = TextAreaField(
        _l("What is the job?"),
        validators=[optional(), max_length(4000)],
        description=_l("A few sentences about the work and the workplace."),
    )
    task_lines = TextAreaField(
        _l("Tasks"),
        validators=[optional(), max_length(1500)],
        description=_l("One task per line, at most 12."),
    )
    hours_per_week = LocalDecimalField(
        _l("Hours per week"),
        validators=[input_required()],
        description=_l("From 0,5 to 37, in half hours. Most small jobs are 2 to 15 hours."),
    )
    weekdays = CheckboxesField(
        _l("Days"),
        coerce=int,
        choices=weekday_choices(),
        validate_choice=True,
    )
    flexible_days = BooleanField(_l("The days are flexible"))
    time_from = TimeField(_l("From"), validators=[optional()])
    time_to = TimeField(_l("To"), validators=[optional()])
    start_date = DateField(_l("Start date"), validators=[input_required()])
    end_date = DateField(
        _l("End date"),
        validators=[optional()],
        description=_l("Leave empty if the job is ongoing."),
    )
    offers_trial_visit = BooleanField(_l("Trial visit (snusepraktik)"))
    offers_praktik = BooleanField(_l("Work placement (virksomhedspraktik)"))
    offers_paid_direct = BooleanField(_l("Paid hours from the start"))
    hourly_wage = LocalDecimalField(_l("Hourly wage (kr.)"), validators=[input_required()])
    agreement_wage = LocalDecimalField(
        _l("Agreement wage (kr. per hour)"),
        validators=[input_required()],
        description=_l("The lowest hourly wage of the agreement that covers the job."),
    )
    wage_agreement_name = StringField(
        _l("Agreement"), validators=[optional(), max_length(120)], filters=[strip_text]
    )
    requires_heavy_lifting = BooleanField(_l("Lifting is part of the job"))
    lifting_max_kg = IntegerField(
        _l("Heaviest lift (kg)"), validators=[optional(), number_between(0, 100)]
    )
    requires_standing = BooleanField(_l("Standing for long periods"))
    requires_early_mornings = BooleanField(_l("Early mornings"))
    requires_driving_licence = BooleanField(_l("Driving licence"))
    danish_level = SelectField(
        _l("Danish needed"),
        choices=[SelectChoice(code, label) for code, label in DANISH_LEVEL_LABELS.items()],
    )
    other_requirements = TextAreaField(
        _l("Other requirements"), validators=[optional(), max_length(500)]
    )
    contact_name = StringField(
        _l("Contact person or mentor"),
        validators=[required(), max_length(120)],
        filters=[strip_text],
        description=_l("The colleague who receives and guides the person."),
    )
    contact_phone = StringField(
        _l("Their phone"), validators=[optional(), max_length(30)], filters=[strip_text]
    )
    version = HiddenField()
    save_draft = SubmitField(_l("Save as draft"))
    publish = SubmitField(_l("Publish"))
    save = SubmitField(_l("Save changes"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.step_errors: list[str] = []  # "offer at least one step" belongs to the group

    def validate_hours_per_week(self, field: LocalDecimalField) -> None:
        # The domain's own rule, run here too so it shows with the other field errors.
        if field.data is not None:
            try:
                check_hours(field.data)
            except DomainError as error:
                raise ValidationError(str(error.message)) from error

    def task_list(self) -> tuple[str, ...]:
        return task_lines(self.task_lines.data)


class CloseJobForm(Form):
    reason = RadioField(
        _l("Why is the job closed?"),
        choices=[SelectChoice(code, label) for code, label in CLOSE_REASON_LABELS.items()],
        validators=[required()],
    )
    note = TextAreaField(_l("Note (optional)"), validators=[optional(), max_length(500)])
    submit = SubmitField(_l("Close the job"))

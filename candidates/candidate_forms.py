"""The caseload's forms: a candidate's identity, profile and limitations; filters; hand-over."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    StringField,
    TextAreaField,
)

from marketplace.i18n import lazy_gettext as _l
from marketplace.models import CATEGORY_BITS
from marketplace.web.forms import (
    CheckboxesField,
    Form,
    LocalDecimalField,
    SelectField,
    email_address,
    input_required,
    int_or_none,
    max_length,
    number_between,
    optional,
    required,
    strip_text,
    weekday_choices,
)
from marketplace.web.labels import CATEGORY_LABELS, DANISH_LEVEL_LABELS


class CandidateForm(Form):
    # Identity: only the jobcentre sees it; a company only with the citizen's consent.
    full_name = StringField(
        _l("Full name"), validators=[required(), max_length(120)], filters=[strip_text]
    )
    phone = StringField(_l("Phone"), validators=[optional(), max_length(30)], filters=[strip_text])
    email = EmailField(
        _l("E-mail"),
        validators=[optional(), email_address(), max_length(254)],
        filters=[strip_text],
    )
    case_reference = StringField(
        _l("Case reference"),
        validators=[optional(), max_length(40)],
        filters=[strip_text],
        description=_l("The jobcentre's own reference. Never a CPR number."),
    )
    # The profile a company sees (under a pseudonym).
    job_goal = TextAreaField(
        _l("Job goal"),
        validators=[required(), max_length(1000)],
        description=_l("In the citizen's own words: what kind of work, and why."),
    )
    wished_categories = CheckboxesField(
        _l("Wished kinds of work"),
        coerce=int,
        choices=[
            SelectChoice(str(CATEGORY_BITS[code]), label) for code, label in CATEGORY_LABELS.items()
        ],
    )
    tasks_can_do = TextAreaField(
        _l("Tasks the person can do"),
        validators=[optional(), max_length(1500)],
        description=_l("One task per line."),
    )
    hours_min = LocalDecimalField(_l("Fewest hours a week"), validators=[input_required()])
    hours_max = LocalDecimalField(_l("Most hours a week"), validators=[input_required()])
    available_weekdays = CheckboxesField(
        _l("Days the person can work"),
        coerce=int,
        choices=weekday_choices(),
    )
    available_times = StringField(
        _l("Times of day"),
        validators=[optional(), max_length(200)],
        filters=[strip_text],
        description=_l("E.g. 'mornings only' or 'after 10'."),
    )
    municipality = SelectField(_l("Municipality"), coerce=int_or_none, validators=[required()])
    postcode = StringField(
        _l("Postcode"), validators=[required(), max_length(4)], filters=[strip_text]
    )
    languages = StringField(
        _l("Languages"),
        validators=[optional(), max_length(200)],
        filters=[strip_text],
        description=_l("E.g. 'Arabic, some English'."),
    )
    danish_level = SelectField(
        _l("Danish"),
        choices=[SelectChoice(code, label) for code, label in DANISH_LEVEL_LABELS.items()],
    )
    driving_licence = BooleanField(_l("Has a driving licence"))
    earlier_work = TextAreaField(
        _l("Earlier work"),
        validators=[optional(), max_length(1000)],
        description=_l("A few lines."),
    )
    # Limitations, as work functions only.
    no_heavy_lifting = BooleanField(_l("No heavy lifting"))
    lifting_max_kg = IntegerField(
        _l("Can lift at most (kg)"), validators=[optional(), number_between(0, 100)]
    )
    no_long_standing = BooleanField(_l("Cannot stand for long periods"))
    max_hours_per_day = LocalDecimalField(_l("At most hours a day"), validators=[optional()])
    needs_quiet_surroundings = BooleanField(_l("Needs quiet surroundings"))
    no_early_mornings = BooleanField(_l("Not early mornings"))
    other_limitations = TextAreaField(
        _l("Other limitations"),
        validators=[optional(), max_length(500)],
        description=_l("Describe what the work must allow, never a diagnosis."),
    )
    consultant_note = TextAreaField(
        _l("Note for the jobcentre"),
        validators=[optional(), max_length(4000)],
        description=_l("Only you and your colleagues see this."),
    )
    version = HiddenField()

    def task_list(self) -> tuple[str, ...]:
        lines = (self.tasks_can_do.data or "").splitlines()
        return tuple(line.strip()[:120] for line in lines if line.strip())


class CaseloadFilterForm(Form):
    class Meta:
        csrf = False  # a GET form that changes nothing

    status = SelectField(_l("Status"))
    consultant = SelectField(_l("Consultant"))
    q = StringField(
        _l("Search"),
        validators=[optional(), max_length(100)],
        description=_l("Name, case reference or words of the job goal."),
    )


class HandOverForm(Form):
    consultant = SelectField(
        _l("Responsible consultant"), coerce=int_or_none, validators=[required()]
    )

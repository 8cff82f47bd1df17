"""Forms of login, company sign-up, invitations and the team page."""

from __future__ import annotations

from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    StringField,
    SubmitField,
)
from wtforms.validators import EqualTo, Regexp, ValidationError

from marketplace.accounts.cvr import INVALID_CVR, is_valid_cvr, normalise_cvr
from marketplace.accounts.passwords import password_problem
from marketplace.i18n import lazy_gettext as _l
from marketplace.web.forms import (
    Form,
    SelectField,
    email_address,
    input_required,
    int_or_none,
    max_length,
    number_between,
    required,
    strip_text,
)

LANGUAGE_CHOICES = [SelectChoice("da", "Dansk"), SelectChoice("en", "English")]


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[required(), max_length(254)], filters=[strip_text])
    password = PasswordField(_l("Password"), validators=[required(), max_length(200)])
    submit = SubmitField(_l("Log in"))


def new_password_field() -> PasswordField:
    return PasswordField(
        _l("Password"),
        validators=[required()],
        description=_l("At least 12 characters. A short sentence is easy to remember."),
    )


def repeat_password_field() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[
            required(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )


class PasswordPolicy:
    """Checks the `password` field against the policy (fields are made in each form's body,
    so they come in page order in the error summary).

    The person's own words count against the password: what the form holds in `email`,
    `name` and `company_name`, and what the route puts in `own_words` (the address of an
    invitation, the organisation's name, the account's e-mail).
    """

    own_words: tuple[str, ...] = ()

    def validate_password(self, field: PasswordField) -> None:
        typed = [
            getattr(getattr(self, name, None), "data", None)
            for name in ("email", "name", "company_name")
        ]
        problem = password_problem(field.data or "", [*typed, *self.own_words])
        if problem:
            raise ValidationError(str(problem))


class CompanySignupForm(Form):
    company_name = StringField(
        _l("Company name"), validators=[required(), max_length(200)], filters=[strip_text]
    )
    cvr = StringField(
        _l("CVR number"),
        validators=[required(), max_length(20)],
        filters=[strip_text],
        description=_l("8 digits, as in the CVR register."),
    )
    address = StringField(
        _l("Street and number"), validators=[required(), max_length(200)], filters=[strip_text]
    )
    postcode = StringField(
        _l("Postcode"),
        validators=[
            required(),
            Regexp(r"^[0-9]{4}$", message=_l("Enter a postcode of 4 digits.")),
        ],
        filters=[strip_text],
    )
    city = StringField(_l("Town"), validators=[required(), max_length(100)], filters=[strip_text])
    municipality = SelectField(_l("Municipality"), coerce=int_or_none, validators=[required()])
    employee_count = IntegerField(
        _l("Number of employees"),
        validators=[input_required(), number_between(0, 1_000_000)],
    )
    name = StringField(
        _l("Your name"), validators=[required(), max_length(120)], filters=[strip_text]
    )
    email = EmailField(
        _l("Your work e-mail"),
        validators=[required(), email_address(), max_length(254)],
        filters=[strip_text],
    )
    submit = SubmitField(_l("Sign up your company"))

    def validate_cvr(self, field: StringField) -> None:
        field.data = normalise_cvr(field.data or "")
        if not is_valid_cvr(field.data):
            raise ValidationError(str(INVALID_CVR))


class InvitationForm(Form):
    name = StringField(_l("Name"), validators=[required(), max_length(120)], filters=[strip_text])
    email = EmailField(
        _l("E-mail"),
        validators=[required(), email_address(), max_length(254)],
        filters=[strip_text],
    )
    role = SelectField(_l("Role"), validators=[required()])
    locale = SelectField(_l("Language of the invitation"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Send invitation"))


class AcceptInvitationForm(PasswordPolicy, Form):
    name = StringField(
        _l("Your name"), validators=[required(), max_length(120)], filters=[strip_text]
    )
    password = new_password_field()
    password_confirm = repeat_password_field()
    submit = SubmitField(_l("Create my account"))


class SignupPasswordForm(PasswordPolicy, Form):
    password = new_password_field()
    password_confirm = repeat_password_field()
    submit = SubmitField(_l("Create my account"))


class ChangePasswordForm(PasswordPolicy, Form):
    current_password = PasswordField(
        _l("Current password"), validators=[required(), max_length(200)]
    )
    password = PasswordField(
        _l("New password"),
        validators=[required()],
        description=_l("At least 12 characters. A short sentence is easy to remember."),
    )
    password_confirm = repeat_password_field()
    submit = SubmitField(_l("Change password"))


class LanguageForm(Form):
    locale = SelectField(choices=LANGUAGE_CHOICES)
    next = StringField()

"""Shared form pieces: validators with translated messages, and the empty form for buttons."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange

# WTForms builds some messages itself (a number that is not a number, an unknown choice);
# they are looked up in our catalog, so they are listed here for the extractor.
WTFORMS_MESSAGES = (
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid time value."),
    _l("This field is required."),
    _l("The CSRF token is missing."),
    _l("The CSRF token is invalid."),
    _l("The CSRF token has expired."),
    _l("The CSRF tokens do not match."),
    _l("The CSRF session token is missing."),
)


def required() -> DataRequired:
    return DataRequired(message=_l("Fill in this field."))


def input_required() -> InputRequired:
    return InputRequired(message=_l("Fill in this field."))


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("Use at most %(max)d characters.", max=n))


def email_address() -> Email:
    return Email(message=_l("Enter a valid e-mail address, like name@example.dk."))


def number_between(low: int, high: int) -> NumberRange:
    return NumberRange(
        min=low, max=high, message=_l("Enter a number from %(min)d to %(max)d.", min=low, max=high)
    )


class _Catalog:
    """WTForms' own messages, looked up in our catalog (Flask-WTF would use WTForms')."""

    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n)


class Form(FlaskForm):
    """The base of every form: CSRF on, messages in the user's language."""

    class Meta:
        def get_translations(self, form: Any) -> _Catalog:
            return _Catalog()


class EmptyForm(Form):
    """For buttons that POST: carries only the CSRF token."""

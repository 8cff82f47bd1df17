"""Shared form pieces: validators with translated messages, and the empty form for buttons."""

from __future__ import annotations

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


class EmptyForm(FlaskForm):
    """For buttons that POST: carries only the CSRF token."""

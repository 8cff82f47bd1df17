"""Shared form pieces: validators with translated messages, and the empty form for buttons."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import get_locale, get_translations, gettext, ngettext
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import Field, SelectChoice, SelectMultipleField
from wtforms import SelectField as WTFormsSelectField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)
from wtforms.widgets import CheckboxInput, HiddenInput, Input, ListWidget, Select, TextInput
from wtforms.widgets.core import clean_key

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import Municipality
from marketplace.web.labels import WEEKDAY_LABELS

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
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Not a valid choice."),
)


def _wtforms_plural_messages() -> None:  # pragma: no cover - never called; read by the extractor
    ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
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
        # Unformatted: WTForms fills in its own placeholders (flask_babel's ngettext would
        # format with `num` and fail on WTForms' `%(value)s`).
        return get_translations().ungettext(singular, plural, n)


def strip_text(value: object) -> object:
    """Surrounding spaces typed or pasted around a value are not part of it."""
    return value.strip() if isinstance(value, str) else value


def strip_control_characters(value: object) -> object:
    """Pasted text can carry control characters (PostgreSQL refuses a NUL in text)."""
    if not isinstance(value, str):
        return value
    return "".join(c for c in value if c in "\n\r\t" or unicodedata.category(c) != "Cc")


# The values an <input> of these types can hold (HTML's value sanitisation shows any other
# value as empty, and the HTML validator refuses it).
INPUT_VALUES = {
    "date": (re.compile(r"\d{4}-\d\d-\d\d", re.ASCII), date.fromisoformat),
    "time": (re.compile(r"\d\d:\d\d(:\d\d(\.\d{1,3})?)?", re.ASCII), time.fromisoformat),
    "number": (re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?", re.ASCII), str),
    "month": (re.compile(r"\d{4}-\d\d", re.ASCII), lambda v: date.fromisoformat(v + "-01")),
}
# Attributes a text input may not carry.
TYPED_ONLY = {"min", "max", "step", "type"}


def holds(input_type: str, value: str) -> bool:
    """Whether an <input type=input_type> can hold this value."""
    pattern, parse = INPUT_VALUES.get(input_type, (None, str))
    if pattern is None or value == "":
        return True
    try:
        parse(value)
    except ValueError:
        return False
    return pattern.fullmatch(value) is not None


class QuickSelect(Select):
    """WTForms' select with its plain options written directly: the same HTML in a fifth of
    the time. A caseload's consultant filter lists 200 colleagues: 2.5 ms of the page through
    html_params(), 0.5 ms here (issue 16's profile; tests/marketplace/web/test_forms.py)."""

    @classmethod
    def render_option(cls, choice: SelectChoice, **kwargs: Any) -> Markup:
        if choice.render_kw or kwargs:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        label = choice.label or choice.value
        # html_params() sorts the attributes: "selected" comes before "value".
        selected = "selected " if choice.selected else ""
        # Both values escaped here (Markup.format would double the cost).
        return Markup(f'<option {selected}value="{escape(value)}">{escape(label)}</option>')  # noqa: S704


class SelectField(WTFormsSelectField):
    """The select every form uses (QuickSelect)."""

    widget = QuickSelect()


class Form(FlaskForm):
    """The base of every form: CSRF on, messages in the user's language, no control
    characters in any text a user sends."""

    class Meta:
        def get_translations(self, form: Any) -> _Catalog:
            return _Catalog()

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            filters = unbound_field.kwargs.get("filters") or ()
            unbound_field.kwargs["filters"] = (strip_control_characters, *filters)
            return unbound_field.bind(form=form, **options)

        def render_field(self, field: Field, render_kw: dict[str, Any]) -> Any:
            """A refused value is shown back as typed, without control characters, in an
            input that can hold it: a date input cannot show "31-12-2099" (a browser shows
            it empty), so that one value comes back in a text input beside its error."""
            widget = field.widget
            if isinstance(widget, Input) and "value" not in render_kw:
                typed = field._value()
                if isinstance(typed, str):
                    shown = str(strip_control_characters(typed))
                    field_kw = field.render_kw or {}
                    kind = render_kw.get("type") or field_kw.get("type") or widget.input_type
                    if not holds(kind, shown):
                        attrs = {**(field.render_kw or {}), **render_kw}
                        kept = {clean_key(k): v for k, v in attrs.items()}
                        kept = {k: v for k, v in kept.items() if k not in TYPED_ONLY}
                        return TextInput()(field, value=shown, **kept)
                    if shown != typed:
                        render_kw = {**render_kw, "value": shown}
            return super().render_field(field, render_kw)

    def hidden_tag(self, *fields: Any) -> Markup:
        """The form's hidden inputs without ids: a page with several forms would otherwise
        repeat "csrf_token" and "version" (WCAG 2.1, 4.1.1), and no label points at them."""
        chosen = (getattr(self, f, None) if isinstance(f, str) else f for f in fields or self)
        return Markup("\n").join(  # each field renders as Markup: nothing is escaped twice
            field(id=False)
            for field in chosen
            if field is not None and isinstance(field.widget, HiddenInput)
        )


class EmptyForm(Form):
    """For buttons that POST: carries only the CSRF token."""


def optional() -> Optional:
    return Optional()


def parse_local_decimal(typed: str) -> Decimal | None:
    """ "2,5" or "2.5" as a number; None when empty; ValueError when not a number."""
    text = typed.strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(typed) from error
    # adjusted() is the exponent: comparing would overflow on input like "1e999999999", and
    # a tiny "1e-9999999" would underflow the step checks (hours come in quarters, kr. in øre).
    if not value.is_finite() or value.adjusted() >= 7 or (value and value.adjusted() < -6):
        raise ValueError(typed)
    return value


class LocalDecimalField(Field):
    """A number typed the Danish way ("2,5") or the English way ("2.5").

    WTForms' DecimalField accepts only a dot; a Danish user types a comma. What was typed is
    shown back as typed, also on a refusal, beside the message.
    """

    widget = TextInput()

    def __init__(self, *args: Any, invalid_message: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message or _l("Enter a number, like 2,5.")

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        try:
            self.data = parse_local_decimal(valuelist[0] if valuelist else "")
        except ValueError as error:
            raise ValueError(str(self.invalid_message)) from error
        if self.data is None:
            self.raw_data = []  # only spaces is empty: input_required() says "fill in"

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:  # not a number: range checks have nothing to add
            raise StopValidation()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        text = format(self.data.normalize(), "f")
        locale = get_locale()
        return text.replace(".", ",") if locale and locale.language == "da" else text


class CheckboxesField(SelectMultipleField):
    """Several checkboxes sharing one name (weekdays, steps)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def int_or_none(value: object) -> int | None:
    """Coerce for selects whose first option ("Choose …") has an empty value."""
    if value is None or value == "":
        return None
    return int(value)  # type: ignore[call-overload]


def show_domain_error(form: Form, error: DomainError) -> None:
    """Put a domain rule's message beside its field, or above the form if it has none."""
    field = getattr(form, error.field, None) if error.field else None
    if isinstance(field, Field):
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def municipality_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        select(Municipality.code, Municipality.name).order_by(Municipality.name)
    )
    return [
        SelectChoice("", gettext("Choose a municipality")),
        *(SelectChoice(str(code), name) for code, name in rows),
    ]


def weekday_choices() -> list[SelectChoice]:
    """One checkbox per weekday, Monday first, valued by the day's bit."""
    return [SelectChoice(str(int(day)), label) for day, label in WEEKDAY_LABELS.items()]


def task_lines(text: str | None) -> tuple[str, ...]:
    """The non-empty lines of a tasks box, each at most 120 characters."""
    return tuple(line.strip()[:120] for line in (text or "").splitlines() if line.strip())

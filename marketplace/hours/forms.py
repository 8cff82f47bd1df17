"""The forms of the hours pages. A week is read from one input per open day and kind, named
`h-<placement>-<kind>-<yyyy-mm-dd>`, typed the Danish way ("2,5") or the English way: those
inputs are fields added to the form for the weeks the page shows, so every value passes the
shared filters (no control characters) and is checked by a field, with one message per
input and what was typed kept for the page shown again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from wtforms import DateField, Field, HiddenField, StringField, TextAreaField
from wtforms.validators import ValidationError
from wtforms.widgets import HiddenInput

from marketplace.errors import DomainError
from marketplace.hours.exports import MAX_DAYS
from marketplace.hours.ledger import FUTURE_DAY, check_hours_of_day
from marketplace.hours.weeks import PlacementWeek
from marketplace.i18n import gettext as _
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import HourKind
from marketplace.web.forms import Form, LocalDecimalField, input_required, strip_control_characters
from marketplace.web.routing import MAX_ID

NOT_HOURS = _l("Enter a number of hours, like 2,5.")


def input_name(placement_id: int, kind: HourKind, day: date) -> str:
    return f"h-{placement_id}-{kind.value}-{day.isoformat()}"


def revision_name(kind: HourKind, day: date) -> str:
    return f"r-{kind.value}-{day.isoformat()}"


def _id_or_none(typed: str) -> int | None:
    return int(typed) if typed.isascii() and typed.isdigit() and 0 < int(typed) <= MAX_ID else None


class IdsField(Field):
    """Tick boxes sharing one name, valued by object ids: what is not an id is left out
    (the page never sends it; the route finds nothing to do with it)."""

    widget = HiddenInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = {found for v in valuelist if (found := _id_or_none(v)) is not None}


class IdField(Field):
    """One id from a hidden input; None when absent or not an id."""

    widget = HiddenInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = _id_or_none(valuelist[0]) if valuelist else None


class NumberOrNoneField(Field):
    """A whole number from a hidden input (the revision a page was made on); None when absent
    or not a number, which the rule treats as "not seen"."""

    widget = HiddenInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            self.data = int(valuelist[0]) if valuelist else None
        except ValueError:
            self.data = None


class HoursField(LocalDecimalField):
    """A day's hours; remembers what was typed (control characters left out) to show it
    again, also when it is empty or not a number."""

    typed: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_message", NOT_HOURS)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.typed = str(strip_control_characters(valuelist[0])) if valuelist else None
        super().process_formdata([self.typed] if self.typed is not None else [])


def _hours_of_day(form: Form, field: HoursField) -> None:
    try:
        check_hours_of_day(field.data if field.data is not None else Decimal(0))
    except DomainError as error:
        raise ValidationError(str(error.message)) from error


def csrf_valid(form: Form) -> bool:
    """The post carries the page's token. For forms whose fields are then read one by one,
    each with its own message (a wrong input is not a bad request)."""
    token = getattr(form, "csrf_token", None)  # absent when CSRF is switched off
    return form.is_submitted() and (token is None or token.validate(form))


def week_cells(week: PlacementWeek) -> Iterator[tuple[date, HourKind]]:
    """The open days and kinds of a week, in the page's order."""
    return (key for key, cell in week.cells.items() if cell.open)


class ConfirmWeeksForm(Form):
    """Confirming the chosen placements' week (the week page, one placement's page, the
    reminder's link): the week, the tick boxes, the placement a one-placement page is for.
    The hours are read by `WeekHoursForm` from the same post."""

    week = HiddenField()
    placement = IdField()
    confirm = IdsField()


def confirm_name(week_start: date) -> str:
    """The tick boxes of one week on a page that confirms several weeks (the link's)."""
    return f"confirm-{week_start.isoformat()}"


class ConfirmManyWeeksForm(Form):
    """Confirming the chosen placements of several weeks at once (the reminder's link): one
    set of tick boxes per week (`for_weeks`), named by `confirm_name`."""

    @classmethod
    def for_weeks(cls, starts: list[date], **kwargs: Any) -> ConfirmManyWeeksForm:
        fields = {confirm_name(start): IdsField() for start in starts}
        return type("ConfirmManyWeeks", (cls,), fields)(**kwargs)

    def chosen(self, week_start: date) -> set[int]:
        field = self._fields.get(confirm_name(week_start))
        return set(field.data or ()) if field is not None else set()


class WeekHoursForm(Form):
    """One hours input per open day and kind of each week it is made for (`for_weeks`)."""

    class Meta:
        csrf = False  # a part of ConfirmWeeksForm's post, whose token that form checks

    @classmethod
    def for_weeks(cls, weeks: list[PlacementWeek], **kwargs: Any) -> WeekHoursForm:
        fields = {
            input_name(week.placement.id, kind, day): HoursField(validators=[_hours_of_day])
            for week in weeks
            if week.confirmation is None
            for day, kind in week_cells(week)
        }
        return type("WeekHours", (cls,), fields)(**kwargs)

    def typed(self) -> dict[str, str]:
        """What was typed in each input, to show it again."""
        return {
            name: field.typed
            for name, field in self._fields.items()
            if isinstance(field, HoursField) and field.typed is not None
        }

    def holds(self, week: PlacementWeek) -> bool:
        """Whether the post has any input of the week: one made for another week (a stale
        page, a changed address) has none, and is not read as a week of zeros."""
        return any(
            self._fields[input_name(week.placement.id, kind, day)].raw_data
            for day, kind in week_cells(week)
        )

    def read_week(
        self, week: PlacementWeek
    ) -> tuple[dict[tuple[date, HourKind], Decimal], dict[str, str]]:
        """The entries of one placement's week, and an error per input name that is wrong.
        An input left empty (or not sent) is a day not worked. A day still to come has no
        input on the page: it is left out, and refused beside its name when sent anyway."""
        entries: dict[tuple[date, HourKind], Decimal] = {}
        errors: dict[str, str] = {}
        for day, kind in week_cells(week):
            name = input_name(week.placement.id, kind, day)
            field = self._fields[name]
            if week.to_come(day):
                if field.raw_data:
                    errors[name] = str(FUTURE_DAY)
                continue
            if not field.validate(self):
                errors[name] = str(field.errors[0])
                continue
            entries[(day, kind)] = field.data if field.data is not None else Decimal(0)
        return entries, errors


class CorrectionForm(Form):
    """Correcting a confirmed day: which day and kind, the right hours, why; and the revision
    of each day's figure the page showed (`for_week`), so a correction made on an old figure
    is refused."""

    week = HiddenField()
    day = StringField()
    kind = StringField()
    hours = HoursField()
    reason = StringField()

    @classmethod
    def for_week(cls, week: PlacementWeek, **kwargs: Any) -> CorrectionForm:
        fields = {revision_name(kind, day): NumberOrNoneField() for day, kind in week_cells(week)}
        return type("Correction", (cls,), fields)(**kwargs)

    def seen_revision(self, kind: HourKind, day: date) -> int | None:
        field = self._fields.get(revision_name(kind, day))
        return field.data if field is not None else None

    def typed(self) -> dict[str, str]:
        return {
            "day": self.day.data or "",
            "kind": self.kind.data or "",
            "hours": self.hours.typed or "",
            "reason": self.reason.data or "",
        }


class FlagForm(Form):
    """The consultant's question about a week."""

    week = HiddenField()
    comment = TextAreaField()


class FlagAnswerForm(Form):
    """The company's answer to a question about a week."""

    answer = TextAreaField()


class ExportForm(Form):
    """The period of an export, read from the address (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[input_required()])
    end = DateField(_l("To"), validators=[input_required()])

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_("The end must be on or after the start."))
            if (field.data - self.start.data).days > MAX_DAYS:
                raise ValidationError(_("Export at most two years at a time."))

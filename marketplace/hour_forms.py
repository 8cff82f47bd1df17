"""Reading a week of hours from a form: one input per open day and kind, named
`h-<placement>-<kind>-<yyyy-mm-dd>`, typed the Danish way ("2,5") or the English way."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import ValidationError

from marketplace.errors import DomainError
from marketplace.forms import Form, input_required, parse_local_decimal
from marketplace.hour_exports import MAX_DAYS
from marketplace.hour_weeks import PlacementWeek
from marketplace.hours import check_hours_of_day
from marketplace.models import HourKind


def input_name(placement_id: int, kind: HourKind, day: date) -> str:
    return f"h-{placement_id}-{kind.value}-{day.isoformat()}"


def read_week(
    week: PlacementWeek, form: Mapping[str, str]
) -> tuple[dict[tuple[date, HourKind], Decimal], dict[str, str]]:
    """The entries of one placement's week, and an error per input name that is wrong."""
    entries: dict[tuple[date, HourKind], Decimal] = {}
    errors: dict[str, str] = {}
    for (day, kind), cell in week.cells.items():
        if not cell.open:
            continue
        name = input_name(week.placement.id, kind, day)
        try:
            value = parse_local_decimal(form.get(name, ""))
        except ValueError:
            errors[name] = _("Enter a number of hours, like 2,5.")
            continue
        value = value if value is not None else Decimal(0)  # an empty day was not worked
        try:
            check_hours_of_day(value)
        except DomainError as error:
            errors[name] = str(error.message)
            continue
        entries[(day, kind)] = value
    return entries, errors


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

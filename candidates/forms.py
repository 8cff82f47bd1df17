"""The jobcentre's forms: the job board's filters (a GET form)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from wtforms import Field, SelectChoice, StringField
from wtforms.validators import NumberRange, Optional

from marketplace.i18n import lazy_gettext as _l
from marketplace.jobs.board import BoardFilters, Sort, Step
from marketplace.web.forms import (
    CheckboxesField,
    Form,
    LocalDecimalField,
    SelectField,
    max_length,
    weekday_choices,
)
from marketplace.web.labels import CATEGORY_LABELS, STEP_LABELS

MIN_HOURS = Decimal("0.5")
MAX_HOURS = Decimal(37)
MAX_TEXT = 100
ALL = "all"


SORT_LABELS = {
    Sort.NEWEST.value: _l("Newest first"),
    Sort.HOURS_ASC.value: _l("Fewest hours first"),
    Sort.HOURS_DESC.value: _l("Most hours first"),
}


def _clean_text(value: object) -> object:
    """Words as typed, without control characters (PostgreSQL refuses a NUL in text)."""
    if not isinstance(value, str):
        return value
    kept = "".join(" " if unicodedata.category(c) == "Cc" else c for c in value)
    return " ".join(kept.split())


def _hours(label: str) -> LocalDecimalField:
    return LocalDecimalField(
        label,
        invalid_message=_l("Enter a number of hours, like 2,5 or 10."),
        validators=[
            Optional(),
            NumberRange(min=MIN_HOURS, max=MAX_HOURS, message=_l("Enter hours from 0,5 to 37.")),
        ],
    )


class JobBoardForm(Form):
    """The board's filters. A refused value shows its message and is left out of the search."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    q = StringField(
        _l("Search"),
        validators=[max_length(MAX_TEXT)],
        filters=[_clean_text],
        description=_l("Words in the title, the description or the company's name."),
    )
    municipality = SelectField(
        _l("Municipality"),
        invalid_choice_message=_l("Choose a municipality from the list."),
    )
    category = SelectField(
        _l("Category"),
        choices=[
            SelectChoice("", _l("All categories")),
            *(SelectChoice(code, label) for code, label in CATEGORY_LABELS.items()),
        ],
        default="",
        invalid_choice_message=_l("Choose a category from the list."),
    )
    hours_min = _hours(_l("At least (hours a week)"))
    hours_max = _hours(_l("At most (hours a week)"))
    weekdays = CheckboxesField(
        _l("Works on one of these days"),
        coerce=int,
        choices=weekday_choices(),
        invalid_value_message=_l("Choose days from the list."),
        invalid_choice_message=_l("Choose days from the list."),
        description=_l("Jobs with flexible days are always included."),
    )
    steps = CheckboxesField(
        _l("Offers all of these steps"),
        choices=[SelectChoice(code, label) for code, label in STEP_LABELS.items()],
        invalid_choice_message=_l("Choose steps from the list."),
    )
    sort = SelectField(
        _l("Sort by"),
        choices=[SelectChoice(code, label) for code, label in SORT_LABELS.items()],
        default=Sort.NEWEST.value,
        invalid_choice_message=_l("Choose an order from the list."),
    )

    def set_municipalities(self, rows: list[tuple[int, str]]) -> None:
        self.municipality.choices = [
            SelectChoice(ALL, _l("All municipalities")),
            *(SelectChoice(str(code), name) for code, name in rows),
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        low, high = self.hours_min, self.hours_max
        self.hours_crossed = (
            not low.errors
            and not high.errors
            and low.data is not None
            and high.data is not None
            and low.data > high.data
        )
        if self.hours_crossed:  # the range holds nothing: neither bound is used
            high.errors.append(str(_l("“At most” must not be less than “At least”.")))
            valid = False
        return valid

    def filters(self) -> BoardFilters:
        """Validate, then the filters that passed; a refused one is no filter at all."""
        self.validate()

        def ok(field: Field) -> bool:
            return not field.errors

        municipality = self.municipality.data if ok(self.municipality) else ALL
        crossed = self.hours_crossed
        return BoardFilters(
            municipality_code=None if municipality in (ALL, None) else int(municipality),
            category=(self.category.data or None) if ok(self.category) else None,
            hours_min=self.hours_min.data if ok(self.hours_min) and not crossed else None,
            hours_max=self.hours_max.data if ok(self.hours_max) else None,
            weekdays=sum(set(self.weekdays.data or ())) if ok(self.weekdays) else 0,
            steps=frozenset(map(Step, self.steps.data or ())) if ok(self.steps) else frozenset(),
            text=(self.q.data or "") if ok(self.q) else "",
            sort=Sort(self.sort.data) if ok(self.sort) and self.sort.data else Sort.NEWEST,
        )

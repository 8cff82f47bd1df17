"""Page helpers for hours: which week the address asks for, and confirming the chosen
placements' week from a form (the company's week page and the reminder's link share it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import request
from flask_babel import gettext as _

from marketplace.clock import local_today
from marketplace.errors import DomainError
from marketplace.hours import ledger as hours
from marketplace.hours import reminders as hour_reminders
from marketplace.hours.forms import WeekHoursForm
from marketplace.hours.ledger import week_start_of
from marketplace.hours.weeks import PlacementWeek, company_week
from marketplace.models import User


def week_arg(default_weeks_back: int = 1) -> date:
    """The Monday of ?week=<any day of it>; last week when absent or not a date."""
    return week_of(request.args.get("week"), default_weeks_back)


def week_of(typed: str | None, default_weeks_back: int = 1) -> date:
    """The Monday of the week of a typed day (a form's hidden input or the address); last
    week when absent or not a date."""
    try:
        day = date.fromisoformat(typed or "")
    except ValueError:
        day = local_today() - timedelta(weeks=default_weeks_back)
    if not date(2000, 1, 3) <= day <= date(2100, 1, 1):  # keeps week sums inside the calendar
        day = local_today() - timedelta(weeks=default_weeks_back)
    return week_start_of(day)


def neighbours(week_start: date) -> tuple[date, date | None]:
    """The week before, and the week after unless that has not begun."""
    after = week_start + timedelta(days=7)
    return week_start - timedelta(days=7), after if after <= local_today() else None


@dataclass
class BulkConfirm:
    """What confirming the chosen placements' week came to, for the page to show."""

    everyone: list[PlacementWeek]  # the company's placements with hours that week
    chosen: set[int]
    typed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # beside an input, by its name
    refused: str | None = None  # a message for the whole form: nothing was saved
    confirmed: int = 0


def confirm_chosen(
    company_id: int,
    user: User,
    week_start: date,
    chosen: set[int],
    via: str | None = None,
) -> BulkConfirm:
    """Confirm the chosen placements' week as typed in the request's form (WeekHoursForm):
    all of them, or none if one is wrong. `via` None means "page" for one week and "bulk"
    for several. Flushes; the caller's transaction (web.transactions.saving) rolls back
    when the result is refused or has errors, and commits it otherwise."""
    everyone = company_week(company_id, week_start)
    result = BulkConfirm(everyone=everyone, chosen=chosen)
    if any(w.placement.id in chosen and w.confirmation is not None for w in everyone):
        # The page was made before a colleague confirmed one of these weeks: all or nothing.
        result.refused = str(hours.ALREADY_CONFIRMED)
        return result
    weeks = [w for w in everyone if w.placement.id in chosen]
    if not weeks:
        result.refused = _("Choose at least one week that waits for confirmation.")
        return result
    typed = WeekHoursForm.for_weeks(everyone)
    result.typed = typed.typed()
    if not all(typed.holds(week) for week in weeks):
        result.refused = _("The form did not hold this week's hours, so nothing was confirmed.")
        return result
    entries = {}
    for week in weeks:
        found, wrong = typed.read_week(week)
        entries[week.placement.id] = found
        result.errors.update(wrong)
    if result.errors:
        return result
    try:
        for week in weeks:
            hours.confirm_week(
                week.placement,
                user,
                week_start,
                entries[week.placement.id],
                week.versions,
                via=via or ("bulk" if len(weeks) > 1 else "page"),
            )
    except DomainError as error:
        if error.field:
            result.errors[f"h-{week.placement.id}-{error.field}"] = str(error.message)
        else:
            result.refused = str(error.message)
        return result
    result.confirmed = len(weeks)
    hour_reminders.settle(company_id)  # the reminders of weeks no longer waiting are done
    return result

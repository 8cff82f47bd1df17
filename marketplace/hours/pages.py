"""Page helpers for hours: which week the address asks for, and confirming the chosen
placements' week from a form (the company's week page and the reminder's link share it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import request

from marketplace.clock import local_today
from marketplace.errors import DomainError
from marketplace.hours import ledger as hours
from marketplace.hours import reminders as hour_reminders
from marketplace.hours.forms import WeekHoursForm
from marketplace.hours.ledger import week_start_of
from marketplace.hours.weeks import PlacementWeek, company_week
from marketplace.i18n import gettext as _
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
    """What confirming the chosen placements' weeks came to, for the page to show."""

    weeks: dict[date, list[PlacementWeek]]  # each week's placements with hours in it
    chosen: dict[date, set[int]]
    typed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # beside an input, by its name
    refused: str | None = None  # a message for the whole form: nothing was saved
    confirmed: int = 0

    @property
    def everyone(self) -> list[PlacementWeek]:
        """The placements' weeks of every week, the first week's first."""
        return [w for weeks in self.weeks.values() for w in weeks]


def confirm_chosen(
    company_id: int,
    user: User,
    week_start: date,
    chosen: set[int],
    via: str | None = None,
    *,
    only_chosen: bool = False,
) -> BulkConfirm:
    """Confirm the chosen placements' week (confirm_chosen_weeks for one week)."""
    return confirm_chosen_weeks(
        company_id, user, {week_start: chosen}, via, only_chosen=only_chosen
    )


def confirm_chosen_weeks(
    company_id: int,
    user: User,
    chosen: dict[date, set[int]],
    via: str | None = None,
    *,
    only_chosen: bool = False,
) -> BulkConfirm:
    """Confirm the chosen placements of each week as typed in the request's form
    (WeekHoursForm): all of them, or none if one is wrong. A fixed number of statements per
    week shown, whatever the number of placements, and one write for all (ledger.confirm_weeks).
    `via` None means "page" for one placement's week and "bulk" for several. Flushes; the
    caller's transaction (web.transactions.saving) rolls back when the result is refused or
    has errors, and commits it otherwise. `only_chosen`: read the chosen placements' weeks
    only (the week page, which shows a page of them), not every placement's (the link's
    page shows them all again on an error)."""
    result = BulkConfirm(
        weeks={
            start: company_week(company_id, start, chosen[start] if only_chosen else None)
            for start in sorted(chosen)
        },
        chosen=chosen,
    )
    everyone = result.everyone
    if any(w.placement.id in chosen[w.week_start] and w.confirmation is not None for w in everyone):
        # The page was made before a colleague confirmed one of these weeks: all or nothing.
        result.refused = str(hours.ALREADY_CONFIRMED)
        return result
    weeks = [w for w in everyone if w.placement.id in chosen[w.week_start]]
    if not weeks or any(
        not any(w.week_start == start for w in weeks) for start, ids in chosen.items() if ids
    ):
        result.refused = _("Choose at least one week that waits for confirmation.")
        return result
    typed = WeekHoursForm.for_weeks(everyone)
    result.typed = typed.typed()
    if not all(typed.holds(week) for week in weeks):
        result.refused = _("The form did not hold this week's hours, so nothing was confirmed.")
        return result
    today = local_today()
    to_confirm = []
    for week in weeks:
        found, wrong = typed.read_week(week)
        result.errors.update(wrong)
        to_confirm.append(
            hours.WeekToConfirm(week.placement, week.week_start, found, week.versions)
        )
    if result.errors:
        return result
    via = via or ("bulk" if len(weeks) > 1 else "page")
    for week, entered in zip(weeks, to_confirm, strict=True):
        try:  # the rules that need no query first, so a message stands beside its input
            hours.check_week(entered, user, via, today)
        except DomainError as error:
            if error.field:
                result.errors[f"h-{week.placement.id}-{error.field}"] = str(error.message)
            else:
                result.refused = str(error.message)
            return result
    try:
        hours.confirm_weeks(to_confirm, user, via=via, today=today)
    except DomainError as error:
        result.refused = str(error.message)
        return result
    result.confirmed = len(weeks)
    hour_reminders.settle(company_id)  # the reminders of weeks no longer waiting are done
    return result

"""Page helpers both sides use for hours: which week the address asks for."""

from __future__ import annotations

from datetime import date, timedelta

from flask import request

from marketplace.hours import week_start_of
from marketplace.jobs import local_today


def week_arg(default_weeks_back: int = 1) -> date:
    """The Monday of ?week=<any day of it>; last week when absent or not a date."""
    typed = request.values.get("week", "")
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        day = local_today() - timedelta(weeks=default_weeks_back)
    if not date(2000, 1, 3) <= day <= date(2100, 1, 1):  # keeps week sums inside the calendar
        day = local_today() - timedelta(weeks=default_weeks_back)
    return week_start_of(day)


def neighbours(week_start: date) -> tuple[date, date | None]:
    """The week before, and the week after unless that has not begun."""
    after = week_start + timedelta(days=7)
    return week_start - timedelta(days=7), after if after <= local_today() else None

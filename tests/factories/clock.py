"""The dates and moments the tests share: today, a day some days on, the Monday three
weeks ago where paid hours begin (MONDAY), this week and next, noon of a day, an hour of a
week as a task receives it, and the weekdays of the shared terms (DAYS: Tuesday and
Thursday)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from marketplace.clock import LOCAL_TZ, local_today
from marketplace.hours import ledger as hours
from marketplace.models import Weekday

DAYS = int(Weekday.TUE | Weekday.THU)
MON_WED_FRI = int(Weekday.MON | Weekday.WED | Weekday.FRI)


def today() -> date:
    return local_today()


def in_days(days: int) -> date:
    return local_today() + timedelta(days=days)


MONDAY = hours.week_start_of(today()) - timedelta(days=21)  # three weeks ago
THIS_WEEK = hours.week_start_of(today())
NEXT_MONDAY = THIS_WEEK + timedelta(days=7)


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=LOCAL_TZ)


def at_hour(monday: date, hour: int, days: int = 0) -> datetime:
    """A moment of the week of `monday`, local time, as the task receives it (UTC)."""
    return datetime.combine(monday + timedelta(days=days), time(hour), LOCAL_TZ).astimezone(UTC)

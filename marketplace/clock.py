"""Time: stored in UTC, shown in Europe/Copenhagen."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Today in Copenhagen: the day a company and a jobcentre live in."""
    return utcnow().astimezone(LOCAL_TZ).date()


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, or the month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_of(day: date) -> date:
    """The first day of the day's month: how a month is named (the jobcentre's figures)."""
    return day.replace(day=1)


def next_month(month: date) -> date:
    """The first day of the month after `month`'s."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def local_midnight(day: date) -> datetime:
    """The moment a local day begins: a day's or a month's bounds for timestamps kept in UTC."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


def local_day(moment: datetime) -> date:
    """The Danish calendar day of a moment."""
    return moment.astimezone(LOCAL_TZ).date()

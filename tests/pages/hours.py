"""Reads and writes the hours pages (the week of MONDAY, WEEK, by default): the pages of a
week, the input of a day's hours, a week's number, the form an hours reminder's link opens;
the hours the database holds after a request; a week confirmed as planned, and a writer
that confirms one for tests.support.write_when_ready."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from marketplace.agreements.terms import versions_of
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import HourRecord, Placement, User, WeekConfirmation, WeekFlag
from tests.factories.clock import MONDAY
from tests.factories.hours import confirm
from tests.html_forms import PageForm, text_of
from tests.pages.forms import form_to

# The hours pages show the week of MONDAY (three weeks ago), with paid hours on TUE and THU.
WEEK = MONDAY
TUE, THU = WEEK + timedelta(days=1), WEEK + timedelta(days=3)


def name_of(placement: Placement, day: date, kind: str = "paid") -> str:
    """The name of the input of a day's hours on the hours pages."""
    return f"h-{placement.id}-{kind}-{day.isoformat()}"


def hours_week_page(browser: FlaskClient, week: date = WEEK) -> TestResponse:
    """The company's week of all its placements."""
    response = browser.get(f"/company/hours?week={week.isoformat()}")
    assert response.status_code == 200
    return response


def placement_hours_page(
    browser: FlaskClient, placement: Placement, week: date = WEEK
) -> TestResponse:
    """The company's week of one placement."""
    response = browser.get(f"/company/placements/{placement.id}/hours?week={week.isoformat()}")
    assert response.status_code == 200
    return response


def consultant_hours_page(browser: FlaskClient, placement: Placement) -> TestResponse:
    """The jobcentre's week of one placement."""
    response = browser.get(f"/placements/{placement.id}/hours?week={WEEK.isoformat()}")
    assert response.status_code == 200
    return response


def week_no(day: date) -> int:
    """The number of the week of `day`, as the pages and mails name a week."""
    return day.isocalendar().week


def link_form(browser: FlaskClient, link: str) -> PageForm:
    """The form of the page an hours reminder's link opens (posted to the link)."""
    page = browser.get(link)
    assert page.status_code == 200, text_of(page)[:2000]
    return form_to(page, link)


def records(placement: Placement) -> list[tuple[date, str, int, Decimal]]:
    """(day, kind, revision, hours) of every hour record of the placement, read afresh."""
    db.session.expire_all()
    return [
        (r.work_date, r.kind, r.revision, Decimal(r.hours))
        for r in db.session.scalars(
            select(HourRecord)
            .where(HourRecord.placement_id == placement.id)
            .order_by(HourRecord.work_date, HourRecord.kind, HourRecord.revision)
        )
    ]


def confirmations(placement: Placement) -> list[WeekConfirmation]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(WeekConfirmation)
            .where(WeekConfirmation.placement_id == placement.id)
            .order_by(WeekConfirmation.week_start, WeekConfirmation.id)
        )
    )


def everything() -> tuple[int, int, int]:
    """How many week confirmations, hour records and week flags the database holds."""
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count(WeekConfirmation.id))),
        db.session.scalar(select(func.count(HourRecord.id))),
        db.session.scalar(select(func.count(WeekFlag.id))),
    )


def confirm_planned(placement: Placement, user: User, week: date = WEEK) -> None:
    """The week confirmed by `user` as planned, straight through the domain."""
    confirm(placement, user, week)
    db.session.flush()


def confirming(
    placement_id: int, user_id: int, week: date = MONDAY
) -> Callable[[], Callable[[], str]]:
    """A writer for write_when_ready: loads the week's planned hours, then confirms them."""

    def load() -> Callable[[], str]:
        placement = db.session.get(Placement, placement_id)
        user = db.session.get(User, user_id)
        versions = versions_of(placement_id)
        entries = hours.planned(placement, versions, week)

        def confirm() -> str:
            hours.confirm_week(placement, user, week, entries, versions)
            return "confirmed"

        return confirm

    return load

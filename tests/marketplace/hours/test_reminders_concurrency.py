"""The weekly hours reminder under two writers at once, on PostgreSQL.

Two workers send the reminders at the same moment (cron runs hourly on Monday mornings, and
a run can overlap the next): each employer gets one reminder and one notification. Two
browsers post the same link at the same moment: the week is confirmed once, the link is
spent once, and the second is told the link is used.

As in tests/marketplace/hours/test_ledger_concurrency.py, the data is committed to a scratch
database of the test's own and each writer runs in its own thread, app context and database
session.
SQLite has no concurrent writers, so the tests need PostgreSQL (TEST_DATABASE_URL); locally
they are skipped without one, in CI (CI=true) they fail.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.hours import reminders as hour_reminders
from marketplace.hours.ledger import week_start_of
from marketplace.models import HourRecord, HourReminder, Notification, User, WeekConfirmation
from tests.factories import MONDAY, ladder_job, paid_placement
from tests.html_forms import text_of
from tests.pages import danish, form_to
from tests.support import run_together

HOLD = 0.5  # seconds the first writer keeps its transaction open


@pytest.fixture
def scratch(
    postgresql: None, scratch_app: Callable[[str], AbstractContextManager[Flask]]
) -> Iterator[Flask]:
    with scratch_app("reminder_race") as other:
        yield other


def a_company_with_hours_waiting(
    make_company: Callable[..., Any],
    make_user: Callable[..., User],
    make_jobcentre: Callable[..., Any],
    make_job: Callable[..., Any],
    employers: int = 2,
) -> tuple[list[int], list[int]]:
    """A company with `employers` employers and two placements whose past weeks wait;
    committed. Returns the employers' and the placements' ids."""
    company = make_company()
    staff = [make_user(company) for _ in range(employers)]
    consultant = make_user(make_jobcentre(), None)
    placements = [
        paid_placement(ladder_job(make_job, staff[0], title=f"Job {n}"), consultant, staff[0], n)
        for n in ("Anna", "Bo")
    ]
    db.session.commit()
    return [u.id for u in staff], [p.id for p in placements]


# -- Two workers send the reminders at once -----------------------------------------------


def test_two_workers_sending_at_once_write_one_reminder_per_employer(
    scratch, make_company, make_user, make_jobcentre, make_job
):
    with scratch.app_context():
        employers, _ = a_company_with_hours_waiting(
            make_company, make_user, make_jobcentre, make_job, employers=3
        )
        db.session.remove()
    now = datetime.now(UTC)
    ready = threading.Barrier(2)

    def send(hold: float) -> int:
        with scratch.app_context():
            try:
                ready.wait(timeout=10)
                written = hour_reminders.send_hour_reminders(now)
                time.sleep(hold)  # the other worker's inserts meet these uncommitted rows
                db.session.commit()
                return written
            finally:
                db.session.remove()

    results = run_together([lambda: send(HOLD), lambda: send(0)])
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == len(employers), results

    with scratch.app_context():
        try:
            reminders = db.session.execute(
                select(HourReminder.user_id, HourReminder.sent_for_week, HourReminder.opens_week)
            ).all()
            last_week = week_start_of(local_today()) - timedelta(weeks=1)
            assert sorted(reminders) == [(u, last_week, MONDAY) for u in sorted(employers)]
            notices = db.session.execute(
                select(Notification.recipient_id, func.count())
                .where(Notification.kind == "hours_waiting")
                .group_by(Notification.recipient_id)
            ).all()
            assert sorted(notices) == [(u, 1) for u in sorted(employers)]
            # A third run afterwards finds everything sent.
            assert hour_reminders.send_hour_reminders(now) == 0
        finally:
            db.session.remove()


# -- Two browsers post the same link at once ----------------------------------------------


def test_the_same_link_posted_twice_at_once_confirms_once(
    scratch, monkeypatch, make_company, make_user, make_jobcentre, make_job
):
    with scratch.app_context():
        employers, placements = a_company_with_hours_waiting(
            make_company, make_user, make_jobcentre, make_job
        )
        assert hour_reminders.send_hour_reminders() == len(employers)
        db.session.commit()
        reminder = db.session.scalar(
            select(HourReminder).where(HourReminder.user_id == employers[1])
        )
        reminder_id = reminder.id
        link = f"/company/hours/link/{hour_reminders.token_for(reminder)}"
        db.session.remove()

    # Each browser opens the page (its own CSRF token), then both press the button at once.
    browsers = [scratch.test_client(), scratch.test_client()]
    forms = []
    for browser in browsers:
        page = browser.get(link)
        assert page.status_code == 200, text_of(page)[:2000]
        forms.append(form_to(page, link).values)
    # One set of tick boxes per waiting week ("confirm-<monday>"); every placement is ticked.
    weeks = sorted(
        date.fromisoformat(key.removeprefix("confirm-"))
        for key in forms[0]
        if key.startswith("confirm-")
    )
    assert weeks[0] == MONDAY
    assert len(weeks) > 1
    ticked = {v for key in forms[0] if key.startswith("confirm-") for v in forms[0][key]}
    assert sorted(ticked) == sorted(str(p) for p in placements)

    # The first writer keeps its transaction open after confirming, so the second arrives
    # while the link is spent but not yet committed.
    from employers import hours_link_routes

    confirm = hours_link_routes.confirm_chosen_weeks
    first = threading.Event()

    def slow_confirm(*args: Any, **kwargs: Any) -> Any:
        result = confirm(*args, **kwargs)
        if not first.is_set():
            first.set()
            time.sleep(HOLD)
        return result

    monkeypatch.setattr(hours_link_routes, "confirm_chosen_weeks", slow_confirm)
    ready = threading.Barrier(2)

    def post(index: int) -> tuple[int, str, str]:
        ready.wait(timeout=10)
        response = browsers[index].post(link, data=forms[index])
        return response.status_code, response.headers.get("Location", ""), text_of(response)

    results = run_together([lambda: post(0), lambda: post(1)])
    assert all(isinstance(r, tuple) for r in results), results
    statuses = sorted((status, location) for status, location, _ in results)
    assert statuses == [(302, f"{link}/done"), (410, "")], statuses
    [refused] = [page for status, _, page in results if status == 410]
    assert danish(hour_reminders.USED) in refused

    with scratch.app_context():
        try:
            spent = db.session.get(HourReminder, reminder_id)
            assert spent.used_at is not None
            confirmations = db.session.execute(
                select(
                    WeekConfirmation.placement_id,
                    WeekConfirmation.week_start,
                    WeekConfirmation.via,
                    WeekConfirmation.confirmed_by_id,
                )
            ).all()
            assert sorted(confirmations) == [
                (p, week, "link", employers[1]) for p in sorted(placements) for week in weeks
            ]
            records = db.session.execute(
                select(HourRecord.placement_id, func.count(), func.sum(HourRecord.hours))
                .group_by(HourRecord.placement_id)
                .order_by(HourRecord.placement_id)
            ).all()
            assert records == [
                (p, 2 * len(weeks), Decimal(6 * len(weeks))) for p in sorted(placements)
            ]
        finally:
            db.session.remove()

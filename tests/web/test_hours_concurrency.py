"""Two people confirm the same placement's week at the same moment, on PostgreSQL: one wins,
the other is told (AlreadyConfirmed), and no hour is counted twice.

The test's own per-test transaction cannot hold this: two writers need two connections that
see committed data. So the placement is committed to a scratch database of this test's own
(tests.databases.scratch_database), and two threads, each in its own app context and database
session, confirm it. SQLite has no concurrent writers, so the test needs PostgreSQL
(TEST_DATABASE_URL); locally it is skipped without one, in CI (CI=true) it fails.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace import hours
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.ladder_terms import versions_of
from marketplace.models import HourRecord, Placement, User, WeekConfirmation
from tests.conftest import migrate_to_head
from tests.databases import scratch_database
from tests.unit.test_hour_records import MONDAY, paid_placement
from tests.unit.test_ladder_steps import ladder_job


def confirm_in_thread(
    app: Flask,
    placement_id: int,
    user_id: int,
    ready: threading.Barrier,
    hold: float,
    outcome: dict[str, Any],
    key: str,
) -> None:
    """Load everything, wait for the other writer, confirm, hold the transaction open a
    moment (so the other's insert meets the uncommitted row), then commit."""
    try:
        with app.app_context():
            try:
                placement = db.session.get(Placement, placement_id)
                user = db.session.get(User, user_id)
                versions = versions_of(placement_id)
                entries = hours.planned(placement, versions, MONDAY)
                ready.wait(timeout=10)
                hours.confirm_week(placement, user, MONDAY, entries, versions)
                time.sleep(hold)
                db.session.commit()
                outcome[key] = "confirmed"
            except DomainError as error:
                db.session.rollback()
                outcome[key] = error
            finally:
                db.session.remove()
    except BaseException as error:  # surfaced by the test, not lost in the thread
        outcome[key] = error


@pytest.mark.usefixtures("postgresql")
def test_two_confirmations_of_one_week_at_once_one_wins(
    workdir: Path,
    make_app: Callable[..., Flask],
    make_company: Callable[..., Any],
    make_user: Callable[..., User],
    make_jobcentre: Callable[..., Any],
    make_job: Callable[..., Any],
) -> None:
    with scratch_database(workdir, "hours_race") as url:
        other = make_app(url)
        migrate_to_head(other)
        try:
            with other.app_context():
                company = make_company()
                employer, colleague = make_user(company), make_user(company)
                consultant = make_user(make_jobcentre(), None)
                placement = paid_placement(ladder_job(make_job, employer), consultant, employer)
                planned = hours.planned(placement, versions_of(placement.id), MONDAY)
                assert planned, "the week must have planned hours"
                ids = (placement.id, employer.id, colleague.id)
                db.session.commit()
                db.session.remove()

            ready = threading.Barrier(2)
            outcome: dict[str, Any] = {}
            threads = [
                threading.Thread(
                    target=confirm_in_thread,
                    args=(other, ids[0], user_id, ready, 0.5, outcome, key),
                )
                for key, user_id in (("first", ids[1]), ("second", ids[2]))
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert not any(t.is_alive() for t in threads), "a writer hung"

            results = sorted(outcome.values(), key=lambda r: r != "confirmed")
            assert len(results) == 2, outcome
            assert results[0] == "confirmed", outcome
            assert isinstance(results[1], hours.AlreadyConfirmed), outcome

            with other.app_context():
                try:
                    confirmations = db.session.scalars(
                        select(WeekConfirmation).where(WeekConfirmation.placement_id == ids[0])
                    ).all()
                    assert len(confirmations) == 1
                    rows = db.session.execute(
                        select(
                            HourRecord.work_date,
                            HourRecord.kind,
                            func.count(),
                            func.sum(HourRecord.hours),
                        )
                        .where(HourRecord.placement_id == ids[0])
                        .group_by(HourRecord.work_date, HourRecord.kind)
                        .order_by(HourRecord.work_date)
                    ).all()
                    assert [
                        (day, kind.value, 1, hours_) for (day, kind), hours_ in planned.items()
                    ] == [(day, kind, count, Decimal(total)) for day, kind, count, total in rows]
                    assert {
                        r.confirmation_id
                        for r in db.session.scalars(
                            select(HourRecord).where(HourRecord.placement_id == ids[0])
                        )
                    } == {confirmations[0].id}
                finally:
                    db.session.remove()
        finally:
            with other.app_context():
                db.session.remove()
                db.engine.dispose()

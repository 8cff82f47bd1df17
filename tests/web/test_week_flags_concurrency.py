"""Two consultants flag the same week at the same moment, on PostgreSQL: one flag, one notice
per employer; with two different questions, one is asked and the other is told to wait.

Two writers need two connections that see committed data, so the placement is committed to
a scratch database of this test's own and two threads flag it (as in test_hours_concurrency).
Skipped on SQLite locally (it serialises every write); failing in CI without PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace import hour_flags, hours
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.ladder_terms import versions_of
from marketplace.models import Notification, Placement, User, WeekFlag
from tests.conftest import migrate_to_head
from tests.databases import scratch_database
from tests.unit.test_hour_records import MONDAY, paid_placement
from tests.unit.test_ladder_steps import ladder_job


def flag_in_thread(
    app: Flask,
    placement_id: int,
    user_id: int,
    comment: str,
    ready: threading.Barrier,
    outcome: dict[str, Any],
    key: str,
) -> None:
    """Load, wait for the other writer, flag, hold the transaction open a moment (so the
    other's insert meets the uncommitted row), then commit."""
    try:
        with app.app_context():
            try:
                placement = db.session.get(Placement, placement_id)
                user = db.session.get(User, user_id)
                ready.wait(timeout=10)
                flag = hour_flags.flag_week(placement, user, MONDAY, comment)
                time.sleep(0.5)
                db.session.commit()
                outcome[key] = flag.id
            except DomainError as error:
                db.session.rollback()
                outcome[key] = error
            finally:
                db.session.remove()
    except BaseException as error:  # surfaced by the test, not lost in the thread
        outcome[key] = error


@pytest.mark.usefixtures("postgresql")
@pytest.mark.parametrize("comments", [("Fri?", "Fri?"), ("Fri?", "Og fredag?")])
def test_two_flags_of_one_week_at_once_make_one(
    workdir: Path,
    make_app: Callable[..., Flask],
    make_company: Callable[..., Any],
    make_user: Callable[..., User],
    make_jobcentre: Callable[..., Any],
    make_job: Callable[..., Any],
    comments: tuple[str, str],
) -> None:
    with scratch_database(workdir, "flags_race") as url:
        other = make_app(url)
        migrate_to_head(other)
        try:
            with other.app_context():
                employer = make_user(make_company())
                jobcentre = make_jobcentre()
                consultants = [make_user(jobcentre, None), make_user(jobcentre, None)]
                placement = paid_placement(ladder_job(make_job, employer), consultants[0], employer)
                versions = versions_of(placement.id)
                planned = hours.planned(placement, versions, MONDAY)
                hours.confirm_week(placement, employer, MONDAY, planned, versions)
                ids = (placement.id, employer.id, *(c.id for c in consultants))
                db.session.commit()
                db.session.remove()

            ready = threading.Barrier(2)
            outcome: dict[str, Any] = {}
            threads = [
                threading.Thread(
                    target=flag_in_thread,
                    args=(other, ids[0], user_id, comment, ready, outcome, str(n)),
                )
                for n, (user_id, comment) in enumerate(zip(ids[2:], comments, strict=True))
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert not any(t.is_alive() for t in threads), "a writer hung"

            results = list(outcome.values())
            assert len(results) == 2, outcome
            assert not [r for r in results if not isinstance(r, int | DomainError)], outcome
            if comments[0] == comments[1]:
                assert results[0] == results[1], outcome  # both are told of the same flag
            else:
                assert sorted(type(r).__name__ for r in results) == ["DomainError", "int"]

            with other.app_context():
                try:
                    assert db.session.scalar(select(func.count(WeekFlag.id))) == 1
                    told = db.session.scalar(
                        select(func.count(Notification.id)).where(
                            Notification.recipient_id == ids[1],
                            Notification.kind == "week_flagged",
                        )
                    )
                    assert told == 1
                finally:
                    db.session.remove()
        finally:
            with other.app_context():
                db.session.remove()
                db.engine.dispose()

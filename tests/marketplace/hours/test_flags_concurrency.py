"""Two consultants flag the same week at the same moment, on PostgreSQL: one flag, one notice
per employer; with two different questions, one is asked and the other is told to wait.

Two writers need two connections that see committed data, so the placement is committed to
a scratch database of this test's own and two threads flag it (as in test_ledger_concurrency).
Skipped on SQLite locally (it serialises every write); failing in CI without PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import partial
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace.agreements.terms import versions_of
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.hours import flags as hour_flags
from marketplace.hours import ledger as hours
from marketplace.models import Notification, Placement, User, WeekFlag
from tests.factories import MONDAY, ladder_job, paid_placement
from tests.support import run_together, write_when_ready


def flagging(placement_id: int, user_id: int, comment: str) -> Callable[[], Callable[[], int]]:
    def load() -> Callable[[], int]:
        placement = db.session.get(Placement, placement_id)
        user = db.session.get(User, user_id)
        return lambda: hour_flags.flag_week(placement, user, MONDAY, comment).id

    return load


@pytest.mark.usefixtures("postgresql")
@pytest.mark.parametrize("comments", [("Fri?", "Fri?"), ("Fri?", "Og fredag?")])
def test_two_flags_of_one_week_at_once_make_one(
    scratch_app: Callable[[str], AbstractContextManager[Flask]],
    make_company: Callable[..., Any],
    make_user: Callable[..., User],
    make_jobcentre: Callable[..., Any],
    make_job: Callable[..., Any],
    comments: tuple[str, str],
) -> None:
    with scratch_app("flags_race") as other:
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
        results = run_together(
            [
                partial(write_when_ready, other, flagging(ids[0], user_id, comment), ready, 0.5)
                for user_id, comment in zip(ids[2:], comments, strict=True)
            ]
        )
        assert not [r for r in results if not isinstance(r, int | DomainError)], results
        if comments[0] == comments[1]:
            assert results[0] == results[1], results  # both are told of the same flag
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

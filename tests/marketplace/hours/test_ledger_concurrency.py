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
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace.agreements.terms import versions_of
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import HourRecord, User, WeekConfirmation
from tests.factories import MONDAY, ladder_job, paid_placement
from tests.pages import confirming
from tests.support import run_together, write_when_ready


@pytest.mark.usefixtures("postgresql")
def test_two_confirmations_of_one_week_at_once_one_wins(
    scratch_app: Callable[[str], AbstractContextManager[Flask]],
    make_company: Callable[..., Any],
    make_user: Callable[..., User],
    make_jobcentre: Callable[..., Any],
    make_job: Callable[..., Any],
) -> None:
    with scratch_app("hours_race") as other:
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
        results = run_together(
            [
                partial(write_when_ready, other, confirming(ids[0], user_id), ready, 0.5)
                for user_id in (ids[1], ids[2])
            ]
        )
        results.sort(key=lambda r: r != "confirmed")
        assert len(results) == 2, results
        assert results[0] == "confirmed", results
        assert isinstance(results[1], hours.AlreadyConfirmed), results

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

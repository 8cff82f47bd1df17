"""Two retention runs at the same moment, on PostgreSQL: they take turns per kind, batch by
batch, so they share the work; every person is handled once per kind (the run is ten years
on, so the hour figures' rule is due too), never twice and never skipped, and the erasure
records count each person once. (With SKIP LOCKED instead, a run whose query began before
the other's commit handled the same people again: 8 of 6.)

As in the other concurrency tests, the data is committed to a scratch database of the test's
own and each run has its own thread, app context and session. SQLite has no concurrent
writers: locally the test is skipped without PostgreSQL, in CI it fails.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import ErasureRecord, RetentionKind, RetentionProgress, Role
from marketplace.privacy import retention
from tests.factories import SENTINEL, TEN_YEARS, holding, later, person
from tests.support import run_together

PEOPLE = 6


@pytest.fixture
def scratch(
    postgresql: None, scratch_app: Callable[[str], AbstractContextManager[Flask]]
) -> Iterator[Flask]:
    with scratch_app("retention_race") as other:
        yield other


def test_two_runs_at_once_handle_each_person_once(
    scratch: Flask,
    monkeypatch: pytest.MonkeyPatch,
    make_jobcentre: Callable[..., Any],
    make_user: Callable[..., Any],
):
    with scratch.app_context():
        consultant = make_user(make_jobcentre(), Role.CONSULTANT)
        for _ in range(PEOPLE):
            person(consultant, closed=True)
        db.session.commit()
        db.session.remove()

    erase_identity = retention.HANDLERS[RetentionKind.IDENTITY]

    def slowly(ids: Sequence[int]) -> None:
        erase_identity(ids)
        time.sleep(0.3)  # the other run waits for its turn at this kind meanwhile

    monkeypatch.setitem(retention.HANDLERS, RetentionKind.IDENTITY, slowly)
    now = later(TEN_YEARS)
    ready = threading.Barrier(2)

    def run() -> int:
        with scratch.app_context():
            try:
                ready.wait(timeout=10)
                report = retention.run(now, batch_size=2, max_batches=10)
                return report.people[RetentionKind.IDENTITY]
            finally:
                db.session.remove()

    results = run_together([run, run])
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == PEOPLE
    assert all(r > 0 for r in results), results  # the work was shared

    with scratch.app_context():
        try:
            assert holding(SENTINEL) == []
            per_kind = dict(
                db.session.execute(
                    select(ErasureRecord.kind, func.sum(ErasureRecord.people)).group_by(
                        ErasureRecord.kind
                    )
                ).all()
            )
            assert per_kind == {kind.value: PEOPLE for kind in RetentionKind}
            marks = db.session.scalar(select(func.count()).select_from(RetentionProgress))
            assert marks == PEOPLE * len(RetentionKind)
        finally:
            db.session.remove()

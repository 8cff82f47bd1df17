"""Two colleagues of the company send the same assessment at the same moment, on PostgreSQL:
one answer is kept whole, the other sender is told it was already sent (a DomainError), and
nothing of the second is mixed into the first (placements.assessments.submit writes the answer
in one UPDATE while unanswered). Two sweeps reminding at once remind each request once.

Set up and run like test_steps_concurrency.py: a scratch database of the test's own, two
threads each in its own app context and session; SQLite has no concurrent writers, so the test
needs PostgreSQL (TEST_DATABASE_URL).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace.clock import local_today, utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Assessment, AssessmentKind, Notification, Recommendation, User
from marketplace.placements import assessment_requests
from marketplace.placements.assessments import submit
from tests.factories import climb, request_for
from tests.factories.figures import PRAKTIK_MONDAY
from tests.marketplace.placements.test_assessments import good
from tests.support import run_together, write_when_ready

HOLD = 0.5


def sending(assessment_id: int, user_id: int, hours: str) -> Callable[[], Callable[[], str]]:
    def load() -> Callable[[], str]:
        assessment = db.session.get(Assessment, assessment_id)
        user = db.session.get(User, user_id)
        assert assessment.submitted_at is None  # both opened the form before either sent

        def send() -> str:
            answer = good(recommendation=Recommendation.PAID, recommended_hours=Decimal(hours))
            submit(assessment, user, answer, local_today())
            return hours

        return send

    return load


@pytest.mark.usefixtures("postgresql")
def test_two_colleagues_sending_at_once_keep_one_answer_whole(
    scratch_app: Callable[[str], AbstractContextManager[Flask]],
    make_company: Callable[..., Any],
    make_user: Callable[..., User],
    make_jobcentre: Callable[..., Any],
    make_job: Callable[..., Any],
) -> None:
    with scratch_app("assessment_race") as other:
        with other.app_context():
            employer = make_user(make_company())
            colleague = make_user(employer.organisation, name="Kollega Karen")
            consultant = make_user(make_jobcentre(), None)
            job = make_job(employer.organisation, employer)
            placement = climb(job, consultant, employer, "Pia Praktik", to="praktik")
            last = PRAKTIK_MONDAY + timedelta(days=27)
            asked = request_for(placement, AssessmentKind.PRAKTIK, PRAKTIK_MONDAY, last)
            ids = (asked.id, employer.id, colleague.id)
            db.session.commit()
            db.session.remove()

        ready = threading.Barrier(2)
        results = run_together(
            [
                partial(write_when_ready, other, sending(ids[0], ids[1], "6"), ready, HOLD),
                partial(write_when_ready, other, sending(ids[0], ids[2], "9"), ready, HOLD),
            ]
        )
        kept = [r for r in results if isinstance(r, str)]
        refused = [r for r in results if isinstance(r, DomainError)]
        assert len(kept) == 1, results
        assert len(refused) == 1, results
        assert "allerede sendt" in str(refused[0].message)
        with other.app_context():
            try:
                row = db.session.get(Assessment, ids[0])
                winner = ids[1] if kept == ["6"] else ids[2]
                assert (row.submitted_by_id, str(row.recommended_hours)) == (
                    winner,
                    f"{kept[0]}.0",
                )
                told = db.session.scalar(
                    select(func.count()).where(Notification.kind == "assessment_submitted")
                )
                assert told == 1  # the consultant is told once
            finally:
                db.session.remove()


@pytest.mark.usefixtures("postgresql")
def test_two_sweeps_reminding_at_once_remind_each_request_once(
    scratch_app: Callable[[str], AbstractContextManager[Flask]],
    make_company: Callable[..., Any],
    make_user: Callable[..., User],
    make_jobcentre: Callable[..., Any],
    make_job: Callable[..., Any],
) -> None:
    with scratch_app("assessment_reminder_race") as other:
        with other.app_context():
            employer = make_user(make_company())
            consultant = make_user(make_jobcentre(), None)
            job = make_job(employer.organisation, employer)
            for name in ("Anna", "Bent", "Carl"):
                placement = climb(job, consultant, employer, name, to="praktik")
                last = PRAKTIK_MONDAY + timedelta(days=27)
                asked = request_for(placement, AssessmentKind.PRAKTIK, PRAKTIK_MONDAY, last)
                asked.requested_at = utcnow() - timedelta(days=4)
            db.session.commit()
            db.session.remove()

        def sweep() -> Callable[[], int]:
            def load() -> Callable[[], int]:
                return lambda: assessment_requests.remind(utcnow(), 1)

            return load()

        ready = threading.Barrier(2)
        results = run_together(
            [partial(write_when_ready, other, sweep, ready, 0) for _ in range(2)]
        )
        assert not [r for r in results if isinstance(r, BaseException)], results
        assert sum(results) == 3, results
        with other.app_context():
            try:
                reminded = db.session.scalar(
                    select(func.count()).where(Notification.kind == "assessment_reminder")
                )
                assert reminded == 3
            finally:
                db.session.remove()

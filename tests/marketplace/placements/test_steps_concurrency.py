"""A week confirmed and a change of hours starting inside it accepted at the same moment, on
PostgreSQL: one of them wins, the other is told (a DomainError, never an unhandled
IntegrityError), and afterwards no terms version begins inside a confirmed week.

Each check in the domain reads what was committed before it ran, so the two writers could
each pass their own check; the triggers of migration 0009 lock the placement's row for both,
which serialises them. The placement is committed to a scratch database of this test's own
(tests.databases.scratch_database), and two threads, each in its own app context and session,
act on it. Which one acts first is set by an event (the second acts once the first has
written), so both orders are tried, and once with both at the same moment. SQLite has no
concurrent writers, so the test needs PostgreSQL (TEST_DATABASE_URL); locally it is skipped
without one, in CI (CI=true) it fails.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from marketplace.agreements.terms import latest_terms, versions_of
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import (
    Placement,
    PlacementStep,
    PlacementTerms,
    StepKind,
    User,
    WeekConfirmation,
    Weekday,
)
from marketplace.placements import ladder as placements
from marketplace.placements.steps import hours_change
from tests.factories import MONDAY, ladder_job, paid_placement
from tests.pages import confirming
from tests.support import run_together, write_when_ready

WEEK = MONDAY + timedelta(days=7)  # two weeks ago: not confirmed yet
HOLD = 0.8  # how long the first writer keeps its transaction open


def accepting(step_id: int, consultant_id: int) -> Callable[[], Callable[[], str]]:
    def load() -> Callable[[], str]:
        step = db.session.get(PlacementStep, step_id)
        user = db.session.get(User, consultant_id)
        seen = db.session.get(Placement, step.placement_id).version

        def accept() -> str:
            placements.accept_step(step, user, seen)
            db.session.flush()
            return "accepted"

        return accept

    return load


def overlaps(versions: list[PlacementTerms], confirmed: list[date]) -> list[tuple[int, date]]:
    """(version number, week) for every version that begins inside a confirmed week."""
    return [
        (v.number, week)
        for v in versions
        for week in confirmed
        if week <= v.effective_from <= week + timedelta(days=6)
    ]


@pytest.mark.usefixtures("postgresql")
@pytest.mark.parametrize("first", ["confirmation", "acceptance", "neither"])
def test_a_confirmation_and_an_acceptance_inside_its_week_never_both_win(
    scratch_app: Callable[[str], AbstractContextManager[Flask]],
    make_company: Callable[..., Any],
    make_user: Callable[..., User],
    make_jobcentre: Callable[..., Any],
    make_job: Callable[..., Any],
    first: str,
) -> None:
    with scratch_app("hour_requests_race") as other:
        with other.app_context():
            employer = make_user(make_company())
            consultant = make_user(make_jobcentre(), None)
            placement = paid_placement(ladder_job(make_job, employer), consultant, employer)
            assert hours.planned(placement, versions_of(placement.id), WEEK)
            change = hours_change(
                latest_terms(placement.id),
                WEEK + timedelta(days=2),  # the Wednesday of the week
                Decimal(10),
                int(Weekday.TUE | Weekday.THU),
                "Hun arbejder allerede mere",
            )
            step = placements.propose_step(
                placement, employer, StepKind.HOURS, change, placement.version
            )
            ids = (placement.id, step.id, employer.id, consultant.id)
            db.session.commit()
            db.session.remove()

        # Who writes first is set by an event: the second acts once the first has written
        # (and holds its lock); "neither" lets both go at once.
        went = threading.Event()
        order = {
            "confirmation": ({"acted": went}, {"after": went}),
            "acceptance": ({"after": went}, {"acted": went}),
            "neither": ({}, {}),
        }[first]
        ready = threading.Barrier(2)
        writers = {
            "week": confirming(ids[0], ids[2], WEEK),
            "step": accepting(ids[1], ids[3]),
        }
        results = run_together(
            [
                partial(write_when_ready, other, load, ready, HOLD, **events)
                for load, events in zip(writers.values(), order, strict=True)
            ]
        )
        outcome = dict(zip(writers, results, strict=True))
        unexpected = {
            k: v
            for k, v in outcome.items()
            if isinstance(v, BaseException) and not isinstance(v, DomainError)
        }
        assert unexpected == {}, unexpected
        winners = sorted(k for k, v in outcome.items() if isinstance(v, str))
        assert len(winners) == 1, f"{first} first: {outcome}"
        if first == "confirmation":
            assert winners == ["week"], outcome
            # Refused either by the trigger (its write met the confirmation) or, when its
            # check ran after the confirmation's commit, by the check that reads it.
            refusal = outcome["step"]
            assert refusal.message == placements.CONFIRMED_MEANWHILE or (
                refusal.field == "start_on"
                and (WEEK + timedelta(days=6)).strftime("%d.%m.%Y") in str(refusal.message)
            ), refusal
        if first == "acceptance":
            assert winners == ["step"], outcome

        with other.app_context():
            try:
                versions = versions_of(ids[0])
                confirmed = list(
                    db.session.scalars(
                        select(WeekConfirmation.week_start).where(
                            WeekConfirmation.placement_id == ids[0]
                        )
                    )
                )
                assert overlaps(versions, confirmed) == [], (versions, confirmed)
                step_now = db.session.get(PlacementStep, ids[1])
                if winners == ["week"]:
                    assert confirmed == [WEEK]
                    assert [v.number for v in versions] == [1]
                    assert step_now.status == "waiting"  # to withdraw, or decline
                else:
                    assert confirmed == []
                    assert [v.paid_hours for v in versions] == [Decimal(6), Decimal(10)]
                    assert step_now.status == "accepted"
            finally:
                db.session.remove()

"""Periodic work in bounded batches (issue 16): the weekly hours reminders walk the companies
in keyset batches of SWEEP_BATCH, commit each batch, pick up where a crashed run stopped
without writing anything twice, and hold one batch in memory at a time.

The town is built in bulk with bench/hours.py's builders (the factories would take minutes for
thousands of rows): companies with one employer each, and placements in paid hours since four
weeks ago with nothing confirmed, so each company has four weeks waiting.
"""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from bench.hours import Ids, Spec, build_companies, build_placements, next_id
from bench.matching import build as build_candidates
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.hours import reminders as hour_reminders
from marketplace.hours.ledger import open_on, week_days, week_start_of
from marketplace.models import (
    Candidate,
    HourKind,
    HourReminder,
    Job,
    Jobcentre,
    Notification,
    Organisation,
    Placement,
    PlacementTerms,
    Proposal,
    ProposalStatus,
    Role,
    User,
    WeekConfirmation,
    Workplace,
)
from marketplace.placements.reminders import placement_reminders
from marketplace.proposals import lifecycle

THIS_MONDAY = week_start_of(local_today())
FIRST_WEEK = THIS_MONDAY - timedelta(weeks=4)
NOW = datetime.combine(THIS_MONDAY, datetime.min.time()).replace(hour=7, tzinfo=UTC)


def build_town(make_jobcentre, make_user, companies: int, placements: int) -> list[int]:
    """`companies` companies sharing `placements` placements; returns the employers' ids."""
    jobcentre = make_jobcentre()
    make_user(jobcentre, Role.CONSULTANT)
    db.session.commit()
    first_candidate = next_id(Candidate)
    build_candidates(placements)
    ids = Ids(
        organisation=next_id(Organisation),
        user=next_id(User),
        workplace=next_id(Workplace),
        job=next_id(Job),
        proposal=next_id(Proposal),
        placement=next_id(Placement),
        terms=next_id(PlacementTerms),
        confirmation=next_id(WeekConfirmation),
    )
    build_companies(companies, ids, [760])
    specs = [
        Spec(first_candidate + n, n % companies, FIRST_WEEK, 4, 31, 10, 0, 0, ended=False)
        for n in range(placements)
    ]
    consultant = db.session.scalar(select(User.id).where(User.role == Role.CONSULTANT.value))
    build_placements(specs, ids, jobcentre.id, consultant)
    return list(range(ids.user, ids.user + companies))


@pytest.fixture
def commits(monkeypatch) -> list[int]:
    """Counts the session's commits (a savepoint's release is not one)."""
    seen: list[int] = []
    commit = db.session.commit

    def counted() -> None:
        seen.append(1)
        commit()

    monkeypatch.setattr(db.session, "commit", counted)
    return seen


def reminders() -> list[tuple[int, object, object, int]]:
    return sorted(
        db.session.execute(
            select(
                HourReminder.user_id,
                HourReminder.sent_for_week,
                HourReminder.opens_week,
                HourReminder.weeks_waiting,
            )
        ).all()
    )


def notices() -> int:
    return db.session.scalar(select(func.count()).where(Notification.kind == hour_reminders.KIND))


def test_hour_reminders_commit_each_batch_and_a_rerun_finishes_a_crashed_run(
    app, make_jobcentre, make_user, commits, monkeypatch
):
    employers = build_town(make_jobcentre, make_user, companies=12, placements=24)
    app.config["SWEEP_BATCH"] = 5  # three batches: 5, 5 and 2 companies
    whole = hour_reminders._remind_batch
    calls: list[int] = []

    def crash_in_third(*args: object) -> int:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the worker died")
        return whole(*args)

    monkeypatch.setattr(hour_reminders, "_remind_batch", crash_in_third)
    commits.clear()
    with pytest.raises(RuntimeError):
        hour_reminders.send_hour_reminders(NOW)
    db.session.rollback()
    assert len(commits) == 2  # one per finished batch
    assert len(reminders()) == 10  # the first two batches stay done
    assert notices() == 10

    monkeypatch.setattr(hour_reminders, "_remind_batch", whole)
    assert hour_reminders.send_hour_reminders(NOW) == 2  # only what the crash left
    last_week = THIS_MONDAY - timedelta(weeks=1)
    # The same reminders as one run in one go: every employer once, four weeks from the first.
    assert reminders() == [(user, last_week, FIRST_WEEK, 4) for user in employers]
    assert notices() == 12
    assert hour_reminders.send_hour_reminders(NOW) == 0  # and a third run writes nothing


def _peak(run: Callable[[], object]) -> int:
    db.session.expunge_all()  # the build's rows are not the run's memory
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_hour_reminders_hold_one_batch_in_memory(app, make_jobcentre, make_user):
    """2,000 placements at 100 companies: in batches of 5 companies the run's peak stays
    small; loading every company at once (the run before batches) takes several times more."""
    build_town(make_jobcentre, make_user, companies=100, placements=2000)
    app.config["SWEEP_BATCH"] = 5
    batched = _peak(lambda: hour_reminders.send_hour_reminders(NOW))
    assert len(reminders()) == 100
    db.session.execute(HourReminder.__table__.delete())
    db.session.execute(Notification.__table__.delete())
    db.session.commit()
    app.config["SWEEP_BATCH"] = 100_000
    at_once = _peak(lambda: hour_reminders.send_hour_reminders(NOW))
    assert len(reminders()) == 100
    assert batched < 6 * 2**20, batched
    assert batched * 3 < at_once, (batched, at_once)


def test_open_weeks_by_spans_match_the_day_by_day_rule():
    """waiting_weeks finds a placement's open weeks from each terms version's span; the rule
    it must match is ledger.open_on asked day by day, here over random terms histories."""
    rng = random.Random(16)
    first = date(2026, 1, 5)
    last = first + timedelta(weeks=11)
    for _ in range(300):
        versions = []
        day = first - timedelta(days=rng.randint(0, 60))
        for number in range(1, rng.randint(1, 4) + 1):
            day += timedelta(days=rng.randint(0, 40))
            unpaid_from = day + timedelta(days=rng.randint(-5, 20)) if rng.random() < 0.6 else None
            versions.append(
                PlacementTerms(
                    number=number,
                    effective_from=day,
                    paid_from=day + timedelta(days=rng.randint(0, 30))
                    if rng.random() < 0.6
                    else None,
                    unpaid_from=unpaid_from,
                    unpaid_to=unpaid_from + timedelta(days=rng.randint(0, 25))
                    if unpaid_from
                    else None,
                )
            )
        ended = last - timedelta(days=rng.randint(0, 90)) if rng.random() < 0.4 else None
        placement = Placement(ended_on=ended)
        by_days = {
            week
            for n in range(12)
            for week in [first + timedelta(weeks=n)]
            if any(
                open_on(placement, versions, kind, day)
                for day in week_days(week)
                for kind in (HourKind.PRAKTIK, HourKind.PAID)
            )
        }
        assert hour_reminders._open_weeks(ended, versions, first, last) == by_days


# -- The reminders each sweep runs ----------------------------------------------------------


def test_placement_reminders_commit_each_batch_of_placements(
    app, make_jobcentre, make_user, commits
):
    build_town(make_jobcentre, make_user, companies=3, placements=5)
    app.config["SWEEP_BATCH"] = 2  # three batches: 2, 2 and 1 placements
    commits.clear()
    placement_reminders(NOW)
    assert len(commits) == 3


def test_proposals_expire_in_batches_and_a_rerun_finishes_a_crashed_sweep(
    app, make_jobcentre, make_user, commits, monkeypatch
):
    build_town(make_jobcentre, make_user, companies=5, placements=0)
    jobcentre = db.session.scalar(select(Jobcentre.id))
    consultant = db.session.scalar(select(User.id).where(User.role == Role.CONSULTANT.value))
    first_candidate = next_id(Candidate)
    build_candidates(5)
    jobs = db.session.execute(select(Job.id, Job.company_id).order_by(Job.id)).all()
    old = datetime.now(UTC) - timedelta(days=30)
    db.session.execute(
        insert(Proposal),
        [
            {
                "job_id": job_id,
                "candidate_id": first_candidate + n,
                "company_id": company_id,
                "jobcentre_id": jobcentre,
                "proposed_by_id": consultant,
                "pitch": "Batch",
                "status": ProposalStatus.WAITING.value,
                "created_at": old,
            }
            for n, (job_id, company_id) in enumerate(jobs)
        ],
    )
    db.session.commit()
    app.config["SWEEP_BATCH"] = 2  # three batches: 2, 2 and 1 proposals
    told = lifecycle.notify
    calls: list[int] = []

    def dies_at_the_fifth(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("the worker died")
        return told(*args, **kwargs)

    monkeypatch.setattr(lifecycle, "notify", dies_at_the_fifth)
    commits.clear()
    with pytest.raises(RuntimeError):
        lifecycle.remind_and_expire(NOW)
    db.session.rollback()
    assert len(commits) == 2

    def expired() -> int:
        return db.session.scalar(
            select(func.count()).where(Proposal.status == ProposalStatus.EXPIRED.value)
        )

    def told_expired() -> int:
        return db.session.scalar(
            select(func.count()).where(Notification.kind == "proposal_expired")
        )

    assert expired() == 4
    assert told_expired() == 4
    monkeypatch.setattr(lifecycle, "notify", told)
    assert lifecycle.remind_and_expire(NOW) == 1
    assert expired() == 5
    assert told_expired() == 5

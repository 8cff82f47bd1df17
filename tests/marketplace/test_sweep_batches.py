"""Periodic work in bounded batches (issue 16): the weekly hours reminders walk the companies
in keyset batches of SWEEP_BATCH, commit each batch, pick up where a crashed run stopped
without writing anything twice, and hold one batch in memory at a time.

The town is built in bulk with bench/hours.py's builders (the factories would take minutes for
thousands of rows): companies with one employer each, and placements in paid hours since four
weeks ago with nothing confirmed, so each company has four weeks waiting.
"""

from __future__ import annotations

import gc
import random
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import event, func, insert, select, update
from sqlalchemy.engine import Engine

from bench import hours as bench_hours
from bench.hours import Spec, next_id
from bench.matching import build as build_candidates
from marketplace import queue
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.hours import reminders as hour_reminders
from marketplace.hours.ledger import open_on, week_days, week_start_of
from marketplace.models import (
    Candidate,
    EmailState,
    HourKind,
    HourReminder,
    Job,
    Jobcentre,
    Notification,
    Phase,
    Placement,
    PlacementReminder,
    PlacementTerms,
    Proposal,
    ProposalStatus,
    Role,
    User,
)
from marketplace.notifications import delivery
from marketplace.placements import reminders as reminders_module
from marketplace.placements.reminders import placement_reminders
from marketplace.proposals import lifecycle

THIS_MONDAY = week_start_of(local_today())
FIRST_WEEK = THIS_MONDAY - timedelta(weeks=4)
NOW = datetime.combine(THIS_MONDAY, datetime.min.time()).replace(hour=7, tzinfo=UTC)


def build_town(make_jobcentre, make_user, companies: int, placements: int) -> list[int]:
    """`companies` companies sharing `placements` placements in paid hours since FIRST_WEEK
    (bench/hours.py's builder); returns the employers' ids."""
    jobcentre = make_jobcentre()
    make_user(jobcentre, Role.CONSULTANT)
    db.session.commit()
    ids, _ = bench_hours.build_town(
        placements,
        companies,
        [760],
        lambda candidates: [
            Spec(candidate, n % companies, FIRST_WEEK, 4, 31, 10, 0, 0, ended=False)
            for n, candidate in enumerate(candidates)
        ],
    )
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
    _warm()
    # The garbage collector's counters as after a collection, whatever ran before in this
    # worker: otherwise when cyclic garbage is collected during the run depends on the order
    # the tests ran in (a full run once measured 4.9 MB where the test alone measures less).
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _warm() -> None:
    """What the first run in a process loads once, whichever test comes first: the e-mail
    templates compiled and both locales' data. Not the run's memory."""
    from babel import Locale
    from flask import current_app

    env = current_app.jinja_env
    for name in env.list_templates(filter_func=lambda n: n.startswith("notifications/emails/")):
        env.get_template(name)
    for locale in ("da", "en"):
        parsed = Locale.parse(locale)
        parsed.number_symbols, parsed.date_formats, parsed.decimal_formats  # noqa: B018


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
    told = lifecycle.notify_each
    calls: list[int] = []

    def dies_in_the_third(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:  # telling the third batch
            raise RuntimeError("the worker died")
        return told(*args, **kwargs)

    monkeypatch.setattr(lifecycle, "notify_each", dies_in_the_third)
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
    monkeypatch.setattr(lifecycle, "notify_each", told)
    assert lifecycle.remind_and_expire(NOW) == 1
    assert expired() == 5
    assert told_expired() == 5


# -- Memory and crashes: the placement reminders, the proposals and the digests --------------


def trials_ending(make_jobcentre, make_user, companies: int, placements: int) -> None:
    """bench/hours.py's town with every placement at a trial visit that ends this Thursday:
    each owes one trial_ending reminder, told to the company and to the jobcentre."""
    build_town(make_jobcentre, make_user, companies, placements)
    db.session.execute(update(Placement).values(phase=Phase.TRIAL.value))
    db.session.execute(
        update(PlacementTerms).values(
            phase=Phase.TRIAL.value,
            effective_from=THIS_MONDAY - timedelta(days=2),
            unpaid_from=THIS_MONDAY - timedelta(days=2),
            unpaid_to=THIS_MONDAY + timedelta(days=3),
            unpaid_hours=10,
            unpaid_weekdays=31,
            paid_from=None,
            paid_hours=None,
            paid_weekdays=0,
            hourly_wage=None,
        )
    )
    db.session.commit()


def claimed(kind: str) -> list[int]:
    """The placements with a claimed reminder of `kind`, one entry per claim."""
    return sorted(
        db.session.scalars(
            select(PlacementReminder.placement_id).where(PlacementReminder.kind == kind)
        )
    )


def told(kind: str) -> list[tuple[int | None, int | None]]:
    """(recipient, subject) of every notification of `kind`, one entry per row."""
    return sorted(
        db.session.execute(
            select(Notification.recipient_id, Notification.subject_id).where(
                Notification.kind == kind
            )
        ).all()
    )


def forget_notifications(*models: type) -> None:
    for model in models:
        db.session.execute(model.__table__.delete())
    db.session.execute(Notification.__table__.delete())
    db.session.commit()


def _batched_and_at_once(app, run: Callable[[], object], undo: Callable[[], None]) -> tuple:
    """The run's peak in batches of 5 and with every row in one batch. A first run, undone,
    warms what any first call fills once (compiled statements, translations), which is not
    the run's memory."""
    app.config["SWEEP_BATCH"] = 5
    run()
    undo()
    app.config["SWEEP_BATCH"] = 100_000
    at_once = _peak(run)
    undo()
    app.config["SWEEP_BATCH"] = 5
    return _peak(run), at_once


def test_placement_reminders_hold_one_batch_in_memory(app, make_jobcentre, make_user):
    """300 trial visits ending soon: in batches of 5 placements the run's peak stays small;
    every placement at once takes several times more. Both write the same reminders."""
    trials_ending(make_jobcentre, make_user, companies=20, placements=300)
    placements = sorted(db.session.scalars(select(Placement.id)))
    batched, at_once = _batched_and_at_once(
        app, lambda: placement_reminders(NOW), lambda: forget_notifications(PlacementReminder)
    )
    assert claimed("trial_ending") == placements
    assert len(told("trial_ending")) == 600  # the employer and the consultant of each
    assert batched < 2 * 2**20, batched
    assert batched * 3 < at_once, (batched, at_once)


def test_placement_reminders_a_rerun_finishes_a_crashed_run(
    app, make_jobcentre, make_user, commits, monkeypatch
):
    trials_ending(make_jobcentre, make_user, companies=4, placements=12)
    placements = sorted(db.session.scalars(select(Placement.id)))
    app.config["SWEEP_BATCH"] = 5  # three batches: 5, 5 and 2 placements
    whole = reminders_module._placement_batch
    calls: list[int] = []

    def crash_in_third(*args: object) -> int:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the worker died")
        return whole(*args)

    monkeypatch.setattr(reminders_module, "_placement_batch", crash_in_third)
    commits.clear()
    with pytest.raises(RuntimeError):
        placement_reminders(NOW)
    db.session.rollback()
    assert len(commits) == 2
    assert claimed("trial_ending") == placements[:10]
    assert len(told("trial_ending")) == 20

    monkeypatch.setattr(reminders_module, "_placement_batch", whole)
    assert placement_reminders(NOW) == 2  # only the crashed batch's two
    assert claimed("trial_ending") == placements  # each once
    notices = told("trial_ending")
    assert len(notices) == 24
    assert len(set(notices)) == 24  # nobody told twice
    assert placement_reminders(NOW) == 0


def waiting_proposals(make_jobcentre, make_user, companies: int, old: int, recent: int) -> None:
    """`old` proposals past the expiry days and `recent` ones past the reminder days only,
    spread over the companies' jobs, every one waiting for an answer."""
    build_town(make_jobcentre, make_user, companies=companies, placements=0)
    jobcentre = db.session.scalar(select(Jobcentre.id))
    consultant = db.session.scalar(select(User.id).where(User.role == Role.CONSULTANT.value))
    first_candidate = next_id(Candidate)
    build_candidates(old + recent)
    jobs = db.session.execute(select(Job.id, Job.company_id).order_by(Job.id)).all()
    db.session.execute(
        insert(Proposal),
        [
            {
                "job_id": jobs[n % len(jobs)].id,
                "candidate_id": first_candidate + n,
                "company_id": jobs[n % len(jobs)].company_id,
                "jobcentre_id": jobcentre,
                "proposed_by_id": consultant,
                "pitch": "Batch",
                "status": ProposalStatus.WAITING.value,
                "created_at": NOW - timedelta(days=30 if n < old else 5),
            }
            for n in range(old + recent)
        ],
    )
    db.session.commit()


def test_proposal_reminders_and_expiry_hold_one_batch_in_memory(app, make_jobcentre, make_user):
    """150 proposals to expire and 150 to remind of: batches of 5 keep the peak small; every
    proposal at once takes several times more. Both tell the same people."""
    waiting_proposals(make_jobcentre, make_user, companies=20, old=150, recent=150)

    def undo() -> None:
        db.session.execute(
            update(Proposal).values(
                status=ProposalStatus.WAITING.value, decided_at=None, reminded_at=None
            )
        )
        forget_notifications()

    batched, at_once = _batched_and_at_once(app, lambda: lifecycle.remind_and_expire(NOW), undo)
    assert len(told("proposal_expired")) == 150
    assert len(told("proposal_reminder")) == 150
    assert batched < 2 * 2**20, batched
    assert batched * 3 < at_once, (batched, at_once)


def test_proposal_reminders_a_rerun_finishes_a_crashed_sweep(
    app, make_jobcentre, make_user, commits, monkeypatch
):
    waiting_proposals(make_jobcentre, make_user, companies=5, old=0, recent=5)
    app.config["SWEEP_BATCH"] = 2  # three batches: 2, 2 and 1 proposals
    whole = lifecycle.notify_each
    calls: list[int] = []

    def dies_in_the_third(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:  # telling the third batch
            raise RuntimeError("the worker died")
        return whole(*args, **kwargs)

    monkeypatch.setattr(lifecycle, "notify_each", dies_in_the_third)
    commits.clear()
    with pytest.raises(RuntimeError):
        lifecycle.remind_and_expire(NOW)
    db.session.rollback()
    assert len(commits) == 2
    assert len(told("proposal_reminder")) == 4
    monkeypatch.setattr(lifecycle, "notify_each", whole)
    assert lifecycle.remind_and_expire(NOW) == 1
    notices = told("proposal_reminder")
    assert len(notices) == 5
    assert len(set(notices)) == 5  # each employer once per proposal
    assert lifecycle.remind_and_expire(NOW) == 0


def digests_waiting(make_jobcentre, make_user, companies: int, proposals: int) -> list[int]:
    """Employers who take a daily digest, with proposal reminders waiting for it; returns
    the employers' ids."""
    waiting_proposals(make_jobcentre, make_user, companies, old=0, recent=proposals)
    db.session.execute(
        update(User).where(User.role == Role.EMPLOYER.value).values(email_preference="daily")
    )
    db.session.commit()
    lifecycle.remind_and_expire(NOW)
    queue.run_inprocess_tasks()
    return sorted(
        db.session.scalars(
            select(Notification.recipient_id)
            .where(Notification.email_state == EmailState.DIGEST.value)
            .distinct()
        )
    )


def digests_sent(outbox: Path) -> list[str]:
    return sorted(message_from_bytes(path.read_bytes())["To"] for path in outbox.glob("*.eml"))


def test_digests_hold_one_batch_in_memory_and_send_one_each(app, make_jobcentre, make_user, outbox):
    """300 waiting notifications for 100 employers: the users are read 5 at a time, and
    handing out and sending every digest stays under a small peak."""
    employers = digests_waiting(make_jobcentre, make_user, companies=100, proposals=300)
    assert len(employers) == 100
    app.config["SWEEP_BATCH"] = 5
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        peak = _peak(lambda: (delivery.send_digests(), queue.run_inprocess_tasks()))
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    user_batches = [s for s in statements if "GROUP BY notifications.recipient_id" in s]
    assert len(user_batches) == 21  # 20 batches of 5 users and the empty one that ends it
    assert len(digests_sent(outbox)) == 100
    # The batches are proven by the 21 statements above; the peak guards the run's memory
    # from growing without bound. Under 6 MB: alone it measures under 4, but in a full run
    # other tests' statements fill SQLAlchemy's compiled-statement cache and its churn
    # during the run counts too (full runs measured 4.9 and 5.1 MB).
    assert peak < 6 * 2**20, peak
    assert delivery.send_digests() == 0  # everything went: a rerun hands out nothing


def test_digests_a_rerun_finishes_a_crashed_run_without_a_second_digest(
    app, make_jobcentre, make_user, outbox, monkeypatch
):
    digests_waiting(make_jobcentre, make_user, companies=12, proposals=12)
    app.config["SWEEP_BATCH"] = 5
    handed = queue.dispatch
    calls: list[int] = []

    def dies_at_the_seventh(func: object, *args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 7:
            raise RuntimeError("the worker died")
        handed(func, *args, **kwargs)

    monkeypatch.setattr(queue, "dispatch", dies_at_the_seventh)
    with pytest.raises(RuntimeError):
        delivery.send_digests()
    queue.run_inprocess_tasks()  # the six handed out before the crash are sent
    db.session.rollback()
    assert len(digests_sent(outbox)) == 6
    monkeypatch.setattr(queue, "dispatch", handed)
    assert delivery.send_digests() == 6  # only those still waiting
    queue.run_inprocess_tasks()
    sent = digests_sent(outbox)
    assert len(sent) == 12
    assert len(set(sent)) == 12  # one digest each
    assert delivery.send_digests() == 0


def _statements(run: Callable[[], object]) -> int:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    return len(seen)


def test_a_batch_of_placement_reminders_costs_the_same_statements_for_3_or_12(
    app, make_jobcentre, make_user
):
    """Claiming and telling are per batch, not per reminder: 3 trial visits ending soon and 12
    take the same number of statements (before, each reminder took a savepoint, an insert
    and the notifications' own queries and flush)."""
    trials_ending(make_jobcentre, make_user, companies=4, placements=12)
    app.config["SWEEP_BATCH"] = 100
    later = sorted(db.session.scalars(select(Placement.id)))[3:]
    db.session.execute(
        update(PlacementTerms)
        .where(PlacementTerms.placement_id.in_(later))
        .values(unpaid_to=THIS_MONDAY + timedelta(days=20))  # not yet within the notice days
    )
    db.session.commit()
    three = _statements(lambda: placement_reminders(NOW))
    assert len(claimed("trial_ending")) == 3
    forget_notifications(PlacementReminder)
    db.session.execute(update(PlacementTerms).values(unpaid_to=THIS_MONDAY + timedelta(days=3)))
    db.session.commit()
    twelve = _statements(lambda: placement_reminders(NOW))
    assert len(claimed("trial_ending")) == 12
    assert len(told("trial_ending")) == 24
    assert twelve == three


def test_a_batch_of_proposals_costs_the_same_statements_for_3_or_12(app, make_jobcentre, make_user):
    waiting_proposals(make_jobcentre, make_user, companies=4, old=12, recent=0)
    app.config["SWEEP_BATCH"] = 100
    later = sorted(db.session.scalars(select(Proposal.id)))[3:]
    db.session.execute(
        update(Proposal).where(Proposal.id.in_(later)).values(created_at=NOW - timedelta(days=1))
    )
    db.session.commit()
    three = _statements(lambda: lifecycle.remind_and_expire(NOW))
    assert len(told("proposal_expired")) == 3
    db.session.execute(
        update(Proposal).values(
            status=ProposalStatus.WAITING.value,
            decided_at=None,
            created_at=NOW - timedelta(days=30),
        )
    )
    forget_notifications()
    twelve = _statements(lambda: lifecycle.remind_and_expire(NOW))
    assert len(told("proposal_expired")) == 12
    assert twelve == three


def test_flask_sweep_only_runs_that_row_of_the_table(app, make_jobcentre, make_user):
    """`flask sweep --only NAME` (how the national figures were timed) runs that row alone."""
    waiting_proposals(make_jobcentre, make_user, companies=2, old=2, recent=0)
    result = app.test_cli_runner().invoke(args=["sweep", "--only", "proposal-reminders"])
    assert result.exit_code == 0, result.output
    assert "proposal_reminders=2" in result.output
    assert "handed_out" not in result.output  # the rest of the sweep did not run
    assert len(told("proposal_expired")) == 2

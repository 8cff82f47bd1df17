"""Retention: a closed case's data is erased or pseudonymised when its rule says so, in
batches, idempotently, with an erasure record that holds no personal data; the figures stay
for 10 years, then go, and the database lets no one else delete them.

The leak test writes sentinel strings into every text a candidate's case can reach, ages the
data by running the task with a later clock, and then reads every column of every table the
database has (from the inspector, so a table added later is searched too).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from marketplace.caseload.candidates import set_status
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.hours.tallies import tallies
from marketplace.models import (
    Candidate,
    CandidateStatus,
    ErasureRecord,
    HourRecord,
    Job,
    Notification,
    Placement,
    Proposal,
    RetentionKind,
    RetentionProgress,
    RetentionRule,
    User,
    WeekConfirmation,
    WeekFlag,
)
from marketplace.models.retention import ERASED
from marketplace.privacy import retention
from tests.factories import (
    AGED,
    PHONE,
    SENTINEL,
    TEN_YEARS,
    every_value,
    holding,
    later,
    person,
    today,
    whole_case,
)
from tests.support import assert_refused_by_database, cron_registrations

KEEP = "qzkeep"  # a case not yet due carries this instead
FIGURES = RetentionKind.HOUR_FIGURES.value
# What is due after five years: every kind but the hour figures.
AT_FIVE = [kind.value for kind in RetentionKind if kind != RetentionKind.HOUR_FIGURES]


def counts(jobcentre_id: int) -> dict[str, Any]:
    """The jobcentre's figures: people by status, proposals by status, placements by phase,
    hour records and the current hours they add up to."""

    def grouped(column: Any, where: Any) -> dict[str, int]:
        rows = db.session.execute(select(column, func.count()).where(where).group_by(column))
        return dict(rows.all())

    from marketplace.hours.tallies import is_current

    return {
        "candidates": grouped(Candidate.status, Candidate.jobcentre_id == jobcentre_id),
        "proposals": grouped(Proposal.status, Proposal.jobcentre_id == jobcentre_id),
        "placements": grouped(Placement.phase, Placement.jobcentre_id == jobcentre_id),
        "hour_records": db.session.scalar(
            select(func.count(HourRecord.id))
            .join(Candidate, Candidate.id == HourRecord.candidate_id)
            .where(Candidate.jobcentre_id == jobcentre_id)
        ),
        "current_hours": db.session.scalar(
            select(func.sum(HourRecord.hours))
            .join(Candidate, Candidate.id == HourRecord.candidate_id)
            .where(Candidate.jobcentre_id == jobcentre_id, is_current())
        ),
    }


def snapshot() -> Counter[tuple[str, str, str]]:
    return Counter(every_value())


def records() -> list[tuple[str, str, int, int]]:
    return sorted(
        (r.kind, r.action, r.jobcentre_id, r.people)
        for r in db.session.scalars(select(ErasureRecord))
    )


@pytest.fixture
def case(make_job: Callable[..., Job], consultant: User, employer: User) -> Candidate:
    return whole_case(make_job, consultant, employer)


# --- The rules --------------------------------------------------------------------------------


def test_every_kind_has_a_rule_in_force_with_its_source():
    rules = retention.rules_in_force(today())
    assert [rule.kind for rule in rules] == [kind.value for kind in RetentionKind]
    assert all(rule.basis for rule in rules)
    assert {rule.kind: rule.months for rule in rules} == {
        **{kind: 60 for kind in AT_FIVE},
        FIGURES: 120,
    }
    erased = {rule.kind for rule in rules if rule.action == "erase"}
    assert erased == {"identity", "hour_figures", "notifications", "access_log"}
    figures = {rule.kind: rule for rule in rules}[FIGURES]
    assert "Beskæftigelseskravet" in figures.basis
    assert "10 år" in figures.basis
    assert "arbejdsgiverens" in figures.basis.lower()


def test_a_later_rule_of_a_kind_takes_over_from_its_day():
    old = db.session.scalar(select(RetentionRule).where(RetentionRule.kind == "profile"))
    newer = RetentionRule(
        kind="profile",
        months=36,
        action="pseudonymise",
        valid_from=today() + timedelta(days=10),
        basis="Ny praksis",
    )
    db.session.add(newer)
    db.session.flush()
    profile = {r.kind: r for r in retention.rules_in_force(today())}["profile"]
    assert profile.id == old.id
    profile = {r.kind: r for r in retention.rules_in_force(today() + timedelta(days=10))}["profile"]
    assert profile.id == newer.id


@pytest.mark.parametrize(
    ("kind", "action"),
    [
        ("identity", "pseudonymise"),
        ("hour_texts", "erase"),
        ("hour_figures", "pseudonymise"),
        ("cpr", "erase"),
    ],
)
def test_the_database_refuses_a_rule_that_does_not_fit_its_kind(kind: str, action: str):
    assert_refused_by_database(
        "INSERT INTO retention_rules (kind, months, action, valid_from, basis)"
        " VALUES (:kind, 12, :action, :day, 'x')",
        kind=kind,
        action=action,
        day=date(2030, 1, 1),
    )


def test_closing_a_candidate_sets_when_and_reopening_clears_it(consultant: User):
    candidate = person(consultant)
    assert candidate.closed_at is None
    set_status(candidate, CandidateStatus.CLOSED)
    closed = candidate.closed_at
    assert closed is not None
    assert abs(closed - utcnow()) < timedelta(minutes=1)
    set_status(candidate, CandidateStatus.CLOSED)  # already closed: the moment stays
    assert candidate.closed_at == closed
    set_status(candidate, CandidateStatus.ACTIVE)
    assert candidate.closed_at is None


# --- The leak test ----------------------------------------------------------------------------


def test_after_the_rules_run_no_text_of_the_case_remains_and_the_figures_add_up(
    case: Candidate, consultant: User
):
    keeper = person(consultant, KEEP, closed=True)
    keeper.closed_at = utcnow() + timedelta(days=2 * 365)  # closed later: not due yet
    db.session.flush()
    assert holding(SENTINEL, PHONE), "the sentinels were written"
    figures = counts(case.jobcentre_id)
    tally = [(t.rule.name, t.counted) for t in tallies(case.id, today())]
    assert any(counted > 0 for _, counted in tally)
    notified = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.subject_type == "proposals")
    )
    assert notified > 0
    keeper_before = holding(KEEP)

    report = retention.run(later())

    assert holding(SENTINEL, PHONE) == []
    assert report.finished
    assert report.people == Counter({kind: 1 for kind in AT_FIVE})  # the figures' time is not up
    db.session.expire_all()
    assert counts(case.jobcentre_id) == figures
    assert [(t.rule.name, t.counted) for t in tallies(case.id, today())] == tally
    assert holding(KEEP) == keeper_before  # not due: untouched
    # The person's notifications and access log are gone; the rows with figures stay.
    remaining = db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.subject_type.in_(["proposals", "placements"])
        )
    )
    assert remaining == 0
    if "access_log" in db.metadata.tables:
        log = db.metadata.tables["access_log"]
        left = db.session.scalar(
            select(func.count()).select_from(log).where(log.c.candidate_id == case.id)
        )
        assert left == 0
    pseudonymised = db.session.get(Candidate, case.id)
    assert pseudonymised.status == "closed"
    assert pseudonymised.municipality_code == 760
    assert not pseudonymised.no_heavy_lifting
    assert pseudonymised.lifting_max_kg is None
    # One erasure record per rule and jobcentre, with a count and nothing about the person.
    assert records() == sorted(
        (rule.kind, rule.action, case.jobcentre_id, 1)
        for rule in retention.rules_in_force(today())
        if rule.kind != FIGURES
    )
    for column in ErasureRecord.__table__.columns:
        assert column.name not in {"candidate_id", "name", "note", "text"}


def test_a_second_run_changes_nothing_and_records_nothing(case: Candidate):
    retention.run(later())
    before, logged = snapshot(), records()
    report = retention.run(later() + timedelta(days=1))
    assert sum(report.people.values()) == 0
    assert snapshot() == before
    assert records() == logged


def test_nothing_is_touched_before_the_months_have_passed(case: Candidate):
    before = snapshot()
    report = retention.run(later(timedelta(days=59 * 30)))
    assert sum(report.people.values()) == 0
    assert snapshot() == before


def test_the_months_count_from_the_last_placement_if_it_ended_after_the_closing(case: Candidate):
    placement = db.session.scalar(select(Placement).where(Placement.candidate_id == case.id))
    placement.ended_on = today() + timedelta(days=365)  # as if it ended a year after closing
    db.session.flush()
    before = snapshot()
    retention.run(later())  # five years after the closing, four after the end
    assert snapshot() == before
    retention.run(later(AGED + timedelta(days=366)))
    assert holding(SENTINEL, PHONE) == []


def test_an_active_or_running_case_is_never_due(consultant: User):
    person(consultant)  # active
    before = snapshot()
    retention.run(later(timedelta(days=30 * 365)))
    assert snapshot() == before


def test_a_reopened_and_closed_again_case_is_handled_again(consultant: User):
    candidate = person(consultant, closed=True)
    retention.run(later())
    set_status(candidate, CandidateStatus.ACTIVE)
    candidate.consultant_note = f"{SENTINEL} new note"
    set_status(candidate, CandidateStatus.CLOSED)
    candidate.closed_at = later() + timedelta(days=1)
    db.session.flush()
    retention.run(later() + AGED + timedelta(days=2))
    assert holding(SENTINEL) == []


# --- Hour records stay append-only ------------------------------------------------------------


def test_hour_figures_stay_unchangeable_even_for_a_closed_case(case: Candidate):
    record = db.session.scalar(select(HourRecord).where(HourRecord.candidate_id == case.id))
    for statement in (
        "UPDATE hour_records SET hours = 1 WHERE id = :id",
        "UPDATE hour_records SET note = 'other text' WHERE id = :id",
        "UPDATE hour_records SET note = '', hours = hours + 1 WHERE id = :id",
        "UPDATE hour_records SET note = '', recorded_by_id = recorded_by_id + 1 WHERE id = :id",
        "DELETE FROM hour_records WHERE id = :id",
    ):
        assert_refused_by_database(statement, id=record.id)


def test_an_open_case_cannot_have_its_hour_texts_blanked(make_job, consultant, employer):
    case = whole_case(make_job, consultant, employer)
    set_status(case, CandidateStatus.ACTIVE)
    db.session.flush()
    record = db.session.scalar(
        select(HourRecord).where(HourRecord.candidate_id == case.id, HourRecord.note != "")
    )
    assert_refused_by_database("UPDATE hour_records SET note = '' WHERE id = :id", id=record.id)


def test_a_correction_keeps_its_erased_mark(case: Candidate):
    retention.run(later())
    reasons = set(
        db.session.scalars(
            select(HourRecord.reason).where(
                HourRecord.candidate_id == case.id, HourRecord.revision > 1
            )
        )
    )
    assert reasons == {ERASED}


# --- The hour figures go after 10 years --------------------------------------------------------


def figures_of(candidate_id: int) -> dict[str, Any]:
    """The person's hour records, their current hours, and the weeks confirmed and flagged."""
    from marketplace.hours.tallies import is_current

    placement_ids = select(Placement.id).where(Placement.candidate_id == candidate_id)
    return {
        "records": db.session.scalar(
            select(func.count(HourRecord.id)).where(HourRecord.candidate_id == candidate_id)
        ),
        "current_hours": db.session.scalar(
            select(func.sum(HourRecord.hours)).where(
                HourRecord.candidate_id == candidate_id, is_current()
            )
        ),
        "confirmations": db.session.scalar(
            select(func.count(WeekConfirmation.id)).where(
                WeekConfirmation.placement_id.in_(placement_ids)
            )
        ),
        "flags": db.session.scalar(
            select(func.count(WeekFlag.id)).where(WeekFlag.placement_id.in_(placement_ids))
        ),
    }


def test_at_ten_years_the_hour_figures_go_and_no_one_else_s(
    case: Candidate, make_job: Callable[..., Job], consultant: User, employer: User
):
    other = whole_case(make_job, consultant, employer)
    other.closed_at = utcnow() + timedelta(days=2 * 365)  # closed later: its figures not yet due
    db.session.flush()
    mine, theirs = figures_of(case.id), figures_of(other.id)
    assert mine["records"] > 1  # a correction too
    assert mine["confirmations"] > 0
    assert mine["flags"] > 0
    assert theirs["records"] > 1
    figures = counts(case.jobcentre_id)
    tally = [(t.rule.name, t.counted) for t in tallies(case.id, today())]
    assert any(counted > 0 for _, counted in tally)

    # Five years on: the texts go, every figure stays and the tallies add up as before.
    report = retention.run(later())
    assert FIGURES not in report.people
    db.session.expire_all()
    assert figures_of(case.id) == mine
    assert counts(case.jobcentre_id) == figures
    assert [(t.rule.name, t.counted) for t in tallies(case.id, today())] == tally

    # Ten years on: the person's figures go; the other person's stay.
    at = later(TEN_YEARS)
    report = retention.run(at)
    assert report.finished
    assert report.people[FIGURES] == 1
    db.session.expire_all()
    assert figures_of(case.id) == {
        "records": 0,
        "current_hours": None,
        "confirmations": 0,
        "flags": 0,
    }
    assert figures_of(other.id) == theirs
    assert all(t.counted == 0 for t in tallies(case.id, today()))
    # The jobcentre's counts lose exactly this person's hours (the intended effect).
    after = counts(case.jobcentre_id)
    assert after["hour_records"] == figures["hour_records"] - mine["records"]
    assert after["current_hours"] == figures["current_hours"] - mine["current_hours"]
    assert after["placements"] == figures["placements"]  # the placement rows stay
    # The run's record counts the person under the rule, with nothing about them.
    rule = {r.kind: r for r in retention.rules_in_force(today())}[FIGURES]
    logged = db.session.scalars(
        select(ErasureRecord).where(ErasureRecord.run_at == at, ErasureRecord.kind == FIGURES)
    ).all()
    assert [(r.rule_id, r.action, r.jobcentre_id, r.people) for r in logged] == [
        (rule.id, "erase", case.jobcentre_id, 1)
    ]

    # A second run finds nothing due and writes nothing.
    before, logged_all = snapshot(), records()
    report = retention.run(at + timedelta(days=1))
    assert sum(report.people.values()) == 0
    assert snapshot() == before
    assert records() == logged_all


def test_the_hour_figures_go_in_batches(make_job: Callable[..., Job], consultant, employer):
    people = [whole_case(make_job, consultant, employer) for _ in range(3)]
    at = later(TEN_YEARS)
    report = retention.run(at, batch_size=2, max_batches=1)
    assert report.people[FIGURES] == 2
    assert not report.finished
    report = retention.run(at, batch_size=2, max_batches=1)
    assert report.people[FIGURES] == 1
    db.session.expire_all()
    assert all(figures_of(p.id)["records"] == 0 for p in people)
    logged = db.session.scalars(select(ErasureRecord).where(ErasureRecord.kind == FIGURES))
    assert [r.people for r in logged] == [3]  # the same run time: one record


def mark(candidate: Candidate, done_at: datetime) -> None:
    """A mark as the eraser writes it, by another writer."""
    db.session.add(RetentionProgress(candidate_id=candidate.id, kind=FIGURES, done_at=done_at))
    db.session.flush()


DELETE_ALL = "DELETE FROM hour_records WHERE candidate_id = :id"


def test_a_delete_outside_the_eraser_is_refused_even_when_the_figures_are_due(case: Candidate):
    # Without the eraser's mark, no delete: not at ten years, not ever.
    assert_refused_by_database(DELETE_ALL, id=case.id)
    record = db.session.scalar(select(HourRecord.id).where(HourRecord.candidate_id == case.id))
    assert_refused_by_database("DELETE FROM hour_records WHERE id = :id", id=record)


@pytest.mark.parametrize(
    "why",
    ["five_years", "reopened", "placement_ended_later", "closed_again", "no_rule"],
)
def test_a_delete_of_a_person_not_yet_due_is_refused_even_with_a_mark(case: Candidate, why: str):
    """A second writer that writes the mark itself still cannot delete early."""
    done_at = later(TEN_YEARS)
    if why == "five_years":
        done_at = later()
    elif why == "reopened":
        set_status(case, CandidateStatus.ACTIVE)
    elif why == "placement_ended_later":
        placement = db.session.scalar(select(Placement).where(Placement.candidate_id == case.id))
        placement.ended_on = today() + timedelta(days=3 * 365)
    elif why == "closed_again":
        case.closed_at = done_at + timedelta(days=1)  # the mark is of an earlier closing
    elif why == "no_rule":
        db.session.execute(
            text("DELETE FROM retention_rules WHERE kind = :kind"), {"kind": FIGURES}
        )
    db.session.flush()
    mark(case, done_at)
    assert_refused_by_database(DELETE_ALL, id=case.id)


def test_the_trigger_lets_a_marked_due_person_s_figures_go_in_one_statement(case: Candidate):
    mark(case, later(TEN_YEARS))
    db.session.execute(text(DELETE_ALL), {"id": case.id})
    assert figures_of(case.id)["records"] == 0


# --- Batches ----------------------------------------------------------------------------------

_runs = itertools.count(1)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(people=st.integers(min_value=1, max_value=7), batch=st.integers(min_value=1, max_value=4))
def test_batches_smaller_than_what_is_due_finish_over_several_runs(
    consultant: User, people: int, batch: int
) -> None:
    """Each example adds its own closed people (earlier examples' are handled already)."""
    ids = [person(consultant, closed=True).id for _ in range(people)]
    at = later() + timedelta(minutes=next(_runs))
    runs = 0
    while True:
        report = retention.run(at + timedelta(seconds=runs), batch_size=batch, max_batches=1)
        runs += 1
        assert all(count <= batch for count in report.people.values())
        if report.finished and not report.people:
            break
        assert runs <= people + 2
    assert runs <= -(-people // batch) + 1
    assert holding(SENTINEL, PHONE) == []
    handled = db.session.scalar(
        select(func.sum(ErasureRecord.people)).where(
            ErasureRecord.kind == "identity", ErasureRecord.run_at >= at
        )
    )
    assert handled == len(ids)


def test_a_run_stops_after_its_batches_and_says_more_is_due(consultant: User):
    for _ in range(3):
        person(consultant, closed=True)
    at = later()
    report = retention.run(at, batch_size=1, max_batches=2)
    assert not report.finished
    assert report.people["identity"] == 2
    report = retention.run(at, batch_size=1, max_batches=2)
    assert report.finished
    assert report.people["identity"] == 1
    # The same run time: the second run's batch joined the first run's record.
    identity = db.session.scalars(select(ErasureRecord).where(ErasureRecord.kind == "identity"))
    assert [r.people for r in identity] == [3]


# --- How it is run ----------------------------------------------------------------------------


def test_the_task_and_the_sweep_command_run_it(app: Flask, consultant: User):
    from marketplace import tasks

    person(consultant, closed=True).closed_at = utcnow() - AGED
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["sweep", "--retention"])
    assert result.exit_code == 0, result.output
    assert "retention=8" in result.output
    assert holding(SENTINEL, PHONE) == []
    tasks.apply_retention()  # nothing left: safe to run again
    assert sum(r.people for r in db.session.scalars(select(ErasureRecord))) == 8


def test_cron_registers_the_nightly_run(app: Flask, monkeypatch: pytest.MonkeyPatch):
    from marketplace import tasks

    registered = [(func, when) for func, _, when in cron_registrations(app, monkeypatch)]
    assert (tasks.apply_retention, {"cron": app.config["RETENTION_CRON"]}) in registered

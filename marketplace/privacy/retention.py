"""Retention: erase or pseudonymise what the rules in force say is due, in bounded batches.

A candidate's data of one kind is due when the candidate is closed, every placement has
ended, and the rule's months have passed since the later of the two. Each batch handles up to
`batch_size` people for one rule, marks them (retention_progress), adds its count to the
run's erasure record for their jobcentre, and commits: evidence and erasure land together or
not at all. A second run finds nothing due and writes nothing. On PostgreSQL two runs at once
take turns per kind (a transaction-level advisory lock per kind, so each batch's query sees
the other run's committed marks) and lock the candidates they handle in id order. Skipping
locked rows instead would let a person locked by the other run's batch of a later kind be
skipped by both runs for this kind.

Rows are kept where figures depend on them (proposals, placements, hour records: the
jobcentre's counts and the hours tallies still add up); their texts go. Identity values,
notifications and the access log go altogether. The hour figures themselves (hour records,
week confirmations, week flags) go by their own, longer rule, when they can count toward no
hour rule any more; the person's mark is written before the delete, in the same transaction,
because the trigger on hour_records lets a delete through only for a marked, due person. The
task owns the transaction (it commits).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import case, delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.clock import LOCAL_TZ, months_before, utcnow
from marketplace.extensions import db
from marketplace.models import (
    Assessment,
    Candidate,
    CandidateIdentity,
    CandidateStatus,
    Consent,
    ErasureRecord,
    HourRecord,
    Notification,
    PaidMonth,
    Placement,
    PlacementStep,
    PlacementTerms,
    Proposal,
    RetentionKind,
    RetentionProgress,
    RetentionRule,
    WeekConfirmation,
    WeekFlag,
)
from marketplace.models.retention import ERASED

# Tables of the citizen's access log, by name: whichever of them the schema has.
ACCESS_LOG_TABLES = ("access_log", "identity_views")
UNSYNCED = {"synchronize_session": False}


def rules_in_force(day: date) -> list[RetentionRule]:
    """The rule of each kind in force on the day (the latest that began), in kind order."""
    rows = db.session.scalars(
        select(RetentionRule)
        .where(
            RetentionRule.valid_from <= day,
            or_(RetentionRule.valid_to.is_(None), RetentionRule.valid_to >= day),
        )
        .order_by(RetentionRule.valid_from.desc(), RetentionRule.id.desc())
    )
    latest: dict[str, RetentionRule] = {}
    for rule in rows:
        latest.setdefault(rule.kind, rule)
    order = list(RetentionKind)
    return sorted(latest.values(), key=lambda rule: order.index(RetentionKind(rule.kind)))


# Advisory lock keys: one per kind, in a range of our own.
_LOCK_BASE = 0x5A_0000


def _take_turn(kind: str) -> None:
    """On PostgreSQL, wait until no other run is handling this kind (until this batch's
    transaction ends). SQLite has one writer at a time anyway."""
    if db.session.get_bind().dialect.name == "postgresql":
        key = _LOCK_BASE + list(RetentionKind).index(RetentionKind(kind))
        db.session.execute(select(func.pg_advisory_xact_lock(key)))


def _due(rule: RetentionRule, today: date, limit: int) -> list[tuple[int, int]]:
    """(candidate, jobcentre) whose data of the rule's kind is due and not yet handled."""
    _take_turn(rule.kind)
    last_day = months_before(today, rule.months)  # the case must have ended on or before it
    closed_before = datetime.combine(last_day + timedelta(days=1), time(), tzinfo=LOCAL_TZ)
    running = exists().where(
        Placement.candidate_id == Candidate.id,
        or_(Placement.ended_on.is_(None), Placement.ended_on > last_day),
    )
    handled = exists().where(
        RetentionProgress.candidate_id == Candidate.id,
        RetentionProgress.kind == rule.kind,
        RetentionProgress.done_at >= Candidate.closed_at,
    )
    rows = db.session.execute(
        select(Candidate.id, Candidate.jobcentre_id)
        .where(
            Candidate.status == CandidateStatus.CLOSED.value,
            Candidate.closed_at < closed_before,
            ~running,
            ~handled,
        )
        .order_by(Candidate.id)
        .limit(limit)
        # Locked in id order, so runs on different kinds wait for each other, never deadlock;
        # and a consultant reopening the case waits for the batch.
        .with_for_update(of=Candidate)
    )
    return [(candidate_id, jobcentre_id) for candidate_id, jobcentre_id in rows]


def _placements_of(ids: Sequence[int]) -> list[int]:
    return list(db.session.scalars(select(Placement.id).where(Placement.candidate_id.in_(ids))))


def _erased_if_set(column: object) -> object:
    """'' stays ''; any other text becomes the erased mark (for columns that must not be
    empty when set)."""
    return case((column == "", ""), else_=ERASED)  # type: ignore[arg-type]


def _identity(ids: Sequence[int]) -> None:
    db.session.execute(
        update(CandidateIdentity)
        .where(CandidateIdentity.candidate_id.in_(ids))
        .values(full_name=ERASED, phone="", email="", case_reference="")
        .execution_options(**UNSYNCED)
    )


def _profile(ids: Sequence[int]) -> None:
    # Kept: status, jobcentre, consultant, municipality and postcode, wished categories and
    # hours, Danish level, driving licence: what the jobcentre's counts group by.
    db.session.execute(
        update(Candidate)
        .where(Candidate.id.in_(ids))
        .values(
            job_goal="",
            tasks_can_do=[],
            available_times="",
            languages="",
            earlier_work="",
            no_heavy_lifting=False,
            lifting_max_kg=None,
            no_long_standing=False,
            max_hours_per_day=None,
            needs_quiet_surroundings=False,
            no_early_mornings=False,
            other_limitations="",
            consultant_note="",
            version=Candidate.version + 1,  # a form opened before is refused as stale
        )
        .execution_options(**UNSYNCED)
    )


def _proposals(ids: Sequence[int]) -> None:
    db.session.execute(
        update(Proposal)
        .where(Proposal.candidate_id.in_(ids))
        .values(pitch=ERASED, decline_note="")
        .execution_options(**UNSYNCED)
    )


def _consents(ids: Sequence[int]) -> None:
    db.session.execute(
        update(Consent)
        .where(Consent.candidate_id.in_(ids), Consent.note != "")
        .values(note="")
        .execution_options(**UNSYNCED)
    )


def _placements(ids: Sequence[int]) -> None:
    placement_ids = _placements_of(ids)
    if not placement_ids:
        return
    db.session.execute(
        update(Placement)
        .where(Placement.id.in_(placement_ids))
        .values(end_note="", version=Placement.version + 1)
        .execution_options(**UNSYNCED)
    )
    db.session.execute(
        update(PlacementTerms)
        .where(PlacementTerms.placement_id.in_(placement_ids))
        .values(mentor_name="", unpaid_tasks=[], paid_tasks=[], special_reason="")
        .execution_options(**UNSYNCED)
    )
    db.session.execute(
        update(PlacementStep)
        .where(PlacementStep.placement_id.in_(placement_ids))
        .values(
            answer_note=_erased_if_set(PlacementStep.answer_note),
            tasks=[],
            special_reason="",
            mentor_name="",
            reason=_erased_if_set(PlacementStep.reason),
        )
        .execution_options(**UNSYNCED)
    )
    # The company's assessments: what it wrote about the person, and the person's comment on
    # it, go with the rest; the choices (held, scales, recommendation, agrees) stay as the
    # placement's figures do. A disagreement keeps a dash (its CHECK wants a comment).
    db.session.execute(
        update(Assessment)
        .where(Assessment.placement_id.in_(placement_ids))
        .values(
            early_note="",
            recommendation_reason="",
            to_jobcentre="",
            to_person="",
            tasks=[],
            person_comment=_erased_if_set(Assessment.person_comment),
        )
        .execution_options(**UNSYNCED)
    )


def _hour_texts(ids: Sequence[int]) -> None:
    # Only the texts: the trigger on hour_records refuses any other change (migration 0012).
    db.session.execute(
        update(HourRecord)
        .where(
            HourRecord.candidate_id.in_(ids),
            or_(HourRecord.note != "", HourRecord.reason.not_in(["", ERASED])),
        )
        .values(note="", reason=_erased_if_set(HourRecord.reason))
        .execution_options(**UNSYNCED)
    )
    db.session.execute(
        update(WeekFlag)
        .where(
            WeekFlag.placement_id.in_(select(Placement.id).where(Placement.candidate_id.in_(ids)))
        )
        .values(comment=ERASED, answer=_erased_if_set(WeekFlag.answer))
        .execution_options(**UNSYNCED)
    )


def _hour_figures(ids: Sequence[int]) -> None:
    # The trigger on hour_records (migration 0012) checks the mark _mark wrote before this.
    # One statement for all of a person's records: a correction references the revision it
    # corrects, and both dialects check that key at the end of the statement. Then what only
    # pointed at the records: the week confirmations and the questions about weeks.
    placement_ids = select(Placement.id).where(Placement.candidate_id.in_(ids))
    db.session.execute(
        delete(HourRecord).where(HourRecord.candidate_id.in_(ids)).execution_options(**UNSYNCED)
    )
    # The months the records touched go with them (the jobcentre's figures: paid_months).
    db.session.execute(
        delete(PaidMonth).where(PaidMonth.candidate_id.in_(ids)).execution_options(**UNSYNCED)
    )
    db.session.execute(
        delete(WeekFlag)
        .where(WeekFlag.placement_id.in_(placement_ids))
        .execution_options(**UNSYNCED)
    )
    db.session.execute(
        delete(WeekConfirmation)
        .where(WeekConfirmation.placement_id.in_(placement_ids))
        .execution_options(**UNSYNCED)
    )


def _notifications(ids: Sequence[int]) -> None:
    # Notifications about the person's own rows (the pseudonym and job title travel in them).
    subjects = {
        "candidates": select(Candidate.id).where(Candidate.id.in_(ids)),
        "proposals": select(Proposal.id).where(Proposal.candidate_id.in_(ids)),
        "placements": select(Placement.id).where(Placement.candidate_id.in_(ids)),
    }
    db.session.execute(
        delete(Notification)
        .where(
            or_(
                *(
                    (Notification.subject_type == name) & Notification.subject_id.in_(query)
                    for name, query in subjects.items()
                )
            )
        )
        .execution_options(**UNSYNCED)
    )


def _access_log(ids: Sequence[int]) -> None:
    for name in ACCESS_LOG_TABLES:
        table = db.metadata.tables.get(name)
        if table is not None:
            db.session.execute(delete(table).where(table.c.candidate_id.in_(ids)))


HANDLERS: dict[str, Callable[[Sequence[int]], None]] = {
    RetentionKind.IDENTITY: _identity,
    RetentionKind.PROFILE: _profile,
    RetentionKind.PROPOSALS: _proposals,
    RetentionKind.CONSENTS: _consents,
    RetentionKind.PLACEMENTS: _placements,
    RetentionKind.HOUR_TEXTS: _hour_texts,
    RetentionKind.HOUR_FIGURES: _hour_figures,
    RetentionKind.NOTIFICATIONS: _notifications,
    RetentionKind.ACCESS_LOG: _access_log,
}


def _mark(ids: Sequence[int], kind: str, now: datetime) -> None:
    db.session.execute(
        delete(RetentionProgress)
        .where(RetentionProgress.candidate_id.in_(ids), RetentionProgress.kind == kind)
        .execution_options(**UNSYNCED)
    )
    db.session.add_all(
        RetentionProgress(candidate_id=candidate_id, kind=kind, done_at=now) for candidate_id in ids
    )
    db.session.flush()  # before the handler: the hour figures' trigger reads the mark


def _record(rule: RetentionRule, people: Counter[int], run_at: datetime) -> None:
    """Add the batch's count to the run's record per jobcentre (one row per rule and run)."""
    for jobcentre_id, count in people.items():
        if _add_to_record(rule.id, jobcentre_id, count, run_at):
            continue
        try:
            with db.session.begin_nested():
                db.session.add(
                    ErasureRecord(
                        rule_id=rule.id,
                        kind=rule.kind,
                        action=rule.action,
                        jobcentre_id=jobcentre_id,
                        people=count,
                        run_at=run_at,
                    )
                )
        except IntegrityError:  # a run at the same moment wrote it first (unique key)
            _add_to_record(rule.id, jobcentre_id, count, run_at)


def _add_to_record(rule_id: int, jobcentre_id: int, count: int, run_at: datetime) -> bool:
    added = db.session.execute(
        update(ErasureRecord)
        .where(
            ErasureRecord.run_at == run_at,
            ErasureRecord.rule_id == rule_id,
            ErasureRecord.jobcentre_id == jobcentre_id,
        )
        .values(people=ErasureRecord.people + count)
        .execution_options(**UNSYNCED)
    )
    return bool(added.rowcount)


@dataclass
class Report:
    people: Counter[str]  # per kind
    batches: int
    finished: bool  # False when a rule stopped at max_batches with more due


def run(
    now: datetime | None = None, batch_size: int | None = None, max_batches: int | None = None
) -> Report:
    """Handle what is due at `now`; commits after each batch. Safe to run twice."""
    now = now or utcnow()
    config = current_app.config
    batch_size = batch_size or config["RETENTION_BATCH_SIZE"]
    max_batches = max_batches or config["RETENTION_MAX_BATCHES"]
    today = now.astimezone(LOCAL_TZ).date()
    report = Report(people=Counter(), batches=0, finished=True)
    for rule in rules_in_force(today):
        kind = rule.kind
        for _ in range(max_batches):
            due = _due(rule, today, batch_size)
            if not due:
                break
            ids = [candidate_id for candidate_id, _ in due]
            _mark(ids, kind, now)
            HANDLERS[kind](ids)
            _record(rule, Counter(jobcentre_id for _, jobcentre_id in due), now)
            db.session.commit()
            report.people[kind] += len(ids)
            report.batches += 1
            if len(due) < batch_size:
                break
        else:
            report.finished = report.finished and not _due(rule, today, 1)
            db.session.rollback()  # the look-ahead's lock
    return report


def erasure_log(
    jobcentre_id: int, page: int, per_page: int = 50
) -> tuple[list[ErasureRecord], int]:
    """A page of the jobcentre's erasure records, newest first, and how many there are."""
    where = ErasureRecord.jobcentre_id == jobcentre_id
    total = db.session.scalar(select(func.count()).select_from(ErasureRecord).where(where)) or 0
    rows = db.session.scalars(
        select(ErasureRecord)
        .where(where)
        .order_by(ErasureRecord.run_at.desc(), ErasureRecord.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(rows), total

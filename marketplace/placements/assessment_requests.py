"""Asking the company for its assessment when a trial visit or a praktik ends (issue 18), and
reminding it at 3 and 10 days.

A period is a run of the placement's terms versions of one kind: the trial visit's, or the
praktik's (its extensions and a combined praktik with paid hours included). It ends on its
newest version's last unpaid day, earlier if the next kind of terms began first, or on the
day the placement was ended. The company is asked the day after its last day (the minute's
sweep, `ask_due`), or at once when the placement is ended early (`ask_ended`, from
placements.ladder.end), so the form is there as soon as the question is.

Each period is asked once: the row's unique key (placement, kind, first day) and ON CONFLICT
DO NOTHING make a second sweep, a racing worker or an early end followed by the sweep a no-op.
Reminders are claimed by raising the row's count in one UPDATE, as waiting steps are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from marketplace.agreements.parties import label_for
from marketplace.agreements.terms import versions_of, versions_of_many
from marketplace.clock import LOCAL_TZ
from marketplace.companies.staff import company_staff
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import Phase, Placement, PlacementTerms, Side
from marketplace.models.assessments import Assessment, AssessmentKind
from marketplace.notifications.kinds import Kind, register_kind
from marketplace.notifications.links import subject_link
from marketplace.notifications.outbox import notify

# A sweep that did not run for a while still asks for the periods that ended meanwhile; one
# ended longer ago than this is left (its next step has long been agreed or not).
ASK_WITHIN_DAYS = 14
REMINDER_DAYS = (3, 10)  # after the request; the count on the row says which went out

KIND_OF_PHASE = {
    Phase.TRIAL.value: AssessmentKind.TRIAL,
    Phase.PRAKTIK.value: AssessmentKind.PRAKTIK,
    Phase.COMBINED.value: AssessmentKind.PRAKTIK,
}

for _name, _subject, _summary in (
    (
        "assessment_asked",
        _l("How did it go? Assess the period that ended on %(day)s: %(label)s"),
        _l("Two minutes on your phone: what the person can do, and the next step you advise."),
    ),
    (
        "assessment_reminder",
        _l("Reminder: assess the period that ended on %(day)s: %(label)s"),
        _l("The jobcentre plans the person's next step from your assessment."),
    ),
    (
        "assessment_submitted",
        _l("%(by)s assessed the period that ended on %(day)s: %(label)s"),
        _l("Read it with the person and record whether they agree."),
    ),
):
    register_kind(
        Kind(name=_name, urgent=False, subject=_subject, summary=_summary, link=subject_link)
    )


@dataclass(frozen=True)
class Period:
    kind: AssessmentKind
    first: date
    last: date  # as agreed, or as ended
    ended_early: bool  # the placement was ended before the period's agreed last day


def periods(placement: Placement, versions: Sequence[PlacementTerms]) -> list[Period]:
    """The placement's trial visit and praktik periods, in order, from its terms versions:
    each run of versions of one kind (paid hours alone make a run of no kind)."""
    runs: list[tuple[AssessmentKind | None, list[PlacementTerms]]] = []
    for version in versions:
        kind = KIND_OF_PHASE.get(version.phase)
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(version)
        else:
            runs.append((kind, [version]))
    found: list[Period] = []
    for index, (kind, run) in enumerate(runs):
        if kind is None:
            continue
        first = min(v.unpaid_from for v in run if v.unpaid_from is not None)
        agreed = run[-1].unpaid_to
        assert agreed is not None  # the database holds an unpaid part whole
        last = agreed
        if index + 1 < len(runs):  # the next kind of terms began first (paid from day 3)
            last = min(last, runs[index + 1][1][0].effective_from - timedelta(days=1))
        ended_early = placement.ended_on is not None and placement.ended_on < last
        if placement.ended_on is not None:
            last = min(last, placement.ended_on)
        if last < first:
            continue  # it never began: ended (or replaced) before its first day
        found.append(Period(kind, first, last, ended_early))
    return found


def _due(placement: Placement, versions: Sequence[PlacementTerms], today: date) -> list[Period]:
    """The periods to ask about on `today`: over (within ASK_WITHIN_DAYS), or cut short by
    the placement's end."""
    since = today - timedelta(days=ASK_WITHIN_DAYS)
    return [
        p
        for p in periods(placement, versions)
        if since <= p.last
        and (p.last < today or (placement.ended_on is not None and p.last == placement.ended_on))
    ]


def _insert(rows: list[tuple[Placement, Period]]) -> list[Assessment]:
    """Insert the requests not made before (ON CONFLICT DO NOTHING on the unique key);
    returns the new rows."""
    if not rows:
        return []
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    ids = list(
        db.session.scalars(
            insert(Assessment)
            .values(
                [
                    {
                        "placement_id": placement.id,
                        "company_id": placement.company_id,
                        "jobcentre_id": placement.jobcentre_id,
                        "kind": period.kind.value,
                        "period_from": period.first,
                        "period_to": period.last,
                        "early_note": "",
                        "tasks": [],
                        "recommendation_reason": "",
                        "to_jobcentre": "",
                        "to_person": "",
                        "reminders_sent": 0,
                        "person_comment": "",
                    }
                    for placement, period in rows
                ]
            )
            .on_conflict_do_nothing(index_elements=["placement_id", "kind", "period_from"])
            .returning(Assessment.id)
        )
    )
    if not ids:
        return []
    return list(
        db.session.scalars(select(Assessment).where(Assessment.id.in_(ids)).order_by(Assessment.id))
    )


def _tell_company(assessment: Assessment, placement: Placement, kind: str) -> None:
    notify(
        company_staff(placement.company_id),
        kind,
        subject=assessment,
        label=label_for(placement, Side.COMPANY),
        day=assessment.period_to.isoformat(),
    )


def ask_ended(placement: Placement, today: date) -> list[Assessment]:
    """The placement was just ended: ask for the periods it cut short or that were over and
    not yet asked for. Flushes; the caller commits."""
    asked = _insert([(placement, p) for p in _due(placement, versions_of(placement.id), today)])
    for assessment in asked:
        _tell_company(assessment, placement, "assessment_asked")
    return asked


def ask_due(now: datetime, batch_size: int | None = None) -> int:
    """The sweep's row: ask for every period that ended within ASK_WITHIN_DAYS, then send the
    reminders that are due. Walks the placements whose terms have a last unpaid day in the
    window in keyset batches of `batch_size` (SWEEP_BATCH), committing each."""
    today = now.astimezone(LOCAL_TZ).date()
    size = batch_size or current_app.config["SWEEP_BATCH"]
    written = 0
    last = 0
    while ids := list(
        db.session.scalars(
            select(PlacementTerms.placement_id)
            .where(
                PlacementTerms.unpaid_to >= today - timedelta(days=ASK_WITHIN_DAYS),
                PlacementTerms.unpaid_to < today,
                PlacementTerms.placement_id > last,
            )
            .group_by(PlacementTerms.placement_id)
            .order_by(PlacementTerms.placement_id)
            .limit(size)
        )
    ):
        last = ids[-1]
        written += _ask_batch(ids, today)
        db.session.commit()
    return written + remind(now, size)


def _ask_batch(ids: list[int], today: date) -> int:
    versions = versions_of_many(ids, plain=True)
    placements = {
        p.id: p for p in db.session.scalars(select(Placement).where(Placement.id.in_(ids)))
    }
    due = [
        (placement, period)
        for placement in placements.values()
        for period in _due(placement, versions[placement.id], today)
    ]
    # Most of a batch was asked for on an earlier sweep: skip those before inserting.
    asked = {
        tuple(row)
        for row in db.session.execute(
            select(Assessment.placement_id, Assessment.kind, Assessment.period_from).where(
                Assessment.placement_id.in_(ids)
            )
        )
    }
    new = [(p, d) for p, d in due if (p.id, d.kind.value, d.first) not in asked]
    created = _insert(new)
    for assessment in created:
        _tell_company(assessment, placements[assessment.placement_id], "assessment_asked")
    return len(created)


def remind(now: datetime, batch_size: int) -> int:
    """Remind the company of each unanswered request at 3 and 10 days, once each: the row's
    count is raised in an UPDATE that only a row still below it passes, so a racing sweep
    reminds nobody twice. A request the sweep missed past both days gets one reminder."""
    written = 0
    for number, days in reversed(list(enumerate(REMINDER_DAYS, start=1))):
        last = 0
        while batch := list(
            db.session.scalars(
                select(Assessment.id)
                .where(
                    Assessment.submitted_at.is_(None),
                    Assessment.requested_at <= now - timedelta(days=days),
                    Assessment.reminders_sent < number,
                    Assessment.id > last,
                )
                .order_by(Assessment.id)
                .limit(batch_size)
            )
        ):
            last = batch[-1]
            claimed = list(
                db.session.scalars(
                    update(Assessment)
                    .where(Assessment.id.in_(batch), Assessment.reminders_sent < number)
                    .values(reminders_sent=number)
                    .returning(Assessment.id)
                    .execution_options(synchronize_session=False)
                )
            )
            _remind_each(claimed)
            written += len(claimed)
            db.session.commit()
    return written


def _remind_each(ids: Iterable[int]) -> None:
    ids = list(ids)
    if not ids:
        return
    rows = db.session.execute(
        select(Assessment, Placement)
        .join(Placement, Placement.id == Assessment.placement_id)
        .where(Assessment.id.in_(ids))
    ).all()
    for assessment, placement in rows:
        _tell_company(assessment, placement, "assessment_reminder")

"""Noting that a jobcentre's figures changed, beside the change itself (issue 17): a row in
figure_changes, the outbox the figures' refresh reads (marketplace.figures.rollup). The
caseload notes a candidate registered, closed, reopened or handed over (the target group and
the consultants' groups); hours.paid_months notes confirmed and corrected paid hours.

An INSERT only, in the writer's own transaction: what is noted commits or rolls back with
the change, and two writers never wait for each other (an UPDATE of one row per jobcentre
would queue every company confirming hours on a Monday morning)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, literal, select

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.models import Candidate, FigureChange


def note(jobcentre_id: int) -> None:
    db.session.execute(insert(FigureChange).values(jobcentre_id=jobcentre_id, noted_at=utcnow()))


def note_for_candidates(candidate_ids: Iterable[int]) -> None:
    """One row for each jobcentre holding any of these candidates, in one statement."""
    ids = sorted(set(candidate_ids))
    if not ids:
        return
    jobcentres = (
        select(Candidate.jobcentre_id, literal(utcnow()).label("noted_at"))
        .where(Candidate.id.in_(ids))
        .distinct()
    )
    db.session.execute(insert(FigureChange).from_select(["jobcentre_id", "noted_at"], jobcentres))

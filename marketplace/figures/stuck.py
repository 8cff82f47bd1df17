"""The stuck list's rules, defined once (issue 17). The first: a candidate without a solution,
after les emplois de l'inclusion (DOMAIN.md): proposed in the last six months, none of those
proposals accepted, and the first of them more than 30 days ago.

Read as: an active candidate of the jobcentre (a paused one is not looking now; a closed one
has left) whose proposals made since the same day six months ago number at least one, hold no
accepted one, and began before the day 30 days ago. An acceptance longer ago than six months
does not help: the person has been proposed again since, without result. Longest waiting first.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Select, case, func, select

from marketplace.clock import local_midnight, months_before
from marketplace.models import Candidate, CandidateStatus, Proposal, ProposalStatus

WINDOW_MONTHS = 6
WAITED_DAYS = 30


def without_a_solution(
    jobcentre_id: int, today: date, consultant_id: int | None = None
) -> Select[tuple[int, datetime, int, int]]:
    """The candidates without a solution as (candidate id, first proposal of the window, the
    window's proposals, the consultant), longest waiting first: a SELECT for
    web.pagination.paged."""
    window = (
        select(
            Proposal.candidate_id.label("candidate_id"),
            func.min(Proposal.created_at).label("first_proposed"),
            func.count(Proposal.id).label("proposals"),
        )
        .where(
            Proposal.jobcentre_id == jobcentre_id,
            Proposal.created_at >= local_midnight(months_before(today, WINDOW_MONTHS)),
        )
        .group_by(Proposal.candidate_id)
        .having(
            func.min(Proposal.created_at) < local_midnight(today - timedelta(days=WAITED_DAYS)),
            func.sum(case((Proposal.status == ProposalStatus.ACCEPTED.value, 1), else_=0)) == 0,
        )
        .subquery("window")
    )
    statement = (
        select(
            window.c.candidate_id,
            window.c.first_proposed,
            window.c.proposals,
            Candidate.consultant_id,
        )
        .join(Candidate, Candidate.id == window.c.candidate_id)
        .where(
            Candidate.jobcentre_id == jobcentre_id,
            Candidate.status == CandidateStatus.ACTIVE.value,
        )
        .order_by(window.c.first_proposed, window.c.candidate_id)
    )
    if consultant_id is not None:
        statement = statement.where(Candidate.consultant_id == consultant_id)
    return statement

"""The stuck list's rules, defined once (issue 17; the fifth issue 18): five kinds of case
that wait for the consultant, each a SELECT for the SQL pager (web.pagination.paged), per
jobcentre or per consultant (the candidate's consultant, Candidate.consultant_id).
docs/FIGURES.md has them in plain words with their next actions.

1. **A candidate without a solution** (`without_a_solution`), after les emplois de
   l'inclusion (DOMAIN.md): proposed in the last six months, none of those proposals
   accepted, and the first of them more than 30 days ago. Read as: an active candidate of the
   jobcentre (a paused one is not looking now; a closed one has left) whose proposals made
   since the same day six months ago number at least one, hold no accepted one, and began
   before the day 30 days ago. An acceptance longer ago than six months does not help: the
   person has been proposed again since, without result. Longest waiting first.

2. **A praktik within two weeks of its end or past it** (`praktik_ending`): a placement in
   praktik, or combined, whose current terms (the newest version: an agreed extension or paid
   hours that follow replace it) end their praktik on or before the day 14 days from today.
   A combined placement whose praktik is over goes on with its paid hours alone, so it is
   listed only until its praktik's last day; a praktik (alone) stays listed past its last day
   until somebody acts. Soonest (or longest past) first. `praktik_next_steps` adds, for a
   page of rows, the first praktik day (agreements.terms.first_praktik_day) and whether the
   whole praktik, counted from it, reaches the jobcentre's extended limit
   (`praktik_extended_max_weeks`, agreements.rules): the next action is to extend or offer
   paid hours; at the limit, to offer paid hours or end it; past its last day, to end it or
   agree the next step.

3. **A placement without confirmed hours for two weeks** (`without_confirmed_hours`): a
   placement that is neither pending nor ended, that could have hours in each of the last two
   whole weeks (Monday to Sunday, before this week's Monday) -- a terms version begun by the
   week's end whose paid part had begun or whose praktik or trial visit overlaps the week, as
   the company's week page counts them (hours.weeks.company_week_ids) -- and that has neither
   week confirmed. A placement whose hours began in this week or the last has not had two
   weeks yet. Never confirmed first, then the longest since a confirmed week.

4. **A proposal unanswered past its reminder** (`unanswered_proposals`): a waiting proposal
   that was reminded, or whose reminder is due (proposals.lifecycle.reminder_due_before: the
   same moment the sweep reminds the company at). Oldest first; it expires on its own after
   PROPOSAL_EXPIRE_DAYS.

5. **An assessment missing past its first reminder** (`missing_assessments`, issue 18): the
   company was asked for its assessment of a trial visit or a praktik, has not answered, and
   was reminded or was asked at least figures.assessments.REMIND_AFTER_DAYS days ago (when the
   sweep sends the first reminder). Oldest asked first.

Rows 2-5 leave out closed candidates (the case has left the jobcentre) and keep paused ones:
a pause stops new proposals, not a running placement or a proposal already sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, select

from marketplace.agreements import rules as ladder_rules
from marketplace.agreements.terms import first_praktik_day, versions_of_many
from marketplace.clock import local_midnight, months_before
from marketplace.figures.assessments import REMIND_AFTER_DAYS
from marketplace.models import (
    Assessment,
    Candidate,
    CandidateStatus,
    Job,
    Organisation,
    Phase,
    Placement,
    PlacementTerms,
    Proposal,
    ProposalStatus,
    WeekConfirmation,
)
from marketplace.proposals.lifecycle import reminder_due_before

WINDOW_MONTHS = 6
WAITED_DAYS = 30
PRAKTIK_NOTICE_DAYS = 14
UNCONFIRMED_WEEKS = 2
# Phases whose weeks have hours to confirm: a trial visit's and praktik's hours are confirmed
# like paid ones (HourKind.PRAKTIK).
WITH_HOURS = (Phase.TRIAL.value, Phase.PRAKTIK.value, Phase.COMBINED.value, Phase.PAID.value)


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


def _of_placements(
    statement: Select[Any], jobcentre_id: int, consultant_id: int | None
) -> Select[Any]:
    """The jobcentre's placements of candidates not closed (of one consultant's, if given),
    with the candidate's consultant and the company's name."""
    statement = (
        statement.join(Candidate, Candidate.id == Placement.candidate_id)
        .join(Organisation, Organisation.id == Placement.company_id)
        .where(
            Placement.jobcentre_id == jobcentre_id,
            Candidate.status != CandidateStatus.CLOSED.value,
        )
    )
    if consultant_id is not None:
        statement = statement.where(Candidate.consultant_id == consultant_id)
    return statement


def praktik_ending(
    jobcentre_id: int, today: date, consultant_id: int | None = None
) -> Select[tuple[int, int, int, str, str, date]]:
    """The praktik within two weeks of its end or past it as (placement id, candidate id,
    consultant, company, phase, the praktik's last day), soonest first."""
    newest = (
        select(func.max(PlacementTerms.number))
        .where(PlacementTerms.placement_id == Placement.id)
        .correlate(Placement)
        .scalar_subquery()
    )
    statement = (
        select(
            Placement.id.label("placement_id"),
            Placement.candidate_id,
            Candidate.consultant_id,
            Organisation.name.label("company"),
            Placement.phase,
            PlacementTerms.unpaid_to.label("last_day"),
        )
        .select_from(Placement)
        .join(
            PlacementTerms,
            and_(PlacementTerms.placement_id == Placement.id, PlacementTerms.number == newest),
        )
        .where(
            Placement.phase.in_([Phase.PRAKTIK.value, Phase.COMBINED.value]),
            PlacementTerms.unpaid_to <= today + timedelta(days=PRAKTIK_NOTICE_DAYS),
            # A combined placement's praktik over: its paid hours go on alone.
            or_(Placement.phase == Phase.PRAKTIK.value, PlacementTerms.unpaid_to >= today),
        )
        .order_by(PlacementTerms.unpaid_to, Placement.id)
    )
    return _of_placements(statement, jobcentre_id, consultant_id)


class PraktikAction(StrEnum):
    EXTEND = "extend"  # ends soon and may be extended: extend it or offer paid hours
    AT_LIMIT = "at_limit"  # ends soon and the whole praktik reaches the jobcentre's limit
    PAST = "past"  # its last day has passed and nothing agreed follows


@dataclass(frozen=True)
class PraktikState:
    first_day: date
    weeks: int  # the whole praktik's weeks, begun ones counted, to its last day
    limit_weeks: int  # the jobcentre's extended limit
    action: PraktikAction


def praktik_action(last_day: date, today: date, at_limit: bool) -> PraktikAction:
    if last_day < today:
        return PraktikAction.PAST
    return PraktikAction.AT_LIMIT if at_limit else PraktikAction.EXTEND


def praktik_next_steps(
    rows: Iterable[Mapping[str, Any]], jobcentre_id: int, today: date
) -> dict[int, PraktikState]:
    """For a page of praktik_ending's rows: where each whole praktik stands against the
    jobcentre's extended limit, and so the next action. Two statements (the versions of the
    page's placements, the rules) whatever the number of rows."""
    rows = list(rows)
    if not rows:
        return {}
    versions = versions_of_many([row["placement_id"] for row in rows], plain=True)
    limit = ladder_rules.rules_for(jobcentre_id).praktik_extended_max_weeks
    states = {}
    for row in rows:
        first = first_praktik_day(versions[row["placement_id"]]) or row["last_day"]
        days = ladder_rules.days_inclusive(first, row["last_day"])
        states[row["placement_id"]] = PraktikState(
            first_day=first,
            weeks=-(-days // 7),
            limit_weeks=limit,
            action=praktik_action(row["last_day"], today, days >= limit * 7),
        )
    return states


def unconfirmed_weeks(today: date) -> tuple[date, date]:
    """The Mondays of the last two whole weeks, the earlier first."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=UNCONFIRMED_WEEKS), monday - timedelta(weeks=1)


def _may_have_hours(monday: date) -> Any:
    """A terms version begun by the week's end whose paid part had begun or whose praktik
    (or trial visit) overlaps the week (as hours.weeks.company_week_ids)."""
    sunday = monday + timedelta(days=6)
    return exists().where(
        PlacementTerms.placement_id == Placement.id,
        PlacementTerms.effective_from <= sunday,
        or_(
            PlacementTerms.paid_from <= sunday,
            and_(PlacementTerms.unpaid_from <= sunday, PlacementTerms.unpaid_to >= monday),
        ),
    )


def without_confirmed_hours(
    jobcentre_id: int, today: date, consultant_id: int | None = None
) -> Select[tuple[int, int, int, str, date | None]]:
    """The placements without confirmed hours in the last two whole weeks as (placement id,
    candidate id, consultant, company, the last confirmed week's Monday or None), never
    confirmed first, then the longest since."""
    earlier, later = unconfirmed_weeks(today)
    last_confirmed = (
        select(func.max(WeekConfirmation.week_start))
        .where(WeekConfirmation.placement_id == Placement.id)
        .correlate(Placement)
        .scalar_subquery()
    )
    confirmed = exists().where(
        WeekConfirmation.placement_id == Placement.id,
        WeekConfirmation.week_start.in_([earlier, later]),
    )
    statement = (
        select(
            Placement.id.label("placement_id"),
            Placement.candidate_id,
            Candidate.consultant_id,
            Organisation.name.label("company"),
            last_confirmed.label("last_confirmed"),
        )
        .select_from(Placement)
        .where(
            Placement.phase.in_(WITH_HOURS),
            _may_have_hours(earlier),
            _may_have_hours(later),
            ~confirmed,
        )
        .order_by(last_confirmed.is_not(None), last_confirmed, Placement.id)
    )
    return _of_placements(statement, jobcentre_id, consultant_id)


def unanswered_proposals(
    jobcentre_id: int, now: datetime, consultant_id: int | None = None
) -> Select[tuple[int, int, int, str, str, datetime, datetime | None]]:
    """The proposals unanswered past their reminder as (proposal id, candidate id,
    consultant, company, job, proposed at, reminded at), oldest first."""
    statement = (
        select(
            Proposal.id.label("proposal_id"),
            Proposal.candidate_id,
            Candidate.consultant_id,
            Organisation.name.label("company"),
            Job.title.label("job"),
            Proposal.created_at.label("proposed_at"),
            Proposal.reminded_at,
        )
        .join(Candidate, Candidate.id == Proposal.candidate_id)
        .join(Job, Job.id == Proposal.job_id)
        .join(Organisation, Organisation.id == Proposal.company_id)
        .where(
            Proposal.jobcentre_id == jobcentre_id,
            Proposal.status == ProposalStatus.WAITING.value,
            or_(
                Proposal.reminded_at.is_not(None),
                Proposal.created_at <= reminder_due_before(now),
            ),
            Candidate.status != CandidateStatus.CLOSED.value,
        )
        .order_by(Proposal.created_at, Proposal.id)
    )
    if consultant_id is not None:
        statement = statement.where(Candidate.consultant_id == consultant_id)
    return statement


def missing_assessments(
    jobcentre_id: int, now: datetime, consultant_id: int | None = None
) -> Select[tuple[int, int, int, int, str, str, str, date, date, datetime, int]]:
    """The assessments missing past their first reminder as (assessment id, placement id,
    candidate id, consultant, company, job, kind, the period's first and last day, asked at,
    reminders sent), oldest asked first."""
    statement = (
        select(
            Assessment.id.label("assessment_id"),
            Assessment.placement_id,
            Placement.candidate_id,
            Candidate.consultant_id,
            Organisation.name.label("company"),
            Job.title.label("job"),
            Assessment.kind,
            Assessment.period_from,
            Assessment.period_to,
            Assessment.requested_at,
            Assessment.reminders_sent,
        )
        .select_from(Assessment)
        .join(Placement, Placement.id == Assessment.placement_id)
        .join(Job, Job.id == Placement.job_id)
        .where(
            Assessment.jobcentre_id == jobcentre_id,
            Assessment.submitted_at.is_(None),
            or_(
                Assessment.reminders_sent > 0,
                Assessment.requested_at <= now - timedelta(days=REMIND_AFTER_DAYS),
            ),
        )
        .order_by(Assessment.requested_at, Assessment.id)
    )
    return _of_placements(statement, jobcentre_id, consultant_id)


def missing_assessments_count(
    jobcentre_id: int, now: datetime, consultant_id: int | None = None
) -> Select[tuple[int]]:
    """How many missing_assessments: one statement (the consultant's home page)."""
    found = missing_assessments(jobcentre_id, now, consultant_id).order_by(None).subquery()
    return select(func.count()).select_from(found)

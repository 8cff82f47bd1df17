"""The funnel of a period, defined once (issue 17): how far the proposals a jobcentre made in
a period climbed the ladder, how long each step took, why proposals went nowhere, and the
same per company and per consultant.

* **The cohort**: the jobcentre's proposals made in the period, from the Danish midnight
  that begins `first_day` up to the one that ends `last_day` (a proposal made at 23:30 UTC
  on the period's last day belongs to the next day, outside it). A consultant's cohort is
  the proposals of the candidates the consultant holds now (as in figures.measures).
* **Placements, not people**: each step counts proposals, and an accepted proposal is one
  placement. A person proposed to two jobs counts twice among the proposed, and twice among
  the accepted if both companies said yes.
* **Each step counts "this step or a later one"**, and a proposal reaches a step only if it
  reached the step before, so the funnel never widens. A placement may skip the trial visit
  or the praktik (`Placement.first_step`): it still counts at those steps once it is further.
  A step's terms count once they have begun: their `effective_from` is on or before `today`
  and not after the day the placement ended (a trial visit agreed for next week, or one the
  placement ended before, has not been reached).

  1. *proposed*: the cohort.
  2. *accepted*: the company accepted and the placement exists (the acceptance makes it).
  3. *trial visit or further*: a terms version of phase trial, praktik, combined or paid has
     begun.
  4. *praktik or further*: one of phase praktik, combined or paid has begun.
  5. *paid hours*: at least one day with more than 0 confirmed paid hours by its latest
     revision (`hours.paid_months.current_paid_day`: a day corrected to 0 does not count;
     praktik and trial-visit hours never do, even beside agreed paid terms). The ledger
     records paid hours above 0 only on past days inside paid terms (phase combined or paid)
     and not after the placement ended, so such a day also means the paid terms had begun.
  6. *more hours*: a terms version with more paid hours a week than the placement's first
     paid terms (phase combined or paid, lowest number) has begun. Paid hours change only by
     an accepted request to change them (`StepKind.HOURS`: placements.ladder, steps.py:
     once paid, a praktik keeps the paid part and paid hours cannot be offered again), so
     this is an accepted request that raised the hours above where they began; a cut and a
     raise back to the start is not more hours, a change of weekdays alone is not either.

* **Conversion**: a step's count over the step before's, and over the proposed; a percent
  with one decimal, rounded half up; None when the count divided by is 0.
* **Median days** to each step from the step before, in Danish calendar days, among the
  placements that had both steps themselves (a placement that skipped the trial visit is in
  neither the days to the trial visit nor the days from it to the praktik):
  proposed -> accepted (the days of `Proposal.created_at` and `decided_at`), accepted -> the
  first day of the first trial terms, -> the first day of the first praktik terms (phase
  praktik: a combined placement began as praktik or as paid hours), -> the first confirmed
  paid day above 0, -> the first day of the raising terms. An even number of placements
  takes the mean of the middle two (so a median may end in .5); None when no placement had
  both. The raise may be agreed before the first paid day was worked: its days are then
  negative, and shown so.
* **Decline reasons**: the cohort's proposals the company declined, by `decline_reason`, and
  the expired (no answer in time) and withdrawn (by the jobcentre) ones as rows of their
  own, codes the template translates; most first.
* **Per company and per consultant**: the cohort's proposals, accepted and reaching paid
  hours (as above), their conversions, and the paid hours confirmed in the period: the sum
  of the latest paid revisions of days from `first_day` to `last_day` of the jobcentre's
  candidates (the consultant's now) at that company, whenever they were proposed. A company
  with hours but no proposal in the period has a row with 0 proposals.

The funnel is one statement: the cohort's proposals with their placements' dates (the first
day of each phase by GROUP BY with CASE, the first paid day and the raise by indexed
subqueries per placement), the counts and medians in Python (a few thousand placements a
year for the biggest jobcentre).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    union,
)
from sqlalchemy.orm import aliased

from marketplace.clock import LOCAL_TZ, local_midnight, local_today
from marketplace.extensions import db
from marketplace.figures import measures
from marketplace.hours.paid_months import current_paid_day
from marketplace.models import (
    Candidate,
    DeclineReason,
    HourRecord,
    Phase,
    Placement,
    PlacementTerms,
    Proposal,
    ProposalStatus,
)

# The funnel's steps, in order (the template translates the codes).
STEPS = ("proposed", "accepted", "trial", "praktik", "paid", "more_hours")
# The phases of terms that reach each step or a later one.
PAID_PHASES = (Phase.COMBINED.value, Phase.PAID.value)
PRAKTIK_OR_LATER = (Phase.PRAKTIK.value, *PAID_PHASES)
TRIAL_OR_LATER = (Phase.TRIAL.value, *PRAKTIK_OR_LATER)
# Decline reasons in their form's order, then the proposals nobody declined: ties keep it.
NOWHERE = (
    ProposalStatus.DECLINED.value,
    ProposalStatus.EXPIRED.value,
    ProposalStatus.WITHDRAWN.value,
)
DECLINE_ROWS = (
    *(reason.value for reason in DeclineReason),
    ProposalStatus.EXPIRED.value,
    ProposalStatus.WITHDRAWN.value,
)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percent, one decimal, rounded half up; None when whole is 0."""
    if not whole:
        return None
    exact = Decimal(part * 100) / Decimal(whole)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def median(values: list[int]) -> Decimal | None:
    """The middle value, or the mean of the middle two; None of nothing (days: whole numbers,
    so a median ends in .5 at most)."""
    return measures.median([Decimal(value) for value in values])


@dataclass(frozen=True)
class Step:
    """One step of the funnel: how many reached it (or a later one), against the step before
    and the proposed, and the median days from the step before among `timed` placements."""

    name: str
    count: int
    previous: int | None  # the step before's count; None for the proposed
    proposed: int
    median_days: Decimal | None
    timed: int  # the placements the median is of

    @property
    def conversion(self) -> Decimal | None:
        """Of the step before, in percent (None for the first step or after an empty one)."""
        return None if self.previous is None else percent(self.count, self.previous)

    @property
    def of_proposed(self) -> Decimal | None:
        return percent(self.count, self.proposed)


@dataclass(frozen=True)
class Funnel:
    first_day: date
    last_day: date
    steps: tuple[Step, ...]

    def step(self, name: str) -> Step:
        return next(step for step in self.steps if step.name == name)


@dataclass(frozen=True)
class Row:
    """A company's or a consultant's line: the cohort's proposals, accepted and reaching paid
    hours, and the paid hours confirmed in the period."""

    id: int
    proposals: int
    accepted: int
    paid: int
    paid_hours: Decimal

    @property
    def accepted_percent(self) -> Decimal | None:
        """Accepted of proposed."""
        return percent(self.accepted, self.proposals)

    @property
    def paid_percent(self) -> Decimal | None:
        """Reaching paid hours of accepted."""
        return percent(self.paid, self.accepted)

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Row:
        """A row of by_company's SELECT (a mapping from web.pagination.paged)."""
        return cls(
            id=int(row["id"]),
            proposals=int(row["proposals"] or 0),
            accepted=int(row["accepted"] or 0),
            paid=int(row["paid"] or 0),
            paid_hours=Decimal(str(row["paid_hours"] or 0)),
        )


# --- The cohort and the steps in SQL ----------------------------------------------------------


def _in_cohort(
    jobcentre_id: int, first_day: date, last_day: date, consultant_id: int | None
) -> list[ColumnElement[bool]]:
    """The conditions on Proposal of the cohort (Candidate joined when a consultant is given)."""
    return [
        Proposal.jobcentre_id == jobcentre_id,
        Proposal.created_at >= local_midnight(first_day),
        Proposal.created_at < local_midnight(last_day + timedelta(days=1)),
        *([Candidate.consultant_id == consultant_id] if consultant_id is not None else []),
    ]


def _cohort(
    statement: Select[Any],
    jobcentre_id: int,
    first_day: date,
    last_day: date,
    consultant_id: int | None,
    joined: bool = False,
) -> Select[Any]:
    if consultant_id is not None and not joined:
        statement = statement.join(Candidate, Candidate.id == Proposal.candidate_id)
    return statement.where(*_in_cohort(jobcentre_id, first_day, last_day, consultant_id))


def _begun(terms: type[PlacementTerms], today: date) -> ColumnElement[bool]:
    """Terms count once begun: from today or before, and not after the placement ended."""
    return and_(
        terms.effective_from <= today,
        or_(Placement.ended_on.is_(None), terms.effective_from <= Placement.ended_on),
    )


def _paid_reached() -> ColumnElement[bool]:
    """Of the joined Placement: a confirmed paid day above 0 (the funnel's paid hours)."""
    return exists().where(HourRecord.placement_id == Placement.id, current_paid_day())


# --- The funnel --------------------------------------------------------------------------------


def funnel(
    jobcentre_id: int,
    first_day: date,
    last_day: date,
    consultant_id: int | None = None,
    *,
    today: date | None = None,
) -> Funnel:
    """The funnel of the proposals made from `first_day` to `last_day` (Danish days, both
    included): one statement."""
    rows = ladder_rows(jobcentre_id, first_day, last_day, consultant_id, today=today)
    return tally(rows, first_day, last_day)


def ladder_rows(
    jobcentre_id: int,
    first_day: date,
    last_day: date,
    consultant_id: int | None = None,
    *,
    today: date | None = None,
) -> list[Any]:
    """The cohort's proposals, each with its placement's dates, its candidate's consultant,
    its company and its answer: what `tally` counts (figures.rollup tallies a window's rows
    for many periods and consultants at once). One statement."""
    today = today or local_today()
    cohort_ids = _cohort(select(Proposal.id), jobcentre_id, first_day, last_day, consultant_id)

    def first_of(*phases: str) -> ColumnElement[date]:
        begun = and_(PlacementTerms.phase.in_(phases), _begun(PlacementTerms, today))
        return func.min(case((begun, PlacementTerms.effective_from)))

    phases = (
        select(
            PlacementTerms.placement_id,
            first_of(Phase.TRIAL.value).label("trial_on"),
            first_of(Phase.PRAKTIK.value).label("praktik_on"),
            first_of(*TRIAL_OR_LATER).label("trial_or_later_on"),
            first_of(*PRAKTIK_OR_LATER).label("praktik_or_later_on"),
        )
        .join(Placement, Placement.id == PlacementTerms.placement_id)
        .where(Placement.proposal_id.in_(cohort_ids))
        .group_by(PlacementTerms.placement_id)
        .subquery("phases")
    )
    first_paid_day = (
        select(func.min(HourRecord.work_date))
        .where(HourRecord.placement_id == Placement.id, current_paid_day())
        .correlate(Placement)
        .scalar_subquery()
    )
    first_paid, raised = aliased(PlacementTerms), aliased(PlacementTerms)
    first_paid_hours = (
        select(first_paid.paid_hours)
        .where(first_paid.placement_id == Placement.id, first_paid.phase.in_(PAID_PHASES))
        .order_by(first_paid.number)
        .limit(1)
        .correlate(Placement)
        .scalar_subquery()
    )
    raised_on = (
        select(func.min(raised.effective_from))
        .where(
            raised.placement_id == Placement.id,
            raised.paid_hours > first_paid_hours,
            _begun(raised, today),
        )
        .correlate(Placement)
        .scalar_subquery()
    )
    statement = _cohort(
        select(
            Proposal.id,
            Proposal.created_at,
            Proposal.decided_at,
            Placement.id.label("placement_id"),
            phases.c.trial_on,
            phases.c.praktik_on,
            phases.c.trial_or_later_on,
            phases.c.praktik_or_later_on,
            first_paid_day.label("first_paid_day"),
            raised_on.label("raised_on"),
            Candidate.consultant_id,
            Proposal.company_id,
            Proposal.status,
            Proposal.decline_reason,
        )
        .select_from(Proposal)
        .join(Candidate, Candidate.id == Proposal.candidate_id)
        .outerjoin(Placement, Placement.proposal_id == Proposal.id)
        .outerjoin(phases, phases.c.placement_id == Placement.id),
        jobcentre_id,
        first_day,
        last_day,
        consultant_id,
        joined=True,
    )
    return list(db.session.execute(statement))


def reached(row: Any) -> list[str]:
    """The steps a `ladder_rows` row reached, in order: each only after the one before."""
    if row.placement_id is None:
        return ["proposed"]
    has = {
        "accepted": True,
        "trial": row.trial_or_later_on is not None,
        "praktik": row.praktik_or_later_on is not None,
        "paid": row.first_paid_day is not None,
        "more_hours": row.raised_on is not None,
    }
    steps = ["proposed"]
    for name in STEPS[1:]:
        if not has[name]:
            break
        steps.append(name)
    return steps


def reasons_of(rows: Iterable[Any]) -> list[tuple[str, int]]:
    """(code, proposals) of the rows declined by reason, expired and withdrawn; most first,
    ties in DECLINE_ROWS' order, none of 0."""
    counted: dict[str, int] = {}
    for row in rows:
        if row.status in NOWHERE:
            code = row.decline_reason or row.status
            counted[code] = counted.get(code, 0) + 1
    order = {reason: number for number, reason in enumerate(DECLINE_ROWS)}
    return sorted(counted.items(), key=lambda item: (-item[1], order.get(item[0], len(order))))


@dataclass(frozen=True)
class Climb:
    """How far one proposal climbed: its steps reached, in order, and the days each took
    from the step before (for the steps both were dated)."""

    steps: tuple[str, ...]
    days: tuple[tuple[str, int], ...]


def climb_of(row: Any) -> Climb:
    """A `ladder_rows` row's climb (figures.rollup works these out once per proposal and
    tallies them for many periods)."""
    steps = reached(row)
    if row.placement_id is None:
        return Climb(tuple(steps), ())
    proposed_on, accepted_on = _local_day(row.created_at), _local_day(row.decided_at)
    dated = {
        "accepted": (proposed_on, accepted_on),
        "trial": (accepted_on, row.trial_on),
        "praktik": (row.trial_on, row.praktik_on),
        "paid": (row.praktik_on, row.first_paid_day),
        "more_hours": (row.first_paid_day, row.raised_on),
    }
    days = tuple(
        (name, (dated[name][1] - dated[name][0]).days)
        for name in steps[1:]
        if dated[name][0] is not None and dated[name][1] is not None
    )
    return Climb(tuple(steps), days)


def tally(rows: Iterable[Any], first_day: date, last_day: date) -> Funnel:
    """The funnel of `ladder_rows`' rows: the counts and the medians."""
    return tally_climbs((climb_of(row) for row in rows), first_day, last_day)


def tally_climbs(climbs: Iterable[Climb], first_day: date, last_day: date) -> Funnel:
    counts = dict.fromkeys(STEPS, 0)
    days: dict[str, list[int]] = {name: [] for name in STEPS}
    for climb in climbs:
        for name in climb.steps:
            counts[name] += 1
        for name, taken in climb.days:
            days[name].append(taken)
    steps = tuple(
        Step(
            name=name,
            count=counts[name],
            previous=counts[STEPS[number - 1]] if number else None,
            proposed=counts["proposed"],
            median_days=median(days[name]),
            timed=len(days[name]),
        )
        for number, name in enumerate(STEPS)
    )
    return Funnel(first_day=first_day, last_day=last_day, steps=steps)


def _local_day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.astimezone(LOCAL_TZ).date()


# --- Why proposals went nowhere ----------------------------------------------------------------


def decline_reasons(
    jobcentre_id: int, first_day: date, last_day: date, consultant_id: int | None = None
) -> list[tuple[str, int]]:
    """(code, proposals) of the cohort's declined proposals by reason, and of its expired
    ("expired") and withdrawn ("withdrawn") ones; most first, ties in DECLINE_ROWS' order,
    none of 0. One statement (the cohort's rows; `reasons_of` counts them)."""
    return reasons_of(ladder_rows(jobcentre_id, first_day, last_day, consultant_id))


# --- Per company and per consultant ------------------------------------------------------------


def _lines(
    key: ColumnElement[int],
    hour_key: ColumnElement[int],
    jobcentre_id: int,
    first_day: date,
    last_day: date,
    consultant_id: int | None,
) -> Select[Any]:
    """id, proposals, accepted, paid, paid_hours per `key` (of Proposal/Candidate) and
    `hour_key` (of HourRecord/Candidate), ordered by proposals, most first, then id."""
    accepted = Placement.id.is_not(None)
    cohort = (
        select(
            key.label("id"),
            func.count(Proposal.id).label("proposals"),
            func.count(Placement.id).label("accepted"),
            func.sum(case((and_(accepted, _paid_reached()), 1), else_=0)).label("paid"),
        )
        .select_from(Proposal)
        .join(Candidate, Candidate.id == Proposal.candidate_id)
        .outerjoin(Placement, Placement.proposal_id == Proposal.id)
        .where(*_in_cohort(jobcentre_id, first_day, last_day, consultant_id))
        .group_by(key)
        .subquery("cohort")
    )
    hours = (
        select(hour_key.label("id"), func.sum(HourRecord.hours).label("hours"))
        .select_from(Candidate)
        .join(HourRecord, HourRecord.candidate_id == Candidate.id)
        .where(
            Candidate.jobcentre_id == jobcentre_id,
            *([Candidate.consultant_id == consultant_id] if consultant_id is not None else []),
            HourRecord.work_date >= first_day,
            HourRecord.work_date <= last_day,
            current_paid_day(),
        )
        .group_by(hour_key)
        .subquery("hours")
    )
    ids = union(select(cohort.c.id), select(hours.c.id)).subquery("ids")
    proposals = func.coalesce(cohort.c.proposals, 0)
    return (
        select(
            ids.c.id.label("id"),
            proposals.label("proposals"),
            func.coalesce(cohort.c.accepted, 0).label("accepted"),
            func.coalesce(cohort.c.paid, 0).label("paid"),
            func.coalesce(hours.c.hours, literal(0)).label("paid_hours"),
        )
        .select_from(ids)
        .outerjoin(cohort, cohort.c.id == ids.c.id)
        .outerjoin(hours, hours.c.id == ids.c.id)
        .order_by(proposals.desc(), ids.c.id)
    )


def by_company(
    jobcentre_id: int, first_day: date, last_day: date, consultant_id: int | None = None
) -> Select[Any]:
    """The companies' lines (id = the company's), a SELECT for web.pagination.paged: its
    items are mappings of id, proposals, accepted, paid and paid_hours (`Row.of` makes a Row
    with the conversions). A jobcentre may have thousands."""
    return _lines(
        Proposal.company_id,
        HourRecord.company_id,
        jobcentre_id,
        first_day,
        last_day,
        consultant_id,
    )


def by_consultant(
    jobcentre_id: int, first_day: date, last_day: date, consultant_id: int | None = None
) -> list[Row]:
    """The consultants' lines (id = the consultant's user id, of the candidates each holds
    now), all of them: one statement (`consultant_lines` is the SELECT, to page)."""
    statement = consultant_lines(jobcentre_id, first_day, last_day, consultant_id)
    return [Row.of(row) for row in db.session.execute(statement).mappings()]


def consultant_lines(
    jobcentre_id: int, first_day: date, last_day: date, consultant_id: int | None = None
) -> Select[Any]:
    """The consultants' lines as a SELECT for web.pagination.paged (as by_company's)."""
    return _lines(
        Candidate.consultant_id,
        Candidate.consultant_id,
        jobcentre_id,
        first_day,
        last_day,
        consultant_id,
    )

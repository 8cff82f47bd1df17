"""The jobcentre's figures kept ready (issue 17), so the leader's page reads a dozen rows
instead of aggregating a big jobcentre's year on every request (the biggest jobcentre's
figures straight from paid_months take 150-350 ms of SQL; from here, one indexed read).

What is kept: for each jobcentre, each of the last WINDOW_MONTHS months, and the whole
jobcentre (scope EVERYONE) and each consultant's candidates: the month's target group and
those touched by paid hours, hours a week (median, compared, more) and retention 90/180, as
figures.measures defines them: `compute` reads the jobcentre's candidates and paid_months
once and counts in Python with measures' own helpers, and the tests hold it equal to
measures' SQL on random towns (tests/marketplace/figures/test_rollup.py).

When: hours confirmed or corrected and candidates registered, closed, reopened or handed over
note their jobcentre in figure_changes (caseload.figure_changes), in their own transaction.
The sweep (tasks.PERIODIC, every minute) refreshes up to FIGURES_BATCH noted jobcentres,
then those whose figures lack this month or are older than a day (a bulk load, an erasure),
each in its own transaction. A refresh takes the notes it saw with it, no later ones.

Reading: `figures_for` serves a month whose twelve months the refresh covers from the rows,
and any other (older, or a jobcentre not refreshed yet) from measures on request."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, delete, func, insert, select

from marketplace.clock import (
    local_day,
    local_midnight,
    local_today,
    month_of,
    months_before,
    next_month,
    utcnow,
)
from marketplace.extensions import db
from marketplace.figures import funnel, measures
from marketplace.figures.funnel import Funnel, Row, Step
from marketplace.figures.measures import HoursAWeek, Retention, Share
from marketplace.hours.paid_months import current_paid_day, month_start
from marketplace.models import (
    EVERYONE,
    Candidate,
    FigureChange,
    FigureCompany,
    FigureMonth,
    FigureRefresh,
    HourRecord,
    Jobcentre,
    PaidMonth,
)

log = logging.getLogger(__name__)

WINDOW_MONTHS = 24  # the page's twelve months for any of the last thirteen
TREND_MONTHS = 12
FIGURES_BATCH = 10  # jobcentres a sweep refreshes at most
BUDGET_SECONDS = 20.0  # a sweep starts no refresh after this long
MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class Figures:
    """What the leader's page shows for a month: its twelve months' shares (oldest first),
    its hours a week and its retention; `computed_at` when kept, None when counted now."""

    trend: list[Share]
    weekly: HoursAWeek
    retention: list[Retention]
    computed_at: datetime | None
    # The twelve months' proposals: their funnel, why some went nowhere, the consultants'
    # lines (the chosen one's only, if one is chosen) and the companies' (the whole
    # jobcentre's: a SELECT to page).
    funnel: Funnel
    reasons: list[tuple[str, int]]
    consultants: Select[Any]  # to page; `consultant_line` makes a Row of each of its rows
    consultant_line: Callable[[Mapping[str, Any]], Row]
    companies: Select[Any]


def period_of(month: date) -> tuple[date, date]:
    """The funnel's period for a month: the first and last day of the twelve months up to
    and including it."""
    month = month_of(month)
    return months_before(month, TREND_MONTHS - 1), next_month(month) - timedelta(days=1)


def figures_for(jobcentre_id: int, month: date, consultant_id: int | None = None) -> Figures:
    return read(jobcentre_id, month, consultant_id) or direct(jobcentre_id, month, consultant_id)


def direct(jobcentre_id: int, month: date, consultant_id: int | None = None) -> Figures:
    """The figures counted now from paid_months and the ladder (measures' and funnel's SQL)."""
    first_day, last_day = period_of(month)
    rows = funnel.ladder_rows(jobcentre_id, first_day, last_day, consultant_id)
    return Figures(
        trend=measures.paid_shares(
            jobcentre_id, measures.last_months(month, TREND_MONTHS), consultant_id
        ),
        weekly=measures.hours_a_week(jobcentre_id, month, consultant_id),
        retention=measures.retention(jobcentre_id, month, consultant_id),
        computed_at=None,
        funnel=funnel.tally(rows, first_day, last_day),
        reasons=funnel.reasons_of(rows),
        consultants=funnel.consultant_lines(jobcentre_id, first_day, last_day, consultant_id),
        consultant_line=Row.of,
        companies=funnel.by_company(jobcentre_id, first_day, last_day),
    )


def read(jobcentre_id: int, month: date, consultant_id: int | None = None) -> Figures | None:
    """The kept figures, if the last refresh covers the month's twelve months (two reads;
    the consultants' and companies' SELECTs are the pagers')."""
    month = month_of(month)
    months = measures.last_months(month, TREND_MONTHS)
    refresh = db.session.get(FigureRefresh, jobcentre_id)
    if refresh is None or not refresh.first_month <= months[0] <= month <= refresh.last_month:
        return None
    scope = EVERYONE if consultant_id is None else consultant_id
    rows = {
        row.month: row
        for row in db.session.scalars(
            select(FigureMonth).where(
                FigureMonth.jobcentre_id == jobcentre_id,
                FigureMonth.scope == scope,
                FigureMonth.month >= months[0],
                FigureMonth.month <= month,
            )
        )
    }
    trend = [
        Share(m, touched=rows[m].touched, group=rows[m].group_size)
        if m in rows
        else Share(m, touched=0, group=0)
        for m in months
    ]
    first_day, last_day = period_of(month)
    consultants = (
        select(FigureMonth.scope.label("id"), FigureMonth.ladder.label("ladder"))
        .where(
            FigureMonth.jobcentre_id == jobcentre_id,
            FigureMonth.month == month,
            FigureMonth.scope != EVERYONE,
            FigureMonth.proposals.is_not(None),  # a line only where the ladder was counted
            *([FigureMonth.scope == consultant_id] if consultant_id is not None else []),
        )
        .order_by(FigureMonth.proposals.desc(), FigureMonth.scope)
    )
    this = rows.get(month)
    kept = (this.ladder if this is not None else None) or {}
    ladder = {
        "funnel": _funnel_from(kept, first_day, last_day),
        "reasons": [(code, n) for code, n in kept.get("reasons", [])],
        "consultants": consultants,
        "consultant_line": lambda row: _line_from(row["id"], row["ladder"]),
        "companies": _companies(jobcentre_id, month),
    }
    if this is None:
        return Figures(
            trend=trend,
            weekly=HoursAWeek(month, people=0, median=None, compared=0, more=0),
            retention=[Retention(days, 0, 0) for days in measures.RETENTION_DAYS],
            computed_at=refresh.computed_at,
            **ladder,
        )
    return Figures(
        trend=trend,
        weekly=HoursAWeek(
            month,
            people=this.touched,
            median=this.median_hours,
            compared=this.compared,
            more=this.more,
        ),
        retention=[
            Retention(90, this.retention_90, this.retained_90),
            Retention(180, this.retention_180, this.retained_180),
        ],
        computed_at=refresh.computed_at,
        **ladder,
    )


def _companies(jobcentre_id: int, month: date) -> Select[Any]:
    """The kept companies' lines, as funnel.by_company gives them (the same labels)."""
    return (
        select(
            FigureCompany.company_id.label("id"),
            FigureCompany.proposals.label("proposals"),
            FigureCompany.accepted.label("accepted"),
            FigureCompany.paid.label("paid"),
            FigureCompany.paid_hours.label("paid_hours"),
        )
        .where(FigureCompany.jobcentre_id == jobcentre_id, FigureCompany.month == month)
        .order_by(FigureCompany.proposals.desc(), FigureCompany.company_id)
    )


def _ladder_of(found: Funnel, reasons: list[tuple[str, int]], hours: Decimal) -> dict[str, Any]:
    """A funnel, its reasons and the paid hours as kept (JSON: numbers as text)."""
    return {
        "steps": [
            [step.count, None if step.median_days is None else str(step.median_days), step.timed]
            for step in found.steps
        ],
        "reasons": [[code, n] for code, n in reasons],
        "hours": str(hours),
    }


def _funnel_from(kept: dict[str, Any], first_day: date, last_day: date) -> Funnel:
    kept_steps = kept.get("steps") or [[0, None, 0]] * len(funnel.STEPS)
    counts = [count for count, _median, _timed in kept_steps]
    return Funnel(
        first_day=first_day,
        last_day=last_day,
        steps=tuple(
            Step(
                name=name,
                count=count,
                previous=counts[number - 1] if number else None,
                proposed=counts[0],
                median_days=None if median_days is None else Decimal(median_days),
                timed=timed,
            )
            for number, (name, (count, median_days, timed)) in enumerate(
                zip(funnel.STEPS, kept_steps, strict=True)
            )
        ),
    )


def _line_from(scope: int, kept: dict[str, Any]) -> Row:
    counts = {name: step[0] for name, step in zip(funnel.STEPS, kept["steps"], strict=True)}
    return Row(
        id=scope,
        proposals=counts["proposed"],
        accepted=counts["accepted"],
        paid=counts["paid"],
        paid_hours=Decimal(kept["hours"]),
    )


def compute(
    jobcentre_id: int, last_month: date, today: date | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The jobcentre's figure_months for the WINDOW_MONTHS months up to `last_month`, and its
    companies' lines: four reads (its candidates; their paid_months; the window's proposals;
    the companies' paid hours), the counting in Python. A scope's month with nothing to count
    gets no row."""
    today = today or local_today()
    months = [months_before(last_month, back) for back in range(WINDOW_MONTHS - 1, -1, -1)]
    people = db.session.execute(
        select(
            Candidate.id, Candidate.consultant_id, Candidate.created_at, Candidate.closed_at
        ).where(Candidate.jobcentre_id == jobcentre_id)
    ).all()
    scopes = {person.id: (EVERYONE, person.consultant_id) for person in people}
    paid: dict[tuple[int, date], Decimal] = {}
    first_day: dict[int, date] = {}
    for candidate_id, paid_month, hours, first in db.session.execute(
        select(PaidMonth.candidate_id, PaidMonth.month, PaidMonth.hours, PaidMonth.first_day)
        .join(Candidate, Candidate.id == PaidMonth.candidate_id)
        .where(Candidate.jobcentre_id == jobcentre_id)
    ):
        paid[(candidate_id, paid_month)] = Decimal(hours)
        if candidate_id not in first_day or first < first_day[candidate_id]:
            first_day[candidate_id] = first

    counts: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    weekly: dict[tuple[int, date], list[Decimal]] = defaultdict(list)
    for month in months:
        starts, ends = local_midnight(month), local_midnight(next_month(month))
        before = months_before(month, measures.COMPARED_MONTHS)
        for person in people:
            in_group = person.created_at < ends and (
                person.closed_at is None or person.closed_at >= starts
            )
            if not in_group:
                continue
            hours = paid.get((person.id, month))
            then = paid.get((person.id, before))
            for scope in scopes[person.id]:
                tally = counts[(scope, month)]
                tally["group_size"] += 1
                if hours is None:
                    continue
                tally["touched"] += 1
                now_weekly = measures.weekly_hours(hours, month)
                weekly[(scope, month)].append(now_weekly)
                if then is not None:
                    tally["compared"] += 1
                    tally["more"] += now_weekly > measures.weekly_hours(then, before)

    # Retention: a person's day 90 (180) counts in the twelve months from its own month on.
    first, last = months[0], months[-1]
    for candidate_id, day in first_day.items():
        for days in measures.RETENTION_DAYS:
            later = day + timedelta(days=days)
            held = (candidate_id, month_of(later)) in paid
            for ahead in range(TREND_MONTHS):
                month = _months_after(month_of(later), ahead)
                if not first <= month <= last:
                    continue
                for scope in scopes[candidate_id]:
                    tally = counts[(scope, month)]
                    tally[f"retention_{days}"] += 1
                    tally[f"retained_{days}"] += held

    ladders, companies = _ladders(jobcentre_id, months, paid, scopes, today)
    rows = [
        dict(
            jobcentre_id=jobcentre_id,
            scope=scope,
            month=month,
            group_size=tally["group_size"],
            touched=tally["touched"],
            median_hours=measures.one_decimal(measures.median(weekly[(scope, month)])),
            compared=tally["compared"],
            more=tally["more"],
            retention_90=tally["retention_90"],
            retained_90=tally["retained_90"],
            retention_180=tally["retention_180"],
            retained_180=tally["retained_180"],
            ladder=ladders.get((scope, month)),
            proposals=ladders[(scope, month)]["steps"][0][0] if (scope, month) in ladders else None,
        )
        for (scope, month), tally in sorted(
            (key, counts.get(key, defaultdict(int))) for key in set(counts) | set(ladders)
        )
        if any(tally.values()) or (scope, month) in ladders
    ]
    return rows, companies


def _ladders(
    jobcentre_id: int,
    months: list[date],
    paid: dict[tuple[int, date], Decimal],
    scopes: dict[int, tuple[int, int]],
    today: date,
) -> tuple[dict[tuple[int, date], dict[str, Any]], list[dict[str, Any]]]:
    """The funnel of each month's twelve months for every scope, and the companies' lines
    (the whole jobcentre's), for the months of the window that have twelve before them: the
    window's proposals in one statement (funnel.ladder_rows), the companies' paid hours by
    month in another, the rest counted here with funnel's own tally."""
    window_end = next_month(months[-1]) - timedelta(days=1)
    proposals = funnel.ladder_rows(jobcentre_id, months[0], window_end, today=today)
    # Each proposal's climb worked out once; a period tallies the climbs of its months.
    by_month: dict[date, list[tuple[Any, funnel.Climb]]] = defaultdict(list)
    for row in proposals:
        by_month[month_of(local_day(row.created_at))].append((row, funnel.climb_of(row)))
    hours: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for (candidate_id, month), month_hours in paid.items():
        for scope in scopes.get(candidate_id, ()):
            hours[(scope, month)] += month_hours
    company_hours: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    month = month_start(HourRecord.work_date)
    for company_id, worked_month, month_hours in db.session.execute(
        select(HourRecord.company_id, month, func.sum(HourRecord.hours))
        .join(Candidate, Candidate.id == HourRecord.candidate_id)
        .where(
            Candidate.jobcentre_id == jobcentre_id,
            HourRecord.work_date >= months[0],
            HourRecord.work_date <= window_end,
            current_paid_day(),
        )
        .group_by(HourRecord.company_id, month)
    ):
        company_hours[(company_id, worked_month)] += Decimal(month_hours)

    ladders: dict[tuple[int, date], dict[str, Any]] = {}
    companies: list[dict[str, Any]] = []
    for end in months[TREND_MONTHS - 1 :]:
        first_day, last_day = period_of(end)
        period = measures.last_months(end, TREND_MONTHS)
        cohort = [pair for m in period for pair in by_month.get(m, [])]
        by_scope: dict[int, list[tuple[Any, funnel.Climb]]] = defaultdict(list)
        for pair in cohort:
            by_scope[EVERYONE].append(pair)
            by_scope[pair[0].consultant_id].append(pair)
        with_hours = {scope for (scope, m) in hours if m in period}
        for scope in {EVERYONE} | set(by_scope) | with_hours:
            pairs = by_scope.get(scope, [])
            ladders[(scope, end)] = _ladder_of(
                funnel.tally_climbs((climb for _row, climb in pairs), first_day, last_day),
                funnel.reasons_of(row for row, _climb in pairs),
                sum((hours.get((scope, m), Decimal(0)) for m in period), Decimal(0)),
            )
        lines: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for row, climb in cohort:
            steps = climb.steps
            line = lines[row.company_id]
            line[0] += 1
            line[1] += "accepted" in steps
            line[2] += "paid" in steps
        worked = {company for (company, m) in company_hours if m in period}
        for company_id in set(lines) | worked:
            proposed, accepted, reached_paid = lines.get(company_id, [0, 0, 0])
            companies.append(
                dict(
                    jobcentre_id=jobcentre_id,
                    month=end,
                    company_id=company_id,
                    proposals=proposed,
                    accepted=accepted,
                    paid=reached_paid,
                    paid_hours=sum(
                        (company_hours.get((company_id, m), Decimal(0)) for m in period),
                        Decimal(0),
                    ),
                )
            )
    return ladders, companies


def _months_after(month: date, count: int) -> date:
    for _ in range(count):
        month = next_month(month)
    return month


def refresh(jobcentre_id: int, today: date | None = None) -> int:
    """Compute and keep the jobcentre's figures; the caller commits. Returns the rows kept.
    Two refreshes of one jobcentre wait for each other (a lock on its row that does not stop
    writers noting changes, whose foreign key only shares its key)."""
    today = today or local_today()
    last_month = month_of(today)
    db.session.execute(
        select(Jobcentre.id).where(Jobcentre.id == jobcentre_id).with_for_update(key_share=True)
    )
    seen = db.session.scalar(
        select(func.max(FigureChange.id)).where(FigureChange.jobcentre_id == jobcentre_id)
    )
    rows, companies = compute(jobcentre_id, last_month, today)
    for table in (FigureMonth, FigureCompany):
        db.session.execute(
            delete(table)
            .where(table.jobcentre_id == jobcentre_id)
            .execution_options(synchronize_session=False)
        )
    # Core INSERTs of plain rows: the ORM's unit of work took 3 s for the biggest jobcentre.
    for table, values in ((FigureMonth, rows), (FigureCompany, companies)):
        if values:
            db.session.execute(insert(table), values)
    kept = db.session.get(FigureRefresh, jobcentre_id)
    if kept is None:
        kept = FigureRefresh(jobcentre_id=jobcentre_id)
        db.session.add(kept)
    kept.first_month = months_before(last_month, WINDOW_MONTHS - 1)
    kept.last_month = last_month
    kept.computed_at = utcnow()
    if seen is not None:
        db.session.execute(
            delete(FigureChange)
            .where(FigureChange.jobcentre_id == jobcentre_id, FigureChange.id <= seen)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    return len(rows)


def due(now: datetime, limit: int) -> list[int]:
    """Up to `limit` jobcentres to refresh: the noted ones (longest waiting first), then those
    never refreshed, lacking this month or older than MAX_AGE (oldest first)."""
    noted = list(
        db.session.scalars(
            select(FigureChange.jobcentre_id)
            .group_by(FigureChange.jobcentre_id)
            .order_by(func.min(FigureChange.id))
            .limit(limit)
        )
    )
    if len(noted) >= limit:
        return noted
    this_month = month_of(local_today())
    stale = db.session.scalars(
        select(Jobcentre.id)
        .outerjoin(FigureRefresh, FigureRefresh.jobcentre_id == Jobcentre.id)
        .where(
            (FigureRefresh.jobcentre_id.is_(None))
            | (FigureRefresh.last_month < this_month)
            | (FigureRefresh.computed_at < now - MAX_AGE),
            Jobcentre.id.not_in(noted) if noted else True,
        )
        .order_by(FigureRefresh.computed_at.is_not(None), FigureRefresh.computed_at, Jobcentre.id)
        .limit(limit - len(noted))
    )
    return noted + list(stale)


def refresh_due(
    now: datetime, batch_size: int = FIGURES_BATCH, budget: float = BUDGET_SECONDS
) -> int:
    """The sweep's row: refresh the jobcentres `due` gives, each committed on its own (one
    that fails is rolled back and left noted for the next sweep), starting no more after
    `budget` seconds (the biggest jobcentre takes about 4 s; the sweep has other work).
    Returns the jobcentres refreshed."""
    done = 0
    started = time.monotonic()
    for jobcentre_id in due(now, batch_size):
        if time.monotonic() - started > budget:
            break  # the rest stay due for the next sweep
        try:
            refresh(jobcentre_id)
            db.session.commit()
            done += 1
        except Exception:  # the others still get theirs; this one stays due
            db.session.rollback()
            log.exception("refreshing the figures of jobcentre %s failed", jobcentre_id)
    return done


def refresh_all(jobcentre_ids: Iterable[int] | None = None) -> int:
    """Refresh every jobcentre (or these), each committed: `flask refresh-figures`."""
    ids = (
        list(jobcentre_ids)
        if jobcentre_ids is not None
        else list(db.session.scalars(select(Jobcentre.id).order_by(Jobcentre.id)))
    )
    for jobcentre_id in ids:
        refresh(jobcentre_id)
        db.session.commit()
    return len(ids)

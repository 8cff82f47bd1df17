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
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, select

from marketplace.clock import (
    local_midnight,
    local_today,
    month_of,
    months_before,
    next_month,
    utcnow,
)
from marketplace.extensions import db
from marketplace.figures import measures
from marketplace.figures.measures import HoursAWeek, Retention, Share
from marketplace.models import (
    EVERYONE,
    Candidate,
    FigureChange,
    FigureMonth,
    FigureRefresh,
    Jobcentre,
    PaidMonth,
)

log = logging.getLogger(__name__)

WINDOW_MONTHS = 24  # the page's twelve months for any of the last thirteen
TREND_MONTHS = 12
FIGURES_BATCH = 10  # jobcentres a sweep refreshes at most
MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class Figures:
    """What the leader's page shows for a month: its twelve months' shares (oldest first),
    its hours a week and its retention; `computed_at` when kept, None when counted now."""

    trend: list[Share]
    weekly: HoursAWeek
    retention: list[Retention]
    computed_at: datetime | None


def figures_for(jobcentre_id: int, month: date, consultant_id: int | None = None) -> Figures:
    return read(jobcentre_id, month, consultant_id) or direct(jobcentre_id, month, consultant_id)


def direct(jobcentre_id: int, month: date, consultant_id: int | None = None) -> Figures:
    """The figures counted now from paid_months (measures' SQL)."""
    return Figures(
        trend=measures.paid_shares(
            jobcentre_id, measures.last_months(month, TREND_MONTHS), consultant_id
        ),
        weekly=measures.hours_a_week(jobcentre_id, month, consultant_id),
        retention=measures.retention(jobcentre_id, month, consultant_id),
        computed_at=None,
    )


def read(jobcentre_id: int, month: date, consultant_id: int | None = None) -> Figures | None:
    """The kept figures, if the last refresh covers the month's twelve months (two reads)."""
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
    this = rows.get(month)
    if this is None:
        return Figures(
            trend=trend,
            weekly=HoursAWeek(month, people=0, median=None, compared=0, more=0),
            retention=[Retention(days, 0, 0) for days in measures.RETENTION_DAYS],
            computed_at=refresh.computed_at,
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
    )


def compute(jobcentre_id: int, last_month: date) -> list[FigureMonth]:
    """The jobcentre's figure_months for the WINDOW_MONTHS months up to `last_month`: two
    reads (its candidates; their paid_months), the counting in Python. A scope's month with
    nothing to count gets no row."""
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

    return [
        FigureMonth(
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
        )
        for (scope, month), tally in sorted(counts.items())
        if any(tally.values())
    ]


def _months_after(month: date, count: int) -> date:
    for _ in range(count):
        month = next_month(month)
    return month


def refresh(jobcentre_id: int, today: date | None = None) -> int:
    """Compute and keep the jobcentre's figures; the caller commits. Returns the rows kept.
    Two refreshes of one jobcentre wait for each other (a lock on its row that does not stop
    writers noting changes, whose foreign key only shares its key)."""
    last_month = month_of(today or local_today())
    db.session.execute(
        select(Jobcentre.id).where(Jobcentre.id == jobcentre_id).with_for_update(key_share=True)
    )
    seen = db.session.scalar(
        select(func.max(FigureChange.id)).where(FigureChange.jobcentre_id == jobcentre_id)
    )
    rows = compute(jobcentre_id, last_month)
    db.session.execute(
        delete(FigureMonth)
        .where(FigureMonth.jobcentre_id == jobcentre_id)
        .execution_options(synchronize_session=False)
    )
    db.session.add_all(rows)
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


def refresh_due(now: datetime, batch_size: int = FIGURES_BATCH) -> int:
    """The sweep's row: refresh the jobcentres `due` gives, each committed on its own (one
    that fails is rolled back and left noted for the next sweep). Returns the jobcentres
    refreshed."""
    done = 0
    for jobcentre_id in due(now, batch_size):
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

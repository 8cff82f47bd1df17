"""The consultants' job board: open jobs of every company, filtered, sorted and paginated in SQL.

A search is one statement however many jobs match: the page (LIMIT/OFFSET) with the number of
matches beside each row (a window count over the same pass), which brings each job's company
and workplace (with its municipality) along by joins; a page past the last, or no match, costs
a COUNT more. Only published jobs are ever returned; drafts and closed jobs do not exist here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union
from sqlalchemy.orm import aliased

from marketplace.extensions import db
from marketplace.models import Job, JobStatus, Municipality, Organisation
from marketplace.textsearch import folded, pattern

PER_PAGE = 20
MAX_TERMS = 8


class Sort(StrEnum):
    NEWEST = "newest"
    HOURS_ASC = "hours_asc"
    HOURS_DESC = "hours_desc"


class Step(StrEnum):
    """The steps of the ladder a job can offer (see DOMAIN.md)."""

    TRIAL_VISIT = "trial_visit"
    PRAKTIK = "praktik"
    PAID_DIRECT = "paid_direct"


STEP_COLUMNS = {
    Step.TRIAL_VISIT: Job.offers_trial_visit,
    Step.PRAKTIK: Job.offers_praktik,
    Step.PAID_DIRECT: Job.offers_paid_direct,
}


@dataclass(frozen=True)
class BoardFilters:
    """What the consultant asked for; a None, 0 or empty value means "no filter"."""

    municipality_code: int | None = None
    category: str | None = None
    hours_min: Decimal | None = None
    hours_max: Decimal | None = None
    weekdays: int = 0  # bits of Weekday: the job works on any of them (or has flexible days)
    steps: frozenset[Step] = frozenset()  # the job offers all of them
    text: str = ""  # every word in the title, the description or the company's name
    sort: Sort = Sort.NEWEST


@dataclass(frozen=True)
class BoardPage:
    items: list[Job]
    total: int
    page: int
    pages: int
    per_page: int = PER_PAGE

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_number(self) -> int:
        """The position of the page's first job in the whole result (1-based)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0


def _terms(text: str) -> list[str]:
    return [word.lower() for word in text.split()][:MAX_TERMS]


def _text_condition(term: str, one_municipality: bool) -> ColumnElement[bool]:
    like = pattern(term)
    # The plain tables, under names of their own: a company's name is on organisations (no
    # subclass joins), and the jobs inside must not be correlated with the outer query's.
    organisations = Organisation.__table__.alias("named_organisations")
    jobs = Job.__table__.alias("texted_jobs")
    companies = select(organisations.c.id).where(
        folded(organisations.c.name).like(like, escape="\\")
    )
    if one_municipality:
        # The board's default: ix_jobs_board finds the municipality's published jobs (3,600
        # in the biggest) and each is tested, 14 ms for a common word; the set of ids below
        # would fold every match in the country first (12,600 for "opvask", 35 ms).
        return or_(
            folded(Job.title).like(like, escape="\\"),
            folded(Job.description).like(like, escape="\\"),
            Job.company_id.in_(companies),
        )
    # A set of job ids, each arm answered by its own index on PostgreSQL (trigram indexes on
    # the folded title and description, ix_jobs_company_status for the companies): the same
    # OR written in the outer WHERE would make the planner read every published job.
    matched = union(
        select(jobs.c.id).where(
            or_(
                folded(jobs.c.title).like(like, escape="\\"),
                folded(jobs.c.description).like(like, escape="\\"),
            )
        ),
        select(jobs.c.id).where(jobs.c.company_id.in_(companies)),
    )
    return Job.id.in_(matched)


def conditions(filters: BoardFilters) -> list[ColumnElement[bool]]:
    """The WHERE clause; the first columns match the indexes ix_jobs_board and ix_jobs_status_*."""
    where: list[ColumnElement[bool]] = [Job.status == JobStatus.PUBLISHED.value]
    if filters.municipality_code is not None:
        where.append(Job.municipality_code == filters.municipality_code)
    if filters.category:
        where.append(Job.category == filters.category)
    if filters.hours_min is not None:
        where.append(Job.hours_per_week >= filters.hours_min)
    if filters.hours_max is not None:
        where.append(Job.hours_per_week <= filters.hours_max)
    if filters.weekdays:
        where.append(or_(Job.flexible_days.is_(True), Job.weekdays.op("&")(filters.weekdays) != 0))
    if filters.steps:
        where.append(and_(*(STEP_COLUMNS[step].is_(True) for step in sorted(filters.steps))))
    scoped = filters.municipality_code is not None
    where.extend(_text_condition(term, scoped) for term in _terms(filters.text))
    return where


def _ordered(statement: Select[Any], sort: Sort, jobs: Any = Job) -> Select[Any]:
    newest = (jobs.published_at.desc(), jobs.id.desc())
    if sort == Sort.HOURS_ASC:
        return statement.order_by(jobs.hours_per_week.asc(), *newest)
    if sort == Sort.HOURS_DESC:
        return statement.order_by(jobs.hours_per_week.desc(), *newest)
    return statement.order_by(*newest)


def search(filters: BoardFilters, page: int, per_page: int = PER_PAGE) -> BoardPage:
    """One page of open jobs matching `filters`; a page beyond the last shows the last."""
    where = conditions(filters)
    page = max(page, 1)
    items, total = _page_of(where, filters.sort, page, per_page)
    if not items:
        # Nothing on this page: no match at all, or a page past the last (an old link).
        total = db.session.scalar(select(func.count(Job.id)).where(*where)) or 0
        last = max(1, -(-total // per_page))
        if total and page > last:
            page = last
            items, total = _page_of(where, filters.sort, page, per_page)
        else:
            page = min(page, last)
    pages = max(1, -(-total // per_page))
    return BoardPage(items=items, total=total, page=page, pages=pages, per_page=per_page)


def _page_of(
    where: list[ColumnElement[bool]], sort: Sort, page: int, per_page: int
) -> tuple[list[Job], int]:
    """The page's jobs and the number of all matches, in one statement.

    The page's ids are ordered and limited on jobs alone, with count(*) OVER () counting every
    match in the same pass: a separate COUNT read every match of a common word a second time
    (issue 16: 117 ms for "opfyldning" over 50,000 jobs, half of it the COUNT). Only the
    page's rows are then joined to their company and workplace (and its municipality), which
    Job loads by joins; joining first made PostgreSQL join every match before the LIMIT.
    """
    ids = (
        _ordered(
            select(
                Job.id, Job.published_at, Job.hours_per_week, func.count().over().label("total")
            ).where(*where),
            sort,
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery()
    )
    page_jobs = aliased(Job, ids)  # only for ORDER BY: the page's order, on the subquery's columns
    statement = _ordered(select(Job, ids.c.total).join(ids, ids.c.id == Job.id), sort, page_jobs)
    rows = db.session.execute(statement).unique().all()
    return [job for job, _total in rows], (rows[0].total if rows else 0)


def open_job(job_id: int) -> Job | None:
    """A published job by id; a draft, a closed job and a missing id are all None."""
    return db.session.scalar(
        select(Job).where(Job.id == job_id, Job.status == JobStatus.PUBLISHED.value)
    )


def municipalities() -> list[tuple[int, str]]:
    """All 98 municipalities as (code, name), by name."""
    rows = db.session.execute(
        select(Municipality.code, Municipality.name).order_by(Municipality.name)
    )
    return [(code, name) for code, name in rows]

"""Matching, both ways: a job's best candidates, a candidate's best jobs. Ranked in SQL.

The fixed side (the job, or the candidate) is one row, so its values are constants in the
query; the other side is scored with CASE expressions and ordered and limited by the
database. Hard conflicts (the job needs heavy lifting, the person may not lift) are WHERE
conditions: such a pair is never shown. The same rules, in Python, explain each shown result
in a few words.

Weights (our design, tuned on the demo town; change them here, the tests follow the order):
kind of work 40, hours 25, days 20, municipality 15.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case, exists, extract, literal, not_, or_, select

from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import (
    CATEGORY_BITS,
    Candidate,
    CandidateIdentity,
    CandidateStatus,
    Job,
    Jobcentre,
    JobStatus,
    Phase,
    Placement,
    Proposal,
    ProposalStatus,
)

DANISH_ORDER = {"none": 0, "basic": 1, "good": 2, "fluent": 3}
W_CATEGORY, W_HOURS, W_DAYS, W_AREA = 40, 25, 20, 15


@dataclass(frozen=True)
class Match:
    score: int
    reasons: list[str]


def _window_hours(job: Job) -> Decimal | None:
    if job.time_from is None or job.time_to is None:
        return None
    # Clock times of one day: their difference in minutes, as hours.
    minutes = (job.time_to.hour * 60 + job.time_to.minute) - (
        job.time_from.hour * 60 + job.time_from.minute
    )
    return Decimal(minutes) / 60


def _danish_enough(level_column: ColumnElement[str], needed: str) -> ColumnElement[bool]:
    allowed = [level for level, rank in DANISH_ORDER.items() if rank >= DANISH_ORDER[needed]]
    return level_column.in_(allowed)


# -- A job's candidates -------------------------------------------------------------------


def _conflicts_for_job(job: Job) -> list[ColumnElement[bool]]:
    """WHERE conditions that drop candidates the job cannot take."""
    rules: list[ColumnElement[bool]] = []
    if job.requires_heavy_lifting:
        if job.lifting_max_kg is None:
            rules.append(not_(Candidate.no_heavy_lifting))
        else:
            rules.append(
                or_(
                    not_(Candidate.no_heavy_lifting),
                    and_(
                        Candidate.lifting_max_kg.is_not(None),
                        Candidate.lifting_max_kg >= job.lifting_max_kg,
                    ),
                )
            )
    if job.requires_standing:
        rules.append(not_(Candidate.no_long_standing))
    if job.requires_early_mornings:
        rules.append(not_(Candidate.no_early_mornings))
    if job.requires_driving_licence:
        rules.append(Candidate.driving_licence)
    if job.danish_level != "none":
        rules.append(_danish_enough(Candidate.danish_level, job.danish_level))
    window = _window_hours(job)
    if window is not None:
        rules.append(
            or_(Candidate.max_hours_per_day.is_(None), Candidate.max_hours_per_day >= window)
        )
    return rules


def _score_for_job(job: Job) -> ColumnElement[int]:
    bit = CATEGORY_BITS[job.category]
    category = case((Candidate.wished_categories.op("&")(bit) != 0, W_CATEGORY), else_=0)
    hours = case(
        (
            and_(
                Candidate.hours_min <= job.hours_per_week, Candidate.hours_max >= job.hours_per_week
            ),
            W_HOURS,
        ),
        (Candidate.hours_max >= job.hours_per_week - 2, W_HOURS // 3),
        else_=0,
    )
    if job.flexible_days:
        days = literal(W_DAYS)
    else:
        days = case(
            (Candidate.available_weekdays.op("&")(job.weekdays) == job.weekdays, W_DAYS),
            (Candidate.available_weekdays.op("&")(job.weekdays) != 0, W_DAYS // 2),
            else_=0,
        )
    area = case((Candidate.municipality_code == job.municipality_code, W_AREA), else_=0)
    return (category + hours + days + area).label("score")


def candidates_for_job(
    job: Job, jobcentre_id: int, limit: int = 20
) -> list[tuple[Candidate, str, Match]]:
    """The jobcentre's active candidates who can take this job, best first, with their names
    (for the consultant's eyes: companies never call this). One query."""
    score = _score_for_job(job)
    # Rank on the candidates table alone; names are joined for the few that are shown.
    best = (
        select(Candidate.id.label("id"), score)
        .where(
            Candidate.jobcentre_id == jobcentre_id,
            Candidate.status == CandidateStatus.ACTIVE.value,
            *_conflicts_for_job(job),
        )
        .order_by(score.desc(), Candidate.id)
        .limit(limit)
        .subquery()
    )
    rows = db.session.execute(
        select(Candidate, CandidateIdentity.full_name, best.c.score)
        .join(best, best.c.id == Candidate.id)
        .join(CandidateIdentity, CandidateIdentity.candidate_id == Candidate.id)
        .order_by(best.c.score.desc(), Candidate.id)
    ).all()
    return [
        (candidate, name, Match(int(points), reasons(job, candidate)))
        for candidate, name, points in rows
    ]


# -- A candidate's jobs -------------------------------------------------------------------


def _conflicts_for_candidate(candidate: Candidate) -> list[ColumnElement[bool]]:
    rules: list[ColumnElement[bool]] = []
    if candidate.no_heavy_lifting:
        limit = candidate.lifting_max_kg
        rules.append(
            or_(
                not_(Job.requires_heavy_lifting),
                and_(Job.lifting_max_kg.is_not(None), Job.lifting_max_kg <= limit)
                if limit is not None
                else literal(False),
            )
        )
    if candidate.no_long_standing:
        rules.append(not_(Job.requires_standing))
    if candidate.no_early_mornings:
        rules.append(not_(Job.requires_early_mornings))
    if not candidate.driving_licence:
        rules.append(not_(Job.requires_driving_licence))
    if candidate.max_hours_per_day is not None:
        # The job's daily window, in minutes, from its clock times (portable: extract()).
        def minutes(column: ColumnElement[object]) -> ColumnElement[int]:
            return extract("hour", column) * 60 + extract("minute", column)

        window = minutes(Job.time_to) - minutes(Job.time_from)
        rules.append(
            or_(
                Job.time_from.is_(None),
                Job.time_to.is_(None),
                window <= int(candidate.max_hours_per_day * 60),
            )
        )
    rank = DANISH_ORDER[candidate.danish_level]
    rules.append(Job.danish_level.in_([level for level, r in DANISH_ORDER.items() if r <= rank]))
    return rules


def _score_for_candidate(candidate: Candidate) -> ColumnElement[int]:
    category_hits = [
        Job.category == code
        for code, bit in CATEGORY_BITS.items()
        if candidate.wished_categories & bit
    ]
    category = case((or_(*category_hits), W_CATEGORY), else_=0) if category_hits else literal(0)
    hours = case(
        (
            and_(
                Job.hours_per_week >= candidate.hours_min, Job.hours_per_week <= candidate.hours_max
            ),
            W_HOURS,
        ),
        (Job.hours_per_week <= candidate.hours_max + 2, W_HOURS // 3),
        else_=0,
    )
    days = case(
        (Job.flexible_days, W_DAYS),
        (Job.weekdays.op("&")(candidate.available_weekdays) == Job.weekdays, W_DAYS),
        (Job.weekdays.op("&")(candidate.available_weekdays) != 0, W_DAYS // 2),
        else_=0,
    )
    area = case((Job.municipality_code == candidate.municipality_code, W_AREA), else_=0)
    return (category + hours + days + area).label("score")


def _held_by(candidate: Candidate) -> ColumnElement[bool]:
    """The person already holds the job: a proposal there waits for the company's answer, or
    was accepted and its placement goes on (or has not begun). Proposing again makes no sense;
    after an ended placement or a declined proposal the job may be proposed anew."""
    return exists(
        select(Proposal.id)
        .outerjoin(Placement, Placement.proposal_id == Proposal.id)
        .where(
            Proposal.job_id == Job.id,
            Proposal.candidate_id == candidate.id,
            or_(
                Proposal.status == ProposalStatus.WAITING.value,
                and_(
                    Proposal.status == ProposalStatus.ACCEPTED.value,
                    or_(Placement.id.is_(None), Placement.phase != Phase.ENDED.value),
                ),
            ),
        )
        .correlate(Job)
    )


def _area_of(candidate: Candidate) -> ColumnElement[bool]:
    """The candidate's area, as the board speaks of area (a municipality): the one the person
    lives in and the one of their jobcentre (most often the same). Jobs elsewhere in the
    country are never scored; ix_jobs_board (status, municipality_code, ...) finds the rest."""
    jobcentres = Jobcentre.__table__
    jobcentre_municipality = (
        select(jobcentres.c.municipality_code)
        .where(jobcentres.c.id == candidate.jobcentre_id)
        .scalar_subquery()
    )
    return Job.municipality_code.in_([candidate.municipality_code, jobcentre_municipality])


def jobs_for_candidate(candidate: Candidate, limit: int = 20) -> list[tuple[Job, Match]]:
    """Published jobs in the candidate's area that the person can take and does not hold
    already, best first (ties: newest first). One query: the ids and scores are ranked and
    limited on the jobs table alone, and only those `limit` rows are loaded with their
    company and workplace."""
    score = _score_for_candidate(candidate)
    best = (
        select(Job.id.label("id"), score)
        .where(
            Job.status == JobStatus.PUBLISHED.value,
            _area_of(candidate),
            *_conflicts_for_candidate(candidate),
            not_(_held_by(candidate)),
        )
        .order_by(score.desc(), Job.published_at.desc(), Job.id.desc())
        .limit(limit)
        .subquery()
    )
    rows = db.session.execute(
        select(Job, best.c.score)
        .join(best, best.c.id == Job.id)
        .order_by(best.c.score.desc(), Job.published_at.desc(), Job.id.desc())
    ).all()
    return [(job, Match(int(points), reasons(job, candidate))) for job, points in rows]


# -- Why a pair fits ----------------------------------------------------------------------


def reasons(job: Job, candidate: Candidate) -> list[str]:
    """A few words on why this pair fits, in the user's language."""
    said: list[str] = []
    if candidate.wished_categories & CATEGORY_BITS[job.category]:
        said.append(str(_l("wants this kind of work")))
    if candidate.hours_min <= job.hours_per_week <= candidate.hours_max:
        said.append(str(_l("hours fit")))
    elif job.hours_per_week > candidate.hours_max:
        said.append(str(_l("more hours than wished")))
    if job.flexible_days:
        said.append(str(_l("days are flexible")))
    elif candidate.available_weekdays & job.weekdays == job.weekdays:
        said.append(str(_l("free on the job's days")))
    elif candidate.available_weekdays & job.weekdays:
        said.append(str(_l("free on some of the days")))
    if candidate.municipality_code == job.municipality_code:
        said.append(str(_l("lives in the municipality")))
    return said

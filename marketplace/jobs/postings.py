"""Posting small jobs: drafts, publishing, editing (stale saves refused), copying, closing.

Domain functions flush and never commit; the route commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, time
from decimal import Decimal

from marketplace.clock import local_today, utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import (
    CloseReason,
    Company,
    Job,
    JobStatus,
    User,
    Workplace,
)

MAX_HOURS = Decimal(37)
MAX_WAGE = Decimal("9999.99")  # kr. an hour; far above any real wage, within the column
MIN_HOURS = Decimal("0.5")
MAX_TASK_LINES = 12


STALE_MESSAGE = _l(
    "Someone else saved this job while you were editing. Your changes were not saved;"
    " open the job again to see theirs."
)


class StaleJob(DomainError):
    """Someone else saved the job after this form was opened."""


@dataclass(frozen=True)
class JobData:
    """Everything an employer fills in for a job."""

    title: str
    workplace_id: int
    category: str
    hours_per_week: Decimal
    start_date: date
    hourly_wage: Decimal
    agreement_wage: Decimal
    contact_name: str
    description: str = ""
    task_lines: tuple[str, ...] = ()
    weekdays: int = 0
    flexible_days: bool = False
    time_from: time | None = None
    time_to: time | None = None
    end_date: date | None = None
    offers_trial_visit: bool = True
    offers_praktik: bool = False
    offers_paid_direct: bool = False
    wage_agreement_name: str = ""
    requires_heavy_lifting: bool = False
    lifting_max_kg: int | None = None
    requires_standing: bool = False
    requires_early_mornings: bool = False
    requires_driving_licence: bool = False
    danish_level: str = "none"
    other_requirements: str = ""
    contact_phone: str = ""


def check_hours(hours: Decimal) -> None:
    """Hours a week: 0.5 to 37 in half hours (also run by the form, to show it at once)."""
    if not MIN_HOURS <= hours <= MAX_HOURS:
        raise DomainError(_l("Enter between 0.5 and 37 hours a week."), field="hours_per_week")
    if (hours * 2) % 1:
        raise DomainError(_l("Use steps of half an hour, like 2.5 or 6."), field="hours_per_week")


def check(data: JobData, company: Company, *, new_start: bool) -> None:
    """The rules a job must keep; each failure names the field it belongs to."""
    check_hours(data.hours_per_week)
    if not data.flexible_days and not data.weekdays:
        raise DomainError(
            _l("Choose the days, or tick that the days are flexible."), field="weekdays"
        )
    if data.time_from and data.time_to and data.time_to <= data.time_from:
        raise DomainError(_l("The end time must be after the start time."), field="time_to")
    if new_start and data.start_date < local_today():
        raise DomainError(_l("The start date cannot be in the past."), field="start_date")
    if data.end_date is not None and data.end_date <= data.start_date:
        raise DomainError(_l("The end date must be after the start date."), field="end_date")
    if not (data.offers_trial_visit or data.offers_praktik or data.offers_paid_direct):
        raise DomainError(_l("Choose at least one step you offer."), field="steps")
    if data.agreement_wage < 0:
        raise DomainError(_l("The wage cannot be negative."), field="agreement_wage")
    if data.hourly_wage < 0:
        raise DomainError(_l("The wage cannot be negative."), field="hourly_wage")
    if data.agreement_wage > MAX_WAGE:
        raise DomainError(_l("Enter an hourly wage below 10,000 kr."), field="agreement_wage")
    if data.hourly_wage > MAX_WAGE:
        raise DomainError(_l("Enter an hourly wage below 10,000 kr."), field="hourly_wage")
    if data.hourly_wage < data.agreement_wage:
        raise DomainError(
            _l("The hourly wage must be at least the agreement wage."), field="hourly_wage"
        )
    if len(data.task_lines) > MAX_TASK_LINES:
        raise DomainError(_l("Use at most %(n)d task lines.", n=MAX_TASK_LINES), field="task_lines")
    workplace = db.session.get(Workplace, data.workplace_id)
    if workplace is None or workplace.company_id != company.id:
        raise DomainError(_l("Choose one of your workplaces."), field="workplace")


_EDITABLE = [f.name for f in fields(JobData)]


def _apply(job: Job, data: JobData) -> None:
    for name in _EDITABLE:
        value = getattr(data, name)
        if name == "task_lines":
            value = [line.strip() for line in value if line.strip()]
        elif isinstance(value, str):
            value = value.strip()
        setattr(job, name, value)
    job.municipality_code = db.session.get(Workplace, data.workplace_id).municipality_code


def create_job(company: Company, author: User, data: JobData, publish: bool = False) -> Job:
    check(data, company, new_start=True)
    job = Job(company_id=company.id, created_by_id=author.id, status=JobStatus.DRAFT.value)
    _apply(job, data)
    db.session.add(job)
    if publish:
        _publish(job)
    db.session.flush()
    return job


def update_job(job: Job, data: JobData, seen_version: int) -> None:
    """Save an edit made on version `seen_version`; a later save by someone else wins."""
    if job.version != seen_version:
        raise StaleJob(STALE_MESSAGE)
    if job.status == JobStatus.CLOSED:
        raise DomainError(_l("A closed job cannot be changed. Copy it to post it again."))
    # A start date already in the past may stay as it is; a changed one must not be past.
    check(data, job.company, new_start=data.start_date != job.start_date)
    _apply(job, data)
    db.session.flush()


def _publish(job: Job) -> None:
    job.status = JobStatus.PUBLISHED.value
    job.published_at = utcnow()


def publish_job(job: Job) -> None:
    if job.status != JobStatus.DRAFT:
        raise DomainError(_l("Only a draft can be published."))
    check(job_data(job), job.company, new_start=job.start_date != local_today())
    _publish(job)
    db.session.flush()


def close_job(job: Job, reason: CloseReason, note: str = "") -> None:
    if job.status == JobStatus.CLOSED:
        raise DomainError(_l("The job is already closed."))
    job.status = JobStatus.CLOSED.value
    job.closed_at = utcnow()
    job.close_reason = reason.value
    job.close_note = note.strip()
    db.session.flush()


def job_data(job: Job) -> JobData:
    values = {name: getattr(job, name) for name in _EDITABLE}
    values["task_lines"] = tuple(job.task_lines or ())
    return JobData(**values)


def copy_job(job: Job, author: User) -> Job:
    """A new draft with the same content; dates move to today when they have passed."""
    data = job_data(job)
    today = local_today()
    if data.start_date < today:
        length = (data.end_date - data.start_date) if data.end_date else None
        data = replace(data, start_date=today, end_date=today + length if length else None)
    copy = Job(
        company_id=job.company_id,
        created_by_id=author.id,
        status=JobStatus.DRAFT.value,
        copied_from_id=job.id,
    )
    _apply(copy, data)
    db.session.add(copy)
    db.session.flush()
    return copy


# The company's jobs page shows the most recent closed jobs only (employers.routes.job_list).
CLOSED_SHOWN = 50

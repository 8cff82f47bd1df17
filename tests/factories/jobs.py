"""Builds jobs straight in the database: make_job (published by default, bypassing the form)
and ladder_job (a job offering every first step of the ladder)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from marketplace.clock import local_today, utcnow
from marketplace.extensions import db
from marketplace.models import Company, Job, JobStatus, User, Weekday, Workplace
from tests.factories.organisations import make_workplace


def make_job(
    company: Company, author: User, workplace: Workplace | None = None, **fields: Any
) -> Job:
    """A job straight in the database (published by default), bypassing the form."""
    workplace = workplace or make_workplace(company)
    status = fields.pop("status", JobStatus.PUBLISHED.value)
    values = {
        "title": "Opfyldning af varer",
        "description": "Varer på hylderne tirsdag og torsdag morgen.",
        "task_lines": ["Fylde hylder", "Tjekke datoer"],
        "category": "retail",
        "hours_per_week": Decimal("6"),
        "weekdays": int(Weekday.TUE | Weekday.THU),
        "start_date": local_today() + timedelta(days=7),
        "hourly_wage": Decimal("140.00"),
        "agreement_wage": Decimal("135.00"),
        "contact_name": "Hanne Kjær",
        **fields,
    }
    job = Job(
        company_id=company.id,
        workplace_id=workplace.id,
        municipality_code=workplace.municipality_code,
        created_by_id=author.id,
        status=status,
        published_at=utcnow() if status != JobStatus.DRAFT.value else None,
        **values,
    )
    if status == JobStatus.CLOSED.value:
        job.closed_at = utcnow()
        job.close_reason = "no_longer_needed"
    db.session.add(job)
    db.session.flush()
    return job


def ladder_job(make_job: Callable[..., Job], employer: User, **fields: object) -> Job:
    """A job that offers every first step unless told otherwise."""
    values = {"offers_trial_visit": True, "offers_praktik": True, "offers_paid_direct": True}
    return make_job(employer.organisation, employer, **{**values, **fields})

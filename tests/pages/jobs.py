"""Reads the company's job pages: a job's status line, how many jobs and workplaces the
database holds, the newest job."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.test import TestResponse

from marketplace.extensions import db
from marketplace.models import Job, Workplace
from tests.html_forms import text_of


def job_status_line(response: TestResponse) -> str:
    """The line that says a job's status (published, draft, closed) on its page."""
    page = text_of(response)
    start = page.index('class="status status--')
    return page[start : page.index("</p>", start)]


def job_count() -> int:
    return db.session.scalar(select(func.count(Job.id)))


def workplace_count() -> int:
    return db.session.scalar(select(func.count(Workplace.id)))


def newest_job() -> Job:
    db.session.expire_all()
    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()

"""Markup every page must keep (WCAG 2.1, 4.1.1): ids unique on a page, also where a page holds
several forms, each with its CSRF token and the version it was opened on."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from marketplace.extensions import db
from marketplace.models import Job, Placement, User
from tests.factories import in_days, praktik_terms, propose_praktik

ID = re.compile(r'\sid="([^"]+)"')


def repeated_ids(client: FlaskClient, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    forms = response.get_data(as_text=True).count("<form")
    counts = Counter(ID.findall(response.get_data(as_text=True)))
    assert forms >= 2, f"{url} shows {forms} form(s): pick a page with several"
    return [name for name, n in counts.items() if n > 1]


def test_a_job_page_with_several_buttons_repeats_no_id(company: FlaskClient, job: Job):
    assert repeated_ids(company, f"/company/jobs/{job.id}") == []


def test_the_placement_pages_repeat_no_id(
    company: FlaskClient, jobcentre: FlaskClient, placement: Placement
):
    assert repeated_ids(company, f"/company/placements/{placement.id}") == []
    assert repeated_ids(jobcentre, f"/placements/{placement.id}") == []


def test_a_waiting_step_with_its_answer_forms_repeats_no_id(
    app: Flask,
    company: FlaskClient,
    jobcentre: FlaskClient,
    place: Callable[..., Placement],
    consultant: User,
    job: Job,
):
    """The company answers a proposed praktik (accept, ask for changes) while the jobcentre
    may withdraw it: each form carries the version its page showed."""
    trial = place()
    propose_praktik(app, trial, consultant, praktik_terms(job, in_days(6)))
    db.session.commit()
    assert repeated_ids(company, f"/company/placements/{trial.id}") == []
    assert repeated_ids(jobcentre, f"/placements/{trial.id}") == []


TIME = re.compile(r'<time datetime="([^"]+)"')
WHOLE_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)$")


def test_machine_readable_times_are_in_whole_seconds(
    company: FlaskClient, jobcentre: FlaskClient, placement: Placement
):
    """The HTML validator refuses a <time datetime> with microseconds."""
    pages = (company.get("/notifications/"), jobcentre.get("/jobs"))
    found = [value for page in pages for value in TIME.findall(page.get_data(as_text=True))]
    assert found, "the pages show times (the placement's notices, the published job)"
    assert [value for value in found if not WHOLE_SECONDS.match(value)] == []

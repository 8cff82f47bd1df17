"""Markup every page must keep (WCAG 2.1, 4.1.1): ids unique on a page, also where a page holds
several forms, each with its CSRF token and the version it was opened on; and the end-of-run
HTML check (tests/html_validation.py) that holds every page the tests render to it."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.extensions import db
from marketplace.models import Job, Placement, User
from tests import html_validation
from tests.factories import in_days, praktik_terms, propose_praktik
from tests.support import missing_service, submit

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


PAGE = """<!doctype html>
<html lang="da">
<head><meta charset="utf-8"><title>Side</title></head>
<body><main>
<h1>Side</h1>
<h2 id="uge">Uge 47</h2>
<p><a href="#uge">Til ugen</a></p>
</main></body>
</html>
"""


def test_the_html_check_refuses_a_bad_page_and_passes_a_good_one(tmp_path: Path) -> None:
    if html_validation.missing_tools():
        missing_service(f"HTML validation needs {', '.join(html_validation.missing_tools())}")
    good = tmp_path / "good.html"
    good.write_text(PAGE, encoding="utf-8")
    bad = tmp_path / "bad.html"
    bad.write_text(
        PAGE.replace(
            '<p><a href="#uge">', '<p id="uge"><span aria-label="ingen">–</span><a href="#uge">'
        )
        .replace("<h2", "<h3")
        .replace("</h2>", "</h3>")
        .replace('href="#uge"', 'href="#dag"'),
        encoding="utf-8",
    )

    found = html_validation.validate([good, bad])
    outline = html_validation.outline_problems(bad)

    assert {problem.page for problem in found} == {bad}
    messages = " ".join(problem.message for problem in found)
    assert "Duplicate ID “uge”" in messages
    assert "aria-label" in messages
    assert [problem.message for problem in outline] == [
        "a link to #dag, which no element on the page has as id",
        "h3 follows h1: a level skipped",
    ]
    assert html_validation.outline_problems(good) == []


def test_the_client_keeps_each_page_once_whatever_its_csrf_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, company: FlaskClient, job: Job
):
    """Every test's request is recorded; one page rendered by many tests is checked once."""
    monkeypatch.setattr(html_validation, "_pages", tmp_path)
    company.get(f"/company/jobs/{job.id}")
    company.get(f"/company/jobs/{job.id}")
    company.get("/company/")

    kept = sorted(tmp_path.glob("*.html"))
    assert len(kept) == 2
    assert {json.loads(path.read_text())["request"] for path in tmp_path.glob("meta/*.json")} == {
        f"GET /company/jobs/{job.id}",
        "GET /company/",
    }


def test_a_refused_value_is_shown_back_as_typed_in_an_input_that_can_hold_it(
    company: FlaskClient, job: Job
):
    """A date input cannot hold "2024-13-45" (a browser shows it empty, and the page is not
    valid HTML): that value comes back in a text input beside its error, and no input
    carries a control character."""
    response = submit(
        company,
        f"/company/jobs/{job.id}/edit",
        {"title": "Opfyldning\x07", "start_date": "2024-13-45", "hourly_wage": "\x00140"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    start = re.search(r'<input [^>]*name="start_date"[^>]*>', html)
    assert start, "the start date is on the page again"
    assert 'type="text"' in start.group(0)
    assert 'value="2024-13-45"' in start.group(0)
    assert 'id="start_date-error"' in html
    assert re.search(r'<input [^>]*name="hourly_wage"[^>]*value="140"', html)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85]", html)


FIRST_OPTION = re.compile(r"<select\b([^>]*)>\s*<option\b([^>]*)>", re.S)


def test_every_required_list_starts_with_an_empty_choice(
    company: FlaskClient, jobcentre: FlaskClient, place: Callable[..., Placement]
):
    """A required list starts at "Vælg …": leaving it alone never picks its first entry (a
    colleague to hand a candidate to, a role, a workplace), and the page is valid HTML."""
    trial = place()
    pages = [
        (company, "/team"),
        (company, "/company/jobs/new"),
        (jobcentre, f"/candidates/{trial.candidate_id}"),
        (jobcentre, f"/placements/{trial.id}/praktik"),
    ]
    checked = 0
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        for select, option in FIRST_OPTION.findall(response.get_data(as_text=True)):
            if re.search(r"\srequired\b", select):
                checked += 1
                assert 'value=""' in option, f"{url}: <select{select}> starts at <option{option}>"
    assert checked >= len(pages)

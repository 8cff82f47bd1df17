"""Who reaches the company's job and workplace routes (employers/routes.py): an employer
of another company gets 404 and changes nothing, jobcentre staff 403, nobody logged in goes to
/login, an id that does not exist is a 404; a guard fails when a new route with an id is added
without being listed here. And the company's pages run as many queries for 20 jobs as for 2.

The fixtures are in tests/employers/conftest.py.
"""

from __future__ import annotations

import pytest
from flask import Flask

from marketplace.extensions import db
from marketplace.models import Job, JobStatus, Workplace
from marketplace.web.access import PUBLIC
from tests.html_forms import text_of
from tests.pages import job_count, read_form
from tests.support import csrf_token_from

# ---------------------------------------------------------------------------------------------
# 6. Access


ID_ROUTES = [
    ("GET", "/company/jobs/{job}"),
    ("GET", "/company/jobs/{job}/edit"),
    ("POST", "/company/jobs/{job}/edit"),
    ("POST", "/company/jobs/{job}/publish"),
    ("GET", "/company/jobs/{job}/close"),
    ("POST", "/company/jobs/{job}/close"),
    ("POST", "/company/jobs/{job}/copy"),
    ("GET", "/company/workplaces/{workplace}/edit"),
    ("POST", "/company/workplaces/{workplace}/edit"),
]


def company_routes(app: Flask) -> list[tuple[str, str]]:
    """Every (method, path) under /company for logged-in users, ids as {job} and {workplace}."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/company"):
            continue
        if getattr(app.view_functions[rule.endpoint], "allowed_roles", None) is PUBLIC:
            continue  # the hours reminder's signed link: the hour reminder tests
        path = (
            rule.rule.replace("<id:job_id>", "{job}")
            .replace("<id:workplace_id>", "{workplace}")
            .replace("<id:proposal_id>", "{proposal}")
            .replace("<id:placement_id>", "{placement}")
            .replace("<id:step_id>", "{step}")
            .replace("<id:terms_id>", "{terms}")
            .replace("<id:flag_id>", "{flag}")
            .replace("<id:reminder_id>", "{reminder}")
            .replace("<id:assessment_id>", "{assessment}")
            .replace("<token>", "{token}")
            .replace("<any(accept, refuse, withdraw):action>", "accept")
        )
        found += [(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}]
    return sorted(found)


def test_every_company_route_with_an_id_is_checked_below(app):
    # Proposal and placement routes have their own access tests (test_proposal_routes.py,
    # tests/marketplace/placements/test_pages_access*.py); the hours reminder and its signed
    # link theirs (the hour reminder tests, tests/marketplace/hours/test_reminders*.py);
    # assessments theirs (tests/employers/test_assessment_routes.py).
    own_tests = ("{proposal}", "{placement}", "{reminder}", "{token}", "{assessment}")
    with_ids = [
        (m, p) for m, p in company_routes(app) if "{" in p and not any(k in p for k in own_tests)
    ]
    assert sorted(with_ids) == sorted(ID_ROUTES)
    assert not [p for _, p in company_routes(app) if "<" in p], "an id kind not covered here"


def state(job: Job, workplace: Workplace) -> tuple[object, ...]:
    db.session.expire_all()
    j, w = db.session.get(Job, job.id), db.session.get(Workplace, workplace.id)
    return (
        j.title,
        j.status,
        j.version,
        j.closed_at,
        j.published_at,
        job_count(),
        w.name,
        w.p_number,
    )


@pytest.mark.parametrize(("method", "path"), ID_ROUTES)
def test_an_employer_of_another_company_gets_404_and_changes_nothing(
    app, client, login, employer, hannes_company, stranger, make_job, method, path
):
    # A draft, so that publishing it would change it; published for the rest (edit, close).
    status = JobStatus.DRAFT if path.endswith("/publish") else JobStatus.PUBLISHED
    job = make_job(hannes_company, employer, status=status.value)
    url = path.format(job=job.id, workplace=job.workplace_id)
    owner_client = app.test_client()
    login(employer, via=owner_client)
    # What the owner would send (read from the owner's own form), forged by the stranger.
    if url.endswith("/edit"):
        payload = read_form(owner_client.get(url))
        payload.update(title=["Overtaget"], name=["Overtaget"], save=["1"])
    elif url.endswith("/close"):
        payload = {"reason": ["no_longer_needed"]}
    else:
        payload = {}
    login(stranger)
    before = state(job, job.workplace)

    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token_from(client.get("/company/"))
        response = client.post(url, data={**payload, "csrf_token": [token]})
    assert response.status_code == 404
    assert "Opfyldning af varer" not in text_of(response)
    assert state(job, job.workplace) == before

    # The same request from the owner goes through: it was the company that was refused.
    if method == "GET":
        assert owner_client.get(url).status_code == 200
    else:
        token = csrf_token_from(owner_client.get("/company/"))
        response = owner_client.post(url, data={**payload, "csrf_token": [token]})
        assert response.status_code == 302
        assert state(job, job.workplace) != before


@pytest.mark.parametrize("who", ["consultant", "admin"])
def test_jobcentre_staff_get_403_on_every_company_route(
    request, app, client, login, employer, hannes_company, make_job, who
):
    job = make_job(hannes_company, employer, status=JobStatus.DRAFT.value)
    login(request.getfixturevalue(who))
    token = csrf_token_from(client.get("/caseload"))
    before = state(job, job.workplace)
    answers = {}
    for method, path in company_routes(app):
        url = path.format(
            job=job.id,
            workplace=job.workplace_id,
            proposal=1,
            placement=1,
            step=1,
            terms=1,
            flag=1,
            reminder=1,
            assessment=1,
            token="x",
        )
        if method == "GET":
            answers[(method, url)] = client.get(url).status_code
        else:
            data = {"csrf_token": token, "reason": "no_longer_needed", "title": "x"}
            answers[(method, url)] = client.post(url, data=data).status_code
    assert len(answers) >= 14
    assert answers == dict.fromkeys(answers, 403)
    assert state(job, job.workplace) == before


def test_anonymous_users_are_sent_to_login_from_every_company_route(
    client, employer, hannes_company, make_job, app
):
    job = make_job(hannes_company, employer, status=JobStatus.DRAFT.value)
    token = csrf_token_from(client.get("/login"))
    before = state(job, job.workplace)
    for method, path in company_routes(app):
        url = path.format(
            job=job.id,
            workplace=job.workplace_id,
            proposal=1,
            placement=1,
            step=1,
            terms=1,
            flag=1,
            reminder=1,
            assessment=1,
            token="x",
        )
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token, "reason": "filled_by_us"})
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)
    assert state(job, job.workplace) == before


@pytest.mark.parametrize("missing", [10_000_000, 2**31, 2**63, 10**20])
def test_an_id_that_does_not_exist_is_a_404(client, hanne, missing):
    """However large the number typed into the address bar: "not found", not the error page."""
    paths = [
        f"/company/jobs/{missing}",
        f"/company/jobs/{missing}/edit",
        f"/company/jobs/{missing}/close",
        f"/company/workplaces/{missing}/edit",
    ]
    answers = {path: client.get(path).status_code for path in paths}
    assert answers == dict.fromkeys(paths, 404)


# ---------------------------------------------------------------------------------------------
# 7. Query counts


@pytest.mark.parametrize("path", ["/company/", "/company/jobs"])
def test_company_pages_run_as_many_queries_for_20_jobs_as_for_2(
    client, hanne, hannes_company, make_job, count_queries, path
):
    statuses = [JobStatus.PUBLISHED.value, JobStatus.DRAFT.value, JobStatus.CLOSED.value]

    def add(numbers: range) -> None:
        for n in numbers:  # each job at a workplace of its own
            make_job(hannes_company, hanne, title=f"Småjob nr. {n}", status=statuses[n % 3])

    add(range(2))
    client.get(path)  # warm up: first-request work is not what we measure
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add(range(2, 20))
    with count_queries() as many:
        page = text_of(client.get(path))
    shown = [n for n in range(20) if f"Småjob nr. {n}<" in page]
    expected = range(20) if path == "/company/jobs" else [n for n in range(20) if n % 3 != 2]
    assert shown == list(expected)
    assert many.count == few.count

"""Every list page shows at most a page of rows and links to the next page (issue 16): no
page grows with the data. The page size is lowered in the tests so a few rows suffice."""

from __future__ import annotations

import re

import pytest

from marketplace.extensions import db
from marketplace.models import Job, User
from marketplace.proposals import lifecycle as proposals
from tests import factories

PAGE_SIZE = 5
ROWS = PAGE_SIZE + 2


@pytest.fixture
def small_pages(app, monkeypatch):
    monkeypatch.setitem(app.config, "LIST_PAGE_SIZE", PAGE_SIZE)


@pytest.fixture
def many_placements(small_pages, job: Job, consultant: User, employer: User) -> None:
    for number in range(ROWS):
        proposal = factories.accepted_proposal(job, consultant, employer, f"Person {number}")
        factories.at_trial(proposal, employer)
    db.session.commit()


def table_rows(html: str) -> int:
    """Rows in the tables' bodies (the lists' rows; headers are in thead)."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)
    return sum(body.count("<tr") for body in bodies)


def assert_paged(client, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert 0 < table_rows(html) <= PAGE_SIZE
    assert 'rel="next"' in html
    sep = "&" if "?" in path else "?"
    second = client.get(f"{path}{sep}page=2").get_data(as_text=True)
    assert table_rows(second) == ROWS - PAGE_SIZE
    assert 'rel="prev"' in second
    # A page beyond the last shows the last, not an error.
    beyond = client.get(f"{path}{sep}page=999")
    assert beyond.status_code == 200
    assert table_rows(beyond.get_data(as_text=True)) == ROWS - PAGE_SIZE


@pytest.mark.parametrize("path", ["/placements", "/placements?show=all"])
def test_consultants_placements_are_paged(many_placements, jobcentre, path):
    assert_paged(jobcentre, path)


def test_companys_placements_are_paged(many_placements, company):
    assert_paged(company, "/company/placements")


def test_companys_proposals_are_paged(small_pages, job, consultant, company):
    for number in range(ROWS):
        proposals.propose(
            job, factories.new_candidate(consultant, f"Person {number}"), consultant, "God"
        )
    db.session.commit()
    assert_paged(company, "/company/proposals")


def test_placements_list_runs_the_same_statements_at_any_size(
    small_pages, job, consultant, employer, company, count_queries
):
    def add(count: int) -> None:
        for number in range(count):
            proposal = factories.accepted_proposal(job, consultant, employer, f"P {number}")
            factories.at_trial(proposal, employer)
        db.session.commit()

    add(1)
    company.get("/company/placements")
    with count_queries() as few:
        assert company.get("/company/placements").status_code == 200
    add(ROWS)
    with count_queries() as many:
        assert company.get("/company/placements").status_code == 200
    assert many.count == few.count


def test_companys_jobs_are_paged(small_pages, make_job, employer, company):
    for number in range(ROWS):
        make_job(employer.organisation, employer, title=f"Job {number}")
    db.session.commit()
    assert_paged(company, "/company/jobs")


def test_candidates_proposals_are_paged(
    small_pages, make_job, employer, consultant, person, jobcentre
):
    for number in range(ROWS):
        found = make_job(employer.organisation, employer, title=f"Job {number}")
        proposals.propose(found, person, consultant, "God")
    db.session.commit()
    path = f"/candidates/{person.id}"
    html = jobcentre.get(path).get_data(as_text=True)
    assert html.count('href="/proposals/') <= PAGE_SIZE
    assert f"{path}?proposals=2#proposals-title" in html
    later = jobcentre.get(f"{path}?proposals=2").get_data(as_text=True)
    assert later.count('href="/proposals/') == ROWS - PAGE_SIZE

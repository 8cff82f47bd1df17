"""Every list page shows at most a page of rows and links to the next page (issue 16): no
page grows with the data, and a page beyond the last shows the last. The page size is lowered
in the tests so a few rows suffice; each page's statements stay the same at any size."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from marketplace.accounts import invitations
from marketplace.extensions import db
from marketplace.models import Job, Role, User
from marketplace.notifications.outbox import notify
from marketplace.proposals import lifecycle as proposals
from tests import factories

PAGE_SIZE = 5
ROWS = PAGE_SIZE + 2

Count = Callable[[str], int]


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


def rows_after(heading_id: str) -> Count:
    """Rows of the first table after the heading (a page with more than one list)."""

    def count(html: str) -> int:
        start = html.index(f'id="{heading_id}"')
        body = re.search(r"<tbody>(.*?)</tbody>", html[start:], re.S)
        return body.group(1).count("<tr") if body else 0

    return count


def occurrences(marker: str) -> Count:
    return lambda html: html.count(marker)


def assert_paged(
    client, path: str, count: Count = table_rows, rows: int = ROWS, param: str = "page"
) -> None:
    first = client.get(path)
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert 0 < count(html) <= PAGE_SIZE
    assert 'rel="next"' in html
    sep = "&" if "?" in path else "?"
    second = client.get(f"{path}{sep}{param}=2").get_data(as_text=True)
    assert count(second) == rows - PAGE_SIZE
    assert 'rel="prev"' in second
    # A page beyond the last shows the last, not an error.
    beyond = client.get(f"{path}{sep}{param}=999")
    assert beyond.status_code == 200
    assert count(beyond.get_data(as_text=True)) == rows - PAGE_SIZE


def assert_same_statements(client, path: str, add: Callable[[int], None], count_queries) -> None:
    """The page runs as many statements with one row as with more than a page of them."""
    add(1)
    db.session.commit()
    client.get(path)  # warm up: first-request work is not what we measure
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add(ROWS)
    db.session.commit()
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count


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


# -- The team, the jobcentre page, the notifications -------------------------------------


def test_team_members_are_paged(small_pages, employer, make_user, company):
    for number in range(ROWS):
        make_user(employer.organisation, name=f"Kollega {number}")
    db.session.commit()
    # The employer and the colleagues.
    assert_paged(company, "/team", rows_after("members-title"), rows=ROWS + 1)


def invite(inviter: User, count: int, role: Role = Role.EMPLOYER) -> None:
    for _ in range(count):
        number = next(_invited)
        invitations.invite(inviter, f"ny{number}@test.example", f"Ny {number}", role)


_invited = iter(range(1, 1_000_000))


def test_team_invitations_are_paged(small_pages, employer, company):
    invite(employer, ROWS)
    db.session.commit()
    assert_paged(company, "/team", rows_after("pending-title"), param="invitations")
    # Each list's links keep the other list's page.
    html = company.get("/team?page=1&invitations=2").get_data(as_text=True)
    assert 'href="/team?page=1&amp;invitations=1#pending-title"' in html


def test_jobcentre_staff_are_paged(small_pages, admin, make_user, rules_admin):
    for number in range(ROWS):
        make_user(admin.organisation, name=f"Rådgiver {number}")
    db.session.commit()
    # The consultant and the admin of the fixtures, and the new staff.
    assert_paged(rules_admin, "/jobcentre", rows_after("staff-title"), rows=ROWS + 2)


def test_jobcentre_counts_staff_and_invitations_in_sql(small_pages, admin, make_user, rules_admin):
    for _ in range(ROWS):
        make_user(admin.organisation)
    invite(admin, ROWS, Role.CONSULTANT)
    db.session.commit()
    html = rules_admin.get("/jobcentre").get_data(as_text=True)
    # Counted over every row, not over the page shown.
    assert f"<dd>{ROWS + 2}</dd>" in html
    assert f"<dd>{ROWS}</dd>" in html


def test_notifications_are_paged(small_pages, consultant, jobcentre):
    for number in range(ROWS):
        notify([consultant], "invitation_accepted", name=f"Kim {number}")
    db.session.commit()
    assert_paged(jobcentre, "/notifications/", occurrences('class="notification__text"'))


# -- The jobcentre's lists ---------------------------------------------------------------


def test_caseload_is_paged(small_pages, consultant, jobcentre):
    for number in range(ROWS):
        factories.new_candidate(consultant, f"Person {number}")
    db.session.commit()
    assert_paged(jobcentre, "/caseload")


def test_job_board_is_paged(small_pages, make_job, employer, jobcentre):
    for number in range(ROWS):
        make_job(employer.organisation, employer, title=f"Job {number}")
    db.session.commit()
    assert_paged(jobcentre, "/jobs", occurrences('class="job-card__title"'))


def test_erasure_log_is_paged(small_pages, admin, rules_admin):
    for number in range(ROWS):
        factories.erasure_record(admin.organisation_id, people=number + 1, minutes_ago=number)
    db.session.commit()
    assert_paged(rules_admin, "/jobcentre/erasures", rows_after("log-title"))


def access_lines(html: str) -> int:
    section = html[html.index('id="access-title"') :]
    return section[: section.index("</ul>")].count("<li>")


def test_candidates_access_log_is_paged(small_pages, consultant, person, jobcentre):
    for _ in range(ROWS):
        factories.log_access(person, consultant)
    db.session.commit()
    path = f"/candidates/{person.id}"
    html = jobcentre.get(path).get_data(as_text=True)
    assert access_lines(html) == PAGE_SIZE
    assert f"{path}?log=2#access-title" in html
    # Each view adds a line to the log: the last page holds the rest, beyond it too.
    later = jobcentre.get(f"{path}?log=999").get_data(as_text=True)
    assert 0 < access_lines(later) <= PAGE_SIZE
    assert 'rel="prev"' in later


# -- The company's home: first pages only ------------------------------------------------


def test_companys_home_shows_first_pages_of_jobs_and_colleagues(
    small_pages, make_job, make_user, employer, company
):
    for number in range(ROWS):
        make_job(employer.organisation, employer, title=f"Job {number}")
        make_user(employer.organisation, name=f"Kollega {number}")
    db.session.commit()
    html = company.get("/company/").get_data(as_text=True)
    jobs = html[html.index('id="jobs-title"') : html.index('id="company-title"')]
    assert jobs.count('<li><a href="/company/jobs/') == PAGE_SIZE
    assert 'href="/company/jobs" rel="next"' in jobs
    colleagues = html[html.index('id="colleagues-title"') :]
    assert colleagues.count("<li>") == PAGE_SIZE
    assert 'href="/team" rel="next"' in colleagues


def workplace_lines(html: str) -> int:
    section = html[html.index('id="workplaces-title"') :]
    return section[: section.index("</ul>")].count("<li>")


def test_companys_workplaces_are_paged_on_its_home(small_pages, employer, company):
    for number in range(ROWS):
        factories.make_workplace(employer.organisation, name=f"Butik {number}")
    db.session.commit()
    assert_paged(company, "/company/", workplace_lines, param="workplaces")


# -- Statements: the same at any size ----------------------------------------------------


def test_team_runs_the_same_statements_at_any_size(small_pages, employer, company, count_queries):
    assert_same_statements(company, "/team", lambda n: invite(employer, n), count_queries)


def test_notifications_run_the_same_statements_at_any_size(
    small_pages, consultant, jobcentre, count_queries
):
    def add(count: int) -> None:
        for number in range(count):
            notify([consultant], "invitation_accepted", name=f"Kim {number}")

    assert_same_statements(jobcentre, "/notifications/", add, count_queries)


def test_caseload_runs_the_same_statements_at_any_size(
    small_pages, consultant, jobcentre, count_queries
):
    def add(count: int) -> None:
        for number in range(count):
            factories.new_candidate(consultant, f"Person {number}")

    assert_same_statements(jobcentre, "/caseload", add, count_queries)


def test_job_board_runs_the_same_statements_at_any_size(
    small_pages, make_job, employer, jobcentre, count_queries
):
    def add(count: int) -> None:
        for number in range(count):
            make_job(employer.organisation, employer, title=f"Job {number}")

    assert_same_statements(jobcentre, "/jobs", add, count_queries)


def test_erasure_log_runs_the_same_statements_at_any_size(
    small_pages, admin, rules_admin, count_queries
):
    def add(count: int) -> None:
        for number in range(count):
            factories.erasure_record(admin.organisation_id, minutes_ago=number)

    assert_same_statements(rules_admin, "/jobcentre/erasures", add, count_queries)


def test_companys_jobs_and_home_run_the_same_statements_at_any_size(
    small_pages, make_job, employer, company, count_queries
):
    def add(count: int) -> None:
        for number in range(count):
            make_job(employer.organisation, employer, title=f"Job {number}")

    assert_same_statements(company, "/company/jobs", add, count_queries)
    assert_same_statements(company, "/company/", add, count_queries)

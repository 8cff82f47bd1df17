"""/jobcentre/figures, the leader's page (candidates/figures_routes.py): the month's share,
its twelve months, the candidates without a solution; roles, other jobcentres, bad input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.figures.measures import local_midnight, month_of
from marketplace.models import AccessLogEntry, DeclineReason, Role
from marketplace.proposals import lifecycle as proposals
from tests.factories import MONDAY, confirm, new_candidate, paid_placement, today
from tests.html_forms import error_ids, text_of

URL = "/jobcentre/figures"
MONTH = month_of(MONDAY + timedelta(days=1))


@pytest.fixture
def leader(client, admin, login):
    login(admin)
    return client


@pytest.fixture
def town(job, consultant, employer):
    """Two people registered long ago: Anna with a confirmed paid week in MONTH, Bo declined
    40 days ago (without a solution)."""
    anna = paid_placement(job, consultant, employer, "Anna Timer")
    confirm(anna, employer, MONDAY)
    bo = new_candidate(consultant, "Bo Venter")
    proposal = proposals.propose(job, bo, consultant, "God til opgaverne.")
    proposals.decline(proposal, employer, DeclineReason.HOURS_DONT_FIT)
    proposal.created_at = local_midnight(today() - timedelta(days=40))
    for person in (anna.candidate, bo):
        person.created_at = local_midnight(MONTH) - timedelta(days=365)
    db.session.commit()
    return anna, bo


def test_the_leader_reads_the_months_share_and_the_stuck_list(leader, town):
    _anna, bo = town
    page = text_of(leader.get(f"{URL}?month={MONTH:%Y-%m}"))
    assert "<strong>50 %</strong>" in page
    assert "1 af 2" in page  # touched of the group (the admin reads Danish)
    assert "Bo Venter" in page
    assert f"/candidates/{bo.id}" in page
    assert "Anna Timer" not in page  # she has a solution; no name without a reason
    logged = db.session.scalar(
        select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.candidate_id == bo.id)
    )
    assert logged == 1


def test_twelve_months_in_the_table_and_the_chart(leader, town):
    page = text_of(leader.get(f"{URL}?month={MONTH:%Y-%m}"))
    trend = page.split('id="trend-title"')[1].split("</table>")[0]
    assert trend.count("<tr>") == 13  # the head and twelve months
    assert page.count("<rect ") == 12
    assert 'role="img"' in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("month=2026-13", "month", "Skriv måneden som år og måned"),
        ("month=nov", "month", "Skriv måneden som år og måned"),
        ("month=%00", "month", "Skriv måneden som år og måned"),
        ("month=2099-01", "month", "Vælg en måned fra januar 2016 til og med denne måned"),
        ("month=2015-12", "month", "Vælg en måned fra januar 2016 til og med denne måned"),
        ("consultant=99999999", "consultant", "Vælg en konsulent på listen"),
        ("consultant=abc", "consultant", "Vælg en konsulent på listen"),
    ],
)
def test_a_bad_choice_gets_its_message_beside_the_field(leader, town, query, field, message):
    response = leader.get(f"{URL}?{query}")
    assert response.status_code == 200
    page = text_of(response)
    assert message in page
    assert field in error_ids(response)
    # The figures of this month for everyone are shown meanwhile.
    assert "De seneste 12 måneder" in page


def test_the_typed_month_is_kept(leader, town):
    page = text_of(leader.get(f"{URL}?month=2026-13"))
    assert re.search(r'name="month"[^>]*value="2026-13"|value="2026-13"[^>]*name="month"', page)


def test_one_consultant_and_another_jobcentre(
    leader, town, consultant, make_user, make_jobcentre, login, app
):
    colleague = make_user(consultant.organisation, Role.CONSULTANT)
    db.session.commit()
    mine = text_of(leader.get(f"{URL}?consultant={consultant.id}&month={MONTH:%Y-%m}"))
    assert "Bo Venter" in mine
    theirs = text_of(leader.get(f"{URL}?consultant={colleague.id}&month={MONTH:%Y-%m}"))
    assert "Bo Venter" not in theirs
    assert "Ingen borger er uden løsning." in theirs
    other_admin = make_user(make_jobcentre(657), Role.ADMIN)
    db.session.commit()
    elsewhere = app.test_client()
    login(other_admin, via=elsewhere)
    page = text_of(elsewhere.get(f"{URL}?month={MONTH:%Y-%m}"))
    assert "Bo Venter" not in page
    assert "Ingen var i målgruppen denne måned." in page
    # Another jobcentre's consultant is not a choice here.
    assert "Vælg en konsulent på listen" in text_of(
        elsewhere.get(f"{URL}?consultant={consultant.id}")
    )


@pytest.mark.parametrize("role", ["consultant", "employer"])
def test_only_the_jobcentres_admin_opens_it(client, login, request, role):
    login(request.getfixturevalue(role))
    assert client.get(URL).status_code in (403, 404)


def test_the_page_runs_a_fixed_number_of_statements(leader, town, consultant, job, count_queries):
    leader.get(URL)
    with count_queries() as few:
        assert leader.get(URL).status_code == 200
    for n in range(5):
        person = new_candidate(consultant, f"Person {n}")
        proposal = proposals.propose(job, person, consultant, "God til opgaverne.")
        proposal.created_at = local_midnight(today() - timedelta(days=50 + n))
    db.session.commit()
    with count_queries() as many:
        assert leader.get(URL).status_code == 200
    assert many.count == few.count


def test_the_stuck_list_is_paged(leader, town, consultant, job, app, monkeypatch):
    monkeypatch.setitem(app.config, "LIST_PAGE_SIZE", 2)
    for n in range(2):
        person = new_candidate(consultant, f"Venter {n}")
        proposal = proposals.propose(job, person, consultant, "God til opgaverne.")
        proposal.created_at = local_midnight(today() - timedelta(days=60 + n))
    db.session.commit()
    first = text_of(leader.get(URL))
    stuck = first.split('id="stuck-title"')[1]
    assert stuck.count("/candidates/") == 2
    assert "Venter 1" in stuck  # the longest waiting first
    assert 'rel="next"' in stuck
    second = text_of(leader.get(f"{URL}?page=2")).split('id="stuck-title"')[1]
    assert "Bo Venter" in second

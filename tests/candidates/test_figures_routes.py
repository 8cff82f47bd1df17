"""/jobcentre/figures, the leader's page (candidates/figures_routes.py): the month's share,
its twelve months, the candidates without a solution; roles, other jobcentres, bad input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.figures.measures import local_midnight, month_of
from marketplace.models import (
    AccessLogEntry,
    AccessSeen,
    CandidateIdentity,
    DeclineReason,
    Jobcentre,
    Role,
)
from marketplace.proposals import lifecycle as proposals
from tests.factories import MONDAY, confirm, new_candidate, paid_placement, today
from tests.html_forms import error_ids, text_of
from tests.support import csrf_token_from

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
    assert "/jobcentre/stuck?consultant=all" in page  # the whole stuck list, a click away
    logged = db.session.scalar(
        select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.candidate_id == bo.id)
    )
    assert logged == 1


def test_twelve_months_in_the_table_and_the_chart(leader, town):
    page = text_of(leader.get(f"{URL}?month={MONTH:%Y-%m}"))
    trend = page.split('id="trend-title"')[1].split("</table>")[0]
    assert trend.count("<tr>") == 13  # the head and twelve months
    chart = page.split('id="trend-chart-title"')[1].split("</svg>")[0]
    assert chart.count("<rect ") == 12
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
    assert "Ingen kandidat er uden løsning." in theirs
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


# The target the admin sets.


def post_target(client, value, query=""):
    page = client.get(f"{URL}{query}")
    return client.post(f"{URL}{query}", data={"csrf_token": csrf_token_from(page), "target": value})


def test_the_admin_sets_the_jobcentres_target(leader, town, admin):
    query = f"?month={MONTH:%Y-%m}"
    before = text_of(leader.get(f"{URL}{query}"))
    assert "Jobcentrets mål er 20 %." in before
    assert "Måneden nåede det." in before  # 50 %
    response = post_target(leader, "60", query)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{URL}{query}")
    assert db.session.get(Jobcentre, admin.organisation_id).paid_share_target == 60
    page = text_of(leader.get(f"{URL}{query}"))
    assert "Jobcentrets mål er 60 %." in page
    assert "Måneden ligger under det." in page  # 50 % is below 60 %
    # The chart's target line moved with it: 60 is the top of the scale now.
    assert 'y1="0.0"' in page


@pytest.mark.parametrize("value", ["0", "101", "-5", "abc", "20.5", "", "2\x000"])
def test_a_bad_target_gets_its_message_and_keeps_what_was_typed(leader, town, admin, value):
    response = post_target(leader, value)
    assert response.status_code == 400
    assert "target" in error_ids(response)
    assert db.session.get(Jobcentre, admin.organisation_id).paid_share_target == 20
    # The figures are still there.
    assert "De seneste 12 måneder" in text_of(response)


def test_the_target_needs_the_forms_token(leader, town, admin):
    response = leader.post(URL, data={"target": "50"})
    assert response.status_code == 400
    assert db.session.get(Jobcentre, admin.organisation_id).paid_share_target == 20


def test_another_jobcentres_target_is_its_own(
    leader, town, admin, make_user, make_jobcentre, app, login
):
    other_admin = make_user(make_jobcentre(657), Role.ADMIN)
    db.session.commit()
    elsewhere = app.test_client()
    login(other_admin, via=elsewhere)
    assert post_target(elsewhere, "35").status_code == 302
    db.session.expire_all()
    assert db.session.get(Jobcentre, admin.organisation_id).paid_share_target == 20
    assert db.session.get(Jobcentre, other_admin.organisation_id).paid_share_target == 35


@pytest.mark.parametrize("role", ["consultant", "employer"])
def test_only_the_admin_sets_the_target(client, login, request, role, admin):
    login(request.getfixturevalue(role))
    response = client.post(URL, data={"target": "50"})
    assert response.status_code in (400, 403, 404)
    assert db.session.get(Jobcentre, admin.organisation_id).paid_share_target == 20


# Hours a week and retention.


def test_hours_a_week_and_retention_are_on_the_page(leader, town):
    page = text_of(leader.get(f"{URL}?month={MONTH:%Y-%m}"))
    hours = page.split('id="hours-title"')[1].split("</section>")[0]
    assert "Personer med lønnede timer i måneden: 1." in hours
    assert "lønnede timer om ugen" in hours
    assert "Ingen af dem havde lønnede timer for tre måneder siden." in hours
    retention = page.split('id="retention-title"')[1].split("</table>")[0]
    assert "90 dage" in retention
    assert "180 dage" in retention


# The tables as CSV.


@pytest.mark.parametrize(
    "table",
    [
        "months",
        "hours",
        "retention",
        "funnel",
        "reasons",
        "consultants",
        "companies",
        "without-a-solution",
    ],
)
def test_each_table_downloads_as_csv(leader, town, table):
    response = leader.get(f"{URL}/{table}.csv?month={MONTH:%Y-%m}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    from candidates.figures_routes import FILE_NAMES

    name = f'filename="tal-{FILE_NAMES[table]}-{MONTH:%Y-%m}.csv"'
    assert name in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    assert len(body.strip().splitlines()) >= 2  # a header and at least one row


def test_the_months_csv_holds_the_pages_figures(leader, town):
    body = leader.get(f"{URL}/months.csv?month={MONTH:%Y-%m}").get_data(as_text=True)
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0] == "Måned;Med lønnede timer;Målgruppe;Andel (%)"
    assert lines[1] == f"{MONTH:%Y-%m};1;2;50"
    assert len(lines) == 13


def test_the_stuck_csv_names_people_by_case_reference_safely_and_logs_the_export(leader, town):
    _anna, bo = town
    identity = db.session.scalar(
        select(CandidateIdentity).where(CandidateIdentity.candidate_id == bo.id)
    )
    identity.case_reference = "=HYPERLINK(1)"
    db.session.commit()
    body = leader.get(f"{URL}/without-a-solution.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in body
    assert "Bo Venter" not in body
    seen = db.session.scalars(
        select(AccessLogEntry.seen).where(AccessLogEntry.candidate_id == bo.id)
    ).all()
    assert seen == [AccessSeen.EXPORT_CASE.value]


def test_a_csv_with_a_bad_month_shows_the_page_with_its_message(leader, town):
    response = leader.get(f"{URL}/months.csv?month=2026-13")
    assert response.status_code == 400
    assert "month" in error_ids(response)


def test_an_unknown_table_is_not_found(leader, town):
    assert leader.get(f"{URL}/secrets.csv").status_code == 404


def test_another_jobcentres_csv_holds_only_its_own(
    leader, town, make_user, make_jobcentre, app, login
):
    other_admin = make_user(make_jobcentre(657), Role.ADMIN)
    db.session.commit()
    elsewhere = app.test_client()
    login(other_admin, via=elsewhere)
    body = elsewhere.get(f"{URL}/without-a-solution.csv").get_data(as_text=True)
    assert len(body.strip().splitlines()) == 1  # the header only
    months = elsewhere.get(f"{URL}/months.csv?month={MONTH:%Y-%m}").get_data(as_text=True)
    assert f"{MONTH:%Y-%m};0;0;" in months


@pytest.mark.parametrize("role", ["consultant", "employer"])
def test_only_the_admin_downloads_the_figures(client, login, request, role):
    login(request.getfixturevalue(role))
    assert client.get(f"{URL}/months.csv").status_code in (403, 404)


def test_the_page_prints(leader, town):
    page = text_of(leader.get(URL))
    assert "data-print" in page
    assert "js/print.js" in page


# The ladder: the funnel of the twelve months' proposals, why some went nowhere, per
# consultant and per company.


def section(page, title_id):
    return page.split(f'id="{title_id}"')[1].split("</section>")[0]


def test_the_funnel_reasons_and_lines_of_the_twelve_months(leader, town, consultant, employer):
    # The twelve months up to this one hold Anna's proposal (today) and Bo's (40 days ago).
    page = text_of(leader.get(f"{URL}?month={today():%Y-%m}"))
    funnel = section(page, "funnel-title")
    rows = re.findall(r"<tr>\s*<th scope=\"row\">([^<]+)</th>\s*<td>([^<]+)</td>", funnel)
    assert [(label.strip(), count) for label, count in rows][:6] == [
        ("Foreslået", "2"),
        ("Accepteret", "1"),
        ("Snusepraktik eller længere", "1"),
        ("Praktik eller længere", "1"),
        ("Lønnede timer", "1"),
        ("Flere timer", "0"),
    ]
    assert "Timerne eller dagene passer ikke" in funnel  # Bo's proposal, declined
    consultants = section(page, "consultants-title")
    assert consultant.name in consultants
    companies = section(page, "companies-title")
    assert employer.organisation.name in companies


def test_the_company_lines_are_paged(
    leader, town, app, monkeypatch, consultant, employer, make_company, make_user, make_job
):
    from tests.factories import ladder_job

    other = make_user(make_company(name="Netto Tarm"))
    for n in range(3):  # three proposals to Netto: it comes first
        proposals.propose(
            ladder_job(make_job, other, title=f"Opfyldning {n}"),
            new_candidate(consultant, f"Per {n}"),
            consultant,
            "God til opgaverne.",
        )
    db.session.commit()
    monkeypatch.setitem(app.config, "LIST_PAGE_SIZE", 1)
    url = f"{URL}?month={today():%Y-%m}"
    first = section(text_of(leader.get(url)), "companies-title")
    assert "Netto Tarm" in first
    assert employer.organisation.name not in first
    assert 'rel="next"' in first
    second = section(text_of(leader.get(f"{url}&company_page=2")), "companies-title")
    assert employer.organisation.name in second


def test_the_reasons_csv_names_the_reasons(leader, town):
    body = leader.get(f"{URL}/reasons.csv?month={today():%Y-%m}").get_data(as_text=True)
    assert "Timerne eller dagene passer ikke;1" in body


def test_the_page_reads_the_kept_figures_once_the_sweep_has_counted_them(leader, town, admin):
    from marketplace.figures import rollup

    url = f"{URL}?month={MONTH:%Y-%m}"
    counted_now = text_of(leader.get(url))
    assert "Talt lige nu." in counted_now
    rollup.refresh(admin.organisation_id)
    db.session.commit()
    kept = text_of(leader.get(url))
    assert "Talt " in kept
    assert "Talt lige nu." not in kept
    for title in ("share-title", "hours-title", "retention-title", "funnel-title"):
        assert section(kept, title) == section(counted_now, title), title

"""The citizen's access log: every showing of identity, caseload list or search and export
that holds a candidate writes exactly its rows, under the route's declared purpose; the
candidate's page lists the log in plain Danish, a page at a time; bulk writes are one INSERT."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale, format_date
from sqlalchemy import func, insert, select

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.models import (
    AccessLogEntry,
    AccessPurpose,
    AccessSeen,
    ConsentMethod,
    Proposal,
    Role,
)
from marketplace.privacy import access_log, disclosure
from marketplace.privacy.access_log import PER_PAGE, purpose_of
from tests.factories import MONDAY, confirm, ladder_job, new_candidate, paid_placement
from tests.html_forms import text_of

NAME = "Zyxwvu Qwertyson"
START, END = MONDAY - timedelta(days=7), MONDAY + timedelta(days=6)
PERIOD = f"start={START.isoformat()}&end={END.isoformat()}"

# The purpose of every route that shows identity, in one table for a reviewer. A route that
# shows identity without a purpose fails at its first request (access_log.record raises).
PURPOSES = {
    "candidates.assessment": "placement",  # the company's assessment names the person
    "candidates.assessment_reading": "placement",
    "employers.assessment": "placement",  # the pseudonym, or the name under consent
    "candidates.caseload": "case_work",
    "candidates.figures": "case_work",  # the leader's stuck list names people
    "candidates.figures_csv": "case_work",  # the stuck list's file holds case references
    "candidates.stuck": "case_work",  # the stuck list names people
    "candidates.stuck_csv": "case_work",  # its files hold case references
    "candidates.candidate": "case_work",
    "candidates.edit_candidate": "case_work",
    "candidates.job": "proposing",
    "candidates.propose": "proposing",
    "candidates.placements_home": "placement",
    "candidates.placement": "placement",
    "candidates.step_action": "placement",
    "candidates.end_placement": "placement",
    "candidates.agreement": "placement",
    "candidates.hours_request": "placement",
    "candidates.propose_praktik": "placement",
    "candidates.placement_hours": "hours",
    "candidates.flag_week": "hours",
    "candidates.export_hours": "hours_report",
    "candidates.citizen_copy_page": "citizen_request",
    "candidates.citizen_copy_json": "citizen_request",
    "employers.proposal": "trial_visit",
    "employers.accept_proposal": "trial_visit",
    "employers.decline_proposal": "trial_visit",
    "employers.placement": "placement",
    "employers.step_action": "placement",
    "employers.end_placement": "placement",
    "employers.agreement": "placement",
    "employers.hours_request": "placement",
    "employers.offer_paid_hours": "placement",
    "employers.export_hours": "payroll",
    "inbox.index": "placement",  # a notification names the person (privacy.naming)
}


@pytest.fixture
def hanne(make_company, make_user):
    """Hanne Kjær, store manager at Brugsen Skjern (JOURNEYS.md)."""
    return make_user(make_company(name="Brugsen Skjern"), name="Hanne Kjær")


@pytest.fixture
def world(make_job, consultant, hanne) -> dict[str, Any]:
    """A placement with paid hours confirmed for a week and consent in force; a second
    candidate in the caseload, not proposed."""
    job = ladder_job(make_job, hanne)
    placement = paid_placement(job, consultant, hanne, name=NAME)
    confirm(placement, hanne)
    disclosure.record_consent(placement.proposal, consultant, ConsentMethod.PHONE)
    other = new_candidate(consultant, "Bent Andersen")
    db.session.commit()
    return {
        "c": placement.candidate_id,
        "c2": other.id,
        "p": placement.id,
        "pr": placement.proposal_id,
        "j": job.id,
    }


def last_id() -> int:
    return db.session.scalar(select(func.coalesce(func.max(AccessLogEntry.id), 0)))


def rows_after(before: int) -> list[tuple[int, int, int, str, str]]:
    db.session.expire_all()
    return [
        tuple(row)
        for row in db.session.execute(
            select(
                AccessLogEntry.candidate_id,
                AccessLogEntry.viewer_id,
                AccessLogEntry.organisation_id,
                AccessLogEntry.purpose,
                AccessLogEntry.seen,
            )
            .where(AccessLogEntry.id > before)
            .order_by(AccessLogEntry.candidate_id)
        )
    ]


def test_every_route_that_shows_identity_declares_its_purpose(app):
    declared = {
        endpoint: purpose_of(endpoint).value
        for endpoint in app.view_functions
        if purpose_of(endpoint) is not None
    }
    assert declared == PURPOSES


def test_showing_identity_from_a_route_without_a_purpose_is_refused(app, consultant, world):
    with app.test_request_context("/jobs"), pytest.raises(RuntimeError, match="no purpose"):
        access_log.record([world["c"]], AccessSeen.NAME, consultant)
    assert rows_after(0) == []


CASES = [
    ("consultant", "/candidates/{c}", {"c": ("case_work", "profile")}),
    ("consultant", "/candidates/{c}/edit", {"c": ("case_work", "profile")}),
    ("consultant", "/caseload", {"c": ("case_work", "list"), "c2": ("case_work", "list")}),
    ("consultant", "/caseload?q=Qwertyson", {"c": ("case_work", "search")}),
    ("consultant", "/caseload?q=Ingensinde", {}),
    ("consultant", "/placements", {"c": ("placement", "name")}),
    ("consultant", "/placements/{p}", {"c": ("placement", "name")}),
    ("consultant", "/placements/{p}/hours", {"c": ("hours", "name")}),
    ("consultant", "/jobs/{j}/propose/{c2}", {"c2": ("proposing", "name")}),
    ("consultant", f"/jobcentre/hours/export?{PERIOD}", {"c": ("hours_report", "export_case")}),
    ("consultant", "/candidates/{c}/copy", {"c": ("citizen_request", "copy")}),
    ("consultant", "/candidates/{c}/copy.json", {"c": ("citizen_request", "copy")}),
    ("consultant", "/proposals/{pr}", {}),  # the company and the answer; no name
    ("hanne", "/company/proposals/{pr}", {"c": ("trial_visit", "name_phone")}),
    ("hanne", "/company/placements/{p}", {"c": ("placement", "name")}),
    ("hanne", f"/company/hours/export?{PERIOD}", {"c": ("payroll", "export_name")}),
    ("hanne", "/company/placements", {}),  # pseudonyms only
    ("hanne", "/notifications/", {"c": ("placement", "name")}),  # consent in force
    ("consultant", "/notifications/", {"c": ("placement", "name")}),
    ("hanne", f"/company/hours?week={MONDAY.isoformat()}", {}),  # pseudonyms only
]


@pytest.mark.parametrize(("who", "path", "expected"), CASES, ids=[c[1] for c in CASES])
def test_each_kind_of_access_writes_exactly_its_rows(
    request, client, login, world, who, path, expected
):
    user = request.getfixturevalue(who)
    login(user)
    before = last_id()
    response = client.get(path.format(**world))
    assert response.status_code == 200
    response.get_data()  # a streamed export runs to its end
    assert rows_after(before) == sorted(
        (world[key], user.id, user.organisation_id, purpose, seen)
        for key, (purpose, seen) in expected.items()
    )


@pytest.mark.parametrize(
    "path",
    ["/company/proposals/{pr}", "/company/placements/{p}", f"/company/hours/export?{PERIOD}"],
)
def test_without_consent_the_company_sees_the_pseudonym_and_nothing_is_logged(
    client, login, hanne, consultant, world, path
):
    proposal = db.session.get(Proposal, world["pr"])
    disclosure.withdraw_consent(proposal, consultant)
    db.session.commit()
    login(hanne)
    before = last_id()
    response = client.get(path.format(**world))
    assert NAME not in response.get_data(as_text=True)
    assert rows_after(before) == []


def test_the_job_page_logs_the_candidates_it_names(client, login, consultant, world):
    login(consultant)
    before = last_id()
    page = text_of(client.get(f"/jobs/{world['j']}"))
    assert "Bent Andersen" in page
    rows = rows_after(before)
    assert (world["c2"], consultant.id, consultant.organisation_id, "proposing", "name") in rows
    assert {(purpose, seen) for *_, purpose, seen in rows} == {("proposing", "name")}


def test_another_jobcentre_gets_404_and_writes_nothing(client, login, other_consultant, world):
    login(other_consultant)
    before = last_id()
    for path in ("/candidates/{c}", "/candidates/{c}/copy", "/candidates/{c}/copy.json"):
        assert client.get(path.format(**world)).status_code == 404
    assert NAME not in text_of(client.get("/caseload?status=all&consultant=all&q=Qwertyson"))
    assert rows_after(before) == []


def test_a_list_page_logs_in_one_insert(client, login, consultant, count_queries):
    for n in range(30):
        new_candidate(consultant, f"Person Nummer{n}")
    db.session.commit()
    login(consultant)
    with count_queries() as queries:
        assert client.get("/caseload").status_code == 200
    inserts = [s for s in queries.statements if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1
    assert "access_log" in inserts[0]
    assert len(rows_after(0)) == 25  # the page's rows, not the caseload's


def danish_date(app: Flask, value: Any) -> str:
    with app.test_request_context(), force_locale("da"):
        return format_date(value, "medium")


def log_section(html: str) -> str:
    found = re.search(r'id="access-title".*?</section>', html, re.S)
    assert found
    return found.group(0)


def test_the_candidates_page_lists_the_log_in_plain_danish(
    app, client, login, consultant, hanne, world
):
    browser = app.test_client()
    login(hanne, via=browser)
    assert browser.get(f"/company/proposals/{world['pr']}").status_code == 200
    login(consultant)
    html = client.get(f"/candidates/{world['c']}").get_data(as_text=True)
    section = log_section(html)
    today = danish_date(app, utcnow())
    assert (
        f"Hanne Kjær, Brugsen Skjern, så navn og telefon {today}"
        " - for at aftale snusepraktik eller opstart"
    ) in section
    assert (
        f"Test Consultant, Jobcenter 760, så navn, telefon, e-mail og sagsnummer {today}"
        " - i arbejdet med personens sag"
    ) in section
    lines = re.search(r'<ul class="plain-list">.*?</ul>', section, re.S).group(0)
    for raw_path in ("/company", "/candidates", "/placements", "/proposals"):
        assert raw_path not in lines  # never a URL, only what was seen and why
    assert f"/candidates/{world['c']}/copy" in section  # the link to the citizen's copy


def test_the_log_is_paged_in_sql_newest_first(app, client, login, consultant, hanne, world):
    now = utcnow()
    db.session.execute(
        insert(AccessLogEntry),
        [
            {
                "candidate_id": world["c"],
                "viewer_id": hanne.id,
                "organisation_id": hanne.organisation_id,
                "purpose": AccessPurpose.HOURS.value,
                "seen": AccessSeen.NAME.value,
                "at": now - timedelta(days=100 - n),
            }
            for n in range(45)
        ],
    )
    db.session.commit()
    login(consultant)
    first = log_section(client.get(f"/candidates/{world['c']}").get_data(as_text=True))
    # 45 + this view = 46 lines: 20, 20, 6. The newest (this view) leads page 1.
    assert first.count("<li>") == PER_PAGE
    assert first.index("i arbejdet med personens sag") < first.index("for at følge de arbejdede")
    assert "Side 1 af 3" in first
    last = log_section(client.get(f"/candidates/{world['c']}?log=3").get_data(as_text=True))
    # Each page view is logged too: 47 lines now, the third page holds 7.
    assert last.count("<li>") == 7
    assert danish_date(app, now - timedelta(days=100)) in last
    assert "Side 3 af 3" in last


def test_the_candidates_page_runs_as_many_queries_for_a_long_log_as_for_a_short(
    client, login, consultant, hanne, world, count_queries, make_user
):
    login(consultant)
    path = f"/candidates/{world['c']}"
    client.get(path)  # warm up
    with count_queries() as few:
        assert client.get(path).status_code == 200
    viewers = [make_user(hanne.organisation, Role.EMPLOYER) for _ in range(5)]
    db.session.execute(
        insert(AccessLogEntry),
        [
            {
                "candidate_id": world["c"],
                "viewer_id": viewer.id,
                "organisation_id": viewer.organisation_id,
                "purpose": AccessPurpose.PLACEMENT.value,
                "seen": AccessSeen.NAME.value,
                "at": utcnow(),
            }
            for viewer in viewers * 8
        ],
    )
    db.session.commit()
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count, "\n".join(many.statements)

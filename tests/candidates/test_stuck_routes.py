"""/jobcentre/stuck, the stuck list (candidates/stuck_routes.py): a consultant's own cases by
default, the leader's whole jobcentre, a colleague's on request; four paged sections; names
logged; roles, another jobcentre, a refused choice, a fixed number of statements. The fifth
section, the companies' assessments missing past their first reminder (issue 18)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.figures.assessments import REMIND_AFTER_DAYS
from marketplace.figures.measures import local_midnight
from marketplace.models import AccessLogEntry, AssessmentKind, DeclineReason, Phase, Role
from marketplace.placements import ladder as placements
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    MONDAY,
    accepted_proposal,
    agree_praktik,
    asked,
    in_days,
    new_candidate,
    paid_since,
    placement_of,
    praktik_terms,
    today,
)
from tests.html_forms import error_ids, text_of

URL = "/jobcentre/stuck"
SECTIONS = (
    "solution-title",
    "praktik-title",
    "hours-title",
    "proposals-title",
    "assessments-title",
)


def section(page: str, title: str) -> str:
    """The part of the page from a section's heading to the next section."""
    return page.split(f'id="{title}"')[1].split("</section>")[0]


@pytest.fixture
def colleague(consultant, make_user):
    return make_user(consultant.organisation, Role.CONSULTANT, name="Mette Holm")


@pytest.fixture
def cases(app, job, consultant, employer, colleague):
    """One case of each rule for the consultant, and a colleague's candidate without a
    solution."""

    def without_a_solution(name, of=consultant, days=40):
        person = new_candidate(of, name)
        proposal = proposals.propose(job, person, of, "God til opgaverne.")
        proposals.decline(proposal, employer, DeclineReason.HOURS_DONT_FIT)
        proposal.created_at = local_midnight(today() - timedelta(days=days))
        return person

    def praktik_ending(name):
        proposal = accepted_proposal(job, consultant, employer, name)
        placement = placements.start(proposal, employer, Phase.PRAKTIK, in_days(1))
        agree_praktik(placement, consultant, employer, praktik_terms(job, in_days(1), days=10))
        return placement

    def unconfirmed(name):
        return paid_since(job, consultant, employer, MONDAY, name)

    def unanswered(name):
        proposal = proposals.propose(job, new_candidate(consultant, name), consultant, "God.")
        proposal.created_at = utcnow() - timedelta(days=app.config["PROPOSAL_REMIND_DAYS"] + 1)
        return proposal

    def assessment_missing(name):
        at = utcnow() - timedelta(days=REMIND_AFTER_DAYS, hours=1)
        # A trial visit long over (a praktik over would be listed as one past its last day).
        return placement_of(asked(job, consultant, employer, name, AssessmentKind.TRIAL, at=at))

    made = {
        "solution": without_a_solution("Bo Venter"),
        "praktik": praktik_ending("Pia Praktik"),
        "hours": unconfirmed("Hans Timeløs"),
        "proposals": unanswered("Ulla Ubesvaret"),
        "assessments": assessment_missing("Vera Vurdering"),
        "colleagues": without_a_solution("Cille Kollega", of=colleague),
    }
    made["makers"] = {
        "solution": without_a_solution,
        "praktik": praktik_ending,
        "hours": unconfirmed,
        "proposals": unanswered,
        "assessments": assessment_missing,
    }
    db.session.commit()
    return made


MINE = ("Bo Venter", "Pia Praktik", "Hans Timeløs", "Ulla Ubesvaret", "Vera Vurdering")


def test_a_consultant_sees_their_own_cases_with_next_actions_and_links(
    client, login, consultant, cases
):
    login(consultant)
    page = text_of(client.get(URL))
    for name in MINE:
        assert name in page
    assert "Cille Kollega" not in page  # the colleague's, not chosen
    solution = section(page, "solution-title")
    assert solution.startswith(">Kandidater uden løsning (1)</h2>")
    assert f'href="/candidates/{cases["solution"].id}"' in solution
    assert "Gennemgå svarene med kandidaten og foreslå igen" in solution
    praktik = section(page, "praktik-title")
    assert "(1)</h2>" in praktik
    assert f'href="/placements/{cases["praktik"].id}"' in praktik
    assert "Forlæng praktikken eller tilbyd lønnede timer" in praktik
    hours = section(page, "hours-title")
    assert f'href="/placements/{cases["hours"].id}"' in hours
    assert "Ingen endnu" in hours  # never confirmed
    assert "Ring til virksomheden: kører forløbet" in hours
    waiting = section(page, "proposals-title")
    assert f'href="/proposals/{cases["proposals"].id}"' in waiting
    assert "træk forslaget tilbage" in waiting
    missing = section(page, "assessments-title")
    assert missing.startswith(">Vurderinger der mangler efter påmindelsen (1)</h2>")
    assert f'href="/placements/{cases["assessments"].id}"' in missing
    assert f'href="/candidates/{cases["assessments"].candidate_id}"' in missing
    assert "Snusepraktik, " in missing  # the period's kind and days
    assert "Ring til virksomheden og bed om vurderingen" in missing


def test_a_consultant_may_choose_everyone_or_a_colleague(
    client, login, consultant, colleague, cases
):
    login(consultant)
    everyone = text_of(client.get(f"{URL}?consultant=all"))
    assert "Cille Kollega" in everyone
    assert "Bo Venter" in everyone
    assert ">Kandidater uden løsning (2)</h2>" in everyone
    theirs = text_of(client.get(f"{URL}?consultant={colleague.id}"))
    assert "Cille Kollega" in theirs
    for name in MINE:
        assert name not in theirs


def test_the_leader_sees_everyone_by_default(client, login, admin, cases):
    login(admin)
    page = text_of(client.get(URL))
    for name in (*MINE, "Cille Kollega"):
        assert name in page


@pytest.mark.parametrize("query", ["consultant=99999999", "consultant=abc"])
def test_a_bad_choice_gets_its_message_beside_the_field(client, login, consultant, cases, query):
    login(consultant)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert "consultant" in error_ids(response)
    page = text_of(response)
    assert "Vælg en konsulent på listen" in page
    assert "Bo Venter" in page
    assert "Cille Kollega" not in page


def test_only_the_jobcentres_staff_open_it(client, login, employer):
    login(employer)
    assert client.get(URL).status_code in (403, 404)


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.ADMIN])
def test_another_jobcentre_sees_none_of_these_cases(
    app, login, cases, consultant, make_user, make_jobcentre, role
):
    elsewhere = make_user(make_jobcentre(657), role)
    db.session.commit()
    other = app.test_client()
    login(elsewhere, via=other)
    page = text_of(other.get(f"{URL}?consultant=all"))
    for name in (*MINE, "Cille Kollega"):
        assert name not in page
    assert "Ingen kandidat er uden løsning." in page
    assert "Intet forslag venter efter påmindelsen." in page
    assert "Ingen vurdering mangler efter påmindelsen." in page
    # This jobcentre's consultant is not a choice there.
    assert "consultant" in error_ids(other.get(f"{URL}?consultant={consultant.id}"))


def test_each_name_shown_is_logged(client, login, consultant, cases):
    login(consultant)
    client.get(URL)
    logged = db.session.execute(
        select(AccessLogEntry.candidate_id, AccessLogEntry.purpose, AccessLogEntry.seen).where(
            AccessLogEntry.viewer_id == consultant.id
        )
    ).all()
    shown = {
        cases["solution"].id,
        cases["praktik"].candidate_id,
        cases["hours"].candidate_id,
        cases["proposals"].candidate_id,
        cases["assessments"].candidate_id,
    }
    assert sorted(logged) == sorted((c, "case_work", "name") for c in shown)


def test_each_section_is_paged_on_its_own(client, login, consultant, cases, app, monkeypatch):
    monkeypatch.setitem(app.config, "LIST_PAGE_SIZE", 1)
    cases["makers"]["solution"]("Vera Venter", days=60)  # waited longer: first
    cases["makers"]["hours"]("Tom Timeløs")
    db.session.commit()
    login(consultant)
    first = text_of(client.get(URL))
    solution = section(first, "solution-title")
    assert "Vera Venter" in solution
    assert "Bo Venter" not in solution
    assert ">Kandidater uden løsning (2)</h2>" in solution
    assert "solution_page=2" in solution
    assert "Hans Timeløs" in section(first, "hours-title")
    second = text_of(client.get(f"{URL}?solution_page=2&hours_page=2"))
    assert "Bo Venter" in section(second, "solution-title")
    assert "Tom Timeløs" in section(second, "hours-title")
    assert "Pia Praktik" in section(second, "praktik-title")  # its own page 1
    # A pager's link keeps the other sections' pages and the choice of consultant.
    assert "hours_page=2" in section(second, "solution-title")
    assert f"consultant={consultant.id}" in section(second, "solution-title")


def test_the_page_runs_a_fixed_number_of_statements(
    client, login, consultant, cases, count_queries
):
    login(consultant)
    client.get(URL)
    with count_queries() as few:
        assert client.get(URL).status_code == 200
    for n in range(3):
        for make in cases["makers"].values():
            make(f"Flere {make.__name__} {n}")
    db.session.commit()
    with count_queries() as many:
        page = client.get(URL)
    assert page.status_code == 200
    assert ">Kandidater uden løsning (4)</h2>" in text_of(page)
    assert many.count == few.count


# Each section as a CSV: every row, by case reference, each person logged as an export.


@pytest.mark.parametrize(
    ("section", "case", "action"),
    [
        ("solution", "solution", "Gennemgå svarene med kandidaten og foreslå igen"),
        ("praktik", "praktik", "Forlæng praktikken eller tilbyd lønnede timer"),
        ("hours", "hours", "Ring til virksomheden: kører forløbet"),
        ("proposals", "proposals", "træk forslaget tilbage"),
        ("assessments", "assessments", "Ring til virksomheden og bed om vurderingen"),
    ],
)
def test_each_section_downloads_by_case_reference_and_is_logged(
    client, login, consultant, cases, section, case, action
):
    from marketplace.models import AccessSeen, CandidateIdentity

    found = cases[case]
    candidate_id = getattr(found, "candidate_id", None) or found.id
    identity = db.session.scalar(
        select(CandidateIdentity).where(CandidateIdentity.candidate_id == candidate_id)
    )
    identity.case_reference = "=SUM(A1)"
    db.session.commit()
    login(consultant)
    response = client.get(f"{URL}/{section}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "fastlaaste-" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    assert "'=SUM(A1)" in body  # the cell a spreadsheet would have run, made safe
    assert action in body
    assert identity.full_name not in body  # by case reference, never the name
    seen = db.session.scalars(
        select(AccessLogEntry.seen).where(AccessLogEntry.candidate_id == candidate_id)
    ).all()
    assert seen == [AccessSeen.EXPORT_CASE.value]


def test_a_sections_csv_holds_every_row_not_a_page(
    client, login, consultant, cases, app, monkeypatch
):
    monkeypatch.setitem(app.config, "LIST_PAGE_SIZE", 1)
    for n in range(2):
        cases["makers"]["solution"](f"Venter {n}")
    db.session.commit()
    login(consultant)
    body = client.get(f"{URL}/solution.csv").get_data(as_text=True)
    assert len(body.strip().splitlines()) == 1 + 3


def test_a_sections_csv_of_another_jobcentre_holds_none_of_these(
    client, login, cases, make_user, make_jobcentre
):
    login(make_user(make_jobcentre(657), Role.ADMIN))
    for section in ("solution", "praktik", "hours", "proposals", "assessments"):
        body = client.get(f"{URL}/{section}.csv").get_data(as_text=True)
        assert len(body.strip().splitlines()) == 1, section  # the header only


def test_a_sections_csv_with_a_bad_choice_shows_the_page_and_an_unknown_one_is_not_found(
    client, login, consultant, cases
):
    login(consultant)
    response = client.get(f"{URL}/solution.csv?consultant=abc")
    assert response.status_code == 400
    assert "consultant" in error_ids(response)
    assert client.get(f"{URL}/secrets.csv").status_code == 404


def test_a_company_user_gets_no_stuck_csv(client, login, employer, cases):
    login(employer)
    assert client.get(f"{URL}/solution.csv").status_code in (403, 404)

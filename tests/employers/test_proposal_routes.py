"""Who may reach a proposal, through every route that takes one, and what a refusal leaves.

A stranger (an employer of another company, staff of another jobcentre) gets 404, as for an id
that does not exist; the wrong side (an employer on the jobcentre's routes, staff on the
company's) gets 403; nobody logged in is sent to /login. After any refusal the proposals,
consents, identity views and notifications are exactly as before. Each route is tried in the
state where its owner's request would change something (the positive control proves it does),
so "nothing changed" means the refusal stopped it. A guard fails when a new route with
"propos" in its rule is added without being listed here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import func, select

from marketplace.clock import local_today
from marketplace.companies import staff
from marketplace.extensions import db
from marketplace.models import (
    AccessLogEntry,
    AccessSeen,
    Candidate,
    Consent,
    ConsentMethod,
    DeclineReason,
    Job,
    Notification,
    Proposal,
    Role,
    User,
)
from marketplace.privacy import disclosure
from marketplace.privacy.access_log import SEEN_LABELS
from marketplace.proposals import lifecycle as proposals
from tests.factories import CANDIDATE_NAME, CANDIDATE_PHONE, candidate_with_phone
from tests.html_forms import text_of
from tests.pages import section
from tests.support import csrf_token_from

# The shared `person` (tests/conftest.py) carries a name and phone no page may show before consent.
NAME, PHONE = CANDIDATE_NAME, CANDIDATE_PHONE
COMPANY, JOBCENTRE = "company", "jobcentre"
HOMES = {Role.EMPLOYER.value: "/company/", Role.CONSULTANT.value: "/placements"}
HOMES[Role.ADMIN.value] = HOMES[Role.CONSULTANT.value]
ALREADY_ANSWERED = "Forslaget er allerede besvaret."
PAST_START = "Startdatoen kan ikke ligge i fortiden."
CONSENT_TWICE = "Samtykket er allerede registreret for denne virksomhed."


def week_ahead() -> str:
    return (local_today() + timedelta(days=7)).isoformat()


@dataclass(frozen=True)
class Route:
    """One method of one route that takes a proposal (or a job and a candidate)."""

    endpoint: str
    method: str
    side: str
    # The proposal's state in which the owner's request changes something; None: no proposal.
    state: str | None
    data: Callable[[], dict[str, str]] = field(default=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint}"


ROUTES = [
    Route("employers.proposal", "GET", COMPANY, "consented"),  # showing the name is audited
    Route(
        "employers.accept_proposal",
        "POST",
        COMPANY,
        "waiting",
        lambda: {"suggested_start": week_ahead()},
    ),
    Route(
        "employers.decline_proposal",
        "POST",
        COMPANY,
        "waiting",
        lambda: {"reason": DeclineReason.OTHER.value, "note": "Vi har fundet en anden."},
    ),
    Route("candidates.proposal", "GET", JOBCENTRE, "consented"),
    Route(
        "candidates.record_consent",
        "POST",
        JOBCENTRE,
        "accepted",
        lambda: {"method": ConsentMethod.PHONE.value},
    ),
    Route("candidates.withdraw_consent", "POST", JOBCENTRE, "consented"),
    Route("candidates.withdraw_proposal", "POST", JOBCENTRE, "waiting"),
    Route("candidates.propose", "GET", JOBCENTRE, None),
    Route(
        "candidates.propose",
        "POST",
        JOBCENTRE,
        None,
        lambda: {"pitch": "Stabil og glad for faste opgaver."},
    ),
]
COMPANY_ROUTES = [route for route in ROUTES if route.side == COMPANY]
JOBCENTRE_ROUTES = [route for route in ROUTES if route.side == JOBCENTRE]
# Covered by the list tests below rather than by ROUTES (the list takes no id).
LIST_ROUTES = {("employers.proposal_list", "GET")}


# -- Building blocks ----------------------------------------------------------------------


@pytest.fixture
def trial_job(employer: User, make_job: Callable[..., Job]) -> Job:
    """The employer's published job as make_job makes it, offering a trial visit only (the
    shared `job` offers every first step)."""
    return make_job(employer.organisation, employer)


@pytest.fixture
def make_proposal(app: Flask, consultant: User, employer: User) -> Callable[..., Proposal]:
    """A proposal brought to `state` by the domain functions, as the routes would."""

    def make(
        job: Job, candidate: Candidate, state: str = "waiting", by: User | None = None
    ) -> Proposal:
        answerer = staff.company_staff(job.company_id)[0]
        with app.test_request_context():
            proposal = proposals.propose(job, candidate, by or consultant, "God til faste opgaver.")
            if state in ("accepted", "consented"):
                proposals.accept(proposal, answerer, local_today() + timedelta(days=7))
            if state == "consented":
                disclosure.record_consent(proposal, consultant, ConsentMethod.PHONE)
            if state == "declined":
                proposals.decline(proposal, answerer, DeclineReason.NO_CAPACITY)
        db.session.flush()
        return proposal

    return make


def snapshot() -> dict[str, list[Any]]:
    """Every row a proposal route could write, read straight from the database."""
    db.session.expire_all()
    return {
        "proposals": db.session.execute(
            select(
                Proposal.id,
                Proposal.job_id,
                Proposal.candidate_id,
                Proposal.status,
                Proposal.decided_at,
                Proposal.decided_by_id,
                Proposal.suggested_start,
                Proposal.decline_reason,
                Proposal.decline_note,
                Proposal.pitch,
            ).order_by(Proposal.id)
        ).all(),
        "consents": db.session.execute(
            select(
                Consent.id, Consent.method, Consent.withdrawn_at, Consent.withdrawn_by_id
            ).order_by(Consent.id)
        ).all(),
        "access_log": db.session.execute(
            select(AccessLogEntry.id, AccessLogEntry.viewer_id).order_by(AccessLogEntry.id)
        ).all(),
        "notifications": db.session.execute(
            select(Notification.id, Notification.kind).order_by(Notification.id)
        ).all(),
    }


def path_of(app: Flask, route: Route, job: Job, candidate: Candidate, proposal: Any) -> str:
    with app.test_request_context():
        if route.state is None:
            return url_for(route.endpoint, job_id=job.id, candidate_id=candidate.id)
        return url_for(route.endpoint, proposal_id=proposal.id)


@dataclass
class Setup:
    path: str
    proposal: Proposal | None


@pytest.fixture
def setup_for(
    app: Flask, person: Candidate, trial_job: Job, make_proposal: Callable[..., Proposal]
) -> Callable[[Route], Setup]:
    def build(route: Route) -> Setup:
        proposal = make_proposal(trial_job, person, route.state) if route.state else None
        return Setup(path_of(app, route, trial_job, person, proposal), proposal)

    return build


def refused(client: FlaskClient, route: Route, path: str, token_page: str) -> tuple[Any, bool]:
    """Call the route; return the response and whether the database stayed as it was."""
    if route.method == "POST":
        token = csrf_token_from(client.get(token_page))
        before = snapshot()
        response = client.post(path, data={**route.data(), "csrf_token": token})
    else:
        before = snapshot()
        response = client.get(path)
    return response, snapshot() == before


# -- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_the_owner_reaches_every_route_and_it_changes_something(
    app, client, login, consultant, employer, setup_for, route
):
    """The positive control: in the chosen state the owner's request does change the data."""
    owner = employer if route.side == COMPANY else consultant
    setup = setup_for(route)
    login(owner)
    response, unchanged = refused(client, route, setup.path, HOMES[owner.role])
    assert response.status_code == (200 if route.method == "GET" else 302)
    if route.method == "POST" or route.endpoint == "employers.proposal":
        assert not unchanged, f"{route} changed nothing for its owner: the control is void"


STRANGERS = [(route, "other_employer") for route in COMPANY_ROUTES] + [
    (route, who) for route in JOBCENTRE_ROUTES for who in ("other_consultant", "other_admin")
]


@pytest.mark.parametrize(("route", "who"), STRANGERS, ids=lambda v: str(v))
def test_another_organisation_gets_404_and_nothing_changes(
    request, app, client, login, setup_for, route, who
):
    stranger = request.getfixturevalue(who)
    setup = setup_for(route)
    login(stranger)
    response, unchanged = refused(client, route, setup.path, HOMES[stranger.role])
    assert response.status_code == 404
    assert unchanged
    assert NAME not in response.get_data(as_text=True)


WRONG_SIDE = [(route, "consultant") for route in COMPANY_ROUTES]
WRONG_SIDE += [(route, "admin") for route in COMPANY_ROUTES]
WRONG_SIDE += [(route, "employer") for route in JOBCENTRE_ROUTES]


@pytest.mark.parametrize(("route", "who"), WRONG_SIDE, ids=lambda v: str(v))
def test_the_other_side_gets_403_and_nothing_changes(
    request, app, client, login, setup_for, route, who
):
    """Even the proposal's own company cannot use the jobcentre's routes, nor the reverse."""
    user = request.getfixturevalue(who)
    setup = setup_for(route)
    login(user)
    response, unchanged = refused(client, route, setup.path, HOMES[user.role])
    assert response.status_code == 403
    assert unchanged
    assert NAME not in response.get_data(as_text=True)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_is_sent_to_login_and_nothing_changes(app, client, setup_for, route):
    setup = setup_for(route)
    response, unchanged = refused(client, route, setup.path, "/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert unchanged


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_an_unknown_id_is_404_like_a_strangers(
    app, client, login, consultant, employer, person, trial_job, route
):
    owner = employer if route.side == COMPANY else consultant
    login(owner)
    missing = (db.session.scalar(select(func.max(Proposal.id))) or 0) + 1000
    with app.test_request_context():
        if route.state is None:
            path = url_for(route.endpoint, job_id=trial_job.id, candidate_id=person.id + 1000)
        else:
            path = url_for(route.endpoint, proposal_id=missing)
    response, unchanged = refused(client, route, path, HOMES[owner.role])
    assert response.status_code == 404
    assert unchanged


def test_every_proposal_route_is_covered(app):
    """A new route with "propos" in its rule must be added to ROUTES (or the list tests)."""
    found = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if "propos" in rule.rule
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    covered = {(route.endpoint, route.method) for route in ROUTES} | LIST_ROUTES
    assert found, "no proposal routes found: the guard is looking in the wrong place"
    assert sorted(found - covered) == [], "proposal routes without access tests"
    assert sorted(covered - found) == [], "listed routes that no longer exist"


# -- Lists --------------------------------------------------------------------------------


def proposal_ids_in(html: str, prefix: str) -> set[int]:
    return {int(n) for n in re.findall(rf'href="{re.escape(prefix)}(\d+)"', html)}


def test_a_company_never_sees_another_companys_proposals_in_its_list(
    app,
    client,
    login,
    consultant,
    employer,
    other_employer,
    person,
    trial_job,
    make_job,
    make_proposal,
):
    second = candidate_with_phone(consultant, "Qqq Anden Person", "")
    theirs_job = make_job(other_employer.organisation, other_employer, title="Kasse hos Andet")
    mine = {
        make_proposal(trial_job, person, "consented").id,
        make_proposal(trial_job, second, "waiting").id,
    }
    theirs = {make_proposal(theirs_job, person, "declined").id}

    login(other_employer)
    page = client.get("/company/proposals").get_data(as_text=True)
    assert proposal_ids_in(page, "/company/proposals/") == theirs
    assert trial_job.title not in page
    assert NAME not in page
    assert PHONE not in page

    ours = app.test_client()
    login(employer, via=ours)
    page = ours.get("/company/proposals").get_data(as_text=True)
    assert proposal_ids_in(page, "/company/proposals/") == mine
    assert theirs_job.title not in page


def test_the_home_page_lists_the_proposals_waiting_for_an_answer(
    company, consultant, person, trial_job, make_proposal
):
    """Hanne sees on her first page whom the jobcentre proposes and has not been answered,
    under the pseudonym; an answered one is not asked about again."""
    second = candidate_with_phone(consultant, "Qqq Anden Person", "")
    waiting = make_proposal(trial_job, second, "waiting")
    answered = make_proposal(trial_job, person, "declined")
    db.session.commit()
    home = company.get("/company/")
    waits = section(home, "proposals-title")
    assert proposal_ids_in(waits, "/company/proposals/") == {waiting.id}
    assert answered.id not in proposal_ids_in(text_of(home), "/company/proposals/")
    assert "1 kandidat venter på jeres svar." in waits
    assert "Qqq" not in waits  # a pseudonym, never the name before consent


def shown_views(app: Flask, html: str) -> int:
    """How many company showings of name and phone the page lists (the consultant's page
    lists the access log, in Danish)."""
    with app.test_request_context(), force_locale("da"):
        label = str(SEEN_LABELS[AccessSeen.NAME_PHONE.value])
    return html.count(label)


LIST_PAGES = {
    COMPANY: lambda person: "/company/proposals",
    JOBCENTRE: lambda person: f"/candidates/{person.id}",
}
STATES = ["waiting", "consented", "accepted", "declined"]


@pytest.mark.parametrize("side", [COMPANY, JOBCENTRE])
def test_the_list_pages_run_as_many_queries_for_15_proposals_as_for_2(
    app,
    client,
    login,
    consultant,
    employer,
    person,
    make_job,
    make_user,
    make_proposal,
    count_queries,
    side,
):
    """Each proposal has a proposer, an answer (and on the company's list, a person) of its
    own, and every consent a viewer of its own: a lazy load per row cannot hide behind the
    session's identity map."""
    jobs = [make_job(employer.organisation, employer, title=f"Småjob {n}") for n in range(15)]
    prefix = "/company/proposals/" if side == COMPANY else "/proposals/"
    path = LIST_PAGES[side](person)

    def propose(numbers: range) -> None:
        for n in numbers:
            proposer = make_user(consultant.organisation, Role.CONSULTANT)
            # Not the proposer's own candidate: a row's candidate.consultant (loaded with
            # it) would otherwise hand the proposer over without a query.
            who = person if side == JOBCENTRE else candidate_with_phone(consultant, f"Navn {n}", "")
            proposal = make_proposal(jobs[n], who, STATES[n % len(STATES)], by=proposer)
            if disclosure.consent_in_force(proposal):
                # The consultant's page lists who saw the name: let that list grow too.
                viewer = make_user(employer.organisation)
                with app.test_request_context(f"/company/proposals/{proposal.id}"):
                    disclosure.reveal_to_company(proposal, viewer)
        db.session.flush()

    login(employer if side == COMPANY else consultant)
    propose(range(2))
    client.get(path)  # warm up: first-request work is not what we measure
    with count_queries() as few:
        page = client.get(path)
    assert page.status_code == 200
    assert len(proposal_ids_in(page.get_data(as_text=True), prefix)) == 2
    assert shown_views(app, page.get_data(as_text=True)) == (1 if side == JOBCENTRE else 0)

    propose(range(2, 15))
    with count_queries() as many:
        page = client.get(path)
    assert page.status_code == 200
    assert len(proposal_ids_in(page.get_data(as_text=True), prefix)) == 15
    assert shown_views(app, page.get_data(as_text=True)) == (4 if side == JOBCENTRE else 0)
    assert many.count == few.count, "\n".join(many.statements)


# -- Answers that change nothing ----------------------------------------------------------


def test_accepting_with_a_date_in_the_past_shows_a_message_and_changes_nothing(
    app, client, login, employer, person, trial_job, make_proposal
):
    proposal = make_proposal(trial_job, person, "waiting")
    login(employer)
    page = f"/company/proposals/{proposal.id}"
    token = csrf_token_from(client.get(page))
    before = snapshot()
    response = client.post(
        f"{page}/accept",
        data={
            "suggested_start": (local_today() - timedelta(days=1)).isoformat(),
            "csrf_token": token,
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="suggested_start-error"' in text
    assert PAST_START in text
    assert snapshot() == before


@pytest.mark.parametrize("answered", ["accepted", "declined"])
@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("accept", lambda: {"suggested_start": week_ahead()}),
        ("decline", lambda: {"reason": DeclineReason.JOB_FILLED.value}),
    ],
    ids=["accept", "decline"],
)
def test_answering_an_answered_proposal_shows_a_message_and_changes_nothing(
    app, client, login, employer, person, trial_job, make_proposal, answered, action, data
):
    """A second tab, or a colleague who answered first: the page says so, nothing changes."""
    proposal = make_proposal(trial_job, person, answered)
    login(employer)
    page = f"/company/proposals/{proposal.id}"
    token = csrf_token_from(client.get(page))
    before = snapshot()
    response = client.post(f"{page}/{action}", data={**data(), "csrf_token": token})
    assert response.status_code in (200, 302)
    assert snapshot() == before
    if response.status_code == 302:
        response = client.get(response.headers["Location"])
    assert ALREADY_ANSWERED in response.get_data(as_text=True)


def test_recording_consent_twice_creates_one_consent(
    app, client, login, consultant, employer, person, trial_job, make_proposal
):
    """A double submit of the consent form: one consent, one notice to the company."""
    proposal = make_proposal(trial_job, person, "accepted")
    login(consultant)
    page = f"/proposals/{proposal.id}"
    token = csrf_token_from(client.get(page))
    responses = [
        client.post(f"{page}/consent", data={"method": "phone", "csrf_token": token})
        for _ in range(2)
    ]
    assert responses[0].status_code == 302
    assert responses[1].status_code in (200, 302)
    second = responses[1]
    if second.status_code == 302:
        second = client.get(second.headers["Location"])
    assert CONSENT_TWICE in second.get_data(as_text=True)
    consents = db.session.scalars(select(Consent).where(Consent.proposal_id == proposal.id))
    assert len(consents.all()) == 1
    told = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.kind == "consent_recorded")
    )
    assert told == len(staff.company_staff(trial_job.company_id)) == 1

"""Access to a placement by ids that belong elsewhere, and the pages that list or set what is
the organisation's own: a step, praktik agreement or week flag of another of the owner's
placements is 404; another company's placement cannot be confirmed through the week form,
nor its hours reminder opened; each side lists only its own placements; an admin sets only
their own jobcentre's ladder rules. After a refusal the database is as before
(tests.placement_access.snapshot); each case has its positive control.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, url_for
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.hours import reminders as hour_reminders
from marketplace.models import (
    HourRecord,
    HourReminder,
    LadderRules,
    Phase,
    PlacementTerms,
)
from marketplace.placements import ladder as placements
from marketplace.proposals import lifecycle as proposals
from tests.factories import candidate_with_phone, in_days
from tests.pages import ids_in
from tests.placement_access import (
    COMPANY,
    HOMES,
    HOURS_FLAGGED,
    JOBCENTRE,
    LAST_WEEK,
    PAID_FROM,
    PRAKTIK_AGREED,
    PRAKTIK_WAITING,
    ROUTES,
    RULES_ROUTES,
    STEP_ROUTES,
    TRIAL,
    assert_nothing_revealed,
    call,
    owner_of,
    path_of,
    rules_form,
    snapshot,
)
from tests.support import csrf_token_from


@pytest.mark.parametrize("route", STEP_ROUTES, ids=str)
def test_a_step_of_another_placement_is_404_and_nothing_changes(
    request, app, client, login, consultant, build, route
):
    """The owner's own other placement: the step id must belong to the placement in the
    address, or an answer would land on a placement whose version was never checked."""
    owner = request.getfixturevalue(owner_of(route))
    theirs = build(route.state)  # the step, on another of the owner's placements
    mine = build(route.state, candidate_with_phone(consultant, "Anden Person", ""))
    login(owner)
    path = path_of(app, route, mine, step_id=theirs.step.id, action=route.action)
    response, unchanged = call(client, route, path, HOMES[owner.role], theirs)
    assert response.status_code == 404
    assert unchanged


@pytest.mark.parametrize("side", [COMPANY, JOBCENTRE])
def test_an_agreement_of_another_placement_is_404(
    request, app, client, login, consultant, build, side
):
    owner = request.getfixturevalue("employer" if side == COMPANY else "consultant")
    theirs = build(PRAKTIK_AGREED)
    mine = build(PRAKTIK_AGREED, candidate_with_phone(consultant, "Anden Person", ""))
    prefix = "/company/placements" if side == COMPANY else "/placements"
    login(owner)
    own = client.get(f"{prefix}/{mine.placement.id}/agreement/{mine.agreement.id}")
    assert own.status_code == 200  # the control: the right pair is shown (and logged)
    before = snapshot()
    db.session.expire_all()
    mixed = client.get(f"{prefix}/{mine.placement.id}/agreement/{theirs.agreement.id}")
    assert mixed.status_code == 404
    # Only the trial version (no praktik agreement) of the placement: not printable either.
    trial = db.session.scalar(
        select(PlacementTerms).where(
            PlacementTerms.placement_id == mine.placement.id, PlacementTerms.number == 1
        )
    )
    assert trial.phase == Phase.TRIAL
    assert client.get(f"{prefix}/{mine.placement.id}/agreement/{trial.id}").status_code == 404
    if side == JOBCENTRE:
        assert snapshot() == before


def test_a_flag_of_another_placement_is_404_and_nothing_changes(
    app, client, login, consultant, employer, build
):
    """The owner's own other placement: the flag id must belong to the placement in the
    address, or the answer would be shown on (and sent about) the wrong placement."""
    theirs = build(HOURS_FLAGGED)
    mine = build(HOURS_FLAGGED, candidate_with_phone(consultant, "Anden Person", ""))
    route = next(r for r in ROUTES if r.endpoint == "employers.answer_flag")
    login(employer)
    path = path_of(app, route, mine, flag_id=theirs.flag.id)
    response, unchanged = call(client, route, path, HOMES[employer.role], theirs)
    assert response.status_code == 404
    assert unchanged
    # The control: the right pair is answered.
    response, unchanged = call(client, route, path_of(app, route, mine), "/company/", mine)
    assert response.status_code == 302
    assert not unchanged


TWO_WEEKS_AGO = LAST_WEEK - timedelta(days=7)  # HOURS_FLAGGED leaves this week unconfirmed


def confirmation_form(placement_id: int, single: bool) -> dict[str, Any]:
    tuesday, thursday = TWO_WEEKS_AGO + timedelta(days=1), TWO_WEEKS_AGO + timedelta(days=3)
    form: dict[str, Any] = {
        "week": TWO_WEEKS_AGO.isoformat(),
        "confirm": [str(placement_id)],
        f"h-{placement_id}-paid-{tuesday.isoformat()}": "3",
        f"h-{placement_id}-paid-{thursday.isoformat()}": "3",
    }
    if single:
        form["placement"] = str(placement_id)
    return form


@pytest.mark.parametrize("single", [False, True], ids=["week page", "placement page"])
def test_confirming_another_companys_placement_confirms_nothing(
    app, client, login, employer, other_employer, build, single
):
    """The confirm route takes placement ids from the form: only the company's own count."""
    built = build(HOURS_FLAGGED)
    form = confirmation_form(built.placement.id, single)
    login(other_employer)
    before = snapshot()
    token = csrf_token_from(client.get("/company/hours"))
    response = client.post("/company/hours/confirm", data={**form, "csrf_token": token})
    assert response.status_code in (302, 404)
    assert snapshot() == before
    assert_nothing_revealed(response)
    if response.status_code == 302:
        page = client.get(response.headers["Location"])
        assert page.status_code in (200, 404)
        assert_nothing_revealed(page)

    # The control: the same form from the placement's own company confirms the week.
    ours = app.test_client()
    login(employer, via=ours)
    token = csrf_token_from(ours.get("/company/hours"))
    assert (
        ours.post("/company/hours/confirm", data={**form, "csrf_token": token}).status_code == 302
    )
    db.session.expire_all()
    assert hours.confirmation_of(built.placement.id, TWO_WEEKS_AGO) is not None
    assert (
        db.session.scalar(
            select(func.count(HourRecord.id)).where(
                HourRecord.placement_id == built.placement.id,
                HourRecord.work_date >= TWO_WEEKS_AGO,
                HourRecord.work_date < LAST_WEEK,
            )
        )
        == 2
    )


# -- The weekly hours reminder ------------------------------------------------------------

# Routes with an id of the company's hours that is not a placement's (the reminder that the
# notification list links to): the guard below finds them in the url_map.
HOURS_ID_ROUTES = {("employers.hours_reminder", "GET")}


def hours_id_rules(app: Flask) -> list[Any]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "/hours" in rule.rule
        and "placement_id" not in rule.arguments
        and any(name.endswith("_id") for name in rule.arguments)
    ]


def test_every_hours_route_with_an_id_of_its_own_is_covered(app):
    from marketplace.web.routing import IdConverter

    found = {
        (rule.endpoint, method)
        for rule in hours_id_rules(app)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert found == HOURS_ID_ROUTES, "hours routes with an id need an access test here"
    for rule in hours_id_rules(app):
        for name in rule.arguments:
            if name.endswith("_id"):
                assert isinstance(rule._converters[name], IdConverter), (rule.rule, name)


@pytest.mark.parametrize(("endpoint", "method"), sorted(HOURS_ID_ROUTES))
def test_another_companys_hours_reminder_is_404_and_nothing_changes(
    app, client, login, employer, other_employer, build, endpoint, method
):
    """The reminder belongs to the company its placements' hours wait at: an employer of
    another company gets 404 for its id, as for one that does not exist."""
    assert method == "GET"
    build(HOURS_FLAGGED)  # the weeks before LAST_WEEK wait for confirmation
    assert hour_reminders.send_hour_reminders() == 1
    db.session.flush()
    reminder = db.session.scalar(select(HourReminder).where(HourReminder.user_id == employer.id))
    with app.test_request_context():
        path = url_for(endpoint, reminder_id=reminder.id)
        missing = url_for(endpoint, reminder_id=reminder.id + 1000)
    login(other_employer)
    before = snapshot()
    for address in (path, missing):
        response = client.get(address)
        assert response.status_code == 404, address
        assert_nothing_revealed(response)
    assert snapshot() == before

    # The control: the company's own employer is taken to the week.
    ours = app.test_client()
    login(employer, via=ours)
    response = ours.get(path)
    assert response.status_code == 302
    trial_week = PAID_FROM - timedelta(days=7)  # the trial visit's week waits, the oldest
    assert response.headers["Location"] == f"/company/hours?week={trial_week.isoformat()}"


# -- Lists and the ladder rules -----------------------------------------------------------


def test_a_company_lists_only_its_own_placements(
    app, client, login, consultant, employer, other_employer, build, make_job
):
    mine = {build(TRIAL).placement.id, build(PRAKTIK_WAITING).placement.id}
    theirs_job = make_job(other_employer.organisation, other_employer, title="Kasse hos Andet")
    with app.test_request_context():
        candidate = candidate_with_phone(consultant, "Qqq Anden Person", "")
        proposal = proposals.propose(theirs_job, candidate, consultant, "God til kasse.")
        proposals.accept(proposal, other_employer, in_days(1))
        theirs = placements.start(proposal, other_employer, Phase.TRIAL, in_days(1))
    db.session.flush()

    ours = app.test_client()
    login(other_employer)
    login(employer, via=ours)
    for page in ("/company/placements", "/company/"):
        response = client.get(page)
        html = response.get_data(as_text=True)
        assert ids_in(html, "/company/placements/") == {theirs.id}, page
        assert_nothing_revealed(response)

        html = ours.get(page).get_data(as_text=True)
        assert ids_in(html, "/company/placements/") == mine, page
        assert "Kasse hos Andet" not in html


@pytest.mark.parametrize("show", ["", "?show=all"])
def test_a_jobcentre_lists_only_its_own_placements(
    app, client, login, build, other_consultant, other_admin, show
):
    built = build(PRAKTIK_WAITING)
    for stranger in (other_consultant, other_admin):
        theirs = app.test_client()
        login(stranger, via=theirs)
        page = theirs.get(f"/placements{show}")
        assert page.status_code == 200
        assert ids_in(page.get_data(as_text=True), "/placements/") == set()
        assert_nothing_revealed(page)
    login(built.placement.candidate.consultant)
    page = client.get(f"/placements{show}").get_data(as_text=True)
    assert ids_in(page, "/placements/") == {built.placement.id}


def test_an_admin_changes_only_the_rules_of_their_own_jobcentre(
    app, client, login, admin, other_admin, build
):
    login(admin)
    response, unchanged = call(
        client, RULES_ROUTES[1], "/jobcentre/rules", "/jobcentre/rules", build(TRIAL)
    )
    assert not unchanged
    assert response.status_code == 302
    ours = db.session.get(LadderRules, admin.organisation_id)
    assert ours is not None
    assert ours.trial_max_days == 7

    theirs = app.test_client()
    login(other_admin, via=theirs)
    page = theirs.get("/jobcentre/rules").get_data(as_text=True)
    assert 'value="7"' not in page  # the other jobcentre's form shows its own defaults
    before = snapshot()
    data = {**rules_form(None), "trial_max_days": "3"}
    token = csrf_token_from(theirs.get("/jobcentre/rules"))
    assert theirs.post("/jobcentre/rules", data={**data, "csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(LadderRules, admin.organisation_id).trial_max_days == 7
    assert db.session.get(LadderRules, other_admin.organisation_id).trial_max_days == 3
    assert snapshot()["placements"] == before["placements"]

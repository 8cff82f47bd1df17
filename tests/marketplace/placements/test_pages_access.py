"""Who may reach a placement, through every route that takes one, and what a refusal leaves.

A stranger (an employer of another company, staff of another jobcentre) gets 404, as for an id
that does not exist; the wrong side (an employer on the jobcentre's routes, staff on the
company's, a consultant on the admin's ladder rules) gets 403; nobody logged in is sent to
/login. After any refusal the placements (and their version), steps, terms versions, ladder
rules, identity views, notifications, week confirmations, hour records and week flags are
exactly as before. Each route is tried in the
state where its owner's request would change something (the positive control proves it does),
so "nothing changed" means the refusal stopped it.

The routes are found in the app's url_map (every rule with a placement_id, and the ladder
rules): a new placement route fails the guard until it is listed here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import func, select

from marketplace.agreements.terms import versions_of
from marketplace.caseload.candidates import CandidateData, create_candidate
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.hours import flags as hour_flags
from marketplace.hours import ledger as hours
from marketplace.hours import reminders as hour_reminders
from marketplace.models import (
    CATEGORY_BITS,
    AccessLogEntry,
    Candidate,
    ConsentMethod,
    HourKind,
    HourRecord,
    HourReminder,
    Job,
    LadderRules,
    Notification,
    Phase,
    Placement,
    PlacementStep,
    PlacementTerms,
    Purpose,
    Role,
    StepKind,
    User,
    WeekConfirmation,
    Weekday,
    WeekFlag,
)
from marketplace.placements import ladder as placements
from marketplace.placements.steps import StepTerms
from marketplace.privacy import disclosure
from marketplace.proposals import lifecycle as proposals
from marketplace.web.routing import MAX_ID
from tests.support import csrf_token_from

NAME, PHONE = "Zyxwvu Qwertyson", "98 76 54 32"
# The jobcentre's question about a week: both sides' hours pages show it, nobody else's.
FLAG_COMMENT = "Qqqflag: var hun der torsdag?"
COMPANY, JOBCENTRE, ADMIN_ONLY = "company", "jobcentre", "admin"
HOMES = {
    Role.EMPLOYER.value: "/company/",
    Role.CONSULTANT.value: "/placements",
    Role.ADMIN.value: "/placements",
}
DAYS = int(Weekday.TUE | Weekday.THU)

# The states a placement is brought to before a route is tried.
TRIAL = "trial"  # at a trial visit, consent in force (a company page shows the name)
PRAKTIK_WAITING = "praktik_waiting"  # the jobcentre proposed a praktik agreement
PAID_WAITING = "paid_waiting"  # the company offered paid hours
PRAKTIK_AGREED = "praktik_agreed"  # the praktik agreement is terms version 2
# Paid hours Tuesday and Thursday since three weeks ago; last week confirmed as planned and
# flagged by the consultant (FLAG_COMMENT), the flag unanswered.
HOURS_FLAGGED = "hours_flagged"


def in_days(days: int) -> date:
    return local_today() + timedelta(days=days)


LAST_WEEK = hours.week_start_of(local_today()) - timedelta(days=7)  # the hours pages' default
PAID_FROM = LAST_WEEK - timedelta(days=14)
LAST_TUESDAY = LAST_WEEK + timedelta(days=1)


# -- Building blocks ----------------------------------------------------------------------


def a_candidate(consultant: User, full_name: str = NAME, phone: str = PHONE) -> Candidate:
    return create_candidate(
        consultant,
        CandidateData(
            full_name=full_name,
            phone=phone,
            job_goal="Butik om morgenen",
            hours_min=Decimal(3),
            hours_max=Decimal(20),
            municipality_code=760,
            postcode="6900",
            wished_categories=CATEGORY_BITS["retail"],
            available_weekdays=DAYS,
            danish_level="fluent",
        ),
    )


def praktik_terms(job: Job, **changes: Any) -> StepTerms:
    start = in_days(5)
    terms = StepTerms(
        start_on=start,
        end_on=start + timedelta(days=27),
        hours=Decimal(6),
        weekdays=DAYS,
        tasks=("Fylde hylder", "Tjekke datoer"),
        workplace_id=job.workplace_id,
        mentor_name="Ole Mentor",
        purposes=int(Purpose.TOWARDS_HOURS),
    )
    return replace(terms, **changes)


def paid_terms(job: Job, **changes: Any) -> StepTerms:
    terms = StepTerms(
        start_on=in_days(5),
        hours=Decimal(3),
        weekdays=int(Weekday.FRI),
        tasks=("Kasse",),
        workplace_id=job.workplace_id,
        hourly_wage=job.hourly_wage,
    )
    return replace(terms, **changes)


@dataclass
class Built:
    placement: Placement
    step: PlacementStep | None = None
    agreement: PlacementTerms | None = None  # a praktik terms version, printable
    flag: WeekFlag | None = None  # the consultant's question about last week's hours


@pytest.fixture
def job(employer: User, make_job: Callable[..., Job]) -> Job:
    return make_job(employer.organisation, employer, offers_trial_visit=True, offers_praktik=True)


@pytest.fixture
def build(app: Flask, consultant: User, employer: User, job: Job) -> Callable[..., Built]:
    """A placement brought to `state` by the domain functions, as the routes would."""

    def make(state: str = TRIAL, candidate: Candidate | None = None) -> Built:
        candidate = candidate or a_candidate(consultant)
        with app.test_request_context():
            proposal = proposals.propose(job, candidate, consultant, "God til faste opgaver.")
            proposals.accept(proposal, employer, in_days(1))
            if state == HOURS_FLAGGED:
                return hours_flagged(proposal)
            placement = placements.start(proposal, employer, Phase.TRIAL, in_days(1), in_days(2))
            disclosure.record_consent(proposal, consultant, ConsentMethod.PHONE)
            built = Built(placement)
            if state in (PRAKTIK_WAITING, PRAKTIK_AGREED):
                built.step = placements.propose_step(
                    placement, consultant, StepKind.PRAKTIK, praktik_terms(job), placement.version
                )
            if state == PRAKTIK_AGREED:
                built.agreement = placements.accept_step(built.step, employer, placement.version)
            if state == PAID_WAITING:
                built.step = placements.propose_step(
                    placement, employer, StepKind.PAID, paid_terms(job), placement.version
                )
        db.session.flush()
        return built

    def hours_flagged(proposal: Any) -> Built:
        began = PAID_FROM - timedelta(days=7)
        placement = placements.start(
            proposal, employer, Phase.TRIAL, began, began + timedelta(days=1), today=began
        )
        disclosure.record_consent(proposal, consultant, ConsentMethod.PHONE)
        terms = paid_terms(job, start_on=PAID_FROM, hours=Decimal(6), weekdays=DAYS)
        step = placements.propose_step(
            placement, employer, StepKind.PAID, terms, placement.version, today=began
        )
        placements.accept_step(step, consultant, placement.version, today=began)
        versions = versions_of(placement.id)
        planned = hours.planned(placement, versions, LAST_WEEK)
        assert planned == {
            (LAST_TUESDAY, HourKind.PAID): 3,
            (LAST_TUESDAY + timedelta(days=2), HourKind.PAID): 3,
        }
        hours.confirm_week(placement, employer, LAST_WEEK, planned, versions)
        flag = hour_flags.flag_week(placement, consultant, LAST_WEEK, FLAG_COMMENT)
        db.session.flush()
        return Built(placement, flag=flag)

    return make


# -- The routes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One method of one route that takes a placement (or the ladder rules)."""

    endpoint: str
    method: str
    side: str
    state: str | None  # the placement's state in which the owner's request changes something
    action: str | None = None  # a step action: accept, refuse, withdraw
    data: Callable[[Built], dict[str, str]] = field(default=lambda built: {})
    # A page that writes nothing (no name shown): what the owner reads on it, the control.
    shows: str | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint}" + (f" {self.action}" if self.action else "")


def version(built: Built) -> dict[str, str]:
    return {"version": str(built.placement.version)}


def ending(built: Built) -> dict[str, str]:
    return {**version(built), "reason": "completed", "ended_on": local_today().isoformat()}


def paid_offer(built: Built) -> dict[str, str]:
    return {
        **version(built),
        "start_on": in_days(5).isoformat(),
        "hours": "3",
        "weekdays": str(int(Weekday.FRI)),
        "tasks": "Kasse",
        "hourly_wage": "140,00",
    }


def praktik_form(built: Built) -> dict[str, str]:
    return {
        **version(built),
        "purposes": str(int(Purpose.TOWARDS_HOURS)),
        "start_on": in_days(5).isoformat(),
        "end_on": in_days(30).isoformat(),
        "hours": "6",
        "weekdays": str(int(Weekday.TUE)),
        "tasks": "Fylde hylder",
        "workplace": str(built.placement.job.workplace_id),
        "mentor_name": "Ole Mentor",
    }


def refusal_note(built: Built) -> dict[str, str]:
    return {**version(built), "note": "Færre timer, tak."}


def correction(built: Built) -> dict[str, str]:
    return {
        "week": LAST_WEEK.isoformat(),
        "day": LAST_TUESDAY.isoformat(),
        "kind": "paid",
        "hours": "2,5",
        "reason": "Gik tidligt hjem",
        f"r-paid-{LAST_TUESDAY.isoformat()}": "1",
    }


def hours_request(built: Built) -> dict[str, Any]:
    return {
        **version(built),
        "start_on": in_days(5).isoformat(),
        "hours": "8",
        "weekdays": [str(int(Weekday.TUE)), str(int(Weekday.THU))],
        "reason": "Travlt i julen",
    }


def flag_answer(built: Built) -> dict[str, str]:
    return {"answer": "Ja, hun var der hele dagen."}


def week_question(built: Built) -> dict[str, str]:
    # The week before the flagged one: one open question per week, and last week's is open.
    return {"week": (LAST_WEEK - timedelta(days=7)).isoformat(), "comment": "Og tirsdag?"}


def rules_form(_built: Built | None) -> dict[str, str]:
    return {
        "trial_max_days": "7",
        "praktik_max_weeks": "8",
        "praktik_extended_max_weeks": "20",
        "max_hours_per_week": "30",
        "employees_per_praktik": "4",
    }


ROUTES = [
    # The company's: with consent in force, even a GET writes an identity view.
    Route("employers.placement", "GET", COMPANY, TRIAL),
    Route("employers.step_action", "POST", COMPANY, PRAKTIK_WAITING, "accept", version),
    Route("employers.step_action", "POST", COMPANY, PRAKTIK_WAITING, "refuse", refusal_note),
    Route("employers.step_action", "POST", COMPANY, PAID_WAITING, "withdraw", version),
    Route("employers.end_placement", "GET", COMPANY, TRIAL),
    Route("employers.end_placement", "POST", COMPANY, TRIAL, data=ending),
    Route("employers.agreement", "GET", COMPANY, PRAKTIK_AGREED),
    Route("employers.offer_paid_hours", "GET", COMPANY, TRIAL),
    Route("employers.offer_paid_hours", "POST", COMPANY, TRIAL, data=paid_offer),
    # Hours: the pages show the week and the jobcentre's question (FLAG_COMMENT), the forms
    # write a correction, an answer to the question, a new question.
    Route("employers.placement_hours", "GET", COMPANY, HOURS_FLAGGED, shows=FLAG_COMMENT),
    Route("employers.correct_hours", "POST", COMPANY, HOURS_FLAGGED, data=correction),
    Route("employers.answer_flag", "POST", COMPANY, HOURS_FLAGGED, data=flag_answer),
    Route("employers.hours_request", "GET", COMPANY, HOURS_FLAGGED),
    Route("employers.hours_request", "POST", COMPANY, HOURS_FLAGGED, data=hours_request),
    # The jobcentre's.
    Route("candidates.placement", "GET", JOBCENTRE, TRIAL),
    Route("candidates.step_action", "POST", JOBCENTRE, PAID_WAITING, "accept", version),
    Route("candidates.step_action", "POST", JOBCENTRE, PAID_WAITING, "refuse", refusal_note),
    Route("candidates.step_action", "POST", JOBCENTRE, PRAKTIK_WAITING, "withdraw", version),
    Route("candidates.end_placement", "GET", JOBCENTRE, TRIAL),
    Route("candidates.end_placement", "POST", JOBCENTRE, TRIAL, data=ending),
    Route("candidates.agreement", "GET", JOBCENTRE, PRAKTIK_AGREED),
    Route("candidates.propose_praktik", "GET", JOBCENTRE, TRIAL),
    Route("candidates.propose_praktik", "POST", JOBCENTRE, TRIAL, data=praktik_form),
    Route("candidates.placement_hours", "GET", JOBCENTRE, HOURS_FLAGGED, shows=FLAG_COMMENT),
    Route("candidates.flag_week", "POST", JOBCENTRE, HOURS_FLAGGED, data=week_question),
    Route("candidates.hours_request", "GET", JOBCENTRE, HOURS_FLAGGED),
    Route("candidates.hours_request", "POST", JOBCENTRE, HOURS_FLAGGED, data=hours_request),
    # The admin's (no placement: the jobcentre's own rules).
    Route("candidates.ladder_rules_page", "GET", ADMIN_ONLY, TRIAL),
    Route("candidates.ladder_rules_page", "POST", ADMIN_ONLY, TRIAL, data=rules_form),
]
PLACEMENT_ROUTES = [r for r in ROUTES if r.side != ADMIN_ONLY]
COMPANY_ROUTES = [r for r in ROUTES if r.side == COMPANY]
JOBCENTRE_ROUTES = [r for r in ROUTES if r.side == JOBCENTRE]
RULES_ROUTES = [r for r in ROUTES if r.side == ADMIN_ONLY]


def owner_of(route: Route) -> str:
    return {COMPANY: "employer", JOBCENTRE: "consultant", ADMIN_ONLY: "admin"}[route.side]


def rule_of(app: Flask, endpoint: str) -> Any:
    return next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)


def path_of(app: Flask, route: Route, built: Built, **ids: int) -> str:
    """The route's address for `built`; `ids` overrides placement_id, step_id or terms_id."""
    arguments = rule_of(app, route.endpoint).arguments
    values: dict[str, Any] = {}
    if "placement_id" in arguments:
        values["placement_id"] = built.placement.id
    if "step_id" in arguments:
        assert built.step is not None, f"{route} needs a step"
        values["step_id"] = built.step.id
        values["action"] = route.action
    if "terms_id" in arguments:
        assert built.agreement is not None, f"{route} needs a praktik agreement"
        values["terms_id"] = built.agreement.id
    if "flag_id" in arguments:
        assert built.flag is not None, f"{route} needs a flag"
        values["flag_id"] = built.flag.id
    values.update(ids)
    with app.test_request_context():
        return url_for(route.endpoint, **values)


def snapshot() -> dict[str, list[Any]]:
    """Every row a placement route could write, read straight from the database."""
    db.session.expire_all()
    return {
        "placements": db.session.execute(
            select(
                Placement.id,
                Placement.version,
                Placement.phase,
                Placement.updated_at,
                Placement.ended_on,
                Placement.end_reason,
                Placement.ended_by_id,
            ).order_by(Placement.id)
        ).all(),
        "steps": db.session.execute(
            select(
                PlacementStep.id,
                PlacementStep.status,
                PlacementStep.decided_at,
                PlacementStep.decided_by_id,
                PlacementStep.answer_note,
            ).order_by(PlacementStep.id)
        ).all(),
        "terms": db.session.execute(
            select(
                PlacementTerms.id,
                PlacementTerms.placement_id,
                PlacementTerms.number,
                PlacementTerms.phase,
            ).order_by(PlacementTerms.id)
        ).all(),
        "rules": db.session.execute(
            select(
                LadderRules.jobcentre_id,
                LadderRules.trial_max_days,
                LadderRules.praktik_max_weeks,
                LadderRules.praktik_extended_max_weeks,
                LadderRules.max_hours_per_week,
                LadderRules.employees_per_praktik,
                LadderRules.updated_by_id,
            ).order_by(LadderRules.jobcentre_id)
        ).all(),
        "access_log": db.session.execute(
            select(AccessLogEntry.id, AccessLogEntry.viewer_id).order_by(AccessLogEntry.id)
        ).all(),
        "notifications": db.session.execute(
            select(Notification.id, Notification.kind).order_by(Notification.id)
        ).all(),
        "week_confirmations": db.session.execute(
            select(WeekConfirmation.id, WeekConfirmation.placement_id).order_by(WeekConfirmation.id)
        ).all(),
        "hour_records": db.session.execute(
            select(HourRecord.id, HourRecord.revision, HourRecord.hours).order_by(HourRecord.id)
        ).all(),
        "week_flags": db.session.execute(
            select(WeekFlag.id, WeekFlag.answer, WeekFlag.answered_by_id).order_by(WeekFlag.id)
        ).all(),
    }


def call(
    client: FlaskClient, route: Route, path: str, token_page: str, built: Built
) -> tuple[Any, bool]:
    """Call the route; return the response and whether the database stayed as it was."""
    if route.method == "POST":
        token = csrf_token_from(client.get(token_page))
        before = snapshot()
        response = client.post(path, data={**route.data(built), "csrf_token": token})
    else:
        before = snapshot()
        response = client.get(path)
    return response, snapshot() == before


def assert_nothing_revealed(response: Any) -> None:
    text = response.get_data(as_text=True)
    assert NAME not in text
    assert PHONE not in text
    assert FLAG_COMMENT not in text


# -- The guard ----------------------------------------------------------------------------


def placement_rules(app: Flask) -> list[Any]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "placement_id" in rule.arguments or rule.rule.startswith("/jobcentre/rules")
    ]


def test_every_placement_route_is_covered(app):
    """A new route with a placement_id (or under /jobcentre/rules) must be added to ROUTES,
    and a step route with every action it takes."""
    found = set()
    for rule in placement_rules(app):
        actions = sorted(rule._converters["action"].items) if "action" in rule.arguments else [None]
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            for action in actions:
                found.add((rule.endpoint, method, action))
    covered = {(r.endpoint, r.method, r.action) for r in ROUTES}
    assert len(found) >= 15, "few placement routes found: the guard looks in the wrong place"
    assert sorted(found - covered, key=str) == [], "placement routes without access tests"
    assert sorted(covered - found, key=str) == [], "listed routes that no longer exist"


def test_every_placement_id_in_an_address_is_bounded(app):
    """Each id in a placement address uses the id converter (a positive 32-bit integer)."""
    from marketplace.web.routing import IdConverter

    for rule in placement_rules(app):
        for name in ("placement_id", "step_id", "terms_id", "flag_id"):
            if name in rule.arguments:
                assert isinstance(rule._converters[name], IdConverter), (rule.rule, name)


# -- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_the_owner_reaches_every_route_and_it_changes_something(
    request, app, client, login, build, route
):
    """The positive control: in the chosen state the owner's request does change the data
    (a company page that shows the name writes an identity view)."""
    owner = request.getfixturevalue(owner_of(route))
    built = build(route.state)
    login(owner)
    response, unchanged = call(client, route, path_of(app, route, built), HOMES[owner.role], built)
    assert response.status_code == (200 if route.method == "GET" else 302), response.get_data(
        as_text=True
    )[:2000]
    if route.shows is not None:
        assert route.method == "GET"
        assert route.shows in response.get_data(as_text=True)
    elif route.method == "POST" or route.side == COMPANY:
        assert not unchanged, f"{route} changed nothing for its owner: the control is void"


STRANGERS = [(route, "other_employer") for route in COMPANY_ROUTES] + [
    (route, who) for route in JOBCENTRE_ROUTES for who in ("other_consultant", "other_admin")
]


@pytest.mark.parametrize(("route", "who"), STRANGERS, ids=str)
def test_another_organisation_gets_404_and_nothing_changes(
    request, app, client, login, build, route, who
):
    stranger = request.getfixturevalue(who)
    built = build(route.state)
    login(stranger)
    response, unchanged = call(
        client, route, path_of(app, route, built), HOMES[stranger.role], built
    )
    assert response.status_code == 404
    assert unchanged
    assert_nothing_revealed(response)


WRONG_SIDE = [(route, who) for route in COMPANY_ROUTES for who in ("consultant", "admin")]
WRONG_SIDE += [(route, "employer") for route in JOBCENTRE_ROUTES + RULES_ROUTES]
WRONG_SIDE += [(route, "consultant") for route in RULES_ROUTES]


@pytest.mark.parametrize(("route", "who"), WRONG_SIDE, ids=str)
def test_the_wrong_role_gets_403_and_nothing_changes(
    request, app, client, login, build, route, who
):
    """Even the placement's own company cannot use the jobcentre's routes, nor the reverse;
    a consultant cannot change the jobcentre's ladder rules."""
    user = request.getfixturevalue(who)
    built = build(route.state)
    login(user)
    response, unchanged = call(client, route, path_of(app, route, built), HOMES[user.role], built)
    assert response.status_code == 403
    assert unchanged
    assert_nothing_revealed(response)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_is_sent_to_login_and_nothing_changes(app, client, build, route):
    built = build(route.state)
    response, unchanged = call(client, route, path_of(app, route, built), "/login", built)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert unchanged


@pytest.mark.parametrize("route", PLACEMENT_ROUTES, ids=str)
def test_an_unknown_placement_id_is_404_like_a_strangers(request, app, client, login, build, route):
    owner = request.getfixturevalue(owner_of(route))
    built = build(route.state)
    missing = (db.session.scalar(select(func.max(Placement.id))) or 0) + 1000
    login(owner)
    path = path_of(app, route, built, placement_id=missing)
    response, unchanged = call(client, route, path, HOMES[owner.role], built)
    assert response.status_code == 404
    assert unchanged


@pytest.mark.parametrize("too_big", [MAX_ID + 1, 2**31, 2**63, 10**30])
@pytest.mark.parametrize("route", PLACEMENT_ROUTES, ids=str)
def test_an_id_beyond_the_integer_column_is_404_not_an_error(
    request, app, client, login, build, route, too_big
):
    owner = request.getfixturevalue(owner_of(route))
    built = build(route.state)
    login(owner)
    good = path_of(app, route, built)
    paths = [good.replace(f"/{built.placement.id}", f"/{too_big}", 1)]
    if built.step is not None and "/steps/" in good:
        paths.append(good.replace(f"/steps/{built.step.id}/", f"/steps/{too_big}/"))
    if built.agreement is not None and "/agreement/" in good:
        paths.append(good.replace(f"/agreement/{built.agreement.id}", f"/agreement/{too_big}"))
    if built.flag is not None and "/flags/" in good:
        paths.append(good.replace(f"/flags/{built.flag.id}/", f"/flags/{too_big}/"))
    for path in paths:
        assert path != good
        response, unchanged = call(client, route, path, HOMES[owner.role], built)
        assert response.status_code == 404, path
        assert unchanged, path


STEP_ROUTES = [r for r in PLACEMENT_ROUTES if r.action is not None]


@pytest.mark.parametrize("route", STEP_ROUTES, ids=str)
def test_a_step_of_another_placement_is_404_and_nothing_changes(
    request, app, client, login, consultant, build, route
):
    """The owner's own other placement: the step id must belong to the placement in the
    address, or an answer would land on a placement whose version was never checked."""
    owner = request.getfixturevalue(owner_of(route))
    theirs = build(route.state)  # the step, on another of the owner's placements
    mine = build(route.state, a_candidate(consultant, "Anden Person", ""))
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
    mine = build(PRAKTIK_AGREED, a_candidate(consultant, "Anden Person", ""))
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
    mine = build(HOURS_FLAGGED, a_candidate(consultant, "Anden Person", ""))
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


def placement_ids_in(html: str, prefix: str) -> set[int]:
    return {int(n) for n in re.findall(rf'href="{re.escape(prefix)}(\d+)"', html)}


def test_a_company_lists_only_its_own_placements(
    app, client, login, consultant, employer, other_employer, build, make_job
):
    mine = {build(TRIAL).placement.id, build(PRAKTIK_WAITING).placement.id}
    theirs_job = make_job(other_employer.organisation, other_employer, title="Kasse hos Andet")
    with app.test_request_context():
        candidate = a_candidate(consultant, "Qqq Anden Person", "")
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
        assert placement_ids_in(html, "/company/placements/") == {theirs.id}, page
        assert_nothing_revealed(response)

        html = ours.get(page).get_data(as_text=True)
        assert placement_ids_in(html, "/company/placements/") == mine, page
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
        assert placement_ids_in(page.get_data(as_text=True), "/placements/") == set()
        assert_nothing_revealed(page)
    login(built.placement.candidate.consultant)
    page = client.get(f"/placements{show}").get_data(as_text=True)
    assert placement_ids_in(page, "/placements/") == {built.placement.id}


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

"""The routes that take a placement (or the ladder rules), and how the access tests call
them (tests/marketplace/placements/test_pages_access*.py).

- ROUTES: each method of each such route, with its side, the state of the placement in which
  its owner's request changes something, and the form it posts; PLACEMENT_ROUTES,
  COMPANY_ROUTES, JOBCENTRE_ROUTES, RULES_ROUTES and STEP_ROUTES are parts of it.
- builder (the `build` fixture): a placement brought to one of those states (Built).
- path_of, call: a route's address for a placement; the route called, and whether the
  database stayed as it was (snapshot: every row a placement route could write).
- assert_nothing_revealed: the person's name and phone, and the week's question, are not on
  the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from marketplace.agreements.terms import versions_of
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.hours import flags as hour_flags
from marketplace.hours import ledger as hours
from marketplace.models import (
    AccessLogEntry,
    Candidate,
    ConsentMethod,
    HourKind,
    HourRecord,
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
from marketplace.privacy import disclosure
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    CANDIDATE_NAME,
    CANDIDATE_PHONE,
    DAYS,
    candidate_with_phone,
    in_days,
    paid_terms,
    praktik_terms,
)
from tests.support import csrf_token_from

# The jobcentre's question about a week: both sides' hours pages show it, nobody else's.
FLAG_COMMENT = "Qqqflag: var hun der torsdag?"
COMPANY, JOBCENTRE, ADMIN_ONLY = "company", "jobcentre", "admin"
HOMES = {
    Role.EMPLOYER.value: "/company/",
    Role.CONSULTANT.value: "/placements",
    Role.ADMIN.value: "/placements",
}

# The states a placement is brought to before a route is tried.
TRIAL = "trial"  # at a trial visit, consent in force (a company page shows the name)
PRAKTIK_WAITING = "praktik_waiting"  # the jobcentre proposed a praktik agreement
PAID_WAITING = "paid_waiting"  # the company offered paid hours
PRAKTIK_AGREED = "praktik_agreed"  # the praktik agreement is terms version 2
# Paid hours Tuesday and Thursday since three weeks ago; last week confirmed as planned and
# flagged by the consultant (FLAG_COMMENT), the flag unanswered.
HOURS_FLAGGED = "hours_flagged"

LAST_WEEK = hours.week_start_of(local_today()) - timedelta(days=7)  # the hours pages' default
PAID_FROM = LAST_WEEK - timedelta(days=14)
LAST_TUESDAY = LAST_WEEK + timedelta(days=1)


@dataclass
class Built:
    placement: Placement
    step: PlacementStep | None = None
    agreement: PlacementTerms | None = None  # a praktik terms version, printable
    flag: WeekFlag | None = None  # the consultant's question about last week's hours


def builder(app: Flask, consultant: User, employer: User, job: Job) -> Callable[..., Built]:
    """Makes placements brought to a state (TRIAL, PRAKTIK_WAITING, PAID_WAITING,
    PRAKTIK_AGREED, HOURS_FLAGGED) by the domain functions, as the routes would; each of a
    new candidate unless given one (the `build` fixture of tests/marketplace/placements)."""

    def make(state: str = TRIAL, candidate: Candidate | None = None) -> Built:
        candidate = candidate or candidate_with_phone(consultant)
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
                    placement,
                    consultant,
                    StepKind.PRAKTIK,
                    praktik_terms(job, in_days(5)),
                    placement.version,
                )
            if state == PRAKTIK_AGREED:
                built.agreement = placements.accept_step(built.step, employer, placement.version)
            if state == PAID_WAITING:
                built.step = placements.propose_step(
                    placement,
                    employer,
                    StepKind.PAID,
                    paid_terms(job, in_days(5)),
                    placement.version,
                )
        db.session.flush()
        return built

    def hours_flagged(proposal: Any) -> Built:
        began = PAID_FROM - timedelta(days=7)
        placement = placements.start(
            proposal, employer, Phase.TRIAL, began, began + timedelta(days=1), today=began
        )
        disclosure.record_consent(proposal, consultant, ConsentMethod.PHONE)
        terms = paid_terms(job, PAID_FROM, hours="6", weekdays=DAYS)
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
STEP_ROUTES = [r for r in PLACEMENT_ROUTES if r.action is not None]


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
    assert CANDIDATE_NAME not in text
    assert CANDIDATE_PHONE not in text
    assert FLAG_COMMENT not in text

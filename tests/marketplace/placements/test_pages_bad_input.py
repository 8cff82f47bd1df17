"""No input to a placement form gives a 500: every field of the praktik agreement, the offer of
paid hours, the ending, the step answers, the ladder rules and the acceptance of a proposal
takes junk (tests.pages.JUNK) without an error; first days at the end of the calendar do not
overflow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import (
    Phase,
    PlacementStep,
)
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    candidate_with_phone,
    in_days,
    praktik_terms,
    propose_praktik,
)
from tests.html_forms import error_ids
from tests.pages import (
    GOOD_RULES,
    JUNK,
    button,
    filled,
    form_date,
    ladder_rules_form,
    main_form,
    send,
)

# -- No input gives a 500 -----------------------------------------------------------------


@dataclass
class Target:
    browser: FlaskClient
    url: str
    values: dict[str, list[str]]


def praktik_target(app, browsers, users, place, job) -> Target:
    placement = place()
    url = f"/placements/{placement.id}/praktik"
    form = main_form(browsers["jobcentre"].get(url))
    return Target(
        browsers["jobcentre"], url, filled(form, end_on=form_date(30), tasks="Fylde hylder")
    )


def paid_target(app, browsers, users, place, job) -> Target:
    placement = place()
    url = f"/company/placements/{placement.id}/paid-hours"
    form = main_form(browsers["company"].get(url))
    return Target(browsers["company"], url, filled(form, start_on=form_date(5)))


def end_target(app, browsers, users, place, job) -> Target:
    placement = place()
    url = f"/placements/{placement.id}/end"
    form = main_form(browsers["jobcentre"].get(url))
    return Target(browsers["jobcentre"], url, filled(form, reason="other", note="Slut"))


def step_target(action: str) -> Callable[..., Target]:
    def make(app, browsers, users, place, job) -> Target:
        placement = place()
        step = propose_praktik(app, placement, users["consultant"], praktik_terms(job, in_days(3)))
        browser = browsers["jobcentre" if action == "withdraw" else "company"]
        prefix = "/placements" if action == "withdraw" else "/company/placements"
        form = button(browser.get(f"{prefix}/{placement.id}"), f"/steps/{step.id}/{action}")
        url = f"{prefix}/{placement.id}/steps/{step.id}/{action}"
        return Target(
            browser, url, filled(form, note="Andre timer") if action == "refuse" else form.values
        )

    return make


def rules_target(app, browsers, users, place, job) -> Target:
    form = ladder_rules_form(browsers["admin"].get("/jobcentre/rules"))
    return Target(browsers["admin"], "/jobcentre/rules", filled(form, **GOOD_RULES))


def acceptance_target(app, browsers, users, place, job) -> Target:
    with app.test_request_context():
        proposal = proposals.propose(
            job,
            candidate_with_phone(users["consultant"], "Junk Person", ""),
            users["consultant"],
            "God.",
        )
    db.session.flush()
    url = f"/company/proposals/{proposal.id}"
    form = button(browsers["company"].get(url), "/accept")
    values = filled(form, first_step="trial", suggested_start=form_date(1), trial_end=form_date(2))
    return Target(browsers["company"], f"{url}/accept", values)


TARGETS = {
    "praktik agreement": praktik_target,
    "paid hours": paid_target,
    "ending": end_target,
    "accept": step_target("accept"),
    "refuse": step_target("refuse"),
    "withdraw": step_target("withdraw"),
    "ladder rules": rules_target,
    "accepting a proposal": acceptance_target,
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_no_input_gives_a_500(
    app, jobcentre, company, rules_admin, consultant, employer, place, job, target
):
    browsers = {"jobcentre": jobcentre, "company": company, "admin": rules_admin}
    users = {"consultant": consultant, "employer": employer}
    make = TARGETS[target]
    current = make(app, browsers, users, place, job)
    fields = [name for name in current.values if name != "csrf_token"]
    assert fields, "the form has no fields: the test is looking at the wrong page"
    errors = []
    for name in fields:
        for junk in JUNK:
            values = dict(current.values)
            if junk is None:
                values.pop(name)
            else:
                values[name] = junk if isinstance(junk, list) else [junk]
            response = current.browser.post(current.url, data=values)
            if response.status_code >= 500:
                errors.append((name, junk if junk is None or len(junk) < 40 else "long"))
            if response.status_code == 302:  # it went through: start again from a fresh state
                current = make(app, browsers, users, place, job)
    assert errors == []


@pytest.mark.parametrize("first_step", ["trial", "praktik"])
def test_a_first_day_at_the_end_of_the_calendar_gives_no_500(
    app, company, consultant, person, job, first_step
):
    """A trial visit lasts two days unless told: the last day of the calendar has no next."""
    with app.test_request_context():
        proposal = proposals.propose(job, person, consultant, "God til hylder.")
    db.session.flush()
    url = f"/company/proposals/{proposal.id}"
    form = button(company.get(url), "/accept")
    values = filled(form, first_step=first_step, suggested_start="9999-12-31", trial_end=None)
    response = send(company, f"{url}/accept", values)
    assert response.status_code in (200, 302)


def test_a_praktik_at_the_end_of_the_calendar_gives_no_500(
    app, jobcentre, company, consultant, employer, place, job
):
    """The next agreement's form starts the day after the current one ends."""
    placement = place(first=Phase.PRAKTIK)
    last = date(9999, 12, 31)
    url = f"/placements/{placement.id}/praktik"
    values = filled(
        main_form(jobcentre.get(url)),
        start_on=(last - timedelta(days=27)).isoformat(),
        end_on=last.isoformat(),
        tasks="Fylde hylder",
    )
    proposed = send(jobcentre, url, values)
    if proposed.status_code == 302:  # a first day so far ahead may be refused instead
        step = db.session.scalar(select(PlacementStep))
        timeline = company.get(f"/company/placements/{placement.id}")
        accept = button(timeline, f"/steps/{step.id}/accept").values
        assert (
            send(
                company, f"/company/placements/{placement.id}/steps/{step.id}/accept", accept
            ).status_code
            == 302
        )
        for browser, path in (
            (jobcentre, f"/placements/{placement.id}"),
            (jobcentre, url),
            (jobcentre, "/placements"),
            (company, f"/company/placements/{placement.id}"),
            (company, f"/company/placements/{placement.id}/paid-hours"),
            (company, "/company/"),
        ):
            assert browser.get(path).status_code < 500, path
    else:
        assert proposed.status_code == 200
        assert error_ids(proposed) in (["start_on"], ["end_on"])

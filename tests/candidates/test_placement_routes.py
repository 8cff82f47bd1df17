"""The jobcentre's placement routes (candidates/placement_routes.py) through HTTP, with CSRF on:
proposing a praktik agreement (a refused form keeps what was typed and says why beside the
field; beyond 26 weeks a special reason is needed), and the admin's ladder rules (refused
beside the field; a changed rule refuses the next step, a shorter trial rule a longer trial
visit).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import (
    LadderRules,
    Phase,
    Placement,
    PlacementStep,
)
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    agree,
    in_days,
    offer_paid,
    paid_terms,
    praktik_terms,
    propose_praktik,
)
from tests.html_forms import error_ids, field_error, text_of
from tests.pages import (
    GOOD_RULES,
    button,
    counts,
    error_flashes,
    filled,
    form_date,
    kept,
    ladder_rules_form,
    main_form,
    send,
)

RATIO_WARNING = "flere i praktik end jobcentrets forhold"


def test_a_trial_visit_going_on_to_praktik_is_not_counted_twice_in_the_ratio(
    jobcentre, place, employer
):
    """The company (14 employees, one per 5) may have two in praktik. Two trial visits count
    already; proposing praktik for one of them keeps it at two: no warning. A third person
    whose praktik comes first would make three: the warning shows."""
    first, _second = place(), place()
    assert employer.organisation.employee_count == 14
    assert RATIO_WARNING not in text_of(jobcentre.get(f"/placements/{first.id}/praktik"))
    third = place(first=Phase.PRAKTIK)
    assert RATIO_WARNING in text_of(jobcentre.get(f"/placements/{third.id}/praktik"))


def test_the_praktik_form_is_not_offered_while_a_proposal_waits(app, jobcentre, place, consultant):
    """Opened by its address while the company has not answered the last proposal, the form
    would refuse whatever is typed: the timeline says why instead, before anything is typed."""
    placement = place()
    propose_praktik(app, placement, consultant, praktik_terms(placement.job, in_days(6)))
    db.session.commit()
    response = jobcentre.get(f"/placements/{placement.id}/praktik")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/placements/{placement.id}"
    shown = error_flashes(jobcentre.get(response.headers["Location"]))
    assert any("venter allerede på svar" in message for message in shown), shown


# -- Bad input: kept as typed, the message beside the field, nothing saved ------------------


PRAKTIK_CASES = {
    "hours not in half hours": ({"hours": "2,3"}, "hours", None),
    "hours not a number": ({"hours": "abc"}, "hours", None),
    "hours above the law": ({"hours": "40"}, "hours", "37"),
    "end before start": ({"start_on": form_date(10), "end_on": form_date(9)}, "end_on", None),
    "longer than 13 weeks": (
        {"start_on": form_date(3), "end_on": form_date(3 + 13 * 7)},
        "end_on",
        "13",
    ),
    "no tasks": ({"tasks": "  \n  "}, "tasks", None),
    "no purpose": ({"purposes": None}, "purposes", None),
    "no mentor": ({"mentor_name": ""}, "mentor_name", None),
    "start in the past": ({"start_on": form_date(-1)}, "start_on", None),
    "a day that does not exist": ({"start_on": "2025-02-30"}, "start_on", None),
    "a weekday that does not exist": ({"weekdays": ["3"]}, "weekdays", None),
    "a workplace of another company": ({"workplace": "999999"}, "workplace", None),
}


@pytest.mark.parametrize("case", PRAKTIK_CASES, ids=str)
def test_a_bad_praktik_agreement_keeps_the_input_and_shows_why(app, jobcentre, place, case):
    changes, field, mentioned = PRAKTIK_CASES[case]
    placement = place()
    before = counts(placement)
    url = f"/placements/{placement.id}/praktik"
    values = filled(
        main_form(jobcentre.get(url)),
        **{"end_on": form_date(30), "tasks": "Fylde hylder\nTjekke datoer", **changes},
    )
    response = send(jobcentre, url, values)
    assert response.status_code == 200
    assert error_ids(response) == [field]
    if mentioned:
        assert mentioned in field_error(response, field)
    assert 'class="error-summary"' in text_of(response)
    if field not in ("workplace", "weekdays"):  # a choice that is not on offer cannot be shown
        kept(response, values)
    assert counts(placement) == before


def test_the_praktik_form_refuses_nothing_when_all_is_well(app, jobcentre, place):
    """The control for the cases above: the same form, unchanged, is sent."""
    placement = place()
    url = f"/placements/{placement.id}/praktik"
    values = filled(main_form(jobcentre.get(url)), end_on=form_date(30), tasks="Fylde hylder")
    assert send(jobcentre, url, values).status_code == 302
    assert counts(placement).steps == 1


def test_beyond_26_weeks_of_praktik_needs_a_special_reason(
    app, jobcentre, consultant, employer, place, job
):
    placement = place(first=Phase.PRAKTIK)
    first = agree(
        app,
        propose_praktik(app, placement, consultant, praktik_terms(job, in_days(1), 91)),
        employer,
    )
    second_start = first.unpaid_to + timedelta(days=1)
    agree(
        app,
        propose_praktik(app, placement, consultant, praktik_terms(job, second_start, 91)),
        employer,
    )
    before = counts(placement)
    url = f"/placements/{placement.id}/praktik"
    page = jobcentre.get(url)
    form = main_form(page)
    start = second_start + timedelta(days=91)
    assert form.values["start_on"] == [start.isoformat()]  # after the current agreement
    values = filled(form, end_on=(start + timedelta(days=13)).isoformat())
    response = send(jobcentre, url, values)
    assert response.status_code == 200
    assert error_ids(response) == ["special_reason"]
    assert "26" in field_error(response, "special_reason")
    kept(response, values)
    assert counts(placement) == before

    values["special_reason"] = ["Borgeren har brug for mere tid, jf. LAB § 61."]
    assert send(jobcentre, url, values).status_code == 302
    step = db.session.scalar(select(PlacementStep).where(PlacementStep.status == "waiting"))
    assert step.special_reason.startswith("Borgeren har brug")


# -- The admin's ladder rules -------------------------------------------------------------


BAD_RULES = {
    "no trial days": ({"trial_max_days": "0"}, "trial_max_days"),
    "a trial of 29 days": ({"trial_max_days": "29"}, "trial_max_days"),
    "trial days not a number": ({"trial_max_days": "to uger"}, "trial_max_days"),
    "a praktik of 27 weeks": ({"praktik_max_weeks": "27"}, "praktik_max_weeks"),
    "extended below one agreement": (
        {"praktik_max_weeks": "10", "praktik_extended_max_weeks": "8"},
        "praktik_extended_max_weeks",
    ),
    "extended beyond 52 weeks": (
        {"praktik_extended_max_weeks": "53"},
        "praktik_extended_max_weeks",
    ),
    "hours above the law": ({"max_hours_per_week": "40"}, "max_hours_per_week"),
    "hours not in half hours": ({"max_hours_per_week": "2,3"}, "max_hours_per_week"),
    "hours not a number": ({"max_hours_per_week": "abc"}, "max_hours_per_week"),
    "no hours": ({"max_hours_per_week": "0"}, "max_hours_per_week"),
    "no employees": ({"employees_per_praktik": "0"}, "employees_per_praktik"),
    "a huge number": ({"employees_per_praktik": "99999999999999999999"}, "employees_per_praktik"),
}


@pytest.mark.parametrize("case", BAD_RULES, ids=str)
def test_bad_ladder_rules_are_refused_beside_the_field(app, rules_admin, admin, case):
    changes, field = BAD_RULES[case]
    page = rules_admin.get("/jobcentre/rules")
    values = filled(ladder_rules_form(page), **{**GOOD_RULES, **changes})
    response = send(rules_admin, "/jobcentre/rules", values)
    assert response.status_code == 200
    assert error_ids(response) == [field]
    shown = ladder_rules_form(response).values
    for name, value in values.items():
        if name != "csrf_token":
            assert shown.get(name) == value, name
    db.session.expire_all()
    assert db.session.get(LadderRules, admin.organisation_id) is None


def save_rules(browser: FlaskClient, **changes: str) -> None:
    page = browser.get("/jobcentre/rules")
    values = filled(ladder_rules_form(page), **{**GOOD_RULES, **changes})
    response = send(browser, "/jobcentre/rules", values)
    assert response.status_code == 302, error_ids(response)


def test_a_changed_rule_refuses_the_next_step(
    app, rules_admin, jobcentre, company, admin, consultant, employer, place, job
):
    placement = place()
    waiting = offer_paid(app, placement, employer, paid_terms(job, in_days(5), hours=Decimal(6)))
    save_rules(
        rules_admin, praktik_max_weeks="4", praktik_extended_max_weeks="8", max_hours_per_week="5"
    )
    db.session.expire_all()
    rules = db.session.get(LadderRules, admin.organisation_id)
    assert (rules.praktik_max_weeks, rules.max_hours_per_week, rules.updated_by_id) == (
        4,
        Decimal(5),
        admin.id,
    )
    # The rule is shown on the form, and applies to the offer that waited before it changed.
    timeline = jobcentre.get(f"/placements/{placement.id}")
    before = counts(placement)
    response = send(
        jobcentre,
        f"/placements/{placement.id}/steps/{waiting.id}/accept",
        button(timeline, f"/steps/{waiting.id}/accept").values,
    )
    [flash] = error_flashes(jobcentre.get(response.headers["Location"]))
    assert "6" in flash  # the hours a week …
    assert "5" in flash  # … and the new limit
    assert counts(placement) == before
    assert (
        send(
            company,
            f"/company/placements/{placement.id}/steps/{waiting.id}/withdraw",
            button(company.get(f"/company/placements/{placement.id}"), "/withdraw").values,
        ).status_code
        == 302
    )

    url = f"/placements/{placement.id}/praktik"
    form = main_form(jobcentre.get(url))
    start = date.fromisoformat(form.values["start_on"][0])
    five_weeks = (start + timedelta(days=5 * 7 - 1)).isoformat()
    response = send(
        jobcentre, url, filled(form, end_on=five_weeks, hours="4", tasks="Fylde hylder")
    )
    assert response.status_code == 200
    assert error_ids(response) == ["end_on"]
    assert "4" in field_error(response, "end_on")
    response = send(
        jobcentre,
        url,
        filled(
            form, end_on=(start + timedelta(days=27)).isoformat(), hours="6", tasks="Fylde hylder"
        ),
    )
    assert response.status_code == 200
    assert error_ids(response) == ["hours"]
    assert "5" in field_error(response, "hours")
    response = send(
        jobcentre,
        url,
        filled(
            form, end_on=(start + timedelta(days=27)).isoformat(), hours="4,5", tasks="Fylde hylder"
        ),
    )
    assert response.status_code == 302  # within both rules


def test_a_shorter_trial_rule_refuses_a_longer_trial_visit(
    app, rules_admin, company, consultant, person, job
):
    save_rules(rules_admin, trial_max_days="3")
    with app.test_request_context():
        proposal = proposals.propose(job, person, consultant, "God til hylder.")
    db.session.flush()
    url = f"/company/proposals/{proposal.id}"
    form = button(company.get(url), "/accept")
    values = filled(form, first_step="trial", suggested_start=form_date(1), trial_end=form_date(4))
    response = send(company, f"{url}/accept", values)
    assert response.status_code == 200
    assert error_ids(response) == ["trial_end"]
    assert "3" in field_error(response, "trial_end")
    assert db.session.scalar(select(func.count(Placement.id))) == 0
    values["trial_end"] = [form_date(3)]
    assert send(company, f"{url}/accept", values).status_code == 302

"""The company's placement routes (employers/placement_routes.py) through HTTP, with CSRF on:
offering paid hours (a refused offer keeps what was typed and says why beside the field;
praktik and paid hours together stay within 37 hours), and the trial visit chosen when a
proposal is accepted, which starts the placement (no longer than the rule).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import (
    Phase,
    Placement,
    Proposal,
)
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    agree,
    in_days,
    praktik_terms,
    propose_praktik,
)
from tests.html_forms import error_ids, field_error
from tests.pages import (
    button,
    counts,
    filled,
    form_date,
    kept,
    main_form,
    send,
)

PAID_CASES = {
    "hours not in half hours": ({"hours": "2,3"}, "hours", None),
    "hours not a number": ({"hours": "abc"}, "hours", None),
    "hours above the law": ({"hours": "40"}, "hours", "37"),
    "wage below the agreement wage": ({"hourly_wage": "120"}, "hourly_wage", "135,00"),
    "wage not a number": ({"hourly_wage": "mange"}, "hourly_wage", None),
    "no tasks": ({"tasks": ""}, "tasks", None),
    "start in the past": ({"start_on": form_date(-3)}, "start_on", None),
    "praktik going on beside a trial visit": (
        {"praktik_continues": "y"},
        "praktik_continues",
        None,
    ),
}


@pytest.mark.parametrize("case", PAID_CASES, ids=str)
def test_a_bad_offer_of_paid_hours_keeps_the_input_and_shows_why(app, company, place, case):
    changes, field, mentioned = PAID_CASES[case]
    placement = place()
    before = counts(placement)
    url = f"/company/placements/{placement.id}/paid-hours"
    values = filled(main_form(company.get(url)), **{"start_on": form_date(5), **changes})
    response = send(company, url, values)
    assert response.status_code == 200
    assert error_ids(response) == [field]
    if mentioned:
        assert mentioned in field_error(response, field)
    kept(response, values)
    assert counts(placement) == before


def test_the_paid_hours_form_refuses_nothing_when_all_is_well(app, company, place):
    placement = place()
    url = f"/company/placements/{placement.id}/paid-hours"
    response = send(company, url, filled(main_form(company.get(url)), start_on=form_date(5)))
    assert response.status_code == 302
    assert counts(placement).steps == 1


def test_a_trial_visit_longer_than_the_rule_is_refused_beside_the_field(
    app, company, consultant, person, job
):
    with app.test_request_context():
        proposal = proposals.propose(job, person, consultant, "God til hylder.")
    db.session.flush()
    url = f"/company/proposals/{proposal.id}"
    page = company.get(url)
    values = filled(
        button(page, "/accept"),
        first_step="trial",
        suggested_start=form_date(1),
        trial_end=form_date(15),  # 15 days; the rule is 14
    )
    response = send(company, f"{url}/accept", values)
    assert response.status_code == 200
    assert error_ids(response) == ["trial_end"]
    assert "14" in field_error(response, "trial_end")
    shown = button(response, "/accept")
    assert shown.values["trial_end"] == [form_date(15)]
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "waiting"
    assert db.session.scalar(select(func.count(Placement.id))) == 0

    values["trial_end"] = [form_date(14)]  # 14 days: allowed
    assert send(company, f"{url}/accept", values).status_code == 302
    assert db.session.scalar(select(Placement.phase)) == "trial"


def test_praktik_and_paid_hours_together_above_37_hours_are_refused_beside_the_hours(
    app, company, consultant, employer, place, job
):
    placement = place(first=Phase.PRAKTIK)
    agree(
        app, propose_praktik(app, placement, consultant, praktik_terms(job, in_days(1))), employer
    )
    before = counts(placement)
    url = f"/company/placements/{placement.id}/paid-hours"
    values = filled(
        main_form(company.get(url)), start_on=form_date(3), hours="32", praktik_continues="y"
    )
    response = send(company, url, values)
    assert response.status_code == 200
    assert error_ids(response) == ["hours"]
    assert "38" in field_error(response, "hours")  # 6 hours of praktik and 32 paid
    kept(response, values)
    assert counts(placement) == before

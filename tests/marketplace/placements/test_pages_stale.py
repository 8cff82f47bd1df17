"""Answering and ending on the shared placement pages, when the form is out of date or the
placement has ended: a form opened before the other side acted is refused with a message and
saves nothing; no step is taken on an ended placement; only the proposer withdraws a step;
asking for changes or declining needs a note; an answer without the version seen is stale;
ending on a bad day keeps the input and says why.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.models import (
    EndReason,
    PlacementStep,
    StepStatus,
)
from marketplace.placements import ladder as placements
from marketplace.placements.ladder import STALE_MESSAGE
from marketplace.placements.steps import ENDED_MESSAGE
from tests.factories import (
    in_days,
    offer_paid,
    paid_terms,
    praktik_terms,
    propose_praktik,
)
from tests.html_forms import error_ids, text_of
from tests.pages import (
    button,
    counts,
    error_flashes,
    filled,
    flashed_after,
    followed,
    form_date,
    forms_of,
    fresh,
    kept,
    kinds_for,
    main_form,
    send,
)
from tests.support import csrf_token_from


@pytest.mark.parametrize(
    ("ended_on", "mentioned"),
    [(-1, None), (1, None), ("tomorrow", None)],
    ids=["before the placement began", "in the future", "not a date"],
)
def test_ending_on_a_bad_day_keeps_the_input_and_shows_why(
    app, company, place, ended_on, mentioned
):
    placement = place()  # the trial visit begins tomorrow: it began, for ending, today
    before = counts(placement)
    url = f"/company/placements/{placement.id}/end"
    day = form_date(ended_on) if isinstance(ended_on, int) else ended_on
    values = filled(main_form(company.get(url)), reason="health", ended_on=day, note="Syg")
    response = send(company, url, values)
    assert response.status_code == 200
    assert error_ids(response) == ["ended_on"]
    kept(response, values)
    assert counts(placement) == before


# -- Stale forms, ended placements --------------------------------------------------------


def test_a_praktik_form_opened_before_the_company_offered_paid_hours_saves_nothing(
    app, jobcentre, company, place
):
    placement = place()
    url = f"/placements/{placement.id}/praktik"
    opened = main_form(jobcentre.get(url))  # the consultant opens the form …
    offer_url = f"/company/placements/{placement.id}/paid-hours"
    offer = filled(main_form(company.get(offer_url)), start_on=form_date(5))
    assert send(company, offer_url, offer).status_code == 302  # … the company offers meanwhile
    between = counts(placement)

    response = send(jobcentre, url, filled(opened, end_on=form_date(30), tasks="Fylde hylder"))
    flashed_after(jobcentre, response, STALE_MESSAGE)
    assert counts(placement) == between
    kinds = db.session.scalars(
        select(PlacementStep.kind).where(PlacementStep.placement_id == placement.id)
    ).all()
    assert kinds == ["paid"]


def test_an_offer_of_paid_hours_opened_before_a_praktik_proposal_saves_nothing(
    app, jobcentre, company, place
):
    placement = place()
    offer_url = f"/company/placements/{placement.id}/paid-hours"
    opened = main_form(company.get(offer_url))
    url = f"/placements/{placement.id}/praktik"
    praktik = filled(main_form(jobcentre.get(url)), end_on=form_date(30), tasks="Fylde hylder")
    assert send(jobcentre, url, praktik).status_code == 302
    between = counts(placement)

    response = send(company, offer_url, filled(opened, start_on=form_date(5)))
    flashed_after(company, response, STALE_MESSAGE)
    assert counts(placement) == between


def test_accepting_a_proposal_withdrawn_meanwhile_saves_nothing(
    app, jobcentre, company, consultant, place, job
):
    placement = place()
    step = propose_praktik(app, placement, consultant, praktik_terms(job, in_days(3)))
    timeline = company.get(f"/company/placements/{placement.id}")  # the company reads it …
    accept = button(timeline, f"/steps/{step.id}/accept").values
    mine = jobcentre.get(f"/placements/{placement.id}")  # … the consultant withdraws it
    withdraw = button(mine, f"/steps/{step.id}/withdraw").values
    assert (
        send(
            jobcentre, f"/placements/{placement.id}/steps/{step.id}/withdraw", withdraw
        ).status_code
        == 302
    )
    between = counts(placement)

    response = send(company, f"/company/placements/{placement.id}/steps/{step.id}/accept", accept)
    flashed_after(company, response, STALE_MESSAGE)
    assert counts(placement) == between
    db.session.expire_all()
    assert db.session.get(PlacementStep, step.id).status == "withdrawn"
    assert fresh(placement).phase == "trial"


def test_ending_with_a_form_opened_before_the_other_side_acted_saves_nothing(
    app, jobcentre, company, employer, place, job
):
    placement = place()
    opened = main_form(jobcentre.get(f"/placements/{placement.id}/end"))
    offer_paid(app, placement, employer, paid_terms(job, in_days(5)))
    between = counts(placement)
    response = send(jobcentre, f"/placements/{placement.id}/end", filled(opened, reason="other"))
    flashed_after(jobcentre, response, STALE_MESSAGE)
    assert counts(placement) == between


def test_no_step_is_taken_on_an_ended_placement(
    app, jobcentre, company, consultant, employer, place, job
):
    placement = place()
    step = propose_praktik(app, placement, consultant, praktik_terms(job, in_days(3)))
    with app.test_request_context():
        placements.end(
            placement, employer, EndReason.COMPANY_STOPPED, "", local_today(), placement.version
        )
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(PlacementStep, step.id).status == StepStatus.CANCELLED
    ended = counts(placement)

    # The step forms are not offered: opening or posting one leads back to the timeline.
    url = f"/placements/{placement.id}/praktik"
    flashed_after(jobcentre, jobcentre.get(url), ENDED_MESSAGE)
    token = csrf_token_from(jobcentre.get(f"/placements/{placement.id}"))
    response = jobcentre.post(
        url,
        data={
            "csrf_token": token,
            "version": str(ended.version),
            "start_on": form_date(5),
            "end_on": form_date(30),
            "hours": "6",
            "tasks": "Fylde hylder",
            "purposes": "1",
            "mentor_name": "Ole",
            "workplace": str(job.workplace_id),
        },
    )
    flashed_after(jobcentre, response, ENDED_MESSAGE)
    offer_url = f"/company/placements/{placement.id}/paid-hours"
    flashed_after(company, company.get(offer_url), ENDED_MESSAGE)
    token = csrf_token_from(company.get(f"/company/placements/{placement.id}"))
    response = company.post(
        offer_url,
        data={
            "csrf_token": token,
            "version": str(ended.version),
            "start_on": form_date(5),
            "hours": "3",
            "tasks": "Kasse",
            "hourly_wage": "150",
        },
    )
    flashed_after(company, response, ENDED_MESSAGE)
    # The cancelled proposal cannot be accepted either, with the placement's current version.
    token = csrf_token_from(company.get(f"/company/placements/{placement.id}"))
    response = company.post(
        f"/company/placements/{placement.id}/steps/{step.id}/accept",
        data={"version": str(ended.version), "csrf_token": token},
    )
    assert error_flashes(followed(company, response))
    # Nor can it be ended twice.
    response = send(
        jobcentre,
        f"/placements/{placement.id}/end",
        filled(main_form(jobcentre.get(f"/placements/{placement.id}/end")), reason="other"),
    )
    assert response.status_code in (200, 302)
    assert counts(placement) == ended
    assert fresh(placement).end_reason == "company_stopped"


# -- Withdrawing, asking for changes ------------------------------------------------------


def test_the_proposer_withdraws_their_own_proposal_and_the_other_side_cannot(
    app, jobcentre, company, consultant, employer, place, job
):
    placement = place()
    step = propose_praktik(app, placement, consultant, praktik_terms(job, in_days(3)))
    company_page = company.get(f"/company/placements/{placement.id}")
    assert not [f for f in forms_of(company_page) if (f.action or "").endswith("/withdraw")]
    token = csrf_token_from(company_page)
    before = counts(placement)
    response = company.post(
        f"/company/placements/{placement.id}/steps/{step.id}/withdraw",
        data={"version": str(before.version), "csrf_token": token},
    )
    assert error_flashes(followed(company, response))
    assert counts(placement) == before
    db.session.expire_all()
    assert db.session.get(PlacementStep, step.id).status == "waiting"

    mine = jobcentre.get(f"/placements/{placement.id}")
    assert not [f for f in forms_of(mine) if (f.action or "").endswith("/accept")]
    response = send(
        jobcentre,
        f"/placements/{placement.id}/steps/{step.id}/withdraw",
        button(mine, f"/steps/{step.id}/withdraw").values,
    )
    assert response.status_code == 302
    db.session.expire_all()
    withdrawn = db.session.get(PlacementStep, step.id)
    assert (withdrawn.status, withdrawn.decided_by_id) == ("withdrawn", consultant.id)
    assert counts(placement).version == before.version + 1
    assert "step_withdrawn" in kinds_for(employer)
    # Nothing waits any more: the company has no button, the consultant may propose again.
    assert not [
        f
        for f in forms_of(company.get(f"/company/placements/{placement.id}"))
        if "/steps/" in (f.action or "")
    ]
    assert f"/placements/{placement.id}/praktik" in text_of(
        jobcentre.get(f"/placements/{placement.id}")
    )


@pytest.mark.parametrize("side", ["company", "jobcentre"])
def test_asking_for_changes_or_declining_needs_a_note(
    app, jobcentre, company, consultant, employer, place, job, side
):
    placement = place()
    if side == "company":  # the company asks for changes to a praktik agreement
        step = propose_praktik(app, placement, consultant, praktik_terms(job, in_days(3)))
        browser, prefix, told, status = (
            company,
            "/company/placements",
            consultant,
            "changes_requested",
        )
    else:  # the jobcentre declines paid hours it could not confirm
        step = offer_paid(app, placement, employer, paid_terms(job, in_days(5)))
        browser, prefix, told, status = jobcentre, "/placements", employer, "declined"
    url = f"{prefix}/{placement.id}/steps/{step.id}/refuse"
    before = counts(placement)
    form = button(browser.get(f"{prefix}/{placement.id}"), f"/steps/{step.id}/refuse")
    response = send(browser, url, filled(form, note="   "))
    assert response.status_code == 200
    assert error_ids(response) == ["note"]
    assert counts(placement) == before
    db.session.expire_all()
    assert db.session.get(PlacementStep, step.id).status == "waiting"

    response = send(browser, url, filled(form, note="Kun 4 timer om ugen, tak."))
    assert response.status_code == 302
    db.session.expire_all()
    answered = db.session.get(PlacementStep, step.id)
    assert (answered.status, answered.answer_note) == (status, "Kun 4 timer om ugen, tak.")
    assert f"{step.kind}_{status}" in kinds_for(told)
    other = company if side == "jobcentre" else jobcentre
    other_prefix = "/company/placements" if side == "jobcentre" else "/placements"
    assert "Kun 4 timer om ugen, tak." in text_of(other.get(f"{other_prefix}/{placement.id}"))
    assert counts(placement).terms == before.terms


@pytest.mark.parametrize("version", [None, "", "abc", "-1"])
def test_an_answer_without_the_version_seen_is_refused_as_stale(
    app, company, consultant, place, job, version
):
    placement = place()
    step = propose_praktik(app, placement, consultant, praktik_terms(job, in_days(3)))
    before = counts(placement)
    token = csrf_token_from(company.get(f"/company/placements/{placement.id}"))
    data = {"csrf_token": token} | ({} if version is None else {"version": version})
    response = company.post(f"/company/placements/{placement.id}/steps/{step.id}/accept", data=data)
    assert error_flashes(followed(company, response))
    assert counts(placement) == before
    db.session.expire_all()
    assert db.session.get(PlacementStep, step.id).status == StepStatus.WAITING

"""Requests to change the paid hours through HTTP, with CSRF on: either side opens the form
from the timeline (pre-filled with next Monday, or the day after the last confirmed week, and
the hours agreed now), the other side accepts with an optional comment or declines with one.
A refused form says why beside the field and keeps what was typed; a stale one saves nothing.
After four confirmed weeks at the planned hours the consultant's timeline suggests asking for
more.

The placements have paid hours Tuesday and Thursday (3 + 3) since a Monday three weeks ago
(tests.unit.test_hour_records.paid_placement). Messages are compared in Danish.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from sqlalchemy import select
from werkzeug.test import TestResponse

from marketplace.agreements.terms import latest_terms, versions_of
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import (
    Job,
    Phase,
    Placement,
    PlacementStep,
    StepKind,
    StepStatus,
    User,
    Weekday,
)
from marketplace.placements import ladder as placements
from marketplace.placements.ladder import STALE_MESSAGE
from marketplace.placements.steps import hours_change
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    MONDAY,
    confirm,
    ladder_job,
    new_candidate,
    paid_placement,
    paid_terms,
    today,
)
from tests.html_forms import da, error_ids, field_error, text_of
from tests.pages import (
    JUNK,
    button,
    counts,
    da_date,
    da_text,
    error_flashes,
    filled,
    flashed_after,
    followed,
    forms_of,
    kept,
    kinds_for,
    main_form,
    sections_of,
    send,
)

THIS_WEEK = hours.week_start_of(today())
NEXT_MONDAY = THIS_WEEK + timedelta(days=7)
TUE, THU = str(int(Weekday.TUE)), str(int(Weekday.THU))
MON, WED, FRI = str(int(Weekday.MON)), str(int(Weekday.WED)), str(int(Weekday.FRI))
NUDGE = (
    "%(name)s has worked at least the planned paid hours in each of the last four weeks."
    " Ask the company for more hours?"
)


# -- Fixtures and helpers -----------------------------------------------------------------


@pytest.fixture
def job(make_job: Callable[..., Job], employer: User) -> Job:
    return ladder_job(make_job, employer)


@pytest.fixture
def placement(job: Job, consultant: User, employer: User) -> Placement:
    found = paid_placement(job, consultant, employer)
    db.session.flush()
    return found


@pytest.fixture
def company(app: Flask, employer: User, login: Callable[..., Any]) -> FlaskClient:
    browser = app.test_client()
    login(employer, via=browser)
    return browser


@pytest.fixture
def jobcentre(client: FlaskClient, consultant: User, login: Callable[..., Any]) -> FlaskClient:
    login(consultant)
    return client


def timeline_url(placement: Placement, side: str) -> str:
    return (
        f"/company/placements/{placement.id}"
        if side == "company"
        else (f"/placements/{placement.id}")
    )


def request_url(placement: Placement, side: str = "company") -> str:
    return f"{timeline_url(placement, side)}/hours-request"


def step_url(placement: Placement, step: PlacementStep, side: str, action: str) -> str:
    return f"{timeline_url(placement, side)}/steps/{step.id}/{action}"


def waiting_request(placement: Placement) -> PlacementStep | None:
    db.session.expire_all()
    return db.session.scalar(
        select(PlacementStep).where(
            PlacementStep.placement_id == placement.id,
            PlacementStep.kind == StepKind.HOURS.value,
            PlacementStep.status == StepStatus.WAITING.value,
        )
    )


def ask(placement: Placement, user: User, start: date, hours_a_week: str = "10") -> PlacementStep:
    current = latest_terms(placement.id)
    step = placements.propose_step(
        placement,
        user,
        StepKind.HOURS,
        hours_change(current, start, Decimal(hours_a_week), int(Weekday.TUE), "Mere travlt"),
        placement.version,
    )
    db.session.flush()
    return step


def section(response: TestResponse, title: str) -> str:
    return sections_of(text_of(response))[title]


def hours_text(value: str) -> str:
    with force_locale("da"):
        return da(babel_gettext("%(hours)s hours a week", hours=value))


def nudge_text() -> str:
    """The nudge's words after the person's name, as a Danish consultant reads them."""
    with force_locale("da"):
        return da(babel_gettext(NUDGE, name="\x00").split("\x00")[1])


def confirm_this_week(placement: Placement, employer: User) -> None:
    """This week so far: nothing is recorded for a day still to come."""
    planned = hours.planned(placement, versions_of(placement.id), THIS_WEEK)
    entries = {key: value for key, value in planned.items() if key[0] <= today()}
    confirm(placement, employer, THIS_WEEK, entries=entries)
    db.session.flush()


# -- The journey --------------------------------------------------------------------------


def test_the_employer_asks_and_the_consultant_accepts_with_a_comment(
    app, company, jobcentre, placement, consultant, employer
):
    timeline = company.get(timeline_url(placement, "company"))
    assert f'href="{request_url(placement)}"' in text_of(timeline)
    assert da_text("Ask to change the paid hours") in text_of(timeline)

    page = company.get(request_url(placement))
    assert page.status_code == 200
    form = main_form(page)
    assert form.values["start_on"] == [NEXT_MONDAY.isoformat()]
    assert form.values["hours"] == ["6"]
    assert sorted(form.values["weekdays"]) == sorted([TUE, THU])
    assert form.values["reason"] == [""]
    assert form.values["version"] == [str(placement.version)]

    sent = send(
        company,
        request_url(placement),
        filled(form, hours="10,5", weekdays=[MON, WED, FRI], reason="Travlt i julen"),
    )
    assert sent.headers["Location"] == timeline_url(placement, "company")
    assert da_text("Your request is sent. The other side accepts or declines it.") in text_of(
        followed(company, sent)
    )
    step = waiting_request(placement)
    assert (step.proposed_by_side, step.proposed_by_id) == ("company", employer.id)
    assert (step.start_on, step.hours, step.weekdays) == (
        NEXT_MONDAY,
        Decimal("10.5"),
        int(Weekday.MON | Weekday.WED | Weekday.FRI),
    )
    assert step.reason == "Travlt i julen"
    assert kinds_for(consultant)[-1] == "hours_proposed"
    assert "hours_proposed" not in kinds_for(employer)

    # The employer waits: a withdraw button, no answer, no new request.
    mine = company.get(timeline_url(placement, "company"))
    assert button(mine, f"/steps/{step.id}/withdraw")
    assert not [f for f in forms_of(mine) if (f.action or "").endswith("/accept")]
    assert f'href="{request_url(placement)}"' not in text_of(mine)

    # The consultant reads it on the timeline and answers in one form.
    theirs = jobcentre.get(timeline_url(placement, "jobcentre"))
    page = text_of(theirs)
    assert "Travlt i julen" in page
    assert da_text("Accept the new hours") in page
    refuse = step_url(placement, step, "jobcentre", "refuse")
    assert f'formaction="{refuse}"' in page
    assert da_text("Comment (needed to decline)") in page
    assert f'href="{request_url(placement, "jobcentre")}"' not in page
    form = button(theirs, f"/steps/{step.id}/accept")
    assert "note" in form.values

    answered = send(
        jobcentre,
        step_url(placement, step, "jobcentre", "accept"),
        filled(form, note="Aftalt med borgeren i dag"),
    )
    assert answered.headers["Location"] == timeline_url(placement, "jobcentre")
    db.session.expire_all()
    step = db.session.get(PlacementStep, step.id)
    assert (step.status, step.answer_note, step.decided_by_id) == (
        "accepted",
        "Aftalt med borgeren i dag",
        consultant.id,
    )
    new = versions_of(placement.id)[-1]
    assert (new.number, new.effective_from, new.paid_hours) == (2, NEXT_MONDAY, Decimal("10.5"))
    assert (new.paid_from, new.hourly_wage) == (MONDAY, versions_of(placement.id)[0].hourly_wage)
    assert kinds_for(employer)[-1] == "hours_accepted"

    # Both sides read the hours now (6) and the hours agreed from next Monday (10,5).
    for browser, side in ((company, "company"), (jobcentre, "jobcentre")):
        now = section(browser.get(timeline_url(placement, side)), "now-title")
        agreed_from = now.index(da_text("Agreed, from %(day)s").split("%")[0])
        assert hours_text("6") in now[:agreed_from]
        assert da_date(NEXT_MONDAY) in now[agreed_from:]
        assert hours_text("10,5") in now[agreed_from:]
        assert "Aftalt med borgeren i dag" in text_of(browser.get(timeline_url(placement, side)))


def test_the_consultant_asks_from_a_past_day_and_the_terms_now_change_at_once(
    app, company, jobcentre, placement, consultant, employer
):
    confirm(placement, employer, MONDAY)
    db.session.flush()
    day_after = MONDAY + timedelta(days=7)
    form = main_form(jobcentre.get(request_url(placement, "jobcentre")))
    assert form.values["start_on"] == [NEXT_MONDAY.isoformat()]
    sent = send(
        jobcentre,
        request_url(placement, "jobcentre"),
        filled(form, start_on=day_after.isoformat(), hours="8", reason="Hun arbejder mere"),
    )
    assert sent.status_code == 302
    step = waiting_request(placement)
    assert (step.proposed_by_side, step.start_on) == ("jobcentre", day_after)
    assert kinds_for(employer)[-1] == "hours_proposed"

    timeline = company.get(timeline_url(placement, "company"))
    assert "Hun arbejder mere" in text_of(timeline)
    form = button(timeline, f"/steps/{step.id}/accept")
    accepted = send(company, step_url(placement, step, "company", "accept"), form.values)
    assert accepted.status_code == 302
    db.session.expire_all()
    assert db.session.get(PlacementStep, step.id).status == "accepted"
    now = section(company.get(timeline_url(placement, "company")), "now-title")
    assert hours_text("8") in now
    assert hours_text("6") not in now
    assert kinds_for(consultant)[-1] == "hours_accepted"


def confirmed_up_to(day: date) -> str:
    with force_locale("da"):
        return da(
            babel_gettext(
                "The hours are confirmed up to %(day)s; the new hours can start the day after.",
                day=da_date(day),
            )
        )


def test_the_form_starts_next_monday_whichever_weeks_are_confirmed(
    app, company, placement, employer
):
    """Only a week that has begun can be confirmed, so the day after the last confirmed
    week is next Monday at the latest; the form says up to when the hours are confirmed."""
    page = company.get(request_url(placement))
    assert main_form(page).values["start_on"] == [NEXT_MONDAY.isoformat()]
    assert confirmed_up_to(MONDAY + timedelta(days=20)) not in text_of(page)
    confirm(placement, employer, MONDAY + timedelta(days=14))  # last week
    db.session.flush()
    page = company.get(request_url(placement))
    assert main_form(page).values["start_on"] == [NEXT_MONDAY.isoformat()]
    assert confirmed_up_to(MONDAY + timedelta(days=20)) in text_of(page)
    confirm_this_week(placement, employer)
    page = company.get(request_url(placement))
    assert main_form(page).values["start_on"] == [NEXT_MONDAY.isoformat()]
    assert confirmed_up_to(THIS_WEEK + timedelta(days=6)) in text_of(page)


def test_declining_without_a_comment_says_so_beside_it_and_saves_nothing(
    app, company, jobcentre, placement, consultant, employer
):
    step = ask(placement, employer, NEXT_MONDAY)
    before = counts(placement)
    form = button(jobcentre.get(timeline_url(placement, "jobcentre")), f"/steps/{step.id}/accept")
    refuse = step_url(placement, step, "jobcentre", "refuse")

    for note in ("", "   "):
        response = send(jobcentre, refuse, filled(form, note=note))
        assert response.status_code == 200
        assert error_ids(response) == ["note"]
        assert da_text("Write why you decline, for the other side.") in field_error(
            response, "note"
        )
        assert counts(placement) == before
        assert waiting_request(placement).id == step.id

    response = send(jobcentre, refuse, filled(form, note="Ikke før januar"))
    assert response.status_code == 302
    db.session.expire_all()
    answered = db.session.get(PlacementStep, step.id)
    assert (answered.status, answered.answer_note) == ("declined", "Ikke før januar")
    assert counts(placement).terms == before.terms
    assert kinds_for(employer)[-1] == "hours_declined"
    assert "Ikke før januar" in text_of(company.get(timeline_url(placement, "company")))
    # The employer may ask again.
    assert f'href="{request_url(placement)}"' in text_of(
        company.get(timeline_url(placement, "company"))
    )


def test_accepting_needs_no_comment(app, company, jobcentre, placement, employer):
    step = ask(placement, employer, NEXT_MONDAY)
    form = button(jobcentre.get(timeline_url(placement, "jobcentre")), f"/steps/{step.id}/accept")
    response = send(jobcentre, step_url(placement, step, "jobcentre", "accept"), form.values)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PlacementStep, step.id).answer_note == ""
    assert latest_terms(placement.id).paid_hours == Decimal(10)


# -- Bad input ----------------------------------------------------------------------------


def confirmed_week_day() -> str:
    return (MONDAY + timedelta(days=3)).isoformat()


BAD = {
    "no reason": ({"reason": ""}, "reason", None),
    "only spaces as reason": ({"reason": "   "}, "reason", None),
    "hours not a number": ({"hours": "abc"}, "hours", None),
    "hours above the law": ({"hours": "40"}, "hours", "37"),
    "37,5 hours": ({"hours": "37,5"}, "hours", "37"),
    "no hours": ({"hours": "0"}, "hours", None),
    "quarter hours": ({"hours": "2,25"}, "hours", None),
    "the hours agreed now": ({"hours": "6"}, "hours", None),
    "a day in a confirmed week": ({"start_on": "confirmed"}, "start_on", "CONFIRMED"),
    "a garbled date": ({"start_on": "2025-02-30"}, "start_on", None),
    "not a date": ({"start_on": "næste mandag"}, "start_on", None),
    "before the terms began": ({"start_on": "before"}, "start_on", None),
    "more than a year ahead": ({"start_on": "far"}, "start_on", None),
    "a weekday that does not exist": ({"weekdays": ["3"]}, "weekdays", None),
}


@pytest.mark.parametrize("case", BAD, ids=str)
def test_bad_input_is_refused_beside_the_field_and_kept(app, company, placement, employer, case):
    confirm(placement, employer, MONDAY)
    db.session.flush()
    changes, field, mentioned = BAD[case]
    days = {
        "confirmed": confirmed_week_day(),
        "before": (MONDAY - timedelta(days=1)).isoformat(),
        "far": (THIS_WEEK + timedelta(days=400)).isoformat(),
    }
    changes = {k: days.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    before = counts(placement)
    values = filled(
        main_form(company.get(request_url(placement))),
        **{"hours": "10", "reason": "Travlt i julen", **changes},
    )
    response = send(company, request_url(placement), values)
    assert response.status_code == 200
    assert error_ids(response) == [field]
    assert 'class="error-summary"' in text_of(response)
    if mentioned == "CONFIRMED":
        assert (MONDAY + timedelta(days=6)).strftime("%d.%m.%Y") in field_error(response, field)
    elif mentioned:
        assert mentioned in field_error(response, field)
    if field != "weekdays":  # a choice that is not on offer cannot be shown ticked
        kept(response, values)
    assert counts(placement) == before
    assert waiting_request(placement) is None


def test_the_same_form_with_good_values_is_sent(app, company, placement, employer):
    """The control for the cases above."""
    confirm(placement, employer, MONDAY)
    db.session.flush()
    values = filled(
        main_form(company.get(request_url(placement))), hours="10", reason="Travlt i julen"
    )
    assert send(company, request_url(placement), values).status_code == 302
    assert waiting_request(placement).hours == Decimal(10)


def test_junk_in_the_request_form_is_never_a_500(app, company, placement, employer):
    def fresh_form() -> dict[str, list[str]]:
        waiting = waiting_request(placement)
        if waiting is not None:
            found = db.session.get(Placement, placement.id)
            placements.withdraw_step(waiting, employer, found.version)
            db.session.flush()
        return filled(
            main_form(company.get(request_url(placement))), hours="10", reason="Travlt i julen"
        )

    current = fresh_form()
    errors = []
    for name in [n for n in current if n != "csrf_token"]:
        for junk in JUNK:
            values = dict(current)
            if junk is None:
                values.pop(name)
            else:
                values[name] = junk if isinstance(junk, list) else [junk]
            response = company.post(request_url(placement), data=values)
            if response.status_code >= 500:
                errors.append((name, junk if junk is None or len(junk) < 40 else "long"))
            if response.status_code == 302:
                current = fresh_form()
    assert errors == []


# -- Stale forms, wrong pages -------------------------------------------------------------


def test_a_request_form_opened_before_the_other_side_asked_saves_nothing(
    app, company, jobcentre, placement
):
    opened = main_form(company.get(request_url(placement)))
    theirs = filled(
        main_form(jobcentre.get(request_url(placement, "jobcentre"))),
        hours="8",
        reason="Hun vil gerne have mere",
    )
    assert send(jobcentre, request_url(placement, "jobcentre"), theirs).status_code == 302
    between = counts(placement)

    response = send(
        company, request_url(placement), filled(opened, hours="10", reason="Travlt i julen")
    )
    flashed_after(company, response, STALE_MESSAGE)
    assert counts(placement) == between
    assert waiting_request(placement).proposed_by_side == "jobcentre"


def test_an_answer_to_a_request_withdrawn_and_asked_again_meanwhile_saves_nothing(
    app, company, jobcentre, placement, employer
):
    step = ask(placement, employer, NEXT_MONDAY, "10")
    opened = button(jobcentre.get(timeline_url(placement, "jobcentre")), f"/steps/{step.id}/accept")
    placements.withdraw_step(step, employer, placement.version)
    again = ask(placement, employer, NEXT_MONDAY, "12")
    between = counts(placement)

    for action in ("accept", "refuse"):
        response = send(
            jobcentre,
            step_url(placement, step, "jobcentre", action),
            filled(opened, note="Fint"),
        )
        assert error_flashes(followed(jobcentre, response))
        assert counts(placement) == between
    # The new request, answered with the old page's version, is refused as stale too.
    response = send(
        jobcentre, step_url(placement, again, "jobcentre", "accept"), filled(opened, note="Fint")
    )
    flashed_after(jobcentre, response, STALE_MESSAGE)
    assert counts(placement) == between
    assert waiting_request(placement).id == again.id


def test_no_request_form_before_paid_hours_are_agreed(
    app, company, jobcentre, job, consultant, employer
):
    proposal = proposals.propose(job, new_candidate(consultant, "Bo Berg"), consultant, "God.")
    proposals.accept(proposal, employer, THIS_WEEK + timedelta(days=8))
    pending = placements.start(proposal, employer, Phase.PAID, THIS_WEEK + timedelta(days=8))
    db.session.flush()
    timeline = text_of(company.get(timeline_url(pending, "company")))
    assert f'href="{request_url(pending)}"' not in timeline
    for browser, side in ((company, "company"), (jobcentre, "jobcentre")):
        response = browser.get(request_url(pending, side))
        assert response.status_code == 302
        assert error_flashes(followed(browser, response))
    before = counts(pending)
    placements.propose_step(
        pending,
        employer,
        StepKind.PAID,
        paid_terms(job, THIS_WEEK + timedelta(days=8)),
        pending.version,
    )
    db.session.flush()
    assert counts(pending).steps == before.steps + 1  # the control: paid hours may be offered


# -- The nudge ----------------------------------------------------------------------------


@pytest.fixture
def six_weeks_paid(job: Job, consultant: User, employer: User) -> Placement:
    """Paid hours 3 + 3 since six weeks ago; no week confirmed yet."""
    since = THIS_WEEK - timedelta(weeks=6)
    proposal = proposals.propose(job, new_candidate(consultant, "Eva Fisk"), consultant, "God.")
    proposals.accept(proposal, employer, THIS_WEEK + timedelta(days=7))
    began = since - timedelta(days=7)
    found = placements.start(proposal, employer, Phase.PAID, began, today=began)
    step = placements.propose_step(
        found,
        employer,
        StepKind.PAID,
        paid_terms(job, since, hours="6", weekdays=int(Weekday.TUE | Weekday.THU)),
        found.version,
        today=began,
    )
    placements.accept_step(step, consultant, found.version, today=began)
    db.session.flush()
    return found


def test_the_consultant_is_nudged_after_four_weeks_at_the_planned_hours(
    app, company, jobcentre, six_weeks_paid, employer
):
    placement = six_weeks_paid
    for n in (4, 3, 2):
        confirm(placement, employer, THIS_WEEK - timedelta(weeks=n))
    db.session.flush()
    assert nudge_text() not in text_of(jobcentre.get(timeline_url(placement, "jobcentre")))

    confirm(placement, employer, THIS_WEEK - timedelta(weeks=1))
    db.session.flush()
    page = text_of(jobcentre.get(timeline_url(placement, "jobcentre")))
    assert nudge_text() in page
    with force_locale("da"):
        assert da(babel_gettext(NUDGE, name="Eva Fisk")) in page
    assert f'class="button button--primary" href="{request_url(placement, "jobcentre")}"' in page
    assert nudge_text() not in text_of(company.get(timeline_url(placement, "company")))

    # While a request waits, the timeline shows the request instead.
    ask(placement, employer, NEXT_MONDAY)
    assert nudge_text() not in text_of(jobcentre.get(timeline_url(placement, "jobcentre")))


def test_no_nudge_when_a_week_was_below_the_plan(app, jobcentre, six_weeks_paid, employer):
    placement = six_weeks_paid
    for n in (4, 3, 2, 1):
        monday = THIS_WEEK - timedelta(weeks=n)
        entries = hours.planned(placement, versions_of(placement.id), monday)
        if n == 3:
            entries = {key: value - Decimal("0.5") for key, value in entries.items()}
        confirm(placement, employer, monday, entries=entries)
    db.session.flush()
    assert nudge_text() not in text_of(jobcentre.get(timeline_url(placement, "jobcentre")))


# -- Queries ------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["company", "jobcentre"])
def test_the_timeline_costs_the_same_queries_at_1_and_5_earlier_requests(
    app, request, job, consultant, employer, make_user, count_queries, side
):
    """Each earlier request is asked and answered by people of their own, and some became
    terms versions: a lazy load per request cannot hide behind the identity map."""
    browser = request.getfixturevalue("company" if side == "company" else "jobcentre")
    outcomes = ["declined", "withdrawn", "accepted"]

    def with_requests(name: str, earlier: int) -> Placement:
        found = paid_placement(job, consultant, employer, name)
        for n in range(earlier):
            colleague = make_user(employer.organisation, name=f"Kollega {name} {n}")
            other = make_user(consultant.organisation, name=f"Rådgiver {name} {n}")
            asker, answerer = (colleague, other) if n % 2 else (other, colleague)
            step = ask(found, asker, NEXT_MONDAY + timedelta(weeks=n), str(7 + n))
            outcome = outcomes[n % len(outcomes)]
            if outcome == "declined":
                placements.refuse_step(step, answerer, f"Nej {n}", found.version)
            elif outcome == "withdrawn":
                placements.withdraw_step(step, asker, found.version)
            else:
                placements.accept_step(step, answerer, found.version, note=f"Ja {n}")
        ask(found, make_user(employer.organisation), NEXT_MONDAY + timedelta(weeks=9), "20")
        db.session.flush()
        return found

    few, many = with_requests("Få", 1), with_requests("Mange", 5)
    assert len(versions_of(many.id)) > len(versions_of(few.id))
    browser.get(timeline_url(few, side))  # warm up: first-request work is not what we measure
    counted = {}
    for label, found in (("few", few), ("many", many)):
        with count_queries() as queries:
            page = browser.get(timeline_url(found, side))
        assert page.status_code == 200
        assert da_text("Accept the new hours") in text_of(page) or side == "company"
        counted[label] = queries
    assert counted["many"].count == counted["few"].count, "\n".join(counted["many"].statements)

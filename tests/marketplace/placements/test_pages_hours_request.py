"""Requests to change the paid hours through HTTP, on the shared placement pages, with CSRF
on: either side opens the form from the timeline (pre-filled with next Monday, or the day
after the last confirmed week, and the hours agreed now), the other side accepts with an
optional comment or declines with one. A refused form says why beside the field and keeps
what was typed; a stale one saves nothing. The nudge to ask for more hours and the timeline's
queries are in test_pages_hours_request_nudge.py.

The placement is the shared one: paid hours Tuesday and Thursday (3 + 3) since MONDAY, three
weeks ago (tests.factories.paid_placement). Requests made straight through the domain
(tests.factories.ask) are for 10 hours a week from next Monday. Messages are compared in
Danish.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from sqlalchemy import select
from werkzeug.test import TestResponse

from marketplace.agreements.terms import latest_terms, versions_of
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import (
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
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    MONDAY,
    NEXT_MONDAY,
    THIS_WEEK,
    ask,
    confirm,
    new_candidate,
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
    hours_request_url,
    kept,
    kinds_for,
    main_form,
    sections_of,
    send,
    timeline_url,
)

TUE, THU = str(int(Weekday.TUE)), str(int(Weekday.THU))
MON, WED, FRI = str(int(Weekday.MON)), str(int(Weekday.WED)), str(int(Weekday.FRI))


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


def section(response: TestResponse, title: str) -> str:
    return sections_of(text_of(response))[title]


def hours_text(value: str) -> str:
    with force_locale("da"):
        return da(babel_gettext("%(hours)s hours a week", hours=value))


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
    assert f'href="{hours_request_url(placement)}"' in text_of(timeline)
    assert da_text("Ask to change the paid hours") in text_of(timeline)

    page = company.get(hours_request_url(placement))
    assert page.status_code == 200
    form = main_form(page)
    assert form.values["start_on"] == [NEXT_MONDAY.isoformat()]
    assert form.values["hours"] == ["6"]
    assert sorted(form.values["weekdays"]) == sorted([TUE, THU])
    assert form.values["reason"] == [""]
    assert form.values["version"] == [str(placement.version)]

    sent = send(
        company,
        hours_request_url(placement),
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
    assert f'href="{hours_request_url(placement)}"' not in text_of(mine)

    # The consultant reads it on the timeline and answers in one form.
    theirs = jobcentre.get(timeline_url(placement, "jobcentre"))
    page = text_of(theirs)
    assert "Travlt i julen" in page
    assert da_text("Accept the new hours") in page
    refuse = step_url(placement, step, "jobcentre", "refuse")
    assert f'formaction="{refuse}"' in page
    assert da_text("Comment (needed to decline)") in page
    assert f'href="{hours_request_url(placement, "jobcentre")}"' not in page
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
    form = main_form(jobcentre.get(hours_request_url(placement, "jobcentre")))
    assert form.values["start_on"] == [NEXT_MONDAY.isoformat()]
    sent = send(
        jobcentre,
        hours_request_url(placement, "jobcentre"),
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
    page = company.get(hours_request_url(placement))
    assert main_form(page).values["start_on"] == [NEXT_MONDAY.isoformat()]
    assert confirmed_up_to(MONDAY + timedelta(days=20)) not in text_of(page)
    confirm(placement, employer, MONDAY + timedelta(days=14))  # last week
    db.session.flush()
    page = company.get(hours_request_url(placement))
    assert main_form(page).values["start_on"] == [NEXT_MONDAY.isoformat()]
    assert confirmed_up_to(MONDAY + timedelta(days=20)) in text_of(page)
    confirm_this_week(placement, employer)
    page = company.get(hours_request_url(placement))
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
    assert f'href="{hours_request_url(placement)}"' in text_of(
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
        main_form(company.get(hours_request_url(placement))),
        **{"hours": "10", "reason": "Travlt i julen", **changes},
    )
    response = send(company, hours_request_url(placement), values)
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
        main_form(company.get(hours_request_url(placement))), hours="10", reason="Travlt i julen"
    )
    assert send(company, hours_request_url(placement), values).status_code == 302
    assert waiting_request(placement).hours == Decimal(10)


def test_junk_in_the_request_form_is_never_a_500(app, company, placement, employer):
    def fresh_form() -> dict[str, list[str]]:
        waiting = waiting_request(placement)
        if waiting is not None:
            found = db.session.get(Placement, placement.id)
            placements.withdraw_step(waiting, employer, found.version)
            db.session.flush()
        return filled(
            main_form(company.get(hours_request_url(placement))),
            hours="10",
            reason="Travlt i julen",
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
            response = company.post(hours_request_url(placement), data=values)
            if response.status_code >= 500:
                errors.append((name, junk if junk is None or len(junk) < 40 else "long"))
            if response.status_code == 302:
                current = fresh_form()
    assert errors == []


# -- Stale forms, wrong pages -------------------------------------------------------------


def test_a_request_form_opened_before_the_other_side_asked_saves_nothing(
    app, company, jobcentre, placement
):
    opened = main_form(company.get(hours_request_url(placement)))
    theirs = filled(
        main_form(jobcentre.get(hours_request_url(placement, "jobcentre"))),
        hours="8",
        reason="Hun vil gerne have mere",
    )
    assert send(jobcentre, hours_request_url(placement, "jobcentre"), theirs).status_code == 302
    between = counts(placement)

    response = send(
        company, hours_request_url(placement), filled(opened, hours="10", reason="Travlt i julen")
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
    assert f'href="{hours_request_url(pending)}"' not in timeline
    for browser, side in ((company, "company"), (jobcentre, "jobcentre")):
        response = browser.get(hours_request_url(pending, side))
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

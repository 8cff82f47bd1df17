"""Hours through HTTP, with CSRF on: the company confirms a week (planned hours pre-filled,
several placements at once, all or nothing), corrects a confirmed day with a reason; the
consultant reads the week, never edits it, and asks about it; the company answers.

The placements have paid hours Tuesday and Thursday (3 + 3) since a Monday three weeks ago
(tests.unit.test_hour_records.paid_placement); that week is the one confirmed here. Messages
are compared in the language the page is shown in (Danish).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from werkzeug.test import TestResponse

from marketplace.agreements.terms import versions_of
from marketplace.clock import LOCAL_TZ
from marketplace.extensions import db
from marketplace.hours import flags as hour_flags
from marketplace.hours import ledger as hours
from marketplace.models import (
    HourKind,
    HourRecord,
    Notification,
    Placement,
    User,
    WeekFlag,
)
from tests.factories import ladder_job
from tests.html_forms import PageForm, text_of
from tests.pages import (
    THU,
    TUE,
    WEEK,
    confirm_planned,
    confirmations,
    da_text,
    error_beside,
    everything,
    filled,
    followed,
    form_to,
    forms_of,
    name_of,
    records,
    send,
)

CONFIRM_URL = "/company/hours/confirm"


# -- Fixtures and helpers -----------------------------------------------------------------


@pytest.fixture
def jobcentre(client: FlaskClient, consultant: User, login: Callable[..., Any]) -> FlaskClient:
    login(consultant)
    return client


def week_page(browser: FlaskClient, week: date = WEEK) -> TestResponse:
    response = browser.get(f"/company/hours?week={week.isoformat()}")
    assert response.status_code == 200
    return response


def placement_page(browser: FlaskClient, placement: Placement, week: date = WEEK) -> TestResponse:
    response = browser.get(f"/company/placements/{placement.id}/hours?week={week.isoformat()}")
    assert response.status_code == 200
    return response


def consultant_page(browser: FlaskClient, placement: Placement) -> TestResponse:
    response = browser.get(f"/placements/{placement.id}/hours?week={WEEK.isoformat()}")
    assert response.status_code == 200
    return response


def field_message(response: TestResponse, field: str) -> str:
    page = text_of(response)
    marker = f'id="{field}-error"'
    assert marker in page, f"no error shown beside {field}"
    start = page.index(marker)
    return page[start : page.index("</p>", start)]


def error_ids(response: TestResponse) -> list[str]:
    return re.findall(r'class="field__error" id="([^"]+)-error"', text_of(response))


def flash_text(response: TestResponse) -> str:
    """The page a redirect leads to (where the flashed message is shown)."""
    assert response.status_code == 302, text_of(response)[:2000]
    return text_of(response)


# -- Confirming a week --------------------------------------------------------------------


def test_the_week_page_prefills_the_planned_hours(company, placement):
    form = form_to(week_page(company), CONFIRM_URL)
    assert form.values[name_of(placement, TUE)] == ["3"]
    assert form.values[name_of(placement, THU)] == ["3"]
    assert form.values[name_of(placement, WEEK)] == ["0"]  # agreed, but not planned
    assert name_of(placement, TUE, "praktik") not in form.values  # no praktik agreed
    assert form.values["confirm"] == [str(placement.id)]
    assert form.values["week"] == [WEEK.isoformat()]


def test_confirming_as_planned_writes_the_records(company, placement, employer):
    form = form_to(week_page(company), CONFIRM_URL)
    page = followed(company, send(company, CONFIRM_URL, form.values))
    assert records(placement) == [
        (TUE, "paid", 1, Decimal(3)),
        (THU, "paid", 1, Decimal(3)),
    ]
    [confirmation] = confirmations(placement)
    assert (confirmation.week_start, confirmation.confirmed_by_id) == (WEEK, employer.id)
    assert confirmation.via == "page"
    # The week now shows the confirmed figures, not inputs.
    assert name_of(placement, TUE) not in text_of(page)
    assert employer.name in text_of(page)


def test_a_day_changed_to_zero_before_confirming_has_no_record(company, placement):
    form = form_to(week_page(company), CONFIRM_URL)
    followed(company, send(company, CONFIRM_URL, filled(form, **{name_of(placement, THU): "0"})))
    assert records(placement) == [(TUE, "paid", 1, Decimal(3))]
    assert len(confirmations(placement)) == 1


@pytest.mark.parametrize(("typed", "stored"), [("2,5", "2.5"), ("2.25", "2.25"), ("", "0")])
def test_hours_typed_the_danish_way_are_accepted(company, placement, typed, stored):
    form = form_to(week_page(company), CONFIRM_URL)
    followed(company, send(company, CONFIRM_URL, filled(form, **{name_of(placement, TUE): typed})))
    expected = [(THU, "paid", 1, Decimal(3))]
    if Decimal(stored):
        expected.insert(0, (TUE, "paid", 1, Decimal(stored)))
    assert records(placement) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter a number of hours, like 2,5."),
        ("2,3", "Use quarter hours, like 2,25 or 3,5."),
        ("25", "Enter between 0 and 24 hours."),
        ("-1", "Enter between 0 and 24 hours."),
        ("1e999999999", "Enter a number of hours, like 2,5."),
    ],
)
def test_a_wrong_day_shows_beside_its_input_and_no_placement_is_confirmed(
    company, paid, typed, message
):
    """Two placements chosen, one day of the second wrong: neither week is confirmed."""
    first, second = paid(), paid()
    form = form_to(week_page(company), CONFIRM_URL)
    assert sorted(form.values["confirm"]) == sorted([str(first.id), str(second.id)])
    sent = filled(form, **{name_of(second, TUE): typed, name_of(first, THU): "2,5"})
    response = send(company, CONFIRM_URL, sent)
    assert response.status_code == 200
    assert error_ids(response) == [name_of(second, TUE)]
    assert da_text(message) in error_beside(response, name_of(second, TUE))
    shown = form_to(response, CONFIRM_URL).values
    assert shown[name_of(second, TUE)] == [typed]  # what was typed is kept
    assert shown[name_of(first, THU)] == ["2,5"]
    assert sorted(shown["confirm"]) == sorted(sent["confirm"])
    assert everything() == (0, 0, 0)


def test_hours_on_a_day_still_to_come_are_refused_beside_the_day(company, placement, monkeypatch):
    """On the Wednesday of the week, Thursday's planned 3 hours cannot be confirmed yet."""
    wednesday_noon = datetime.combine(WEEK + timedelta(days=2), time(12), LOCAL_TZ)
    monkeypatch.setattr("marketplace.clock.utcnow", lambda: wednesday_noon.astimezone(UTC))
    form = form_to(placement_page(company, placement), CONFIRM_URL)
    assert form.values["placement"] == [str(placement.id)]
    response = send(company, CONFIRM_URL, form.values)
    assert response.status_code == 200, text_of(response)[:2000]
    assert error_ids(response) == [name_of(placement, THU)]
    assert da_text("Hours cannot be recorded for a day still to come.") in error_beside(
        response, name_of(placement, THU)
    )
    assert form_to(response, CONFIRM_URL).values[name_of(placement, THU)] == ["3"]
    assert everything() == (0, 0, 0)
    # Thursday emptied: the days so far are confirmed.
    again = filled(form_to(response, CONFIRM_URL), **{name_of(placement, THU): "0"})
    followed(company, send(company, CONFIRM_URL, again))
    assert records(placement) == [(TUE, "paid", 1, Decimal(3))]


def test_an_input_for_a_day_without_those_hours_saves_nothing_for_it(company, placement):
    """No praktik is agreed, and paid hours begin on WEEK: inputs a page never shows (sent
    by hand) never become records."""
    form = form_to(week_page(company), CONFIRM_URL)
    sent = filled(
        form,
        **{
            name_of(placement, TUE, "praktik"): "3",
            name_of(placement, WEEK - timedelta(days=1)): "3",
        },
    )
    response = send(company, CONFIRM_URL, sent)
    assert response.status_code in (200, 302)
    assert all(kind == "paid" for _, kind, _, _ in records(placement))
    assert all(WEEK <= day <= WEEK + timedelta(days=6) for day, _, _, _ in records(placement))


def test_three_placements_are_confirmed_in_one_post(company, paid, job, make_job, employer):
    chosen = [paid(), paid(ladder_job(make_job, employer, title="Lager")), paid()]
    form = form_to(week_page(company), CONFIRM_URL)
    assert len(form.values["confirm"]) == 3
    page = followed(company, send(company, CONFIRM_URL, form.values))
    for placement in chosen:
        assert records(placement) == [(TUE, "paid", 1, Decimal(3)), (THU, "paid", 1, Decimal(3))]
        assert [c.via for c in confirmations(placement)] == ["bulk"]
    assert "3" in text_of(page)
    assert 'name="confirm"' not in text_of(page)  # nothing is left to confirm


def test_only_the_chosen_placements_are_confirmed(company, paid):
    first, second = paid(), paid()
    form = form_to(week_page(company), CONFIRM_URL)
    followed(company, send(company, CONFIRM_URL, filled(form, confirm=[str(second.id)])))
    assert records(first) == []
    assert len(records(second)) == 2


def test_bulk_confirmation_is_all_or_nothing_when_the_database_refuses_one(
    company, paid, consultant
):
    """The same person in two placements, 20 + 5 hours on one Tuesday: the second week is
    refused by the 24-hour rule, and the first, confirmed just before it, is undone."""
    first, second, third = paid(), paid(), paid()
    db.session.execute(
        text("UPDATE placements SET candidate_id = :c WHERE id = :p"),
        {"c": first.candidate_id, "p": second.id},
    )
    db.session.expire_all()
    form = form_to(week_page(company), CONFIRM_URL)
    sent = filled(form, **{name_of(first, TUE): "20", name_of(second, TUE): "5"})
    response = send(company, CONFIRM_URL, sent)
    assert response.status_code in (200, 302)
    page = followed(company, response) if response.status_code == 302 else response
    assert da_text("With the person's other placements, a day would pass 24 hours.") in (
        text_of(page)
    )
    assert everything() == (0, 0, 0)
    assert records(third) == []


def test_a_stale_page_confirms_nothing_twice(app, company, placement, colleague, login):
    """A colleague's browser shows the same week; the first confirmation wins."""
    other = app.test_client()
    login(colleague, via=other)
    stale = form_to(week_page(other), CONFIRM_URL)
    followed(company, send(company, CONFIRM_URL, form_to(week_page(company), CONFIRM_URL).values))
    before = records(placement)
    response = send(other, CONFIRM_URL, filled(stale, **{name_of(placement, TUE): "1"}))
    assert response.status_code in (200, 302)
    assert (
        records(placement)
        == before
        == [
            (TUE, "paid", 1, Decimal(3)),
            (THU, "paid", 1, Decimal(3)),
        ]
    )
    assert len(confirmations(placement)) == 1


def test_a_stale_page_is_told_the_week_was_confirmed_by_someone_else(
    app, company, placement, colleague, login
):
    other = app.test_client()
    login(colleague, via=other)
    stale = form_to(week_page(other), CONFIRM_URL)
    followed(company, send(company, CONFIRM_URL, form_to(week_page(company), CONFIRM_URL).values))
    response = send(other, CONFIRM_URL, stale.values)
    page = followed(other, response) if response.status_code == 302 else response
    message = "This week was confirmed by someone else a moment ago. Nothing was counted twice."
    assert da_text(message) in text_of(page)


def test_a_week_with_no_agreed_hours_says_so(company, jobcentre, placement):
    before = WEEK - timedelta(days=7)  # the placement began, paid hours had not
    message = da_text(
        "No hours this week: no trial visit, praktik or paid hours were agreed for it."
    )
    for page in (
        week_page(company, before),
        placement_page(company, placement, before),
        jobcentre.get(f"/placements/{placement.id}/hours?week={before.isoformat()}"),
    ):
        assert page.status_code == 200
        assert message in text_of(page)
        assert not [f for f in forms_of(page) if (f.action or "").endswith(CONFIRM_URL)]
    assert message not in text_of(week_page(company))


# -- Corrections --------------------------------------------------------------------------

CORRECT = "/hours/correct"


def correction_form(company: FlaskClient, placement: Placement) -> PageForm:
    form = form_to(placement_page(company, placement), CORRECT)
    assert form.values[f"r-paid-{TUE.isoformat()}"] == ["1"]  # the revision seen
    return form


def correct_url(placement: Placement) -> str:
    return f"/company/placements/{placement.id}/hours/correct"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hours": "2,5", "reason": "  "}, "reason", "Write why the hours are corrected."),
        ({"hours": "3", "reason": "Tjek"}, "hours", "That is the figure already recorded."),
        ({"hours": "3,1", "reason": "Tjek"}, "hours", "Use quarter hours, like 2,25 or 3,5."),
        ({"hours": "x", "reason": "Tjek"}, "hours", "Enter a number of hours, like 2,5."),
    ],
)
def test_a_refused_correction_says_why_and_keeps_what_was_typed(
    company, placement, employer, changes, field, message
):
    confirm_planned(placement, employer)
    form = correction_form(company, placement)
    sent = filled(form, day=TUE.isoformat(), kind="paid", **changes)
    response = send(company, correct_url(placement), sent)
    assert response.status_code == 200
    assert da_text(message) in field_message(response, field)
    shown = form_to(response, CORRECT).values
    for key in ("day", "kind", "hours", "reason"):
        assert shown[key] == sent[key], key
    assert len(records(placement)) == 2


def test_a_correction_made_on_an_old_figure_is_refused(app, company, placement, employer):
    confirm_planned(placement, employer)
    stale = correction_form(company, placement)
    fresh = correction_form(company, placement)
    followed(
        company,
        send(
            company,
            correct_url(placement),
            filled(fresh, day=TUE.isoformat(), kind="paid", hours="2", reason="Gik tidligt"),
        ),
    )
    response = send(
        company,
        correct_url(placement),
        filled(stale, day=TUE.isoformat(), kind="paid", hours="1", reason="Kom sent"),
    )
    assert response.status_code == 200
    assert da_text(
        "Someone corrected this day while you were editing. Read the new figure first."
    ) in text_of(response)
    assert [r for r in records(placement) if r[0] == TUE] == [
        (TUE, "paid", 1, Decimal(3)),
        (TUE, "paid", 2, Decimal(2)),
    ]


def test_a_correction_keeps_both_figures_and_both_sides_read_the_history(
    company, jobcentre, placement, employer
):
    confirm_planned(placement, employer)
    form = correction_form(company, placement)
    sent = filled(form, day=TUE.isoformat(), kind="paid", hours="2,5", reason="Gik tidligt")
    page = followed(company, send(company, correct_url(placement), sent))
    assert [r for r in records(placement) if r[0] == TUE] == [
        (TUE, "paid", 1, Decimal(3)),
        (TUE, "paid", 2, Decimal("2.5")),
    ]
    stored = db.session.scalar(
        select(HourRecord).where(HourRecord.placement_id == placement.id, HourRecord.revision == 2)
    )
    assert (stored.reason, stored.corrects_revision, stored.recorded_by_id) == (
        "Gik tidligt",
        1,
        employer.id,
    )
    was = da_text("was %(hours)s") % {"hours": "3"}
    for shown in (page, consultant_page(jobcentre, placement)):
        html = text_of(shown)
        assert was in html
        assert "2,5" in html
        assert "Gik tidligt" in html
    # The next correction is made on the new revision.
    assert form_to(page, CORRECT).values[f"r-paid-{TUE.isoformat()}"] == ["2"]


def test_the_consultant_reads_the_week_but_cannot_edit_it(jobcentre, placement, employer):
    confirm_planned(placement, employer)
    page = consultant_page(jobcentre, placement)
    html = text_of(page)
    assert employer.name in html  # confirmed by
    assert not re.search(r'name="h-\d+', html)
    actions = [f.action or "" for f in forms_of(page)]
    assert not [a for a in actions if a.startswith("/company") or a.endswith(CORRECT)]
    assert [a for a in actions if a.endswith("/hours/flag")]


# -- Flags --------------------------------------------------------------------------------


def kinds_since(user: User, since: int) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.recipient_id == user.id, Notification.id > since)
            .order_by(Notification.id)
        )
    )


def flag_url(placement: Placement) -> str:
    return f"/placements/{placement.id}/hours/flag"


def test_the_consultant_flags_a_week_and_the_company_answers(
    company, jobcentre, placement, employer, colleague, consultant
):
    confirm_planned(placement, employer)
    since = db.session.scalar(select(func.max(Notification.id))) or 0
    form = form_to(consultant_page(jobcentre, placement), "/hours/flag")

    refused = send(jobcentre, flag_url(placement), filled(form, comment="   "))
    assert refused.status_code == 200
    assert da_text("Write what the company should look at.") in field_message(refused, "comment")
    assert everything()[2] == 0

    question = "Var hun der torsdag? Hun siger, hun var der."
    followed(jobcentre, send(jobcentre, flag_url(placement), filled(form, comment=question)))
    [flag] = db.session.scalars(select(WeekFlag)).all()
    assert (flag.placement_id, flag.week_start, flag.comment) == (placement.id, WEEK, question)
    assert (flag.flagged_by_id, flag.answered_at) == (consultant.id, None)
    assert kinds_since(employer, since) == ["week_flagged"]
    assert kinds_since(colleague, since) == ["week_flagged"]
    assert kinds_since(consultant, since) == []

    # The company sees the question on the week of all placements, and answers it.
    assert question in text_of(week_page(company))
    answer_url = f"/company/placements/{placement.id}/hours/flags/{flag.id}/answer"
    answer_form = form_to(placement_page(company, placement), answer_url)
    empty = send(company, answer_url, filled(answer_form, answer=" "))
    assert empty.status_code == 200
    assert da_text("Write your answer for the jobcentre.") in field_message(
        empty, f"answer-{flag.id}"
    )
    db.session.expire_all()
    assert db.session.get(WeekFlag, flag.id).answered_at is None

    reply = "Ja, hun var der fra 8 til 11."
    followed(company, send(company, answer_url, filled(answer_form, answer=reply)))
    db.session.expire_all()
    answered = db.session.get(WeekFlag, flag.id)
    assert (answered.answer, answered.answered_by_id) == (reply, employer.id)
    assert answered.answered_at is not None
    assert kinds_since(consultant, since) == ["week_flag_answered"]
    assert kinds_since(employer, since) == ["week_flagged"]  # not told of its own answer
    assert reply in text_of(consultant_page(jobcentre, placement))
    # Answered: no longer waiting on the company's week, and a second answer is refused.
    assert question not in text_of(week_page(company))
    again = send(company, answer_url, filled(answer_form, answer="Igen"))
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(WeekFlag, flag.id).answer == reply


# -- Queries ------------------------------------------------------------------------------


def test_the_week_page_costs_the_same_queries_for_2_10_and_50_placements(
    company, paid, make_job, employer, consultant, count_queries
):
    """Each placement of its own job, every other one confirmed, corrected and flagged."""
    made: list[Placement] = []

    def grow(to: int) -> int:
        while len(made) < to:
            placement = paid(ladder_job(make_job, employer, title=f"Job {len(made)}"))
            if len(made) % 2:
                confirm_planned(placement, employer)
                hours.correct(
                    placement,
                    employer,
                    TUE,
                    HourKind.PAID,
                    Decimal(2),
                    "Gik tidligt",
                    versions_of(placement.id),
                )
                from marketplace.hours import flags as hour_flags

                hour_flags.flag_week(placement, consultant, WEEK, f"Spørgsmål {len(made)}")
            made.append(placement)
        db.session.flush()
        db.session.expire_all()
        week_page(company)  # warm: caches filled on a first request
        with count_queries() as counted:
            page = week_page(company)
        assert text_of(page).count('name="confirm"') == to - to // 2
        return counted.count

    two = grow(2)
    assert grow(10) == two
    assert grow(50) == two


# -- Junk ---------------------------------------------------------------------------------


@pytest.mark.parametrize("week", ["junk", "2026-02-30", "99999-01-01", "0001-01-01", "", "1e9"])
def test_a_junk_week_shows_last_week(company, jobcentre, placement, week):
    for response in (
        company.get(f"/company/hours?week={week}"),
        company.get(f"/company/placements/{placement.id}/hours?week={week}"),
        jobcentre.get(f"/placements/{placement.id}/hours?week={week}"),
    ):
        assert response.status_code == 200


@pytest.mark.parametrize(
    "junk",
    [
        {"h-abc-paid-2026-01-01": "3", "h-1-paid-notaday": "3", "h--1--": "3"},
        {f"h-{2**63}-paid-2026-01-06": "3", "h-{p}-paid-9999-99-99": "3"},
        {"confirm": ["abc", "-1", str(2**31), str(2**63), "9" * 40]},
        {"placement": str(2**63)},
        {"placement": "abc"},
        {"week": "junk"},
        {"{tue}": "1e-9999999"},
        {"{tue}": "NaN"},
        {"{tue}": "Infinity"},
    ],
)
def test_junk_in_the_confirm_form_is_no_error(company, placement, junk):
    form = form_to(week_page(company), CONFIRM_URL)
    changes = {
        key.replace("{tue}", name_of(placement, TUE)).replace("{p}", str(placement.id)): value
        for key, value in junk.items()
    }
    sent = {**form.values, **{k: v if isinstance(v, list) else [v] for k, v in changes.items()}}
    if "confirm" in junk:
        sent["confirm"] = junk["confirm"]  # none of them the placement
    response = send(company, CONFIRM_URL, sent)
    assert response.status_code in (200, 302), text_of(response)[:3000]
    if response.status_code == 302:
        assert company.get(response.headers["Location"]).status_code in (200, 404)
    if "confirm" in junk:
        assert everything() == (0, 0, 0)
    assert all(hours_ > 0 for _, _, _, hours_ in records(placement))


@pytest.mark.parametrize(
    "junk",
    [
        {"day": "junk"},
        {"day": "9999-99-99"},
        {"day": (WEEK + timedelta(days=9)).isoformat()},  # not of this week
        {"kind": "junk"},
        {"hours": "1e-9999999"},
        {"hours": "NaN"},
        {"hours": "9" * 400},
        {"r-paid-{tue}": "abc"},
        {"r-paid-{tue}": str(2**63)},
        {"week": "junk"},
    ],
)
def test_junk_in_the_correction_form_is_no_error(company, placement, employer, junk):
    confirm_planned(placement, employer)
    form = correction_form(company, placement)
    base = {"day": TUE.isoformat(), "kind": "paid", "hours": "2", "reason": "Tjek"}
    changes = {k.replace("{tue}", TUE.isoformat()): v for k, v in {**base, **junk}.items()}
    response = send(company, correct_url(placement), filled(form, **changes))
    assert response.status_code in (200, 302), text_of(response)[:3000]
    corrections = [r for r in records(placement) if r[2] > 1]
    if response.status_code == 200:  # refused: nothing written
        assert corrections == []
    else:
        assert corrections == [(TUE, "paid", 2, Decimal(2))]


def test_ids_above_the_integer_column_are_404(company, jobcentre, placement, employer):
    confirm_planned(placement, employer)
    big = 2**31
    token_page = placement_page(company, placement)
    token = form_to(token_page, CORRECT).values["csrf_token"]
    assert company.get(f"/company/placements/{big}/hours").status_code == 404
    assert jobcentre.get(f"/placements/{big}/hours").status_code == 404
    answer = f"/company/placements/{placement.id}/hours/flags/{big}/answer"
    assert company.post(answer, data={"answer": "x", "csrf_token": token}).status_code == 404
    correct = f"/company/placements/{big}/hours/correct"
    assert company.post(correct, data={"csrf_token": token}).status_code == 404
    # A flag id that is not this placement's, within the column: 404 as well.
    assert (
        company.post(
            f"/company/placements/{placement.id}/hours/flags/{big - 1}/answer",
            data={"answer": "x", "csrf_token": token},
        ).status_code
        == 404
    )


def test_a_double_submitted_flag_is_one_flag_and_one_notice(
    jobcentre, placement, employer, consultant
):
    confirm_planned(placement, employer)
    since = db.session.scalar(select(func.max(Notification.id))) or 0
    form = filled(form_to(consultant_page(jobcentre, placement), "/hours/flag"), comment="Fri?")
    for _ in range(2):  # the same page posted twice, as a double click does
        assert send(jobcentre, flag_url(placement), form).status_code == 302
    assert everything()[2] == 1
    assert kinds_since(employer, since) == ["week_flagged"]


def test_a_second_question_while_one_is_open_is_told_beside_the_comment(
    jobcentre, placement, employer
):
    confirm_planned(placement, employer)
    form = form_to(consultant_page(jobcentre, placement), "/hours/flag")
    followed(jobcentre, send(jobcentre, flag_url(placement), filled(form, comment="Fri?")))
    response = send(jobcentre, flag_url(placement), filled(form, comment="Og fredag?"))
    assert response.status_code == 200
    assert da_text(hour_flags.ASKED_ALREADY) in field_message(response, "comment")
    assert form_to(response, "/hours/flag").values["comment"] == ["Og fredag?"]  # kept
    [flag] = db.session.scalars(select(WeekFlag)).all()
    assert flag.comment == "Fri?"

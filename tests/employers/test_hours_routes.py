"""The company's hours pages (employers/hours_routes.py) through HTTP, with CSRF on:
confirming a week (planned hours pre-filled, several placements at once, all or nothing, a
stale page confirms nothing twice), what an empty week says, the week page's queries, and junk
in the week and the confirm form. Corrections are in test_hours_routes_corrections.py, the
jobcentre's side in tests/candidates/test_hours_routes.py.

The placements are the shared ones: paid hours Tuesday and Thursday (3 + 3) since MONDAY,
three weeks ago (tests.factories.paid_placement); that week (tests.pages.WEEK) is the one
confirmed here. Messages are compared in the language the page is shown in (Danish).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from marketplace.agreements.terms import versions_of
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import (
    HourKind,
    Placement,
)
from tests.factories import ladder_job
from tests.html_forms import error_ids, text_of
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
    hours_week_page,
    name_of,
    placement_hours_page,
    records,
    send,
)

CONFIRM_URL = "/company/hours/confirm"


# -- Confirming a week --------------------------------------------------------------------


def test_the_week_page_prefills_the_planned_hours(company, placement):
    form = form_to(hours_week_page(company), CONFIRM_URL)
    assert form.values[name_of(placement, TUE)] == ["3"]
    assert form.values[name_of(placement, THU)] == ["3"]
    assert form.values[name_of(placement, WEEK)] == ["0"]  # agreed, but not planned
    assert name_of(placement, TUE, "praktik") not in form.values  # no praktik agreed
    assert form.values["confirm"] == [str(placement.id)]
    assert form.values["week"] == [WEEK.isoformat()]


def test_confirming_as_planned_writes_the_records(company, placement, employer):
    form = form_to(hours_week_page(company), CONFIRM_URL)
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


def test_a_planned_day_changed_to_zero_before_confirming_is_a_record_of_0(company, placement):
    form = form_to(hours_week_page(company), CONFIRM_URL)
    followed(company, send(company, CONFIRM_URL, filled(form, **{name_of(placement, THU): "0"})))
    # Only the planned days are records: the other days were neither planned nor worked.
    assert records(placement) == [(TUE, "paid", 1, Decimal(3)), (THU, "paid", 1, Decimal(0))]
    assert len(confirmations(placement)) == 1


@pytest.mark.parametrize(("typed", "stored"), [("2,5", "2.5"), ("2.25", "2.25"), ("", "0")])
def test_hours_typed_the_danish_way_are_accepted(company, placement, typed, stored):
    form = form_to(hours_week_page(company), CONFIRM_URL)
    followed(company, send(company, CONFIRM_URL, filled(form, **{name_of(placement, TUE): typed})))
    assert records(placement) == [(TUE, "paid", 1, Decimal(stored)), (THU, "paid", 1, Decimal(3))]


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
    form = form_to(hours_week_page(company), CONFIRM_URL)
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


def test_an_input_for_a_day_without_those_hours_saves_nothing_for_it(company, placement):
    """No praktik is agreed, and paid hours begin on WEEK: inputs a page never shows (sent
    by hand) never become records."""
    form = form_to(hours_week_page(company), CONFIRM_URL)
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
    form = form_to(hours_week_page(company), CONFIRM_URL)
    assert len(form.values["confirm"]) == 3
    page = followed(company, send(company, CONFIRM_URL, form.values))
    for placement in chosen:
        assert records(placement) == [(TUE, "paid", 1, Decimal(3)), (THU, "paid", 1, Decimal(3))]
        assert [c.via for c in confirmations(placement)] == ["bulk"]
    assert "3" in text_of(page)
    assert 'name="confirm"' not in text_of(page)  # nothing is left to confirm


def test_only_the_chosen_placements_are_confirmed(company, paid):
    first, second = paid(), paid()
    form = form_to(hours_week_page(company), CONFIRM_URL)
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
    form = form_to(hours_week_page(company), CONFIRM_URL)
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
    stale = form_to(hours_week_page(other), CONFIRM_URL)
    followed(
        company, send(company, CONFIRM_URL, form_to(hours_week_page(company), CONFIRM_URL).values)
    )
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
    stale = form_to(hours_week_page(other), CONFIRM_URL)
    followed(
        company, send(company, CONFIRM_URL, form_to(hours_week_page(company), CONFIRM_URL).values)
    )
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
        hours_week_page(company, before),
        placement_hours_page(company, placement, before),
        jobcentre.get(f"/placements/{placement.id}/hours?week={before.isoformat()}"),
    ):
        assert page.status_code == 200
        assert message in text_of(page)
        assert not [f for f in forms_of(page) if (f.action or "").endswith(CONFIRM_URL)]
    assert message not in text_of(hours_week_page(company))


# -- Queries ------------------------------------------------------------------------------


def test_the_week_page_costs_the_same_queries_for_2_10_and_50_placements(
    app, monkeypatch, company, paid, make_job, employer, consultant, count_queries
):
    """Each placement of its own job, every other one confirmed, corrected and flagged; all
    on one page (the week page shows 20 a page: tests/employers/test_week_page_limits.py)."""
    monkeypatch.setitem(app.config, "LIST_PAGE_SIZE", 50)
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
        hours_week_page(company)  # warm: caches filled on a first request
        with count_queries() as counted:
            page = hours_week_page(company)
        assert text_of(page).count('name="confirm"') == to - to // 2
        return counted.count

    two = grow(2)
    assert grow(10) == two
    assert grow(50) == two


def test_confirming_2_or_12_placements_week_costs_the_same_statements(company, paid, count_queries):
    """Confirming is set-based: the week of 2 placements, then the next week of 12 (each
    with its own person), in one post each, run the same number of SQL statements."""
    made = [paid(), paid()]

    def confirm_all(week) -> int:
        db.session.expire_all()
        form = form_to(hours_week_page(company, week), CONFIRM_URL)  # also warms the caches
        assert len(form.values["confirm"]) == len(made)
        with count_queries() as counted:
            response = send(company, CONFIRM_URL, form.values)
        assert response.status_code == 302, text_of(response)[:2000]
        for placement in made:
            assert [c.week_start for c in confirmations(placement)][-1] == week
        return counted.count

    two = confirm_all(WEEK)
    made += [paid() for _ in range(10)]
    assert confirm_all(WEEK + timedelta(weeks=1)) == two
    # The session's user and the week's reads; one INSERT per table; the reminders settled.
    assert two <= 20


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
    form = form_to(hours_week_page(company), CONFIRM_URL)
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
    assert all(day in (TUE, THU) for day, _, _, _ in records(placement)), records(placement)

"""The hours reminder's one-click link (employers/hours_link_routes.py), through HTTP with
CSRF on: GET shows the oldest waiting week with the planned hours and writes nothing; POST
confirms it once, as the reminder's user, all or nothing; a used or expired link is a 410, a
broken one a 404; the done page lists the weeks still waiting. The reminder in the
notification list leads to the week on the hours page, for the company's employers only.

The placements are the shared ones: paid hours Tuesday and Thursday (3 + 3) since MONDAY,
three weeks ago (tests.factories.paid_placement), so three past weeks wait
(tests.factories.WAITING_WEEKS). Messages are compared in Danish, the language the pages are
shown in.
"""

from __future__ import annotations

import re
import time as clock
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from flask import current_app
from flask.testing import FlaskClient
from flask_babel import force_locale, ngettext
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from markupsafe import escape
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.hours import reminders as hour_reminders
from marketplace.hours.forms import confirm_name
from marketplace.models import (
    HourReminder,
    Notification,
    Placement,
)
from marketplace.notifications.links import subject_link
from tests.factories import (
    WAITING_WEEKS,
    hours_waiting_notices,
    ladder_job,
    remind,
    the_hour_reminder,
)
from tests.html_forms import text_of
from tests.pages import (
    THU,
    TUE,
    WEEK,
    confirm_planned,
    confirmations,
    da_text,
    danish,
    error_beside,
    everything,
    filled,
    followed,
    form_to,
    link_form,
    name_of,
    records,
    send,
    week_no,
)
from tests.support import csrf_token_from

PLANNED = [(TUE, "paid", 1, Decimal(3)), (THU, "paid", 1, Decimal(3))]
FIRST = confirm_name(WEEK)  # the tick boxes of the oldest week (the link shows every week)


def only_first(values: dict[str, list[str]]) -> dict[str, list[str]]:
    """The post with only the oldest week chosen (the other weeks' tick boxes left out)."""
    return {k: v for k, v in values.items() if not k.startswith("confirm-") or k == FIRST}


def used_at(reminder: HourReminder) -> datetime | None:
    db.session.expire_all()
    return db.session.get(HourReminder, reminder.id).used_at


def link_of(reminder: HourReminder) -> str:
    return f"/company/hours/link/{hour_reminders.token_for(reminder)}"


def unusable(response: TestResponse, status: int, message: object) -> None:
    assert response.status_code == status, text_of(response)[:2000]
    assert danish(message) in text_of(response)
    assert 'name="confirm"' not in text_of(response)


def csrf_token(browser: FlaskClient) -> str:
    return csrf_token_from(browser.get("/login"))


# -- Opening the link ---------------------------------------------------------------------


def test_the_link_shows_every_waiting_week_and_writes_nothing(client, placement, hour_reminder):
    link = link_of(hour_reminder)
    notices_before = db.session.scalar(select(func.count(Notification.id)))
    for _ in range(2):  # a mail scanner, then the person
        page = client.get(link)
        assert page.status_code == 200
        values = form_to(page, link).values
        assert values[name_of(placement, TUE)] == ["3"]
        assert values[name_of(placement, THU)] == ["3"]
        assert values[name_of(placement, WEEK)] == ["0"]  # agreed, not planned
        for week in WAITING_WEEKS:  # every waiting week, each with its own tick box
            assert values[confirm_name(week)] == [str(placement.id)]
            assert values[name_of(placement, week + timedelta(days=1))] == ["3"]
        title = da_text("Hours for weeks %(first)s to %(last)s")
        assert title % {"first": week_no(WEEK), "last": week_no(WAITING_WEEKS[-1])} in text_of(page)
        assert everything() == (0, 0, 0)
        assert used_at(hour_reminder) is None
    assert db.session.scalar(select(func.count(Notification.id))) == notices_before


def test_posting_the_link_confirms_the_week_once_as_the_reminders_user(
    client, placement, employer, colleague
):
    assert remind() == 2
    reminder = the_hour_reminder(colleague)
    link = link_of(reminder)
    form = link_form(client, link)
    response = send(client, link, only_first(form.values))
    assert response.status_code == 302, text_of(response)[:2000]
    assert response.headers["Location"] == f"{link}/done"
    assert records(placement) == PLANNED
    [confirmation] = confirmations(placement)
    assert (confirmation.week_start, confirmation.via) == (WEEK, "link")
    assert confirmation.confirmed_by_id == colleague.id
    assert used_at(reminder) is not None
    assert used_at(the_hour_reminder(employer)) is None  # the employer's own link is another

    # Used: the page and a second post are both refused, and nothing more is written.
    unusable(client.get(link), 410, hour_reminders.USED)
    again = send(client, link, filled(form, **{name_of(placement, TUE): "1"}))
    unusable(again, 410, hour_reminders.USED)
    assert records(placement) == PLANNED
    assert len(confirmations(placement)) == 1


def test_an_expired_link_is_410_and_confirms_nothing(client, placement, hour_reminder):
    link = link_of(hour_reminder)
    form = link_form(client, link)  # opened in time
    hour_reminder.expires_at = utcnow() - timedelta(minutes=1)
    hour_reminder.created_at = hour_reminder.expires_at - timedelta(days=10)
    db.session.flush()
    unusable(client.get(link), 410, hour_reminders.EXPIRED)
    unusable(send(client, link, form.values), 410, hour_reminders.EXPIRED)
    assert everything() == (0, 0, 0)
    assert used_at(hour_reminder) is None


def token_signed_days_ago(
    monkeypatch: pytest.MonkeyPatch, reminder: HourReminder, days: float
) -> str:
    """The reminder's token as if signed `days` ago (its row still says it is valid)."""
    signed_at = int(clock.time() - days * 86400)
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: signed_at)
        return hour_reminders.token_for(reminder)


@pytest.mark.parametrize(
    ("age_days", "max_age_days", "status"),
    [(11, 10, 410), (9, 10, 200), (3, 2, 410), (1, 2, 200)],
)
def test_a_token_older_than_the_max_age_is_410(
    app, client, monkeypatch, placement, hour_reminder, age_days, max_age_days, status
):
    monkeypatch.setitem(app.config, "HOURS_LINK_MAX_AGE", timedelta(days=max_age_days))
    link = f"/company/hours/link/{token_signed_days_ago(monkeypatch, hour_reminder, age_days)}"
    response = client.get(link)
    if status == 410:
        unusable(response, 410, hour_reminders.EXPIRED)
        token = csrf_token(client)
        values = {name_of(placement, TUE): "3", FIRST: str(placement.id)}
        posted = client.post(link, data={**values, "csrf_token": token})
        unusable(posted, 410, hour_reminders.EXPIRED)
        assert everything() == (0, 0, 0)
        assert used_at(hour_reminder) is None
    else:
        assert response.status_code == 200
        assert form_to(response, link).values[FIRST] == [str(placement.id)]


def tampered(token: str, reminder: HourReminder) -> dict[str, str]:
    """Tokens that must not open the reminder's week (nor any other)."""
    payload, signature = token.split(".", 1)
    key = current_app.config["SECRET_KEY"]
    serializer = URLSafeTimedSerializer(key, salt="hours-week-link")
    assert serializer.loads(token) == reminder.id  # the salt and key the app uses
    other_payload = serializer.dumps(reminder.id + 1).split(".", 1)[0]
    middle = len(signature) // 2
    flipped = (
        signature[:middle] + ("A" if signature[middle] != "A" else "B") + signature[middle + 1 :]
    )
    return {
        "another id, same signature": f"{other_payload}.{signature}",
        "signature changed": f"{payload}.{flipped}",
        "garbage": "garbage",
        "another salt": URLSafeTimedSerializer(key, salt="x").dumps(reminder.id),
        "another key": URLSafeTimedSerializer("another-key", salt="hours-week-link").dumps(
            reminder.id
        ),
        "no such reminder": serializer.dumps(reminder.id + 10_000),
        "not an id": serializer.dumps(str(reminder.id)),
    }


def test_a_tampered_or_garbage_token_is_404(client, placement, hour_reminder):
    good = hour_reminders.token_for(hour_reminder)
    assert client.get(f"/company/hours/link/{good}").status_code == 200  # the control
    token = csrf_token(client)
    values = {name_of(placement, TUE): "3", FIRST: str(placement.id), "csrf_token": token}
    for case, bad in tampered(good, hour_reminder).items():
        link = f"/company/hours/link/{bad}"
        assert bad != good, case
        response = client.get(link)
        assert response.status_code == 404, case
        assert danish(hour_reminders.INVALID) in text_of(response), case
        assert client.post(link, data=values).status_code == 404, case
        assert client.get(f"{link}/done").status_code == 302, case  # back to the link: a 404
    assert everything() == (0, 0, 0)
    assert used_at(hour_reminder) is None


def test_the_link_of_a_deactivated_or_moved_employer_is_404(
    client, placement, employer, other_employer, hour_reminder
):
    link = link_of(hour_reminder)
    form = link_form(client, link)  # the control: it works while the employer is there
    employer.active = False
    db.session.flush()
    unusable(client.get(link), 404, hour_reminders.INVALID)
    unusable(send(client, link, form.values), 404, hour_reminders.INVALID)
    employer.active = True
    employer.organisation_id = other_employer.organisation_id  # moved to another company
    db.session.flush()
    unusable(client.get(link), 404, hour_reminders.INVALID)
    unusable(send(client, link, form.values), 404, hour_reminders.INVALID)
    assert everything() == (0, 0, 0)
    assert used_at(hour_reminder) is None


# -- Posting the link ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter a number of hours, like 2,5."),
        ("25", "Enter between 0 and 24 hours."),
        ("-1", "Enter between 0 and 24 hours."),
    ],
)
def test_a_wrong_day_is_shown_beside_its_input_and_the_link_stays_unused(
    client, placement, paid, hour_reminder, typed, message
):
    first, second = placement, paid()  # the second made after the reminder: shown too
    link = link_of(hour_reminder)
    form = link_form(client, link)
    assert sorted(form.values[FIRST]) == sorted([str(first.id), str(second.id)])
    wrong = only_first(filled(form, **{name_of(second, TUE): typed, name_of(first, THU): "2,5"}))
    response = send(client, link, wrong)
    assert response.status_code == 400, text_of(response)[:2000]
    assert da_text(message) in error_beside(response, name_of(second, TUE))
    shown = form_to(response, link)
    assert shown.values[name_of(second, TUE)] == [typed]  # what was typed is kept
    assert shown.values[name_of(first, THU)] == ["2,5"]
    assert sorted(shown.values[FIRST]) == sorted(wrong[FIRST])
    assert everything() == (0, 0, 0)
    assert used_at(hour_reminder) is None

    # Corrected, the same link confirms both weeks.
    right = only_first(filled(shown, **{name_of(second, TUE): "2,25"}))
    assert send(client, link, right).status_code == 302
    assert records(first) == [(TUE, "paid", 1, Decimal(3)), (THU, "paid", 1, Decimal("2.5"))]
    assert records(second) == [(TUE, "paid", 1, Decimal("2.25")), (THU, "paid", 1, Decimal(3))]
    assert {c.via for c in confirmations(first) + confirmations(second)} == {"link"}
    assert used_at(hour_reminder) is not None


def test_a_post_without_the_csrf_token_is_400_and_writes_nothing(client, placement, hour_reminder):
    link = link_of(hour_reminder)
    form = link_form(client, link)
    response = send(client, link, filled(form, csrf_token=None))
    assert response.status_code == 400
    assert everything() == (0, 0, 0)
    assert used_at(hour_reminder) is None
    assert send(client, link, only_first(form.values)).status_code == 302  # the control
    assert records(placement) == PLANNED


def test_a_week_confirmed_by_a_colleague_meanwhile_is_not_counted_twice(
    client, paid, employer, colleague
):
    first, second = paid(), paid()
    assert remind() == 2
    reminder = the_hour_reminder(employer)
    link = link_of(reminder)
    form = link_form(client, link)
    confirm_planned(first, colleague)  # on the hours page, while the link's page is open
    response = send(client, link, only_first(filled(form, **{name_of(first, TUE): "1"})))
    page = followed(client, response)
    assert danish(hours.ALREADY_CONFIRMED) in text_of(page)
    assert records(first) == PLANNED
    [confirmation] = confirmations(first)
    assert (confirmation.confirmed_by_id, confirmation.via) == (colleague.id, "page")
    assert records(second) == []  # all or nothing
    assert used_at(reminder) is None

    # The link still confirms what is left.
    assert form_to(page, link).values[FIRST] == [str(second.id)]
    assert send(client, link, only_first(form_to(page, link).values)).status_code == 302
    assert records(second) == PLANNED
    assert [c.via for c in confirmations(second)] == ["link"]
    assert len(confirmations(first)) == 1
    assert used_at(reminder) is not None


def waiting_on(page: TestResponse) -> list[int]:
    html = text_of(page)
    marker = da_text("Still waiting for confirmation:")
    assert marker in html, html[:3000]
    start = html.index(marker) + len(marker)
    return [int(n) for n in re.findall(r"\d+", html[start : html.index("</p>", start)])]


def test_the_done_page_thanks_and_lists_the_weeks_still_waiting(client, placement, hour_reminder):
    link = link_of(hour_reminder)
    form = link_form(client, link)
    assert client.get(f"{link}/done").headers["Location"] == link  # not used yet
    page = followed(client, send(client, link, only_first(form.values)))
    assert page.status_code == 200
    with force_locale("da"):
        confirmed = str(escape(ngettext("%(num)d week is confirmed.", "", 1) % {"num": 1}))
    assert confirmed in text_of(page)
    assert waiting_on(page) == [week_no(WAITING_WEEKS[1]), week_no(WAITING_WEEKS[2])]
    assert f"week%3D{WAITING_WEEKS[1].isoformat()}" in text_of(page)  # log in at the next week
    # The page stays readable after the link is spent.
    assert client.get(f"{link}/done").status_code == 200


def test_the_done_page_says_when_nothing_else_waits(client, placement, employer, hour_reminder):
    confirm_planned(placement, employer, WAITING_WEEKS[1])
    confirm_planned(placement, employer, WAITING_WEEKS[2])
    link = link_of(hour_reminder)
    page = followed(client, send(client, link, link_form(client, link).values))
    assert danish("No other weeks wait.") in text_of(page)
    assert da_text("Still waiting for confirmation:") not in text_of(page)


# -- The reminder in the notification list ------------------------------------------------


def test_the_notice_leads_to_the_week_on_the_hours_page(app, company, employer, hour_reminder):
    [notice] = hours_waiting_notices(employer)
    route = f"/company/hours/reminders/{hour_reminder.id}"
    with app.test_request_context():
        assert subject_link(notice) == route
    listed = company.get("/notifications/")
    assert f'href="/notifications/{notice.id}"' in text_of(listed)
    opened = company.get(f"/notifications/{notice.id}")
    assert opened.headers["Location"] == route
    response = company.get(route)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/company/hours?week={WEEK.isoformat()}"
    assert 'name="confirm"' in text_of(followed(company, response))


def test_the_reminder_route_is_the_companys_only(
    app, client, login, hour_reminder, employer, colleague, other_employer, consultant
):
    route = f"/company/hours/reminders/{hour_reminder.id}"
    cases = [
        (colleague, 302),  # the company's reminder: any of its employers opens the week
        (other_employer, 404),
        (consultant, 403),
    ]
    for user, status in cases:
        browser = app.test_client()
        login(user, via=browser)
        response = browser.get(route)
        assert response.status_code == status, user.email
        if status == 302:
            assert response.headers["Location"] == f"/company/hours?week={WEEK.isoformat()}"
    anonymous = client.get(route)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login")
    owner = app.test_client()
    login(employer, via=owner)
    missing = (db.session.scalar(select(func.max(HourReminder.id))) or 0) + 1000
    assert owner.get(f"/company/hours/reminders/{missing}").status_code == 404
    assert owner.get(f"/company/hours/reminders/{2**31}").status_code == 404


# -- Queries ------------------------------------------------------------------------------


def test_the_link_page_costs_the_same_queries_for_2_and_6_placements(
    client, paid, make_job, employer, count_queries
):
    """Each placement of its own job; every other one's week confirmed already."""
    made: list[Placement] = [paid()]
    assert remind() == 1
    link = link_of(the_hour_reminder(employer))

    def grow(to: int) -> int:
        while len(made) < to:
            placement = paid(ladder_job(make_job, employer, title=f"Job {len(made)}"))
            if len(made) % 2:
                confirm_planned(placement, employer)
            made.append(placement)
        db.session.flush()
        db.session.expire_all()
        client.get(link)  # warm: caches filled on a first request
        with count_queries() as counted:
            page = client.get(link)
        assert page.status_code == 200
        assert len(form_to(page, link).values[FIRST]) == to - to // 2
        return counted.count

    two = grow(2)
    assert grow(6) == two


def test_link_pages_are_never_cached(app, placement, employer, client):
    """The link stands in for a login: its pages must not stay in a shared computer's cache."""
    db.session.flush()
    hour_reminders.send_hour_reminders(datetime.now(UTC))
    db.session.commit()
    reminder = db.session.scalar(select(HourReminder).where(HourReminder.user_id == employer.id))
    page = client.get(f"/company/hours/link/{hour_reminders.token_for(reminder)}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get("/login").headers.get("Cache-Control") != "no-store"


def test_the_link_confirms_every_waiting_week_at_once(client, placement, hour_reminder):
    """Sofie's Friday: one post confirms all the weeks that waited, not only the oldest."""
    link = link_of(hour_reminder)
    response = send(client, link, link_form(client, link).values)
    assert followed(client, response).status_code == 200
    assert [c.week_start for c in confirmations(placement)] == WAITING_WEEKS
    assert {c.via for c in confirmations(placement)} == {"link"}
    assert len(records(placement)) == 2 * len(WAITING_WEEKS)
    assert danish("No other weeks wait.") in text_of(followed(client, response))


# -- Queries ------------------------------------------------------------------------------


def test_confirming_2_or_12_placements_weeks_by_link_costs_the_same_statements(
    client, paid, employer, colleague, count_queries
):
    """The link confirms every chosen placement of several weeks in a fixed number of
    statements: two weeks of 2 placements by one employer's link, then two weeks of 10 more
    placements by a colleague's, the same count. The last week waits in both, so both posts
    settle no reminder."""
    made = [paid(), paid()]
    assert remind() == 2

    def confirm_by_link(user) -> int:
        link = link_of(the_hour_reminder(user))
        values = link_form(client, link).values  # also warms the caches
        last = confirm_name(WAITING_WEEKS[-1])
        kept = {key: value for key, value in values.items() if key != last}
        assert {key for key in values if key.startswith("confirm-")} == {
            confirm_name(week) for week in WAITING_WEEKS
        }
        with count_queries() as counted:
            response = send(client, link, kept)
        assert response.status_code == 302, text_of(response)[:2000]
        assert all(len(confirmations(p)) == len(WAITING_WEEKS) - 1 for p in made)
        return counted.count

    two = confirm_by_link(employer)
    made = [paid() for _ in range(10)]
    assert confirm_by_link(colleague) == two

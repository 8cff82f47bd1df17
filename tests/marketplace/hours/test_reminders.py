"""The weekly hours reminder and its one-click link, through HTTP with CSRF on.

Sending: one reminder (and one notification) per active employer of a company with past weeks
waiting, however often it runs in a week; a new one the next week. The e-mail carries the
signed link, in Danish, and is skipped once the link is used or expired. The link: GET shows
the oldest waiting week with the planned hours and writes nothing; POST confirms it once, as
the reminder's user, all or nothing; a used or expired link is a 410, a broken one a 404.

The placements have paid hours Tuesday and Thursday (3 + 3) since a Monday three weeks ago
(tests.unit.test_hour_records.paid_placement), so three past weeks wait: WEEK, WEEK + 7 days
and last week. Messages are compared in Danish, the language the pages are shown in.
"""

from __future__ import annotations

import re
import time as clock
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, ClassVar

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from flask_babel import force_locale, ngettext
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from markupsafe import escape
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from marketplace import queue, tasks
from marketplace.clock import LOCAL_TZ, local_today, utcnow
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.hours import reminders as hour_reminders
from marketplace.models import (
    EmailState,
    HourReminder,
    Notification,
    Placement,
    User,
)
from marketplace.notifications import delivery
from marketplace.notifications.kinds import KINDS
from marketplace.notifications.links import subject_link
from tests.factories import ladder_job, paid_placement
from tests.html_forms import PageForm, text_of
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
    name_of,
    records,
    send,
)
from tests.support import csrf_token_from

# The fixtures of the hours pages, found by pytest under these names.

THIS_MONDAY = hours.week_start_of(local_today())
LAST_WEEK = THIS_MONDAY - timedelta(weeks=1)
WAITING = [WEEK, WEEK + timedelta(weeks=1), WEEK + timedelta(weeks=2)]
assert WAITING[-1] == LAST_WEEK
PLANNED = [(TUE, "paid", 1, Decimal(3)), (THU, "paid", 1, Decimal(3))]


# -- Helpers ------------------------------------------------------------------------------


def at(monday: date, hour: int, days: int = 0) -> datetime:
    """A moment of the week of `monday`, local time, as the task receives it (UTC)."""
    return datetime.combine(monday + timedelta(days=days), time(hour), LOCAL_TZ).astimezone(UTC)


def remind(now: datetime | None = None) -> int:
    written = hour_reminders.send_hour_reminders(now or at(THIS_MONDAY, 6))
    db.session.flush()
    return written


def reminders_of(user: User) -> list[HourReminder]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(HourReminder)
            .where(HourReminder.user_id == user.id)
            .order_by(HourReminder.sent_for_week)
        )
    )


def the_reminder(user: User) -> HourReminder:
    [reminder] = reminders_of(user)
    return reminder


def notices_of(user: User) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.recipient_id == user.id, Notification.kind == "hours_waiting")
            .order_by(Notification.id)
        )
    )


def used_at(reminder: HourReminder) -> datetime | None:
    db.session.expire_all()
    return db.session.get(HourReminder, reminder.id).used_at


def link_of(reminder: HourReminder) -> str:
    return f"/company/hours/link/{hour_reminders.token_for(reminder)}"


def week_no(day: date) -> int:
    return day.isocalendar().week


def link_form(browser: FlaskClient, link: str) -> PageForm:
    page = browser.get(link)
    assert page.status_code == 200, text_of(page)[:2000]
    return form_to(page, link)


def unusable(response: TestResponse, status: int, message: object) -> None:
    assert response.status_code == status, text_of(response)[:2000]
    assert danish(message) in text_of(response)
    assert 'name="confirm"' not in text_of(response)


def csrf_token(browser: FlaskClient) -> str:
    return csrf_token_from(browser.get("/login"))


def emails_for(outbox: Path, *notices: Notification) -> list[EmailMessage]:
    wanted = {delivery.message_id(n.id) for n in notices}
    found = [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(outbox.glob("*.eml"))
    ]
    return [m for m in found if m["Message-ID"] in wanted]


@pytest.fixture
def sent(placement: Placement, employer: User) -> HourReminder:
    """This week's reminder to the employer (WEEK and the two after it wait)."""
    assert remind() == 1
    return the_reminder(employer)


# -- Sending ------------------------------------------------------------------------------


def test_the_task_run_twice_writes_one_reminder_and_one_notice_per_employer(
    placement, employer, colleague
):
    tasks.send_hour_reminders()
    tasks.send_hour_reminders()
    db.session.rollback()  # the task commits: a worker's transaction ends with it
    seen = set()
    for user in (employer, colleague):
        reminder = the_reminder(user)
        assert (reminder.company_id, reminder.sent_for_week) == (
            employer.organisation_id,
            LAST_WEEK,
        )
        assert (reminder.opens_week, reminder.weeks_waiting, reminder.used_at) == (WEEK, 3, None)
        assert reminder.expires_at - reminder.created_at == timedelta(days=10)
        [notice] = notices_of(user)
        assert (notice.subject_type, notice.subject_id) == ("hour_reminders", reminder.id)
        assert notice.params == {"week": week_no(WEEK), "weeks": 3}
        seen.add(reminder.id)
    assert len(seen) == 2


def test_sending_again_in_the_same_week_writes_nothing_more(placement, employer):
    assert remind(at(THIS_MONDAY, 6)) == 1
    assert remind(at(THIS_MONDAY, 6)) == 0
    assert remind(at(THIS_MONDAY, 11)) == 0
    assert remind(at(THIS_MONDAY, 22, days=6)) == 0  # Sunday evening, still this week
    [reminder] = reminders_of(employer)
    assert reminder.created_at == at(THIS_MONDAY, 6)
    assert len(notices_of(employer)) == 1


def test_next_weeks_run_writes_a_new_reminder(placement, employer):
    assert remind(at(THIS_MONDAY, 6)) == 1
    assert remind(at(THIS_MONDAY + timedelta(weeks=1), 6)) == 1
    assert remind(at(THIS_MONDAY + timedelta(weeks=1), 9)) == 0
    first, second = reminders_of(employer)
    assert (first.sent_for_week, first.weeks_waiting) == (LAST_WEEK, 3)
    # Next Monday, this week has ended too and waits as well.
    assert (second.sent_for_week, second.opens_week, second.weeks_waiting) == (THIS_MONDAY, WEEK, 4)
    assert [n.subject_id for n in notices_of(employer)] == [first.id, second.id]


def test_a_company_with_every_past_week_confirmed_gets_none(placement, employer):
    confirm_planned(placement, employer, WAITING[0])
    confirm_planned(placement, employer, WAITING[1])
    company_id = employer.organisation_id
    assert hour_reminders.waiting_weeks(THIS_MONDAY) == {company_id: [WAITING[2]]}  # control
    confirm_planned(placement, employer, WAITING[2])
    assert hour_reminders.waiting_weeks(THIS_MONDAY) == {}
    assert remind() == 0
    assert reminders_of(employer) == []
    assert notices_of(employer) == []


def test_the_oldest_waiting_week_opens_the_link(placement, employer):
    confirm_planned(placement, employer, WAITING[0])
    assert remind() == 1
    reminder = the_reminder(employer)
    assert (reminder.opens_week, reminder.weeks_waiting) == (WAITING[1], 2)


def test_a_deactivated_employer_gets_none(placement, employer, colleague):
    employer.active = False
    db.session.flush()
    assert remind() == 1
    assert reminders_of(employer) == []
    assert notices_of(employer) == []
    assert the_reminder(colleague).company_id == employer.organisation_id
    assert len(notices_of(colleague)) == 1


def test_another_companys_employer_hears_only_of_their_own_company(
    placement, employer, other_employer, consultant, make_job, make_company, make_user
):
    theirs = paid_placement(ladder_job(make_job, other_employer), consultant, other_employer, "B")
    idle = make_user(make_company(name="Tredje Firma"))  # no placements: nothing waits
    db.session.flush()
    assert remind() == 2
    assert the_reminder(employer).company_id == employer.organisation_id
    [their_reminder] = reminders_of(other_employer)
    assert their_reminder.company_id == theirs.company_id != employer.organisation_id
    assert [n.subject_id for n in notices_of(other_employer)] == [their_reminder.id]
    assert reminders_of(idle) == []
    assert notices_of(idle) == []


# -- The e-mail ---------------------------------------------------------------------------

LINK_IN_MAIL = re.compile(r"http://localhost/company/hours/link/([A-Za-z0-9_\-.]+)")


def test_the_email_carries_the_signed_link_in_danish(client, placement, sent, employer, outbox):
    [notice] = notices_of(employer)
    db.session.commit()
    queue.run_inprocess_tasks()
    [mail] = emails_for(outbox, notice)
    assert mail["To"] == employer.email
    subject = KINDS["hours_waiting"].subject
    with force_locale("en"):
        english_subject = str(subject) % {"week": week_no(WEEK)}
    with force_locale("da"):
        assert mail["Subject"] == str(subject) % {"week": week_no(WEEK)} != english_subject
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert danish("Hello %(name)s,") % {"name": employer.name} in text
    assert (
        da_text("Confirm week %(n)s with one click here (no login needed):") % {"n": week_no(WEEK)}
        in text
    )
    [token] = LINK_IN_MAIL.findall(text)
    assert f'href="http://localhost/company/hours/link/{token}"' in html
    assert hour_reminders.reminder_of_token(token).id == sent.id
    # The link in the mail opens the week, without logging in.
    form = link_form(client, f"/company/hours/link/{token}")
    assert form.values["confirm"] == [str(placement.id)]
    assert form.values[name_of(placement, TUE)] == ["3"]


def test_no_email_once_the_link_is_used_or_expired(
    placement, employer, colleague, make_user, outbox
):
    third = make_user(employer.organisation, name="Tredje Tove")
    assert remind() == 3
    used, expired, fresh = (the_reminder(u) for u in (employer, colleague, third))
    used.used_at = utcnow()
    expired.created_at = utcnow() - timedelta(days=11)
    expired.expires_at = utcnow() - timedelta(days=1)
    db.session.flush()
    notices = {u.id: notices_of(u)[0] for u in (employer, colleague, third)}
    with force_locale("da"):
        assert delivery.compose(notices[employer.id]) is None
        assert delivery.compose(notices[colleague.id]) is None
        assert delivery.compose(notices[third.id]) is not None  # the control
    db.session.commit()
    queue.run_inprocess_tasks()
    [mail] = emails_for(outbox, *notices.values())
    assert mail["To"] == third.email
    db.session.expire_all()
    states = {u: db.session.get(Notification, n.id).email_state for u, n in notices.items()}
    assert states == {
        employer.id: EmailState.SKIPPED,
        colleague.id: EmailState.SKIPPED,
        third.id: EmailState.SENT,
    }
    assert fresh.used_at is None


# -- Opening the link ---------------------------------------------------------------------


def test_the_link_shows_the_oldest_waiting_week_and_writes_nothing(client, placement, sent):
    link = link_of(sent)
    notices_before = db.session.scalar(select(func.count(Notification.id)))
    for _ in range(2):  # a mail scanner, then the person
        page = client.get(link)
        assert page.status_code == 200
        values = form_to(page, link).values
        assert values[name_of(placement, TUE)] == ["3"]
        assert values[name_of(placement, THU)] == ["3"]
        assert values[name_of(placement, WEEK)] == ["0"]  # agreed, not planned
        assert values["confirm"] == [str(placement.id)]
        later = WEEK + timedelta(weeks=1, days=1)
        assert name_of(placement, later) not in values  # only the oldest week
        assert da_text("Hours for week %(n)s") % {"n": week_no(WEEK)} in text_of(page)
        assert everything() == (0, 0, 0)
        assert used_at(sent) is None
    assert db.session.scalar(select(func.count(Notification.id))) == notices_before


def test_posting_the_link_confirms_the_week_once_as_the_reminders_user(
    client, placement, employer, colleague
):
    assert remind() == 2
    reminder = the_reminder(colleague)
    link = link_of(reminder)
    form = link_form(client, link)
    response = send(client, link, form.values)
    assert response.status_code == 302, text_of(response)[:2000]
    assert response.headers["Location"] == f"{link}/done"
    assert records(placement) == PLANNED
    [confirmation] = confirmations(placement)
    assert (confirmation.week_start, confirmation.via) == (WEEK, "link")
    assert confirmation.confirmed_by_id == colleague.id
    assert used_at(reminder) is not None
    assert used_at(the_reminder(employer)) is None  # the employer's own link is another

    # Used: the page and a second post are both refused, and nothing more is written.
    unusable(client.get(link), 410, hour_reminders.USED)
    again = send(client, link, filled(form, **{name_of(placement, TUE): "1"}))
    unusable(again, 410, hour_reminders.USED)
    assert records(placement) == PLANNED
    assert len(confirmations(placement)) == 1


def test_an_expired_link_is_410_and_confirms_nothing(client, placement, sent):
    link = link_of(sent)
    form = link_form(client, link)  # opened in time
    sent.expires_at = utcnow() - timedelta(minutes=1)
    sent.created_at = sent.expires_at - timedelta(days=10)
    db.session.flush()
    unusable(client.get(link), 410, hour_reminders.EXPIRED)
    unusable(send(client, link, form.values), 410, hour_reminders.EXPIRED)
    assert everything() == (0, 0, 0)
    assert used_at(sent) is None


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
    app, client, monkeypatch, placement, sent, age_days, max_age_days, status
):
    monkeypatch.setitem(app.config, "HOURS_LINK_MAX_AGE", timedelta(days=max_age_days))
    link = f"/company/hours/link/{token_signed_days_ago(monkeypatch, sent, age_days)}"
    response = client.get(link)
    if status == 410:
        unusable(response, 410, hour_reminders.EXPIRED)
        token = csrf_token(client)
        values = {name_of(placement, TUE): "3", "confirm": str(placement.id)}
        posted = client.post(link, data={**values, "csrf_token": token})
        unusable(posted, 410, hour_reminders.EXPIRED)
        assert everything() == (0, 0, 0)
        assert used_at(sent) is None
    else:
        assert response.status_code == 200
        assert form_to(response, link).values["confirm"] == [str(placement.id)]


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


def test_a_tampered_or_garbage_token_is_404(client, placement, sent):
    good = hour_reminders.token_for(sent)
    assert client.get(f"/company/hours/link/{good}").status_code == 200  # the control
    token = csrf_token(client)
    values = {name_of(placement, TUE): "3", "confirm": str(placement.id), "csrf_token": token}
    for case, bad in tampered(good, sent).items():
        link = f"/company/hours/link/{bad}"
        assert bad != good, case
        response = client.get(link)
        assert response.status_code == 404, case
        assert danish(hour_reminders.INVALID) in text_of(response), case
        assert client.post(link, data=values).status_code == 404, case
        assert client.get(f"{link}/done").status_code == 302, case  # back to the link: a 404
    assert everything() == (0, 0, 0)
    assert used_at(sent) is None


def test_the_link_of_a_deactivated_or_moved_employer_is_404(
    client, placement, employer, other_employer, sent
):
    link = link_of(sent)
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
    assert used_at(sent) is None


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
    client, placement, paid, sent, typed, message
):
    first, second = placement, paid()  # the second made after the reminder: shown too
    link = link_of(sent)
    form = link_form(client, link)
    assert sorted(form.values["confirm"]) == sorted([str(first.id), str(second.id)])
    wrong = filled(form, **{name_of(second, TUE): typed, name_of(first, THU): "2,5"})
    response = send(client, link, wrong)
    assert response.status_code == 400, text_of(response)[:2000]
    assert da_text(message) in error_beside(response, name_of(second, TUE))
    shown = form_to(response, link)
    assert shown.values[name_of(second, TUE)] == [typed]  # what was typed is kept
    assert shown.values[name_of(first, THU)] == ["2,5"]
    assert sorted(shown.values["confirm"]) == sorted(wrong["confirm"])
    assert everything() == (0, 0, 0)
    assert used_at(sent) is None

    # Corrected, the same link confirms both weeks.
    right = filled(shown, **{name_of(second, TUE): "2,25"})
    assert send(client, link, right).status_code == 302
    assert records(first) == [(TUE, "paid", 1, Decimal(3)), (THU, "paid", 1, Decimal("2.5"))]
    assert records(second) == [(TUE, "paid", 1, Decimal("2.25")), (THU, "paid", 1, Decimal(3))]
    assert {c.via for c in confirmations(first) + confirmations(second)} == {"link"}
    assert used_at(sent) is not None


def test_a_post_without_the_csrf_token_is_400_and_writes_nothing(client, placement, sent):
    link = link_of(sent)
    form = link_form(client, link)
    response = send(client, link, filled(form, csrf_token=None))
    assert response.status_code == 400
    assert everything() == (0, 0, 0)
    assert used_at(sent) is None
    assert send(client, link, form.values).status_code == 302  # the control: with it, it works
    assert records(placement) == PLANNED


def test_a_week_confirmed_by_a_colleague_meanwhile_is_not_counted_twice(
    client, paid, employer, colleague
):
    first, second = paid(), paid()
    assert remind() == 2
    reminder = the_reminder(employer)
    link = link_of(reminder)
    form = link_form(client, link)
    confirm_planned(first, colleague)  # on the hours page, while the link's page is open
    response = send(client, link, filled(form, **{name_of(first, TUE): "1"}))
    page = followed(client, response)
    assert danish(hours.ALREADY_CONFIRMED) in text_of(page)
    assert records(first) == PLANNED
    [confirmation] = confirmations(first)
    assert (confirmation.confirmed_by_id, confirmation.via) == (colleague.id, "page")
    assert records(second) == []  # all or nothing
    assert used_at(reminder) is None

    # The link still confirms what is left.
    assert form_to(page, link).values["confirm"] == [str(second.id)]
    assert send(client, link, form_to(page, link).values).status_code == 302
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


def test_the_done_page_thanks_and_lists_the_weeks_still_waiting(client, placement, sent):
    link = link_of(sent)
    form = link_form(client, link)
    assert client.get(f"{link}/done").headers["Location"] == link  # not used yet
    page = followed(client, send(client, link, form.values))
    assert page.status_code == 200
    with force_locale("da"):
        confirmed = str(escape(ngettext("%(num)d week is confirmed.", "", 1) % {"num": 1}))
    assert confirmed in text_of(page)
    assert waiting_on(page) == [week_no(WAITING[1]), week_no(WAITING[2])]
    assert f"week%3D{WAITING[1].isoformat()}" in text_of(page)  # log in at the next week
    # The page stays readable after the link is spent.
    assert client.get(f"{link}/done").status_code == 200


def test_the_done_page_says_when_nothing_else_waits(client, placement, employer, sent):
    confirm_planned(placement, employer, WAITING[1])
    confirm_planned(placement, employer, WAITING[2])
    link = link_of(sent)
    page = followed(client, send(client, link, link_form(client, link).values))
    assert danish("No other weeks wait.") in text_of(page)
    assert da_text("Still waiting for confirmation:") not in text_of(page)


# -- The reminder in the notification list ------------------------------------------------


def test_the_notice_leads_to_the_week_on_the_hours_page(app, company, employer, sent):
    [notice] = notices_of(employer)
    route = f"/company/hours/reminders/{sent.id}"
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
    app, client, login, sent, employer, colleague, other_employer, consultant
):
    route = f"/company/hours/reminders/{sent.id}"
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
    link = link_of(the_reminder(employer))

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
        assert len(form_to(page, link).values["confirm"]) == to - to // 2
        return counted.count

    two = grow(2)
    assert grow(6) == two


# -- The commands -------------------------------------------------------------------------


def test_flask_sweep_with_hour_reminders_writes_them_once(app, placement, employer, outbox):
    db.session.commit()
    queue.run_inprocess_tasks()  # the placement's own notices are e-mailed before the sweep
    runner = app.test_cli_runner()
    plain = runner.invoke(args=["sweep"])
    assert plain.exit_code == 0, plain.output
    assert "hour_reminders" not in plain.output
    assert reminders_of(employer) == []
    first = runner.invoke(args=["sweep", "--hour-reminders"])
    assert first.exit_code == 0, first.output
    assert "hour_reminders=1" in first.output
    db.session.rollback()  # the command shares this session: what it wrote is committed
    second = runner.invoke(args=["sweep", "--hour-reminders"])
    assert "hour_reminders=0" in second.output
    reminder = the_reminder(employer)
    assert (reminder.sent_for_week, reminder.opens_week) == (LAST_WEEK, WEEK)
    assert len(notices_of(employer)) == 1


class FakeScheduler:
    """rq's CronScheduler without Redis: what `flask cron` registers, and that it starts."""

    made: ClassVar[list[FakeScheduler]] = []

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.registered: list[tuple[Callable[..., Any], str, dict[str, Any]]] = []
        self.started = False
        FakeScheduler.made.append(self)

    def register(self, func: Callable[..., Any], queue_name: str, **when: Any) -> None:
        self.registered.append((func, queue_name, when))

    def start(self) -> None:
        self.started = True


def test_flask_cron_registers_the_weekly_reminder(
    app: Flask, monkeypatch: pytest.MonkeyPatch, placement: Placement, employer: User
) -> None:
    import rq.cron

    FakeScheduler.made = []
    monkeypatch.setitem(app.config, "HOURS_REMINDER_CRON", "5 7 * * 1")
    with monkeypatch.context() as patch:
        patch.setattr(rq.cron, "CronScheduler", FakeScheduler)
        patch.setattr("marketplace.queue.redis_connection", lambda: "redis")
        result = app.test_cli_runner().invoke(args=["cron"])
    assert result.exit_code == 0, result.output
    [scheduler] = FakeScheduler.made
    assert scheduler.started
    reminders = [(q, when) for f, q, when in scheduler.registered if f is tasks.send_hour_reminders]
    assert reminders == [(app.config["RQ_QUEUE"], {"cron": "5 7 * * 1"})]
    # What the worker then runs writes the reminders.
    [func] = [f for f, _, _ in scheduler.registered if f is tasks.send_hour_reminders]
    func()
    assert the_reminder(employer).opens_week == WEEK


def test_the_default_schedule_is_monday_mornings(app):
    assert app.config["HOURS_REMINDER_CRON"] == "0 6-11 * * 1"
    assert app.config["HOURS_LINK_MAX_AGE"] == timedelta(days=10)


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


@pytest.mark.parametrize(
    ("preference", "state"),
    [("immediate", "pending"), ("daily", "pending"), ("off", "skipped")],
)
def test_the_reminder_is_mailed_at_once_unless_e_mail_is_off(
    placement, employer, preference, state
):
    """The reminder is weekly already; in the daily digest its one-click link would be lost."""
    employer.email_preference = preference
    db.session.flush()
    hour_reminders.send_hour_reminders(utcnow())
    [notice] = notices_of(employer)
    assert notice.email_state == state

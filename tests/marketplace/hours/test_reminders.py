"""The weekly hours reminder (marketplace/hours/reminders.py): sending, the e-mail and the
commands that run it.

Sending: one reminder (and one notification) per active employer of a company with past weeks
waiting, however often it runs in a week; a new one the next week. The e-mail carries the
signed link, in Danish, and is skipped once the link is used or expired; it goes at once
unless e-mail is off. flask sweep --hour-reminders writes them once, flask cron schedules
them for Monday mornings. The link itself is tested in tests/employers/test_hours_link_routes.py.

The placements are the shared ones: paid hours Tuesday and Thursday (3 + 3) since MONDAY,
three weeks ago (tests.factories.paid_placement), so three past weeks wait
(tests.factories.WAITING_WEEKS): WEEK, WEEK + 7 days and last week.
"""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale

from marketplace import queue, tasks
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.hours import reminders as hour_reminders
from marketplace.models import (
    EmailState,
    Notification,
    Placement,
    User,
)
from marketplace.notifications import delivery
from marketplace.notifications.kinds import KINDS
from tests.factories import (
    THIS_WEEK,
    WAITING_WEEKS,
    at_hour,
    hour_reminders_of,
    hours_waiting_notices,
    ladder_job,
    paid_placement,
    remind,
    the_hour_reminder,
)
from tests.pages import (
    TUE,
    WEEK,
    confirm_planned,
    da_text,
    danish,
    link_form,
    name_of,
    week_no,
)
from tests.support import cron_registrations

LAST_WEEK = THIS_WEEK - timedelta(weeks=1)
assert WAITING_WEEKS[-1] == LAST_WEEK


def emails_for(outbox: Path, *notices: Notification) -> list[EmailMessage]:
    wanted = {delivery.message_id(n.id) for n in notices}
    found = [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(outbox.glob("*.eml"))
    ]
    return [m for m in found if m["Message-ID"] in wanted]


# -- Sending ------------------------------------------------------------------------------


def test_the_task_run_twice_writes_one_reminder_and_one_notice_per_employer(
    placement, employer, colleague
):
    tasks.send_hour_reminders()
    tasks.send_hour_reminders()
    db.session.rollback()  # the task commits: a worker's transaction ends with it
    seen = set()
    for user in (employer, colleague):
        reminder = the_hour_reminder(user)
        assert (reminder.company_id, reminder.sent_for_week) == (
            employer.organisation_id,
            LAST_WEEK,
        )
        assert (reminder.opens_week, reminder.weeks_waiting, reminder.used_at) == (WEEK, 3, None)
        assert reminder.expires_at - reminder.created_at == timedelta(days=10)
        [notice] = hours_waiting_notices(user)
        assert (notice.subject_type, notice.subject_id) == ("hour_reminders", reminder.id)
        assert notice.params == {"week": week_no(WEEK), "weeks": 3}
        seen.add(reminder.id)
    assert len(seen) == 2


def test_sending_again_in_the_same_week_writes_nothing_more(placement, employer):
    assert remind(at_hour(THIS_WEEK, 6)) == 1
    assert remind(at_hour(THIS_WEEK, 6)) == 0
    assert remind(at_hour(THIS_WEEK, 11)) == 0
    assert remind(at_hour(THIS_WEEK, 22, days=6)) == 0  # Sunday evening, still this week
    [reminder] = hour_reminders_of(employer)
    assert reminder.created_at == at_hour(THIS_WEEK, 6)
    assert len(hours_waiting_notices(employer)) == 1


def test_next_weeks_run_writes_a_new_reminder(placement, employer):
    assert remind(at_hour(THIS_WEEK, 6)) == 1
    assert remind(at_hour(THIS_WEEK + timedelta(weeks=1), 6)) == 1
    assert remind(at_hour(THIS_WEEK + timedelta(weeks=1), 9)) == 0
    first, second = hour_reminders_of(employer)
    assert (first.sent_for_week, first.weeks_waiting) == (LAST_WEEK, 3)
    # Next Monday, this week has ended too and waits as well.
    assert (second.sent_for_week, second.opens_week, second.weeks_waiting) == (THIS_WEEK, WEEK, 4)
    assert [n.subject_id for n in hours_waiting_notices(employer)] == [first.id, second.id]


def test_a_company_with_every_past_week_confirmed_gets_none(placement, employer):
    confirm_planned(placement, employer, WAITING_WEEKS[0])
    confirm_planned(placement, employer, WAITING_WEEKS[1])
    company_id = employer.organisation_id
    assert hour_reminders.waiting_weeks(THIS_WEEK) == {company_id: [WAITING_WEEKS[2]]}  # control
    confirm_planned(placement, employer, WAITING_WEEKS[2])
    assert hour_reminders.waiting_weeks(THIS_WEEK) == {}
    assert remind() == 0
    assert hour_reminders_of(employer) == []
    assert hours_waiting_notices(employer) == []


def test_the_oldest_waiting_week_opens_the_link(placement, employer):
    confirm_planned(placement, employer, WAITING_WEEKS[0])
    assert remind() == 1
    reminder = the_hour_reminder(employer)
    assert (reminder.opens_week, reminder.weeks_waiting) == (WAITING_WEEKS[1], 2)


def test_a_deactivated_employer_gets_none(placement, employer, colleague):
    employer.active = False
    db.session.flush()
    assert remind() == 1
    assert hour_reminders_of(employer) == []
    assert hours_waiting_notices(employer) == []
    assert the_hour_reminder(colleague).company_id == employer.organisation_id
    assert len(hours_waiting_notices(colleague)) == 1


def test_another_companys_employer_hears_only_of_their_own_company(
    placement, employer, other_employer, consultant, make_job, make_company, make_user
):
    theirs = paid_placement(ladder_job(make_job, other_employer), consultant, other_employer, "B")
    idle = make_user(make_company(name="Tredje Firma"))  # no placements: nothing waits
    db.session.flush()
    assert remind() == 2
    assert the_hour_reminder(employer).company_id == employer.organisation_id
    [their_reminder] = hour_reminders_of(other_employer)
    assert their_reminder.company_id == theirs.company_id != employer.organisation_id
    assert [n.subject_id for n in hours_waiting_notices(other_employer)] == [their_reminder.id]
    assert hour_reminders_of(idle) == []
    assert hours_waiting_notices(idle) == []


# -- The e-mail ---------------------------------------------------------------------------

LINK_IN_MAIL = re.compile(r"http://localhost/company/hours/link/([A-Za-z0-9_\-.]+)")


def test_the_email_carries_the_signed_link_in_danish(
    client, placement, hour_reminder, employer, outbox
):
    [notice] = hours_waiting_notices(employer)
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
    # The link opens every week that waits, so the mail names them all, oldest to newest.
    assert (
        da_text("Confirm weeks %(first)s to %(last)s with one click here (no login needed):")
        % {"first": week_no(WEEK), "last": week_no(LAST_WEEK)}
        in text
    )
    assert (
        da_text("Confirm weeks %(first)s to %(last)s")
        % {"first": week_no(WEEK), "last": week_no(LAST_WEEK)}
        in html
    )
    [token] = LINK_IN_MAIL.findall(text)
    assert f'href="http://localhost/company/hours/link/{token}"' in html
    assert hour_reminders.reminder_of_token(token).id == hour_reminder.id
    # The link in the mail opens the week, without logging in.
    form = link_form(client, f"/company/hours/link/{token}")
    assert form.values[f"confirm-{WEEK.isoformat()}"] == [str(placement.id)]
    assert form.values[name_of(placement, TUE)] == ["3"]


def test_no_email_once_the_link_is_used_or_expired(
    placement, employer, colleague, make_user, outbox
):
    third = make_user(employer.organisation, name="Tredje Tove")
    assert remind() == 3
    used, expired, fresh = (the_hour_reminder(u) for u in (employer, colleague, third))
    used.used_at = utcnow()
    expired.created_at = utcnow() - timedelta(days=11)
    expired.expires_at = utcnow() - timedelta(days=1)
    db.session.flush()
    notices = {u.id: hours_waiting_notices(u)[0] for u in (employer, colleague, third)}
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


# -- The commands -------------------------------------------------------------------------


def test_flask_sweep_with_hour_reminders_writes_them_once(app, placement, employer, outbox):
    db.session.commit()
    queue.run_inprocess_tasks()  # the placement's own notices are e-mailed before the sweep
    runner = app.test_cli_runner()
    plain = runner.invoke(args=["sweep"])
    assert plain.exit_code == 0, plain.output
    assert "hour_reminders" not in plain.output
    assert hour_reminders_of(employer) == []
    first = runner.invoke(args=["sweep", "--hour-reminders"])
    assert first.exit_code == 0, first.output
    assert "hour_reminders=1" in first.output
    db.session.rollback()  # the command shares this session: what it wrote is committed
    second = runner.invoke(args=["sweep", "--hour-reminders"])
    assert "hour_reminders=0" in second.output
    reminder = the_hour_reminder(employer)
    assert (reminder.sent_for_week, reminder.opens_week) == (LAST_WEEK, WEEK)
    assert len(hours_waiting_notices(employer)) == 1


def test_flask_cron_registers_the_weekly_reminder(
    app: Flask, monkeypatch: pytest.MonkeyPatch, placement: Placement, employer: User
) -> None:
    monkeypatch.setitem(app.config, "HOURS_REMINDER_CRON", "5 7 * * 1")
    registered = cron_registrations(app, monkeypatch)
    reminders = [(q, when) for f, q, when in registered if f is tasks.send_hour_reminders]
    assert reminders == [(app.config["RQ_QUEUE"], {"cron": "5 7 * * 1"})]
    # What the worker then runs writes the reminders.
    [func] = [f for f, _, _ in registered if f is tasks.send_hour_reminders]
    func()
    assert the_hour_reminder(employer).opens_week == WEEK


def test_the_default_schedule_is_monday_mornings(app):
    assert app.config["HOURS_REMINDER_CRON"] == "0 6-11 * * 1"
    assert app.config["HOURS_LINK_MAX_AGE"] == timedelta(days=10)


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
    [notice] = hours_waiting_notices(employer)
    assert notice.email_state == state

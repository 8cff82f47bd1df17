"""Delivery of notification e-mail in process: after commit only, once, retried, digested."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace import queue, tasks
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.models import EmailState, Notification
from marketplace.notifications import delivery
from marketplace.notifications.outbox import notify
from tests.accounts import mails as emails
from tests.smtp_sink import SmtpSink, free_port
from tests.support import submit


def lose_handed_over_tasks() -> None:
    """Drop the tasks handed over at commit, as a crashed queue would."""
    from flask import g

    g.pop("smajob_inprocess_tasks", None)


def tell(user, **params) -> Notification:
    (row,) = notify([user], "invitation_accepted", name=params.get("name", "Kim Kollega"))
    return row


def test_nothing_is_sent_before_the_transaction_commits(app, employer, outbox):
    row = tell(employer)
    queue.run_inprocess_tasks()
    assert emails(outbox) == []  # written, not committed: nothing leaves
    db.session.commit()
    queue.run_inprocess_tasks()
    (mail,) = emails(outbox)
    assert mail["To"] == employer.email
    assert mail["Message-ID"] == f"<smajob-{row.id}@smajob.localhost>"
    assert "Kim Kollega" in mail["Subject"]
    db.session.refresh(row)
    assert row.email_state == EmailState.SENT
    assert row.email_sent_at is not None


def test_a_rolled_back_action_sends_nothing(app, employer, outbox):
    tell(employer)
    db.session.rollback()
    db.session.commit()
    queue.run_inprocess_tasks()
    assert emails(outbox) == []


def test_a_task_run_twice_sends_one_message(app, employer, outbox):
    row = tell(employer)
    db.session.commit()
    delivery.deliver_email(row.id)
    delivery.deliver_email(row.id)
    queue.run_inprocess_tasks()  # the task enqueued at commit runs a third time
    assert len(emails(outbox)) == 1


def test_a_task_for_a_vanished_row_returns_quietly(app):
    delivery.deliver_email(10_000_000)


def test_the_mail_is_in_the_recipients_language(app, employer, outbox):
    employer.locale = "en"
    tell(employer, name="Kim")
    db.session.commit()
    queue.run_inprocess_tasks()
    (mail,) = emails(outbox)
    assert mail["Subject"] == "Kim has joined Småjob"
    employer.locale = "da"
    tell(employer, name="Kim")
    db.session.commit()
    queue.run_inprocess_tasks()
    assert "Kim er kommet med på Småjob" in [m["Subject"] for m in emails(outbox)]


def test_a_message_goes_over_smtp_with_its_fixed_message_id(app, employer, monkeypatch):
    with SmtpSink() as sink:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", sink.port)
        monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
        row = tell(employer)
        db.session.commit()
        queue.run_inprocess_tasks()
        delivery.deliver_email(row.id)
    assert sink.message_ids() == [f"<smajob-{row.id}@smajob.localhost>"]
    assert sink.accepted[0].get_body(preferencelist=("html",)) is not None


@pytest.fixture
def mail_server_down(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens here
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)


def test_mail_server_down_does_not_break_the_request(client, employer, login, mail_server_down):
    login(employer)
    response = submit(
        client,
        "/team",
        {"name": "Ny", "email": "ny@test.example", "role": "employer", "locale": "da"},
    )
    assert response.status_code == 302  # the invitation is saved; the e-mail waits
    row = db.session.scalar(
        select(Notification).where(Notification.recipient_email == "ny@test.example")
    )
    assert row.email_state == EmailState.PENDING
    assert row.email_attempts == 1
    assert "ConnectionRefusedError" in row.email_last_error


def test_mail_server_down_retries_with_backoff_then_fails_and_shows_the_admin(
    app, client, admin, login, make_user, mail_server_down
):
    consultant = make_user(admin.organisation)
    row = tell(consultant)
    db.session.commit()
    waits = []
    for _ in range(3):
        before = utcnow()
        delivery.deliver_email(row.id)
        db.session.refresh(row)
        if row.email_state == EmailState.PENDING:
            waits.append(row.email_next_attempt_at - before)
            # Too early: a retry before its time is not attempted.
            delivery.deliver_email(row.id)
            db.session.refresh(row)
            assert row.email_attempts == len(waits)
            row.email_next_attempt_at = utcnow() - timedelta(seconds=1)
            db.session.commit()
    assert row.email_state == EmailState.FAILED
    assert row.email_attempts == 3
    assert [round(w.total_seconds() / 60) for w in waits] == [1, 4]  # 1 min, then 4 min
    queue.run_inprocess_tasks()  # the retries handed to the queue find nothing to do
    assert row.email_attempts == 3

    login(admin)
    page = client.get("/jobcentre").get_data(as_text=True)
    assert "ConnectionRefusedError" in page


def test_the_sweep_hands_out_what_was_left_behind(app, employer, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "SWEEP_AGE_SECONDS", 120)
    old, fresh = tell(employer, name="Old"), tell(employer, name="Fresh")
    db.session.commit()
    lose_handed_over_tasks()  # as if the queue had lost both jobs
    old.created_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    report = tasks.sweep()
    queue.run_inprocess_tasks()
    assert report["handed_out"] == 1
    assert [m["Subject"] for m in emails(outbox)] == ["Old er kommet med på Småjob"]
    db.session.refresh(fresh)
    assert fresh.email_state == EmailState.PENDING  # young: its own task is still on its way


def test_the_sweep_reclaims_a_send_whose_worker_died(app, employer, outbox):
    row = tell(employer)
    db.session.commit()
    lose_handed_over_tasks()
    # A worker claimed it and died: the row stays `sending` with a stale claim.
    row.email_state = EmailState.SENDING.value
    row.email_claimed_at = utcnow() - timedelta(minutes=30)
    row.email_attempts = 1
    db.session.commit()
    delivery.deliver_email(row.id)  # a fresh claim is needed; the stale one is expired
    assert len(emails(outbox)) == 1
    db.session.refresh(row)
    assert (row.email_state, row.email_attempts) == (EmailState.SENT, 2)


def test_a_live_claim_is_not_taken_over(app, employer, outbox):
    row = tell(employer)
    db.session.commit()
    lose_handed_over_tasks()
    row.email_state = EmailState.SENDING.value
    row.email_claimed_at = utcnow()
    db.session.commit()
    delivery.deliver_email(row.id)
    tasks.sweep()
    queue.run_inprocess_tasks()
    assert emails(outbox) == []


def test_daily_digest_collects_non_urgent_notifications_once(app, employer, outbox):
    employer.email_preference = "daily"
    for name in ("Anna", "Bo", "Carl"):
        tell(employer, name=name)
    db.session.commit()
    queue.run_inprocess_tasks()
    assert emails(outbox) == []  # they wait for the digest
    assert delivery.send_digests() == 1
    queue.run_inprocess_tasks()
    delivery.send_digest(employer.id)  # a second run finds nothing to send
    (digest,) = emails(outbox)
    body = digest.get_body(preferencelist=("plain",)).get_content()
    assert all(name in body for name in ("Anna", "Bo", "Carl"))
    assert digest["Subject"] == "Småjob: 3 nye notifikationer"


def test_a_digest_of_one_says_one_new_notification(app, employer, outbox):
    employer.email_preference = "daily"
    tell(employer, name="Anna")
    db.session.commit()
    delivery.send_digest(employer.id)
    (digest,) = emails(outbox)
    assert digest["Subject"] == "Småjob: 1 ny notifikation"


def test_email_off_writes_the_page_item_but_no_mail(app, employer, outbox):
    employer.email_preference = "off"
    row = tell(employer)
    db.session.commit()
    queue.run_inprocess_tasks()
    assert emails(outbox) == []
    assert row.email_state == EmailState.SKIPPED


def test_healthz_reports_the_oldest_undelivered_notification(client, employer):
    row = tell(employer)
    db.session.commit()
    lose_handed_over_tasks()
    row.created_at = utcnow() - timedelta(minutes=7)
    db.session.commit()
    outbox = client.get("/healthz").get_json()["outbox"]
    assert outbox["undelivered"] == 1
    assert 7 * 60 <= outbox["oldest_undelivered_seconds"] < 8 * 60


def test_database_refuses_a_sent_row_without_a_time(employer):
    from tests.support import assert_refused_by_database

    assert_refused_by_database(
        "INSERT INTO notifications (recipient_email, locale, kind, params, urgent, created_at,"
        " email_state, email_attempts) VALUES ('a@b.example', 'da', 'x', '{}', false,"
        " CURRENT_TIMESTAMP, 'sent', 0)"
    )

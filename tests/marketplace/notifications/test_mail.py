"""The headers of every e-mail: subject folding, Date, Auto-Submitted, List-Unsubscribe."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

import pytest

from marketplace import queue
from marketplace.extensions import db
from marketplace.notifications import mail
from marketplace.notifications.outbox import notify
from tests.accounts import mails, plain_text

UNSUBSCRIBE = re.compile(r"^<(https?://[^>]+/notifications/unsubscribe/[^>]+)>$")

SUBJECTS = [
    # Fits on a line of its own but not beside "Subject:": once folded after the colon and
    # read back with a leading space.
    "The trial visit ends on 07.12.2026: Kandidat EJDES, Opfyldning af varer",
    "Snusepraktikken slutter 7. dec. 2026: Kandidat EJDES, Opfyldning af varer",
    # Long, with æøå in several words: RFC 2047 encoded words over several lines.
    "Brugsen Skjern ønsker at ændre de lønnede timer for Zyxwvu Qwertyson, Opfyldning af"
    " varer og rengøring i butikken om morgenen på Østergade (ÆØÅ æøå)",
    "Påmindelse: en kandidat venter på jeres svar (Opfyldning af varer)",
]


def parsed(message: mail.Mail, mail_policy=mail.FILE_POLICY):
    with_headers = mail._build(message, mail_policy)
    return BytesParser(policy=policy.default).parsebytes(bytes(with_headers)), bytes(with_headers)


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("transport", ["file", "smtp"])
def test_a_long_danish_subject_reads_back_exactly_without_a_leading_space(app, subject, transport):
    chosen = mail.SMTP_POLICY if transport == "smtp" else mail.FILE_POLICY
    with app.app_context():
        message, raw = parsed(mail.Mail(to="hanne@example.dk", subject=subject, text="x"), chosen)
    assert message["Subject"] == subject
    assert not message["Subject"].startswith(" ")
    header = raw.split(b"\nFrom:")[0]
    assert all(len(line) <= 998 for line in header.splitlines())
    if transport == "smtp":
        assert b"\n" not in raw.replace(b"\r\n", b"")  # no bare line feeds over SMTP


def test_a_newline_in_a_subject_does_not_end_the_header(app):
    with app.app_context():
        message, _ = parsed(
            mail.Mail(to="a@example.dk", subject="Opfyldning\nBcc: x@evil.example", text="x")
        )
    assert message["Bcc"] is None
    assert message["Subject"] == "Opfyldning Bcc: x@evil.example"


def test_every_mail_is_auto_submitted_and_dated_in_a_real_zone(app):
    with app.app_context():
        message, raw = parsed(mail.Mail(to="a@example.dk", subject="Hej", text="x"))
    assert message["Auto-Submitted"] == "auto-generated"
    assert b"-0000" not in raw.split(b"\n\n")[0]  # "-0000" says the zone is unknown
    sent = parsedate_to_datetime(message["Date"])
    assert sent.utcoffset() is not None
    assert sent.utcoffset().total_seconds() in (3600, 7200)  # Copenhagen, winter or summer


def test_a_notification_mail_offers_one_click_unsubscribe(app, employer, outbox):
    notify([employer], "invitation_accepted", name="Karen Bæk")
    db.session.commit()
    queue.run_inprocess_tasks()
    (message,) = mails(outbox)
    found = UNSUBSCRIBE.match(message["List-Unsubscribe"])
    assert found, message["List-Unsubscribe"]
    assert found.group(1).startswith(app.config["BASE_URL"].rstrip("/"))
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert found.group(1) in plain_text(message)  # and says so in the footer


def test_the_digest_offers_one_click_unsubscribe(app, employer, outbox):
    from marketplace.notifications import delivery

    employer.email_preference = "daily"
    notify([employer], "invitation_accepted", name="Karen Bæk")
    db.session.commit()
    delivery.send_digest(employer.id)
    (message,) = mails(outbox)
    assert message["Subject"] == "Småjob: 1 ny notifikation"  # ngettext, in Danish
    assert UNSUBSCRIBE.match(message["List-Unsubscribe"])
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_urgent_mail_that_settings_cannot_stop_offers_no_unsubscribe(app, employer, outbox):
    notify([employer], "password_changed")
    db.session.commit()
    queue.run_inprocess_tasks()
    (message,) = mails(outbox)
    assert message["List-Unsubscribe"] is None
    assert message["Auto-Submitted"] == "auto-generated"

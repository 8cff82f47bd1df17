"""Sending e-mail: over SMTP when MAIL_SERVER is set, else as .eml files in the outbox folder.

The file transport is the default so `make run` needs no mail server and a newcomer can open
every message the app sent.

Every message is built with `email.policy.default` (CRLF line ends over SMTP), so a long
Danish subject is folded into RFC 2047 encoded words that read back exactly; one fix on top
(`MailPolicy`): a header is never folded straight after its colon, which left a subject that
fits on one continuation line reading back with a leading space. Every message says
`Auto-Submitted: auto-generated` (RFC 3834: no auto-replies to it) and has a `Date` in
Copenhagen's offset. Mail that the recipient's settings could stop carries `List-Unsubscribe`
with one-click (RFC 8058); urgent and one-off mail (a changed password, an invitation) does not.
"""

from __future__ import annotations

import smtplib
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app

from marketplace.clock import LOCAL_TZ, utcnow


class MailPolicy(EmailPolicy):
    """policy.default, except that a header is not folded right after "Name:".

    The standard folder puts a value that does not fit beside its name but fits on the next
    line on that line alone ("Subject:" NL " Hours to confirm …"); unfolded, it then starts
    with a space (a parser with policy.default keeps it; so do some mail programs). The
    first line may be longer than 78 characters then, far below the limit of 998.
    """

    def fold(self, name: str, value: str) -> str:
        folded = super().fold(name, value)
        broken = f"{name}:{self.linesep} "
        return f"{name}: " + folded[len(broken) :] if folded.startswith(broken) else folded

    def fold_binary(self, name: str, value: str) -> bytes:
        folded = super().fold_binary(name, value)
        broken = f"{name}:{self.linesep} ".encode("ascii")
        if folded.startswith(broken):
            return f"{name}: ".encode("ascii") + folded[len(broken) :]
        return folded


FILE_POLICY = MailPolicy()  # "\n" line ends in the .eml files of the outbox folder
SMTP_POLICY = MailPolicy(linesep="\r\n")  # what SMTP requires (no bare line feeds)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    # Fixed per notification, so a re-sent message is recognisably the same message.
    message_id: str | None = None
    # The one-click address that stops this kind of mail (notifications.unsubscribe).
    unsubscribe: str | None = None


def _build(mail: Mail, mail_policy: EmailPolicy = FILE_POLICY) -> EmailMessage:
    message = EmailMessage(policy=mail_policy)
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = mail.to
    # A subject is one line: a newline typed into a job title must not end the header.
    message["Subject"] = " ".join(mail.subject.split())
    # An aware time: "+0100", where formatdate(localtime=False) wrote "-0000" (zone unknown).
    message["Date"] = format_datetime(utcnow().astimezone(LOCAL_TZ))
    message["Auto-Submitted"] = "auto-generated"
    if mail.unsubscribe:
        message["List-Unsubscribe"] = f"<{mail.unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Message-ID"] = mail.message_id or make_msgid(
        domain=current_app.config["MAIL_MESSAGE_ID_DOMAIN"]
    )
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    return message


def send(mail: Mail) -> None:
    """Deliver one message; raises on failure so the caller can retry or record it."""
    cfg = current_app.config
    message = _build(mail, SMTP_POLICY if cfg["MAIL_SERVER"] else FILE_POLICY)
    if not cfg["MAIL_SERVER"]:
        outbox = Path(cfg["MAIL_OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        (outbox / name).write_bytes(bytes(message))
        return
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(message)

"""E-mail delivery of notifications: claimed once, sent, marked; retried with backoff.

A worker claims a row with a conditional UPDATE (only one claimant wins), commits the claim,
sends, and marks the row sent, trying that last write again on a new connection for up to
half the lease when the database has gone away meanwhile. A worker killed mid-send (or a
database down for longer) leaves the row `sending`; once its lease runs out the sweep hands
it out again. Every message carries a Message-ID derived from
the row, so the one case no protocol can close (the server accepted the mail but the worker
died before marking it) is recognisable as the same message by the receiving side.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from redis.exceptions import RedisError
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import DBAPIError, OperationalError

from marketplace import metrics, queue
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.models import EmailState, Notification, User
from marketplace.notifications import mail, unsubscribe
from marketplace.notifications.kinds import KINDS, texts

log = logging.getLogger(__name__)

INBOX_PATH = "/notifications/"


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["NOTIFY_LEASE_SECONDS"])


def backoff(attempt: int) -> timedelta:
    """Wait after the n-th failed attempt: base, 4×base, 16×base, … (1, 4, 16, 64 min)."""
    return timedelta(seconds=current_app.config["MAIL_RETRY_BASE_SECONDS"] * 4 ** (attempt - 1))


def message_id(notification_id: int | str) -> str:
    return f"<smajob-{notification_id}@{current_app.config['MAIL_MESSAGE_ID_DOMAIN']}>"


# A note in Redis, written the moment the SMTP server has accepted a message and deleted once
# the database says so: a message whose row was left `sending` (the worker died, or the
# database stayed away) is then recorded sent instead of being sent again. Kept a week, in
# case the database is away that long.
ACCEPTED_KEY = "smajob:accepted:{}"
ACCEPTED_TTL = timedelta(days=7)


def _note_accepted(message: mail.Mail) -> None:
    connection = queue.redis_connection()
    if connection is None:  # in-process mode: sent and recorded in the same process
        return
    try:
        connection.set(ACCEPTED_KEY.format(message.message_id), "1", ex=ACCEPTED_TTL)
    except RedisError as error:
        log.warning("could not note %s as accepted: %s", message.message_id, error)


def _was_accepted(message_id: str) -> bool:
    connection = queue.redis_connection()
    if connection is None:
        return False
    try:
        return bool(connection.exists(ACCEPTED_KEY.format(message_id)))
    except RedisError as error:  # unknown: sending again is the lesser harm than never
        log.warning("could not look up %s: %s", message_id, error)
        return False


def _forget_accepted(message_id: str) -> None:
    connection = queue.redis_connection()
    if connection is None:
        return
    with contextlib.suppress(RedisError):  # the note runs out on its own
        connection.delete(ACCEPTED_KEY.format(message_id))


def _claim(notification_id: int, now: datetime) -> bool:
    claimable = or_(
        and_(
            Notification.email_state == EmailState.PENDING.value,
            or_(
                Notification.email_next_attempt_at.is_(None),
                Notification.email_next_attempt_at <= now,
            ),
        ),
        and_(
            Notification.email_state == EmailState.SENDING.value,
            Notification.email_batch.is_(None),
            Notification.email_claimed_at < now - _lease(),
        ),
    )
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, claimable)
        .values(
            email_state=EmailState.SENDING.value,
            email_claimed_at=now,
            email_attempts=Notification.email_attempts + 1,
            email_next_attempt_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


def _link(notification: Notification) -> str | None:
    link = KINDS[notification.kind].link(notification)
    return current_app.config["BASE_URL"].rstrip("/") + link if link else None


def _locale_of(notification: Notification) -> str:
    return notification.recipient.locale if notification.recipient else notification.locale


def _mail_context(base_url: str) -> Any:
    """The request context an e-mail is written in: links against BASE_URL, and the inbox as
    the route, so a name the mail shows is logged under the inbox's purpose (privacy.naming)."""
    return current_app.test_request_context(INBOX_PATH, base_url=base_url)


def compose(notification: Notification) -> mail.Mail | None:
    """The e-mail for one notification, in the recipient's language; None to skip it."""
    kind = KINDS[notification.kind]
    base_url = current_app.config["BASE_URL"]
    recipient = notification.recipient
    with _mail_context(base_url), force_locale(_locale_of(notification)):
        text = texts([notification], recipient)[notification.id]
        # Only what the recipient's settings could stop offers to stop it (urgent mail and
        # mail to an address without an account is sent whatever the settings say).
        stop = unsubscribe.link_for(recipient, kind.name) if recipient and not kind.urgent else None
        context = {
            "notification": notification,
            "headline": text.headline,
            "summary": text.summary,
            "link": _link(notification),
            "unsubscribe_link": stop,
        }
        if kind.mail_context is not None:
            extra = kind.mail_context(notification)
            if extra is None:
                return None
            context.update(extra)
        context["settings_link"] = base_url.rstrip("/") + "/notifications/settings"
        return mail.Mail(
            to=notification.recipient_email,
            subject=text.headline,
            text=render_template(f"notifications/emails/{kind.template}.txt", **context),
            html=render_template(f"notifications/emails/{kind.template}.html", **context),
            message_id=message_id(notification.id),
            unsubscribe=stop,
        )


def deliver_email(notification_id: int) -> None:
    """Send one notification's e-mail. Safe to run twice, or after the row is gone."""
    now = utcnow()
    if not _claim(notification_id, now):
        return
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        return
    already = notification.email_attempts > 1 and _was_accepted(message_id(notification_id))
    try:
        message = None if already else compose(notification)
        if message is not None:
            mail.send(message)
            _note_accepted(message)
    except Exception as error:  # SMTP down, template broken, …: record and retry later
        db.session.rollback()
        _record_failure(notification_id, now, error)
        return
    if already:
        log.warning(
            "notification %s: its server accepted it before; not sent again", notification_id
        )
    final = EmailState.SENT if message is not None or already else EmailState.SKIPPED
    sent_at = utcnow() if final is EmailState.SENT else None
    _record_outcome(
        lambda: db.session.execute(
            update(Notification)
            .where(
                Notification.id == notification_id,
                Notification.email_state == EmailState.SENDING.value,
                Notification.email_claimed_at == now,
            )
            .values(
                email_state=final.value,
                email_claimed_at=None,
                email_sent_at=sent_at,
                email_last_error=None,
            )
            .execution_options(synchronize_session=False)
        )
    )
    if final is EmailState.SENT:
        _forget_accepted(message_id(notification_id))


def _record_outcome(write: Callable[[], object]) -> None:
    """Run `write` (the UPDATE saying what became of a claimed message) and commit; while the
    database is unreachable, roll back and try again on a new connection, for up to half the
    lease.

    The SMTP server may already have accepted the message: giving up leaves the row
    `sending`, and once its lease has run out the sweep sends it again (issue 15: a database
    that died at this moment sent one e-mail twice). Half the lease keeps the retries clear of
    the sweep, which reclaims the row only after the whole lease."""
    deadline = time.monotonic() + _lease().total_seconds() / 2
    wait = 0.0
    while True:
        try:
            write()
            db.session.commit()
            return
        except DBAPIError as error:
            lost = isinstance(error, OperationalError) or error.connection_invalidated
            if not lost or db.engine.dialect.name == "sqlite":  # a file has no connection to lose
                raise
            with contextlib.suppress(DBAPIError):  # still unreachable: the next try reconnects
                db.session.rollback()
            if time.monotonic() + wait > deadline:
                raise
            log.warning("recording a sent message failed (%s); trying again", error.orig)
            time.sleep(wait)
            wait = min(max(wait * 2, 0.5), 10.0)


def _record_failure(notification_id: int, claimed_at: datetime, error: Exception) -> None:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.email_claimed_at != claimed_at:
        return
    text = f"{type(error).__name__}: {error}"[:500]
    metrics.delivery_failed(
        final=notification.email_attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    )
    notification.email_last_error = text
    notification.email_claimed_at = None
    if notification.email_attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        notification.email_state = EmailState.FAILED.value
        log.error("notification %s failed for good: %s", notification_id, text)
        db.session.commit()
        return
    wait = backoff(notification.email_attempts)
    notification.email_state = EmailState.PENDING.value
    notification.email_next_attempt_at = utcnow() + wait
    log.warning(
        "notification %s attempt %s failed: %s", notification_id, notification.email_attempts, text
    )
    db.session.commit()
    queue.dispatch(deliver_email, notification_id, delay=wait)


# -- The daily digest ----------------------------------------------------------------------


def send_digest(user_id: int) -> None:
    """One e-mail with everything waiting in the user's digest. Safe to run twice."""
    now = utcnow()
    batch = uuid.uuid4().hex
    claimed = db.session.execute(
        update(Notification)
        .where(
            Notification.recipient_id == user_id,
            Notification.email_state == EmailState.DIGEST.value,
        )
        .values(email_state=EmailState.SENDING.value, email_claimed_at=now, email_batch=batch)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount == 0:
        return
    user = db.session.get(User, user_id)
    rows = list(
        db.session.scalars(
            select(Notification)
            .where(Notification.email_batch == batch)
            .order_by(Notification.created_at)
        )
    )
    try:
        message = _compose_digest(user, rows) if user and user.active else None
        if message is not None:
            mail.send(message)
            _note_accepted(message)
    except Exception as error:
        db.session.rollback()
        log.warning("digest for user %s failed: %s", user_id, error)
        _release_batch(batch, EmailState.DIGEST, error=f"{type(error).__name__}: {error}"[:500])
        return
    _release_batch(batch, EmailState.SENT if message else EmailState.SKIPPED)
    if message is not None:
        _forget_accepted(message.message_id)


def _release_batch(batch: str, state: EmailState, error: str | None = None) -> None:
    sent_at = utcnow() if state is EmailState.SENT else None
    _record_outcome(
        lambda: db.session.execute(
            update(Notification)
            .where(Notification.email_batch == batch)
            .values(
                email_state=state.value,
                email_claimed_at=None,
                email_batch=None if state is EmailState.DIGEST else batch,
                email_sent_at=sent_at,
                email_last_error=error,
            )
            .execution_options(synchronize_session=False)
        )
    )


def _compose_digest(user: User, rows: list[Notification]) -> mail.Mail:
    base_url = current_app.config["BASE_URL"]
    with _mail_context(base_url), force_locale(user.locale):
        read = texts(rows, user)
        items = [
            {
                "headline": read[r.id].headline,
                "summary": read[r.id].summary,
                "link": _link(r),
                "at": r.created_at,
            }
            for r in rows
        ]
        stop = unsubscribe.link_for(user, unsubscribe.DIGEST)
        context = {
            "user": user,
            "items": items,
            "link": base_url.rstrip("/") + "/notifications",
            "settings_link": base_url.rstrip("/") + "/notifications/settings",
            "unsubscribe_link": stop,
        }
        return mail.Mail(
            to=user.email,
            subject=ngettext(
                "Småjob: %(num)d new notification", "Småjob: %(num)d new notifications", len(rows)
            ),
            text=render_template("notifications/emails/digest.txt", **context),
            html=render_template("notifications/emails/digest.html", **context),
            message_id=message_id(f"digest-{rows[0].email_batch}"),
            unsubscribe=stop,
        )


def send_digests(batch_size: int | None = None) -> int:
    """Hand out one digest task per user with something waiting; returns how many. The users
    are read in keyset batches of `batch_size` (SWEEP_BATCH) ids, so the run holds one batch
    at a time. It writes nothing itself: a run that died part way is finished by the next,
    and a user handed out twice gets one digest (send_digest claims the rows first)."""
    size = batch_size or current_app.config["SWEEP_BATCH"]
    handed_out = 0
    last = 0
    while batch := db.session.scalars(
        select(Notification.recipient_id)
        .where(
            Notification.email_state == EmailState.DIGEST.value,
            Notification.recipient_id > last,
        )
        .group_by(Notification.recipient_id)
        .order_by(Notification.recipient_id)
        .limit(size)
    ).all():
        last = batch[-1]
        queue.dispatch_many([(send_digest, (user_id,)) for user_id in batch])
        handed_out += len(batch)
    return handed_out


# -- The sweep ------------------------------------------------------------------------------


def resend_lost(limit: int = 1000) -> dict[str, int]:
    """Hand out again every e-mail whose task was lost, retry what is due, free dead claims."""
    now = utcnow()
    settle = now - timedelta(seconds=current_app.config["SWEEP_AGE_SECONDS"])
    expired = now - _lease()
    # A digest whose worker died after the server accepted it is recorded sent; the rows
    # of any other dead digest claim go back to waiting for the next digest.
    dead_batches = db.session.scalars(
        select(Notification.email_batch)
        .where(
            Notification.email_state == EmailState.SENDING.value,
            Notification.email_batch.is_not(None),
            Notification.email_claimed_at < expired,
        )
        .distinct()
    ).all()
    for batch in dead_batches:
        if _was_accepted(message_id(f"digest-{batch}")):
            log.warning("digest %s: its server accepted it before; not sent again", batch)
            _release_batch(batch, EmailState.SENT)
            _forget_accepted(message_id(f"digest-{batch}"))
    freed = db.session.execute(
        update(Notification)
        .where(
            Notification.email_state == EmailState.SENDING.value,
            Notification.email_batch.is_not(None),
            Notification.email_claimed_at < expired,
        )
        .values(email_state=EmailState.DIGEST.value, email_claimed_at=None, email_batch=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    due = db.session.scalars(
        select(Notification.id)
        .where(
            or_(
                and_(
                    Notification.email_state == EmailState.PENDING.value,
                    Notification.created_at <= settle,
                    or_(
                        Notification.email_next_attempt_at.is_(None),
                        Notification.email_next_attempt_at <= now,
                    ),
                ),
                and_(
                    Notification.email_state == EmailState.SENDING.value,
                    Notification.email_batch.is_(None),
                    Notification.email_claimed_at < expired,
                ),
            )
        )
        .order_by(Notification.id)
        .limit(limit)
    ).all()
    queue.dispatch_many([(deliver_email, (notification_id,)) for notification_id in due])
    return {"handed_out": len(due), "digest_claims_freed": freed or 0}


def outbox_state() -> dict[str, object]:
    """For /healthz: how many e-mails wait, and the age of the oldest."""
    waiting = (EmailState.PENDING.value, EmailState.SENDING.value)
    count, oldest = db.session.execute(
        select(func.count(Notification.id), func.min(Notification.created_at)).where(
            Notification.email_state.in_(waiting)
        )
    ).one()
    age = int((utcnow() - oldest).total_seconds()) if oldest else 0
    return {"undelivered": count, "oldest_undelivered_seconds": age}


def failed_deliveries(recipient_filter: object) -> dict[str, object]:
    """Failed e-mails among the given recipients: the count and the newest error."""
    failed = select(Notification).where(
        Notification.email_state == EmailState.FAILED.value, recipient_filter
    )
    count = db.session.scalar(select(func.count()).select_from(failed.subquery())) or 0
    newest = db.session.scalar(failed.order_by(Notification.created_at.desc()).limit(1))
    return {"count": count, "last_error": newest.email_last_error if newest else None}

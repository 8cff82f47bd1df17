"""The notification outbox: `notify()` writes rows in the caller's transaction.

Nothing is sent from here. Once the transaction commits, the queue delivers each row's e-mail
by id (notifications.delivery); a row whose job was lost is picked up by the sweep. The page
list reads the same rows. What each kind is: notifications.kinds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert

from marketplace import queue
from marketplace.extensions import db
from marketplace.models import EmailPreference, EmailState, Notification, User
from marketplace.notifications.delivery import deliver_email
from marketplace.notifications.kinds import KINDS, Kind


def _first_state(kind: Kind, preference: str) -> EmailState:
    if kind.urgent or preference == EmailPreference.IMMEDIATE:
        return EmailState.PENDING
    if preference == EmailPreference.DAILY and not kind.digest:
        return EmailState.PENDING
    if preference == EmailPreference.DAILY:
        return EmailState.DIGEST
    return EmailState.SKIPPED


def _subject_of(subject: Any) -> tuple[str | None, int | None]:
    if subject is None:
        return None, None
    return subject.__tablename__, subject.id


def notify(
    recipients: Iterable[User], kind: str, subject: Any = None, **params: str | int
) -> list[Notification]:
    """Write one notification per active recipient. Flushes; the caller commits."""
    spec = KINDS[kind]
    subject_type, subject_id = _subject_of(subject)
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if not user.active or user.id in seen:
            continue
        seen.add(user.id)
        rows.append(
            Notification(
                recipient_id=user.id,
                recipient_email=user.email,
                locale=user.locale,
                kind=kind,
                subject_type=subject_type,
                subject_id=subject_id,
                params=dict(params),
                urgent=spec.urgent,
                email_state=_first_state(spec, user.email_preference).value,
            )
        )
    _write(rows)
    return rows


def notify_each(
    kind: str, items: Iterable[tuple[User, tuple[str, int], dict[str, str | int]]]
) -> int:
    """One notification per (recipient, (subject table, subject id), params), each with its
    own subject and params, written in one INSERT (no ORM objects: a batch of reminders
    flushed as objects took a third of a national sweep). Inactive recipients are left out;
    the e-mails to send now are handed to the queue after commit, as notify() does. Returns
    how many were written; the caller commits."""
    spec = KINDS[kind]
    rows = [
        {
            "recipient_id": user.id,
            "recipient_email": user.email,
            "locale": user.locale,
            "kind": kind,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "params": dict(params),
            "urgent": spec.urgent,
            "email_state": _first_state(spec, user.email_preference).value,
        }
        for user, (subject_type, subject_id), params in items
        if user.active
    ]
    if not rows:
        return 0
    # Without sort_by_parameter_order: only the pending rows' ids are needed, in any order,
    # and asking for the order made SQLite insert one row per statement.
    written = db.session.execute(
        insert(Notification).returning(Notification.id, Notification.email_state), rows
    ).all()
    for notification_id, state in written:
        if state == EmailState.PENDING:
            queue.enqueue_after_commit(deliver_email, notification_id)
    return len(written)


def notify_address(
    email: str, locale: str, kind: str, subject: Any = None, **params: str | int
) -> Notification:
    """E-mail someone without an account yet (an invitation). Flushes; the caller commits."""
    spec = KINDS[kind]
    subject_type, subject_id = _subject_of(subject)
    row = Notification(
        recipient_id=None,
        recipient_email=email,
        locale=locale,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        params=dict(params),
        urgent=spec.urgent,
        email_state=EmailState.PENDING.value,
    )
    _write([row])
    return row


def _write(rows: list[Notification]) -> None:
    if not rows:
        return
    db.session.add_all(rows)
    db.session.flush()
    for row in rows:
        if row.email_state == EmailState.PENDING:
            queue.enqueue_after_commit(deliver_email, row.id)

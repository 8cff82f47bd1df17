"""The notification outbox: `notify()` writes rows in the caller's transaction.

Nothing is sent from here. Once the transaction commits, the queue delivers each row's e-mail
by id (marketplace.delivery); a row whose job was lost is picked up by the sweep. The page
list reads the same rows.

Kinds are registered next to the domain code that writes them. Each says whether it is
urgent (always e-mailed at once, whatever the recipient's preference), how it reads on the
page and in the subject line, and where it leads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString

from marketplace import queue
from marketplace.extensions import db
from marketplace.models import EmailPreference, EmailState, Notification, User


@dataclass(frozen=True)
class Kind:
    name: str
    urgent: bool
    subject: LazyString  # e-mail subject; formatted with the row's params
    summary: LazyString  # one line on the page and in the e-mail; formatted with params
    link: Callable[[Notification], str | None]  # called inside a request context
    template: str = "notification"  # templates/emails/<template>.txt and .html
    # Extra template context for the e-mail; returning None skips the e-mail (its subject is
    # no longer relevant, e.g. an invitation withdrawn before it went out).
    mail_context: Callable[[Notification], dict[str, Any] | None] | None = None
    # False for a message that is itself periodic (the weekly hours reminder): it is e-mailed
    # at once to those who chose the daily digest too, since the digest would drop its link.
    digest: bool = True


KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def render_text(text: LazyString, notification: Notification) -> str:
    return str(text) % notification.params if notification.params else str(text)


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
    from marketplace import tasks

    for row in rows:
        if row.email_state == EmailState.PENDING:
            queue.enqueue_after_commit(tasks.deliver_email, row.id)

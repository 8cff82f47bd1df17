"""rq entry points: thin, take ids, call the domain, safe to run twice.

rq imports these by name in the worker process, which runs inside the app context that
`flask worker` sets up.
"""

from __future__ import annotations

from marketplace import delivery, hour_reminders, retention
from marketplace.extensions import db


def deliver_email(notification_id: int) -> None:
    delivery.deliver_email(notification_id)


def send_digest(user_id: int) -> None:
    delivery.send_digest(user_id)


def send_digests() -> None:
    delivery.send_digests()


def sweep() -> None:
    delivery.sweep()


def send_hour_reminders() -> None:
    hour_reminders.send_hour_reminders()
    db.session.commit()


def apply_retention() -> None:
    """Daily: erase or pseudonymise what the retention rules say is due (commits per batch)."""
    retention.run()

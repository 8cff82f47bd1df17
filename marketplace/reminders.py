"""Reminders run by the periodic sweep (trial ending soon, hours to confirm, …).

Feature modules register a function here; each takes the sweep's time, writes its
notifications through marketplace.notify (idempotently: a reminder already sent for the same
subject and period is not written again), and returns how many it wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from marketplace.extensions import db

log = logging.getLogger(__name__)

Reminder = Callable[[datetime], int]
REMINDERS: list[Reminder] = []


def register(reminder: Reminder) -> Reminder:
    if reminder not in REMINDERS:
        REMINDERS.append(reminder)
    return reminder


def run_all(now: datetime) -> int:
    written = 0
    for reminder in REMINDERS:
        try:
            written += reminder(now)
            db.session.commit()
        except Exception:  # one broken reminder must not stop the others or the sweep
            db.session.rollback()
            log.exception("reminder %s failed", reminder.__name__)
    return written

"""Periodic work: one table of what runs when, beside the rq entry points it names.

`flask cron` registers every row with a schedule on rq's cron scheduler; `flask sweep` (the
fallback without Redis, run from the system's cron) runs the sweep and, when asked, any
scheduled row by its option. The sweep itself runs the rows marked EACH_SWEEP, each in its own
transaction so one broken reminder cannot stop the others.

Entry points are thin, take no arguments, call one area and commit what it left; each is safe
to run twice (reminders are claimed once, e-mails are claimed before sending). rq imports them
by name in the worker process, which runs inside the app context `flask worker` sets up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from marketplace import metrics
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.hours import reminders as hour_reminders
from marketplace.notifications import delivery
from marketplace.placements import reminders as placement_reminders
from marketplace.privacy import retention
from marketplace.proposals import lifecycle as proposals

log = logging.getLogger(__name__)

EACH_SWEEP = "each sweep"


@dataclass(frozen=True)
class Periodic:
    """One piece of periodic work. `every` and `cron` name the setting that holds its
    schedule (seconds, or a cron line in Copenhagen's server time); `name` is its option to
    `flask sweep` and its name in the sweep's report."""

    name: str
    run: Callable[..., int]
    every: str | None = None
    cron: str | None = None
    each_sweep: bool = False

    @property
    def scheduled(self) -> bool:
        return self.every is not None or self.cron is not None


def sweep() -> dict[str, int]:
    """Every minute: hand out e-mails whose task was lost, then the reminders that are due."""
    started = time.perf_counter()
    report = delivery.resend_lost()
    report["reminders"] = run_each_sweep(utcnow())
    metrics.record_sweep(time.perf_counter() - started, report)  # for /metrics
    return report


def send_digests() -> int:
    """Daily: one digest task per user with something waiting."""
    return delivery.send_digests()


def send_hour_reminders() -> int:
    """Monday mornings: each employer with a week to confirm gets one reminder and its link."""
    sent = hour_reminders.send_hour_reminders()
    db.session.commit()
    return sent


def apply_retention() -> int:
    """Nightly: erase or pseudonymise what the retention rules say is due (commits per batch).
    Returns the people handled (one person counts once per kind)."""
    return sum(retention.run().people.values())


PERIODIC: tuple[Periodic, ...] = (
    Periodic("sweep", sweep, every="SWEEP_INTERVAL_SECONDS"),
    Periodic("digests", send_digests, cron="DIGEST_CRON"),
    Periodic("hour-reminders", send_hour_reminders, cron="HOURS_REMINDER_CRON"),
    Periodic("retention", apply_retention, cron="RETENTION_CRON"),
    # Reminders run inside the sweep; each takes the sweep's time, writes its notifications
    # (never twice for the same subject and period) and returns how many it wrote.
    Periodic("proposal-reminders", proposals.remind_and_expire, each_sweep=True),
    Periodic("placement-reminders", placement_reminders.placement_reminders, each_sweep=True),
)


def scheduled() -> list[Periodic]:
    return [work for work in PERIODIC if work.scheduled]


def run_each_sweep(now: datetime) -> int:
    written = 0
    for work in PERIODIC:
        if not work.each_sweep:
            continue
        try:
            written += work.run(now)
            db.session.commit()
        except Exception:  # one broken reminder must not stop the others or the sweep
            db.session.rollback()
            log.exception("periodic work %s failed", work.name)
    return written

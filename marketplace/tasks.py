"""Periodic work: one table of what runs when, beside the rq entry points it names.

`flask cron` runs `CronLoop` over every row with a schedule: it enqueues each on rq when it
falls due and rides out Redis outages; `flask sweep` (the fallback without Redis, run from the
system's cron) runs the sweep and, when asked, any scheduled row by its option. The sweep
itself runs the rows marked EACH_SWEEP, each in its own transaction so one broken reminder
cannot stop the others.

Entry points are thin, take no arguments, call one area and commit what it left; each is safe
to run twice (reminders are claimed once, e-mails are claimed before sending). rq imports them
by name in the worker process, which runs inside the app context `flask worker` sets up.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from croniter import croniter
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from marketplace import metrics
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.figures import rollup as figure_rollup
from marketplace.hours import reminders as hour_reminders
from marketplace.notifications import delivery
from marketplace.placements import assessment_requests
from marketplace.placements import reminders as placement_reminders
from marketplace.privacy import retention
from marketplace.proposals import lifecycle as proposals

log = logging.getLogger(__name__)

EACH_SWEEP = "each sweep"


@dataclass(frozen=True)
class Periodic:
    """One piece of periodic work. `every` and `cron` name the setting that holds its
    schedule (seconds, or a cron line in UTC); `name` is its option to `flask sweep` and its
    name in the sweep's report."""

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
    """Monday mornings: each employer with a week to confirm gets one reminder and its link
    (the companies in batches of SWEEP_BATCH, each committed)."""
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
    # (never twice for the same subject and period) and returns how many it wrote. Each walks
    # its rows in keyset batches of SWEEP_BATCH and commits per batch (as the hour reminders
    # and retention do), so memory stays flat and the next sweep finishes a crashed one.
    Periodic("proposal-reminders", proposals.remind_and_expire, each_sweep=True),
    Periodic("placement-reminders", placement_reminders.placement_reminders, each_sweep=True),
    # The company asked for its assessment the day after a trial visit or praktik ends, and
    # reminded at 3 and 10 days (placements.assessment_requests).
    Periodic("assessments", assessment_requests.ask_due, each_sweep=True),
    # The jobcentres' figures kept ready: those noted as changed, then any a day old or
    # lacking this month, FIGURES_BATCH a sweep, each committed (figures.rollup).
    Periodic("figures", figure_rollup.refresh_due, each_sweep=True),
)


def scheduled() -> list[Periodic]:
    return [work for work in PERIODIC if work.scheduled]


def run_one(work: Periodic) -> object:
    """One row on its own (`flask sweep --only NAME`), committed: a row the sweep runs takes
    the sweep's time, the others take none."""
    result = work.run(utcnow()) if work.each_sweep else work.run()
    db.session.commit()
    return result


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


# What `flask cron` waits for and rides out. redis-py's BusyLoadingError (a Redis still loading
# its data after a restart) and AuthenticationError are ConnectionErrors too.
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


@dataclass
class _Entry:
    """One scheduled row as `CronLoop` runs it; `done` is the latest due time (epoch seconds)
    already queued, or judged not to need queueing."""

    func: Callable[..., Any]
    queue: Any  # rq.Queue
    interval: int | None
    cron: str | None
    done: float | None = None

    @property
    def name(self) -> str:
        return self.func.__name__

    def latest_due(self, now: float) -> float:
        """The latest due time at or before `now`, from the clock alone: an interval row is due
        on each multiple of its interval since the epoch (so every cron process agrees on the
        slot), a cron line at its times in UTC (as README's settings table says)."""
        if self.interval:
            return now // self.interval * self.interval
        assert self.cron is not None
        after = datetime.fromtimestamp(now, UTC) + timedelta(seconds=1)  # a due time of now counts
        return croniter(self.cron, after.replace(microsecond=0)).get_prev(datetime).timestamp()

    def next_due(self, now: float) -> float:
        if self.interval:
            return (now // self.interval + 1) * self.interval
        assert self.cron is not None
        return croniter(self.cron, datetime.fromtimestamp(now, UTC)).get_next(datetime).timestamp()


class CronLoop:
    """`flask cron`: enqueue each scheduled row of PERIODIC on rq when it falls due, and keep at
    it through Redis outages.

    rq's own CronScheduler let the first Redis ConnectionError end the process, so nothing
    queued the sweep, the digests or the hours reminders until someone restarted it. Here a
    lost Redis is logged and retried with a doubling pause (1 s up to 30 s); when Redis answers
    again the rows whose time came during the outage are queued once each, however many of
    their times passed (the sweep catches up on everything; a digest is one a day).

    Each queued job has a stable id, the row's name and due time, enqueued with rq's `unique`,
    so a second cron process, or a retry whose reply was lost with the connection, finds the
    job there and queues nothing. On start an interval row (the sweep) is queued at once, as
    rq's cron did; a cron row waits for its next time.
    """

    def __init__(
        self,
        connection: Redis,
        *,
        clock: Callable[[], float] = time.time,
        first_retry: float = 1.0,
        longest_retry: float = 30.0,
        longest_sleep: float = 60.0,
    ) -> None:
        self.connection = connection
        self.clock = clock
        self.first_retry = first_retry
        self.longest_retry = longest_retry
        self.longest_sleep = longest_sleep
        self.entries: list[_Entry] = []
        self._stop = threading.Event()

    def register(
        self,
        func: Callable[..., Any],
        queue_name: str,
        *,
        interval: int | None = None,
        cron: str | None = None,
    ) -> None:
        from rq import Queue

        if bool(interval) == bool(cron):
            raise ValueError(f"{func.__name__}: give an interval or a cron line, not both")
        queue = Queue(queue_name, connection=self.connection)
        self.entries.append(_Entry(func, queue, interval, cron))
        log.info(
            "cron: %s %s on %s",
            func.__name__,
            f"every {interval} s" if interval else f"at {cron!r}",
            queue_name,
        )

    def run_pending(self) -> list[str]:
        """Queue every row whose latest due time is not yet queued; return the names queued.
        A Redis error propagates, and the rows it left undone stay due."""
        now = self.clock()
        queued: list[str] = []
        for entry in self.entries:
            due = entry.latest_due(now)
            if entry.done is None and entry.cron:
                entry.done = due  # a time that passed before we started is not ours to make up
            if entry.done is not None and due <= entry.done:
                continue
            if self._enqueue(entry, due):
                queued.append(entry.name)
            entry.done = due
        return queued

    def _enqueue(self, entry: _Entry, due: float) -> bool:
        from rq.exceptions import DuplicateJobError

        job_id = f"smajob-cron-{entry.name}-{int(due)}"
        try:
            entry.queue.enqueue(entry.func, job_id=job_id, unique=True)
        except DuplicateJobError:
            log.info("cron: %s was already queued (another cron process?)", job_id)
            return False
        log.info("cron: queued %s", job_id)
        return True

    def seconds_to_next(self) -> float:
        now = self.clock()
        soonest = min((entry.next_due(now) for entry in self.entries), default=now + 60)
        return max(0.05, min(soonest - now, self.longest_sleep))

    def stop(self) -> None:
        self._stop.set()

    def start(self) -> None:
        """Run until `stop()` (or the process is stopped); never ends on a lost Redis."""
        now = self.clock()
        for entry in self.entries:
            if entry.cron and entry.done is None:
                entry.done = entry.latest_due(now)
        failures = 0
        down_since = 0.0
        while not self._stop.is_set():
            try:
                self.run_pending()
            except REDIS_DOWN as error:
                if not failures:
                    down_since = time.monotonic()
                failures += 1
                pause = min(self.first_retry * 2 ** (failures - 1), self.longest_retry)
                log.warning(
                    "cron: Redis unavailable (%s: %s); attempt %d failed, retrying in %.1f s",
                    type(error).__name__,
                    error,
                    failures,
                    pause,
                )
                self._stop.wait(pause)
                continue
            if failures:
                log.info(
                    "cron: Redis is back after %d failed attempts over %.1f s; queueing resumed",
                    failures,
                    time.monotonic() - down_since,
                )
                failures = 0
            self._stop.wait(self.seconds_to_next())

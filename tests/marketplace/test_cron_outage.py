"""`flask cron` through a Redis outage: it logs, retries and keeps running, and once Redis is
back it queues the sweep again, and each row whose time came during the outage once.

Each test starts a Redis of its own on a free port (redis-server must be installed; the
`redis` marker), stops it, and starts a new, empty one on the same port.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue

from marketplace import tasks
from marketplace.paths import PROJECT_ROOT
from tests import rq_worker

pytestmark = pytest.mark.redis

own_redis = rq_worker.own_redis  # this module's fixture: a Redis to stop and start


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.1)


def queued_ids(server: rq_worker.RedisServer, queue_name: str) -> list[str]:
    try:
        return Queue(queue_name, connection=Redis(port=server.port)).job_ids
    except Exception:  # Redis is down or not up yet
        return []


def test_flask_cron_keeps_running_through_a_redis_outage_and_queues_the_sweep_again(
    own_redis: rq_worker.RedisServer, tmp_path: Path
) -> None:
    """Before, rq's cron scheduler exited on the first ConnectionError and never came back."""
    queue_name = f"smajob-cron-{secrets.token_hex(4)}"
    environ = {
        **os.environ,
        "REDIS_URL": own_redis.url,
        "RQ_QUEUE": queue_name,
        "SWEEP_INTERVAL_SECONDS": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cron.db'}",
        "SECRET_KEY": secrets.token_hex(32),
        "LOG_FORMAT": "text",
    }
    log_path = tmp_path / "cron.log"

    def log() -> str:
        return log_path.read_text(errors="replace")

    with log_path.open("wb") as log_file:
        cron = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "cron"],
            cwd=PROJECT_ROOT,
            env=environ,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: bool(queued_ids(own_redis, queue_name)), 10, "the first sweep")
        own_redis.stop()
        wait_for(
            lambda: log().count("Redis unavailable") >= 2 or cron.poll() is not None,
            12,
            "2 retries",
        )
        assert cron.poll() is None, f"flask cron exited during the outage:\n{log()}"
        assert "attempt 2 failed" in log()

        own_redis.start()  # a new, empty Redis on the same port
        wait_for(lambda: bool(queued_ids(own_redis, queue_name)), 12, "the sweep after the outage")
        assert cron.poll() is None, log()
        assert all(
            job_id.startswith("smajob-cron-sweep-") for job_id in queued_ids(own_redis, queue_name)
        )
        wait_for(lambda: "Redis is back" in log(), 2, "the recovery in the log")
    finally:
        cron.terminate()
        cron.wait(timeout=10)


def test_a_row_due_during_the_outage_is_queued_once_when_redis_returns(
    own_redis: rq_worker.RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Three minutes pass (on the loop's clock) while Redis is down: the every-minute row is
    queued once, for its latest time, and the sweep once, not once per missed time."""
    caplog.set_level(logging.INFO, logger="marketplace.tasks")
    real_start = time.time()
    # The loop's clock starts 5 s into a minute, so the test never crosses a minute by itself.
    skew = [real_start // 60 * 60 + 65 - real_start]

    def clock() -> float:
        return time.time() + skew[0]

    # Without redis-py's own retries (seconds each), so the test sees the loop's pauses.
    connection = Redis(
        port=own_redis.port, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), retries=0)
    )
    loop = tasks.CronLoop(
        connection, clock=clock, first_retry=0.1, longest_retry=0.4, longest_sleep=0.2
    )
    queue_name = f"smajob-cron-{secrets.token_hex(4)}"
    loop.register(tasks.sweep, queue_name, interval=60)
    loop.register(tasks.send_digests, queue_name, cron="* * * * *")
    runner = threading.Thread(target=loop.start, daemon=True)
    runner.start()
    try:
        started_minute = int(clock() // 60 * 60)
        wait_for(lambda: bool(queued_ids(own_redis, queue_name)), 5, "the first sweep")
        time.sleep(0.5)
        # At the start only the sweep: the digests' last time came before the loop started.
        assert queued_ids(own_redis, queue_name) == [f"smajob-cron-sweep-{started_minute}"]

        own_redis.stop()
        skew[0] += 180  # three minutes (three digest times, three sweeps) pass during the outage
        wait_for(lambda: "attempt 3 failed" in caplog.text, 10, "three failed attempts")
        assert runner.is_alive()

        own_redis.start()
        wait_for(lambda: len(queued_ids(own_redis, queue_name)) >= 2, 5, "the catch-up")
        time.sleep(1)  # several more passes of the loop, which must queue nothing more
        minute = started_minute + 180
        assert sorted(queued_ids(own_redis, queue_name)) == [
            f"smajob-cron-send_digests-{minute}",
            f"smajob-cron-sweep-{minute}",
        ]
        assert "Redis is back" in caplog.text
        assert runner.is_alive()
    finally:
        loop.stop()
        runner.join(timeout=5)
    assert not runner.is_alive()


def test_a_second_cron_process_queues_nothing_twice(own_redis: rq_worker.RedisServer) -> None:
    """Two loops (two `flask cron`, or one restarted) agree on each due time and its job id."""
    queue_name = f"smajob-cron-{secrets.token_hex(4)}"
    now = time.time() // 60 * 60 + 5
    loops = [tasks.CronLoop(Redis(port=own_redis.port), clock=lambda: now) for _ in range(2)]
    for loop in loops:
        loop.register(tasks.sweep, queue_name, interval=60)
    assert loops[0].run_pending() == ["sweep"]
    assert loops[1].run_pending() == []
    assert queued_ids(own_redis, queue_name) == [f"smajob-cron-sweep-{int(now // 60 * 60)}"]

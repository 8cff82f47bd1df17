"""Prometheus metrics: what a request took, and how the queue, the outbox and the sweep stand.

Two kinds of figure:
- counted in the process (prometheus_client): request latency per endpoint, method and
  status class (labelled by the route's endpoint name, never by the URL, so ids in paths
  cannot grow the series), and failed e-mail attempts. Under gunicorn's several workers set
  PROMETHEUS_MULTIPROC_DIR (an empty directory, emptied at each start) so every process writes
  its figures there and a scrape adds them up; without it each process counts alone.
- read at scrape time: queue depth (rq, when REDIS_URL is set), the outbox (reuses
  notifications.delivery.outbox_state, handed in by build_app since the core may not import
  an area) and the last sweep, which the sweep stores in Redis (or a file in instance/ when
  there is no Redis) because it runs in a worker, not in the process that is scraped.

/metrics answers only a bearer METRICS_TOKEN and is a 404 while none is set (see
docs/OPERATIONS.md "What to watch").
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from marketplace import queue
from marketplace.clock import utcnow
from marketplace.extensions import db

log = logging.getLogger(__name__)

REQUEST_SECONDS = Histogram(
    "smajob_http_request_duration_seconds",
    "Time to answer a request, by the route's endpoint name, method and status class.",
    ["endpoint", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DELIVERY_FAILURES = Counter(
    "smajob_email_delivery_failures",
    "E-mail attempts that failed (final: no attempt is left and the e-mail is marked failed).",
    ["final"],
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
SWEEP_KEY = "smajob:last_sweep"
SWEEP_FILE = "last_sweep.json"

OutboxState = Callable[[], Mapping[str, object]]


# -- Counted where it happens ---------------------------------------------------------------


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is not None:
        # An unmatched URL has no endpoint: one label for all of them, whatever the path.
        endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
        method = request.method if request.method in _METHODS else "OTHER"
        status = f"{response.status_code // 100}xx"
        REQUEST_SECONDS.labels(endpoint, method, status).observe(time.perf_counter() - started)
    return response


def delivery_failed(final: bool) -> None:
    DELIVERY_FAILURES.labels("true" if final else "false").inc()


def record_sweep(seconds: float, report: Mapping[str, int]) -> None:
    """Keep the last sweep's duration and counts where the scraped process can read them.
    Never raises: a sweep that did its work must not fail for its figures."""
    figures = {
        "finished_at": utcnow().timestamp(),
        "seconds": round(seconds, 6),
        "counts": {str(k): int(v) for k, v in report.items()},
    }
    try:
        connection = queue.redis_connection()
        if connection is not None:
            connection.set(SWEEP_KEY, json.dumps(figures))
            return
        path = Path(current_app.instance_path) / SWEEP_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as handle:
            json.dump(figures, handle)
        os.replace(handle.name, path)  # a scrape never reads half a file
    except (RedisError, OSError) as error:
        log.warning("the sweep's figures were not stored: %s", error)


def last_sweep() -> dict[str, Any] | None:
    try:
        connection = queue.redis_connection()
        if connection is not None:
            stored = connection.get(SWEEP_KEY)
            return json.loads(stored) if stored else None
        path = Path(current_app.instance_path) / SWEEP_FILE
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    except (RedisError, OSError, ValueError) as error:
        log.warning("the sweep's figures could not be read: %s", error)
        return None


# -- Read at scrape time --------------------------------------------------------------------


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


class StateCollector:
    """Gauges read from Redis and the database when scraped (in the scrape's app context)."""

    def __init__(self, outbox_state: OutboxState | None) -> None:
        self.outbox_state = outbox_state

    def collect(self) -> Iterator[Metric]:
        state = queue.state()
        yield _gauge(
            "smajob_queue_up", "1 when the queue answers (always 1 in-process).", state["ok"]
        )
        if state["ok"]:
            yield _gauge("smajob_queue_depth", "Jobs waiting in the rq queue.", state["depth"])
            yield _gauge(
                "smajob_queue_failed_jobs",
                "Jobs in rq's failed registry.",
                state.get("failed_jobs", 0),
            )
        if self.outbox_state is not None:
            yield from self._outbox()
        yield from self._sweep()

    def _outbox(self) -> Iterator[Metric]:
        try:
            outbox = self.outbox_state()  # type: ignore[misc]
        except SQLAlchemyError as error:
            db.session.rollback()
            log.warning("outbox figures unavailable: %s", error)
            return
        yield _gauge(
            "smajob_outbox_undelivered",
            "E-mails waiting to be sent or being sent.",
            float(outbox["undelivered"]),  # type: ignore[arg-type]
        )
        yield _gauge(
            "smajob_outbox_oldest_undelivered_seconds",
            "Age of the oldest e-mail not yet delivered (0 when none waits).",
            float(outbox["oldest_undelivered_seconds"]),  # type: ignore[arg-type]
        )
        if "failed" in outbox:
            yield _gauge(
                "smajob_outbox_failed",
                "E-mails that failed for good (all attempts used).",
                float(outbox["failed"]),  # type: ignore[arg-type]
            )

    def _sweep(self) -> Iterator[Metric]:
        figures = last_sweep()
        if not figures:
            return
        yield _gauge(
            "smajob_sweep_last_duration_seconds",
            "How long the last sweep took.",
            figures["seconds"],
        )
        yield _gauge(
            "smajob_sweep_last_finished_timestamp_seconds",
            "When the last sweep finished (Unix time).",
            figures["finished_at"],
        )
        counts = GaugeMetricFamily(
            "smajob_sweep_last_count",
            "What the last sweep handled, by part (e-mails handed out, digest claims freed, "
            "reminders written).",
            labels=["part"],
        )
        for part, value in sorted(figures["counts"].items()):
            counts.add_metric([part], value)
        yield counts


class _Scrape:
    """What one scrape exposes: the process (or all processes') metrics and the state."""

    def __init__(self, sources: Iterable[Any]) -> None:
        self.sources = list(sources)

    def collect(self) -> Iterator[Metric]:
        for source in self.sources:
            yield from source.collect()


def _authorised() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)  # off unless configured: nothing about the installation leaks
    given = request.headers.get("Authorization", "")
    return given.startswith("Bearer ") and hmac.compare_digest(
        given.removeprefix("Bearer ").encode(), token.encode()
    )


def scrape() -> Response:
    """GET /metrics (registered by build_app)."""
    if not _authorised():
        return Response(
            "Unauthorised\n",
            401,
            {"WWW-Authenticate": 'Bearer realm="metrics"'},
            mimetype="text/plain",
        )
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        process = MultiProcessCollector(None)  # every process's files in the directory
    else:
        process = REGISTRY
    state = StateCollector(current_app.extensions.get("smajob_outbox_state"))
    body = generate_latest(_Scrape([process, state]))  # type: ignore[arg-type]
    return Response(body, 200, {"Cache-Control": "no-store"}, content_type=CONTENT_TYPE_LATEST)


def init_app(app: Flask, outbox_state: OutboxState | None = None) -> None:
    app.extensions["smajob_outbox_state"] = outbox_state
    app.before_request(_start_timer)
    app.after_request(_observe)

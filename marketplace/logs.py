"""Log lines and the request id that ties a request to the jobs it queues.

Every request gets an id: the caller's X-Request-ID when it is a short safe token (a proxy or
load balancer may have set one already), otherwise a new one. It is sent back in the same
header, stored in the job meta of every rq job the request queues (queue.dispatch), and put
on every log record: the web process reads it from `g`, a worker from the current rq job's
meta, so one id follows a user's action from the page through the e-mail it sends.

LOG_FORMAT=json writes one JSON object per line (python-json-logger) for a log collector;
the default stays the readable text `make run` has always printed.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid

from flask import Flask, Response, g, has_app_context, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-ID"
META_KEY = "request_id"
# Letters, digits and . _ : - only, at most 64: safe to echo in a header and a log line.
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_HANDLER_NAME = "smajob-json"


def current_request_id() -> str | None:
    """The id of the request being served, or of the request that queued the running job."""
    if has_app_context():
        request_id = g.get("request_id")
        if request_id:
            return str(request_id)
    # rq is imported only by the processes that run jobs; without it there is no job.
    rq_job = sys.modules.get("rq.job")
    if rq_job is not None:
        job = rq_job.get_current_job()
        if job is not None:
            request_id = (job.meta or {}).get(META_KEY)
            return str(request_id) if request_id else None
    return None


def job_meta() -> dict[str, str]:
    """The meta of a job queued now: the request id it carries to the worker."""
    request_id = current_request_id()
    return {META_KEY: request_id} if request_id else {}


def _choose_request_id() -> None:
    given = request.headers.get(HEADER, "")
    g.request_id = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex


def _return_request_id(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers[HEADER] = request_id
    return response


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record that passes the handler ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


def json_handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        JsonFormatter(
            ["levelname", "name", "message", "request_id"],
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",  # ISO 8601 in UTC, whatever the machine's zone
        )
    )
    handler.addFilter(RequestIdFilter())
    return handler


def configure(app: Flask) -> None:
    """With LOG_FORMAT=json the root logger writes JSON lines (once per process, however many
    apps are built); otherwise logging is left as it was."""
    if app.config.get("LOG_FORMAT") != "json":
        return
    root = logging.getLogger()
    if not any(h.get_name() == _HANDLER_NAME for h in root.handlers):
        root.addHandler(json_handler())
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    # Flask's own text handler would write every marketplace.* line a second time.
    app.logger.removeHandler(default_handler)


def init_app(app: Flask) -> None:
    configure(app)
    app.before_request(_choose_request_id)
    app.after_request(_return_request_id)

"""Request ids and JSON logs (marketplace/logs.py): the id a request gets and returns, the JSON
line that carries it, and the same id in the meta of the jobs the request queues and in the
worker's log context when it runs them."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from flask import Flask
from flask.logging import default_handler
from redis import Redis
from rq import Queue
from rq.worker import SimpleWorker

from marketplace import logs, queue
from tests import rq_worker
from tests.smtp_sink import free_port
from tests.support import submit

redis_url = rq_worker.redis_url
rq_mode = rq_worker.rq_mode


@pytest.fixture
def json_lines():
    """A JSON handler like LOG_FORMAT=json's on the root logger, writing to a buffer."""
    buffer = io.StringIO()
    handler = logs.json_handler()
    handler.setStream(buffer)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def read() -> list[dict[str, object]]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield read
    root.removeHandler(handler)
    root.setLevel(level)


def test_a_safe_request_id_is_kept_and_returned(client):
    response = client.get("/login", headers={"X-Request-ID": "lb-7f3a.91:x_y"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.91:x_y"


@pytest.mark.parametrize(
    "given", [None, "", "two words", "a" * 65, "<script>", "id;Set-Cookie: x=1", "-leading"]
)
def test_an_unsafe_or_missing_request_id_is_replaced_by_a_new_one(client, given):
    headers = {"X-Request-ID": given} if given is not None else {}
    first = client.get("/login", headers=headers).headers["X-Request-ID"]
    second = client.get("/login", headers=headers).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second  # one per request


def test_a_json_log_line_has_the_request_id(app, json_lines):
    with app.test_request_context("/login", headers={"X-Request-ID": "req-0042"}):
        app.preprocess_request()
        logging.getLogger("marketplace.somewhere").warning("the mail server is slow")
    with app.app_context():  # a command's or a worker's context: no request, no job
        logging.getLogger("marketplace.somewhere").warning("outside any request")
    inside, outside = json_lines()
    assert inside["message"] == "the mail server is slow"
    assert inside["request_id"] == "req-0042"
    assert inside["level"] == "WARNING"
    assert inside["logger"] == "marketplace.somewhere"
    assert str(inside["time"]).endswith("+00:00")  # ISO 8601 in UTC
    assert outside["request_id"] == "-"


def test_a_task_the_request_hands_over_logs_under_its_id(
    app, client, employer, login, json_lines, monkeypatch
):
    """In-process mode: the invitation e-mail fails to send at the end of the request, and
    its warning carries the id of the request that invited."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens here
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    login(employer)
    client.environ_base["HTTP_X_REQUEST_ID"] = "invite-77"
    submit(
        client,
        "/team",
        {"name": "Ny", "email": "ny@test.example", "role": "employer", "locale": "da"},
    )
    failed = [line for line in json_lines() if "attempt" in str(line["message"])]
    assert failed
    assert {line["request_id"] for line in failed} == {"invite-77"}


def test_log_format_json_turns_the_json_lines_on_once_and_text_stays_the_default():
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    text_app = Flask("text_app")
    text_app.config["LOG_FORMAT"] = "text"
    logs.configure(text_app)
    assert root.handlers == before
    json_app = Flask("json_app")
    json_app.config["LOG_FORMAT"] = "json"
    try:
        logs.configure(json_app)
        logs.configure(json_app)  # a second app in the same process adds no second handler
        added = [h for h in root.handlers if h not in before]
        assert len(added) == 1
        assert default_handler not in json_app.logger.handlers
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
        root.setLevel(level)


@pytest.mark.redis
def test_a_queued_job_carries_the_request_id_to_the_worker(app, rq_mode, employer, login, client):
    login(employer)
    client.environ_base["HTTP_X_REQUEST_ID"] = "invite-rq-5"
    submit(
        client,
        "/team",
        {"name": "Ny", "email": "ny@test.example", "role": "employer", "locale": "da"},
    )
    connection = Redis.from_url(app.config["REDIS_URL"])
    (job,) = Queue(rq_mode, connection=connection).jobs
    assert job.func_name == "marketplace.notifications.delivery.deliver_email"
    assert job.meta["request_id"] == "invite-rq-5"

    # In the worker, what a job logs (and what it queues in turn) is under the same id.
    with app.test_request_context(headers={"X-Request-ID": "invite-rq-5"}):
        app.preprocess_request()
        queue.dispatch(logs.current_request_id)
    probe = Queue(rq_mode, connection=connection).jobs[-1]
    SimpleWorker([Queue(rq_mode, connection=connection)], connection=connection).work(burst=True)
    probe.refresh()
    assert probe.return_value() == "invite-rq-5"


def test_a_job_queued_outside_a_request_and_a_job_has_no_request_id(app):
    with app.app_context():  # `flask cron` or `flask sweep` queueing the sweep's work
        assert logs.current_request_id() is None
        assert logs.job_meta() == {}

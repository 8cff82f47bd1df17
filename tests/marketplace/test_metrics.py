"""/metrics (marketplace/metrics.py): refused without its token, off without one configured,
the named metrics after a few requests, labels by endpoint name (never a raw URL or id), the
outbox and the last sweep read at scrape time, and failed e-mail attempts counted."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from marketplace import metrics, tasks
from marketplace.extensions import db
from marketplace.notifications import delivery
from marketplace.notifications.outbox import notify
from tests.smtp_sink import free_port

TOKEN = "test-metrics-token-123"


@pytest.fixture
def metrics_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)


def scrape(client) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return response.get_data(as_text=True)


def samples(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(name)]


def test_without_a_configured_token_the_endpoint_does_not_exist(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer x"}).status_code == 404


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", TOKEN]
)
def test_without_the_token_it_is_refused(client, metrics_on, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "smajob_" not in response.get_data(as_text=True)


def test_request_latency_is_labelled_by_endpoint_method_and_status_class(
    client, metrics_on, jobcentre, consultant, job
):
    jobcentre.get(f"/jobs/{job.id}")
    jobcentre.get("/jobs/987654321")  # an id that does not exist: a 404 on the same endpoint
    jobcentre.get("/no/such/page/424242")
    text = scrape(client)
    lines = samples(text, "smajob_http_request_duration_seconds_count")
    labels = [dict(re.findall(r'(\w+)="([^"]*)"', line)) for line in lines]
    assert {"endpoint": "candidates.job", "method": "GET", "status": "2xx"} in labels
    assert {"endpoint": "candidates.job", "method": "GET", "status": "4xx"} in labels
    assert {"endpoint": "unmatched", "method": "GET", "status": "4xx"} in labels
    # No raw path or id ever becomes a label value, so the series cannot grow with the data.
    for line in samples(text, "smajob_http_request_duration_seconds"):
        found = dict(re.findall(r'(\w+)="([^"]*)"', line))
        assert re.fullmatch(r"[a-z_.]+", found["endpoint"]), line
        assert re.fullmatch(r"[1-5]xx", found["status"]), line
        assert "987654321" not in line
        assert "424242" not in line


def test_the_outbox_and_queue_figures_are_read_at_scrape_time(client, metrics_on, employer):
    notify([employer], "invitation_accepted", name="Kim Kollega")
    db.session.flush()  # written, not sent: one undelivered e-mail
    text = scrape(client)
    assert samples(text, "smajob_outbox_undelivered ")[0].endswith(" 1.0")
    assert samples(text, "smajob_outbox_oldest_undelivered_seconds ")
    assert samples(text, "smajob_outbox_failed ")
    assert samples(text, "smajob_queue_up ")[0].endswith(" 1.0")
    assert samples(text, "smajob_queue_depth ")


def test_the_last_sweep_duration_and_counts_are_exposed(
    app, client, metrics_on, tmp_path, monkeypatch
):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    assert not samples(scrape(client), "smajob_sweep_last_duration_seconds")
    report = tasks.sweep()
    stored = json.loads((tmp_path / metrics.SWEEP_FILE).read_text())
    assert stored["counts"] == report
    text = scrape(client)
    assert samples(text, "smajob_sweep_last_duration_seconds ")
    assert samples(text, "smajob_sweep_last_finished_timestamp_seconds ")
    parts = {
        re.search(r'part="(\w+)"', line)[1] for line in samples(text, "smajob_sweep_last_count{")
    }
    assert parts == {"handed_out", "digest_claims_freed", "reminders"}


def test_a_failed_delivery_is_counted(app, client, metrics_on, employer, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens here
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)

    def failures() -> float:
        line = samples(scrape(client), 'smajob_email_delivery_failures_total{final="false"}')
        return float(line[0].rsplit(" ", 1)[1]) if line else 0.0

    before = failures()
    (row,) = notify([employer], "invitation_accepted", name="Kim Kollega")
    db.session.commit()
    delivery.deliver_email(row.id)
    assert failures() == before + 1


SCRIPT = """
import sys
from marketplace import build_app

app = build_app({
    "TESTING": True,
    "SECRET_KEY": "test-only-secret-key",
    "SQLALCHEMY_DATABASE_URI": sys.argv[1],
    "METRICS_TOKEN": "multi-token",
})
client = app.test_client()
for _ in range(int(sys.argv[2])):
    assert client.get("/metrics").status_code == 401
if sys.argv[3] == "scrape":
    response = client.get("/metrics", headers={"Authorization": "Bearer multi-token"})
    sys.stdout.write(response.get_data(as_text=True))
"""


def test_with_a_multiprocess_directory_a_scrape_adds_up_every_process(database_url, tmp_path):
    """gunicorn's workers are processes: with PROMETHEUS_MULTIPROC_DIR each writes its figures
    there, and the process that is scraped reports the sum of all of them."""
    environ = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    def run(requests: int, then: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, database_url, str(requests), then],
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout

    run(3, "exit")
    run(2, "exit")
    text = run(0, "scrape")
    (line,) = [
        line
        for line in samples(text, "smajob_http_request_duration_seconds_count")
        if 'endpoint="metrics"' in line and 'status="4xx"' in line
    ]
    assert float(line.rsplit(" ", 1)[1]) == 5  # 3 + 2, from two processes that have ended
    assert samples(text, "smajob_outbox_undelivered ")

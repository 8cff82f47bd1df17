"""The Procfile's three processes, for real: honcho starts web (gunicorn), worker and cron on a
scratch PostgreSQL database and Redis, with an SMTP sink; the demo employer Sofie logs in over
HTTP, confirms the week that waits, and changes her password, whose notification the worker
delivers to the sink. Runs when TEST_DATABASE_URL and TEST_REDIS_URL are set (as in .ci/run).

Confirming a week notifies nobody (the jobcentre reads the hours on its pages), so the e-mail
that proves the queue and the worker is the password-changed notice, from the same session.
The cron process is seen at work by the sweeps it has the worker run.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import sqlalchemy as sa
from redis import Redis
from rq import Queue
from rq.registry import FinishedJobRegistry

from marketplace.clock import local_today
from marketplace.demo.data import DEMO_PASSWORD
from marketplace.demo.town import COMPANIES
from tests.databases import scratch_database
from tests.html_forms import FormReader
from tests.smtp_sink import SmtpSink, free_port
from tests.support import missing_service

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SOFIE = next(user for fields, user in COMPANIES if fields["name"] == "Vestjysk Emballage A/S")
NEW_PASSWORD = "Pakkelinjen kører stille om morgenen 2026"
# This test's Redis database: its own number, beside the suite's (TEST_REDIS_URL's db).
OPS_REDIS_DB = int(os.environ.get("TEST_OPS_REDIS_DB", "14"))


def wait_for(check: Callable[[], object], seconds: float, what: str) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds:g} s: {what}")


class Browser:
    """urllib with a cookie jar: what a browser without JavaScript sends."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.geturl(), response.read().decode()

    def submit(self, page: str, first_field: str, **values: str) -> tuple[str, str]:
        """Fill the form on `page` that has `first_field` as a browser would (the CSRF token
        and what is filled in or ticked already, then `values`), and send it."""
        _, html = self.get(page)
        reader = FormReader()
        reader.feed(html)
        form = next(f for f in reader.forms if first_field in f.values)
        fields = {**form.values, **{name: [value] for name, value in values.items()}}
        body = urllib.parse.urlencode([(k, v) for k, vs in fields.items() for v in vs]).encode()
        action = urllib.parse.urljoin(self.base + page, form.action or "")
        with self.opener.open(action, data=body, timeout=10) as response:
            return response.geturl(), response.read().decode()


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our http address)
            return response.status == 200
    except OSError:
        return False


def stop_everything(honcho: subprocess.Popen[bytes], marker: str) -> None:
    """honcho stops its processes (each in a session of its own) on SIGTERM; any that is still
    there afterwards is found by the marker in its environment and killed with its group."""
    if honcho.poll() is None:
        os.killpg(honcho.pid, signal.SIGTERM)
        try:
            honcho.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait(timeout=5)
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if f"SMAJOB_SMOKE={marker}".encode() in environ.split(b"\0"):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(os.getpgid(int(proc.name)), signal.SIGKILL)


@pytest.fixture
def services() -> tuple[str, str]:
    database, redis = os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_REDIS_URL")
    if not (database and redis):
        missing_service("the process smoke test runs with TEST_DATABASE_URL and TEST_REDIS_URL")
    redis_url = redis.rsplit("/", 1)[0] + f"/{OPS_REDIS_DB}"
    try:
        Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except Exception as error:
        missing_service(f"Redis at {redis_url} does not answer: {error}")
    return database, redis_url


@dataclass
class Installation:
    base: str
    database_url: str
    queue: Queue
    sink: SmtpSink


@pytest.fixture
def installation(services, tmp_path) -> Iterator[Installation]:
    """The three processes running, with the web's address, the database, queue and sink."""
    _, redis_url = services
    port, marker, queue = free_port(), secrets.token_hex(6), f"smajob-ops-{secrets.token_hex(4)}"
    with scratch_database(tmp_path, "ops") as database_url, SmtpSink() as sink:
        env = {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "SMAJOB_SMOKE": marker,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "RQ_QUEUE": queue,
            "SECRET_KEY": secrets.token_hex(32),
            "BASE_URL": f"http://127.0.0.1:{port}",
            "SESSION_COOKIE_SECURE": "false",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(sink.port),
            "MAIL_USE_TLS": "false",
            "SWEEP_INTERVAL_SECONDS": "1",
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_COST": "1024",
            "WEB_WORKERS": "2",
        }
        for command in (["db", "upgrade"], ["seed-demo", "--allow-non-sqlite"]):
            subprocess.run(
                [str(BIN / "flask"), "--app", "app", *command],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                timeout=60,
            )
        log = (tmp_path / "honcho.log").open("wb")
        honcho = subprocess.Popen(
            [str(BIN / "honcho"), "start", "-f", "Procfile", "-p", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: answers(base + "/healthz"), 30, "gunicorn answers /healthz")
            queued = Queue(queue, connection=Redis.from_url(redis_url))
            yield Installation(base, database_url, queued, sink)
        except BaseException:
            log.flush()
            print((tmp_path / "honcho.log").read_text(errors="replace")[-4000:])
            raise
        finally:
            stop_everything(honcho, marker)
            log.close()
            Queue(queue, connection=Redis.from_url(redis_url)).delete(delete_jobs=True)


def test_web_worker_and_cron_confirm_a_week_and_deliver_the_e_mail(installation):
    sink = installation.sink
    browser = Browser(installation.base)

    landed, _ = browser.submit("/login", "password", email=SOFIE.email, password=DEMO_PASSWORD)
    assert landed.endswith("/company/"), landed

    today = local_today()
    last_monday = (today - timedelta(days=today.weekday() + 7)).isoformat()
    week_page = f"/company/hours?week={last_monday}"
    _, html = browser.get(week_page)
    assert "hours-input" in html, "last week waits at Vestjysk (demo)"
    landed, _ = browser.submit(week_page, "confirm")
    assert f"week={last_monday}" in landed, landed
    engine = sa.create_engine(installation.database_url)
    with engine.connect() as connection:
        confirmed = connection.execute(
            sa.text(
                "SELECT count(*) FROM week_confirmations w JOIN users u"
                " ON u.id = w.confirmed_by_id WHERE u.email = :email AND w.week_start = :week"
            ),
            {"email": SOFIE.email, "week": last_monday},
        ).scalar_one()
    engine.dispose()
    assert confirmed >= 3, "the three people on the packing line"

    browser.submit(
        "/account/password",
        "current_password",
        current_password=DEMO_PASSWORD,
        password=NEW_PASSWORD,
        password_confirm=NEW_PASSWORD,
    )

    def to_sofie() -> list[object]:
        with sink.lock:
            return [m for m in sink.accepted if SOFIE.email in str(m["To"])]

    wait_for(to_sofie, 20, "the worker delivers the password notice to the SMTP sink")

    # cron enqueues the sweep every second here; the worker runs it.
    queue = installation.queue

    def swept() -> bool:
        finished = FinishedJobRegistry(queue.name, connection=queue.connection).get_job_ids()
        jobs = (queue.fetch_job(job_id) for job_id in finished)
        return any(job is not None and job.func_name.endswith(".sweep") for job in jobs)

    wait_for(swept, 15, "cron has the worker run the sweep")

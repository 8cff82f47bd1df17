"""Load through a real server: the key pages and the confirm POST under wrk, beside a
hello-world route on the same gunicorn (issue 16).

    make bench-load
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/town_national \\
        .venv/bin/python -m bench.load [--duration 10] [--connections 16] [--pages NAME,...]

The database is a town built by bench.town (`make bench-town`). This starts gunicorn with
2 sync workers serving bench.load_app (the production app plus /bench/hello), logs in through
the real /login form as the consultant and the admin of the biggest jobcentre and the
employer of the busiest company (found by SQL as bench.town builds them), picks real ids,
checks each page once (a 200 holding its marker, text the page shows only with real data),
then for each page runs wrk (bench/load.lua checks every answer's status and marker):

* hello: /bench/hello at --connections, just before the page, so the page's ratio is to a
  hello figure taken under the same conditions (the machine's other load included);
* the page at --connections (req/s, p50, p95, p99);
* the page alone: one connection, its median ("each key page alone").

The confirm POST (`confirm`) is the one-placement week page's form (POST
/company/hours/confirm for one placement and week, as a browser sends it: every input of the
page's form, the planned hours filled in). A week can be confirmed once, so each request needs
a week of its own: before the run this reopens the busiest company's last --reopen-weeks
weeks in the bench database (deletes their week confirmations and hour records; bench-only,
see reopen_weeks) and reads the form of each waiting week from its page. A success answers 302
back to the week's page; so does a refusal (with a flash message), so afterwards the weeks are
counted by SQL: the figure is only printed as honest if every answered POST wrote its week.

Afterwards the reopened weeks are put back as they were (the saved rows, ids and all), and
the access-log rows the run's page views wrote are deleted, so a run leaves the database as
it found it but for three login sessions.

wrk (C, `apt-get install -y wrk`) generates the load: a Python load generator would take the
cores gunicorn needs and understate hello-world. wrk, the server and PostgreSQL share this
machine; the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import html.parser
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import Connection, Engine

from bench.load_app import HELLO_PATH, HELLO_TEXT
from bench.town import PASSWORD
from marketplace.clock import local_today
from marketplace.config import normalise_database_url
from marketplace.models import HourRecord, Placement, WeekConfirmation

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/town_national"
ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "load.lua"
CONFIRM_PATH = "/company/hours/confirm"
CONSULTANT, ADMIN, EMPLOYER = "consultant", "admin", "employer"
TEXT_SEARCH = "opvask"  # a word in about a quarter of the town's job titles (bench.town)
RESULT_LINE = re.compile(r"^bench-load: (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Page:
    """One key page: who asks, where, and the text its answer must hold (for a 302, its
    Location)."""

    name: str
    user: str
    path: str
    marker: str
    status: int = 200
    post: bool = False


@dataclass
class Run:
    """One wrk run's figures, from bench/load.lua's done() line."""

    requests: int
    seconds: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    bad_status: int
    missing: int
    socket_errors: int
    timeouts: int
    sent: int
    ran_out: int
    extra: int
    last_bad_status: int = 0

    @property
    def rate(self) -> float:
        """Requests answered per second (the answers to requests sent after a POST run ran
        out of bodies are not the page's)."""
        return (self.requests - self.extra) / self.seconds if self.seconds else 0.0

    @property
    def failures(self) -> int:
        """Wrong answers, and a run with no answer at all (its figures would be zeros)."""
        return (
            self.bad_status
            + self.missing
            + self.socket_errors
            + self.timeouts
            + (1 if self.requests - self.extra <= 0 else 0)
        )


@dataclass
class Row:
    page: Page
    alone: Run | None = None
    loaded: Run | None = None
    hello: Run | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.loaded is None or self.hello is None or not self.hello.rate:
            return None
        return self.loaded.rate / self.hello.rate


@dataclass
class Town:
    """The logins and ids the pages need, found by SQL."""

    consultant: str
    admin: str
    employer: str
    company_id: int
    employer_id: int
    consultant_id: int
    admin_id: int
    candidate_id: int
    job_id: int
    placement_id: int


@dataclass
class Confirmations:
    """The confirm POST's work: one form body per waiting (placement, week)."""

    bodies: list[str] = field(default_factory=list)
    weeks: list[tuple[int, date]] = field(default_factory=list)
    reopened: int = 0


def parse_run(output: str) -> Run:
    """The figures of bench/load.lua's done() line in wrk's output."""
    found = RESULT_LINE.search(output)
    if found is None:
        raise ValueError(f"no bench-load line in wrk's output:\n{output}")
    values = {key: int(value) for key, value in (pair.split("=") for pair in found[1].split())}

    def ms(key: str) -> float:
        return values[key] / 1000

    return Run(
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        p50_ms=ms("p50_us"),
        p75_ms=ms("p75_us"),
        p90_ms=ms("p90_us"),
        p95_ms=ms("p95_us"),
        p99_ms=ms("p99_us"),
        mean_ms=ms("mean_us"),
        max_ms=ms("max_us"),
        bad_status=values["bad_status"],
        missing=values["missing"],
        socket_errors=values["connect_errors"] + values["read_errors"] + values["write_errors"],
        timeouts=values["timeouts"],
        sent=values["sent"],
        ran_out=values["ran_out"],
        extra=values["extra"],
        last_bad_status=values.get("last_bad_status", 0),
    )


def wrk_command(
    base: str,
    page: Page,
    seconds: float,
    connections: int,
    threads: int,
    cookie: str = "",
    bodies: Path | None = None,
) -> list[str]:
    """The wrk command for one run. Threads are at most the connections (wrk's rule)."""
    threads = max(1, min(threads, connections))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "60s",  # a slow answer is measured, not dropped as a timeout
        "--latency",
        "-s",
        str(LUA),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command += [base + page.path, "--", str(page.status), page.marker]
    if bodies is not None:
        command += [str(bodies), str(threads), HELLO_PATH]
    return command


def drain(base: str) -> None:
    """Wait until the server has answered what a finished run left queued: wrk closes its
    connections at the end, but gunicorn's sync workers still answer every request already
    sent, so the next run's first requests would wait behind them. A new connection is served
    after those, so two hello requests in turn (one per worker, roughly) mark the end."""
    host, port = base.removeprefix("http://").split(":")
    for _ in range(2):
        Client(host, int(port)).request(HELLO_PATH)


def run_wrk(command: Sequence[str]) -> Run:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (wrk, our arguments, no shell)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return parse_run(done.stdout)


# --- The town ---------------------------------------------------------------------------


def find_town(conn: Connection) -> Town:
    """As bench.town builds it: the jobcentre with most candidates, its first consultant
    (a caseload of ~50) and its admin; the company with most placements and its first
    employer; an active candidate of that consultant, a published job of that company and a
    placement of it in paid hours (else any phase)."""
    jobcentre = conn.scalar(
        text(
            "SELECT jobcentre_id FROM candidates GROUP BY jobcentre_id"
            " ORDER BY count(*) DESC, jobcentre_id LIMIT 1"
        )
    )
    company = conn.scalar(
        text(
            "SELECT company_id FROM placements GROUP BY company_id"
            " ORDER BY count(*) DESC, company_id LIMIT 1"
        )
    )
    if jobcentre is None or company is None:
        raise SystemExit("no town in this database: build one with `make bench-town`")

    def user(org: int, role: str) -> tuple[int, str]:
        found = conn.execute(
            text(
                "SELECT id, email FROM users WHERE organisation_id = :org AND role = :role"
                " AND active ORDER BY id LIMIT 1"
            ),
            {"org": org, "role": role},
        ).first()
        if found is None:
            raise SystemExit(f"organisation {org} has no active {role}")
        return found[0], found[1]

    consultant_id, consultant = user(jobcentre, "consultant")
    admin_id, admin = user(jobcentre, "admin")
    employer_id, employer = user(company, "employer")
    candidate = conn.scalar(
        text(
            "SELECT id FROM candidates WHERE consultant_id = :c AND status = 'active'"
            " ORDER BY id LIMIT 1"
        ),
        {"c": consultant_id},
    )
    job = conn.scalar(
        text(
            "SELECT id FROM jobs WHERE company_id = :c AND status = 'published' ORDER BY id LIMIT 1"
        ),
        {"c": company},
    )
    placement = conn.scalar(
        text(
            "SELECT id FROM placements WHERE company_id = :c ORDER BY phase <> 'paid', id LIMIT 1"
        ),
        {"c": company},
    )
    if candidate is None or job is None or placement is None:
        raise SystemExit("the town lacks an active candidate, a published job or a placement")
    return Town(
        consultant=consultant,
        admin=admin,
        employer=employer,
        company_id=company,
        employer_id=employer_id,
        consultant_id=consultant_id,
        admin_id=admin_id,
        candidate_id=candidate,
        job_id=job,
        placement_id=placement,
    )


def key_pages(town: Town) -> list[Page]:
    """The pages of issues 16 and 17 with the text each shows only with real data: names
    ("Borger <id>", bench.town's), links to the rows a list lists."""
    return [
        Page("caseload", CONSULTANT, "/caseload", "Borger "),
        Page(
            "candidate",
            CONSULTANT,
            f"/candidates/{town.candidate_id}",
            f"Borger {town.candidate_id}",
        ),
        Page("jobs", CONSULTANT, "/jobs", 'href="/jobs/'),
        Page("jobs-search", CONSULTANT, f"/jobs?q={TEXT_SEARCH}", 'href="/jobs/'),
        Page("job-matching", CONSULTANT, f"/jobs/{town.job_id}", "Borger "),
        Page("placements", CONSULTANT, "/placements", 'href="/placements/'),
        Page("placements-all", CONSULTANT, "/placements?show=all", 'href="/placements/'),
        Page("jobcentre", ADMIN, "/jobcentre", "Konsulent "),
        # Issue 17: the leader's figures (a share is shown only for a non-empty group) and
        # the consultant's stuck list.
        Page("figures", ADMIN, "/jobcentre/figures", " %</strong>"),
        Page("stuck", CONSULTANT, "/jobcentre/stuck", 'href="/candidates/'),
        Page("company-home", EMPLOYER, "/company/", 'href="/company/placements/'),
        Page("company-week", EMPLOYER, "/company/hours", 'href="/company/placements/'),
        Page("company-placements", EMPLOYER, "/company/placements", 'href="/company/placements/'),
        Page("company-proposals", EMPLOYER, "/company/proposals", 'href="/company/proposals/'),
        Page(
            "company-placement",
            EMPLOYER,
            f"/company/placements/{town.placement_id}",
            f'href="/company/placements/{town.placement_id}/hours',
        ),
        Page("confirm", EMPLOYER, CONFIRM_PATH, "/hours?week=", status=302, post=True),
    ]


# --- HTTP -------------------------------------------------------------------------------


class Client:
    """A browser's minimum over http.client: one server, cookies kept, no redirects followed."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    @property
    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self, path: str, form: dict[str, str] | list[tuple[str, str]] | None = None
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        headers = {"Cookie": self.cookie} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request("POST" if form is not None else "GET", path, body, headers)
            response = connection.getresponse()
            text_ = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                parsed: SimpleCookie = SimpleCookie()
                parsed.load(value)
                for name, morsel in parsed.items():
                    self.cookies[name] = morsel.value
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text_
        finally:
            connection.close()

    def login(self, email: str) -> None:
        status, _headers, page = self.request("/login")
        token = csrf_token(page)
        status, headers, _page = self.request(
            "/login", {"email": email, "password": PASSWORD, "csrf_token": token}
        )
        if status != 302 or "/login" in headers.get("location", "/login"):
            raise SystemExit(f"logging in as {email} failed: {status}")


class FormReader(html.parser.HTMLParser):
    """The inputs of the forms that post to `action`: (name, value) as a browser sends them
    (a checkbox only when checked)."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.forms: list[list[tuple[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and found.get("action") == self.action:
            self.inside = True
            self.forms.append([])
        elif tag == "input" and self.inside and found.get("name"):
            kind = found.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in found:
                return
            if kind not in ("submit", "button", "image", "file"):
                self.forms[-1].append((found["name"], found.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def form_fields(page: str, action: str) -> list[tuple[str, str]] | None:
    reader = FormReader(action)
    reader.feed(page)
    return reader.forms[0] if reader.forms else None


def csrf_token(page: str) -> str:
    """The token of the page's first form (attributes in any order)."""
    for tag in re.findall(r"<input[^>]*>", page):
        if 'name="csrf_token"' in tag and (value := re.search(r'value="([^"]*)"', tag)):
            return value[1]
    raise SystemExit("the page has no CSRF token")


# --- The confirm POST's weeks -----------------------------------------------------------


@dataclass
class Reopened:
    """The company's week confirmations and hour records from `since` on, as they were
    before the bench reopened those weeks, to be put back afterwards (restore_weeks)."""

    company_id: int
    since: date
    confirmations: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)


def window_rows(conn: Connection, company_id: int, since: date) -> Reopened:
    """The company's week confirmations and hour records from `since` on."""
    weeks, records = WeekConfirmation.__table__, HourRecord.__table__
    placements = select(Placement.id).where(Placement.company_id == company_id)
    return Reopened(
        company_id,
        since,
        [
            dict(row)
            for row in conn.execute(
                select(weeks)
                .where(weeks.c.placement_id.in_(placements), weeks.c.week_start >= since)
                .order_by(weeks.c.id)
            ).mappings()
        ],
        [
            dict(row)
            for row in conn.execute(
                select(records)
                .where(records.c.placement_id.in_(placements), records.c.work_date >= since)
                # Each correction after the record it corrects (its foreign key).
                .order_by(records.c.revision, records.c.id)
            ).mappings()
        ],
    )


def _delete_window(conn: Connection, company_id: int, since: date) -> int:
    """Delete the company's hour records and week confirmations from `since` on; returns the
    confirmations deleted. Hour records are append-only by trigger (migration 0007): it is
    off for this one DELETE only, inside the caller's transaction, so no other session ever
    sees the table without it (PostgreSQL: DDL is transactional; SQLite: the trigger is
    dropped and created again from its own SQL)."""
    params = {"company": company_id, "since": since}
    records = (
        "DELETE FROM hour_records WHERE placement_id IN"
        " (SELECT id FROM placements WHERE company_id = :company) AND work_date >= :since"
    )
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE hour_records DISABLE TRIGGER hour_records_append_only"))
        conn.execute(text(records), params)
        conn.execute(text("ALTER TABLE hour_records ENABLE TRIGGER hour_records_append_only"))
    else:
        sql = conn.scalar(
            text("SELECT sql FROM sqlite_master WHERE name = 'hour_records_no_delete'")
        )
        conn.execute(text("DROP TRIGGER hour_records_no_delete"))
        conn.execute(text(records), params)
        conn.execute(text(sql))
    return conn.execute(
        text(
            "DELETE FROM week_confirmations WHERE placement_id IN"
            " (SELECT id FROM placements WHERE company_id = :company) AND week_start >= :since"
        ),
        params,
    ).rowcount


def reopen_weeks(engine: Engine, company_id: int, weeks: int, today: date) -> Reopened:
    """Bench-only: delete the company's week confirmations and hour records of the last
    `weeks` weeks (up to last week), so the confirm POST has weeks to confirm; returns them
    as they were, for restore_weeks."""
    this_monday = today - timedelta(days=today.weekday())
    since = this_monday - timedelta(weeks=weeks)
    with engine.begin() as conn:
        saved = window_rows(conn, company_id, since)
        _delete_window(conn, company_id, since)
    return saved


def restore_weeks(engine: Engine, saved: Reopened) -> None:
    """Put the reopened weeks back as they were: whatever the run confirmed in them is
    deleted, and the saved rows go in again with their own ids, in one transaction. The
    records' day-limit trigger checks them as they go in."""
    with engine.begin() as conn:
        _delete_window(conn, saved.company_id, saved.since)
        if saved.confirmations:
            conn.execute(insert(WeekConfirmation.__table__), saved.confirmations)
        for record in saved.records:  # one by one: a correction after what it corrects
            conn.execute(insert(HourRecord.__table__), record)


def waiting_weeks(
    conn: Connection, company_id: int, weeks: int, today: date
) -> list[tuple[int, date]]:
    """(placement, week) pairs that may wait for confirmation: the company's placements with
    paid terms by then and not ended before the week, each of the last `weeks` weeks, the
    newest first. The week's page says for sure (it has the confirm form or not)."""
    this_monday = today - timedelta(days=today.weekday())
    rows = conn.execute(
        text(
            "SELECT p.id, min(t.paid_from), p.ended_on FROM placements p"
            " JOIN placement_terms t ON t.placement_id = p.id"
            " WHERE p.company_id = :company AND t.paid_from IS NOT NULL"
            " GROUP BY p.id, p.ended_on ORDER BY p.id"
        ),
        {"company": company_id},
    ).all()
    pairs = []
    for back in range(1, weeks + 1):
        monday = this_monday - timedelta(weeks=back)
        for placement_id, paid_from, ended_on in rows:
            ended = None if ended_on is None else as_date(ended_on)
            if as_date(paid_from) <= monday + timedelta(days=6) and (
                ended is None or ended >= monday
            ):
                pairs.append((placement_id, monday))
    return pairs


def confirm_bodies(client: Client, pairs: Iterable[tuple[int, date]], wanted: int) -> Confirmations:
    """Each waiting week's form as its page gives it (the planned hours filled in), up to
    `wanted` of them."""
    work = Confirmations()
    for placement_id, monday in pairs:
        if len(work.bodies) >= wanted:
            break
        path = f"/company/placements/{placement_id}/hours?week={monday.isoformat()}"
        status, _headers, page = client.request(path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status}")
        fields = form_fields(page, CONFIRM_PATH)
        if fields is None:
            continue  # confirmed already, or nothing to confirm that week
        work.bodies.append(urlencode(fields))
        work.weeks.append((placement_id, monday))
    return work


def weeks_confirmed(engine: Engine, company_id: int, weeks: Iterable[tuple[int, date]]) -> int:
    """How many of these weeks are confirmed now (each waited when its form was read)."""
    chosen = set(weeks)
    if not chosen:
        return 0
    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT placement_id, week_start FROM week_confirmations"
                " WHERE company_id = :company AND week_start >= :since"
            ),
            {"company": company_id, "since": min(monday for _p, monday in chosen)},
        ).all()
    return len(chosen & {(p, as_date(w)) for p, w in found})


def as_date(value: date | str) -> date:
    """A date column's value (SQLite gives text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


# --- The server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(
    database_url: str, port: int, workers: int, log: Path, source: Path = ROOT
) -> Iterator[tuple[str, int]]:
    """gunicorn serving bench.load_app with `workers` sync workers, until the block ends,
    from `source` (a copy of the code, e.g. `git archive HEAD`, or this working tree): its
    address and the master's pid."""
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    # Redis only when asked for (BENCH_REDIS_URL): without it tasks run in-process and the
    # rate limiter (off anyway) keeps memory; with it, as in production.
    env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "")
    env.setdefault("SECRET_KEY", "bench-only-secret-key")
    env.pop("FLASK_DEBUG", None)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 (our gunicorn, our arguments, no shell)
            [
                str(gunicorn),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--chdir",
                str(source),
                "bench.load_app:app",
            ],
            cwd=source,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_health("127.0.0.1", port, process, log)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def workers_peak_rss_mb(master: int) -> list[float]:
    """Each gunicorn worker's peak resident memory so far (Linux's VmHWM), in MB: issue 16's
    bound is 200 MB a worker. Empty where /proc does not say."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    peaks = []
    for child in children:
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return sorted(peaks)


def wait_for_health(host: str, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}):\n{log.read_text()}")
        try:
            status, _headers, _body = Client(host, port).request("/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer /healthz with 200 in 90 s:\n{log.read_text()}")


# --- The report -------------------------------------------------------------------------


def table(rows: Sequence[Row], connections: int) -> str:
    head = (
        f"| page | alone p50 ms | req/s @{connections} | p50 ms | p95 ms | p99 ms "
        "| non-200 / missing / errors | hello req/s | ratio |"
    )
    lines = [head, "|" + "---|" * 9]
    for row in rows:
        alone = f"{row.alone.p50_ms:.1f}" if row.alone else "–"
        loaded, hello = row.loaded, row.hello
        if loaded is None:
            figures = "| – | – | – | – | – "
        else:
            figures = (
                f"| {loaded.rate:.1f} | {loaded.p50_ms:.1f} | {loaded.p95_ms:.1f} "
                f"| {loaded.p99_ms:.1f} | {bad(row.alone)} + {bad(loaded)} "
            )
        hello_rate = f"{hello.rate:.0f}" if hello else "–"
        ratio = f"{row.ratio:.1%}" if row.ratio is not None else "–"
        lines.append(
            f"| {row.page.name} `{row.page.path}` | {alone} {figures}| {hello_rate} | {ratio} |"
        )
    return "\n".join(lines)


def bad(run: Run | None) -> str:
    """Wrong status / marker missing / socket errors and timeouts (and a wrong status seen)."""
    if run is None:
        return "–"
    seen = f" ({run.last_bad_status})" if run.bad_status else ""
    return f"{run.bad_status}{seen}/{run.missing}/{run.socket_errors + run.timeouts}"


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


# --- The run ----------------------------------------------------------------------------


def check_page(client: Client, page: Page) -> str | None:
    """What is wrong with the page's answer before the load, or None."""
    status, _headers, body = client.request(page.path)
    if status != page.status:
        return f"{page.path}: {status} (expected {page.status})"
    if page.marker not in body:
        return f"{page.path}: 200 without {page.marker!r}"
    return None


def write_bodies(path: Path, bodies: Sequence[str]) -> Path:
    path.write_text("".join(body + "\n" for body in bodies), encoding="ascii")
    return path


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per loaded run")
    parser.add_argument("--alone", type=float, default=5, help="seconds per one-connection run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (loaded runs)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--pages", default="", help="names, comma-separated (default: all)")
    parser.add_argument(
        "--reopen-weeks", type=int, default=26, help="the busiest company's weeks to reopen"
    )
    parser.add_argument(
        "--confirm-bodies", type=int, default=600, help="at most this many weeks to confirm"
    )
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--source",
        type=Path,
        default=ROOT,
        help="serve the code in this directory (default: this working tree)",
    )
    args = parser.parse_args(None if argv is None else list(argv))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE
    engine = create_engine(normalise_database_url(url))
    try:
        return measure(args, url, engine)
    finally:
        engine.dispose()


def measure(args: argparse.Namespace, url: str, engine: Engine) -> int:
    """The whole run (main's, after the arguments): prints the figures, 1 if any was wrong."""
    with engine.connect() as conn:
        town = find_town(conn)
    pages = key_pages(town)
    if args.pages:
        names = [name.strip() for name in args.pages.split(",") if name.strip()]
        known = {page.name: page for page in pages}
        unknown = [name for name in names if name not in known]
        if unknown:
            raise SystemExit(f"unknown pages {unknown}; known: {', '.join(known)}")
        pages = [known[name] for name in names]
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    print(f"load average at the start: {load_average()} ({os.cpu_count()} cores)")
    print(
        f"consultant {town.consultant}, admin {town.admin}, employer {town.employer}"
        f" (company {town.company_id}); candidate {town.candidate_id}, job {town.job_id},"
        f" placement {town.placement_id}"
    )
    today = local_today()
    confirm = next((page for page in pages if page.post), None)
    pairs: list[tuple[int, date]] = []
    saved: Reopened | None = None
    if confirm is not None:
        saved = reopen_weeks(engine, town.company_id, args.reopen_weeks, today)
        with engine.connect() as conn:
            pairs = waiting_weeks(conn, town.company_id, args.reopen_weeks, today)
        print(
            f"reopened the last {args.reopen_weeks} weeks: {len(saved.confirmations)} confirmed"
            f" weeks and {len(saved.records)} hour records deleted, put back after the run"
        )
    with engine.connect() as conn:
        last_seen = conn.scalar(text("SELECT coalesce(max(id), 0) FROM access_log"))
    try:
        return run_pages(args, url, engine, town, pages, pairs)
    finally:
        if saved is not None:
            restore_weeks(engine, saved)
            print(f"the weeks from {saved.since} are back as they were")
        # Every page that names a person logs the view (tens of thousands of rows a run);
        # left, they would make the next run's candidate page list a longer access log.
        with engine.begin() as conn:
            forgotten = conn.execute(
                text(
                    "DELETE FROM access_log WHERE id > :last"
                    " AND viewer_id IN (:consultant, :admin, :employer)"
                ),
                {
                    "last": last_seen,
                    "consultant": town.consultant_id,
                    "admin": town.admin_id,
                    "employer": town.employer_id,
                },
            ).rowcount
        print(f"deleted the {forgotten} access-log rows the run's page views wrote")


def run_pages(
    args: argparse.Namespace,
    url: str,
    engine: Engine,
    town: Town,
    pages: Sequence[Page],
    pairs: Sequence[tuple[int, date]],
) -> int:
    """Serve, log in, check the pages, and run wrk on each (the weeks already reopened)."""
    confirm = next((page for page in pages if page.post), None)
    began = datetime.now(UTC)
    work_dir = Path(tempfile.mkdtemp(prefix="smajob-load-"))
    log = work_dir / "gunicorn.log"
    hello = Page("hello", "", HELLO_PATH, HELLO_TEXT)
    rows: list[Row] = []
    work = Confirmations()
    failed = False
    with server(url, args.port or free_port(), args.workers, log, args.source.resolve()) as (
        base,
        master,
    ):
        print(f"gunicorn: {args.workers} sync workers at {base}, code {args.source}, log {log}")
        host, port = base.removeprefix("http://").split(":")
        clients: dict[str, Client] = {}
        for role, email in (
            (CONSULTANT, town.consultant),
            (ADMIN, town.admin),
            (EMPLOYER, town.employer),
        ):
            if any(page.user == role for page in pages):
                clients[role] = Client(host, int(port))
                clients[role].login(email)
        problems = [
            problem
            for page in pages
            if not page.post and (problem := check_page(clients[page.user], page))
        ]
        if problems:
            print("pages that fail before any load:", *problems, sep="\n  ")
            print(log.read_text()[-5000:])
            return 1
        if confirm is not None:
            work = confirm_bodies(clients[EMPLOYER], pairs, args.confirm_bodies)
            print(f"{len(work.bodies)} weeks wait for the confirm POST")
        for page in pages:
            row = Row(page)
            cookie = clients[page.user].cookie if page.user else ""
            loaded_bodies = alone_bodies = None
            if page.post:
                # A quarter of the weeks for the one-connection run, the rest under load.
                cut = len(work.bodies) // 4
                alone_bodies = write_bodies(work_dir / "alone.txt", work.bodies[:cut])
                loaded_bodies = write_bodies(work_dir / "loaded.txt", work.bodies[cut:])
            drain(base)
            row.hello = run_wrk(
                wrk_command(base, hello, args.duration, args.connections, args.threads)
            )
            drain(base)
            row.loaded = run_wrk(
                wrk_command(
                    base, page, args.duration, args.connections, args.threads, cookie, loaded_bodies
                )
            )
            drain(base)
            row.alone = run_wrk(wrk_command(base, page, args.alone, 1, 1, cookie, alone_bodies))
            if page.post:
                row.note = confirm_note(engine, town.company_id, work, [row.loaded, row.alone])
            failed = failed or row.loaded.failures > 0 or row.alone.failures > 0
            print(
                f"{page.name:<20} alone p50 {row.alone.p50_ms:7.1f} ms | @{args.connections}:"
                f" {row.loaded.rate:7.1f} req/s p95 {row.loaded.p95_ms:7.1f} ms"
                f" | hello {row.hello.rate:6.0f} req/s | bad {bad(row.alone)} + {bad(row.loaded)}"
                f" {row.note}",
                flush=True,
            )
            rows.append(row)
        peaks = workers_peak_rss_mb(master)
    report = "\n".join(
        [
            table(rows, args.connections),
            "",
            *(f"{row.page.name}: {row.note}" for row in rows if row.note),
            f"gunicorn --workers {args.workers} (sync), wrk -t{args.threads}"
            f" -c{args.connections} -d{args.duration:g}s (alone: -t1 -c1 -d{args.alone:g}s),"
            f" {began:%Y-%m-%d %H:%M} UTC, load average at the end: {load_average()}",
            "gunicorn workers' peak RSS (VmHWM): "
            + (", ".join(f"{mb:.0f} MB" for mb in peaks) or "unknown (no /proc)"),
        ]
    )
    print()
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report + "\n", encoding="utf-8")
    for row in rows:
        for label, run in (("alone", row.alone), (f"@{args.connections}", row.loaded)):
            if run is None or not run.failures:
                continue
            if run.requests - run.extra <= 0:
                why = "no answer in the run" + (" (it ran out of weeks)" if run.ran_out else "")
            else:
                why = f"wrong answers: {bad(run)} (status/marker/socket errors and timeouts)"
            print(f"FAILED {row.page.name} {label}: {why}")
    if failed:
        print(f"the server's log: {log}")
    return 1 if failed else 0


def confirm_note(engine: Engine, company_id: int, work: Confirmations, runs: Sequence[Run]) -> str:
    """Whether every POST answered with the redirect wrote its week (by SQL), and whether the
    runs ran out of weeks."""
    answered = sum(run.requests - run.extra - run.bad_status for run in runs)
    sent = sum(run.sent for run in runs)
    written = weeks_confirmed(engine, company_id, work.weeks)
    verdict = "every answered POST wrote its week" if written >= answered else "NOT ALL WRITTEN"
    note = f"{answered} POSTs answered 302, {sent} sent, {written} weeks written (SQL): {verdict}"
    if any(run.ran_out for run in runs):
        # A wrk thread out of bodies stops while its connections' requests are still queued
        # at the server: the 10 s runs that ran out half-way had a p95 of 1-2.6 s, the same
        # POSTs over 5-7 s (bodies to the end) 196-206 ms.
        note += (
            f"; ran out of weeks (of {len(work.bodies)}): the loaded run's p95/p99 are not the"
            " server's then; give --reopen-weeks more or a shorter --duration"
        )
    return note


if __name__ == "__main__":
    sys.exit(main())

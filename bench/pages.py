"""Each key page alone, on a town built by bench.town: warm median and minimum time, this
process's CPU time (median; steadier than wall time on a shared machine), SQL statements per
request, and how much of the time went to SQL (at the cursor: execute and fetch, the round
trip included) and how much to the rest (Python, and waiting for the CPU).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/town_national \\
        .venv/bin/python -m bench.pages [--runs 10] [--only hours] [--parallel 0] [--jit off]
        [--work-mem 16MB] [--random-page-cost 1.1] [--profile N] [--explain N] [--save DIR]

It logs in through the real login form (password bench-town-password) as the people
bench/town.py names: the first consultant of the biggest jobcentre and the first employer of
the company with most placements, found here by SQL. The candidate page is that consultant's
candidate with most placements; the job matching page the newest published job of the
jobcentre's municipality. Only GET requests (logging in writes a session row, and the
candidate page one access-log row per view, as in production).

The PostgreSQL options are session settings applied on every new connection (a connect
event), so the database's own settings are never changed. `--profile N` runs cProfile over
the pages' requests and prints the N functions of highest cumulative time per page;
`--explain N` prints EXPLAIN (ANALYZE, BUFFERS) of the N slowest statements of one request.

`--concurrent N` runs those SELECTs on N connections at once (R rounds, at least 5) with
and without parallel plans.

`--compare-settings R` takes the SELECT statements of one request of each page and runs each
under each set of session settings in COMPARED (the server's defaults, no parallel plans, no
JIT, both), R rounds interleaved, as EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON): it prints
per page the median of planning + execution summed over the statements, and which statements
got a parallel plan (Gather) or JIT. Nothing is written (INSERTs are left out).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

from app import create_app
from bench.town import PASSWORD
from marketplace.extensions import db

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/town_national"


@dataclass
class Statement:
    sql: str
    parameters: Any
    ms: float


@dataclass
class Recorder:
    """SQL statements of the current request, with their time at the cursor."""

    on: bool = False
    statements: list[Statement] = field(default_factory=list)
    _started: float = 0.0

    def before(self, _conn: Any, _cursor: Any, sql: str, parameters: Any, *_rest: Any) -> None:
        self._started = time.perf_counter()

    def after(self, _conn: Any, _cursor: Any, sql: str, parameters: Any, *_rest: Any) -> None:
        if self.on:
            ms = (time.perf_counter() - self._started) * 1000
            self.statements.append(Statement(sql, parameters, ms))


def session_settings(args: argparse.Namespace) -> dict[str, str]:
    settings = {}
    if args.parallel is not None:
        settings["max_parallel_workers_per_gather"] = str(args.parallel)
    if args.jit is not None:
        settings["jit"] = args.jit
    if args.work_mem is not None:
        settings["work_mem"] = args.work_mem
    if args.random_page_cost is not None:
        settings["random_page_cost"] = str(args.random_page_cost)
    return settings


def apply_settings(engine: Engine, settings: dict[str, str]) -> None:
    """SET on every new connection of the pool: this process's sessions only."""
    if not settings or engine.dialect.name != "postgresql":
        return

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for name, value in settings.items():
            cursor.execute(f"SET {name} = '{value}'")
        cursor.close()
        dbapi_connection.commit()

    event.listen(engine, "connect", on_connect)
    engine.dispose()  # connections made before the listener would miss it


def people(app: Flask) -> dict[str, Any]:
    """Who and what to request, by SQL as bench/town.py defines them."""
    with app.app_context():
        one = db.session.execute
        jobcentre_id = one(
            text(
                "SELECT jobcentre_id FROM candidates GROUP BY jobcentre_id "
                "ORDER BY count(*) DESC, jobcentre_id LIMIT 1"
            )
        ).scalar_one()
        consultant_id, consultant = one(
            text(
                "SELECT id, email FROM users WHERE organisation_id = :jc AND role = 'consultant' "
                "ORDER BY id LIMIT 1"
            ),
            {"jc": jobcentre_id},
        ).one()
        company_id = one(
            text(
                "SELECT company_id FROM placements GROUP BY company_id "
                "ORDER BY count(*) DESC, company_id LIMIT 1"
            )
        ).scalar_one()
        employer = one(
            text(
                "SELECT email FROM users WHERE organisation_id = :c AND role = 'employer' "
                "ORDER BY id LIMIT 1"
            ),
            {"c": company_id},
        ).scalar_one()
        candidate_id = one(
            text(
                "SELECT c.id FROM candidates c LEFT JOIN placements p ON p.candidate_id = c.id "
                "WHERE c.consultant_id = :u GROUP BY c.id ORDER BY count(p.id) DESC, c.id "
                "LIMIT 1"
            ),
            {"u": consultant_id},
        ).scalar_one()
        job_id = one(
            text(
                "SELECT j.id FROM jobs j JOIN companies co ON co.id = j.company_id "
                "JOIN jobcentres jc ON jc.municipality_code = co.municipality_code "
                "WHERE jc.id = :jc AND j.status = 'published' "
                "ORDER BY j.published_at DESC, j.id DESC LIMIT 1"
            ),
            {"jc": jobcentre_id},
        ).scalar_one()
        placements = one(
            text("SELECT count(*) FROM placements WHERE company_id = :c"), {"c": company_id}
        ).scalar_one()
        db.session.remove()
    return {
        "consultant": consultant,
        "employer": employer,
        "candidate_id": candidate_id,
        "job_id": job_id,
        "company_id": company_id,
        "company_placements": placements,
    }


def pages(who: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(name, login, path) of each key page."""
    consultant, employer = who["consultant"], who["employer"]
    return [
        ("job board", consultant, "/jobs"),
        ("job board, text search", consultant, "/jobs?municipality=all&q=opfyldning"),
        ("job matching", consultant, f"/jobs/{who['job_id']}"),
        ("caseload", consultant, "/caseload"),
        ("candidate page", consultant, f"/candidates/{who['candidate_id']}"),
        ("consultant's placements", consultant, "/placements"),
        ("jobcentre's placements", consultant, "/placements?show=all"),
        ("employer's home", employer, "/company/"),
        ("employer's week", employer, "/company/hours"),
        ("employer's placements", employer, "/company/placements"),
    ]


def log_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, (email, response.status_code)
    return client


def explain(engine: Engine, statements: list[Statement], n: int) -> None:
    for statement in sorted(statements, key=lambda s: -s.ms)[:n]:
        print(f"\n-- {statement.ms:.1f} ms at the cursor:\n{statement.sql}")
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.parameters or None
            )
            for (line,) in cursor.fetchall():
                print(line)
            raw.rollback()
        finally:
            raw.close()


COMPARED: dict[str, dict[str, str]] = {
    "default": {},
    "parallel 0": {"max_parallel_workers_per_gather": "0"},
    "jit off": {"jit": "off"},
    "parallel 0, jit off": {"max_parallel_workers_per_gather": "0", "jit": "off"},
    "random_page_cost 1.1": {"random_page_cost": "1.1"},
}


def _plan_nodes(plan: dict[str, Any]) -> list[str]:
    nodes = [plan["Node Type"]]
    for child in plan.get("Plans", []):
        nodes += _plan_nodes(child)
    return nodes


def compare_settings(engine: Engine, statements: dict[str, list[Statement]], rounds: int) -> None:
    """Each page's SELECTs under each of COMPARED, interleaved round by round."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        header = "".join(f"{name:>21}" for name in COMPARED)
        print(f"\n{'page (sum of its SELECTs, ms)':<32}{header}  parallel / JIT plans (default)")
        for page, found in statements.items():
            selects = [s for s in found if s.sql.lstrip().upper().startswith("SELECT")]
            times: dict[str, list[float]] = {name: [] for name in COMPARED}
            notes: set[str] = set()
            for _ in range(rounds):
                for name, settings in COMPARED.items():
                    cursor.execute("RESET ALL")
                    for key, value in settings.items():
                        cursor.execute(f"SET {key} = '{value}'")
                    total = 0.0
                    for number, statement in enumerate(selects):
                        cursor.execute(
                            "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + statement.sql,
                            statement.parameters or None,
                        )
                        (result,) = cursor.fetchone()
                        plan = result[0]
                        total += plan["Planning Time"] + plan["Execution Time"]
                        if name == "default":
                            nodes = _plan_nodes(plan["Plan"])
                            if "Gather" in nodes or "Gather Merge" in nodes:
                                notes.add(f"#{number + 1} parallel")
                            if "JIT" in plan:
                                notes.add(f"#{number + 1} JIT")
                    times[name].append(total)
                    raw.rollback()
            cells = "".join(f"{statistics.median(times[name]):>21.1f}" for name in COMPARED)
            print(f"{page:<32}{cells}  {', '.join(sorted(notes)) or '-'}", flush=True)
    finally:
        raw.rollback()
        raw.close()


def concurrent_settings(
    engine: Engine, statements: dict[str, list[Statement]], clients: int, rounds: int
) -> None:
    """The pages' SELECTs run by `clients` connections at once, `rounds` times each, under
    the server's defaults and without parallel plans: page queries a second and the median
    of one page's queries, as the database serves several requests together."""
    selects = [
        s
        for found in statements.values()
        for s in found
        if s.sql.lstrip().upper().startswith("SELECT")
    ]
    print(f"\n{clients} connections at once, {rounds} rounds each, {len(selects)} SELECTs a round")
    for name in ("default", "parallel 0"):
        settings = COMPARED[name]
        latencies: list[float] = []
        lock = threading.Lock()

        def client(
            settings: dict[str, str] = settings,
            latencies: list[float] = latencies,
            lock: threading.Lock = lock,
        ) -> None:
            raw = engine.raw_connection()
            try:
                cursor = raw.cursor()
                for key, value in settings.items():
                    cursor.execute(f"SET {key} = '{value}'")
                for _ in range(rounds):
                    start = time.perf_counter()
                    for statement in selects:
                        cursor.execute(statement.sql, statement.parameters or None)
                        cursor.fetchall()
                    with lock:
                        latencies.append((time.perf_counter() - start) * 1000)
                raw.rollback()
            finally:
                raw.close()

        threads = [threading.Thread(target=client) for _ in range(clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - start
        print(
            f"  {name:<12} {len(latencies) / seconds:7.1f} rounds/s, median round "
            f"{statistics.median(latencies):7.1f} ms, max {max(latencies):7.1f} ms",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="requests per page (after one)")
    parser.add_argument("--only", action="append", help="pages whose name contains this")
    parser.add_argument("--parallel", type=int, help="SET max_parallel_workers_per_gather")
    parser.add_argument("--jit", choices=["on", "off"], help="SET jit")
    parser.add_argument("--work-mem", help="SET work_mem, e.g. 16MB")
    parser.add_argument("--random-page-cost", type=float, help="SET random_page_cost")
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile: top N functions")
    parser.add_argument("--explain", type=int, metavar="N", help="EXPLAIN the N slowest")
    parser.add_argument("--statements", action="store_true", help="print each statement")
    parser.add_argument(
        "--compare-settings", type=int, metavar="R", help="SELECTs under COMPARED, R rounds"
    )
    parser.add_argument(
        "--concurrent",
        type=int,
        metavar="N",
        help="the pages' SELECTs on N connections at once, default vs parallel 0",
    )
    parser.add_argument("--save", type=Path, help="write each page's last HTML in this folder")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    workdir = Path(tempfile.mkdtemp(prefix="smajob-pages-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-only-secret-key",
            "SESSION_COOKIE_SECURE": False,
            "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
            "RATELIMIT_ENABLED": False,
        }
    )
    settings = session_settings(args)
    with app.app_context():
        engine = db.engine
        apply_settings(engine, settings)
    who = people(app)
    recorder = Recorder()
    event.listen(engine, "before_cursor_execute", recorder.before)
    event.listen(engine, "after_cursor_execute", recorder.after)
    print(
        f"database: {engine.url.render_as_string(hide_password=True)}; settings: "
        f"{settings or 'server defaults'}; {args.runs} runs per page, in process, warm"
    )
    print(
        f"consultant {who['consultant']}, employer {who['employer']} "
        f"({who['company_placements']} placements), candidate {who['candidate_id']}, "
        f"job {who['job_id']}"
    )
    print(
        f"{'page':<26}{'path':<38}{'median ms':>10}{'min ms':>8}{'CPU ms':>8}{'SQL/req':>8}"
        f"{'SQL ms':>8}{'Python ms':>10}{'kB':>6}"
    )
    clients: dict[str, FlaskClient] = {}
    captured: dict[str, list[Statement]] = {}
    for name, email, path in pages(who):
        if args.only and not any(part in name for part in args.only):
            continue
        client = clients.get(email) or log_in(app, email)
        clients[email] = client
        response = client.get(path)  # warm up
        assert response.status_code == 200, (path, response.status_code)
        totals, cpu_ms, sql_ms, counts = [], [], [], []
        profiler = cProfile.Profile() if args.profile else None
        last: list[Statement] = []
        for _ in range(args.runs):
            recorder.statements = []
            recorder.on = True
            if profiler:
                profiler.enable()
            start, cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            totals.append((time.perf_counter() - start) * 1000)
            cpu_ms.append((time.process_time() - cpu) * 1000)
            if profiler:
                profiler.disable()
            recorder.on = False
            assert response.status_code == 200, (path, response.status_code)
            sql_ms.append(sum(s.ms for s in recorder.statements))
            counts.append(len(recorder.statements))
            last = recorder.statements
        median = statistics.median(totals)
        sql = statistics.median(sql_ms)
        print(
            f"{name:<26}{path[:37]:<38}{median:>10.1f}{min(totals):>8.1f}"
            f"{statistics.median(cpu_ms):>8.1f}"
            f"{statistics.median(counts):>8.0f}{sql:>8.1f}{median - sql:>10.1f}"
            f"{len(response.data) / 1024:>6.0f}",
            flush=True,
        )
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{name.replace(' ', '-').replace(',', '')}.html").write_bytes(
                response.data
            )
        if args.statements:
            for statement in last:
                print(f"    {statement.ms:7.2f} ms  {' '.join(statement.sql.split())[:150]}")
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(
                os.environ.get("BENCH_PROFILE_SORT", "cumulative")
            ).print_stats(args.profile)
            print(out.getvalue())
        if args.explain and engine.dialect.name == "postgresql":
            explain(engine, last, args.explain)
        captured[name] = last
    if args.compare_settings and engine.dialect.name == "postgresql":
        compare_settings(engine, captured, args.compare_settings)
    if args.concurrent and engine.dialect.name == "postgresql":
        concurrent_settings(engine, captured, args.concurrent, max(args.compare_settings or 0, 5))


if __name__ == "__main__":
    main()

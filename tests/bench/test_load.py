"""The load benchmark (bench/load.py, `make bench-load`): wrk's output parsed, its commands
and the confirm POST's form bodies built, the key pages' markers present on a tiny town, and
one short run end to end through gunicorn and wrk on it."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bench import load
from bench.town import PASSWORD, build
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.models import AccessLogEntry, HourRecord, WeekConfirmation
from tests.support import missing_service, submit

# What wrk 4.1 prints with --latency and bench/load.lua (a real run's output, shortened).
WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:8911/caseload
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   499.51ms   80.10ms 878.10ms   70.00%
    Req/Sec    13.10      5.20    30.00     75.00%
  Latency Distribution
     50%  499.50ms
     75%  540.00ms
     90%  700.00ms
     99%  878.10ms
  257 requests in 10.01s, 5.54MB read
Requests/sec:     25.67
Transfer/sec:    566.00KB
bench-load: requests=257 duration_us=10012000 connect_errors=0 read_errors=1 write_errors=0 \
timeouts=2 mean_us=499510 max_us=878100 p50_us=499500 p75_us=540000 p90_us=700000 \
p95_us=810100 p99_us=878100 bad_status=3 missing=4 sent=273 ran_out=0 extra=0 last_bad_status=500
"""


def test_wrk_output_is_parsed_from_the_scripts_line() -> None:
    run = load.parse_run(WRK_OUTPUT)
    assert run.requests == 257
    assert run.rate == pytest.approx(257 / 10.012)
    assert (run.p50_ms, run.p95_ms, run.p99_ms) == (499.5, 810.1, 878.1)
    assert (run.bad_status, run.missing, run.socket_errors, run.timeouts) == (3, 4, 1, 2)
    assert run.failures == 10
    with pytest.raises(ValueError, match="no bench-load line"):
        load.parse_run("Running 10s test @ http://127.0.0.1:1/\n")


def test_a_run_without_answers_fails_and_a_post_runs_extra_answers_are_not_counted() -> None:
    empty = load.parse_run(WRK_OUTPUT.replace("requests=257", "requests=0"))
    assert empty.failures == 10 + 1
    short = load.parse_run(
        WRK_OUTPUT.replace("requests=257", "requests=100").replace("extra=0", "extra=20")
    )
    assert short.rate == pytest.approx(80 / 10.012)


def test_ratio_is_to_the_hello_run_before_the_page() -> None:
    page = load.Page("caseload", load.CONSULTANT, "/caseload", "Borger ")
    row = load.Row(page, loaded=load.parse_run(WRK_OUTPUT))
    assert row.ratio is None
    row.hello = load.parse_run(WRK_OUTPUT.replace("requests=257", "requests=2570"))
    assert row.ratio == pytest.approx(0.1)
    assert "| caseload `/caseload` | – | 25.7 | 499.5 | 810.1 | 878.1 |" in load.table([row], 16)


def test_wrk_commands_carry_the_check_the_cookie_and_the_bodies(tmp_path: Path) -> None:
    page = load.Page("caseload", load.CONSULTANT, "/caseload", "Borger ")
    command = load.wrk_command("http://127.0.0.1:9", page, 10, 16, 2, cookie="session=abc")
    assert command[:4] == ["wrk", "-t2", "-c16", "-d10s"]
    assert command[command.index("-H") : command.index("-H") + 2] == ["-H", "Cookie: session=abc"]
    assert command[-4:] == ["http://127.0.0.1:9/caseload", "--", "200", "Borger "]
    assert "--latency" in command
    bodies = tmp_path / "bodies.txt"
    post = load.Page("confirm", load.EMPLOYER, load.CONFIRM_PATH, "/hours", 302, post=True)
    # One connection: one thread (wrk refuses more threads than connections).
    command = load.wrk_command("http://127.0.0.1:9", post, 1, 1, 2, bodies=bodies)
    assert command[1:3] == ["-t1", "-c1"]
    assert command[-7:] == [
        "http://127.0.0.1:9/company/hours/confirm",
        "--",
        "302",
        "/hours",
        str(bodies),
        "1",
        load.HELLO_PATH,
    ]


def test_a_form_is_read_as_a_browser_posts_it() -> None:
    page = """
    <form method="post" action="/language"><input type="hidden" name="csrf_token" value="x"></form>
    <form method="post" action="/company/hours/confirm" novalidate>
      <input id="csrf_token" name="csrf_token" type="hidden" value="tok">
      <input type="hidden" name="week" value="2026-11-23">
      <input type="checkbox" name="confirm" value="7" checked>
      <input type="checkbox" name="other" value="8">
      <input name="h-7-paid-2026-11-24" value="4,5">
      <input name="h-7-paid-2026-11-25" value="">
      <button type="submit">Confirm</button>
    </form>"""
    assert load.form_fields(page, load.CONFIRM_PATH) == [
        ("csrf_token", "tok"),
        ("week", "2026-11-23"),
        ("confirm", "7"),
        ("h-7-paid-2026-11-24", "4,5"),
        ("h-7-paid-2026-11-25", ""),
    ]
    assert load.form_fields(page, "/nowhere") is None
    assert load.csrf_token('<input value="a" name="csrf_token" type="hidden">') == "a"


def test_key_pages_show_their_markers_on_a_tiny_town(
    scratch_app: Callable[[str], AbstractContextManager[Flask]],
) -> None:
    """Every key page's marker is on the page the user of bench.load gets (test client)."""
    with scratch_app("load_pages") as app:
        with app.app_context():
            build(0.001, seed=3)
            with db.engine.connect() as conn:
                town = load.find_town(conn)
            db.session.remove()
        users = {load.CONSULTANT: town.consultant, load.ADMIN: town.admin}
        users[load.EMPLOYER] = town.employer
        clients = {}
        for role, email in users.items():
            clients[role] = app.test_client()
            response = submit(clients[role], "/login", {"email": email, "password": PASSWORD})
            assert response.status_code == 302, email
        for page in load.key_pages(town):
            if page.post:
                continue
            response = clients[page.user].get(page.path)
            assert response.status_code == 200, page
            assert page.marker in response.get_data(as_text=True), page


def test_reopened_weeks_are_deleted_and_put_back_as_they_were(
    scratch_app: Callable[[str], AbstractContextManager[Flask]],
) -> None:
    with scratch_app("load_reopen") as app, app.app_context():
        build(0.001, seed=3)
        engine = db.engine
        with engine.connect() as conn:
            town = load.find_town(conn)
        today = local_today()
        before = _counts(town.company_id)
        db.session.rollback()  # the counts' read transaction ends, so the next sees the delete
        reopened = load.reopen_weeks(engine, town.company_id, 4, today)
        after = _counts(town.company_id)
        assert reopened.confirmations
        assert after == (
            before[0] - len(reopened.confirmations),
            before[1] - len(reopened.records),
        )
        with engine.connect() as conn:
            pairs = load.waiting_weeks(conn, town.company_id, 4, today)
        assert {monday for _p, monday in pairs} <= set(_last_mondays(today, 4))
        # Put back: the very rows that were there, ids and all.
        load.restore_weeks(engine, reopened)
        with engine.connect() as conn:
            again = load.window_rows(conn, town.company_id, reopened.since)
        assert again == reopened
        db.session.rollback()
        assert _counts(town.company_id) == before
        # The append-only trigger is back: a delete is refused again.
        with pytest.raises(IntegrityError, match="append-only"), engine.begin() as conn:
            conn.execute(HourRecord.__table__.delete())
        db.session.remove()


def _counts(company_id: int) -> tuple[int, int]:
    weeks = db.session.scalar(
        select(func.count())
        .select_from(WeekConfirmation)
        .where(WeekConfirmation.company_id == company_id)
    )
    records = db.session.scalar(
        select(func.count()).select_from(HourRecord).where(HourRecord.company_id == company_id)
    )
    return weeks or 0, records or 0


def _last_mondays(today: date, weeks: int) -> list[date]:
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=back) for back in range(1, weeks + 1)]


def test_a_short_run_end_to_end(
    scratch_app: Callable[[str], AbstractContextManager[Flask]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """gunicorn, logins, a page and the confirm POST under wrk for a second each; every
    answer right and every answered POST's week written."""
    if shutil.which("wrk") is None:
        missing_service("wrk is not installed (apt-get install -y wrk)")
    with scratch_app("load_run") as app:
        with app.app_context():
            build(0.001, seed=3)
            url = db.engine.url.render_as_string(hide_password=False)
            db.session.remove()
            db.engine.dispose()
        monkeypatch.setenv("BENCH_DATABASE_URL", url)
        # SQLite takes one writer at a time: two workers confirming at once get "database is
        # locked" (the app's 503), so there the run is one connection at a time.
        connections = 1 if url.startswith("sqlite") else 2
        with app.app_context():
            town = load.find_town(db.session.connection())
            weeks_before = _counts(town.company_id)
            db.session.remove()
        out = tmp_path / "table.md"
        code = load.main(
            [
                "--duration=1",
                "--alone=1",
                f"--connections={connections}",
                "--pages=company-week,confirm",
                "--reopen-weeks=8",
                f"--out={out}",
            ]
        )
        printed = capsys.readouterr().out
        assert code == 0, printed
        table = out.read_text()
        assert "| company-week `/company/hours` |" in table
        assert "every answered POST wrote its week" in table
        body = next(line for line in table.splitlines() if line.startswith("| confirm"))
        assert "| 0/0/0 + 0/0/0 |" in body
        answered = int(table.split("confirm: ")[1].split(" POSTs answered")[0])
        assert answered > 0
        # Both workers' peak memory, read from /proc while they still ran.
        peaks = re.findall(r"(\d+) MB", table.split("peak RSS (VmHWM): ")[1])
        assert len(peaks) == 2
        assert all(20 < int(mb) < 1000 for mb in peaks)
        # The database is left as it was found: the weeks put back, the views' log gone.
        assert "are back as they were" in printed
        with app.app_context():
            assert _counts(town.company_id) == weeks_before
            assert db.session.scalar(select(func.count()).select_from(AccessLogEntry)) == 0
            db.session.remove()

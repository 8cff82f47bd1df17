"""In-process page benchmark: time and SQL statements per request for the main pages.

Runs the real app (migrations, demo data, real login) on a scratch SQLite database, or on
PostgreSQL with BENCH_DATABASE_URL. It measures the app itself (routing, queries, templates),
not a network server; docs/PERFORMANCE.md says how to load a served app with wrk.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

from app import create_app
from marketplace.demo.town import DEMO_PASSWORD, seed_demo
from marketplace.extensions import db

PAGES = {
    "anonymous": ["/login", "/signup", "/healthz"],
    "hanne@brugsen-skjern.example": [
        "/company/",
        "/company/jobs",
        "/company/placements",
        "/company/placements/1",
        "/team",
    ],
    "jonas.brandt@jobcenter.example": [
        "/placements",
        "/placements?show=all",
        "/caseload",
        "/jobs",
        "/jobs?municipality=all&q=pak",
    ],
    "lars.vinther@jobcenter.example": ["/jobcentre", "/team"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="requests per page")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="smajob-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-only-secret-key",
            "SESSION_COOKIE_SECURE": False,
            "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        seed_demo()
        db.session.commit()
        engine = db.engine
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    print(f"database: {engine.dialect.name}; {args.requests} requests per page, in process")
    print(f"{'page':<40}{'req/s':>8}{'mean ms':>9}{'p95 ms':>8}{'SQL/req':>9}")
    for who, paths in PAGES.items():
        client = app.test_client()
        if who != "anonymous":
            page = client.get("/login").get_data(as_text=True)
            token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
            response = client.post(
                "/login", data={"email": who, "password": DEMO_PASSWORD, "csrf_token": token}
            )
            assert response.status_code == 302, response.status_code
        for path in paths:
            client.get(path)  # warm up
            timings = []
            statements = 0
            for _ in range(args.requests):
                start = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            label = f"{path[:28]} ({who.split('@')[0].split('.')[0]})"
            total = sum(timings) / 1000
            p95 = statistics.quantiles(timings, n=20)[-1]
            print(
                f"{label:<40}{args.requests / total:>8.0f}{statistics.mean(timings):>9.2f}"
                f"{p95:>8.2f}{statements / args.requests:>9.1f}"
            )


if __name__ == "__main__":
    main()

"""Confirming one week for N placements of one company through the week page's POST
(every placement ticked, as planned): milliseconds and SQL statements of the request.

    .venv/bin/python -m bench.confirm_weeks [--placements 100]
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/NAME .venv/bin/python -m bench.confirm_weeks

Builds a scratch database with the tests' factories (one company, N placements in paid hours,
each its own person), logs in as the employer, and confirms each of the weeks MONDAY, +1 and
+2 once (a confirmed week cannot be confirmed again), reporting each and their median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event

from app import create_app
from marketplace.extensions import db
from tests.conftest import app_config, migrate_to_head
from tests.factories import (
    MONDAY,
    PASSWORD,
    ladder_job,
    make_company,
    make_job,
    make_jobcentre,
    make_user,
    paid_placement,
)
from tests.pages.forms import form_to
from tests.support import submit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--placements", type=int, default=100)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-confirm-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    # The week page shows 50 placements a page (LIST_PAGE_SIZE); one page of all of them
    # measures one POST that confirms N weeks, as the figure did.
    app = create_app(
        app_config(url, workdir, WTF_CSRF_ENABLED=True, LIST_PAGE_SIZE=args.placements)
    )
    migrate_to_head(app)
    with app.app_context():
        from marketplace.models import Role

        employer = make_user(make_company())
        consultant = make_user(make_jobcentre(), Role.CONSULTANT)
        job = ladder_job(make_job, employer)
        for n in range(args.placements):
            paid_placement(job, consultant, employer, f"Person {n}")
        db.session.commit()
        email = employer.email
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    browser = app.test_client()
    assert submit(browser, "/login", {"email": email, "password": PASSWORD}).status_code == 302
    times = []
    for n in range(3):
        week = (MONDAY + timedelta(weeks=n)).isoformat()
        page = browser.get(f"/company/hours?week={week}")
        form = form_to(page, "/company/hours/confirm")
        assert len(form.values["confirm"]) == args.placements
        statements.clear()
        began = time.perf_counter()
        response = browser.post("/company/hours/confirm", data=form.values)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        print(f"week {week}: {times[-1]:.0f} ms, {len(statements)} SQL statements")
    print(f"{args.placements} placements on {engine.dialect.name}:", end=" ")
    print(f"median {statistics.median(times):.0f} ms")


if __name__ == "__main__":
    main()

"""Sweep benchmark: the Monday hours reminders over the data bench/hours.py builds.

    .venv/bin/python -m bench.sweep [--candidates 5000] [--records 300000] [--batch 500]
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/NAME .venv/bin/python -m bench.sweep

Builds the candidates, companies, placements and confirmed weeks of bench/hours.py, then runs
`send_hour_reminders` once under tracemalloc and prints its time, the reminders written, the
peak of Python memory it allocated and the process's maximum RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

from app import create_app
from bench.hours import build
from marketplace.clock import local_today
from marketplace.demo.town import seed_demo
from marketplace.extensions import db
from marketplace.hours import reminders as hour_reminders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=5_000)
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="smajob-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'sweep.sqlite'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
            "SWEEP_BATCH": args.batch,
        }
    )
    today = local_today()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        seed_demo()
        db.session.commit()
        built = build(args, today)
        print(f"built {built.placements:,} placements, {built.confirmations:,} confirmed weeks")
        db.session.remove()
        monday = datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time())
        now = monday.replace(hour=7, tzinfo=UTC)
        tracemalloc.start()
        began = time.perf_counter()
        written = hour_reminders.send_hour_reminders(now)
        db.session.commit()
        took = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"send_hour_reminders: {took:.1f} s, {written:,} reminders,"
            f" Python peak {peak / 2**20:.0f} MB, max RSS {rss:.0f} MB"
        )


if __name__ == "__main__":
    main()

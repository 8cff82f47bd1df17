"""Matching benchmark: one job's best candidates among 100,000 of one jobcentre.

    .venv/bin/python -m bench.matching [--candidates 100000] [--runs 20]
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/NAME .venv/bin/python -m bench.matching

The candidates are spread over the municipalities, categories, hours, days and limitations
at random (seeded, so every run builds the same data), inserted in bulk; then the demo job
"Opfyldning af varer" is matched against them `--runs` times.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event, insert, select

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

from app import create_app
from marketplace.demo.town import seed_demo
from marketplace.extensions import db
from marketplace.jobs.matching import candidates_for_job
from marketplace.models import Candidate, CandidateIdentity, Job, Jobcentre, User


def build(count: int) -> None:
    rng = random.Random(47)
    jobcentre = db.session.scalar(select(Jobcentre))
    consultant = db.session.scalar(select(User).where(User.role == "consultant"))
    codes = [760] * 6 + [657, 661, 756, 573, 561, 615]  # most live in the jobcentre's own
    start = (db.session.scalar(select(Candidate.id).order_by(Candidate.id.desc())) or 0) + 1
    batch = 5000
    for offset in range(0, count, batch):
        rows, identities = [], []
        for n in range(offset, min(offset + batch, count)):
            low = Decimal(rng.choice([2, 3, 4, 5, 6, 8]))
            rows.append(
                {
                    "id": start + n,
                    "jobcentre_id": jobcentre.id,
                    "consultant_id": consultant.id,
                    "status": rng.choice(["active"] * 8 + ["paused", "closed"]),
                    "job_goal": "Benchmark",
                    "wished_categories": rng.getrandbits(10) & rng.getrandbits(10),
                    "tasks_can_do": [],
                    "hours_min": low,
                    "hours_max": low + rng.choice([2, 4, 6, 8]),
                    "available_weekdays": rng.getrandbits(7),
                    "available_times": "",
                    "municipality_code": rng.choice(codes),
                    "postcode": "6900",
                    "languages": "",
                    "danish_level": rng.choice(["none", "basic", "good", "fluent"]),
                    "driving_licence": rng.random() < 0.4,
                    "earlier_work": "",
                    "no_heavy_lifting": rng.random() < 0.3,
                    "lifting_max_kg": rng.choice([None, 5, 10, 15, 20]),
                    "no_long_standing": rng.random() < 0.2,
                    "max_hours_per_day": rng.choice([None, None, Decimal(4), Decimal(6)]),
                    "needs_quiet_surroundings": rng.random() < 0.2,
                    "no_early_mornings": rng.random() < 0.25,
                    "other_limitations": "",
                    "consultant_note": "",
                    "version": 1,
                }
            )
            identities.append({"candidate_id": start + n, "full_name": f"Kandidat {start + n}"})
        db.session.execute(insert(Candidate), rows)
        db.session.execute(insert(CandidateIdentity), identities)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="smajob-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'matching.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_OUTBOX_DIR": str(workdir / "outbox")})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        seed_demo()
        db.session.commit()
        began = time.perf_counter()
        build(args.candidates)
        built = time.perf_counter() - began
        print(
            f"database: {db.engine.dialect.name}; {args.candidates:,} candidates in {built:.1f} s"
        )
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE candidates"))
            db.session.commit()
        job = db.session.scalar(select(Job).where(Job.title == "Opfyldning af varer"))
        jobcentre_id = db.session.scalar(select(Jobcentre.id))
        statements = 0

        def count(*_: object) -> None:
            nonlocal statements
            statements += 1

        candidates_for_job(job, jobcentre_id)  # warm the caches
        event.listen(db.engine, "before_cursor_execute", count)
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            found = candidates_for_job(job, jobcentre_id)
            timings.append((time.perf_counter() - start) * 1000)
        print(
            f"candidates_for_job over {args.candidates:,}:"
            f" median {statistics.median(timings):.1f} ms,"
            f" max {max(timings):.1f} ms, {statements / args.runs:.0f} SQL statement(s) per call,"
            f" {len(found)} shown, best score {found[0][2].score if found else '-'}"
        )


if __name__ == "__main__":
    main()

"""A national-scale town for benchmarks: 98 jobcentres, their consultants and candidates,
companies of every size, jobs in every state, placements in every phase, and years of hours.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/NAME \\
        .venv/bin/python -m bench.town --scale 1.0 [--seed 1]
    DATABASE_URL=postgresql://… .venv/bin/flask --app bench.town bench-town --scale 1.0

At --scale 1.0: 98 jobcentres with skewed sizes (the biggest ~10,000 candidates), caseloads
of 40-60 per consultant, 100,000 candidates, 20,000 companies (the biggest ~112 placements),
50,000 jobs, 100,000 placements with their proposals, terms versions, steps, consents and
notifications, ~1.5 million week confirmations and ~5 million daily hour records over up to
ten years, with corrections. Smaller scales shrink every count in proportion (the tests run
0.001). The database is migrated first and left behind for benchmarks; without
BENCH_DATABASE_URL a SQLite file is made and its path printed. Every user's password is
PASSWORD (hashed once). Seeded: the same seed and scale build the same town.

It lives in bench/, not in the app: marketplace/ must not import benchmark code (the
import-linter contracts in pyproject.toml cover the app's packages only), so it is an entry
point of its own like bench.matching and bench.hours (whose hour loader it reuses), and a
flask command only on the app that `flask --app bench.town` builds (create_app below).

Rows go in with explicit ids, in batches: COPY (psycopg 3) on PostgreSQL, executemany of
insert(Table) on SQLite. Only inserts: the append-only tables are never updated.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import Connection

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

from bench.hours import Ids, Spec, load_hours
from marketplace.accounts.passwords import hash_password
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.figures import rollup
from marketplace.hours.ledger import week_start_of
from marketplace.models import (
    Candidate,
    CandidateIdentity,
    Company,
    Consent,
    HourRecord,
    Job,
    Jobcentre,
    LadderRules,
    Municipality,
    Notification,
    Organisation,
    Placement,
    PlacementStep,
    PlacementTerms,
    Proposal,
    User,
    WeekConfirmation,
    Workplace,
)

PASSWORD = "bench-town-password"  # noqa: S105 (a scratch database's only login)
BATCH = 10_000
# Full-scale counts (--scale 1.0).
JOBCENTRES = 98
CANDIDATES = 100_000
COMPANIES = 20_000
JOBS = 50_000
PLACEMENTS = 100_000
CONFIRMATIONS = 1_500_000
BIGGEST_JOBCENTRE = 0.10  # share of all candidates
BIGGEST_COMPANY = 112 / PLACEMENTS  # share of all placements
CASELOAD = 50  # candidates per consultant, so caseloads fall in 40-60
EXTRA_PROPOSALS = 0.3  # proposals that did not become placements, per placement
PHASES = [  # (phase, share)
    ("pending", 0.05),
    ("trial", 0.05),
    ("praktik", 0.10),
    ("combined", 0.05),
    ("paid", 0.30),
    ("ended", 0.45),
]
WEEKLY = [4, 5, 6, 7.5, 8, 10, 12, 15, 16, 20, 24, 25]  # paid hours a week (<= 25: + 10 praktik)
REASONS = ["Vil gerne have flere timer.", "Travlt i butikken fra næste måned."]


@dataclass
class Town:
    """What the test and the report need besides the counts."""

    counts: dict[str, int] = field(default_factory=dict)
    consultant_email: str = ""  # of the biggest jobcentre
    employer_email: str = ""  # of the company with most placements
    seconds: float = 0.0


def skewed(n: int, total: int, biggest: int) -> list[int]:
    """`total` split over `n` parts by a power law, the first about `biggest`, none below 1
    when total >= n. The exponent is found by bisection."""
    if n <= 0:
        return []
    biggest = min(max(biggest, math.ceil(total / n)), total)

    def shares(a: float) -> list[float]:
        weights = [(i + 1) ** -a for i in range(n)]
        whole = sum(weights)
        return [w / whole for w in weights]

    floor = 1 if total >= n else 0
    spread = total - floor * n  # what is shared out above each part's floor
    low, high = 0.0, 4.0
    for _ in range(40):
        mid = (low + high) / 2
        if shares(mid)[0] * spread + floor < biggest:
            low = mid
        else:
            high = mid
    parts = shares(low)
    counts = [max(floor, int(p * spread) + floor) for p in parts]
    # Largest remainders first, until the sum is exact.
    order = sorted(range(n), key=lambda i: (parts[i] * spread) % 1, reverse=True)
    for i in itertools.cycle(order):
        left = total - sum(counts)
        if left == 0:
            break
        step = 1 if left > 0 else -1
        if counts[i] + step >= floor:
            counts[i] += step
    return counts


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


class Writer:
    """Bulk inserts into one connection: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, conn: Connection, progress: Callable[[str, float], None]) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.progress = progress
        self.counts: dict[str, int] = {}

    def put(self, model: Any, rows: list[dict[str, Any]], label: str | None = None) -> None:
        table: Table = model.__table__
        if not rows:
            return
        for first in range(0, len(rows), BATCH):
            chunk = self._even(table, rows[first : first + BATCH])
            if self.postgres:
                self._copy(table, chunk)
            else:
                self.conn.execute(insert(table), chunk)
            self.progress(label or table.name, min(1.0, (first + BATCH) / len(rows)))
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)

    @staticmethod
    def _even(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Every row with the same keys (executemany and COPY need one column list), and the
        Python-side defaults filled in, as insert() would (COPY skips them)."""
        given = set().union(*rows)
        defaults: dict[str, Any] = {}
        for column in table.columns:
            default: Any = column.default
            if default is not None:
                defaults[column.key] = default.arg(None) if default.is_callable else default.arg
        keys = [c.key for c in table.columns if c.key in given or c.key in defaults]
        return [{k: row[k] if k in row else defaults.get(k) for k in keys} for row in rows]

    def _copy(self, table: Table, rows: list[dict[str, Any]]) -> None:
        raw: Any = self.conn.connection.dbapi_connection
        names = ", ".join(rows[0])
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [json.dumps(v) if isinstance(v, list | dict) else v for v in row.values()]
                )


def next_ids(conn: Connection, *models: Any) -> list[int]:
    return [(conn.scalar(select(func.max(m.id))) or 0) + 1 for m in models]


def build(
    scale: float, seed: int = 1, progress: Callable[[str, float], None] | None = None
) -> Town:
    """Build the town into the app's database (inside an app context)."""
    began = time.perf_counter()
    rng = random.Random(seed)
    shown = progress or (lambda _label, _done: None)
    today = local_today()
    last_week = week_start_of(today) - timedelta(weeks=1)
    n_candidates = max(20, round(CANDIDATES * scale))
    n_jobcentres = min(JOBCENTRES, max(2, round(JOBCENTRES * scale)))
    n_companies = max(5, round(COMPANIES * scale))
    n_jobs = max(n_companies, round(JOBS * scale))
    n_placements = max(len(PHASES) * 2, round(PLACEMENTS * scale))
    password_hash = hash_password(PASSWORD)  # once: Argon2 is slow on purpose
    town = Town()
    with db.engine.connect() as conn:
        writer = Writer(conn, shown)
        free = list(
            conn.scalars(
                select(Municipality.code)
                .where(Municipality.code.not_in(select(Jobcentre.municipality_code)))
                .order_by(Municipality.code)
            )
        )
        names = dict(conn.execute(select(Municipality.code, Municipality.name)).all())
        if len(free) < n_jobcentres:
            raise SystemExit(f"only {len(free)} municipalities without a jobcentre are left")
        org0, user0, workplace0, job0, cand0, prop0, plac0, terms0, step0, conf0 = next_ids(
            conn,
            Organisation,
            User,
            Workplace,
            Job,
            Candidate,
            Proposal,
            Placement,
            PlacementTerms,
            PlacementStep,
            WeekConfirmation,
        )
        rng.shuffle(free)
        codes = free[:n_jobcentres]

        # Companies first in the id ranges: bench.hours.load_hours finds a company's id and
        # its first employer's id as the first id + the company's index.
        per_company = skewed(
            n_companies, n_placements, round(BIGGEST_COMPANY * PLACEMENTS * max(scale, 0.01))
        )
        company_ids = [org0 + i for i in range(n_companies)]
        employer_ids = [user0 + i for i in range(n_companies)]
        jobcentre_ids = [org0 + n_companies + i for i in range(n_jobcentres)]
        user_next = user0 + n_companies

        conn.commit()  # the reads above began a transaction; the build is one of its own
        with conn.begin():
            # Jobcentres, their admins and consultants, and the candidates of each.
            sizes = skewed(n_jobcentres, n_candidates, round(BIGGEST_JOBCENTRE * n_candidates))
            users: list[dict[str, Any]] = []
            candidates: list[dict[str, Any]] = []
            identities: list[dict[str, Any]] = []
            candidate_jobcentre: list[int] = []
            candidate_consultant: list[int] = []
            jc_of_code: dict[int, int] = {}
            for j, (code, size) in enumerate(zip(codes, sizes, strict=True)):
                jc_id = jobcentre_ids[j]
                jc_of_code[code] = jc_id
                consultants = []
                users.append(
                    _user(user_next, jc_id, "admin", f"admin-{j}@town.bench.example", password_hash)
                )
                user_next += 1
                for k in range(max(1, round(size / CASELOAD))):
                    email = f"konsulent-{j}-{k}@town.bench.example"
                    users.append(_user(user_next, jc_id, "consultant", email, password_hash))
                    consultants.append(user_next)
                    user_next += 1
                if j == 0:
                    town.consultant_email = f"konsulent-{j}-0@town.bench.example"
                for c in range(size):
                    cid = cand0 + len(candidates)
                    status = rng.choices(["active", "paused", "closed"], [80, 12, 8])[0]
                    low = Decimal(rng.choice([2, 3, 4, 5, 6, 8]))
                    created = _at(today - timedelta(days=rng.randint(30, 3650)), 10)
                    candidates.append(
                        {
                            "id": cid,
                            "jobcentre_id": jc_id,
                            "consultant_id": consultants[c % len(consultants)],
                            "status": status,
                            "job_goal": rng.choice(
                                ["Butik og lager", "Køkken", "Rengøring", "Gartneri", "Kontor"]
                            ),
                            "wished_categories": rng.getrandbits(10) & rng.getrandbits(10),
                            "tasks_can_do": [],
                            "hours_min": low,
                            "hours_max": low + rng.choice([2, 4, 6, 8]),
                            "available_weekdays": rng.getrandbits(7) | 1,
                            "municipality_code": code,
                            "postcode": f"{1000 + code * 7 % 9000:04d}",
                            "danish_level": rng.choice(["none", "basic", "good", "fluent"]),
                            "driving_licence": rng.random() < 0.4,
                            "no_heavy_lifting": rng.random() < 0.3,
                            "lifting_max_kg": rng.choice([None, 5, 10, 15, 20]),
                            "no_early_mornings": rng.random() < 0.25,
                            "created_at": created,
                            "updated_at": created,
                            "closed_at": created + timedelta(days=20)
                            if status == "closed"
                            else None,
                            "version": 1,
                        }
                    )
                    identities.append(
                        {
                            "candidate_id": cid,
                            "full_name": f"Borger {cid}",
                            "phone": f"2{cid % 10_000_000:07d}",
                            "case_reference": f"J{cid}",
                        }
                    )
                    candidate_jobcentre.append(jc_id)
                    candidate_consultant.append(consultants[c % len(consultants)])
            organisations = [
                {"id": jc, "kind": "jobcentre", "name": f"Jobcenter {names[code]}"}
                for jc, code in zip(jobcentre_ids, codes, strict=True)
            ]

            # Companies: each with a workplace (two for the bigger ones), an employer (two
            # for the bigger ones) and jobs in every state.
            companies, workplaces, jobs = [], [], []
            extra_jobs = (
                skewed(n_companies, n_jobs - n_companies, round(60 * scale))
                if n_jobs > n_companies
                else []
            )
            order = sorted(range(n_companies), key=lambda i: -per_company[i])
            job_slots = [1] * n_companies
            for rank, i in enumerate(order):  # more jobs where more placements
                job_slots[i] += extra_jobs[rank] if extra_jobs else 0
            company_workplaces: list[list[int]] = []
            company_jobs: list[list[int]] = []  # published or closed: placements' jobs
            company_published: list[list[int]] = []
            weights = sizes
            cumulative = list(itertools.accumulate(weights))
            for i in range(n_companies):
                code = codes[bisect.bisect(cumulative, rng.randrange(cumulative[-1]))]
                cid = company_ids[i]
                employees = max(1, int(per_company[i] * rng.uniform(2, 30)))
                organisations.append({"id": cid, "kind": "company", "name": f"Virksomhed {i} ApS"})
                companies.append(
                    {
                        "id": cid,
                        "cvr": f"{70_000_000 + i}",
                        "address": f"Industrivej {i % 300 + 1}",
                        "postcode": f"{1000 + code * 7 % 9000:04d}",
                        "city": names[code],
                        "municipality_code": code,
                        "employee_count": employees,
                        "contact_name": f"Arbejdsgiver {i}",
                    }
                )
                users.append(
                    _user(employer_ids[i], cid, "employer", employer_email(i), password_hash)
                )
                if per_company[i] >= 20:
                    second = f"arbejdsgiver-{i}-b@town.bench.example"
                    users.append(_user(user_next, cid, "employer", second, password_hash))
                    user_next += 1
                places = []
                for w in range(2 if per_company[i] >= 20 else 1):
                    wid = workplace0 + len(workplaces)
                    places.append(wid)
                    workplaces.append(
                        {
                            "id": wid,
                            "company_id": cid,
                            "name": f"Afdeling {w + 1}",
                            "p_number": f"{7_000_000_000 + wid}",
                            "address": f"Industrivej {i % 300 + 1}",
                            "postcode": f"{1000 + code * 7 % 9000:04d}",
                            "city": names[code],
                            "municipality_code": code,
                        }
                    )
                company_workplaces.append(places)
                usable, published = [], []
                for k in range(job_slots[i]):
                    jid = job0 + len(jobs)
                    status = (
                        "published"
                        if k == 0
                        else rng.choices(["draft", "published", "closed"], [10, 55, 35])[0]
                    )
                    created = _at(today - timedelta(days=rng.randint(10, 3650)), 9)
                    closed = status == "closed"
                    jobs.append(
                        {
                            "id": jid,
                            "company_id": cid,
                            "workplace_id": places[k % len(places)],
                            "municipality_code": code,
                            "status": status,
                            "title": rng.choice(
                                ["Opfyldning af varer", "Opvask", "Rengøring", "Havearbejde"]
                            )
                            + f" {jid}",
                            "description": "Små faste opgaver i et godt team.",
                            "task_lines": ["Fylde varer op", "Rydde op"],
                            "category": rng.choice(["retail", "kitchen", "cleaning", "gardening"]),
                            "hours_per_week": Decimal(rng.choice([5, 8, 10, 12, 15, 20])),
                            "weekdays": 31,
                            "start_date": created.date(),
                            "offers_trial_visit": True,
                            "offers_praktik": True,
                            "offers_paid_direct": rng.random() < 0.5,
                            "hourly_wage": Decimal("142.50"),
                            "agreement_wage": Decimal("135.00"),
                            "contact_name": f"Arbejdsgiver {i}",
                            "created_by_id": employer_ids[i],
                            "created_at": created,
                            "updated_at": created,
                            "published_at": created if status != "draft" else None,
                            "closed_at": created + timedelta(days=60) if closed else None,
                            "close_reason": rng.choice(["filled_by_us", "no_longer_needed"])
                            if closed
                            else None,
                            "version": 1,
                        }
                    )
                    if status != "draft":
                        usable.append(jid)
                    if status == "published":
                        published.append(jid)
                company_jobs.append(usable)
                company_published.append(published)
            biggest = max(range(n_companies), key=lambda i: per_company[i])
            town.employer_email = employer_email(biggest)
            writer.put(Organisation, organisations)
            writer.put(
                Jobcentre,
                [
                    {"id": jc, "municipality_code": code}
                    for jc, code in zip(jobcentre_ids, codes, strict=True)
                ],
            )
            writer.put(Company, companies)
            writer.put(User, sorted(users, key=lambda u: u["id"]))
            writer.put(LadderRules, [{"jobcentre_id": jc} for jc in jobcentre_ids])
            writer.put(Candidate, candidates)
            writer.put(CandidateIdentity, identities)
            writer.put(Workplace, workplaces)
            writer.put(Job, jobs)
            del candidates, identities, jobs

            # Placements with their proposals, terms versions, steps, consents, notices.
            phases = _phases(rng, n_placements)
            order_candidates = list(range(n_candidates))
            rng.shuffle(order_candidates)
            taken: set[tuple[int, int]] = set()  # open (candidate, job)
            candidate_company: dict[int, int] = {}
            proposals, placements, terms, steps, consents, notices = [], [], [], [], [], []
            specs: list[Spec] = []
            n = 0
            for i in range(n_companies):
                for _ in range(per_company[i]):
                    # At most two placements a person, at two companies: with at most 8 hours
                    # a day in each, no day comes near the 24-hour limit.
                    slot = order_candidates[n % n_candidates]
                    if n >= n_candidates and candidate_company.get(slot) == i:
                        slot = order_candidates[(n + 1) % n_candidates]
                    candidate_company[slot] = i
                    phase = phases[n]
                    p = _placement(rng, n, i, slot, phase, last_week, today)
                    job = rng.choice(company_jobs[i])
                    taken.add((slot, job))
                    ids = {
                        "proposal": prop0 + n,
                        "placement": plac0 + n,
                        "company": company_ids[i],
                        "employer": employer_ids[i],
                        "workplace": company_workplaces[i][n % len(company_workplaces[i])],
                        "candidate": cand0 + slot,
                        "jobcentre": candidate_jobcentre[slot],
                        "consultant": candidate_consultant[slot],
                        "job": job,
                    }
                    _ladder(rng, p, ids, proposals, placements, terms, steps, terms0, step0)
                    if rng.random() < 0.6 or phase != "pending":
                        consents.append(
                            {
                                "id": len(consents) + 1,
                                "proposal_id": ids["proposal"],
                                "candidate_id": ids["candidate"],
                                "company_id": ids["company"],
                                "method": rng.choice(["in_person", "phone", "written"]),
                                "recorded_by_id": ids["consultant"],
                                "recorded_at": _at(p.created - timedelta(days=3), 11),
                            }
                        )
                    for recipient in (ids["employer"], ids["consultant"]):
                        read = rng.random() < 0.7
                        notices.append(
                            {
                                "recipient_id": recipient,
                                "recipient_email": "",
                                "kind": "placement_ended" if phase == "ended" else "step_waiting",
                                "subject_type": "placements",
                                "subject_id": ids["placement"],
                                "params": {"by": "Jobcentret"} if phase == "ended" else {},
                                "created_at": _at(p.created, 12),
                                "read_at": _at(p.created, 15) if read else None,
                                "email_state": "sent",
                                "email_sent_at": _at(p.created, 12),
                            }
                        )
                    specs.append(p.spec)
                    n += 1
            # Proposals that did not become placements: waiting, declined, withdrawn, expired.
            for m in range(round(n_placements * EXTRA_PROPOSALS)):
                slot = rng.randrange(n_candidates)
                i = rng.randrange(n_companies)
                status = rng.choices(["waiting", "declined", "withdrawn", "expired"], [3, 4, 2, 1])[
                    0
                ]
                job = rng.choice(company_published[i] or company_jobs[i])
                if status == "waiting" and (slot, job) in taken:
                    status = "expired"
                if status == "waiting":
                    taken.add((slot, job))
                created = _at(today - timedelta(days=rng.randint(1, 700)), 10)
                proposals.append(
                    {
                        "id": prop0 + n_placements + m,
                        "job_id": job,
                        "candidate_id": cand0 + slot,
                        "company_id": company_ids[i],
                        "jobcentre_id": candidate_jobcentre[slot],
                        "proposed_by_id": candidate_consultant[slot],
                        "pitch": "Stabil og mødes til tiden; vil gerne i gang.",
                        "status": status,
                        "created_at": created,
                        "decided_at": None if status == "waiting" else created + timedelta(days=5),
                        "decided_by_id": employer_ids[i] if status == "declined" else None,
                        "decline_reason": "no_capacity" if status == "declined" else None,
                    }
                )
            email_of = {u["id"]: u["email"] for u in users}
            for notice in notices:
                notice["recipient_email"] = email_of[notice["recipient_id"]]
            writer.put(Proposal, proposals)
            writer.put(Placement, placements)
            writer.put(PlacementStep, steps)
            writer.put(PlacementTerms, terms)
            first_consent = next_ids(conn, Consent)[0]
            for consent in consents:
                consent["id"] += first_consent - 1
            writer.put(Consent, consents)
            writer.put(Notification, notices)
            del proposals, placements, terms, steps, consents, notices
        town.counts.update(writer.counts)

    # Weeks and records through the hour bench's loader (triggers and keys as it explains).
    shown("week_confirmations and hour_records", 0.0)
    ids = Ids(
        organisation=org0,
        user=user0,
        workplace=workplace0,
        job=job0,
        proposal=prop0,
        placement=plac0,
        terms=terms0,
        confirmation=conf0,
    )
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        # Its trigger only locks the placement against a concurrent writer (migration 0009);
        # this load is the only writer, and the lock per row cost most of the load's time.
        db.session.execute(text("ALTER TABLE week_confirmations DISABLE TRIGGER USER"))
        db.session.commit()
    try:
        town.counts["week_confirmations"] = load_hours(specs, ids, rng)
    finally:
        if postgres:
            db.session.execute(text("ALTER TABLE week_confirmations ENABLE TRIGGER USER"))
            db.session.commit()
    shown("week_confirmations and hour_records", 1.0)
    town.counts["hour_records"] = db.session.scalar(select(func.count()).select_from(HourRecord))
    if postgres:
        # Explicit ids leave the sequences behind; the app's own inserts would collide.
        for model in (
            Organisation,
            User,
            Workplace,
            Job,
            Candidate,
            Proposal,
            Placement,
            PlacementTerms,
            PlacementStep,
            Consent,
            WeekConfirmation,
        ):
            name = model.__tablename__
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"  # noqa: S608
                    f" (SELECT MAX(id) FROM {name}))"
                )
            )
        db.session.commit()
        # The planner's statistics, as autovacuum would have them on a database that grew
        # over years: without them the first benchmarks run on guesses about empty tables.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
        shown("vacuum (analyze)", 1.0)
    # The jobcentres' figures, as the sweep keeps them (figures.rollup): the leader's page
    # reads them; a town loaded around the app has none until counted.
    rollup.refresh_all()
    shown("figures", 1.0)
    town.seconds = time.perf_counter() - began
    return town


def employer_email(i: int) -> str:
    return f"arbejdsgiver-{i}@town.bench.example"


def _user(uid: int, org: int, role: str, email: str, password_hash: str) -> dict[str, Any]:
    return {
        "id": uid,
        "organisation_id": org,
        "org_kind": "company" if role == "employer" else "jobcentre",
        "role": role,
        "email": email,
        "name": email.split("@")[0].replace("-", " ").title(),
        "password_hash": password_hash,
        "email_preference": "daily",
    }


def _phases(rng: random.Random, count: int) -> list[str]:
    """Every phase at least once, the rest by the shares in PHASES, shuffled."""
    names = [name for name, _share in PHASES]
    picked = names + rng.choices(names, [share for _n, share in PHASES], k=count - len(names))
    rng.shuffle(picked)
    return picked


@dataclass
class Planned:
    phase: str
    first_step: str
    spec: Spec  # its confirmed weeks (none before paid hours)
    created: date
    ladder: bool  # went through praktik before paid hours
    waiting: str | None  # the kind of step waiting, if one does


def _placement(
    rng: random.Random, n: int, company: int, slot: int, phase: str, last_week: date, today: date
) -> Planned:
    del n, slot
    days = rng.choice([2, 3, 3, 3, 4, 4, 5])
    weekdays = sum(1 << d for d in sorted(rng.sample(range(6), days)))
    weekly = rng.choice([h for h in WEEKLY if h <= 8 * days])
    weeks = 0
    if phase in ("combined", "paid", "ended"):
        # Mostly months, a few for years (up to ten): ~19 confirmed weeks on average.
        weeks = rng.randint(100, 520) if rng.random() < 0.03 else rng.randint(1, 18)
    ended = phase == "ended"
    # A running placement in paid hours waits for its employer to confirm last week in four
    # cases of ten (something for the week page and the confirm POST to work on).
    waits_for_week = not ended and weeks > 0 and rng.random() < 0.4
    back = rng.randint(1, max(1, 520 - weeks)) if ended else int(waits_for_week)
    last = last_week - timedelta(weeks=back)
    waiting = None
    if phase == "pending":
        waiting = rng.choice(["praktik", "paid"])
    elif phase == "praktik" and rng.random() < 0.3:
        waiting = "paid"
    elif phase == "paid" and rng.random() < 0.1:
        waiting = "hours"
    spec = Spec(
        0,  # the candidate id is filled in by _ladder
        company,
        last - timedelta(weeks=max(weeks, 1) - 1),
        weeks,
        weekdays,
        float(weekly),
        rng.randint(0, weeks * days // 30),
        0,
        ended=ended,
        waiting=waits_for_week,
    )
    spec.corrected = rng.randint(0, (weeks * days - spec.skipped) // 40) if weeks else 0
    if weeks == 0:
        spec.first_week = week_start_of(today) - timedelta(weeks=rng.randint(1, 8))
    first_step = {"pending": waiting or "praktik", "trial": "trial", "praktik": "praktik"}.get(
        phase, rng.choice(["paid", "praktik"])
    )
    return Planned(
        phase=phase,
        first_step=first_step,
        spec=spec,
        created=spec.first_week - timedelta(weeks=10 if first_step == "praktik" else 2),
        ladder=first_step == "praktik" and phase in ("combined", "paid", "ended"),
        waiting=waiting,
    )


def _ladder(
    rng: random.Random,
    p: Planned,
    ids: dict[str, int],
    proposals: list[dict[str, Any]],
    placements: list[dict[str, Any]],
    terms: list[dict[str, Any]],
    steps: list[dict[str, Any]],
    terms0: int,
    step0: int,
) -> None:
    """The proposal, the placement, its terms versions and its steps (accepted or waiting)."""
    spec = p.spec
    spec.candidate_id = ids["candidate"]
    created = _at(p.created, 9)
    start = spec.first_week
    last_day = start + timedelta(weeks=max(spec.weeks, 1), days=-1)
    proposals.append(
        {
            "id": ids["proposal"],
            "job_id": ids["job"],
            "candidate_id": ids["candidate"],
            "company_id": ids["company"],
            "jobcentre_id": ids["jobcentre"],
            "proposed_by_id": ids["consultant"],
            "pitch": "Stabil og mødes til tiden; vil gerne i gang.",
            "status": "accepted",
            "created_at": created - timedelta(days=7),
            "decided_at": created,
            "decided_by_id": ids["employer"],
            "suggested_start": p.created,
        }
    )
    ended = p.phase == "ended"
    placements.append(
        {
            "id": ids["placement"],
            "proposal_id": ids["proposal"],
            "job_id": ids["job"],
            "candidate_id": ids["candidate"],
            "company_id": ids["company"],
            "jobcentre_id": ids["jobcentre"],
            "phase": p.phase,
            "first_step": p.first_step,
            "created_at": created,
            "updated_at": created,
            "ended_on": last_day if ended else None,
            "end_reason": rng.choice(["completed", "hired_elsewhere", "candidate_stopped"])
            if ended
            else None,
            "ended_by_id": ids["employer"] if ended else None,
            "ended_by_side": "company" if ended else None,
            "version": 1,
        }
    )
    base = {
        "placement_id": ids["placement"],
        "created_by_id": ids["consultant"],
        "workplace_id": ids["workplace"],
        "mentor_name": "Mette Mentor",
    }
    hours = Decimal(str(spec.weekly))
    number = 0

    def version(phase: str, effective: date, step_id: int | None, **parts: Any) -> None:
        nonlocal number
        number += 1
        terms.append(
            {
                **base,
                "id": terms0 + len(terms),
                "number": number,
                "phase": phase,
                "effective_from": effective,
                "step_id": step_id,
                "created_at": _at(effective - timedelta(days=3), 14),
                **parts,
            }
        )

    def step(kind: str, status: str, on: date, **extra: Any) -> int:
        sid = step0 + len(steps)
        side = "company" if kind == "paid" else "jobcentre"
        at = _at(on - timedelta(days=7), 10)
        steps.append(
            {
                "id": sid,
                "placement_id": ids["placement"],
                "kind": kind,
                "status": status,
                "proposed_by_side": side,
                "proposed_by_id": ids["employer"] if side == "company" else ids["consultant"],
                "created_at": at,
                "decided_at": None if status == "waiting" else at + timedelta(days=2),
                "decided_by_id": None
                if status == "waiting"
                else ids["consultant"]
                if side == "company"
                else ids["employer"],
                "start_on": on,
                "end_on": on + timedelta(weeks=8) if kind == "praktik" else None,
                "hours": Decimal(10) if kind == "praktik" else hours,
                "weekdays": spec.weekdays,
                "purposes": 1 if kind == "praktik" else 0,
                "workplace_id": ids["workplace"],
                "hourly_wage": Decimal("142.50") if kind == "paid" else None,
                "reason": REASONS[0] if kind == "hours" else "",
                **extra,
            }
        )
        return sid

    praktik = {
        "unpaid_hours": Decimal(10),
        "unpaid_weekdays": spec.weekdays,
        "unpaid_tasks": ["Fylde varer op"],
        "purposes": 1,
    }
    paid = {
        "paid_from": start,
        "paid_hours": hours,
        "paid_weekdays": spec.weekdays,
        "paid_tasks": ["Fylde varer op"],
        "hourly_wage": Decimal("142.50"),
    }
    if p.phase == "pending":
        step(p.waiting or "praktik", "waiting", p.created + timedelta(days=7))
    elif p.phase == "trial":
        version(
            "trial",
            p.created,
            None,
            unpaid_from=p.created,
            unpaid_to=p.created + timedelta(days=10),
            unpaid_hours=Decimal(8),
            unpaid_weekdays=spec.weekdays,
        )
    elif p.phase == "praktik":
        began = p.created + timedelta(days=7)
        version(
            "praktik",
            began,
            step("praktik", "accepted", began),
            unpaid_from=began,
            unpaid_to=began + timedelta(weeks=13),
            **praktik,
        )
        if p.waiting:
            step("paid", "waiting", began + timedelta(weeks=8))
    else:
        if p.ladder:
            began = start - timedelta(weeks=8)
            version(
                "praktik",
                began,
                step("praktik", "accepted", began),
                unpaid_from=began,
                unpaid_to=start - timedelta(days=1),
                **praktik,
            )
            sid = step("paid", "accepted", start, praktik_continues=p.phase == "combined")
            if p.phase == "combined":
                version(
                    "combined",
                    start,
                    sid,
                    unpaid_from=began,
                    unpaid_to=start + timedelta(weeks=12),
                    **praktik,
                    **paid,
                )
            else:
                version("paid", start, sid, **paid)
        elif p.phase == "combined":
            version(
                "combined",
                start,
                None,
                unpaid_from=start,
                unpaid_to=start + timedelta(weeks=12),
                **praktik,
                **paid,
            )
        else:
            version("paid", start, None, **paid)
        if p.waiting:
            step("hours", "waiting", week_start_of(local_today()) + timedelta(weeks=2))


def report(counts: dict[str, int], seconds: float) -> str:
    lines = [f"{'table':<24}{'rows':>12}"]
    lines += [f"{name:<24}{count:>12,}" for name, count in counts.items()]
    lines.append(f"built in {seconds:.0f} s")
    return "\n".join(lines)


def _printer() -> Callable[[str, float], None]:
    last: dict[str, int] = {}
    began = time.perf_counter()

    def show(label: str, done: float) -> None:
        percent = int(done * 100)
        if last.get(label) != percent:
            last[label] = percent
            at = f"{time.perf_counter() - began:>7.1f} s"
            print(
                f"\r{label:<40}{percent:>4} %{at}", end="\n" if percent >= 100 else "", flush=True
            )

    return show


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is the whole country")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(None if argv is None else list(argv))
    from app import create_app

    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        path = Path(tempfile.mkdtemp(prefix="smajob-town-")) / "town.sqlite"
        url = f"sqlite:///{path}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-only-secret-key",
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        _build_and_report(args.scale, args.seed)


def _build_and_report(scale: float, seed: int) -> None:
    town = build(scale, seed, _printer())
    print(report(town.counts, town.seconds))
    print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
    print(f"log in with password {PASSWORD!r} as {town.consultant_email} (biggest jobcentre)")
    print(f"or {town.employer_email} (the company with most placements)")


@click.command("bench-town")
@click.option("--scale", type=float, default=1.0, show_default=True, help="1.0: the country")
@click.option("--seed", type=int, default=1, show_default=True)
@with_appcontext
def bench_town_command(scale: float, seed: int) -> None:
    """Build a national-scale town into the app's database (DATABASE_URL), for benchmarks."""
    from flask_migrate import upgrade

    upgrade()
    _build_and_report(scale, seed)


def create_app() -> Flask:
    """For `flask --app bench.town bench-town --scale S`: the app with this command added,
    registered here so that marketplace/ never imports benchmark code."""
    from app import create_app as create_web_app

    web = create_web_app()
    web.cli.add_command(bench_town_command)
    return web


if __name__ == "__main__":
    main()

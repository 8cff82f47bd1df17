"""Hours benchmark: one company's week of 50 placements, and one person's ten years of hours
against the hour rules, among 5,000,000 hour records.

    .venv/bin/python -m bench.hours [--candidates 100000] [--records 5000000] [--runs 20]
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/NAME .venv/bin/python -m bench.hours

Beside the demo town it builds the candidates of bench/matching.py, companies (each with a
workplace, a job and an employer), placements in paid hours (one per candidate, a second for
one in five, at another company), and their confirmed weeks: one record per worked day,
revision 1 with the week's confirmation, and a small share of corrections (revision 2 with a
reason). All seeded, so every run builds the same data. Two cases are built on purpose:

* one company with exactly 50 placements in paid hours: last week (the page's default week) is
  confirmed for 25 of them and waits for the employer for the other 25;
* one candidate with paid hours every weekday for ten years (about 2,600 records), through
  four placements one after another.

Then it times `company_week` for that company and week, `tallies` for that candidate, and the
page GET /company/hours?week=… through the test client, logged in as the company's employer.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

from app import create_app
from bench.matching import build as build_candidates
from marketplace.accounts.passwords import hash_password
from marketplace.clock import local_today
from marketplace.demo.town import seed_demo
from marketplace.extensions import db
from marketplace.hours import paid_months
from marketplace.hours.ledger import _split, week_start_of  # the app's split: records = the plan
from marketplace.hours.tallies import tallies
from marketplace.hours.weeks import company_week
from marketplace.models import (
    Candidate,
    Company,
    HourRecord,
    Job,
    Jobcentre,
    Organisation,
    Placement,
    PlacementTerms,
    Proposal,
    User,
    WeekConfirmation,
    Workplace,
)

SEED = 4810
PASSWORD = "bench-hours-password"  # noqa: S105 (a scratch database's only login)
CHOSEN_PLACEMENTS = 50  # the company week that is timed
TEN_YEARS = 520  # weeks of the candidate whose tallies are timed
SECOND_PLACEMENT = 0.2  # share of candidates with a second placement, at another company
SKIPPED = 0.06  # at most this share of a placement's planned days is not worked (no record)
CORRECTED = 0.02  # at most this share of its records gets a correction
WEEKLY = [4, 5, 6, 7.5, 8, 10, 12, 15, 16, 20, 24, 25, 30]  # hours a week, as in jobs
REASONS = [
    "Gik en halv time før; rettet efter samtale.",
    "Blev en halv time længere for at tage imod en levering.",
    "Var syg; timerne var skrevet ind ved en fejl.",
]
RECORD_COLUMNS = (
    "placement_id, candidate_id, company_id, work_date, kind, revision, corrects_revision,"
    " hours, note, reason, confirmation_id, recorded_by_id, recorded_at"
)
CONFIRMATION_COLUMNS = (
    "id, placement_id, company_id, week_start, confirmed_by_id, confirmed_at, via"
)


@dataclass
class Spec:
    """One placement in paid hours and the weeks its employer confirmed."""

    candidate_id: int
    company: int  # index into the bench companies
    first_week: date  # Monday of the first confirmed week
    weeks: int  # confirmed weeks, one after another
    weekdays: int  # Weekday bits, Monday = 1
    weekly: float  # hours a week; each day's share is at most 8 by construction
    skipped: int  # planned days without a record
    corrected: int  # records with a correction
    ended: bool  # ended on the Sunday of its last confirmed week
    waiting: bool = False  # the week after the confirmed ones waits for the employer

    @property
    def days(self) -> list[int]:
        return [n for n in range(7) if self.weekdays >> n & 1]

    @property
    def rows(self) -> int:
        worked = self.weeks * len(self.days) - self.skipped
        return worked + self.corrected


@dataclass
class Ids:
    """The first id of each table the bench fills (explicit ids keep the build one pass)."""

    organisation: int
    user: int
    workplace: int
    job: int
    proposal: int
    placement: int
    terms: int
    confirmation: int


@dataclass
class Built:
    company_id: int
    employer_email: str
    candidate_id: int  # the one with ten years of hours
    week_start: date
    placements: int
    confirmations: int
    phases: dict[str, float]  # seconds per part of the build


def next_id(model: type[Any]) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _weekdays(rng: random.Random) -> int:
    count = rng.choice([2, 3, 3, 4, 4, 5, 5])
    return sum(1 << n for n in rng.sample(range(6), count))  # Monday to Saturday


def _weekly(rng: random.Random, days: int) -> float:
    # At most 8 hours a day, so two placements on one day stay far below the 24-hour limit.
    return rng.choice([h for h in WEEKLY if h <= 8 * days])


def plan(
    rng: random.Random, candidate_ids: list[int], companies: int, records: int, last_week: date
) -> list[Spec]:
    """Every placement, sized so that their records add up to exactly `records`."""
    specs = []
    # The ten-year candidate: four placements of 130 weeks at companies 1-4, every weekday.
    for n in range(4):
        first = last_week - timedelta(weeks=TEN_YEARS - 1 - 130 * n)
        specs.append(Spec(candidate_ids[0], 1 + n, first, 130, 31, 20, 0, 0, ended=n < 3))
        specs[-1].corrected = specs[-1].rows // 100
    # The chosen company (0): 50 placements in paid hours; last week waits for half of them.
    for n in range(CHOSEN_PLACEMENTS):
        waiting = n % 2 == 1
        weeks = rng.randint(8, 40)
        last = last_week - timedelta(weeks=1 if waiting else 0)
        weekdays = _weekdays(rng)
        spec = Spec(
            candidate_ids[1 + n],
            0,
            last - timedelta(weeks=weeks - 1),
            weeks,
            weekdays,
            _weekly(rng, bin(weekdays).count("1")),
            0,
            0,
            ended=False,
            waiting=waiting,
        )
        spec.corrected = rng.randint(0, spec.rows // 50)
        specs.append(spec)
    # Everyone else: a placement at a company other than 0-4, and for some a second one.
    owners = []
    for candidate_id in candidate_ids[1 + CHOSEN_PLACEMENTS :]:
        first = rng.randrange(5, companies)
        owners.append((candidate_id, first))
        if rng.random() < SECOND_PLACEMENT:
            # Another company: one open proposal per candidate and job is a unique index.
            second = rng.randrange(5, companies - 1)
            owners.append((candidate_id, second + (second >= first)))
    budget = records - sum(spec.rows for spec in specs)
    if budget < 10 * len(owners):
        raise SystemExit(f"--records {records:,} is too few for {len(owners):,} placements")
    for n, (candidate_id, company) in enumerate(owners):
        left_after = len(owners) - n - 1
        weekdays = _weekdays(rng)
        days = bin(weekdays).count("1")
        if left_after == 0:  # the last takes exactly what is left: whole weeks, days skipped
            weeks = -(-budget // days)
            skipped, corrected = weeks * days - budget, 0
        else:
            # Stick-breaking around the mean of what is left keeps the total on target.
            aim = budget / (left_after + 1) * rng.uniform(0.3, 1.7)
            weeks = max(1, round(aim / days))
            # Leave at least a week of five days for each placement still to come.
            while weeks > 1 and budget - weeks * days < 5 * left_after:
                weeks -= 1
            skipped = rng.randint(0, int(weeks * days * SKIPPED))
            corrected = rng.randint(0, int((weeks * days - skipped) * CORRECTED))
        ended = rng.random() < 0.6
        last = last_week - timedelta(weeks=rng.randint(1, 260) if ended else 0)
        spec = Spec(
            candidate_id,
            company,
            last - timedelta(weeks=weeks - 1),
            weeks,
            weekdays,
            _weekly(rng, days),
            skipped,
            corrected,
            ended=ended,
            waiting=not ended and rng.random() < 0.1,
        )
        if spec.waiting:  # last week not confirmed yet: the confirmed weeks end a week earlier
            spec.first_week -= timedelta(weeks=1)
        specs.append(spec)
        budget -= spec.rows
    assert budget == 0, budget
    return specs


def build_companies(count: int, ids: Ids, municipality_codes: list[int]) -> None:
    """Each company with a workplace, an employer and one published job in paid hours."""
    password_hash = hash_password(PASSWORD)  # one hash for all: Argon2 is slow on purpose
    now = datetime.now(UTC)
    companies, users, workplaces, jobs = [], [], [], []
    for n in range(count):
        code = municipality_codes[n % len(municipality_codes)]
        companies.append(
            {
                "id": ids.organisation + n,
                "kind": "company",
                "name": f"Bench virksomhed {n}",
                "cvr": f"{90_000_000 + n}",
                "address": f"Erhvervsvej {n % 200 + 1}",
                "postcode": "6900",
                "city": "Skjern",
                "municipality_code": code,
                "employee_count": 5 + n % 40,
            }
        )
        users.append(
            {
                "id": ids.user + n,
                "organisation_id": ids.organisation + n,
                "org_kind": "company",
                "role": "employer",
                "email": employer_email(n),
                "name": f"Arbejdsgiver {n}",
                "password_hash": password_hash,
            }
        )
        workplaces.append(
            {
                "id": ids.workplace + n,
                "company_id": ids.organisation + n,
                "name": f"Afdeling {n}",
                "p_number": f"{9_000_000_000 + n}",
                "address": f"Erhvervsvej {n % 200 + 1}",
                "postcode": "6900",
                "city": "Skjern",
                "municipality_code": code,
            }
        )
        jobs.append(
            {
                "id": ids.job + n,
                "company_id": ids.organisation + n,
                "workplace_id": ids.workplace + n,
                "municipality_code": code,
                "status": "published",
                "title": f"Benchmarkjob {n}",
                "category": "retail",
                "hours_per_week": Decimal(10),
                "weekdays": 31,
                "start_date": date(2016, 1, 4),
                "offers_paid_direct": True,
                "hourly_wage": Decimal("142.50"),
                "agreement_wage": Decimal("135.00"),
                "contact_name": f"Arbejdsgiver {n}",
                "created_by_id": ids.user + n,
                "published_at": now,
                "version": 1,
            }
        )
    for model, rows in ((Company, companies), (User, users), (Workplace, workplaces), (Job, jobs)):
        for offset in range(0, count, 5000):
            db.session.execute(insert(model), rows[offset : offset + 5000])
    db.session.commit()


def employer_email(n: int) -> str:
    return f"arbejdsgiver-{n}@timer.bench.example"


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def build_placements(specs: list[Spec], ids: Ids, jobcentre_id: int, consultant_id: int) -> None:
    """A proposal, a placement and one paid-hours terms version for each spec."""
    batch = 5000
    for offset in range(0, len(specs), batch):
        proposals, placements, terms = [], [], []
        for n in range(offset, min(offset + batch, len(specs))):
            spec = specs[n]
            employer = ids.user + spec.company
            start = spec.first_week
            last_day = start + timedelta(weeks=spec.weeks, days=-1)
            proposals.append(
                {
                    "id": ids.proposal + n,
                    "job_id": ids.job + spec.company,
                    "candidate_id": spec.candidate_id,
                    "company_id": ids.organisation + spec.company,
                    "jobcentre_id": jobcentre_id,
                    "proposed_by_id": consultant_id,
                    "pitch": "Benchmark",
                    "status": "accepted",
                    "created_at": _at(start - timedelta(days=14), 9),
                    "decided_at": _at(start - timedelta(days=10), 9),
                    "decided_by_id": employer,
                    "suggested_start": start,
                }
            )
            placements.append(
                {
                    "id": ids.placement + n,
                    "proposal_id": ids.proposal + n,
                    "job_id": ids.job + spec.company,
                    "candidate_id": spec.candidate_id,
                    "company_id": ids.organisation + spec.company,
                    "jobcentre_id": jobcentre_id,
                    "phase": "ended" if spec.ended else "paid",
                    "first_step": "paid",
                    "created_at": _at(start - timedelta(days=10), 9),
                    "ended_on": last_day if spec.ended else None,
                    "end_reason": "completed" if spec.ended else None,
                    "ended_by_id": employer if spec.ended else None,
                    "ended_by_side": "company" if spec.ended else None,
                    "version": 1,
                }
            )
            terms.append(
                {
                    "id": ids.terms + n,
                    "placement_id": ids.placement + n,
                    "number": 1,
                    "phase": "paid",
                    "effective_from": start,
                    "created_at": _at(start - timedelta(days=7), 14),
                    "created_by_id": consultant_id,
                    "workplace_id": ids.workplace + spec.company,
                    "paid_from": start,
                    "paid_hours": Decimal(str(spec.weekly)),
                    "paid_weekdays": spec.weekdays,
                    "paid_tasks": ["Fylde varer op"],
                    "hourly_wage": Decimal("142.50"),
                }
            )
        db.session.execute(insert(Proposal), proposals)
        db.session.execute(insert(Placement), placements)
        db.session.execute(insert(PlacementTerms), terms)
    db.session.commit()


def weeks_and_days(
    specs: list[Spec],
    ids: Ids,
    rng: random.Random,
    span: range,
    confirmation_id: int,
    now: datetime,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The confirmations and records (Python values) of the placements in `span`.

    The rules hold by construction: quarter hours (the app's own split of the weekly hours),
    0 < hours <= 8 on a first revision, a correction changes a day by half an hour or to 0,
    at most two placements per person (so at most 17 hours on a day), nothing after last week.
    """
    confirmations, records = [], []
    for n in span:
        spec = specs[n]
        placement_id, company_id = ids.placement + n, ids.organisation + spec.company
        employer = ids.user + spec.company
        days = spec.days
        shares = [float(s) for s in _split(Decimal(str(spec.weekly)), len(days))]
        skipped = set(rng.sample(range(spec.weeks * len(days)), spec.skipped))
        corrected = set(rng.sample(range(spec.weeks * len(days) - spec.skipped), spec.corrected))
        worked = 0
        for week in range(spec.weeks):
            monday = spec.first_week + timedelta(weeks=week)
            # Confirmed the Monday after; a correction two days later. Never after now.
            confirmed_at = min(_at(monday + timedelta(days=7), 8 + week % 3), now)
            corrected_at = min(confirmed_at + timedelta(days=2), now)
            confirmations.append(
                (confirmation_id, placement_id, company_id, monday, employer, confirmed_at, "page")
            )
            for slot, (weekday, hours) in enumerate(zip(days, shares, strict=True)):
                if week * len(days) + slot in skipped:
                    continue
                day = monday + timedelta(days=weekday)
                row = (placement_id, spec.candidate_id, company_id, day, "paid", 1, None, hours)
                records.append((*row, "", "", confirmation_id, employer, confirmed_at))
                if worked in corrected:
                    fixed = 0.0 if worked % 10 == 0 else hours - 0.5 if hours > 0.5 else hours + 0.5
                    row = (placement_id, spec.candidate_id, company_id, day, "paid", 2, 1, fixed)
                    reason = REASONS[worked % len(REASONS)]
                    records.append((*row, "", reason, None, employer, corrected_at))
                worked += 1
            confirmation_id += 1
    return confirmations, records


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The values as SQLAlchemy stores them in SQLite: ISO dates, naive UTC text, floats."""
    return tuple(
        v.strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(v, datetime)
        else v.isoformat()
        if isinstance(v, date)
        else v
        for v in row
    )


def load_hours(specs: list[Spec], ids: Ids, rng: random.Random) -> int:
    """Confirmations and records in bulk, a chunk of placements at a time; returns how many
    confirmations were written.

    The hour_records triggers (append-only, and the daily sum per person at most 24) run a
    query per inserted row, which makes millions of rows crawl. They are switched off for the
    load and back on afterwards; the data obeys them by construction (see weeks_and_days) and
    verify() checks the daily sums once at the end. CHECKs stay on. On PostgreSQL the foreign
    keys of the two tables are dropped too and added back after the load: each checked every
    row with a query of its own (nearly 3x the load time), while ADD CONSTRAINT validates all
    rows in one join, so every row is still checked. SQLite keeps them on throughout.
    """
    postgres = db.engine.dialect.name == "postgresql"
    now = datetime.now(UTC)
    written = 0
    # One connection throughout: the raw DBAPI calls and the PRAGMA below belong to it.
    with db.engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection
        triggers: list[tuple[str, str]] = []
        keys: list[tuple[str, str, str]] = []
        cache = None
        with conn.begin():
            if postgres:
                conn.exec_driver_sql("ALTER TABLE hour_records DISABLE TRIGGER USER")
                for table in ("week_confirmations", "hour_records"):
                    found = conn.execute(
                        db.text(
                            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                            " WHERE conrelid = CAST(:table AS regclass) AND contype = 'f'"
                        ),
                        {"table": table},
                    )
                    keys += [(table, name, definition) for name, definition in found]
                for table, name, _definition in keys:
                    conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            else:
                triggers = [
                    (name, sql)
                    for name, sql in conn.exec_driver_sql(
                        "SELECT name, sql FROM sqlite_master"
                        " WHERE type = 'trigger' AND tbl_name = 'hour_records'"
                    )
                ]
                for name, _sql in triggers:
                    conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        if not postgres:
            # A big page cache for the scattered inserts into the company and candidate
            # indexes; put back afterwards, so the timed queries run with the default.
            cache = raw.execute("PRAGMA cache_size").fetchone()[0]
            raw.execute("PRAGMA cache_size = -1000000")
        try:
            chunk = 2000
            for first in range(0, len(specs), chunk):
                span = range(first, min(first + chunk, len(specs)))
                confirmations, records = weeks_and_days(
                    specs, ids, rng, span, ids.confirmation + written, now
                )
                written += len(confirmations)
                with conn.begin():  # on SQLite the app's begin hook issues BEGIN here
                    if postgres:
                        copy_to(raw, "week_confirmations", CONFIRMATION_COLUMNS, confirmations)
                        copy_to(raw, "hour_records", RECORD_COLUMNS, records)
                    else:
                        insert_many(raw, "week_confirmations", CONFIRMATION_COLUMNS, confirmations)
                        insert_many(raw, "hour_records", RECORD_COLUMNS, records)
        finally:
            with conn.begin():
                if postgres:
                    conn.exec_driver_sql("ALTER TABLE hour_records ENABLE TRIGGER USER")
                for table, name, definition in keys:
                    add = f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                    conn.exec_driver_sql(add)  # validates every row
                for _name, sql in triggers:
                    conn.exec_driver_sql(sql)
            if cache is not None:
                raw.execute(f"PRAGMA cache_size = {int(cache)}")
    # Who was touched by paid hours in which month: the ledger keeps it beside each write;
    # rows loaded around the ledger get it in one statement.
    paid_months.fill_from_records()
    db.session.commit()
    return written


def copy_to(raw: Any, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL COPY through psycopg 3, which adapts dates, times and None itself."""
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_many(raw: Any, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    """SQLite executemany, with values as SQLAlchemy would have stored them."""
    marks = ", ".join(["?"] * (columns.count(",") + 1))
    raw.executemany(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
        map(_sqlite_row, rows),
    )


def build_town(
    candidates: int,
    companies: int,
    codes: list[int],
    specs_for: Callable[[list[int]], list[Spec]],
    phases: dict[str, float] | None = None,
) -> tuple[Ids, list[Spec]]:
    """Candidates, companies (each with an employer) and the placements `specs_for` plans for
    the new candidates' ids, in bulk with explicit ids, beside the first jobcentre and its
    consultant. The benchmarks and the sweep's tests share it."""
    began = time.perf_counter()
    phases = {} if phases is None else phases
    jobcentre = db.session.scalar(select(Jobcentre))
    consultant = db.session.scalar(select(User).where(User.role == "consultant"))
    first_candidate = next_id(Candidate)
    build_candidates(candidates)
    candidate_ids = list(range(first_candidate, first_candidate + candidates))
    phases["candidates"] = time.perf_counter() - began
    ids = Ids(
        organisation=next_id(Organisation),
        user=next_id(User),
        workplace=next_id(Workplace),
        job=next_id(Job),
        proposal=next_id(Proposal),
        placement=next_id(Placement),
        terms=next_id(PlacementTerms),
        confirmation=next_id(WeekConfirmation),
    )
    build_companies(companies, ids, codes)
    specs = specs_for(candidate_ids)
    build_placements(specs, ids, jobcentre.id, consultant.id)
    phases["companies and placements"] = time.perf_counter() - began - phases["candidates"]
    return ids, specs


def reset_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; the app's own inserts would collide."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in (
        "organisations",
        "users",
        "workplaces",
        "jobs",
        "proposals",
        "placements",
        "placement_terms",
        "week_confirmations",
        "candidates",
    ):
        db.session.execute(
            db.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                f" (SELECT MAX(id) FROM {table}))"
            )
        )
    db.session.commit()


def build(args: argparse.Namespace, today: date) -> Built:
    rng = random.Random(SEED)
    phases: dict[str, float] = {}
    began = time.perf_counter()
    companies = max(10, args.candidates // 50)
    codes = [760] * 6 + [657, 661, 756, 573, 561, 615]
    last_week = week_start_of(today) - timedelta(weeks=1)
    ids, specs = build_town(
        args.candidates,
        companies,
        codes,
        lambda candidate_ids: plan(rng, candidate_ids, companies, args.records, last_week),
        phases,
    )
    confirmations = load_hours(specs, ids, rng)
    phases["weeks and records"] = time.perf_counter() - began - sum(phases.values())
    reset_sequences()
    return Built(
        company_id=ids.organisation,
        employer_email=employer_email(0),
        candidate_id=specs[0].candidate_id,
        week_start=last_week,
        placements=len(specs),
        confirmations=confirmations,
        phases=phases,
    )


def verify(built: Built, today: date) -> None:
    """The figures the report quotes, counted, and the rules the load skipped, checked."""
    over = db.session.scalar(
        db.text(
            "SELECT COUNT(*) FROM (SELECT r.candidate_id, r.work_date FROM hour_records r"
            " WHERE NOT EXISTS (SELECT 1 FROM hour_records n"
            " WHERE n.placement_id = r.placement_id AND n.work_date = r.work_date"
            " AND n.kind = r.kind AND n.revision > r.revision)"
            " GROUP BY r.candidate_id, r.work_date HAVING SUM(r.hours) > 24) AS over_limit"
        )
    )
    assert over == 0, f"{over} days over 24 hours"
    latest = db.session.scalar(select(func.max(HourRecord.work_date)))
    assert latest is not None
    assert latest < today, latest
    placements = db.session.scalar(
        select(func.count()).select_from(Placement).where(Placement.company_id == built.company_id)
    )
    assert placements == CHOSEN_PLACEMENTS, placements
    # The triggers switched off for the load are back: both refuse what they should.
    record = db.session.scalars(
        select(HourRecord).where(HourRecord.candidate_id == built.candidate_id).limit(1)
    ).one()
    update = db.text("UPDATE hour_records SET note = 'x' WHERE id = :id")
    refused(update, {"id": record.id}, "append-only")
    over_day = {  # a praktik record on a day with paid hours: passes every CHECK, not the sum
        "placement_id": record.placement_id,
        "candidate_id": record.candidate_id,
        "company_id": record.company_id,
        "work_date": record.work_date,
        "kind": "praktik",
        "revision": 1,
        "hours": Decimal(24),
        "reason": "Benchmark: must be refused",
        "recorded_by_id": record.recorded_by_id,
    }
    refused(insert(HourRecord).values(**over_day), {}, "more than 24 hours")
    db.session.expunge_all()


def refused(statement: Any, parameters: dict[str, Any], message: str) -> None:
    """The statement fails with the trigger's own message (not some other error)."""
    try:
        with db.session.begin_nested():
            db.session.execute(statement, parameters)
    except DBAPIError as error:
        if message not in str(error.orig):
            raise
        return
    raise AssertionError(f"hour_records accepted {statement}: a trigger is missing")


@dataclass
class Timing:
    median: float
    max: float
    statements: float


class Counter:
    """SQL statements on the engine, and (when asked) the statements themselves."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self.captured: list[tuple[str, Any]] | None = None
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        self.count += 1
        if self.captured is not None:
            self.captured.append((statement, parameters))


def timed(counter: Counter, runs: int, call: Callable[[], object], fresh: bool = True) -> Timing:
    """Median and max over `runs` after one warm-up; each run starts with an empty identity map
    (as a request does), so objects are built afresh rather than found in the session."""
    call()
    timings = []
    counter.count = 0
    for _ in range(runs):
        if fresh:
            db.session.expunge_all()
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return Timing(statistics.median(timings), max(timings), counter.count / runs)


def explain(counter: Counter, call: Callable[[], object]) -> None:
    """The plan of each statement one call runs (EXPLAIN ANALYZE on PostgreSQL)."""
    counter.captured = []
    db.session.expunge_all()
    call()
    captured, counter.captured = counter.captured, None
    postgres = db.engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
    for statement, parameters in captured:
        # Run alone, rows fetched: where a call's time goes, statement by statement.
        start = time.perf_counter()
        found = db.session.connection().exec_driver_sql(statement, parameters).all()
        took = (time.perf_counter() - start) * 1000
        print(f"  -- {took:.1f} ms, {len(found)} rows:", " ".join(statement.split())[:140])
        rows = db.session.connection().exec_driver_sql(prefix + statement, parameters).all()
        for row in rows:
            print("    ", row[0] if postgres else row[-1])


def page_timing(
    app: Flask, counter: Counter, built: Built, runs: int, show: bool
) -> tuple[Timing, int, int]:
    """GET /company/hours?week=… through the real login, as the company's employer."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"email": built.employer_email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, response.status_code
    path = f"/company/hours?week={built.week_start.isoformat()}"
    html = ""

    def get() -> None:
        nonlocal html
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        html = response.get_data(as_text=True)

    timing = timed(counter, runs, get, fresh=False)  # each request has its own session
    if show:
        counter.captured = []
        get()
        print("statements of one request:")
        for statement, _parameters in counter.captured:
            print("  --", " ".join(statement.split())[:140])
        counter.captured = None
    return timing, html.count('<section class="card"'), html.count('name="confirm"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="print each query's plan")
    args = parser.parse_args()
    if args.candidates < 100:
        parser.error("--candidates: at least 100")
    workdir = Path(tempfile.mkdtemp(prefix="smajob-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'hours.sqlite'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SESSION_COOKIE_SECURE": False,
            "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
            "RATELIMIT_ENABLED": False,
        }
    )
    today = local_today()  # once: a run across midnight keeps one "today"
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        seed_demo()
        db.session.commit()
        engine = db.engine
        demo_rows = db.session.scalar(select(func.count()).select_from(HourRecord))
        began = time.perf_counter()
        built = build(args, today)
        took = time.perf_counter() - began
        print(
            f"database: {engine.dialect.name}; built {args.candidates:,} candidates,"
            f" {built.placements:,} placements, {built.confirmations:,} confirmed weeks and"
            f" {args.records:,} hour records in {took:.0f} s ("
            + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in built.phases.items())
            + ")"
        )
        if engine.dialect.name == "postgresql":
            # VACUUM as well as ANALYZE: autovacuum would have done both to a table this size
            # (it is off on the test server), and the visibility map it writes lets the
            # correction lookups be index-only scans, as they would be in production.
            began = time.perf_counter()
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE)")
            print(f"VACUUM (ANALYZE) in {time.perf_counter() - began:.0f} s")
        began = time.perf_counter()
        verify(built, today)
        rows = db.session.scalar(select(func.count()).select_from(HourRecord))
        assert rows == demo_rows + args.records, (rows, demo_rows)
        print(
            f"hour_records: {rows:,} rows counted ({demo_rows} of them the demo's);"
            " triggers back on; no day over 24 hours,"
            f" none after {today - timedelta(days=1)}:"
            f" checked in {time.perf_counter() - began:.0f} s"
        )
        counter = Counter(engine)
        # The machine may be shared: the timings below are only comparable with this in view.
        print("load average before timing: " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))

        def week() -> object:
            return company_week(built.company_id, built.week_start)

        def rules() -> object:
            return tallies(built.candidate_id, today)

        weeks = week()
        timing = timed(counter, args.runs, week)
        confirmed = sum(1 for w in weeks if w.confirmation is not None)
        assert (len(weeks), confirmed) == (CHOSEN_PLACEMENTS, CHOSEN_PLACEMENTS // 2), weeks
        print(
            f"company_week(week of {built.week_start}): {len(weeks)} placements ({confirmed}"
            f" confirmed): median {timing.median:.1f} ms, max {timing.max:.1f} ms,"
            f" {timing.statements:.0f} SQL statement(s) per call"
        )
        slow_week = timing.median > 100
        found = rules()
        timing = timed(counter, args.runs, rules)
        candidate_records = db.session.scalar(
            select(func.count())
            .select_from(HourRecord)
            .where(HourRecord.candidate_id == built.candidate_id)
        )
        print(
            f"tallies({candidate_records:,} records over ten years): median {timing.median:.1f}"
            f" ms, max {timing.max:.1f} ms, {timing.statements:.0f} SQL statement(s) per call; "
            + "; ".join(f"{t.rule.name}: {t.counted} h counted" for t in found)
        )
        slow_rules = timing.median > 100
        if args.explain or slow_week:
            print("plans of company_week:")
            explain(counter, week)
        if args.explain or slow_rules:
            print("plans of tallies:")
            explain(counter, rules)
        db.session.rollback()
    timing, sections, waiting = page_timing(app, counter, built, args.runs, args.explain)
    print(
        f"GET /company/hours?week={built.week_start}: {sections} placements, {waiting} waiting:"
        f" median {timing.median:.1f} ms, max {timing.max:.1f} ms,"
        f" {timing.statements:.0f} SQL statement(s) per request"
    )
    print("load average after timing: " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(workdir, ignore_errors=True)  # a SQLite file of this size is over 1 GB


if __name__ == "__main__":
    main()

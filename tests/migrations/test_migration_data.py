"""The migrations that move data keep their word: 0010 merges double open week flags, 0011 moves
identity_views into access_log (and back on a downgrade).

Each test builds a scratch database of its own, upgrades to the revision before, writes the
rows with plain SQL as an older release would have left them, and runs the migration.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from marketplace.extensions import db
from marketplace.models.base import UTCDateTime
from tests.databases import scratch_database

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
WEEK = date(2026, 11, 2)  # a Monday


def insert(connection: Connection, table: str, **values: Any) -> int:
    """One row by plain SQL; the new id back."""
    types: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, datetime):
            types[name] = UTCDateTime()
        elif isinstance(value, date):
            types[name] = sa.Date()
        elif isinstance(value, list | dict):
            types[name] = sa.JSON()
        elif isinstance(value, bool):
            types[name] = sa.Boolean()
    statement = sa.text(
        f"INSERT INTO {table} ({', '.join(values)}) "
        f"VALUES ({', '.join(':' + name for name in values)}) RETURNING id"
    ).bindparams(*(sa.bindparam(name, type_=type_) for name, type_ in types.items()))
    return connection.execute(statement, values).scalar_one()


@contextmanager
def migrated_to(make_app: Any, workdir: Any, label: str, revision: str) -> Iterator[None]:
    with scratch_database(workdir, label) as url:
        app = make_app(url)
        with app.app_context():
            upgrade(revision=revision)
            try:
                yield
            finally:
                db.session.remove()
                db.engine.dispose()  # before the scratch database is dropped


def seed_organisations(connection: Connection) -> dict[str, int]:
    """A jobcentre with a consultant, two companies with an employer, a workplace and a job each."""
    ids: dict[str, int] = {}
    ids["jobcentre"] = insert(
        connection, "organisations", kind="jobcentre", name="Jobcenter Ringkøbing", created_at=T0
    )
    insert_plain(connection, "jobcentres", id=ids["jobcentre"], municipality_code=760)
    ids["consultant"] = user(connection, ids["jobcentre"], "jobcentre", "consultant", "k@jc.dk")
    for key, cvr, p_number in (
        ("brugsen", "12345678", "1234567890"),
        ("netto", "23456789", "2345678901"),
    ):
        company = insert(connection, "organisations", kind="company", name=key, created_at=T0)
        insert_plain(
            connection,
            "companies",
            id=company,
            cvr=cvr,
            address="Storegade 12",
            postcode="6900",
            city="Skjern",
            municipality_code=760,
            employee_count=14,
        )
        ids[key] = company
        ids[f"{key}_employer"] = user(connection, company, "company", "employer", f"e@{key}.dk")
        workplace = insert(
            connection,
            "workplaces",
            company_id=company,
            name="Butikken",
            p_number=p_number,
            address="Storegade 12",
            postcode="6900",
            city="Skjern",
            municipality_code=760,
            created_at=T0,
        )
        ids[f"{key}_job"] = insert(
            connection,
            "jobs",
            company_id=company,
            workplace_id=workplace,
            municipality_code=760,
            status="published",
            title="Varer på hylder",
            description="Opfyldning",
            task_lines=[],
            category="retail",
            hours_per_week=10,
            weekdays=31,
            flexible_days=False,
            start_date=WEEK,
            offers_trial_visit=True,
            offers_praktik=False,
            offers_paid_direct=False,
            hourly_wage=150,
            agreement_wage=140,
            wage_agreement_name="HK",
            requires_heavy_lifting=False,
            requires_standing=False,
            requires_early_mornings=False,
            requires_driving_licence=False,
            danish_level="basic",
            other_requirements="",
            contact_name="Mette",
            contact_phone="12345678",
            created_by_id=ids[f"{key}_employer"],
            created_at=T0,
            updated_at=T0,
            published_at=T0,
            close_note="",
            version=1,
        )
    return ids


def insert_plain(connection: Connection, table: str, **values: Any) -> None:
    """A row whose id is given (a subtype sharing the organisation's id)."""
    connection.execute(
        sa.text(
            f"INSERT INTO {table} ({', '.join(values)}) "
            f"VALUES ({', '.join(':' + name for name in values)})"
        ),
        values,
    )


def user(connection: Connection, organisation: int, kind: str, role: str, email: str) -> int:
    return insert(
        connection,
        "users",
        organisation_id=organisation,
        org_kind=kind,
        role=role,
        email=email,
        name=email.split("@")[0],
        password_hash="x",
        locale="da",
        active=True,
        created_at=T0,
    )


def candidate(connection: Connection, ids: dict[str, int]) -> int:
    return insert(
        connection,
        "candidates",
        jobcentre_id=ids["jobcentre"],
        consultant_id=ids["consultant"],
        status="active",
        job_goal="",
        wished_categories=0,
        tasks_can_do=[],
        hours_min=5,
        hours_max=20,
        available_weekdays=31,
        available_times="",
        municipality_code=760,
        postcode="6900",
        languages="",
        danish_level="good",
        driving_licence=False,
        earlier_work="",
        no_heavy_lifting=False,
        no_long_standing=False,
        needs_quiet_surroundings=False,
        no_early_mornings=False,
        other_limitations="",
        consultant_note="",
        created_at=T0,
        updated_at=T0,
        version=1,
    )


def accepted_proposal(
    connection: Connection, ids: dict[str, int], candidate_id: int, company: str
) -> int:
    return insert(
        connection,
        "proposals",
        job_id=ids[f"{company}_job"],
        candidate_id=candidate_id,
        company_id=ids[company],
        jobcentre_id=ids["jobcentre"],
        proposed_by_id=ids["consultant"],
        pitch="Stabil og glad for at arbejde",
        status="accepted",
        created_at=T0,
        decided_at=T0,
        decided_by_id=ids[f"{company}_employer"],
        decline_note="",
    )


def consent(
    connection: Connection,
    ids: dict[str, int],
    proposal_id: int,
    candidate_id: int,
    company: str,
    withdrawn: bool = False,
) -> int:
    return insert(
        connection,
        "consents",
        proposal_id=proposal_id,
        candidate_id=candidate_id,
        company_id=ids[company],
        method="phone",
        note="",
        recorded_by_id=ids["consultant"],
        recorded_at=T0,
        withdrawn_at=T0 + timedelta(hours=1) if withdrawn else None,
        withdrawn_by_id=ids["consultant"] if withdrawn else None,
    )


# --- 0010: one open flag per placement and week ---------------------------------------------


def placement(connection: Connection, ids: dict[str, int], company: str) -> int:
    person = candidate(connection, ids)
    return insert(
        connection,
        "placements",
        proposal_id=accepted_proposal(connection, ids, person, company),
        job_id=ids[f"{company}_job"],
        candidate_id=person,
        company_id=ids[company],
        jobcentre_id=ids["jobcentre"],
        phase="trial",
        first_step="trial",
        created_at=T0,
        updated_at=T0,
        end_note="",
        version=1,
    )


def flag(
    connection: Connection,
    placement_id: int,
    week: date,
    comment: str,
    by: int,
    minutes: int,
    answered_by: int | None = None,
) -> int:
    answered = answered_by is not None
    return insert(
        connection,
        "week_flags",
        placement_id=placement_id,
        week_start=week,
        comment=comment,
        flagged_by_id=by,
        flagged_at=T0 + timedelta(minutes=minutes),
        answer="Det passer" if answered else "",
        answered_by_id=answered_by,
        answered_at=T0 + timedelta(days=1) if answered else None,
    )


def week_flags(connection: Connection) -> set[tuple[Any, ...]]:
    rows = connection.execute(
        sa.text(
            "SELECT id, placement_id, week_start, comment, flagged_by_id, flagged_at, answer, "
            "answered_at IS NULL FROM week_flags"
        ).columns(week_start=sa.Date(), flagged_at=UTCDateTime())
    ).all()
    return {(*row[:7], bool(row[7])) for row in rows}


def open_flag(connection: Connection, placement_id: int, week: date, by: int) -> None:
    flag(connection, placement_id, week, "Igen?", by, minutes=90)


def test_0010_merges_open_duplicates_into_the_oldest_flag_with_each_distinct_comment(
    workdir, make_app
):
    with migrated_to(make_app, workdir, "week_flags_merge", "0009_hour_requests"):
        with db.engine.begin() as connection:
            ids = seed_organisations(connection)
            consultant = ids["consultant"]
            colleague = user(connection, ids["jobcentre"], "jobcentre", "consultant", "k2@jc.dk")
            one, other = placement(connection, ids, "brugsen"), placement(connection, ids, "netto")
            next_week, third_week = WEEK + timedelta(days=7), WEEK + timedelta(days=14)
            # Three open flags on one week, written so the oldest is not the lowest id: the
            # oldest ("Hvorfor 8 timer?") keeps, the same question again adds nothing, a
            # different one is added after it.
            flag(connection, one, WEEK, "Og fredag?", colleague, minutes=20)
            oldest = flag(connection, one, WEEK, "Hvorfor 8 timer?", consultant, minutes=10)
            flag(connection, one, WEEK, "Hvorfor 8 timer?", consultant, minutes=30)
            # An answered flag of the same week stays as it is, apart.
            answered = flag(
                connection, one, WEEK, "Og fredag?", consultant, minutes=5, answered_by=colleague
            )
            # A double submit: two open flags with the same comment become one, unchanged.
            submit = flag(connection, one, next_week, "Mangler tirsdag", consultant, minutes=0)
            flag(connection, one, next_week, "Mangler tirsdag", consultant, minutes=0)
            # Two long different questions: the merged text is cut at the column's 1000.
            long_first = flag(connection, one, third_week, "a" * 600, consultant, minutes=0)
            flag(connection, one, third_week, "b" * 600, consultant, minutes=1)
            # The same week of another placement is not a duplicate.
            elsewhere = flag(connection, other, WEEK, "Hvorfor 8 timer?", consultant, minutes=40)
            before = {row[0]: row for row in week_flags(connection)}

        upgrade(revision="0010_week_flags_once")

        def kept(flag_id: int, comment: str) -> tuple[Any, ...]:
            return (*before[flag_id][:3], comment, *before[flag_id][4:])

        expected = {
            kept(oldest, "Hvorfor 8 timer?\n\nOg fredag?"),
            before[answered],
            kept(submit, "Mangler tirsdag"),
            kept(long_first, ("a" * 600 + "\n\n" + "b" * 600)[:1000]),
            before[elsewhere],
        }
        with db.engine.connect() as connection:
            assert week_flags(connection) == expected

        # The rule now holds: a second open flag for the week is refused, an answered one not.
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            open_flag(connection, one, WEEK, consultant)
        with db.engine.begin() as connection:
            flag(connection, one, WEEK, "Svar", consultant, minutes=3, answered_by=colleague)
            answered_too = connection.execute(sa.text("SELECT max(id) FROM week_flags")).scalar()

        # Down again: only the rule goes; the merged flags stay merged.
        downgrade(revision="0009_hour_requests")
        names = {index["name"] for index in inspect(db.engine).get_indexes("week_flags")}
        assert "uq_week_flags_open" not in names
        with db.engine.begin() as connection:
            remaining = {row for row in week_flags(connection) if row[0] != answered_too}
            assert remaining == expected
            open_flag(connection, one, WEEK, consultant)  # allowed without the rule


# --- 0011: identity_views moves into access_log ----------------------------------------------


def access_log(connection: Connection) -> list[tuple[Any, ...]]:
    rows = connection.execute(
        sa.text(
            "SELECT candidate_id, viewer_id, organisation_id, purpose, seen, at "
            "FROM access_log ORDER BY id"
        ).columns(at=UTCDateTime())
    ).all()
    return [tuple(row) for row in rows]


def identity_views(connection: Connection) -> list[tuple[Any, ...]]:
    rows = connection.execute(
        sa.text(
            "SELECT candidate_id, company_id, viewer_id, consent_id, page, viewed_at "
            "FROM identity_views ORDER BY id"
        ).columns(viewed_at=UTCDateTime())
    ).all()
    return [tuple(row) for row in rows]


def test_0011_moves_identity_views_into_access_log_by_page_and_back(workdir, make_app):
    with migrated_to(make_app, workdir, "identity_views_move", "0010_week_flags_once"):
        with db.engine.begin() as connection:
            ids = seed_organisations(connection)
            brugsen, netto = ids["brugsen_employer"], ids["netto_employer"]
            anna, bo = candidate(connection, ids), candidate(connection, ids)
            anna_brugsen = accepted_proposal(connection, ids, anna, "brugsen")
            withdrawn = consent(connection, ids, anna_brugsen, anna, "brugsen", withdrawn=True)
            in_force = consent(connection, ids, anna_brugsen, anna, "brugsen")
            bo_netto = accepted_proposal(connection, ids, bo, "netto")
            bo_consent = consent(connection, ids, bo_netto, bo, "netto")

            def view(who: int, company: str, by: int, consent_id: int, page: str, minutes: int):
                insert(
                    connection,
                    "identity_views",
                    candidate_id=who,
                    company_id=ids[company],
                    viewer_id=by,
                    consent_id=consent_id,
                    page=page,
                    viewed_at=T0 + timedelta(minutes=minutes),
                )

            # Written out of time order: access_log takes them in the order they were seen.
            view(anna, "brugsen", brugsen, in_force, "/company/placements/7", 30)
            view(anna, "brugsen", brugsen, withdrawn, "/company/proposals/3", 10)
            view(anna, "brugsen", brugsen, in_force, "/company/hours/export?week=2026-W45", 40)
            view(anna, "brugsen", brugsen, in_force, "/company/placements/7/agreement", 35)
            view(bo, "netto", netto, bo_consent, "/company/hours/export.csv", 50)
            view(bo, "netto", netto, bo_consent, "/company/somewhere/else", 60)
            view(bo, "netto", netto, bo_consent, "/company/proposals/9", 20)

        upgrade(revision="0011_access_log")

        at = {minutes: T0 + timedelta(minutes=minutes) for minutes in (10, 20, 30, 35, 40, 50, 60)}
        moved = [
            (anna, brugsen, ids["brugsen"], "trial_visit", "name_phone", at[10]),
            (bo, netto, ids["netto"], "trial_visit", "name_phone", at[20]),
            (anna, brugsen, ids["brugsen"], "placement", "name", at[30]),
            (anna, brugsen, ids["brugsen"], "placement", "name", at[35]),
            (anna, brugsen, ids["brugsen"], "payroll", "export_name", at[40]),
            (bo, netto, ids["netto"], "payroll", "export_name", at[50]),
            (bo, netto, ids["netto"], "placement", "name", at[60]),  # a page it does not know
        ]
        assert "identity_views" not in inspect(db.engine).get_table_names()
        with db.engine.begin() as connection:
            assert access_log(connection) == moved
            # The jobcentre's own reading has no company consent: the downgrade drops it.
            insert(
                connection,
                "access_log",
                candidate_id=anna,
                viewer_id=ids["consultant"],
                organisation_id=ids["jobcentre"],
                purpose="case_work",
                seen="profile",
                at=at[60] + timedelta(minutes=5),
            )

        downgrade(revision="0010_week_flags_once")

        assert "access_log" not in inspect(db.engine).get_table_names()
        names = {index["name"] for index in inspect(db.engine).get_indexes("identity_views")}
        assert "ix_identity_views_candidate_id" in names
        newest = {anna: in_force, bo: bo_consent}  # the withdrawn older consent is not used
        with db.engine.connect() as connection:
            assert identity_views(connection) == [
                (who, company, by, newest[who], f"access_log:{purpose}", when)
                for who, by, company, purpose, _seen, when in moved
            ]

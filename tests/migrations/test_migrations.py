"""The schema comes only from Alembic, and Alembic agrees with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from marketplace.extensions import db
from tests.databases import scratch_database


def test_upgrade_builds_the_schema_from_nothing_and_matches_the_models(workdir, make_app):
    with scratch_database(workdir, "migrations") as url:
        app = make_app(url)
        with app.app_context():
            assert inspect(db.engine).get_table_names() == []  # the app created nothing itself
            upgrade()
            with db.engine.connect() as connection:
                diff = compare_metadata(
                    MigrationContext.configure(connection, opts={"compare_type": True}),
                    db.metadata,
                )
            assert diff == []
            tables = set(inspect(db.engine).get_table_names())
            assert {"users", "companies", "jobcentres", "invitations", "user_sessions"} <= tables
            municipalities = db.session.execute(db.text("SELECT count(*) FROM municipalities"))
            assert municipalities.scalar() == 98
            db.session.remove()
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.session.remove()
            db.engine.dispose()  # before the scratch database is dropped


def test_sqlite_runs_with_foreign_keys_and_wal(app):
    if db.engine.dialect.name != "sqlite":
        return
    assert db.session.execute(db.text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"

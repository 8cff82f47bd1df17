"""`flask backup` and `flask restore` (marketplace.backups): the restore drill of
docs/OPERATIONS.md, on SQLite always and on PostgreSQL when TEST_DATABASE_URL is set.

A demo town is backed up from a database of its own and restored into a new, empty one; the
copy must be at the same migration, hold the same rows in every table, and keep the
triggers that make hour records append-only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from sqlalchemy.exc import DBAPIError

from marketplace.demo.town import seed_demo
from marketplace.extensions import db
from tests.conftest import migrate_to_head
from tests.databases import scratch_database
from tests.support import missing_service

KINDS = ["sqlite", "postgresql"]


@contextmanager
def empty_database(kind: str, workdir: Path, label: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / f'{label}.sqlite'}"
        return
    if not os.environ.get("TEST_DATABASE_URL"):
        missing_service("PostgreSQL backups run when TEST_DATABASE_URL is set")
    with scratch_database(workdir, label) as url:
        yield url


def contents(url: str) -> tuple[str, dict[str, int]]:
    """The migration head and the number of rows in every table."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            head = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            counts = {
                table: connection.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                for table in sa.inspect(connection).get_table_names()
            }
    finally:
        engine.dispose()
    return head, counts


def refused_update_of_hours(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection, pytest.raises(DBAPIError) as refused:
            connection.execute(sa.text("UPDATE hour_records SET hours = hours + 1"))
    finally:
        engine.dispose()
    return str(refused.value)


@pytest.fixture
def demo_database(
    tmp_path: Path, make_app: Callable[..., Flask]
) -> Callable[[str], AbstractContextManager[str]]:
    """A migrated database of the given kind with the demo town in it."""

    @contextmanager
    def build(kind: str) -> Iterator[str]:
        with empty_database(kind, tmp_path, "backup_source") as url:
            source = make_app(url)
            migrate_to_head(source)
            with source.app_context():
                seed_demo()
                db.session.commit()
                db.session.remove()
                db.engine.dispose()
            yield url

    return build


def invoke(app: Flask, *args: str) -> Result:
    # In this app's own context: a command finding the suite's app context pushed already
    # (the per-test transaction) would otherwise run on the suite's database.
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def cli(app: Flask, *args: str) -> str:
    result = invoke(app, *args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("kind", KINDS)
def test_a_restored_backup_has_the_migration_the_rows_and_the_append_only_triggers(
    kind, demo_database, make_app, tmp_path
):
    dump = tmp_path / "backups" / "smajob.dump"
    with demo_database(kind) as source_url:
        before = contents(source_url)
        assert before[1]["hour_records"] > 0, "the demo confirms weeks"
        assert "Backup written" in cli(make_app(source_url), "backup", str(dump))
        with empty_database(kind, tmp_path, "backup_target") as target_url:
            target = make_app(target_url)
            assert "Restored" in cli(target, "restore", str(dump))
            with target.app_context():
                db.engine.dispose()
            assert contents(target_url) == before
            assert "append-only" in refused_update_of_hours(target_url)


@pytest.mark.parametrize("kind", KINDS)
def test_restore_refuses_a_database_with_tables_unless_clean(
    kind, demo_database, make_app, tmp_path
):
    dump = tmp_path / "smajob.dump"
    with demo_database(kind) as url:
        app = make_app(url)
        cli(app, "backup", str(dump))
        # Written after the backup: a restore over it would lose this row.
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM notifications"))
        engine.dispose()
        refused = invoke(app, "restore", str(dump))
        assert refused.exit_code != 0
        assert "empty database" in refused.output
        assert contents(url)[1]["notifications"] == 0
        cli(app, "restore", "--clean", str(dump))
        assert contents(url)[1]["notifications"] > 0

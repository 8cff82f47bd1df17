"""Backup and restore of the whole database, for `flask backup` / `flask restore` (and
`make backup` / `make restore`).

PostgreSQL: `pg_dump --format=custom` and `pg_restore`, which keep the schema with its
triggers and functions (the append-only hour records), the rows and `alembic_version`. The
dump is consistent (one snapshot) while the app keeps running. The client tools must be of
the server's major version or newer.

SQLite (the embedded default): Python's online backup API (`sqlite3.Connection.backup`),
which copies a consistent snapshot page by page while the app keeps writing; the backup is
itself a SQLite file.

A restore goes into an empty database unless `clean` is asked for: restoring over a live
database by mistake would throw away everything written since the backup.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the command line."""


def _kind(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in {"postgresql", "sqlite"}:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {backend}")
    return backend


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(url.database)


def _pg_environment(url: URL) -> dict[str, str]:
    """The connection as libpq variables, so no password shows in the process list."""
    env = dict(os.environ)
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
        ("PGSSLMODE", url.query.get("sslmode")),
    ):
        if value:
            env[name] = str(value)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _run(command: list[str], url: URL) -> None:
    done = subprocess.run(  # noqa: S603 (a fixed tool and our own arguments, no shell)
        command, env=_pg_environment(url), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or f"{command[0]} exited with {done.returncode}")


def table_names(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return inspect(connection).get_table_names()
    finally:
        engine.dispose()


def backup(database_url: str, path: Path) -> None:
    """Write a backup of the database at `database_url` to `path` (its folder is made)."""
    url = make_url(database_url)
    kind = _kind(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "postgresql":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={path}"], url)
        return
    source_path = _sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"no database at {source_path}")
    if path.exists():
        path.unlink()  # the backup API writes into a database; start from none
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def restore(database_url: str, path: Path, clean: bool = False) -> None:
    """Load the backup at `path` into the database at `database_url`: an empty one, or with
    `clean` one whose tables are replaced. All or nothing."""
    url = make_url(database_url)
    kind = _kind(url)
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    if not clean and table_names(database_url):
        raise BackupError(
            "the database has tables already; restore into a new, empty database "
            "(or pass --clean to replace its contents)"
        )
    if kind == "postgresql":
        command = [_tool("pg_restore"), "--no-owner", "--single-transaction", "--exit-on-error"]
        if clean:
            command += ["--clean", "--if-exists"]
        _run([*command, f"--dbname={url.database}", str(path)], url)
        return
    target_path = _sqlite_path(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)  # replaces every page of the target in one transaction
    finally:
        target.close()
        source.close()

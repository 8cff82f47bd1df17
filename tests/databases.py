"""A database of its own for each test run: SQLite by default, PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(workdir: Path, label: str) -> Iterator[str]:
    """Yield the URL of a new, empty database and drop it afterwards.

    On PostgreSQL a database is created on the server TEST_DATABASE_URL points at, so a run
    never touches the data of that database itself, and parallel runs do not collide.
    """
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{workdir / f'{label}.sqlite'}"
        return
    import psycopg

    url = make_url(base).set(drivername="postgresql+psycopg")
    name = f"smajob_{label}_{secrets.token_hex(4)}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

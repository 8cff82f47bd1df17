"""Engine set-up per database: SQLite gets foreign keys, WAL and real transactions."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from marketplace.extensions import db


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy issue BEGIN itself (below): pysqlite's own transaction handling
    # would otherwise break SAVEPOINTs and leave DDL outside transactions.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def configure_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    if not event.contains(engine, "connect", _sqlite_connect):
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)


def configure_postgresql(engine: Engine, connect_timeout: int) -> None:
    """A connect timeout, so an unreachable server fails fast (errors.py shows the outage
    page) instead of waiting for the operating system to give up, minutes later."""
    if engine.dialect.name != "postgresql":
        return

    def _connect_timeout(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
        params.setdefault("connect_timeout", connect_timeout)

    event.listen(engine, "do_connect", _connect_timeout)


def configure_engine(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:///:memory:"):
        from pathlib import Path

        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        configure_sqlite(db.engine)
        configure_postgresql(db.engine, app.config.get("DATABASE_CONNECT_TIMEOUT", 5))

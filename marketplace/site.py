"""Routes every user meets: the front door, the language switch and the health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from marketplace import queue
from marketplace.accounts.forms import LanguageForm
from marketplace.notifications import delivery
from marketplace.web.access import public
from marketplace.web.navigation import home_url, safe_next
from marketplace.web.transactions import saving

bp = Blueprint("site", __name__)


@bp.get("/")
@public
def index() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    return redirect(url_for("auth.login"))


@bp.post("/language")
@public
def set_language() -> ResponseReturnValue:
    form = LanguageForm()
    target = safe_next(form.next.data) or url_for("site.index")
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            with saving():  # the choice follows the account to every device
                current_user.locale = form.locale.data
    return redirect(target)


# The health check answers within about two seconds whatever hangs: libpq waits at least
# 2 s to connect; Redis gets one second to connect and one to answer.
PROBE_TIMEOUT_SECONDS = 2
REDIS_PROBE_TIMEOUT_SECONDS = 1


def _probe_engine() -> Engine:
    """An engine of the health check's own: a fresh connection each time (NullPool) with
    short timeouts, so a hanging server cannot hold it, and the app's pool is not asked."""
    engine: Engine | None = current_app.extensions.get("smajob_health_engine")
    if engine is None:
        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        connect_args: dict[str, Any]
        if url.startswith("sqlite"):
            connect_args = {"timeout": PROBE_TIMEOUT_SECONDS}
        else:
            connect_args = {
                "connect_timeout": PROBE_TIMEOUT_SECONDS,
                "options": f"-c statement_timeout={PROBE_TIMEOUT_SECONDS * 1000}",
            }
        engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)
        current_app.extensions["smajob_health_engine"] = engine
    return engine


def _database_state() -> dict[str, Any]:
    try:
        with _probe_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        # The kind of failure only: its message would name the host and user.
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def _queue_state() -> dict[str, Any]:
    """The queue's figures, after a ping with short timeouts (the app's own client waits
    longer, as a job may be large)."""
    url = current_app.config.get("REDIS_URL")
    if url:
        probe = Redis.from_url(
            url,
            socket_connect_timeout=REDIS_PROBE_TIMEOUT_SECONDS,
            socket_timeout=REDIS_PROBE_TIMEOUT_SECONDS,
        )
        try:
            probe.ping()
        except RedisError as error:
            return {"mode": "rq", "ok": False, "error": type(error).__name__}
        finally:
            probe.close()
    return queue.state()


@bp.get("/healthz")
@public
def healthz() -> ResponseReturnValue:
    """Which dependency is down: 200 when all answer, 503 naming the ones that do not."""
    database = _database_state()
    queue_state = _queue_state()
    down = [name for name, ok in (("database", database), ("redis", queue_state)) if not ok["ok"]]
    body = {
        "status": "degraded" if down else "ok",
        "down": down,
        "database": database,
        "queue": queue_state,
        "outbox": delivery.outbox_state() if database["ok"] else None,
    }
    response = jsonify(body)
    response.status_code = 503 if down else 200
    response.headers["Cache-Control"] = "no-store"
    return response

"""Routes every user meets: the front door, the language switch and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from marketplace import queue
from marketplace.accounts.forms import LanguageForm
from marketplace.extensions import db
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


@bp.get("/healthz")
@public
def healthz() -> ResponseReturnValue:
    try:
        db.session.execute(text("SELECT 1"))
        database = {"ok": True}
    except SQLAlchemyError as error:
        db.session.rollback()
        database = {"ok": False, "error": type(error).__name__}
    queue_state = queue.state()
    outbox = delivery.outbox_state() if database["ok"] else None
    healthy = database["ok"] and queue_state["ok"]
    body = {
        "status": "ok" if healthy else "degraded",
        "database": database,
        "queue": queue_state,
        "outbox": outbox,
    }
    response = jsonify(body)
    response.status_code = 200 if database["ok"] else 503
    response.headers["Cache-Control"] = "no-store"
    return response

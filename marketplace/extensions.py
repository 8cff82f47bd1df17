"""Extensions, made once and bound to an app in build_app (nothing is bound at import)."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from marketplace.models.base import Base


def _remote_address() -> str:
    return request.remote_addr or "unknown"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=_remote_address, default_limits=[])


@limiter.request_filter
def _limits_off_for_this_app() -> bool:
    # Flask-Limiter keeps `enabled` on the one shared Limiter, so an app built with
    # RATELIMIT_ENABLED false (the benches) would switch limits off for every app of the
    # process; build_app keeps the limiter on and each app's own setting is read here.
    return not current_app.config.get("RATELIMIT_ENABLED", True)

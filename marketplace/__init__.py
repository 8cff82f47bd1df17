"""The core both sides stand on. build_app() binds extensions, auth, errors and commands.

No routes of either side live here: app.py (the composition root) registers those.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from marketplace import config as config_module
from marketplace.paths import PROJECT_ROOT


def build_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        "marketplace",
        root_path=str(PROJECT_ROOT / "marketplace"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    overrides = dict(overrides or {})
    environ = dict(os.environ)
    if overrides.get("SECRET_KEY"):
        # A given key means no key file is generated (tests, one-off commands).
        environ["SECRET_KEY"] = overrides["SECRET_KEY"]
    app.config.update(config_module.load(Path(app.instance_path), environ))
    app.config.update(overrides)
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = not app.debug
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from marketplace.web import routing

    routing.init_app(app)  # before any blueprint adds a rule that uses the converters
    register_extensions(app)
    register_domain()
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from marketplace import database, i18n, logs, metrics, queue
    from marketplace.accounts import sessions
    from marketplace.extensions import babel, csrf, db, limiter, login_manager, migrate
    from marketplace.web import labels, templating

    logs.init_app(app)  # first, so every later hook and log line has the request id
    metrics.init_app(app, outbox_state=_outbox_figures)
    db.init_app(app)
    database.configure_engine(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)  # with the limiter off it returns before touching the storage...
    limiter.enabled = True  # ...but has switched it off for every app: see extensions.py
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.init_app(app)
    templating.init_app(app)
    labels.init_app(app)
    sessions.init_app(app, login_manager)
    queue.init_app(app)


def _outbox_figures() -> dict[str, object]:
    """The outbox as /metrics shows it: /healthz's figures and the e-mails failed for good."""
    from sqlalchemy import true

    from marketplace.notifications import delivery

    figures = dict(delivery.outbox_state())
    figures["failed"] = delivery.failed_deliveries(true())["count"]
    return figures


def register_domain() -> None:
    """Import the modules that register notification kinds (each registers its own kinds at
    import, next to the code that writes them), so the registry is full before a request."""
    from marketplace.accounts import account, invitations, signup  # noqa: F401
    from marketplace.hours import flags, reminders  # noqa: F401
    from marketplace.placements import assessment_requests, notices  # noqa: F401
    from marketplace.privacy import disclosure, naming  # noqa: F401
    from marketplace.proposals import lifecycle  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from marketplace import metrics, site
    from marketplace.accounts import pages as accounts_pages
    from marketplace.notifications import pages as inbox
    from marketplace.privacy import access_log
    from marketplace.web import access, security
    from marketplace.web.access import public

    app.register_blueprint(site.bp)
    app.add_url_rule("/metrics", "metrics", public(metrics.scrape))  # its own bearer token
    app.register_blueprint(accounts_pages.bp)
    inbox.init_app(app)
    access.init_app(app)
    access_log.init_app(app)
    security.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from marketplace import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from marketplace import cli

    cli.init_app(app)

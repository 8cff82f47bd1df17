"""Domain errors, and translated error pages for every HTTP error a user can meet.

When the database cannot be reached, every request gets the outage page (503, Retry-After)
instead. That page is built without the database: the user is not loaded (the header's
unread count, the locale selector and the security headers all ask Flask-Login), the language
comes from the cookie or the browser, and the session is dropped unused.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy import inspect, text
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from marketplace import i18n
from marketplace.extensions import db, login_manager
from marketplace.i18n import lazy_gettext as _l

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain said no. The message is translatable and meant for the user.

    `field` names the form field the message belongs beside, or None for the whole form.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        # Kept lazy: it is rendered in the user's language where it is shown, not here.
        super().__init__(message)
        self.message = message
        self.field = field


ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    403: (_l("Access denied"), _l("Your role does not give access to this page.")),
    404: (_l("Page not found"), _l("The page does not exist, or you do not have access to it.")),
    405: (_l("Not allowed"), _l("This action is not possible on this page.")),
    413: (_l("Too large"), _l("What you sent was too large.")),
    429: (
        _l("Too many attempts"),
        _l("You have tried too many times. Please wait a while and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An error occurred on our side. Nothing was saved. Please try again later."),
    ),
}
CSRF_TEXT = _l(
    "The form had expired or was sent from elsewhere. Go back, reload the page and try again."
)


# How long a browser or client is asked to wait before trying again (Retry-After).
RETRY_AFTER_SECONDS = 30
# Set in app.extensions when a request found the database down; while it is set, each
# request first asks the database for SELECT 1, so a page that needs no query (the login
# form) is not offered while nothing can be saved. The first answer clears it.
OUTAGE_KEY = "smajob_database_down"
# Served during an outage without asking the database: the outage page's stylesheet, and
# the health check, which probes for itself.
OUTAGE_EXEMPT_ENDPOINTS = frozenset({"static", "site.healthz"})


def render_error(code: int, detail: str | None = None) -> ResponseReturnValue:
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    try:
        page = render_template("errors/error.html", code=code, title=title, text=detail or text)
    except Exception as error:
        # The layout shows the logged-in user, loaded on first use: with the database
        # down, a 404 or 400 for her would otherwise crash while being rendered.
        if is_database_outage(error):
            return outage_response(error)
        raise
    return page, code


def is_database_outage(error: BaseException | None) -> bool:
    """Whether the database (not the query) failed: no connection, a lost one, a timeout.

    Follows `raise ... from` and the original error a 500 wraps (an error in an
    after-request hook reaches the handlers as InternalServerError).
    """
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(
            error, OperationalError | InterfaceError | DisconnectionError | PoolTimeoutError
        ):
            return True
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        error = getattr(error, "original_exception", None) or error.__cause__
    return False


def _account_locale() -> str | None:
    """The logged-in user's language if her row was read before the failure, else None.

    Read from the loaded state only: touching an expired attribute would query again.
    """
    user = g.get("_login_user")
    try:
        state = inspect(user, raiseerr=False)
    except Exception:  # an anonymous user, or no user yet: not a mapped object
        return None
    if state is None:
        return None
    locale = state.dict.get("locale")
    return str(locale) if locale else None


def _forget_database_state() -> None:
    """Leave nothing that would query the database while the outage page is built."""
    try:
        db.session.rollback()
        db.session.remove()  # a fresh, unused session: no access-log rows left to commit
    except SQLAlchemyError:  # the connection is already gone; nothing was written
        log.debug("rollback during a database outage failed", exc_info=True)
    # Flask-Login keeps the request's user in g._login_user and loads it only when missing;
    # an anonymous user here means the header, the locale selector and the security
    # headers never ask the database for the session row.
    g._login_user = login_manager.anonymous_user()


def outage_response(error: BaseException) -> ResponseReturnValue:
    """The 503 page for every request while the database is unreachable."""
    locale = i18n.request_locale(_account_locale())
    _forget_database_state()
    if not current_app.extensions.get(OUTAGE_KEY):  # once per outage, not once per request
        log.error("database unavailable: serving the outage page", exc_info=error)
    current_app.extensions[OUTAGE_KEY] = True
    if request.accept_mimetypes.best == "application/json":
        body: Any = jsonify(error="unavailable", retry_after=RETRY_AFTER_SECONDS)
    else:
        with force_locale(locale):
            body = render_template("errors/outage.html", retry_after=RETRY_AFTER_SECONDS)
    response = make_response(body, 503)
    response.headers["Cache-Control"] = "no-store"
    g.smajob_outage = True  # _retry_after sets the header last
    return response


def _retry_after(response: Response) -> Response:
    """Retry-After on the outage page, set after every other hook: the rate limiter would
    otherwise put the end of its window there (up to 15 minutes on the login form)."""
    if g.get("smajob_outage"):
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _check_database_after_outage() -> None:
    """While the database was last found down, ask it first; a failure raises (503)."""
    if not current_app.extensions.get(OUTAGE_KEY):
        return
    if request.endpoint in OUTAGE_EXEMPT_ENDPOINTS:
        return
    db.session.execute(text("SELECT 1"))
    current_app.extensions[OUTAGE_KEY] = False


def init_app(app: Flask) -> None:
    # First before every other hook (the role check would redirect to the login form), and
    # last after every other: Flask runs after-request hooks in reverse order of adding.
    app.before_request_funcs.setdefault(None, []).insert(0, _check_database_after_outage)
    app.after_request_funcs.setdefault(None, []).insert(0, _retry_after)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return render_error(400, CSRF_TEXT)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        if is_database_outage(error):
            return outage_response(error)
        code = error.code or 500
        if code < 400:
            return error
        return render_error(code if code in ERROR_TEXTS else 400 if code < 500 else 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> ResponseReturnValue:
        if is_database_outage(error):
            return outage_response(error)
        # Roll back so a failed request can never leave half of its writes behind.
        db.session.rollback()
        log.exception("unhandled error", exc_info=error)
        return render_error(InternalServerError.code)

"""Domain errors, and translated error pages for every HTTP error a user can meet."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from marketplace.extensions import db

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


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(400, CSRF_TEXT)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
        code = error.code or 500
        if code < 400:
            return error
        return render_error(code if code in ERROR_TEXTS else 400 if code < 500 else 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        # Roll back so a failed request can never leave half of its writes behind.
        db.session.rollback()
        log.exception("unhandled error", exc_info=error)
        return render_error(InternalServerError.code)

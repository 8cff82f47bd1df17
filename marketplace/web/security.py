"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, has_request_context, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Invitation and confirmation links carry tokens in the URL: never pass them on.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if _private():
        # Anything shown to a logged-in user (pages, CSV files, redirects, errors), or opened
        # by a signed link that stands in for a login, may hold personal data: it must not
        # stay in a shared computer's cache or a proxy's.
        headers["Cache-Control"] = "no-store"
    return response


def _private() -> bool:
    if not has_request_context():
        return False
    if request.endpoint == "static":  # the same files for everyone: cached as Flask says
        return False
    logged_in = current_user and current_user.is_authenticated
    return bool(logged_in) or "token" in (request.view_args or {})


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
    if app.config.get("SESSION_COOKIE_SECURE"):

        @app.after_request
        def _hsts(response: Response) -> Response:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            return response

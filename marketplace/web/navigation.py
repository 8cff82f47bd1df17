"""Where a user lands: each role's home page, and only relative `next` targets."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for

from marketplace.models import User


def home_url(user: User) -> str:
    """The home endpoints are registered by the composition root (app.py), not known here."""
    return url_for(current_app.config["HOME_ENDPOINTS"][user.role])


def safe_next(target: str | None) -> str | None:
    """Accept only a path on this site: no scheme, no host, no protocol-relative tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ch in target for ch in "\r\n\t\\"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target

"""Language and time zone: Danish by default, English second; times shown in Copenhagen."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from marketplace.clock import LOCAL_TZ

LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}


def select_locale() -> str:
    supported = current_app.config["SUPPORTED_LOCALES"]
    if not has_request_context():  # commands, workers: callers force the recipient's locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in supported:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def request_locale(account_locale: str | None = None) -> str:
    """The language for a page that must not touch the database (the outage page).

    The account's language when it was read before the database went, else the language
    switch's choice in the session cookie, else the browser's Accept-Language, else Danish.
    Loading the account to ask would query the database that is down.
    """
    supported = current_app.config["SUPPORTED_LOCALES"]
    if account_locale in supported:
        return account_locale
    chosen = session.get("locale")
    if chosen in supported:
        return chosen
    return request.accept_languages.best_match(
        supported, default=current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str:
    return str(LOCAL_TZ)


def _fmt_date(value: date | datetime | None, style: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, style)


def _fmt_datetime(value: datetime | None, style: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, style)


def _fmt_number(value: int | float | Decimal | None) -> str:
    if value is None:
        return ""
    return format_decimal(value)


def _fmt_money(value: Decimal | None) -> str:
    """Kroner with øre: 142,50 in Danish, 142.50 in English."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.00")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = _fmt_date
    app.jinja_env.filters["datetime"] = _fmt_datetime
    app.jinja_env.filters["number"] = _fmt_number
    app.jinja_env.filters["money"] = _fmt_money

    @app.context_processor
    def language_context() -> dict[str, object]:
        locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
        return {"current_locale": locale, "language_names": LANGUAGE_NAMES}

"""Language and time zone: Danish by default, English second; times shown in Copenhagen."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from gettext import NullTranslations

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import (
    LazyString,
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    get_translations,
)
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
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return format_decimal(value)
    # babel's pattern machinery takes 20 µs a number and the leader's page shows hundreds:
    # the locale's default pattern (#,##0.###) written directly, tested equal to babel's.
    if isinstance(value, Decimal):
        if not value.is_finite():
            return format_decimal(value)
        value = value.quantize(THOUSANDTHS, rounding=ROUND_HALF_EVEN)
        negative = value.is_signed()  # babel writes -0.0001 as "-0"
    else:
        negative = value < 0
    whole, _, fraction = f"{abs(value):f}".partition(".")
    group, point = _symbols()
    text = f"{int(whole):,}".replace(",", group)
    fraction = fraction.rstrip("0")
    if fraction:
        text += point + fraction
    return "-" + text if negative else text


THOUSANDTHS = Decimal("0.001")
_SYMBOLS: dict[str, tuple[str, str]] = {}


def _symbols() -> tuple[str, str]:
    """The locale's grouping and decimal symbols, found once per locale."""
    locale = str(get_locale())
    if locale not in _SYMBOLS:
        _SYMBOLS[locale] = (get_group_symbol(locale), get_decimal_symbol(locale))
    return _SYMBOLS[locale]


def _fmt_money(value: Decimal | None) -> str:
    """Kroner with øre: 142,50 in Danish, 142.50 in English."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.00")


def translations() -> NullTranslations:
    """flask_babel's translations for the context's locale, found once per locale.

    flask_babel.get_translations() finds its context through `g` several times a call (about
    10 µs) and a page translates 300-500 strings: 3-5 ms of every page (issue 16's profile).
    The catalogue is kept beside flask_babel's own locale in its context, so force_locale()
    (an e-mail in the recipient's language) replaces the locale object and is seen at once.
    """
    babel = g.get("_flask_babel") if g else None
    kept = getattr(babel, "smajob_translations", None)
    if kept is not None and kept[0] is getattr(babel, "babel_locale", None):
        return kept[1]
    found = get_translations()
    babel = g.get("_flask_babel") if g else None
    if babel is not None:
        babel.smajob_translations = (getattr(babel, "babel_locale", None), found)
    return found


def gettext(string: str, **variables: object) -> str:
    """flask_babel.gettext through translations(): the same text, a fifth of the time."""
    text = translations().gettext(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables: object) -> LazyString:
    """flask_babel.lazy_gettext translated by gettext() above when it is shown: form labels
    and choices are made once at import and shown in the request's language."""
    return LazyString(gettext, string, **variables)


def init_app(app: Flask) -> None:
    # The templates' _() and ngettext() as flask_babel installs them, through translations().
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().gettext(s),
        ngettext=lambda s, p, n: translations().ngettext(s, p, n),
        pgettext=lambda c, s: translations().pgettext(c, s),
        npgettext=lambda c, s, p, n: translations().npgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters["date"] = _fmt_date
    app.jinja_env.filters["datetime"] = _fmt_datetime
    app.jinja_env.filters["number"] = _fmt_number
    app.jinja_env.filters["money"] = _fmt_money

    @app.context_processor
    def language_context() -> dict[str, object]:
        locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
        return {"current_locale": locale, "language_names": LANGUAGE_NAMES}

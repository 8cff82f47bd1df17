"""The registry of notification kinds: how each reads, whether it is urgent, where it leads.

Kinds are registered next to the domain code that writes them (the area's notices or
operations module); build_app imports those modules so the registry is full before a request.

A notification is read at the time it is shown, not when it was written: its row keeps the
kind, the subject's id and a few params, and `texts()` fills the kind's sentences with them,
with what describers registered by higher areas say of the subject for that reader (who the
person is as the reader may see them, which job), and with dates in the reader's language.
So a consent given later shows the name in an older notification, and no name is stored in
a company's notification.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import LazyString, format_date

from marketplace.i18n import lazy_gettext as _l
from marketplace.models import Notification, User


@dataclass(frozen=True)
class Kind:
    name: str
    urgent: bool
    subject: LazyString  # e-mail subject; formatted with the row's params
    summary: LazyString  # one line on the page and in the e-mail; formatted with params
    link: Callable[[Notification], str | None]  # called inside a request context
    template: str = "notification"  # templates/notifications/emails/<template>.txt and .html
    # Extra template context for the e-mail; returning None skips the e-mail (its subject is
    # no longer relevant, e.g. an invitation withdrawn before it went out).
    mail_context: Callable[[Notification], dict[str, Any] | None] | None = None
    # False for a message that is itself periodic (the weekly hours reminder): it is e-mailed
    # at once to those who chose the daily digest too, since the digest would drop its link.
    digest: bool = True


KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


# Who and what a notification is about, for one reader: {notification id: params}. A
# describer gets a page's (or an e-mail's) rows at once, so it reads them in a fixed number of
# queries, and it alone decides what the reader may see named (privacy.naming).
Describer = Callable[[Sequence[Notification], User], dict[int, dict[str, str]]]
DESCRIBERS: list[Describer] = []

# Params that hold a day: written as ISO (or dd.mm.yyyy by older rows), shown as the reader's
# language writes a date ("7. dec. 2026", "Dec 7, 2026").
DATE_PARAMS = ("day", "start")
SOMEONE = _l("the candidate")


def register_describer(describer: Describer) -> Describer:
    DESCRIBERS.append(describer)
    return describer


class _Params(dict[str, Any]):
    """A row's params; one the row lacks (a kind's text grew a placeholder after the row was
    written) reads as a dash rather than breaking the page or the e-mail."""

    def __missing__(self, key: str) -> str:
        return "–"


def _as_day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    day, _, rest = value.partition(".")
    month, _, year = rest.partition(".")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _params(notification: Notification, described: dict[str, str] | None = None) -> _Params:
    params = _Params(notification.params or {})
    params.update(described or {})
    if "person" not in params:  # the subject is gone, or no describer knows it
        params["person"] = params.get("pseudonym") or str(SOMEONE)
    for key in DATE_PARAMS:
        day = _as_day(params.get(key))
        if day is not None:
            params[key] = format_date(day, "medium")
    return params


def render_text(text: LazyString, notification: Notification) -> str:
    """One of the kind's sentences with the row's own params (no describer: for a reader
    who is not the recipient, such as the citizen's copy)."""
    return str(text) % _params(notification)


@dataclass(frozen=True)
class Text:
    headline: str  # names who and what: the e-mail's subject, the link on the page
    summary: str  # what to do about it


def texts(rows: Sequence[Notification], viewer: User | None) -> dict[int, Text]:
    """How each row reads to `viewer` now, in the current language. Call it inside a request
    context whose route declares a purpose: a describer that shows a name logs it."""
    described: dict[int, dict[str, str]] = {}
    if viewer is not None and rows:
        for describe in DESCRIBERS:
            for row_id, params in describe(rows, viewer).items():
                described.setdefault(row_id, {}).update(params)
    found: dict[int, Text] = {}
    for row in rows:
        kind = KINDS[row.kind]
        params = _params(row, described.get(row.id))
        found[row.id] = Text(
            headline=str(kind.subject) % params, summary=str(kind.summary) % params
        )
    return found

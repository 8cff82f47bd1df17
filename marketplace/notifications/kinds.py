"""The registry of notification kinds: how each reads, whether it is urgent, where it leads.

Kinds are registered next to the domain code that writes them (the area's notices or
operations module); build_app imports those modules so the registry is full before a request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString

from marketplace.models import Notification


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


def render_text(text: LazyString, notification: Notification) -> str:
    return str(text) % notification.params if notification.params else str(text)

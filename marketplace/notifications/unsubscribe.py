"""One-click unsubscribe (RFC 8058): the signed address in an e-mail's `List-Unsubscribe`.

The address names the recipient and the kind of mail (a notification kind, or "digest"),
signed with the secret key under a salt of its own, so it cannot be guessed or turned into
another user's. It stands in for the login for one thing only: stopping notification e-mail.
A mail client POSTs to it without a session or CSRF token (that is the point of one-click),
so the signature is the check. What it sets is the choice on the settings page, "No e-mail;
I look on the page" (EmailPreference.OFF): the user sees it there and can undo it. It does
not expire: an old e-mail's link must still stop the mail.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from marketplace.extensions import db
from marketplace.models import EmailPreference, User

_SALT = "notifications-unsubscribe"
DIGEST = "digest"


@dataclass(frozen=True)
class Unsubscribe:
    user: User
    kind: str  # the kind of the e-mail the link came in


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def token_for(user: User, kind: str) -> str:
    return _serializer().dumps([user.id, kind])


def link_for(user: User, kind: str) -> str:
    """The full address (against BASE_URL when called from a worker's request context)."""
    return url_for("inbox.unsubscribe", token=token_for(user, kind), _external=True)


def of_token(token: str) -> Unsubscribe | None:
    try:
        found = _serializer().loads(token)
    except BadSignature:
        return None
    if not (
        isinstance(found, list)
        and len(found) == 2
        and isinstance(found[0], int)
        and isinstance(found[1], str)
    ):
        return None
    user = db.session.get(User, found[0])
    return Unsubscribe(user=user, kind=found[1]) if user is not None else None


def stop_email(user: User) -> bool:
    """Turn the user's notification e-mail off; False when it already was. Flushes."""
    if user.email_preference == EmailPreference.OFF:
        return False
    user.email_preference = EmailPreference.OFF.value
    db.session.flush()
    return True

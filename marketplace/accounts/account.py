"""The user's own account: changing the password."""

from __future__ import annotations

from flask import url_for

from marketplace.accounts import sessions
from marketplace.accounts.passwords import check_new_password, hash_password, verify_password
from marketplace.errors import DomainError
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import Notification, User
from marketplace.notifications.kinds import Kind, register_kind
from marketplace.notifications.outbox import notify

WRONG_CURRENT_PASSWORD = _l("This is not your current password.")


class WrongCurrentPassword(DomainError):
    """The old password did not match (counted against guessing)."""


def own_words(user: User) -> tuple[str, ...]:
    """What the user's password must not be built from."""
    return (user.email, user.name, user.organisation.name)


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password; every other session of the user ends. Flushes; the caller commits.

    The session the user is in (`user.session_token`) stays, so the page that changed the
    password is still logged in; a copy of an older cookie elsewhere is not.
    """
    if not verify_password(user.password_hash, current):
        raise WrongCurrentPassword(WRONG_CURRENT_PASSWORD, field="current_password")
    if new == current:
        raise DomainError(
            _l("The new password must differ from the current one."), field="password"
        )
    check_new_password(new, own_words(user))
    user.password_hash = hash_password(new)
    sessions.end_other_sessions(user.id, user.session_token)
    notify([user], "password_changed")


def _password_page(notification: Notification) -> str:
    return url_for("auth.change_password")


register_kind(
    Kind(
        name="password_changed",
        urgent=True,
        subject=_l("Your Småjob password was changed"),
        summary=_l(
            "Your password was changed, and you were logged out everywhere else. If you did not"
            " do this, ask your administrator or a colleague with access to deactivate the"
            " account at once, and tell the jobcentre."
        ),
        link=_password_page,
    )
)

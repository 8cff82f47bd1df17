"""Server-side login sessions.

The cookie carries a random token; the database keeps its hash. Logging out ends that row,
so a copied cookie stops working the moment its owner logs out.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Flask, current_app, request
from flask_login import LoginManager
from sqlalchemy import select, update

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import User, UserSession


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + current_app.config["PERMANENT_SESSION_LIFETIME"],
            user_agent=(request.user_agent.string or "")[:200],
        )
    )
    user.session_token = token
    user.last_login_at = now
    return token


def end_session(token: str | None) -> None:
    if not token:
        return
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_all_sessions(user_id: int) -> None:
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_other_sessions(user_id: int, keep_token: str | None) -> None:
    """End every live session of the user except the one with this token (a new password)."""
    others = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.ended_at.is_(None)
    )
    if keep_token:
        others = others.where(UserSession.token_hash != _hash(keep_token))
    db.session.execute(others.values(ended_at=utcnow()))


def load_user(token: str) -> User | None:
    """One query: the live session row joined to its active user and organisation."""
    if not token or len(token) > 100:
        return None
    found = db.session.scalar(
        select(UserSession).where(
            UserSession.token_hash == _hash(token),
            UserSession.ended_at.is_(None),
            UserSession.expires_at > utcnow(),
        )
    )
    if found is None or not found.user.active:
        return None
    found.user.session_token = token
    return found.user


def init_app(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)

"""Who may use which route, and loading objects only from the user's own organisation.

Every view states its roles with @roles(...) or @public. A before-request hook enforces the
statement, and refuses any view that states nothing (fail closed), so a forgotten decorator
is a 403 in the first test rather than a hole.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from marketplace.extensions import db, login_manager
from marketplace.models import Role

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

PUBLIC: frozenset[str] = frozenset({"*public*"})
ALL_ROLES = frozenset(r.value for r in Role)


def roles(*allowed: Role) -> Callable[[F], F]:
    """Allow the view to logged-in users holding one of these roles."""
    if not allowed:
        raise ValueError("name at least one role, or use @public")

    def decorate(view: F) -> F:
        view.allowed_roles = frozenset(r.value for r in allowed)  # type: ignore[attr-defined]
        return view

    return decorate


def public(view: F) -> F:
    """Allow the view to anyone, logged in or not."""
    view.allowed_roles = PUBLIC  # type: ignore[attr-defined]
    return view


def allowed_roles_of(endpoint: str) -> frozenset[str] | None:
    if endpoint == "static":
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "allowed_roles", None)


def _enforce_roles() -> Any:
    if request.endpoint is None:  # no route matched: the 404 handler answers
        return None
    allowed = allowed_roles_of(request.endpoint)
    if allowed is None:
        log.error("view %s states no roles; refused", request.endpoint)
        abort(403)
    if allowed is PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in allowed:
        abort(403)
    return None


def init_app(app: Flask) -> None:
    app.before_request(_enforce_roles)


def get_own_or_404(
    model: type[T],
    object_id: int,
    owner_column: InstrumentedAttribute[int] | None = None,
) -> T:
    """Load `model` by id only if it belongs to the current user's organisation.

    Anything else, including an id of another organisation's object, is a 404: a stranger's
    object must be indistinguishable from one that does not exist.
    """
    column = owner_column if owner_column is not None else model.organisation_id  # type: ignore[attr-defined]
    found = db.session.scalar(
        select(model).where(
            model.id == object_id,  # type: ignore[attr-defined]
            column == current_user.organisation_id,
        )
    )
    if found is None:
        abort(404)
    return found

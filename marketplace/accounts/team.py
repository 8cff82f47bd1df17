"""The people of one organisation: listing, deactivating and reactivating colleagues."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.accounts.sessions import end_all_sessions
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import User


def members(organisation_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == organisation_id)
            .order_by(User.active.desc(), User.name)
        )
    )


def set_active(actor: User, member: User, active: bool) -> None:
    if member.id == actor.id:
        raise DomainError(_l("You cannot deactivate yourself."))
    member.active = active
    if not active:
        end_all_sessions(member.id)

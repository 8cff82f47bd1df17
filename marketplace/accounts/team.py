"""The people of one organisation: listing, deactivating and reactivating colleagues."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import lazyload, load_only

from marketplace.accounts.sessions import end_all_sessions
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import User
from marketplace.web.pagination import Page, first_page, paged


def _listed(organisation_id: int, active_only: bool) -> Select[tuple[User]]:
    """The organisation's people (the active first, by name) with the columns a list shows,
    without their organisation (User joins it by default)."""
    statement = (
        select(User)
        .where(User.organisation_id == organisation_id)
        .order_by(User.active.desc(), User.name, User.id)
        .options(
            lazyload("*"),
            load_only(User.name, User.email, User.role, User.active, User.organisation_id),
        )
    )
    return statement.where(User.active.is_(True)) if active_only else statement


def members_page(organisation_id: int, page: int, active_only: bool = False) -> Page[User]:
    """A page of the organisation's people: one COUNT and one page of rows."""
    return paged(_listed(organisation_id, active_only), page)


def first_members(organisation_id: int) -> Page[User]:
    """The first page of the active people, without a COUNT (a home page's short list)."""
    return first_page(_listed(organisation_id, active_only=True))


def active_count(organisation_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(User.id)).where(
                User.organisation_id == organisation_id, User.active.is_(True)
            )
        )
        or 0
    )


def set_active(actor: User, member: User, active: bool) -> None:
    if member.id == actor.id:
        raise DomainError(_l("You cannot deactivate yourself."))
    member.active = active
    if not active:
        end_all_sessions(member.id)

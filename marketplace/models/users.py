"""Users, their one role, and their server-side login sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.models.base import Base
from marketplace.models.organisations import Organisation, OrgKind


class Role(StrEnum):
    EMPLOYER = "employer"
    CONSULTANT = "consultant"
    ADMIN = "admin"

    @property
    def org_kind(self) -> OrgKind:
        return OrgKind.COMPANY if self is Role.EMPLOYER else OrgKind.JOBCENTRE


# Shared by users and invitations: the role must fit the kind of organisation.
ROLE_MATCHES_ORGANISATION = "(role = 'employer') = (org_kind = 'company')"
ROLE_VALUES = "role IN ('employer', 'consultant', 'admin')"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        ForeignKeyConstraint(
            ["organisation_id", "org_kind"], ["organisations.id", "organisations.kind"]
        ),
        CheckConstraint(ROLE_VALUES, name="role"),
        CheckConstraint(ROLE_MATCHES_ORGANISATION, name="role_matches_organisation"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("locale IN ('da', 'en')", name="locale"),
        CheckConstraint(
            "email_preference IN ('immediate', 'daily', 'off')", name="email_preference"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(Integer, index=True)
    org_kind: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(5), default="da")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # For non-urgent notifications only: urgent ones are always e-mailed at once.
    email_preference: Mapped[str] = mapped_column(String(10), default="immediate")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)

    # Set by the login machinery: the token of the session this object was loaded through.
    session_token = None  # str | None; deliberately not a mapped column

    # Flask-Login's user protocol, written out so the session id (not the user id) goes
    # into the cookie: logging out ends exactly that server-side session.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class UserSession(Base):
    """One login. The cookie holds a random token; only its SHA-256 is stored here."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

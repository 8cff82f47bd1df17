"""Organisations: a jobcentre (one per municipality) or a company (one per CVR number)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.models.base import Base
from marketplace.models.municipalities import Municipality


class OrgKind(StrEnum):
    JOBCENTRE = "jobcentre"
    COMPANY = "company"


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (
        # Lets users and invitations carry the kind in a composite foreign key, so the database
        # itself can refuse an employer in a jobcentre or a consultant in a company.
        UniqueConstraint("id", "kind"),
        CheckConstraint("kind IN ('jobcentre', 'company')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Subclass tables are always joined in, so loading a user's organisation is one query.
    __mapper_args__ = {"polymorphic_on": "kind", "with_polymorphic": "*"}  # noqa: RUF012

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.name!r}>"


class Jobcentre(Organisation):
    __tablename__ = "jobcentres"
    __table_args__ = (
        CheckConstraint("paid_share_target BETWEEN 1 AND 100", name="paid_share_target"),
    )

    id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    municipality_code: Mapped[int] = mapped_column(ForeignKey("municipalities.code"), unique=True)
    # The share of the target group with paid hours the leader steers by (figures.measures):
    # the programme's 20 % unless the admin sets another.
    paid_share_target: Mapped[int] = mapped_column(SmallInteger, server_default="20")
    municipality: Mapped[Municipality] = relationship(lazy="joined")

    __mapper_args__ = {"polymorphic_identity": OrgKind.JOBCENTRE.value}  # noqa: RUF012


class Company(Organisation):
    __tablename__ = "companies"
    __table_args__ = (
        CheckConstraint("length(cvr) = 8", name="cvr_length"),
        CheckConstraint("employee_count >= 0", name="employee_count"),
        CheckConstraint("length(postcode) = 4", name="postcode_length"),
    )

    id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    cvr: Mapped[str] = mapped_column(String(8), unique=True)
    address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(4))
    city: Mapped[str] = mapped_column(String(100))
    municipality_code: Mapped[int] = mapped_column(ForeignKey("municipalities.code"), index=True)
    employee_count: Mapped[int] = mapped_column(Integer)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    municipality: Mapped[Municipality] = relationship(lazy="joined")

    __mapper_args__ = {"polymorphic_identity": OrgKind.COMPANY.value}  # noqa: RUF012


# Text search on PostgreSQL: trigram indexes on the folded text, as the search queries it
# (fold_text() comes from migration 0014; marketplace/textsearch.py). SQLite has none.
Index(
    "ix_organisations_name_trgm",
    func.fold_text(Organisation.name).label("name_folded"),
    postgresql_using="gin",
    postgresql_ops={"name_folded": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")

"""Workplaces (production units, P-numbers) of a company."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import utcnow
from marketplace.models.base import Base
from marketplace.models.municipalities import Municipality


class Workplace(Base):
    __tablename__ = "workplaces"
    __table_args__ = (
        CheckConstraint("length(p_number) = 10", name="p_number_length"),
        CheckConstraint("length(postcode) = 4", name="postcode_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # A production unit's number is unique in the CVR register.
    p_number: Mapped[str] = mapped_column(String(10), unique=True)
    address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(4))
    city: Mapped[str] = mapped_column(String(100))
    municipality_code: Mapped[int] = mapped_column(ForeignKey("municipalities.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    municipality: Mapped[Municipality] = relationship(lazy="joined")

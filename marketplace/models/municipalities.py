"""Denmark's 98 municipalities (kommuner), keyed by their official code."""

from __future__ import annotations

from sqlalchemy import SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base


class Municipality(Base):
    __tablename__ = "municipalities"

    code: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(60), unique=True)

    def __repr__(self) -> str:
        return f"<Municipality {self.code} {self.name}>"

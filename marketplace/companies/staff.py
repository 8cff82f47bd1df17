"""The people of a company: its active employers, who are told what concerns the company."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Role, User


def company_staff(company_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(
                User.organisation_id == company_id, User.role == Role.EMPLOYER.value, User.active
            )
        )
    )

"""Builds organisations and their people straight in the database: a jobcentre, a company
with a valid CVR number, a user of either (password PASSWORD) and a company's workplace
(p-number)."""

from __future__ import annotations

import itertools
from typing import Any

from marketplace.extensions import db
from marketplace.models import Company, Jobcentre, OrgKind, Role, User, Workplace
from tests.support import valid_cvr

PASSWORD = "correct horse battery staple"


def make_jobcentre(municipality_code: int = 760, name: str | None = None) -> Jobcentre:
    """A jobcentre of a municipality (Ringkøbing-Skjern by default)."""
    jobcentre = Jobcentre(
        name=name or f"Jobcenter {municipality_code}", municipality_code=municipality_code
    )
    db.session.add(jobcentre)
    db.session.flush()
    return jobcentre


def make_company(name: str = "Brugsen Skjern", **fields: Any) -> Company:
    """A company with a valid CVR number in Skjern."""
    values = {
        "cvr": valid_cvr(),
        "address": "Storegade 12",
        "postcode": "6900",
        "city": "Skjern",
        "municipality_code": 760,
        "employee_count": 14,
        **fields,
    }
    company = Company(name=name, **values)
    db.session.add(company)
    db.session.flush()
    return company


_user_numbers = itertools.count(1)


def make_user(
    organisation: Company | Jobcentre,
    role: Role | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    **fields: Any,
) -> User:
    """A user of the organisation: an employer of a company, a consultant of a jobcentre
    unless `role` says otherwise; the password is PASSWORD unless given."""
    from marketplace.accounts.passwords import hash_password

    role = role or (Role.EMPLOYER if isinstance(organisation, Company) else Role.CONSULTANT)
    user = User(
        organisation_id=organisation.id,
        org_kind=OrgKind.COMPANY.value
        if isinstance(organisation, Company)
        else OrgKind.JOBCENTRE.value,
        role=role.value,
        email=email or f"{role.value}{next(_user_numbers)}-{organisation.id}@test.example",
        name=fields.pop("name", f"Test {role.value.title()}"),
        password_hash=hash_password(password),
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user


# Four digits of a p-number (ten digits in all): numbers 1 to 9999 in turn.
_workplace_numbers = itertools.cycle(range(1, 10_000))


def make_workplace(company: Company, **fields: Any) -> Workplace:
    """A workplace (production unit) of the company, at the company's address."""
    values = {
        "name": f"{company.name}, butik",
        "p_number": f"1{company.id:05d}{next(_workplace_numbers):04d}",
        "address": company.address,
        "postcode": company.postcode,
        "city": company.city,
        "municipality_code": company.municipality_code,
        **fields,
    }
    workplace = Workplace(company_id=company.id, **values)
    db.session.add(workplace)
    db.session.flush()
    return workplace

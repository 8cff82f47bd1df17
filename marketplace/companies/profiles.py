"""A company's profile and its workplaces (production units with P-numbers)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import Company, Job, Municipality, Workplace

P_NUMBER_TAKEN = _l("This P-number is already registered on Småjob.")


@dataclass(frozen=True)
class CompanyProfile:
    name: str
    contact_name: str
    contact_phone: str
    employee_count: int


@dataclass(frozen=True)
class WorkplaceData:
    name: str
    p_number: str
    address: str
    postcode: str
    city: str
    municipality_code: int


def normalise_p_number(value: str) -> str:
    return value.replace(" ", "").replace("-", "")


def is_valid_p_number(value: str) -> bool:
    return len(value) == 10 and value.isascii() and value.isdigit() and value[0] != "0"


def update_profile(company: Company, data: CompanyProfile) -> None:
    company.name = data.name.strip()
    company.contact_name = data.contact_name.strip()
    company.contact_phone = data.contact_phone.strip()
    company.employee_count = data.employee_count
    db.session.flush()


def save_workplace(
    company: Company, data: WorkplaceData, workplace: Workplace | None = None
) -> Workplace:
    """Add a workplace, or change one. Flushes; the caller commits."""
    p_number = normalise_p_number(data.p_number)
    if not is_valid_p_number(p_number):
        raise DomainError(_l("Enter a P-number of 10 digits."), field="p_number")
    taken = select(exists().where(Workplace.p_number == p_number))
    if workplace is not None:
        taken = select(exists().where(Workplace.p_number == p_number, Workplace.id != workplace.id))
    if db.session.scalar(taken):
        raise DomainError(P_NUMBER_TAKEN, field="p_number")
    if db.session.get(Municipality, data.municipality_code) is None:
        raise DomainError(_l("Choose a municipality from the list."), field="municipality")
    if workplace is None:
        workplace = Workplace(company_id=company.id)
        db.session.add(workplace)
    workplace.name = data.name.strip()
    workplace.p_number = p_number
    workplace.address = data.address.strip()
    workplace.postcode = data.postcode.strip()
    workplace.city = data.city.strip()
    workplace.municipality_code = data.municipality_code
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:  # a second writer registered the P-number meanwhile
        raise DomainError(P_NUMBER_TAKEN, field="p_number") from error
    # Jobs carry their workplace's municipality for the job board: they move with it.
    db.session.execute(
        update(Job)
        .where(Job.workplace_id == workplace.id)
        .values(municipality_code=workplace.municipality_code)
    )
    return workplace


def workplaces_of(company_id: int) -> list[Workplace]:
    return list(
        db.session.scalars(
            select(Workplace).where(Workplace.company_id == company_id).order_by(Workplace.name)
        )
    )

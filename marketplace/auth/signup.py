"""A company registers itself with its CVR number and its first employer user."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from marketplace.auth.cvr import INVALID_CVR, is_valid_cvr, normalise_cvr
from marketplace.auth.navigation import home_url
from marketplace.auth.passwords import hash_password, password_problem
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    Company,
    Jobcentre,
    Municipality,
    Notification,
    OrgKind,
    Role,
    User,
)
from marketplace.notify import Kind, notify, register_kind

CVR_TAKEN = _l(
    "A company with this CVR number is already registered. Ask a colleague to invite you."
)
EMAIL_TAKEN = _l("This e-mail address already has an account.")


@dataclass(frozen=True)
class CompanySignup:
    company_name: str
    cvr: str
    address: str
    postcode: str
    city: str
    municipality_code: int
    employee_count: int
    name: str
    email: str
    password: str
    locale: str = "da"


def email_taken(email: str) -> bool:
    return bool(db.session.scalar(select(exists().where(User.email == email.strip().lower()))))


def register_company(data: CompanySignup) -> User:
    """Create the company and its first employer. Flushes; the caller commits."""
    cvr = normalise_cvr(data.cvr)
    email = data.email.strip().lower()
    if not is_valid_cvr(cvr):
        raise DomainError(INVALID_CVR, field="cvr")
    if db.session.scalar(select(exists().where(Company.cvr == cvr))):
        raise DomainError(CVR_TAKEN, field="cvr")
    if db.session.get(Municipality, data.municipality_code) is None:
        raise DomainError(_l("Choose a municipality from the list."), field="municipality")
    if email_taken(email):
        raise DomainError(EMAIL_TAKEN, field="email")
    problem = password_problem(data.password, email)
    if problem:
        raise DomainError(problem, field="password")

    company = Company(
        name=data.company_name.strip(),
        cvr=cvr,
        address=data.address.strip(),
        postcode=data.postcode.strip(),
        city=data.city.strip(),
        municipality_code=data.municipality_code,
        employee_count=data.employee_count,
    )
    user = User(
        organisation=company,
        org_kind=OrgKind.COMPANY.value,
        role=Role.EMPLOYER.value,
        email=email,
        name=data.name.strip(),
        password_hash=hash_password(data.password),
        locale=data.locale,
    )
    db.session.add_all([company, user])
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        # A second sign-up with the same CVR or e-mail won the race between check and insert.
        text = str(error.orig).lower()
        field = "cvr" if "cvr" in text else "email"
        message = CVR_TAKEN if field == "cvr" else EMAIL_TAKEN
        raise DomainError(message, field=field) from error
    tell_the_jobcentre(company)
    return user


def tell_the_jobcentre(company: Company) -> None:
    """The jobcentre of the company's municipality learns of it (its company team acts)."""
    staff = db.session.scalars(
        select(User)
        .join(Jobcentre, Jobcentre.id == User.organisation_id)
        .where(
            Jobcentre.municipality_code == company.municipality_code,
            User.role == Role.ADMIN.value,
            User.active,
        )
    ).all()
    notify(
        staff,
        "company_signed_up",
        subject=company,
        company=company.name,
        municipality=company.municipality.name,
    )


def _home_of_recipient(notification: Notification) -> str | None:
    return home_url(notification.recipient) if notification.recipient else None


register_kind(
    Kind(
        name="company_signed_up",
        urgent=False,
        subject=_l("New company on Småjob: %(company)s"),
        summary=_l("%(company)s in %(municipality)s has signed up and can post small jobs."),
        link=_home_of_recipient,
    )
)

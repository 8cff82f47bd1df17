"""A company registers itself with its CVR number and its first employer user, in two steps.

1. The form (company, name, e-mail) is answered the same way whether or not the address
   already has an account, so sign-up cannot be used to learn who uses Småjob: a free address
   gets a signed link to finish; the owner of a taken address is told someone tried.
2. The link (which proves the address is the visitor's) opens the page that chooses the
   password and creates the company and its first employer.

Nothing is stored between the steps: the link carries what was typed, signed and dated.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import timedelta
from typing import Any

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.cvr import INVALID_CVR, is_valid_cvr, normalise_cvr
from marketplace.accounts.passwords import check_new_password, hash_password
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import (
    Company,
    Jobcentre,
    Municipality,
    Notification,
    OrgKind,
    Role,
    User,
)
from marketplace.notifications.kinds import Kind, register_kind
from marketplace.notifications.outbox import notify, notify_address
from marketplace.web.navigation import home_url

CVR_TAKEN = _l(
    "A company with this CVR number is already registered. Ask a colleague to invite you."
)
# Said only to someone who has shown they read the address's mail (the link reached them).
ADDRESS_HAS_ACCOUNT = _l(
    "This e-mail address already has a Småjob account, and an address can belong to one"
    " account only. Log in with it, or sign up with another address."
)
SIGNUP_LINK_MAX_AGE = timedelta(days=2)


class SignupLinkUnusable(DomainError):
    """The sign-up link is broken, expired, or can no longer create the company."""


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
    locale: str = "da"

    def cleaned(self) -> CompanySignup:
        return CompanySignup(
            company_name=self.company_name.strip(),
            cvr=normalise_cvr(self.cvr),
            address=self.address.strip(),
            postcode=self.postcode.strip(),
            city=self.city.strip(),
            municipality_code=self.municipality_code,
            employee_count=self.employee_count,
            name=self.name.strip(),
            email=self.email.strip().lower(),
            locale=self.locale,
        )

    @property
    def own_words(self) -> tuple[str, ...]:
        """What a password must not be built from."""
        return (self.email, self.name, self.company_name)


def email_taken(email: str) -> bool:
    return bool(db.session.scalar(select(exists().where(User.email == email.strip().lower()))))


def _check_company(data: CompanySignup) -> None:
    """The rules about the company; company data is public, so its answers may be shown."""
    if not is_valid_cvr(data.cvr):
        raise DomainError(INVALID_CVR, field="cvr")
    if db.session.scalar(select(exists().where(Company.cvr == data.cvr))):
        raise DomainError(CVR_TAKEN, field="cvr")
    if db.session.get(Municipality, data.municipality_code) is None:
        raise DomainError(_l("Choose a municipality from the list."), field="municipality")


def request_signup(data: CompanySignup) -> None:
    """Step 1: e-mail the link to finish, or tell the address's owner. Flushes.

    Both branches do the same work (one lookup, one e-mail row) and the caller shows the
    same page, so the answer does not say whether the address has an account.
    """
    data = data.cleaned()
    _check_company(data)
    owner = db.session.scalar(select(User).where(User.email == data.email))
    if owner is None:
        typed = {k: v for k, v in asdict(data).items() if k not in {"email", "locale"}}
        notify_address(data.email, data.locale, "signup_link", **typed)
    else:
        # To the address, not the inbox: a deactivated owner is told as well.
        notify_address(owner.email, owner.locale, "signup_address_taken")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="company-signup")


def token_for(data: CompanySignup) -> str:
    return _serializer().dumps(asdict(data))


def open_signup(token: str) -> CompanySignup:
    """Step 2: what the link carries, if it is genuine, recent and can still be used."""
    max_age = int(SIGNUP_LINK_MAX_AGE.total_seconds())
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise SignupLinkUnusable(
            _l("This sign-up link has expired. Sign up again to get a new one.")
        ) from error
    except BadSignature as error:
        raise SignupLinkUnusable(_l("This sign-up link is not valid.")) from error
    names = {f.name for f in fields(CompanySignup)}
    if not isinstance(payload, dict) or set(payload) != names:
        raise SignupLinkUnusable(_l("This sign-up link is not valid."))
    data = CompanySignup(**payload)
    if email_taken(data.email):
        raise SignupLinkUnusable(ADDRESS_HAS_ACCOUNT)
    try:
        _check_company(data)
    except DomainError as error:
        raise SignupLinkUnusable(error.message) from error
    return data


def register_company(data: CompanySignup, password: str) -> User:
    """Create the company and its first employer from a confirmed sign-up. Flushes."""
    data = data.cleaned()
    try:
        _check_company(data)
    except DomainError as error:
        raise SignupLinkUnusable(error.message) from error
    if email_taken(data.email):
        raise SignupLinkUnusable(ADDRESS_HAS_ACCOUNT)
    check_new_password(password, data.own_words)

    company = Company(
        name=data.company_name,
        cvr=data.cvr,
        address=data.address,
        postcode=data.postcode,
        city=data.city,
        municipality_code=data.municipality_code,
        employee_count=data.employee_count,
    )
    user = User(
        organisation=company,
        org_kind=OrgKind.COMPANY.value,
        role=Role.EMPLOYER.value,
        email=data.email,
        name=data.name,
        password_hash=hash_password(password),
        locale=data.locale,
    )
    db.session.add_all([company, user])
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        # A second sign-up with the same CVR or e-mail won the race between check and insert.
        text = str(error.orig).lower()
        message = CVR_TAKEN if "cvr" in text else ADDRESS_HAS_ACCOUNT
        raise SignupLinkUnusable(message) from error
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


def _signup_mail_context(notification: Notification) -> dict[str, Any] | None:
    data = CompanySignup(
        **notification.params, email=notification.recipient_email, locale=notification.locale
    )
    return {
        "signup": data,
        "link": url_for("auth.signup_confirm", token=token_for(data), _external=True),
        "days": SIGNUP_LINK_MAX_AGE.days,
    }


def _login_link(notification: Notification) -> str:
    return url_for("auth.login")


register_kind(
    Kind(
        name="company_signed_up",
        urgent=False,
        subject=_l("New company on Småjob: %(company)s"),
        summary=_l("%(company)s in %(municipality)s has signed up and can post small jobs."),
        link=_home_of_recipient,
    )
)
register_kind(
    Kind(
        name="signup_link",
        urgent=True,
        subject=_l("Finish signing up %(company_name)s on Småjob"),
        summary=_l("Confirm your e-mail address to finish signing up %(company_name)s."),
        link=lambda n: None,
        template="signup_link",
        mail_context=_signup_mail_context,
    )
)
register_kind(
    Kind(
        name="signup_address_taken",
        urgent=True,
        subject=_l("Someone tried to sign up on Småjob with your e-mail address"),
        summary=_l(
            "Someone, perhaps you, tried to sign up a company on Småjob with this e-mail"
            " address. It already has an account, so nothing was created and your account is"
            " unchanged. An address can belong to one account only: to sign up another"
            " company, use another address. If it was not you, you need not do anything."
        ),
        link=_login_link,
    )
)

"""Inviting colleagues: who may invite whom, signed links that expire and work once.

An invitation never tells the inviter that the address belongs to another organisation's
user: it is sent like any other, and the person who reads that address's mail is told, when
the link is opened, that the address already has an account.
"""

from __future__ import annotations

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from marketplace.accounts.passwords import check_new_password, hash_password
from marketplace.accounts.signup import email_taken
from marketplace.clock import utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import Invitation, Notification, Role, User
from marketplace.notifications.kinds import Kind, register_kind
from marketplace.notifications.outbox import notify, notify_address
from marketplace.web.pagination import Page, paged

# An employer brings in colleagues of the same company; a jobcentre admin brings in staff.
INVITABLE_ROLES: dict[Role, tuple[Role, ...]] = {
    Role.EMPLOYER: (Role.EMPLOYER,),
    Role.ADMIN: (Role.CONSULTANT, Role.ADMIN),
    Role.CONSULTANT: (),
}


def _accepted_link(notification: Notification) -> str:
    return url_for("auth.team_page")


class InvitationUnusable(DomainError):
    """The link is broken, expired, revoked or already used."""


def _address_has_account(invitation: Invitation) -> InvitationUnusable:
    return InvitationUnusable(
        _l(
            "This e-mail address already has a Småjob account, and an address can belong to"
            " one account only. Log in with it, or ask %(inviter)s to invite another address"
            " of yours.",
            inviter=invitation.invited_by.name,
        )
    )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="invitation")


def invite(inviter: User, email: str, name: str, role: Role, locale: str = "da") -> Invitation:
    if role not in INVITABLE_ROLES[inviter.role_enum]:
        raise DomainError(_l("You cannot invite someone with this role."), field="role")
    email = email.strip().lower()
    # The inviter's own colleagues are on the team page already; anyone else's are not said.
    holder = db.session.scalar(select(User.organisation_id).where(User.email == email))
    if holder == inviter.organisation_id:
        raise DomainError(_l("This person is already on your team."), field="email")
    now = utcnow()
    # Only the newest invitation to an address works: earlier ones are revoked.
    db.session.execute(
        update(Invitation)
        .where(
            Invitation.organisation_id == inviter.organisation_id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    invitation = Invitation(
        organisation_id=inviter.organisation_id,
        org_kind=role.org_kind.value,
        role=role.value,
        email=email,
        name=name.strip(),
        locale=locale,
        invited_by_id=inviter.id,
        created_at=now,
        expires_at=now + current_app.config["INVITATION_MAX_AGE"],
    )
    db.session.add(invitation)
    db.session.flush()
    notify_address(
        email,
        locale,
        "invitation",
        subject=invitation,
        org=inviter.organisation.name,
        inviter=inviter.name,
    )
    return invitation


def _invitation_mail_context(notification: Notification) -> dict[str, object] | None:
    """What the invitation e-mail needs; None when the invitation can no longer be used."""
    invitation = db.session.get(Invitation, notification.subject_id)
    if invitation is None or not invitation.is_open():
        return None
    return {
        "invitation": invitation,
        "link": url_for("auth.accept_invitation", token=token_for(invitation), _external=True),
    }


def token_for(invitation: Invitation) -> str:
    return _serializer().dumps(invitation.id)


def open_invitation(token: str) -> Invitation:
    """The invitation behind a link, if it can still be used."""
    max_age = int(current_app.config["INVITATION_MAX_AGE"].total_seconds())
    try:
        invitation_id = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise InvitationUnusable(_l("This invitation has expired. Ask for a new one.")) from error
    except BadSignature as error:
        raise InvitationUnusable(_l("This invitation link is not valid.")) from error
    invitation = (
        db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    )
    if invitation is None:
        raise InvitationUnusable(_l("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise InvitationUnusable(_l("This invitation has already been used. Log in instead."))
    if invitation.revoked_at is not None:
        raise InvitationUnusable(_l("This invitation has been withdrawn. Ask for a new one."))
    if invitation.expires_at <= utcnow():
        raise InvitationUnusable(_l("This invitation has expired. Ask for a new one."))
    if email_taken(invitation.email):
        # Only the reader of the address's mail has the link, so this may be said here.
        raise _address_has_account(invitation)
    return invitation


def accept(invitation: Invitation, name: str, password: str) -> User:
    """Create the invited user. Flushes; the caller commits."""
    if email_taken(invitation.email):
        raise _address_has_account(invitation)
    check_new_password(password, (invitation.email, name, invitation.organisation.name))
    user = User(
        organisation_id=invitation.organisation_id,
        org_kind=invitation.org_kind,
        role=invitation.role,
        email=invitation.email,
        name=name.strip(),
        password_hash=hash_password(password),
        locale=invitation.locale,
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        # The address got an account between the check and the insert.
        raise _address_has_account(invitation) from error
    # The WHERE makes "works once" hold even when two people submit the same link at once.
    used = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=utcnow(), accepted_user_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise InvitationUnusable(_l("This invitation has already been used. Log in instead."))
    notify([invitation.invited_by], "invitation_accepted", subject=user, name=user.name)
    return user


def revoke(invitation: Invitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()


def _open(organisation_id: int) -> tuple[ColumnElement[bool], ...]:
    """An invitation of the organisation's that can still be accepted."""
    return (
        Invitation.organisation_id == organisation_id,
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > utcnow(),
    )


def open_invitations(organisation_id: int, page: int = 1) -> Page[Invitation]:
    """A page of the invitations waiting, newest first: one COUNT and one page of rows,
    without their inviter and organisation (not shown)."""
    return paged(
        select(Invitation)
        .where(*_open(organisation_id))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .options(lazyload("*")),
        page,
    )


def open_count(organisation_id: int) -> int:
    return db.session.scalar(select(func.count(Invitation.id)).where(*_open(organisation_id))) or 0


register_kind(
    Kind(
        name="invitation",
        urgent=True,
        subject=_l("%(org)s has invited you to Småjob"),
        summary=_l("%(inviter)s has invited you to %(org)s on Småjob."),
        link=lambda n: None,
        template="invitation",
        mail_context=_invitation_mail_context,
    )
)
register_kind(
    Kind(
        name="invitation_accepted",
        urgent=False,
        subject=_l("%(name)s has joined Småjob"),
        summary=_l("%(name)s accepted your invitation and can now log in."),
        link=_accepted_link,
    )
)

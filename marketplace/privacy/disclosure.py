"""What a company may see of a candidate, and the consent that reveals name and phone.

A company sees a pseudonymised profile: a pseudonym that differs per company (two companies
cannot tell they saw the same person), and the profile without identity, postcode, the
consultant's note or the consultant. Name and phone are shown only for a proposal whose
consent is in force, and every such showing is written to the access log (CJEU C-579/21:
the citizen may see who saw their identity; see marketplace.privacy.access_log).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from marketplace.clock import utcnow
from marketplace.companies.staff import company_staff
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import (
    AccessSeen,
    Candidate,
    CandidateIdentity,
    Consent,
    ConsentMethod,
    Placement,
    Proposal,
    ProposalStatus,
    User,
)
from marketplace.notifications.kinds import Kind, register_kind
from marketplace.notifications.links import subject_link
from marketplace.notifications.outbox import notify
from marketplace.privacy import access_log

# No 0/O, 1/I/L: a pseudonym is read aloud on the phone.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def pseudonym_code(candidate_id: int, company_id: int) -> str:
    """A short code, stable for one candidate and one company, different across companies."""
    key = hashlib.sha256(b"pseudonym:" + current_app.config["SECRET_KEY"].encode()).digest()
    digest = hmac.new(key, f"{candidate_id}:{company_id}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    code = ""
    for _ in range(5):
        number, index = divmod(number, len(_ALPHABET))
        code += _ALPHABET[index]
    return code


def pseudonym(candidate_id: int, company_id: int) -> str:
    return str(_l("Candidate %(code)s", code=pseudonym_code(candidate_id, company_id)))


@dataclass(frozen=True)
class CompanyView:
    """Everything a company may see of a candidate before consent. No identity, no postcode,
    no note, no consultant: those fields simply do not exist here."""

    pseudonym: str
    job_goal: str
    wished_categories: int
    tasks_can_do: tuple[str, ...]
    hours_min: object
    hours_max: object
    available_weekdays: int
    available_times: str
    municipality: str
    languages: str
    danish_level: str
    driving_licence: bool
    earlier_work: str
    no_heavy_lifting: bool
    lifting_max_kg: int | None
    no_long_standing: bool
    max_hours_per_day: object
    needs_quiet_surroundings: bool
    no_early_mornings: bool
    other_limitations: str


def company_view(candidate: Candidate, company_id: int) -> CompanyView:
    return CompanyView(
        pseudonym=pseudonym(candidate.id, company_id),
        job_goal=candidate.job_goal,
        wished_categories=candidate.wished_categories,
        tasks_can_do=tuple(candidate.tasks_can_do or ()),
        hours_min=candidate.hours_min,
        hours_max=candidate.hours_max,
        available_weekdays=candidate.available_weekdays,
        available_times=candidate.available_times,
        municipality=candidate.municipality.name,
        languages=candidate.languages,
        danish_level=candidate.danish_level,
        driving_licence=candidate.driving_licence,
        earlier_work=candidate.earlier_work,
        no_heavy_lifting=candidate.no_heavy_lifting,
        lifting_max_kg=candidate.lifting_max_kg,
        no_long_standing=candidate.no_long_standing,
        max_hours_per_day=candidate.max_hours_per_day,
        needs_quiet_surroundings=candidate.needs_quiet_surroundings,
        no_early_mornings=candidate.no_early_mornings,
        other_limitations=candidate.other_limitations,
    )


def consent_in_force(proposal: Proposal) -> Consent | None:
    return db.session.scalar(
        select(Consent).where(Consent.proposal_id == proposal.id, Consent.withdrawn_at.is_(None))
    )


@dataclass(frozen=True)
class RevealedIdentity:
    full_name: str
    phone: str


def reveal_to_company(
    proposal: Proposal, viewer: User, seen: AccessSeen = AccessSeen.NAME_PHONE
) -> RevealedIdentity | None:
    """Name and phone for a company user, if consent is in force; the showing is logged
    under the route's purpose (`seen`: what the page shows of it).

    Flushes the log row; it is committed with the page (marketplace.privacy.access_log).
    """
    consent = consent_in_force(proposal)
    if consent is None or viewer.organisation_id != proposal.company_id:
        return None
    identity = db.session.get(CandidateIdentity, proposal.candidate_id)
    access_log.record([proposal.candidate_id], seen, viewer)
    return RevealedIdentity(full_name=identity.full_name, phone=identity.phone)


def reveal_many_to_company(
    placements: Sequence[Placement], viewer: User, seen: AccessSeen
) -> dict[int, RevealedIdentity]:
    """reveal_to_company() for many placements at once (an export's people): one query for
    the identities with consent in force, one INSERT for their log rows. Keyed by placement."""
    ids = [p.id for p in placements if p.company_id == viewer.organisation_id]
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Placement.id,
            Placement.candidate_id,
            CandidateIdentity.full_name,
            CandidateIdentity.phone,
        )
        .join(
            Consent,
            (Consent.proposal_id == Placement.proposal_id) & Consent.withdrawn_at.is_(None),
        )
        .join(CandidateIdentity, CandidateIdentity.candidate_id == Placement.candidate_id)
        .where(Placement.id.in_(ids))
    ).all()
    access_log.record((row.candidate_id for row in rows), seen, viewer)
    return {row.id: RevealedIdentity(full_name=row.full_name, phone=row.phone) for row in rows}


def record_consent(proposal: Proposal, by: User, method: ConsentMethod, note: str = "") -> Consent:
    if proposal.status != ProposalStatus.ACCEPTED:
        raise DomainError(_l("Consent can be recorded once the company has accepted."))
    if consent_in_force(proposal) is not None:
        raise DomainError(_l("Consent is already recorded for this company."))
    consent = Consent(
        proposal_id=proposal.id,
        candidate_id=proposal.candidate_id,
        company_id=proposal.company_id,
        method=method.value,
        note=note.strip(),
        recorded_by_id=by.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(consent)
    except IntegrityError as error:  # a colleague recorded it a moment ago
        raise DomainError(_l("Consent is already recorded for this company.")) from error

    notify(
        company_staff(proposal.company_id),
        "consent_recorded",
        subject=proposal,
        job=proposal.job.title,
        pseudonym=pseudonym(proposal.candidate_id, proposal.company_id),
    )
    return consent


def withdraw_consent(proposal: Proposal, by: User) -> None:
    withdrawn = db.session.execute(
        update(Consent)
        .where(Consent.proposal_id == proposal.id, Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow(), withdrawn_by_id=by.id)
    )
    if withdrawn.rowcount == 0:
        raise DomainError(_l("There is no consent in force to withdraw."))


register_kind(
    Kind(
        name="consent_recorded",
        urgent=False,
        subject=_l("You can now see the name of %(pseudonym)s"),
        summary=_l(
            "%(person)s, proposed for %(job)s, has agreed to share name and phone with you."
        ),
        link=subject_link,
    )
)

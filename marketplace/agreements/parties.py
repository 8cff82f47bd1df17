"""The two parties to a placement's agreement, and telling one of them what happened.

The stored label holds the pseudonym and the job (the company's) or the job and the company
(the jobcentre's); what a reader finally reads is worded when shown (privacy.naming): the name
once the company may know it, and always for the jobcentre.
"""

from __future__ import annotations

from marketplace.companies.staff import company_staff
from marketplace.extensions import db
from marketplace.models import Jobcentre, Placement, Side, User
from marketplace.notifications.outbox import notify
from marketplace.privacy.disclosure import pseudonym


def recipients(placement: Placement, side: Side) -> list[User]:
    if side == Side.COMPANY:
        return company_staff(placement.company_id)
    return [placement.candidate.consultant]


def label_for(placement: Placement, side: Side) -> str:
    if side == Side.COMPANY:
        return f"{pseudonym(placement.candidate_id, placement.company_id)}, {placement.job.title}"
    return f"{placement.job.title}, {placement.company.name}"


def party_name(placement: Placement, side: Side) -> str:
    if side == Side.COMPANY:
        return placement.company.name
    return db.session.get(Jobcentre, placement.jobcentre_id).name


def tell(placement: Placement, side: Side, kind: str, **params: str | int) -> None:
    notify(
        recipients(placement, side),
        kind,
        subject=placement,
        label=label_for(placement, side),
        **params,
    )


def tell_other_side(placement: Placement, acting: Side, kind: str) -> None:
    other = Side.JOBCENTRE if acting == Side.COMPANY else Side.COMPANY
    tell(placement, other, kind, by=party_name(placement, acting))

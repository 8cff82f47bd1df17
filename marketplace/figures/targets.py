"""The share of the target group with paid hours that a jobcentre steers by (issue 17): the
programme's 20 % (FSM2's result requirement) until the jobcentre's admin sets another, from
1 to 100 %. The database's CHECK holds the same bounds for any other writer."""

from __future__ import annotations

from sqlalchemy import select, update

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import Jobcentre

PROGRAMME_TARGET = 20  # FSM2's result requirement, every jobcentre's until its admin changes it
LOWEST, HIGHEST = 1, 100


def target_of(jobcentre_id: int) -> int:
    found = db.session.scalar(
        select(Jobcentre.paid_share_target).where(Jobcentre.id == jobcentre_id)
    )
    return PROGRAMME_TARGET if found is None else int(found)


def set_target(jobcentre_id: int, percent: int) -> None:
    """The jobcentre's new target; the caller commits."""
    if not LOWEST <= percent <= HIGHEST:
        raise DomainError(_l("Enter a whole percent from 1 to 100."), field="target")
    db.session.execute(
        update(Jobcentre).where(Jobcentre.id == jobcentre_id).values(paid_share_target=percent)
    )

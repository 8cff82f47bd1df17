"""The consultant flags a week's hours with a comment; the employer answers. Both sides are
told through the outbox."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.agreements.parties import tell
from marketplace.clock import utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import Placement, Role, Side, User, WeekFlag
from marketplace.notifications.kinds import Kind, register_kind
from marketplace.notifications.links import subject_link
from marketplace.privacy.screening import screen_for_placement

MAX_TEXT = 1000


ASKED_ALREADY = _l(
    "The company has not answered the question already asked about this week. Wait for its"
    " answer before asking something else."
)


def flag_week(placement: Placement, user: User, week_start: date, comment: str) -> WeekFlag:
    """Ask the company about a week. One open question per placement and week (a partial
    unique index): the same question sent again is the flag already made, and nobody is told
    twice; a different one waits for the answer."""
    if user.role == Role.EMPLOYER or user.organisation_id != placement.jobcentre_id:
        raise DomainError(_l("Only the jobcentre flags a week."))
    if week_start.weekday() != 0:
        raise DomainError(_l("A week starts on a Monday."))
    text = comment.strip()
    if not text:
        raise DomainError(_l("Write what the company should look at."), field="comment")
    if len(text) > MAX_TEXT:
        raise DomainError(_l("Use at most %(max)d characters.", max=MAX_TEXT), field="comment")
    screen_for_placement(placement, user, "comment", text)
    flag = _open_flag(placement, week_start)
    if flag is None:
        flag = WeekFlag(
            placement_id=placement.id, week_start=week_start, comment=text, flagged_by_id=user.id
        )
        try:
            with db.session.begin_nested():  # a second writer's open flag wins the index
                db.session.add(flag)
        except IntegrityError:
            flag = _open_flag(placement, week_start)
            if flag is None:  # refused for another reason: not ours to hide
                raise
        else:
            tell(placement, Side.COMPANY, "week_flagged", week=week_start.isocalendar().week)
            return flag
    if flag.comment != text:
        raise DomainError(ASKED_ALREADY, field="comment")
    return flag


def _open_flag(placement: Placement, week_start: date) -> WeekFlag | None:
    return db.session.scalar(
        select(WeekFlag)
        .where(
            WeekFlag.placement_id == placement.id,
            WeekFlag.week_start == week_start,
            WeekFlag.answered_at.is_(None),
        )
        .execution_options(populate_existing=True)
    )


def answer_flag(placement: Placement, flag: WeekFlag, user: User, answer: str) -> None:
    if user.role != Role.EMPLOYER or user.organisation_id != placement.company_id:
        raise DomainError(_l("The company answers a flag."))
    if flag.answered_at is not None:
        raise DomainError(_l("This flag has already been answered."))
    text = answer.strip()
    if not text:
        raise DomainError(_l("Write your answer for the jobcentre."), field="answer")
    if len(text) > MAX_TEXT:
        raise DomainError(_l("Use at most %(max)d characters.", max=MAX_TEXT), field="answer")
    # Only an unanswered flag is answered: two answers at once cannot both land.
    answered = db.session.execute(
        WeekFlag.__table__.update()
        .where(WeekFlag.id == flag.id, WeekFlag.answered_at.is_(None))
        .values(answer=text, answered_by_id=user.id, answered_at=utcnow())
    )
    if answered.rowcount == 0:
        raise DomainError(_l("This flag has already been answered."))
    db.session.expire(flag)
    tell(placement, Side.JOBCENTRE, "week_flag_answered", week=flag.week_start.isocalendar().week)


def flag_of_or_none(placement: Placement, flag_id: int) -> WeekFlag | None:
    return db.session.scalar(
        select(WeekFlag).where(WeekFlag.id == flag_id, WeekFlag.placement_id == placement.id)
    )


for _name, _subject, _summary in (
    (
        "week_flagged",
        _l("The jobcentre asks about the hours of week %(week)s: %(label)s"),
        _l("Read the question beside the week and answer it."),
    ),
    (
        "week_flag_answered",
        _l("The company answered about the hours of week %(week)s: %(label)s"),
        _l("Read the answer beside the week."),
    ),
):
    register_kind(
        Kind(name=_name, urgent=False, subject=_subject, summary=_summary, link=subject_link)
    )

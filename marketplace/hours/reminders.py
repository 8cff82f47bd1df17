"""The weekly reminder of hours waiting for confirmation, and the one-click link it carries.

Every Monday each employer of a company with unconfirmed past weeks gets one message. The
unique key (employer, week) makes sending idempotent: run twice, or by two workers at once,
it writes one message each. The e-mail carries a signed link that expires and confirms once:
GET shows every week of the company's placements that waits (up to the week it was sent for),
POST (with the page's CSRF token) confirms the chosen ones. Confirming settles the reminders
whose weeks no longer wait (settle: their notifications are marked read). Opening the link
changes nothing, so a mail scanner that follows links neither confirms nor uses it up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Select, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from marketplace.clock import LOCAL_TZ, utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.hours.ledger import week_start_of
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import (
    HourReminder,
    Notification,
    Phase,
    Placement,
    PlacementTerms,
    Role,
    User,
    WeekConfirmation,
)
from marketplace.notifications.kinds import Kind, register_kind
from marketplace.notifications.links import subject_link
from marketplace.notifications.outbox import notify_each

# Weeks further back are not chased by e-mail; the company's hours page still shows them.
LOOKBACK_WEEKS = 12
KIND = "hours_waiting"  # the reminder's kind of notification
_SALT = "hours-week-link"

EXPIRED = _l("This link has expired. Log in to confirm the hours.")
USED = _l("This link has already been used. Log in to see or correct the hours.")
INVALID = _l("This link is not valid. Log in to confirm the hours.")


class LinkUnusable(DomainError):
    """The link is broken, expired, already used, or its employer has left the company."""

    def __init__(self, message: object, gone: bool = False) -> None:
        super().__init__(message)
        self.gone = gone  # it worked once (used or expired), rather than never


def waiting_weeks(
    today: date, company_id: int | None = None, companies: Sequence[int] | None = None
) -> dict[int, list[date]]:
    """Per company, the past weeks (within the lookback) in which one of its placements has
    hours and that week is not confirmed; oldest first. Three queries. One company, a batch
    of `companies`, or (neither given) every company."""
    this_week = week_start_of(today)
    first = this_week - timedelta(weeks=LOOKBACK_WEEKS)
    last = this_week - timedelta(weeks=1)
    active = select(Placement.id).where(
        Placement.phase != Phase.PENDING.value,
        or_(Placement.ended_on.is_(None), Placement.ended_on >= first),
    )
    if company_id is not None:
        active = active.where(Placement.company_id == company_id)
    if companies is not None:
        active = active.where(Placement.company_id.in_(list(companies)))
    # Only the columns the weeks depend on: full rows (and their eager joins) cost most of
    # the run's time and memory.
    placements = db.session.execute(
        select(Placement.id, Placement.company_id, Placement.ended_on).where(
            Placement.id.in_(active)
        )
    ).all()
    ids: Select[tuple[int]] | list[int] = active
    if companies is not None:
        # A batch's ids as a list: the lookups below then go by placement id, not by a
        # subquery the planner may run as a scan per batch.
        ids = [placement.id for placement in placements]
    versions: defaultdict[int, list[Any]] = defaultdict(list)
    for terms in db.session.execute(
        select(
            PlacementTerms.placement_id,
            PlacementTerms.effective_from,
            PlacementTerms.paid_from,
            PlacementTerms.unpaid_from,
            PlacementTerms.unpaid_to,
        )
        .where(PlacementTerms.placement_id.in_(ids))
        .order_by(PlacementTerms.placement_id, PlacementTerms.number)
    ):
        versions[terms.placement_id].append(terms)
    confirmed = {
        (placement_id, week)
        for placement_id, week in db.session.execute(
            select(WeekConfirmation.placement_id, WeekConfirmation.week_start).where(
                WeekConfirmation.placement_id.in_(ids),
                WeekConfirmation.week_start.between(first, last),
            )
        )
    }
    waiting: dict[int, set[date]] = defaultdict(set)
    for placement in placements:
        for week in _open_weeks(placement.ended_on, versions[placement.id], first, last):
            if (placement.id, week) not in confirmed:
                waiting[placement.company_id].add(week)
    return {company: sorted(weeks) for company, weeks in waiting.items()}


def _open_weeks(
    ended_on: date | None, versions: Sequence[Any], first: date, last: date
) -> set[date]:
    """The weeks from `first` to `last` with a day open for hours (ledger.open_on), from
    each terms version's span rather than day by day (versions: PlacementTerms or rows of
    its columns, in number order): a version is in force from its
    effective day until a later-numbered version takes effect (terms.in_force), and only
    up to the day the placement ended."""
    weeks: set[date] = set()
    window_end = last + timedelta(days=6)
    for n, terms in enumerate(versions):
        end = min(
            [window_end]
            + [later.effective_from - timedelta(days=1) for later in versions[n + 1 :]]
            + ([ended_on] if ended_on is not None else [])
        )
        start = max(first, terms.effective_from)
        spans = []
        if terms.paid_from is not None:
            spans.append((max(start, terms.paid_from), end))
        if terms.unpaid_from is not None and terms.unpaid_to is not None:
            spans.append((max(start, terms.unpaid_from), min(end, terms.unpaid_to)))
        for begin, finish in spans:
            week = week_start_of(begin)
            while begin <= finish and week <= finish:
                weeks.add(week)
                week += timedelta(weeks=1)
    return weeks


def companies_with_placements(after: int, size: int) -> list[int]:
    """The next `size` companies (by id, after `after`) with a placement past pending: the
    keyset the weekly run walks, so it never holds the whole country at once."""
    return list(
        db.session.scalars(
            select(Placement.company_id)
            .where(Placement.phase != Phase.PENDING.value, Placement.company_id > after)
            .group_by(Placement.company_id)
            .order_by(Placement.company_id)
            .limit(size)
        )
    )


def send_hour_reminders(now: datetime | None = None, batch_size: int | None = None) -> int:
    """Write this week's reminders; returns how many. Walks the companies in batches of
    `batch_size` (SWEEP_BATCH) and commits each batch, so its memory stays flat at any scale
    and a run that dies part way keeps what it wrote: the next run skips the employers
    already reminded (the unique key (employer, week)) and finishes the rest."""
    now = now or utcnow()
    today = now.astimezone(LOCAL_TZ).date()
    sent_for = week_start_of(today) - timedelta(weeks=1)
    max_age = current_app.config["HOURS_LINK_MAX_AGE"]
    size = batch_size or current_app.config["SWEEP_BATCH"]
    written = 0
    last = 0
    while batch := companies_with_placements(last, size):
        last = batch[-1]
        written += _remind_batch(batch, today, now, sent_for, max_age)
        db.session.commit()
    return written


def _remind_batch(
    companies: list[int], today: date, now: datetime, sent_for: date, max_age: timedelta
) -> int:
    """One batch of companies: their waiting weeks, their employers and who of them already
    has this week's reminder, in five queries; then one reminder per employer not yet
    reminded, all in one INSERT, and their notifications in one more. Flushes."""
    waiting = waiting_weeks(today, companies=companies)
    if not waiting:
        return 0
    staff = db.session.scalars(
        select(User)
        .where(
            User.organisation_id.in_(list(waiting)),
            User.role == Role.EMPLOYER.value,
            User.active,
        )
        .order_by(User.id)
    ).all()
    already = set(
        db.session.scalars(
            select(HourReminder.user_id).where(
                HourReminder.sent_for_week == sent_for,
                HourReminder.company_id.in_(list(waiting)),
            )
        )
    )
    due = [user for user in staff if user.id not in already and user.organisation_id is not None]
    if not due:
        return 0
    # One INSERT for the batch. ON CONFLICT DO NOTHING keeps "once per employer and week"
    # when a second run races this one: RETURNING gives only the rows this run wrote, and
    # only those are told. (One savepoint and flush per reminder took most of a national
    # run's time.)
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    written = dict(
        db.session.execute(
            insert(HourReminder)
            .values(
                [
                    {
                        "user_id": user.id,
                        "company_id": user.organisation_id,
                        "sent_for_week": sent_for,
                        "opens_week": waiting[user.organisation_id][0],
                        "weeks_waiting": len(waiting[user.organisation_id]),
                        "created_at": now,
                        "expires_at": now + max_age,
                    }
                    for user in due
                ]
            )
            .on_conflict_do_nothing(index_elements=["user_id", "sent_for_week"])
            .returning(HourReminder.user_id, HourReminder.id)
        ).all()
    )
    notify_each(
        KIND,
        [
            (
                user,
                (HourReminder.__tablename__, written[user.id]),
                {
                    "week": waiting[user.organisation_id][0].isocalendar().week,
                    "weeks": len(waiting[user.organisation_id]),
                },
            )
            for user in due
            if user.id in written
        ],
    )
    return len(written)


def settle(company_id: int, now: datetime | None = None) -> int:
    """Mark done (read) every unread hours reminder of the company's employers that has
    nothing left to remind of: none of the weeks it covered (its oldest week to the week it
    was sent for) still waits. Called when weeks are confirmed, by any path (the week page,
    a placement's page, the link), so a colleague's confirmation settles everyone's reminder.
    A reminder of several weeks stays until the last of them is confirmed. Flushes; returns
    how many notifications it marked."""
    now = now or utcnow()
    still = waiting_weeks(now.astimezone(LOCAL_TZ).date(), company_id).get(company_id, [])
    unread = db.session.execute(
        select(HourReminder.id, HourReminder.opens_week, HourReminder.sent_for_week)
        .join(
            Notification,
            (Notification.subject_type == HourReminder.__tablename__)
            & (Notification.subject_id == HourReminder.id),
        )
        .where(
            HourReminder.company_id == company_id,
            Notification.kind == KIND,
            Notification.read_at.is_(None),
        )
    ).all()
    done = {
        reminder_id
        for reminder_id, first, last in unread
        if not any(first <= week <= last for week in still)
    }
    if not done:
        return 0
    marked = db.session.execute(
        update(Notification)
        .where(
            Notification.kind == KIND,
            Notification.subject_type == HourReminder.__tablename__,
            Notification.subject_id.in_(done),
            Notification.read_at.is_(None),
        )
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(marked.rowcount or 0)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def token_for(reminder: HourReminder) -> str:
    return _serializer().dumps(reminder.id)


def link_for(reminder: HourReminder) -> str:
    """The link's full address; the composition root names the page that answers it."""
    endpoint = current_app.config["HOURS_LINK_ENDPOINT"]
    return url_for(endpoint, token=token_for(reminder), _external=True)


def reminder_of_token(token: str) -> HourReminder | None:
    """The reminder a link names, whether or not it still works (for the page after use)."""
    try:
        reminder_id = _serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(HourReminder, reminder_id) if isinstance(reminder_id, int) else None


def open_link(token: str, now: datetime | None = None) -> HourReminder:
    """The reminder behind a link, if the link can still confirm."""
    now = now or utcnow()
    max_age = int(current_app.config["HOURS_LINK_MAX_AGE"].total_seconds())
    try:
        reminder_id = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkUnusable(EXPIRED, gone=True) from error
    except BadSignature as error:
        raise LinkUnusable(INVALID) from error
    reminder = db.session.get(HourReminder, reminder_id) if isinstance(reminder_id, int) else None
    if reminder is None:
        raise LinkUnusable(INVALID)
    if reminder.used_at is not None:
        raise LinkUnusable(USED, gone=True)
    if reminder.expires_at <= now:
        raise LinkUnusable(EXPIRED, gone=True)
    user = reminder.user
    if (
        not user.active
        or user.role != Role.EMPLOYER.value
        or user.organisation_id != reminder.company_id
    ):
        raise LinkUnusable(INVALID)
    return reminder


def use_link(reminder: HourReminder, now: datetime | None = None) -> None:
    """Spend the link. The WHERE makes "once" hold when the same link is posted twice at
    once: only one UPDATE finds it unused. Flushes; the caller commits."""
    now = now or utcnow()
    spent = db.session.execute(
        update(HourReminder)
        .where(
            HourReminder.id == reminder.id,
            HourReminder.used_at.is_(None),
            HourReminder.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise LinkUnusable(USED, gone=True)


def _mail_context(notification: Notification) -> dict[str, object] | None:
    reminder = db.session.get(HourReminder, notification.subject_id)
    if reminder is None or reminder.used_at is not None or reminder.expires_at <= utcnow():
        return None  # a link that no longer works is not worth an e-mail
    return {"reminder": reminder, "week_link": link_for(reminder)}


register_kind(
    Kind(
        name="hours_waiting",
        urgent=False,
        subject=_l("Hours to confirm, from week %(week)s"),
        summary=_l(
            "Weeks of hours waiting for your confirmation: %(weeks)s. The oldest is week %(week)s."
        ),
        link=subject_link,
        template="hours_reminder",
        mail_context=_mail_context,
        digest=False,
    )
)

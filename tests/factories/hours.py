"""Builds paid hours and what follows from them: placements with paid hours Tuesday and
Thursday (since MONDAY or another Monday), weeks confirmed, requests to change the hours and
their answers, the prompt to ask for more hours, and the weekly hours reminders with the
notifications they leave."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.agreements.terms import latest_terms, versions_of
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.hours import reminders as hour_reminders
from marketplace.hours.more_hours import worked_planned
from marketplace.models import (
    HourReminder,
    Notification,
    Phase,
    Placement,
    PlacementStep,
    PlacementTerms,
    StepKind,
    User,
)
from marketplace.placements import ladder as placements
from marketplace.placements.steps import hours_change
from marketplace.proposals import lifecycle as proposals
from tests.factories.caseload import new_candidate
from tests.factories.clock import DAYS, MONDAY, NEXT_MONDAY, THIS_WEEK, at_hour, today
from tests.factories.placements import paid_terms


def paid_placement(
    job, consultant, employer, name="Anna Jensen", hours_a_week="6", since: date = MONDAY
):
    """Paid hours Tuesday and Thursday since a Monday three weeks ago (or `since`)."""
    proposal = proposals.propose(job, new_candidate(consultant, name), consultant, "God.")
    proposals.accept(proposal, employer, today())
    return start_paid(proposal, consultant, employer, hours=hours_a_week, since=since)


def start_paid(proposal, consultant, employer, hours="6", since: date = MONDAY, **changes):
    """The accepted proposal's placement, begun a week before MONDAY (or `since`, a Monday),
    with paid hours Tuesday and Thursday from then; `changes` change the paid terms further."""
    began = since - timedelta(days=7)
    placement = placements.start(proposal, employer, Phase.PAID, began, today=began)
    terms = paid_terms(proposal.job, since, hours=hours, weekdays=DAYS, **changes)
    step = placements.propose_step(
        placement, employer, StepKind.PAID, terms, placement.version, today=began
    )
    placements.accept_step(step, consultant, placement.version, today=began)
    return placement


def paid_since(
    job, consultant: User, employer: User, since: date, name: str, hours_a_week: str = "6"
) -> Placement:
    """Paid hours Tuesday and Thursday since `since` (a Monday), agreed before it
    (paid_placement with `since` first)."""
    return paid_placement(job, consultant, employer, name, hours_a_week, since=since)


def confirm(placement, employer, monday=MONDAY, entries=None, **kwargs):
    """The week of `monday` confirmed by `employer`, as planned unless `entries` say."""
    versions = versions_of(placement.id)
    if entries is None:
        entries = hours.planned(placement, versions, monday)
    return hours.confirm_week(placement, employer, monday, entries, versions, **kwargs)


def confirm_weeks(placement: Placement, employer: User, first: date, weeks: int) -> None:
    """Confirm `weeks` weeks from `first` exactly as planned."""
    for n in range(weeks):
        confirm(placement, employer, first + timedelta(weeks=n))
    db.session.flush()


def ask(
    placement: Placement,
    user: User,
    start: date = NEXT_MONDAY,
    hours_a_week: str = "10",
    weekdays: int = DAYS,
    reason: str = "Travlt i julen",
    seen: int | None = None,
) -> PlacementStep:
    """`user` asks to change the paid hours from `start`."""
    current = latest_terms(placement.id)
    change = hours_change(current, start, Decimal(hours_a_week), weekdays, reason)
    return placements.propose_step(
        placement,
        user,
        StepKind.HOURS,
        change,
        placement.version if seen is None else seen,
    )


def answer(step: PlacementStep, user: User, note: str = "") -> PlacementTerms:
    """The request accepted by `user` (with an optional note)."""
    placement = db.session.get(Placement, step.placement_id)
    return placements.accept_step(step, user, placement.version, note=note)


def more_hours_notices(placement: Placement) -> list[int]:
    """The recipients of every prompt to ask for more hours for the placement, in order."""
    return list(
        db.session.scalars(
            select(Notification.recipient_id)
            .where(
                Notification.subject_type == "placements",
                Notification.subject_id == placement.id,
                Notification.kind == "more_hours",
            )
            .order_by(Notification.id)
        )
    )


def due(placement: Placement, on: date) -> bool:
    """Whether the prompt to ask for more hours is due for the placement on `on`."""
    return placement.id in worked_planned(
        [placement], {placement.id: versions_of(placement.id)}, on
    )


# The past weeks of the shared placement (paid since MONDAY) that wait for confirmation.
WAITING_WEEKS = [MONDAY, MONDAY + timedelta(weeks=1), MONDAY + timedelta(weeks=2)]


def remind(now: datetime | None = None) -> int:
    """The weekly hours reminders sent as on this Monday at 6 (or at `now`); how many."""
    written = hour_reminders.send_hour_reminders(now or at_hour(THIS_WEEK, 6))
    db.session.flush()
    return written


def hour_reminders_of(user: User) -> list[HourReminder]:
    """The user's hours reminders, by the week they were sent for."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(HourReminder)
            .where(HourReminder.user_id == user.id)
            .order_by(HourReminder.sent_for_week)
        )
    )


def the_hour_reminder(user: User) -> HourReminder:
    """The user's one hours reminder."""
    [reminder] = hour_reminders_of(user)
    return reminder


def hours_waiting_notices(user: User) -> list[Notification]:
    """The user's notifications of hours waiting (the reminder's), in order."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.recipient_id == user.id, Notification.kind == "hours_waiting")
            .order_by(Notification.id)
        )
    )

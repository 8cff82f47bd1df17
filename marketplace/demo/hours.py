"""Demo weeks of hours (JOURNEYS.md, journey 4): past weeks of the demo placements confirmed as
planned, the last one left waiting, one day corrected with a reason, and one request for more
hours waiting for the jobcentre's answer."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.agreements.terms import latest_terms, versions_of
from marketplace.clock import local_today
from marketplace.companies.staff import company_staff
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import HourKind, Job, Phase, Placement, StepKind, WeekConfirmation
from marketplace.placements import ladder as placements
from marketplace.placements.steps import hours_change

WEEKS_BACK = 6
MORE_HOURS_JOB = "Pakning af juletræer"  # the demo placement with paid hours only


def ensure_hours() -> int:
    if db.session.scalar(select(WeekConfirmation.id).limit(1)) is not None:
        return 0  # loaded already
    today = local_today()
    last_week = hours.week_start_of(today) - timedelta(days=7)
    added = 0
    corrected = False
    placements = db.session.scalars(
        select(Placement).where(Placement.phase.not_in([Phase.PENDING.value]))
    ).all()
    for placement in placements:
        employer = company_staff(placement.company_id)[0]
        versions = versions_of(placement.id)
        # Every past week but the last is confirmed; the last waits for the employer.
        for n in range(WEEKS_BACK, 1, -1):
            monday = last_week - timedelta(days=7 * (n - 1))
            plan = hours.planned(placement, versions, monday)
            plan = {key: value for key, value in plan.items() if key[0] <= today}
            if not plan:
                continue
            hours.confirm_week(placement, employer, monday, plan, versions, today=today)
            added += 1
            if not corrected and any(kind == HourKind.PAID for _, kind in plan):
                day, kind = min(key for key in plan if key[1] == HourKind.PAID)
                hours.correct(
                    placement,
                    employer,
                    day,
                    kind,
                    plan[(day, kind)] - Decimal("0.5"),
                    "Gik en halv time før; rettet efter samtale.",
                    versions,
                    today=today,
                )
                corrected = True
    _request_more_hours(today)
    return added


def _request_more_hours(today: date) -> None:
    """The packing company asks for more hours before Christmas; the consultant answers."""
    placement = db.session.scalar(
        select(Placement)
        .join(Job, Job.id == Placement.job_id)
        .where(Job.title == MORE_HOURS_JOB, Placement.phase == Phase.PAID.value)
    )
    if placement is None:
        return
    current = latest_terms(placement.id)
    employer = company_staff(placement.company_id)[0]
    request = hours_change(
        current,
        hours.week_start_of(today) + timedelta(weeks=1),
        Decimal(current.paid_hours) + 4,
        current.paid_weekdays,
        "Travlt med juletræer frem til jul, og hun vil gerne have flere timer.",
    )
    placements.propose_step(
        placement, employer, StepKind.HOURS, request, placement.version, today=today
    )

"""Demo weeks of hours (JOURNEYS.md, journey 4): past weeks of the demo placements confirmed as
planned, the last one left waiting, and one day corrected with a reason."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace import hours
from marketplace.extensions import db
from marketplace.jobs import local_today
from marketplace.ladder_terms import versions_of
from marketplace.models import HourKind, Phase, Placement, WeekConfirmation
from marketplace.proposals import company_staff

WEEKS_BACK = 6


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
    return added

"""Demo weeks of hours (JOURNEYS.md, journeys 4 and 5): past weeks of the demo placements
confirmed as planned, the last one left waiting (several people's at Vestjysk Emballage, for
Sofie's Friday), one day corrected with a reason, a question about a week that the company
answered, one placement whose every week is confirmed as planned (the nudge to ask for more
hours), one whose last two weeks the company has not confirmed (the stuck list), and one
request for more hours waiting for the jobcentre's answer."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.agreements.terms import latest_terms, versions_of
from marketplace.clock import local_today
from marketplace.companies.staff import company_staff
from marketplace.demo.data import FLAG, MORE_HOURS_DUE, UNCONFIRMED
from marketplace.extensions import db
from marketplace.hours import flags
from marketplace.hours import ledger as hours
from marketplace.models import (
    CandidateIdentity,
    HourKind,
    Job,
    Phase,
    Placement,
    StepKind,
    WeekConfirmation,
)
from marketplace.placements import ladder as placements
from marketplace.placements.steps import hours_change

WEEKS_BACK = 6
MORE_HOURS_JOB = "Pakning af juletræer"  # the demo placement with paid hours only
FLAG_WEEKS_BACK = 3  # the flagged week: confirmed, with one hour on its Wednesday


def _placement_of(reference: str, title: str) -> Placement | None:
    return db.session.scalar(
        select(Placement)
        .join(CandidateIdentity, CandidateIdentity.candidate_id == Placement.candidate_id)
        .join(Job, Job.id == Placement.job_id)
        .where(CandidateIdentity.case_reference == reference, Job.title == title)
    )


def ensure_hours() -> int:
    if db.session.scalar(select(WeekConfirmation.id).limit(1)) is not None:
        return 0  # loaded already
    today = local_today()
    last_week = hours.week_start_of(today) - timedelta(days=7)
    added = 0
    corrected = False
    placements = db.session.scalars(
        select(Placement)
        .where(Placement.phase.not_in([Phase.PENDING.value]))
        .order_by(Placement.id)
    ).all()
    nudged = _placement_of(MORE_HOURS_DUE[0], MORE_HOURS_DUE[1])
    silent = _placement_of(*UNCONFIRMED)
    flagged = _placement_of(FLAG[0], "Pakning ved pakkelinjen")
    flag_week = hours.week_start_of(today) - timedelta(weeks=FLAG_WEEKS_BACK)
    for placement in placements:
        employer = company_staff(placement.company_id)[0]
        versions = versions_of(placement.id)
        # Every past week but the last is confirmed; the last waits for the employer, except
        # where every week was worked as planned (the nudge to ask for more hours), and the
        # last two wait where the company has gone quiet (the stuck list).
        last = 1 if placement == nudged else 3 if placement == silent else 2
        for n in range(WEEKS_BACK, last - 1, -1):
            monday = last_week - timedelta(days=7 * (n - 1))
            plan = hours.planned(placement, versions, monday)
            plan = {key: value for key, value in plan.items() if key[0] <= today}
            if not plan:
                continue
            if placement == flagged and monday == flag_week:
                wednesday = monday + timedelta(days=2)  # the pakkeri closed early that day
                plan = {k: Decimal(1) if k[0] == wednesday else v for k, v in plan.items()}
            hours.confirm_week(placement, employer, monday, plan, versions, today=today)
            added += 1
            if placement == nudged:
                continue  # corrected down, the streak would be broken
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
    if flagged is not None:
        _answered_flag(flagged, flag_week)
    _request_more_hours(today)
    return added


def _answered_flag(placement: Placement, week: date) -> None:
    """Jonas asks about the short Wednesday; Sofie answers (journey 4)."""
    _reference, comment, answer = FLAG
    consultant = placement.candidate.consultant
    flag = flags.flag_week(placement, consultant, week, comment)
    flags.answer_flag(placement, flag, company_staff(placement.company_id)[0], answer)


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

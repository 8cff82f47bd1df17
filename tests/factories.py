"""Builders of domain data, defined once for every test module (issue 13).

Organisations and people:
- make_jobcentre, make_company, make_user, make_workplace, make_job: one row each, straight
  in the database (the conftest fixtures of the same names return these functions).
- new_candidate: a candidate ("Anna Jensen") created through the caseload's domain function.
- person: a candidate whose every text carries a tag (the retention sentinel by default).

The ladder (a placement's steps):
- today, in_days: the local date, and a day that many days from it.
- ladder_job: a published job that offers every first step unless told otherwise.
- accepted_proposal: a new candidate proposed to a job and accepted by the company.
- praktik_terms, paid_terms: the terms of a praktik step and of a paid-hours step.
- at_trial: the accepted proposal's placement, begun as a trial visit.
- agree_praktik, agree_paid: a praktik (or paid hours) proposed by one side and accepted.
- notices, step_count: the notifications about a placement, and how many steps it has.
- hours_requests, terms_count: how many requests to change the hours, and terms versions.
- refused_field: an action refused (for a field) that saves nothing.
- rules_data: a jobcentre's ladder rules as data, the defaults with some changed.

Hours:
- MONDAY: a Monday three weeks ago, where paid hours begin.
- paid_placement, start_paid: paid hours Tuesday and Thursday since MONDAY.
- paid_since: paid hours Tuesday and Thursday since any Monday.
- confirm, confirm_weeks: a week (or several) confirmed as planned or as given.
- ask, answer: a request to change the paid hours a week, and its acceptance.
- more_hours_notices, due, noon: the prompt to ask for more hours, and when it is due.

Retention:
- whole_case: a closed candidate with the sentinel in every text the case reaches.
- later, TEN_YEARS: a moment past the retention periods (five years, ten years).
- holding: every (table, column, value) of the database that holds one of the needles.

Placements through the pages:
- candidate_with_phone, CANDIDATE_NAME, CANDIDATE_PHONE: a candidate with a name and phone
  number no page shows by accident.
- start_placement: a placement at a trial visit (or praktik first), made in a request.
- propose_praktik, offer_paid, agree: a step proposed, or accepted, in a request.

The weekly hours reminder:
- WAITING_WEEKS: the shared placement's past weeks waiting for confirmation.
- remind, at_hour: the reminders sent (this Monday at 6, or at a given moment).
- hour_reminders_of, the_hour_reminder, hours_waiting_notices: a user's reminders, the one
  reminder, the notifications of hours waiting.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, insert, inspect, select, text

from marketplace.agreements.rules import RulesData
from marketplace.agreements.terms import latest_terms, versions_of
from marketplace.caseload.candidates import CandidateData, create_candidate, set_status
from marketplace.clock import LOCAL_TZ, local_today, utcnow
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.hours import flags as hour_flags
from marketplace.hours import ledger as hours
from marketplace.hours import reminders as hour_reminders
from marketplace.hours.more_hours import worked_planned
from marketplace.models import (
    CATEGORY_BITS,
    Candidate,
    CandidateStatus,
    Company,
    ConsentMethod,
    DeclineReason,
    EndReason,
    HourKind,
    HourReminder,
    Job,
    Jobcentre,
    JobStatus,
    Notification,
    OrgKind,
    Phase,
    Placement,
    PlacementStep,
    PlacementTerms,
    Proposal,
    Purpose,
    Role,
    StepKind,
    User,
    Weekday,
    Workplace,
)
from marketplace.placements import ladder as placements
from marketplace.placements.ladder import StepTerms
from marketplace.placements.steps import hours_change
from marketplace.privacy import disclosure
from marketplace.proposals import lifecycle as proposals
from tests.support import valid_cvr

PASSWORD = "correct horse battery staple"
DAYS = int(Weekday.TUE | Weekday.THU)
MON_WED_FRI = int(Weekday.MON | Weekday.WED | Weekday.FRI)


# --- Organisations and people ---------------------------------------------------------------


def make_jobcentre(municipality_code: int = 760, name: str | None = None) -> Jobcentre:
    """A jobcentre of a municipality (Ringkøbing-Skjern by default)."""
    jobcentre = Jobcentre(
        name=name or f"Jobcenter {municipality_code}", municipality_code=municipality_code
    )
    db.session.add(jobcentre)
    db.session.flush()
    return jobcentre


def make_company(name: str = "Brugsen Skjern", **fields: Any) -> Company:
    """A company with a valid CVR number in Skjern."""
    values = {
        "cvr": valid_cvr(),
        "address": "Storegade 12",
        "postcode": "6900",
        "city": "Skjern",
        "municipality_code": 760,
        "employee_count": 14,
        **fields,
    }
    company = Company(name=name, **values)
    db.session.add(company)
    db.session.flush()
    return company


_user_numbers = itertools.count(1)


def make_user(
    organisation: Company | Jobcentre,
    role: Role | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    **fields: Any,
) -> User:
    """A user of the organisation: an employer of a company, a consultant of a jobcentre
    unless `role` says otherwise; the password is PASSWORD unless given."""
    from marketplace.accounts.passwords import hash_password

    role = role or (Role.EMPLOYER if isinstance(organisation, Company) else Role.CONSULTANT)
    user = User(
        organisation_id=organisation.id,
        org_kind=OrgKind.COMPANY.value
        if isinstance(organisation, Company)
        else OrgKind.JOBCENTRE.value,
        role=role.value,
        email=email or f"{role.value}{next(_user_numbers)}-{organisation.id}@test.example",
        name=fields.pop("name", f"Test {role.value.title()}"),
        password_hash=hash_password(password),
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user


# Four digits of a p-number (ten digits in all): numbers 1 to 9999 in turn.
_workplace_numbers = itertools.cycle(range(1, 10_000))


def make_workplace(company: Company, **fields: Any) -> Workplace:
    """A workplace (production unit) of the company, at the company's address."""
    values = {
        "name": f"{company.name}, butik",
        "p_number": f"1{company.id:05d}{next(_workplace_numbers):04d}",
        "address": company.address,
        "postcode": company.postcode,
        "city": company.city,
        "municipality_code": company.municipality_code,
        **fields,
    }
    workplace = Workplace(company_id=company.id, **values)
    db.session.add(workplace)
    db.session.flush()
    return workplace


def make_job(
    company: Company, author: User, workplace: Workplace | None = None, **fields: Any
) -> Job:
    """A job straight in the database (published by default), bypassing the form."""
    workplace = workplace or make_workplace(company)
    status = fields.pop("status", JobStatus.PUBLISHED.value)
    values = {
        "title": "Opfyldning af varer",
        "description": "Varer på hylderne tirsdag og torsdag morgen.",
        "task_lines": ["Fylde hylder", "Tjekke datoer"],
        "category": "retail",
        "hours_per_week": Decimal("6"),
        "weekdays": int(Weekday.TUE | Weekday.THU),
        "start_date": local_today() + timedelta(days=7),
        "hourly_wage": Decimal("140.00"),
        "agreement_wage": Decimal("135.00"),
        "contact_name": "Hanne Kjær",
        **fields,
    }
    job = Job(
        company_id=company.id,
        workplace_id=workplace.id,
        municipality_code=workplace.municipality_code,
        created_by_id=author.id,
        status=status,
        published_at=utcnow() if status != JobStatus.DRAFT.value else None,
        **values,
    )
    if status == JobStatus.CLOSED.value:
        job.closed_at = utcnow()
        job.close_reason = "no_longer_needed"
    db.session.add(job)
    db.session.flush()
    return job


def new_candidate(consultant: User, name: str = "Anna Jensen") -> Candidate:
    """A candidate for shop work, Tuesday and Thursday, created by the consultant."""
    return create_candidate(
        consultant,
        CandidateData(
            full_name=name,
            job_goal="Butik",
            hours_min=Decimal(2),
            hours_max=Decimal(20),
            municipality_code=760,
            postcode="6900",
            wished_categories=CATEGORY_BITS["retail"],
            available_weekdays=DAYS,
            danish_level="fluent",
        ),
    )


# --- The ladder -----------------------------------------------------------------------------


def today() -> date:
    return local_today()


def in_days(days: int) -> date:
    return local_today() + timedelta(days=days)


def accepted_proposal(
    job: Job, consultant: User, employer: User, name: str = "Anna Jensen"
) -> Proposal:
    """A new candidate proposed to the job and accepted by the company from tomorrow."""
    proposal = proposals.propose(job, new_candidate(consultant, name), consultant, "God til hylder")
    proposals.accept(proposal, employer, in_days(1))
    return proposal


def ladder_job(make_job: Callable[..., Job], employer: User, **fields: object) -> Job:
    """A job that offers every first step unless told otherwise."""
    values = {"offers_trial_visit": True, "offers_praktik": True, "offers_paid_direct": True}
    return make_job(employer.organisation, employer, **{**values, **fields})


def praktik_terms(
    job: Job, start: date, days: int = 28, hours: str = "6", **changes: object
) -> StepTerms:
    """Praktik for `days` days from `start`, Tuesday and Thursday, with a mentor."""
    terms = StepTerms(
        start_on=start,
        end_on=start + timedelta(days=days - 1),
        hours=Decimal(hours),
        weekdays=DAYS,
        tasks=("Fylde hylder", "Tjekke datoer"),
        workplace_id=job.workplace_id,
        mentor_name="Ole Mentor",
        purposes=int(Purpose.TOWARDS_HOURS | Purpose.TRAIN_SKILLS),
    )
    return replace(terms, **changes)


def paid_terms(job: Job, start: date, hours: str = "3", **changes: object) -> StepTerms:
    """Paid hours on Fridays from `start`, at the job's wage."""
    terms = StepTerms(
        start_on=start,
        hours=Decimal(hours),
        weekdays=int(Weekday.FRI),
        tasks=("Kasse",),
        workplace_id=job.workplace_id,
        hourly_wage=job.hourly_wage,
    )
    return replace(terms, **changes)


def at_trial(proposal: Proposal, employer: User, first: int = 1, last: int = 5) -> Placement:
    """The proposal's placement, a trial visit from `first` to `last` days from today."""
    return placements.start(proposal, employer, Phase.TRIAL, in_days(first), in_days(last))


def agree_praktik(
    placement: Placement, consultant: User, employer: User, terms: StepTerms
) -> PlacementTerms:
    """Praktik proposed by the consultant and accepted by the company."""
    step = placements.propose_step(
        placement, consultant, StepKind.PRAKTIK, terms, placement.version
    )
    return placements.accept_step(step, employer, placement.version)


def agree_paid(
    placement: Placement, employer: User, consultant: User, terms: StepTerms
) -> PlacementTerms:
    """Paid hours offered by the company and confirmed by the consultant."""
    step = placements.propose_step(placement, employer, StepKind.PAID, terms, placement.version)
    return placements.accept_step(step, consultant, placement.version)


def notices(placement: Placement) -> list[tuple[int, str]]:
    """(recipient, kind) of every notification about the placement, in order."""
    return [
        (row.recipient_id, row.kind)
        for row in db.session.scalars(
            select(Notification)
            .where(
                Notification.subject_type == "placements",
                Notification.subject_id == placement.id,
            )
            .order_by(Notification.id)
        )
    ]


def rules_data(**changes: object) -> RulesData:
    """The default ladder rules as data, with `changes`."""
    values = {
        "trial_max_days": 14,
        "praktik_max_weeks": 13,
        "praktik_extended_max_weeks": 26,
        "max_hours_per_week": Decimal(37),
        "employees_per_praktik": 5,
    }
    return RulesData(**{**values, **changes})  # type: ignore[arg-type]


def step_count(placement: Placement) -> int:
    return db.session.scalar(
        select(func.count(PlacementStep.id)).where(PlacementStep.placement_id == placement.id)
    )


def hours_requests(placement: Placement) -> int:
    """How many requests to change the hours the placement has had."""
    return db.session.scalar(
        select(func.count(PlacementStep.id)).where(
            PlacementStep.placement_id == placement.id, PlacementStep.kind == "hours"
        )
    )


def terms_count(placement: Placement) -> int:
    return db.session.scalar(
        select(func.count(PlacementTerms.id)).where(PlacementTerms.placement_id == placement.id)
    )


def refused_field(action: Callable[[], object], field: str | None) -> DomainError:
    """The action is refused (for the field named) and saves nothing, as the route rolls
    back: the step count and the terms are what they were."""
    savepoint = db.session.begin_nested()
    with pytest.raises(DomainError) as refused:
        action()
    savepoint.rollback()
    assert refused.value.field == field, refused.value.message
    return refused.value


# --- Hours ----------------------------------------------------------------------------------

MONDAY = hours.week_start_of(today()) - timedelta(days=21)  # three weeks ago
THIS_WEEK = hours.week_start_of(today())
NEXT_MONDAY = THIS_WEEK + timedelta(days=7)


def paid_placement(job, consultant, employer, name="Anna Jensen", hours_a_week="6"):
    """Paid hours Tuesday and Thursday since a Monday three weeks ago."""
    proposal = proposals.propose(job, new_candidate(consultant, name), consultant, "God.")
    proposals.accept(proposal, employer, today())
    return start_paid(proposal, consultant, employer, hours=hours_a_week)


def start_paid(proposal, consultant, employer, hours="6", **changes):
    """The accepted proposal's placement, begun a week before MONDAY, with paid hours
    Tuesday and Thursday from MONDAY; `changes` change the paid terms further."""
    began = MONDAY - timedelta(days=7)
    placement = placements.start(proposal, employer, Phase.PAID, began, today=began)
    terms = paid_terms(
        proposal.job, MONDAY, hours=hours, weekdays=int(Weekday.TUE | Weekday.THU), **changes
    )
    step = placements.propose_step(
        placement, employer, StepKind.PAID, terms, placement.version, today=began
    )
    placements.accept_step(step, consultant, placement.version, today=began)
    return placement


def confirm(placement, employer, monday=MONDAY, entries=None, **kwargs):
    """The week of `monday` confirmed by `employer`, as planned unless `entries` say."""
    versions = versions_of(placement.id)
    if entries is None:
        entries = hours.planned(placement, versions, monday)
    return hours.confirm_week(placement, employer, monday, entries, versions, **kwargs)


def paid_since(
    job, consultant: User, employer: User, since: date, name: str, hours_a_week: str = "6"
) -> Placement:
    """Paid hours Tuesday and Thursday since `since` (a Monday), agreed before it."""
    proposal = proposals.propose(job, new_candidate(consultant, name), consultant, "God.")
    proposals.accept(proposal, employer, today())
    began = since - timedelta(days=7)
    placement = placements.start(proposal, employer, Phase.PAID, began, today=began)
    terms = paid_terms(job, since, hours=hours_a_week, weekdays=DAYS)
    step = placements.propose_step(
        placement, employer, StepKind.PAID, terms, placement.version, today=began
    )
    placements.accept_step(step, consultant, placement.version, today=began)
    return placement


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


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=LOCAL_TZ)


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


# --- Retention ------------------------------------------------------------------------------

SENTINEL = "qzsntl"  # every text of the case carries it; searched case-insensitively
PHONE = "29 47 18 36"
AGED = timedelta(days=61 * 31)  # more than 60 months on
TEN_YEARS = timedelta(days=121 * 31)  # more than 120 months on: the hour figures are due


def later(months_days: timedelta = AGED) -> datetime:
    """A moment `months_days` from now (by default past the five-year rules)."""
    return utcnow() + months_days


def person(consultant: User, tag: str = SENTINEL, closed: bool = False) -> Candidate:
    """A candidate with `tag` in every text of the profile (and the phone number when the
    tag is the sentinel), closed if asked."""
    candidate = create_candidate(
        consultant,
        CandidateData(
            full_name=f"{tag.title()}anna {tag.title()}jensen",
            phone=PHONE if tag == SENTINEL else "",
            email=f"{tag}.mail@example.dk",
            case_reference=f"{tag.upper()}-77",
            job_goal=f"{tag} butik",
            hours_min=Decimal(2),
            hours_max=Decimal(20),
            municipality_code=760,
            postcode="6900",
            wished_categories=CATEGORY_BITS["retail"],
            tasks_can_do=(f"{tag} hylder",),
            available_weekdays=int(Weekday.TUE | Weekday.THU),
            available_times=f"{tag} formiddag",
            languages=f"{tag} dansk",
            danish_level="fluent",
            earlier_work=f"{tag} lager",
            no_heavy_lifting=True,
            lifting_max_kg=10,
            other_limitations=f"{tag} korte pauser",
            consultant_note=f"{tag} note",
        ),
    )
    if closed:
        set_status(candidate, CandidateStatus.CLOSED)
    return candidate


def log_access(candidate: Candidate, viewer: User) -> None:
    """One row of the citizen's access log (its table, when the schema has it)."""
    table = db.metadata.tables.get("access_log")
    if table is not None:
        db.session.execute(
            insert(table).values(
                candidate_id=candidate.id,
                viewer_id=viewer.id,
                organisation_id=viewer.organisation_id,
                purpose="case_work",
                seen="profile",
                at=utcnow(),
            )
        )


def whole_case(make_job: Callable[..., Job], consultant: User, employer: User) -> Candidate:
    """A candidate with the sentinel in every text the case reaches, then closed."""
    s = SENTINEL
    job = ladder_job(make_job, employer, title="Opfyldning")
    other_job = ladder_job(make_job, employer, title="Kasse")
    candidate = person(consultant)
    # A declined proposal with the company's note.
    declined = proposals.propose(other_job, candidate, consultant, f"{s} pitch to")
    proposals.decline(declined, employer, DeclineReason.OTHER, f"{s} decline note")
    # An accepted one, a consent with a note, a placement with paid hours.
    proposal = proposals.propose(job, candidate, consultant, f"{s} pitch")
    proposals.accept(proposal, employer, today())
    disclosure.record_consent(proposal, consultant, ConsentMethod.IN_PERSON, f"{s} consent note")
    placement = start_paid(
        proposal, consultant, employer, tasks=(f"{s} kasse",), mentor_name=f"{s} mentor"
    )
    # A confirmed week with a day note, a corrected day with its reason.
    versions = versions_of(placement.id)
    planned = hours.planned(placement, versions, MONDAY)
    tuesday = MONDAY + timedelta(days=1)
    hours.confirm_week(
        placement,
        employer,
        MONDAY,
        planned,
        versions,
        notes={(tuesday, HourKind.PAID): f"{s} day note"},
    )
    hours.correct(
        placement, employer, tuesday, HourKind.PAID, Decimal("2.5"), f"{s} reason", versions
    )
    # The jobcentre questions the week; the company answers.
    flag = hour_flags.flag_week(placement, consultant, MONDAY, f"{s} flag comment")
    hour_flags.answer_flag(placement, flag, employer, f"{s} flag answer")
    # A request to change the hours, declined with a note.
    change = hours_change(
        latest_terms(placement.id),
        hours.week_start_of(today()) + timedelta(days=7),
        Decimal(8),
        int(Weekday.TUE | Weekday.THU),
        f"{s} hours reason",
    )
    request = placements.propose_step(
        placement, employer, StepKind.HOURS, change, placement.version
    )
    placements.refuse_step(request, consultant, f"{s} answer note", placement.version)
    # A notification whose stored text names the person (as a future kind might).
    db.session.add(
        Notification(
            recipient_id=consultant.id,
            recipient_email=consultant.email,
            kind="proposal_accepted",
            subject_type="proposals",
            subject_id=proposal.id,
            params={"company": f"{s} in a notification", "job": "x", "start": "y"},
        )
    )
    log_access(candidate, consultant)
    placements.end(
        placement, employer, EndReason.COMPLETED, f"{s} end note", today(), placement.version
    )
    set_status(candidate, CandidateStatus.CLOSED)
    db.session.flush()
    return candidate


def every_value() -> list[tuple[str, str, str]]:
    """(table, column, value) of every non-null value of every table, as lower-case text."""
    connection = db.session.connection()
    found = []
    for table in inspect(connection).get_table_names():
        if table == "alembic_version":
            continue
        result = connection.execute(text(f'SELECT * FROM "{table}"'))
        columns = list(result.keys())
        for row in result:
            for column, value in zip(columns, row, strict=True):
                if value is not None:
                    found.append((table, column, str(value).lower()))
    return found


def holding(*needles: str) -> list[tuple[str, str, str]]:
    """Every (table, column, value) holding one of the needles (spaces ignored too)."""
    digits = [n.replace(" ", "") for n in needles]
    return [
        (table, column, value)
        for table, column, value in every_value()
        if any(n in value or n in value.replace(" ", "") for n in (*needles, *digits))
    ]


# --- Placements through the pages -----------------------------------------------------------

# A name and phone number no page shows by accident: the placement and access tests search
# every page for them (the company reads a pseudonym until the person consents).
CANDIDATE_NAME, CANDIDATE_PHONE = "Zyxwvu Qwertyson", "98 76 54 32"


def candidate_with_phone(
    consultant: User, full_name: str = CANDIDATE_NAME, phone: str = CANDIDATE_PHONE
) -> Candidate:
    """A candidate for shop work with a phone number (new_candidate has none)."""
    return create_candidate(
        consultant,
        CandidateData(
            full_name=full_name,
            phone=phone,
            job_goal="Butik om morgenen",
            hours_min=Decimal(3),
            hours_max=Decimal(20),
            municipality_code=760,
            postcode="6900",
            wished_categories=CATEGORY_BITS["retail"],
            available_weekdays=DAYS,
            danish_level="fluent",
        ),
    )


def start_placement(
    app: Flask,
    job: Job,
    consultant: User,
    employer: User,
    candidate: Candidate | None = None,
    first: Phase = Phase.TRIAL,
    consent: bool = False,
    start: int = 1,
) -> Placement:
    """A placement made by the domain functions, in a request as the pages make it: at a
    trial visit `start` days from today (two days long), or with praktik first (pending);
    with consent in force if asked."""
    with app.test_request_context():
        proposal = proposals.propose(
            job, candidate or candidate_with_phone(consultant), consultant, "God til hylder."
        )
        proposals.accept(proposal, employer, in_days(start))
        placement = placements.start(proposal, employer, first, in_days(start), in_days(start + 1))
        if consent:
            disclosure.record_consent(proposal, consultant, ConsentMethod.PHONE)
    db.session.flush()
    return placement


def propose_praktik(app: Flask, placement: Placement, by: User, terms: StepTerms) -> PlacementStep:
    """A praktik agreement proposed by `by`, in a request."""
    with app.test_request_context():
        step = placements.propose_step(placement, by, StepKind.PRAKTIK, terms, placement.version)
    db.session.flush()
    return step


def offer_paid(app: Flask, placement: Placement, by: User, terms: StepTerms) -> PlacementStep:
    """Paid hours offered by `by`, in a request."""
    with app.test_request_context():
        step = placements.propose_step(placement, by, StepKind.PAID, terms, placement.version)
    db.session.flush()
    return step


def agree(app: Flask, step: PlacementStep, by: User) -> PlacementTerms:
    """The step accepted by `by`, in a request."""
    with app.test_request_context():
        placement = db.session.get(Placement, step.placement_id)
        terms = placements.accept_step(step, by, placement.version)
    db.session.flush()
    return terms


# --- The weekly hours reminder --------------------------------------------------------------

# The past weeks of the shared placement (paid since MONDAY) that wait for confirmation.
WAITING_WEEKS = [MONDAY, MONDAY + timedelta(weeks=1), MONDAY + timedelta(weeks=2)]


def at_hour(monday: date, hour: int, days: int = 0) -> datetime:
    """A moment of the week of `monday`, local time, as the task receives it (UTC)."""
    return datetime.combine(monday + timedelta(days=days), time(hour), LOCAL_TZ).astimezone(UTC)


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

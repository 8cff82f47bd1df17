"""Builds what the retention and access-log tests search: a person whose every text carries a
tag (SENTINEL), a whole closed case reaching every table, a row of the access log, a line of
the erasure log, a moment past the retention periods (later, AGED, TEN_YEARS), and every
value the database holds (every_value, holding)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, inspect, select, text

from marketplace.agreements.terms import versions_of
from marketplace.caseload.candidates import CandidateData, create_candidate, set_status
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.hours import flags as hour_flags
from marketplace.hours import ledger as hours
from marketplace.models import (
    CATEGORY_BITS,
    Candidate,
    CandidateStatus,
    ConsentMethod,
    DeclineReason,
    EndReason,
    ErasureRecord,
    HourKind,
    Job,
    Notification,
    RetentionRule,
    User,
)
from marketplace.placements import ladder as placements
from marketplace.privacy import disclosure
from marketplace.proposals import lifecycle as proposals
from tests.factories.clock import DAYS, MONDAY, today
from tests.factories.hours import ask, confirm, start_paid
from tests.factories.jobs import ladder_job

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
            available_weekdays=DAYS,
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


def erasure_record(jobcentre_id: int, people: int = 1, minutes_ago: int = 0) -> ErasureRecord:
    """One line of a jobcentre's erasure log: the identity rule applied to `people`."""
    rule = db.session.scalar(select(RetentionRule).where(RetentionRule.kind == "identity"))
    record = ErasureRecord(
        rule_id=rule.id,
        kind=rule.kind,
        action=rule.action,
        jobcentre_id=jobcentre_id,
        people=people,
        run_at=utcnow() - timedelta(minutes=minutes_ago),
    )
    db.session.add(record)
    db.session.flush()
    return record


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
    tuesday = MONDAY + timedelta(days=1)
    confirm(placement, employer, notes={(tuesday, HourKind.PAID): f"{s} day note"})
    versions = versions_of(placement.id)
    hours.correct(
        placement, employer, tuesday, HourKind.PAID, Decimal("2.5"), f"{s} reason", versions
    )
    # The jobcentre questions the week; the company answers.
    flag = hour_flags.flag_week(placement, consultant, MONDAY, f"{s} flag comment")
    hour_flags.answer_flag(placement, flag, employer, f"{s} flag answer")
    # A request to change the hours, declined with a note.
    request = ask(placement, employer, hours_a_week="8", reason=f"{s} hours reason")
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

"""Demo data: a believable small town in Vestjylland (see ../shared/JOURNEYS.md).

Idempotent: every row is looked up by its natural key first, so running it again adds nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from marketplace.accounts.passwords import hash_password
from marketplace.accounts.signup import tell_the_jobcentre
from marketplace.caseload.candidates import CandidateData, create_candidate, set_status
from marketplace.clock import local_today, utcnow
from marketplace.companies import staff
from marketplace.companies.profiles import WorkplaceData, save_workplace
from marketplace.demo.data import (
    CANDIDATES,
    COMPANIES,
    DEMO_PASSWORD,
    JOBCENTRE,
    JOBCENTRE_USERS,
    JOBS,
    PROPOSALS,
    WORKPLACES,
    DemoUser,
)
from marketplace.demo.hours import ensure_hours
from marketplace.demo.placements import ensure_placements, new_demo_proposal
from marketplace.extensions import db
from marketplace.jobs.postings import JobData, close_job, create_job
from marketplace.models import (
    CATEGORY_BITS,
    CandidateIdentity,
    CandidateStatus,
    CloseReason,
    Company,
    DeclineReason,
    Job,
    Jobcentre,
    OrgKind,
    ProposalStatus,
    User,
    Workplace,
)
from marketplace.proposals import lifecycle as proposals


def _ensure_workplace(company: Company) -> tuple[Workplace, int]:
    found = db.session.scalar(select(Workplace).where(Workplace.company_id == company.id))
    if found is not None:
        return found, 0
    name, p_number, address, postcode, city = WORKPLACES[company.cvr]
    workplace = save_workplace(
        company,
        WorkplaceData(name, p_number, address, postcode, city, company.municipality_code),
    )
    return workplace, 1


def _ensure_jobs(company: Company, workplace: Workplace, author: User) -> int:
    added = 0
    for cvr, title, status, fields in JOBS:
        if cvr != company.cvr:
            continue
        exists_already = select(Job.id).where(Job.company_id == company.id, Job.title == title)
        if db.session.scalar(exists_already) is not None:
            continue
        values = dict(fields)
        end_days = values.pop("end_days", None)
        start = local_today() + timedelta(days=7)
        data = JobData(
            title=title,
            workplace_id=workplace.id,
            start_date=start,
            end_date=start + timedelta(days=end_days) if end_days else None,
            hourly_wage=Decimal("142.50"),
            agreement_wage=Decimal("135.00"),
            wage_agreement_name="Overenskomst for området",
            contact_name=author.name,
            **values,  # type: ignore[arg-type]
        )
        job = create_job(company, author, data, publish=status != "draft")
        if status == "closed":
            close_job(job, CloseReason.FILLED_ELSEWHERE, "Besat af en tidligere medarbejder.")
        added += 1
    return added


def _ensure_candidates(jobcentre: Jobcentre) -> int:
    added = 0
    for spec in CANDIDATES:
        values = dict(spec)
        reference = str(values["case_reference"])
        known = select(CandidateIdentity.candidate_id).where(
            CandidateIdentity.case_reference == reference
        )
        if db.session.scalar(known) is not None:
            continue
        consultant = db.session.scalar(select(User).where(User.email == values.pop("consultant")))
        status = values.pop("status", None)
        categories = values.pop("wished_categories")
        data = CandidateData(
            municipality_code=jobcentre.municipality_code,
            wished_categories=sum(CATEGORY_BITS[c] for c in categories),  # type: ignore[attr-defined]
            **values,  # type: ignore[arg-type]
        )
        candidate = create_candidate(consultant, data)
        # Registered long before the demo's placements, as the case references say: the
        # leader's figures (/jobcentre/figures) then count everyone in each of the 12 months.
        candidate.created_at = utcnow() - timedelta(days=REGISTERED_DAYS_AGO)
        if status:
            set_status(candidate, CandidateStatus(status))
        added += 1
    return added


REGISTERED_DAYS_AGO = 400


# Karin's first proposal, declined: over the 30 days of a candidate without a solution.
LONG_AGO_DAYS = 45


def _ensure_proposals() -> int:

    added = 0
    for reference, title, stage in PROPOSALS:
        proposal = new_demo_proposal(reference, title)
        if proposal is None:
            continue
        employer = staff.company_staff(proposal.company_id)[0]
        if stage == "declined":
            proposals.decline(
                proposal, employer, DeclineReason.HOURS_DONT_FIT, "Vi har brug for flere dage."
            )
        elif stage == "waiting":
            # Sent so long ago that the company's reminder is due tomorrow (lifecycle.deadlines).
            days = current_app.config["PROPOSAL_REMIND_DAYS"] - 1
            proposal.created_at = utcnow() - timedelta(days=days, hours=1)
        elif stage == "unanswered":
            # Past its reminder, which the sweep sent: the stuck list's row.
            days = current_app.config["PROPOSAL_REMIND_DAYS"]
            proposal.created_at = utcnow() - timedelta(days=days + 2, hours=1)
            proposal.reminded_at = proposal.created_at + timedelta(days=days)
        elif stage == "declined_long_ago":
            proposals.decline(
                proposal, employer, DeclineReason.TASKS_DONT_FIT, "Vi søger en med kokkeerfaring."
            )
            proposal.created_at = utcnow() - timedelta(days=LONG_AGO_DAYS)
            proposal.decided_at = proposal.created_at + timedelta(days=2)
        elif stage == "expired_long_ago":  # never answered (lifecycle.remind_and_expire)
            proposal.created_at = utcnow() - timedelta(days=LONG_AGO_DAYS - 7)
            proposal.reminded_at = proposal.created_at + timedelta(
                days=current_app.config["PROPOSAL_REMIND_DAYS"]
            )
            proposal.status = ProposalStatus.EXPIRED.value
            proposal.decided_at = proposal.created_at + timedelta(
                days=current_app.config["PROPOSAL_EXPIRE_DAYS"]
            )
        added += 1
    return added


def _ensure_user(organisation_id: int, kind: OrgKind, demo: DemoUser, password_hash: str) -> bool:
    if db.session.scalar(select(User.id).where(User.email == demo.email)) is not None:
        return False
    db.session.add(
        User(
            organisation_id=organisation_id,
            org_kind=kind.value,
            role=demo.role.value,
            email=demo.email,
            name=demo.name,
            password_hash=password_hash,
            locale="da",
        )
    )
    return True


def seed_demo() -> int:
    """Add whatever demo rows are missing; returns how many rows were added. Flushes only."""
    added = 0
    password_hash = hash_password(DEMO_PASSWORD)
    jobcentre = db.session.scalar(
        select(Jobcentre).where(Jobcentre.municipality_code == JOBCENTRE["municipality_code"])
    )
    if jobcentre is None:
        jobcentre = Jobcentre(**JOBCENTRE)
        db.session.add(jobcentre)
        db.session.flush()
        added += 1
    for demo in JOBCENTRE_USERS:
        added += _ensure_user(jobcentre.id, OrgKind.JOBCENTRE, demo, password_hash)
    db.session.flush()
    added += _ensure_candidates(jobcentre)
    for fields, employer in COMPANIES:
        company = db.session.scalar(select(Company).where(Company.cvr == fields["cvr"]))
        if company is None:
            company = Company(**fields)
            db.session.add(company)
            db.session.flush()
            tell_the_jobcentre(company)  # Lars finds them among his notifications
            added += 1
        added += _ensure_user(company.id, OrgKind.COMPANY, employer, password_hash)
        db.session.flush()
        author = db.session.scalar(select(User).where(User.email == employer.email))
        workplace, new = _ensure_workplace(company)
        added += new + _ensure_jobs(company, workplace, author)
    db.session.flush()
    added += _ensure_proposals()
    db.session.flush()
    added += ensure_placements()
    db.session.flush()
    added += ensure_hours()
    db.session.flush()
    return added

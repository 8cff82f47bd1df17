"""Page handling both sides share for an assessment (issue 18): loading one through the
reader's organisation (404 otherwise) and the printable assessment in the agreement's layout.
The company's form and the consultant's recording of the person's reading are the sides' own
routes (employers.assessment_routes, candidates.assessment_routes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from marketplace.agreements import document
from marketplace.caseload.candidates import identity_of
from marketplace.extensions import db
from marketplace.models import Company, Job, Jobcentre, Phase, Placement, Side, User
from marketplace.models.assessments import Assessment, Recommendation
from marketplace.placements import assessments as assessing
from marketplace.placements.ladder import side_of
from marketplace.web.pagination import Page, paged

WAITING_SHOWN = 10  # on the company's home page; the placements' pages hold each of them


@dataclass(frozen=True)
class Found:
    assessment: Assessment
    placement: Placement


def own_assessment_or_404(assessment_id: int, owner_column: InstrumentedAttribute[int]) -> Found:
    """The assessment, only if the user's organisation is its company or its jobcentre
    (`owner_column`): another's is a 404, like one that does not exist."""
    row = db.session.execute(
        select(Assessment, Placement)
        .join(Placement, Placement.id == Assessment.placement_id)
        .where(Assessment.id == assessment_id, owner_column == current_user.organisation_id)
    ).first()
    if row is None:
        abort(404)
    return Found(*row)


def of_candidate(candidate_id: int, page: int) -> Page[Any]:
    """A page of the person's assessments, newest period first, each with its job's title and
    company's name (the candidate's page)."""
    return paged(
        select(
            Assessment.id,
            Assessment.kind,
            Assessment.period_from,
            Assessment.period_to,
            Assessment.submitted_at,
            Assessment.held,
            Assessment.recommendation,
            Assessment.person_read_at,
            Assessment.person_agrees,
            Job.title.label("job_title"),
            Company.name.label("company_name"),
        )
        .join(Placement, Placement.id == Assessment.placement_id)
        .join(Job, Job.id == Placement.job_id)
        .join(Company, Company.id == Assessment.company_id)
        .where(Placement.candidate_id == candidate_id)
        .order_by(Assessment.period_to.desc(), Assessment.id.desc()),
        page,
    )


def leads_to(found: Found, recommendation: Recommendation) -> bool:
    """Whether the assessment's page offers the next step it recommends (its form then
    pre-filled): while the placement runs, this is its newest answered assessment, it
    recommends that step, and nothing was agreed since its period."""
    if found.placement.phase == Phase.ENDED:
        return False
    still = assessing.recommended(found.placement.id, recommendation)
    return still is not None and still.id == found.assessment.id


def waiting_for_company(company_id: int) -> Page[Any]:
    """The company's assessments still to answer, oldest asked first, with each one's job
    title and candidate (for the pseudonym): the first WAITING_SHOWN, for its home page. One
    statement, the total counted beside the rows (paged() would add a COUNT when there are
    none, the usual case)."""
    rows = db.session.execute(
        select(
            Assessment.id,
            Assessment.kind,
            Assessment.period_from,
            Assessment.period_to,
            Assessment.requested_at,
            Placement.candidate_id,
            Job.title.label("job_title"),
            func.count().over().label("total"),
        )
        .join(Placement, Placement.id == Assessment.placement_id)
        .join(Job, Job.id == Placement.job_id)
        .where(Assessment.company_id == company_id, Assessment.submitted_at.is_(None))
        .order_by(Assessment.requested_at, Assessment.id)
        .limit(WAITING_SHOWN)
    ).all()
    return Page(
        items=list(rows), total=rows[0].total if rows else 0, page=1, per_page=WAITING_SHOWN
    )


def render(found: Found, person: str, prefix: str, **extra: Any) -> str:
    """The assessment as a document: the parties, the period, the answer (or that it is
    awaited), the person's reading; printable on A4 (static/css/print.css)."""
    assessment, placement = found.assessment, found.placement
    side = side_of(current_user)
    return render_template(
        "placements/assessment.html",
        assessment=assessment,
        placement=placement,
        person=person,
        prefix=prefix,
        side=side.value,
        jobcentre=db.session.get(Jobcentre, placement.jobcentre_id),
        contact=document.contact_person(placement),
        # The jobcentre's own reference to its case: on the jobcentre's copy only.
        case_reference=identity_of(placement.candidate).case_reference
        if side == Side.JOBCENTRE
        else None,
        submitted_by=db.session.get(User, assessment.submitted_by_id)
        if assessment.submitted_by_id
        else None,
        recorded_by=db.session.get(User, assessment.person_recorded_by_id)
        if assessment.person_recorded_by_id
        else None,
        **extra,
    )

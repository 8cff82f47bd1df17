"""Assessment requests (issue 18): one for a placement's trial visit or praktik as the end of
a period makes it (from its terms), or for days given. Answers: assessment_answers."""

from __future__ import annotations

from datetime import date

from marketplace.agreements.terms import versions_of
from marketplace.extensions import db
from marketplace.models import Assessment, AssessmentKind, Placement
from marketplace.placements.assessments import PHASES


def assessment_for(placement: Placement, kind: AssessmentKind) -> Assessment:
    """The request for the placement's period of `kind`: from its first such terms' first day
    to the newest such terms' last day."""
    versions = [v for v in versions_of(placement.id) if v.phase in PHASES[kind]]
    return request_for(placement, kind, versions[0].unpaid_from, versions[-1].unpaid_to)


def request_for(placement: Placement, kind: AssessmentKind, first: date, last: date) -> Assessment:
    """A request for a period given by its days (whatever the placement's terms say)."""
    assessment = Assessment(
        placement_id=placement.id,
        company_id=placement.company_id,
        jobcentre_id=placement.jobcentre_id,
        kind=kind.value,
        period_from=first,
        period_to=last,
    )
    db.session.add(assessment)
    db.session.flush()
    return assessment

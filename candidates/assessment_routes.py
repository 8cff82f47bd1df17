"""The jobcentre's side of the company's assessments (issue 18): reading one (printable in
the agreement's layout) and recording that the person has read it and agrees, or disagrees
with a comment. The recommendation leads to the next step's pre-filled form."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from candidates.blueprint import bp
from candidates.placement_forms import ReadingForm
from candidates.placement_routes import person_name
from marketplace.i18n import gettext as _
from marketplace.models import AccessPurpose, Role
from marketplace.models.assessments import Assessment, Recommendation
from marketplace.placements import assessment_pages
from marketplace.placements import assessments as assessing
from marketplace.privacy.access_log import purpose
from marketplace.web.access import roles
from marketplace.web.transactions import saving


def _next_step(found: assessment_pages.Found) -> dict[str, str] | None:
    """Praktik recommended: the agreement, pre-filled from the assessment, is the
    jobcentre's to propose."""
    if not assessment_pages.leads_to(found, Recommendation.PRAKTIK):
        return None
    return {
        "url": url_for("candidates.propose_praktik", placement_id=found.placement.id),
        "label": _("Propose a praktik agreement"),
    }


def _show(found: assessment_pages.Found, reading: ReadingForm | None = None) -> str:
    unread = found.assessment.submitted_at is not None and found.assessment.person_read_at is None
    return assessment_pages.render(
        found,
        person_name(found.placement),
        "candidates",
        reading=(reading or ReadingForm(formdata=None)) if unread else None,
        next_step=_next_step(found),
    )


@bp.get("/assessments/<id:assessment_id>")
@roles(Role.CONSULTANT, Role.ADMIN)
@purpose(AccessPurpose.PLACEMENT)
def assessment(assessment_id: int) -> ResponseReturnValue:
    return _show(assessment_pages.own_assessment_or_404(assessment_id, Assessment.jobcentre_id))


@bp.post("/assessments/<id:assessment_id>/reading")
@roles(Role.CONSULTANT, Role.ADMIN)
@purpose(AccessPurpose.PLACEMENT)
def assessment_reading(assessment_id: int) -> ResponseReturnValue:
    found = assessment_pages.own_assessment_or_404(assessment_id, Assessment.jobcentre_id)
    form = ReadingForm()
    if not form.validate_on_submit():
        return _show(found, form), 400
    with saving(form, flash_unplaced=True) as saved:
        assessing.record_reading(
            found.assessment,
            current_user._get_current_object(),
            form.agrees.data == "yes",
            form.comment.data or "",
        )
    if saved.flashed:
        return redirect(url_for("candidates.assessment", assessment_id=assessment_id))
    if not saved:
        return _show(found, form), 400
    flash(
        _("The person's reading is recorded. The company sees it beside its assessment."), "success"
    )
    return redirect(url_for("candidates.assessment", assessment_id=assessment_id))

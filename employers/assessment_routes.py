"""The company's assessment of a trial visit or a praktik (issue 18): the form while it is
asked for, the printable assessment once sent. The link in the request and its reminders
leads here."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from employers.assessment_forms import assessment_form
from employers.blueprint import bp
from employers.placement_routes import person_name
from marketplace.clock import local_today
from marketplace.i18n import gettext as _
from marketplace.models import AccessPurpose, Role
from marketplace.models.assessments import Assessment, Recommendation
from marketplace.placements import assessment_pages
from marketplace.placements import assessments as assessing
from marketplace.privacy.access_log import purpose
from marketplace.web.access import roles
from marketplace.web.transactions import saving


def _next_step(found: assessment_pages.Found) -> dict[str, str] | None:
    """Paid hours recommended: the offer, pre-filled from the assessment, is the company's."""
    if not assessment_pages.leads_to(found, Recommendation.PAID):
        return None
    return {
        "url": url_for("employers.offer_paid_hours", placement_id=found.placement.id),
        "label": _("Offer paid hours"),
    }


@bp.route("/assessments/<id:assessment_id>", methods=["GET", "POST"])
@roles(Role.EMPLOYER)
@purpose(AccessPurpose.PLACEMENT)
def assessment(assessment_id: int) -> ResponseReturnValue:
    found = assessment_pages.own_assessment_or_404(assessment_id, Assessment.company_id)
    person = person_name(found.placement)
    if found.assessment.submitted_at is not None:
        if request.method == "POST":  # a second tab, or a colleague sent it first
            flash(_("This assessment has already been sent."), "error")
            return redirect(url_for("employers.assessment", assessment_id=assessment_id))
        return assessment_pages.render(found, person, "employers", next_step=_next_step(found))
    tasks = assessing.period_tasks(found.assessment)
    form = assessment_form(tasks)

    def again() -> ResponseReturnValue:
        return (
            render_template(
                "employers/assessment_form.html",
                assessment=found.assessment,
                placement=found.placement,
                person=person,
                form=form,
            ),
            400 if request.method == "POST" else 200,
        )

    if not form.validate_on_submit():
        return again()
    answer = form.answer()
    if answer is None:
        return again()
    with saving(form) as saved:
        assessing.submit(
            found.assessment, current_user._get_current_object(), answer, local_today()
        )
    if not saved:
        return again()
    flash(_("Thank you. The jobcentre has your assessment."), "success")
    return redirect(url_for("employers.assessment", assessment_id=assessment_id))

"""The company's side of placements: its list and offering paid hours. The timeline,
answers, withdrawing, ending and the printable agreement are the routes both sides share
(marketplace.placements.pages)."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from employers.blueprint import bp
from employers.placement_forms import PaidOfferForm
from marketplace.agreements.terms import latest_terms
from marketplace.clock import local_today
from marketplace.i18n import gettext as _
from marketplace.models import AccessPurpose, AccessSeen, Placement, Role, StepKind
from marketplace.models.assessments import Assessment, Recommendation
from marketplace.placements import assessments as assessing
from marketplace.placements import ladder as placements
from marketplace.placements import pages as placement_pages
from marketplace.placements import steps
from marketplace.placements.timeline import for_company
from marketplace.privacy import disclosure
from marketplace.privacy.access_log import purpose
from marketplace.web.access import roles
from marketplace.web.pagination import page_arg


def person_name(placement: Placement) -> str:
    """The name with consent in force (the showing is logged), otherwise the pseudonym."""
    identity = disclosure.reveal_to_company(placement.proposal, current_user, AccessSeen.NAME)
    if identity is not None:
        return identity.full_name
    return disclosure.pseudonym(placement.candidate_id, placement.company_id)


own_placement = placement_pages.register_routes(
    bp, (Role.EMPLOYER,), Placement.company_id, person_name
)


@bp.get("/placements")
@roles(Role.EMPLOYER)
def placement_list() -> ResponseReturnValue:
    company_id = current_user.organisation_id
    result = for_company(company_id, local_today(), page_arg())
    rows = result.items
    return render_template(
        "employers/placements.html",
        rows=rows,
        result=result,
        page_url=lambda number: url_for("employers.placement_list", page=number),
        names={
            r.placement.id: disclosure.pseudonym(r.placement.candidate_id, company_id) for r in rows
        },
    )


def _offer_defaults(found: Placement, assessed: Assessment | None) -> dict[str, object]:
    terms = latest_terms(found.id)
    job = found.job
    tasks = (terms.unpaid_tasks if terms else None) or job.task_lines or []
    return {
        "version": found.version,
        "start_on": local_today(),
        # The hours the company's own assessment recommended, else the job's.
        "hours": assessed.recommended_hours if assessed else job.hours_per_week,
        "weekdays": [int(day) for day in job.days],
        "tasks": "\n".join(tasks),
        "hourly_wage": job.hourly_wage,
    }


@bp.route("/placements/<id:placement_id>/paid-hours", methods=["GET", "POST"])
@roles(Role.EMPLOYER)
@purpose(AccessPurpose.PLACEMENT)
def offer_paid_hours(placement_id: int) -> ResponseReturnValue:
    found = own_placement(placement_id)
    if (ended := placement_pages.back_if_ended("employers", found)) is not None:
        return ended
    if request.method == "GET" and (busy := placement_pages.back_if_waiting("employers", found)):
        return busy
    assessed = assessing.recommended(found.id, Recommendation.PAID)
    form = PaidOfferForm(
        data=None if request.method == "POST" else _offer_defaults(found, assessed)
    )

    def again() -> ResponseReturnValue:
        return render_template(
            "employers/paid_offer.html",
            form=form,
            placement=found,
            person=person_name(found),
            assessed=assessed,
        )

    if not form.validate_on_submit():
        return again()
    terms = latest_terms(found.id)
    offer = steps.StepTerms(
        start_on=form.start_on.data,
        hours=form.hours.data,
        weekdays=form.weekday_bits(),
        tasks=form.task_list(),
        workplace_id=terms.workplace_id if terms else found.job.workplace_id,
        mentor_name=terms.mentor_name if terms else found.job.contact_name,
        hourly_wage=form.hourly_wage.data,
        praktik_continues=form.praktik_continues.data,
    )
    back = placement_pages.timeline_url("employers", found)
    return placement_pages.run(
        lambda: placements.propose_step(
            found, current_user, StepKind.PAID, offer, form.seen_version()
        ),
        form,
        _("Your offer is sent. The jobcentre confirms after talking with the person."),
        back,
        back,
        again,
    )

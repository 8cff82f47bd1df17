"""The jobcentre's side of placements: the overview by phase (the consultant's home),
proposing a praktik agreement, and the admin's ladder rules. The timeline, answers,
withdrawing, ending and the printable agreement are the routes both sides share
(marketplace.placements.pages)."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from candidates.blueprint import bp
from candidates.placement_forms import LadderRulesForm, PraktikAgreementForm
from marketplace.agreements import rules as ladder_rules
from marketplace.agreements.terms import latest_terms
from marketplace.caseload.candidates import identity_of, names_of
from marketplace.clock import local_today, utcnow
from marketplace.extensions import db
from marketplace.figures.stuck import missing_assessments_count
from marketplace.i18n import gettext as _
from marketplace.models import AccessPurpose, AccessSeen, Placement, Role, Side, StepKind
from marketplace.models.assessments import Assessment, Recommendation
from marketplace.placements import assessments as assessing
from marketplace.placements import ladder as placements
from marketplace.placements import pages as placement_pages
from marketplace.placements import steps
from marketplace.placements.timeline import by_phase, for_jobcentre
from marketplace.privacy import access_log
from marketplace.privacy.access_log import purpose
from marketplace.web.access import roles
from marketplace.web.pagination import page_arg
from marketplace.web.transactions import saving


def person_name(placement: Placement) -> str:
    """The name, for a page of the route's purpose (the showing is logged)."""
    access_log.record([placement.candidate_id], AccessSeen.NAME)
    return identity_of(placement.candidate).full_name


own_placement = placement_pages.register_routes(
    bp, (Role.CONSULTANT, Role.ADMIN), Placement.jobcentre_id, person_name
)


@bp.get("/placements")
@roles(Role.CONSULTANT, Role.ADMIN)
@purpose(AccessPurpose.PLACEMENT)
def placements_home() -> ResponseReturnValue:
    """The consultant's placements by phase, with what waits for them; or everyone's."""
    everyone = request.args.get("show") == "all"
    result = for_jobcentre(
        current_user.organisation_id,
        local_today(),
        consultant_id=None if everyone else current_user.id,
        page=page_arg(),
    )
    rows = result.items
    # What waits for us on this page (a consultant's own caseload is about one page).
    waiting_for_us = [r for r in rows if r.waits_for == Side.JOBCENTRE]
    names = names_of(r.placement.candidate_id for r in rows)
    access_log.record(names.keys(), AccessSeen.NAME)
    # The companies' assessments missing past their first reminder (the stuck list's fifth
    # section): one COUNT.
    whose = None if everyone else current_user.id
    missing = db.session.scalar(
        missing_assessments_count(current_user.organisation_id, utcnow(), whose)
    )
    return render_template(
        "candidates/placements.html",
        missing_assessments=missing or 0,
        missing_url=url_for(
            "candidates.stuck",
            consultant="all" if everyone else str(current_user.id),
            _anchor="assessments-title",
        ),
        groups=by_phase(rows),
        waiting_for_us=waiting_for_us,
        everyone=everyone,
        result=result,
        page_url=lambda number: url_for(
            "candidates.placements_home", page=number, **({"show": "all"} if everyone else {})
        ),
        names={r.placement.id: names[r.placement.candidate_id] for r in rows},
    )


def _praktik_defaults(found: Placement, assessed: Assessment | None) -> dict[str, object]:
    terms = latest_terms(found.id)
    job = found.job
    start = local_today()
    if terms is not None and terms.unpaid_to is not None and terms.unpaid_to >= start:
        start = terms.unpaid_to + timedelta(days=1)  # after a trial visit, or an extension
    hours = terms.unpaid_hours if terms and terms.unpaid_hours else job.hours_per_week
    recommended: dict[str, object] = {}
    if assessed is not None:  # the company's assessment recommended this praktik
        weeks = assessed.recommended_weeks or 0
        recommended = {
            "hours": assessed.recommended_hours,
            "end_on": start + timedelta(weeks=weeks, days=-1),
        }
    return {
        "version": found.version,
        "start_on": start,
        "hours": hours,
        "weekdays": [int(day) for day in job.days],
        "tasks": "\n".join((terms.unpaid_tasks if terms else None) or job.task_lines or []),
        "purposes": [1],
        "workplace": terms.workplace_id if terms else job.workplace_id,
        "mentor_name": terms.mentor_name if terms else job.contact_name,
        **recommended,
    }


@bp.route("/placements/<id:placement_id>/praktik", methods=["GET", "POST"])
@roles(Role.CONSULTANT, Role.ADMIN)
@purpose(AccessPurpose.PLACEMENT)
def propose_praktik(placement_id: int) -> ResponseReturnValue:
    found = own_placement(placement_id)
    if (ended := placement_pages.back_if_ended("candidates", found)) is not None:
        return ended
    if request.method == "GET" and (busy := placement_pages.back_if_waiting("candidates", found)):
        return busy
    assessed = assessing.recommended(found.id, Recommendation.PRAKTIK)
    form = PraktikAgreementForm(
        data=None if request.method == "POST" else _praktik_defaults(found, assessed)
    )
    # Empty first (the job's workplace stays chosen): a workplace is never picked by default.
    form.workplace.choices = [
        ("", _("Choose a workplace")),
        *placement_pages.workplace_choices(found.company_id),
    ]
    rules = ladder_rules.rules_for(found.jobcentre_id)

    def again() -> ResponseReturnValue:
        return render_template(
            "candidates/praktik_form.html",
            form=form,
            placement=found,
            person=person_name(found),
            rules=rules,
            ratio_warning=ladder_rules.praktik_ratio_exceeded(rules, found.company, joining=found),
            assessed=assessed,
        )

    if not form.validate_on_submit():
        return again()
    agreement = steps.StepTerms(
        start_on=form.start_on.data,
        end_on=form.end_on.data,
        hours=form.hours.data,
        weekdays=form.weekday_bits(),
        tasks=form.task_list(),
        workplace_id=form.workplace.data,
        mentor_name=form.mentor_name.data,
        purposes=form.purpose_bits(),
        special_reason=form.special_reason.data or "",
    )
    back = placement_pages.timeline_url("candidates", found)
    return placement_pages.run(
        lambda: placements.propose_step(
            found, current_user, StepKind.PRAKTIK, agreement, form.seen_version()
        ),
        form,
        _("The praktik agreement is sent to the company."),
        back,
        back,
        again,
    )


@bp.route("/jobcentre/rules", methods=["GET", "POST"])
@roles(Role.ADMIN)
def ladder_rules_page() -> ResponseReturnValue:
    rules = ladder_rules.rules_for(current_user.organisation_id)
    form = LadderRulesForm(obj=rules)
    if form.validate_on_submit():
        data = ladder_rules.RulesData(
            trial_max_days=form.trial_max_days.data,
            praktik_max_weeks=form.praktik_max_weeks.data,
            praktik_extended_max_weeks=form.praktik_extended_max_weeks.data,
            max_hours_per_week=form.max_hours_per_week.data,
            employees_per_praktik=form.employees_per_praktik.data,
        )
        with saving(form) as saved:
            ladder_rules.update_rules(current_user.organisation_id, data, current_user)
        if saved:
            flash(_("The rules are saved. They apply to every step from now on."), "success")
            return redirect(url_for("candidates.ladder_rules_page"))
    return render_template("candidates/ladder_rules.html", form=form, rules=rules)

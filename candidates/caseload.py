"""The caseload: a jobcentre's candidates, created, edited, paused and handed over."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload, load_only
from wtforms import SelectChoice

from candidates.blueprint import bp
from candidates.candidate_forms import CandidateForm, CaseloadFilterForm, HandOverForm
from marketplace.caseload import candidates
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.hours import tallies as hour_tallies
from marketplace.i18n import gettext as _
from marketplace.jobs import matching
from marketplace.models import (
    AccessPurpose,
    AccessSeen,
    Candidate,
    CandidateStatus,
    Company,
    Job,
    OrgKind,
    Proposal,
    Role,
    User,
)
from marketplace.placements import assessment_pages
from marketplace.privacy import access_log
from marketplace.privacy.access_log import purpose
from marketplace.web.access import get_own_or_404, roles
from marketplace.web.forms import EmptyForm, municipality_choices
from marketplace.web.labels import CANDIDATE_STATUS_LABELS
from marketplace.web.pagination import Page, page_arg, page_size, paged
from marketplace.web.transactions import saving

STAFF = (Role.CONSULTANT, Role.ADMIN)
ALL = "all"


def _own(candidate_id: int) -> Candidate:
    """Any consultant of the jobcentre may open its candidates (colleagues cover each other)."""
    return get_own_or_404(Candidate, candidate_id, owner_column=Candidate.jobcentre_id)


def _colleague_choices(found: Candidate) -> list[SelectChoice]:
    """The colleagues caseload.candidates.colleagues_who_can_take_over names (its rule:
    active staff of the candidate's jobcentre), as ids and names only: the biggest jobcentre
    has some 200, and loading each as a User with its organisation took 12 ms of the
    candidate page against 1.4 ms for the two columns (issue 16)."""
    staff = db.session.execute(
        select(User.id, User.name)
        .where(
            User.organisation_id == found.jobcentre_id,
            User.org_kind == OrgKind.JOBCENTRE.value,
            User.active,
        )
        .order_by(User.name)
    )
    # Empty first: a hand-over names its colleague, never the first one by leaving the list.
    return [
        SelectChoice("", _("Choose a colleague")),
        *(SelectChoice(str(user_id), name) for user_id, name in staff),
    ]


@bp.get("/caseload")
@roles(*STAFF)
@purpose(AccessPurpose.CASE_WORK)
def caseload() -> ResponseReturnValue:
    """The consultant's own active candidates by default; any status or colleague on request."""
    form = CaseloadFilterForm(
        request.args, status=CandidateStatus.ACTIVE.value, consultant=str(current_user.id)
    )
    staff = candidates.colleagues_who_can_take_over_in(current_user.organisation_id)
    form.status.choices = [
        SelectChoice(ALL, _("All")),
        *(SelectChoice(code, str(label)) for code, label in CANDIDATE_STATUS_LABELS.items()),
    ]
    form.consultant.choices = [
        SelectChoice(ALL, _("Everyone in the jobcentre")),
        *(SelectChoice(str(user.id), user.name) for user in staff),
    ]
    form.validate()
    status = form.status.data if not form.status.errors and form.status.data != ALL else None
    consultant = form.consultant.data if not form.consultant.errors else ALL
    filters = candidates.CaseloadFilters(
        status=status,
        consultant_id=None if consultant in (ALL, None) else int(consultant),
        text=(form.q.data or "") if not form.q.errors else "",
    )
    result = candidates.caseload(
        current_user.organisation_id, filters, page_arg(), local_today(), page_size(25)
    )
    # Every name and case reference on the page is logged; a search says so.
    access_log.record(
        (candidate.id for candidate, _identity in result.rows),
        AccessSeen.SEARCH if filters.text.strip() else AccessSeen.LIST,
    )
    kept = {
        name: request.args.get(name)
        for name in ("status", "consultant", "q")
        if name in request.args
    }
    return render_template(
        "candidates/caseload.html",
        form=form,
        result=result,
        page_url=lambda number: url_for("candidates.caseload", **kept, page=number),
    )


def _data(form: CandidateForm) -> candidates.CandidateData:
    return candidates.CandidateData(
        full_name=form.full_name.data,
        phone=form.phone.data or "",
        email=form.email.data or "",
        case_reference=form.case_reference.data or "",
        job_goal=form.job_goal.data,
        wished_categories=sum(set(form.wished_categories.data or ())),
        tasks_can_do=form.task_list(),
        hours_min=form.hours_min.data,
        hours_max=form.hours_max.data,
        available_weekdays=sum(set(form.available_weekdays.data or ())),
        available_times=form.available_times.data or "",
        municipality_code=form.municipality.data,
        postcode=form.postcode.data,
        languages=form.languages.data or "",
        danish_level=form.danish_level.data,
        driving_licence=form.driving_licence.data,
        earlier_work=form.earlier_work.data or "",
        no_heavy_lifting=form.no_heavy_lifting.data,
        lifting_max_kg=form.lifting_max_kg.data,
        no_long_standing=form.no_long_standing.data,
        max_hours_per_day=form.max_hours_per_day.data,
        needs_quiet_surroundings=form.needs_quiet_surroundings.data,
        no_early_mornings=form.no_early_mornings.data,
        other_limitations=form.other_limitations.data or "",
        consultant_note=form.consultant_note.data or "",
    )


def _fill(form: CandidateForm, candidate: Candidate) -> None:
    data = candidates.candidate_data(candidate)
    for name in form.data:
        if hasattr(data, name) and name not in (
            "wished_categories",
            "available_weekdays",
            "tasks_can_do",
        ):
            getattr(form, name).data = getattr(data, name)
    form.municipality.data = candidate.municipality_code
    form.wished_categories.data = [
        bit for bit in (1 << n for n in range(10)) if candidate.wished_categories & bit
    ]
    form.available_weekdays.data = [
        bit for bit in (1 << n for n in range(7)) if candidate.available_weekdays & bit
    ]
    form.tasks_can_do.data = "\n".join(candidate.tasks_can_do or [])
    form.version.data = str(candidate.version)


@bp.route("/candidates/new", methods=["GET", "POST"])
@roles(*STAFF)
def new_candidate() -> ResponseReturnValue:
    form = CandidateForm()
    form.municipality.choices = municipality_choices()
    if request.method == "GET":
        form.municipality.data = current_user.organisation.municipality_code
    if form.validate_on_submit():
        with saving(form) as saved:
            candidate = candidates.create_candidate(current_user, _data(form))
        if saved:
            flash(_("The candidate is added to your caseload."), "success")
            return redirect(url_for("candidates.candidate", candidate_id=candidate.id))
    return render_template("candidates/candidate_form.html", form=form, candidate=None)


def _proposals_page(candidate_id: int) -> Page[Proposal]:
    """A page of the person's proposals, newest first: ids, then those rows with the job's
    title and its company's name only."""
    result = paged(
        select(Proposal.id)
        .where(Proposal.candidate_id == candidate_id)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc()),
        page_arg("proposals"),
    )
    loaded = {
        p.id: p
        for p in db.session.scalars(
            select(Proposal)
            .where(Proposal.id.in_(result.items))
            .options(
                lazyload("*"),
                joinedload(Proposal.job).options(
                    load_only(Job.title),
                    joinedload(Job.company).load_only(Company.name),
                    lazyload("*"),
                ),
            )
        )
    }
    return result.with_items([loaded[i] for i in result.items if i in loaded])


@bp.get("/candidates/<id:candidate_id>")
@roles(*STAFF)
@purpose(AccessPurpose.CASE_WORK)
def candidate(candidate_id: int) -> ResponseReturnValue:
    found = _own(candidate_id)
    identity = candidates.identity_of(found)
    access_log.record([found.id], AccessSeen.PROFILE)
    hand_over = HandOverForm(consultant=found.consultant_id)
    hand_over.consultant.choices = _colleague_choices(found)
    active = found.status == CandidateStatus.ACTIVE
    return render_template(
        "candidates/candidate.html",
        candidate=found,
        matches=matching.jobs_for_candidate(found) if active else [],
        proposals=_proposals_page(found.id),
        proposals_page_url=lambda number: url_for(
            "candidates.candidate",
            candidate_id=found.id,
            proposals=number,
            _anchor="proposals-title",
        ),
        access=access_log.for_candidate(found.id, page_arg("log"), page_size(access_log.PER_PAGE)),
        access_page_url=lambda number: url_for(
            "candidates.candidate", candidate_id=found.id, log=number, _anchor="access-title"
        ),
        tallies=hour_tallies.tallies(found.id, local_today()),
        assessments=assessment_pages.of_candidate(found.id, page_arg("assessments")),
        assessments_page_url=lambda number: url_for(
            "candidates.candidate",
            candidate_id=found.id,
            assessments=number,
            _anchor="assessments-title",
        ),
        identity=identity,
        hand_over=hand_over,
        button=EmptyForm(),
    )


@bp.route("/candidates/<id:candidate_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
@purpose(AccessPurpose.CASE_WORK)
def edit_candidate(candidate_id: int) -> ResponseReturnValue:
    found = _own(candidate_id)
    form = CandidateForm()
    form.municipality.choices = municipality_choices()
    if request.method == "GET":
        _fill(form, found)
        access_log.record([found.id], AccessSeen.PROFILE)  # the form holds the identity
    if form.validate_on_submit():
        try:
            seen = int(form.version.data or 0)
        except ValueError:
            abort(400)
        with saving(form, stale=candidates.STALE_MESSAGE) as saved:
            candidates.update_candidate(found, _data(form), seen_version=seen)
        if saved:
            flash(_("The candidate is saved."), "success")
            return redirect(url_for("candidates.candidate", candidate_id=found.id))
    return render_template("candidates/candidate_form.html", form=form, candidate=found)


@bp.post("/candidates/<id:candidate_id>/<any(active, paused, closed):status>")
@roles(*STAFF)
def set_candidate_status(candidate_id: int, status: str) -> ResponseReturnValue:
    found = _own(candidate_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with saving() as saved:
        candidates.set_status(found, CandidateStatus(status))
    if saved:
        flash(
            _(
                "The candidate's status is now: %(status)s.",
                status=CANDIDATE_STATUS_LABELS[status],
            ),
            "success",
        )
    return redirect(url_for("candidates.candidate", candidate_id=found.id))


@bp.post("/candidates/<id:candidate_id>/hand-over")
@roles(*STAFF)
def hand_over(candidate_id: int) -> ResponseReturnValue:
    found = _own(candidate_id)
    form = HandOverForm()
    form.consultant.choices = _colleague_choices(found)
    if not form.validate_on_submit():
        flash(_("Choose a colleague from your jobcentre."), "error")
        return redirect(url_for("candidates.candidate", candidate_id=found.id))
    with saving() as saved:
        colleague = candidates.hand_over(found, form.consultant.data)
    if saved:
        flash(_("%(name)s is now responsible for the candidate.", name=colleague.name), "success")
    return redirect(url_for("candidates.candidate", candidate_id=found.id))

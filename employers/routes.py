"""The company's pages: its profile, workplaces and small jobs."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload, load_only
from wtforms import SelectChoice

from employers.blueprint import bp
from employers.forms import CloseJobForm, CompanyProfileForm, JobForm, WorkplaceForm
from marketplace import clock
from marketplace.accounts import team
from marketplace.companies import profiles as companies
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.jobs import postings as jobs
from marketplace.models import (
    CloseReason,
    Job,
    JobStatus,
    Phase,
    Proposal,
    ProposalStatus,
    Role,
    Side,
    Workplace,
)
from marketplace.placements import assessment_pages
from marketplace.placements import timeline as placement_timeline
from marketplace.privacy import disclosure
from marketplace.proposals import lifecycle as proposals
from marketplace.web.access import get_own_or_404, roles
from marketplace.web.forms import EmptyForm, municipality_choices
from marketplace.web.pagination import first_page, page_arg, paged
from marketplace.web.transactions import Saved, saving


def _company():  # type: ignore[no-untyped-def]
    return current_user.organisation


def _own_job(job_id: int) -> Job:
    return get_own_or_404(Job, job_id, owner_column=Job.company_id)


def _waiting_proposals(company_id: int, limit: int = 20) -> list[Proposal]:
    """The proposals of proposals.waiting_for_company (the company has not answered; oldest
    first) with only what the home page shows: the job's title. The default eager joins
    (the candidate with their consultant, organisation and municipality; the job's company
    and workplace) made its planning alone take 5 ms at national scale (issue 16)."""
    return list(
        db.session.scalars(
            select(Proposal)
            .where(
                Proposal.company_id == company_id,
                Proposal.status == ProposalStatus.WAITING.value,
            )
            .order_by(Proposal.created_at, Proposal.id)
            .limit(limit)
            .options(
                lazyload("*"),
                load_only(Proposal.candidate_id, Proposal.created_at),
                joinedload(Proposal.job).options(load_only(Job.title), lazyload("*")),
            )
        )
    )


@bp.get("/")
@roles(Role.EMPLOYER)
def home() -> ResponseReturnValue:
    company = _company()
    # The first page of the running placements; the placements page holds the rest.
    running = placement_timeline.for_company(company.id, clock.local_today(), running_only=True)
    rows = [row for row in running.items if row.phase != Phase.ENDED]
    return render_template(
        "employers/home.html",
        placement_rows=rows,
        more_placements=running.has_next,
        placement_names={
            r.placement.id: disclosure.pseudonym(r.placement.candidate_id, company.id) for r in rows
        },
        waiting_for_us=[r for r in rows if r.waits_for == Side.COMPANY],
        assessments_waiting=assessment_pages.waiting_for_company(company.id),
        pseudonym=lambda candidate_id: disclosure.pseudonym(candidate_id, company.id),
        proposals_waiting=[
            (p, disclosure.pseudonym(p.candidate_id, company.id))
            for p in _waiting_proposals(company.id)
        ],
        company=company,
        # First pages only; the team page and the jobs page hold the rest.
        colleagues=team.first_members(company.id),
        # The workplaces are listed nowhere else: paged here (?workplaces=), by name.
        workplaces=paged(
            select(Workplace)
            .where(Workplace.company_id == company.id)
            .order_by(Workplace.name, Workplace.id)
            .options(lazyload("*")),
            page_arg("workplaces"),
        ),
        workplaces_page_url=lambda number: url_for(
            "employers.home", workplaces=number, _anchor="workplaces-title"
        ),
        open_jobs=first_page(
            select(Job)
            .where(Job.company_id == company.id, Job.status != JobStatus.CLOSED.value)
            .order_by(
                Job.status.desc(),
                func.coalesce(Job.published_at, Job.created_at).desc(),
                Job.id.desc(),
            )
            .options(lazyload("*"), load_only(Job.title, Job.status, Job.hours_per_week))
        ),
    )


@bp.route("/profile", methods=["GET", "POST"])
@roles(Role.EMPLOYER)
def profile() -> ResponseReturnValue:
    company = _company()
    form = CompanyProfileForm(obj=company)
    if form.validate_on_submit():
        with saving(form) as saved:
            companies.update_profile(
                company,
                companies.CompanyProfile(
                    name=form.name.data,
                    contact_name=form.contact_name.data,
                    contact_phone=form.contact_phone.data or "",
                    employee_count=form.employee_count.data,
                ),
            )
        if saved:
            flash(_("The company's details are saved."), "success")
            return redirect(url_for("employers.home"))
    return render_template("employers/profile.html", form=form, company=company)


def _workplace_form(workplace: Workplace | None) -> ResponseReturnValue:
    company = _company()
    form = WorkplaceForm(obj=workplace)
    form.municipality.choices = municipality_choices()
    if request.method == "GET":
        form.municipality.data = (
            workplace.municipality_code if workplace else company.municipality_code
        )
        if workplace is None:
            form.address.data, form.postcode.data = company.address, company.postcode
            form.city.data = company.city
    if form.validate_on_submit():
        data = companies.WorkplaceData(
            name=form.name.data,
            p_number=form.p_number.data,
            address=form.address.data,
            postcode=form.postcode.data,
            city=form.city.data,
            municipality_code=form.municipality.data,
        )
        with saving(form) as saved:
            companies.save_workplace(company, data, workplace)
        if saved:
            flash(_("The workplace is saved."), "success")
            # Journey 1: a company without a workplace is sent here first, then to its job.
            then_job = request.args.get("then") == "job"
            return redirect(url_for("employers.new_job" if then_job else "employers.home"))
    return render_template("employers/workplace_form.html", form=form, workplace=workplace)


@bp.route("/workplaces/new", methods=["GET", "POST"])
@roles(Role.EMPLOYER)
def new_workplace() -> ResponseReturnValue:
    return _workplace_form(None)


@bp.route("/workplaces/<id:workplace_id>/edit", methods=["GET", "POST"])
@roles(Role.EMPLOYER)
def edit_workplace(workplace_id: int) -> ResponseReturnValue:
    return _workplace_form(
        get_own_or_404(Workplace, workplace_id, owner_column=Workplace.company_id)
    )


@bp.get("/jobs")
@roles(Role.EMPLOYER)
def job_list() -> ResponseReturnValue:
    company_id = _company().id
    # Published before drafts, newest first, a page at a time; closed ones stay the few
    # most recent (jobs.CLOSED_SHOWN) on every page.
    newest = func.coalesce(Job.closed_at, Job.published_at, Job.created_at).desc()
    result = paged(
        select(Job.id)
        .where(Job.company_id == company_id, Job.status != JobStatus.CLOSED.value)
        .order_by(Job.status != JobStatus.PUBLISHED.value, newest, Job.id.desc()),
        page_arg(),
    )
    closed = (
        select(Job.id)
        .where(Job.company_id == company_id, Job.status == JobStatus.CLOSED.value)
        .order_by(newest, Job.id.desc())
        .limit(jobs.CLOSED_SHOWN)
    )
    shown = [*result.items, *db.session.scalars(closed)]
    loaded = {
        job.id: job
        for job in db.session.scalars(
            select(Job)
            .where(Job.id.in_(shown))
            .options(lazyload("*"), joinedload(Job.workplace).load_only(Workplace.name))
        )
    }
    by_status: dict[str, list[Job]] = {status.value: [] for status in JobStatus}
    for job_id in shown:
        if job_id in loaded:
            by_status[loaded[job_id].status].append(loaded[job_id])
    return render_template(
        "employers/jobs.html",
        jobs_by_status=by_status,
        proposal_counts=proposals.counts_by_job(company_id, shown),
        result=result,
        page_url=lambda number: url_for("employers.job_list", page=number),
    )


def _prepare(form: JobForm) -> list[Workplace]:
    workplaces = companies.workplaces_of(_company().id)
    # Empty first: a job's workplace is chosen, never the first one by leaving the list alone.
    form.workplace.choices = [
        SelectChoice("", _("Choose a workplace")),
        *(SelectChoice(str(w.id), f"{w.name} ({w.p_number})") for w in workplaces),
    ]
    return workplaces


def _data(form: JobForm) -> jobs.JobData:
    return jobs.JobData(
        title=form.title.data,
        workplace_id=form.workplace.data,
        category=form.category.data,
        description=form.description.data or "",
        task_lines=form.task_list(),
        hours_per_week=form.hours_per_week.data,
        weekdays=sum(form.weekdays.data or []),
        flexible_days=form.flexible_days.data,
        time_from=form.time_from.data,
        time_to=form.time_to.data,
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        offers_trial_visit=form.offers_trial_visit.data,
        offers_praktik=form.offers_praktik.data,
        offers_paid_direct=form.offers_paid_direct.data,
        hourly_wage=form.hourly_wage.data,
        agreement_wage=form.agreement_wage.data,
        wage_agreement_name=form.wage_agreement_name.data or "",
        requires_heavy_lifting=form.requires_heavy_lifting.data,
        lifting_max_kg=form.lifting_max_kg.data,
        requires_standing=form.requires_standing.data,
        requires_early_mornings=form.requires_early_mornings.data,
        requires_driving_licence=form.requires_driving_licence.data,
        danish_level=form.danish_level.data,
        other_requirements=form.other_requirements.data or "",
        contact_name=form.contact_name.data,
        contact_phone=form.contact_phone.data or "",
    )


def _fill(form: JobForm, job: Job) -> None:
    form.process(obj=job)
    form.workplace.data = job.workplace_id
    form.weekdays.data = [int(day) for day in job.days]
    form.task_lines.data = "\n".join(job.task_lines or [])
    form.version.data = str(job.version)


def _steps_error(form: JobForm, saved: Saved) -> None:
    # "Offer at least one step" belongs beside the group of step checkboxes as well.
    if saved.error is not None and saved.error.field == "steps":
        form.step_errors.append(str(saved.error.message))


@bp.route("/jobs/new", methods=["GET", "POST"])
@roles(Role.EMPLOYER)
def new_job() -> ResponseReturnValue:
    form = JobForm()
    if not (workplaces := _prepare(form)):
        flash(_("Add the workplace where the job is done first."), "info")
        return redirect(url_for("employers.new_workplace", then="job"))
    if request.method == "GET":
        if len(workplaces) == 1:  # the one answer is shown chosen; with more, one is picked
            form.workplace.data = workplaces[0].id
        form.contact_name.data = current_user.name
        form.start_date.data = clock.local_today() + timedelta(days=7)
        form.offers_trial_visit.data = True
    if form.validate_on_submit():
        with saving(form) as saved:
            job = jobs.create_job(_company(), current_user, _data(form), publish=form.publish.data)
        _steps_error(form, saved)
        if saved:
            flash(
                _("The job is published. Consultants can find it now.")
                if job.status == JobStatus.PUBLISHED
                else _("The job is saved as a draft."),
                "success",
            )
            return redirect(url_for("employers.job", job_id=job.id))
    return render_template("employers/job_form.html", form=form, job=None)


@bp.get("/jobs/<id:job_id>")
@roles(Role.EMPLOYER)
def job(job_id: int) -> ResponseReturnValue:
    return render_template("employers/job.html", job=_own_job(job_id), button=EmptyForm())


@bp.route("/jobs/<id:job_id>/edit", methods=["GET", "POST"])
@roles(Role.EMPLOYER)
def edit_job(job_id: int) -> ResponseReturnValue:
    job = _own_job(job_id)
    if job.status == JobStatus.CLOSED:
        flash(_("A closed job cannot be changed. Copy it to post it again."), "info")
        return redirect(url_for("employers.job", job_id=job.id))
    form = JobForm()
    _prepare(form)
    if request.method == "GET":
        _fill(form, job)
    if form.validate_on_submit():
        try:
            seen = int(form.version.data or 0)
        except ValueError:
            abort(400)
        with saving(form, stale=jobs.STALE_MESSAGE) as saved:
            jobs.update_job(job, _data(form), seen_version=seen)
            if form.publish.data and job.status == JobStatus.DRAFT:
                jobs.publish_job(job)
        _steps_error(form, saved)
        if saved:
            flash(_("The job is saved."), "success")
            return redirect(url_for("employers.job", job_id=job.id))
    return render_template("employers/job_form.html", form=form, job=job)


@bp.post("/jobs/<id:job_id>/publish")
@roles(Role.EMPLOYER)
def publish_job(job_id: int) -> ResponseReturnValue:
    job = _own_job(job_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with saving() as saved:
        jobs.publish_job(job)
    if not saved:
        return redirect(url_for("employers.edit_job", job_id=job.id))
    flash(_("The job is published. Consultants can find it now."), "success")
    return redirect(url_for("employers.job", job_id=job.id))


@bp.route("/jobs/<id:job_id>/close", methods=["GET", "POST"])
@roles(Role.EMPLOYER)
def close_job(job_id: int) -> ResponseReturnValue:
    job = _own_job(job_id)
    form = CloseJobForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            jobs.close_job(job, CloseReason(form.reason.data), form.note.data or "")
        if saved:
            flash(_("The job is closed."), "success")
            return redirect(url_for("employers.job_list"))
    return render_template("employers/close_job.html", form=form, job=job)


@bp.post("/jobs/<id:job_id>/copy")
@roles(Role.EMPLOYER)
def copy_job(job_id: int) -> ResponseReturnValue:
    original = _own_job(job_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with saving() as saved:
        copy = jobs.copy_job(original, current_user)
    if not saved:
        return redirect(url_for("employers.job", job_id=original.id))
    flash(_("This is a copy. Check the dates and save it."), "info")
    return redirect(url_for("employers.edit_job", job_id=copy.id))

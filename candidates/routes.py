"""The jobcentre's pages: the job board, the caseload and the admin's jobcentre page."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import ColumnElement, and_, func, or_, select

from candidates.blueprint import bp
from candidates.forms import JobBoardForm
from marketplace import queue
from marketplace.accounts import invitations, team
from marketplace.agreements import rules as ladder_rules
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.jobs import board as jobboard
from marketplace.jobs import matching
from marketplace.models import (
    AccessPurpose,
    AccessSeen,
    Company,
    Jobcentre,
    Notification,
    Role,
    User,
)
from marketplace.notifications import delivery
from marketplace.privacy import access_log
from marketplace.privacy.access_log import purpose
from marketplace.web.access import roles
from marketplace.web.pagination import page_arg, page_size


@bp.get("/jobs")
@roles(Role.CONSULTANT, Role.ADMIN)
def job_board() -> ResponseReturnValue:
    """Open jobs of every company; the consultant's own municipality unless they choose."""
    form = JobBoardForm(request.args, municipality=str(current_user.organisation.municipality_code))
    form.set_municipalities(jobboard.municipalities())
    result = jobboard.search(form.filters(), page_arg(), page_size(jobboard.PER_PAGE))
    # Page links carry the filters as typed (a refused value shows its message again).
    kept = {name: request.args.getlist(name) for name in form.data if name in request.args}

    def page_url(number: int) -> str:
        return url_for("candidates.job_board", **kept, page=number)

    return render_template(
        "candidates/job_board.html",
        form=form,
        result=result,
        page_url=page_url,
    )


@bp.get("/jobs/<id:job_id>")
@roles(Role.CONSULTANT, Role.ADMIN)
@purpose(AccessPurpose.PROPOSING)
def job(job_id: int) -> ResponseReturnValue:
    """An open job, read only; a draft, a closed job and an unknown id are all 404. Names
    the jobcentre's best-fitting candidates (logged)."""
    found = jobboard.open_job(job_id)
    if found is None:
        abort(404)
    matches = matching.candidates_for_job(found, current_user.organisation_id)
    access_log.record((candidate.id for candidate, _name, _match in matches), AccessSeen.NAME)
    return render_template("candidates/job.html", job=found, matches=matches)


def _in_area_of(jobcentre: Jobcentre) -> ColumnElement[bool]:
    """Notifications to the jobcentre's staff and to companies in its municipality."""
    companies = select(Company.id).where(Company.municipality_code == jobcentre.municipality_code)
    people = select(User.id).where(
        or_(User.organisation_id == jobcentre.id, User.organisation_id.in_(companies))
    )
    return Notification.recipient_id.in_(people)


@bp.get("/jobcentre")
@roles(Role.ADMIN)
def jobcentre() -> ResponseReturnValue:
    jobcentre = current_user.organisation
    companies_in_area = db.session.scalar(
        select(func.count(Company.id)).where(
            Company.municipality_code == jobcentre.municipality_code
        )
    )
    # The outbox is one for the whole installation; failures are counted for this area.
    outbox = delivery.outbox_state()
    day_ago = utcnow() - timedelta(hours=24)
    recent = and_(_in_area_of(jobcentre), Notification.created_at >= day_ago)
    return render_template(
        "candidates/jobcentre.html",
        outbox=outbox,
        oldest_waiting=timedelta(seconds=int(outbox["oldest_undelivered_seconds"])),
        failed_last_day=delivery.failed_deliveries(recent)["count"],
        failed_mail=delivery.failed_deliveries(_in_area_of(jobcentre)),
        failed_jobs=queue.failed_jobs(),
        jobcentre=jobcentre,
        # Counted in SQL; the staff shown a page at a time (the team page holds the rest).
        staff=team.members_page(jobcentre.id, page_arg(), active_only=True),
        staff_page_url=lambda number: url_for(
            "candidates.jobcentre", page=number, _anchor="staff-title"
        ),
        pending_count=invitations.open_count(jobcentre.id),
        companies_in_area=companies_in_area or 0,
        rules=ladder_rules.rules_for(jobcentre.id),
    )

"""The jobcentre's pages: the consultant's caseload and the admin's jobcentre page."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import ColumnElement, func, or_, select

from candidates import bp
from marketplace import delivery, queue
from marketplace.access import roles
from marketplace.auth import invitations, team
from marketplace.extensions import db
from marketplace.models import Company, Jobcentre, Notification, Role, User


@bp.get("/caseload")
@roles(Role.CONSULTANT, Role.ADMIN)
def caseload() -> ResponseReturnValue:
    return render_template("candidates/caseload.html", jobcentre=current_user.organisation)


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
    return render_template(
        "candidates/jobcentre.html",
        failed_mail=delivery.failed_deliveries(_in_area_of(jobcentre)),
        failed_jobs=queue.failed_jobs(),
        jobcentre=jobcentre,
        staff=team.members(jobcentre.id),
        pending=invitations.open_invitations(jobcentre.id),
        companies_in_area=companies_in_area or 0,
    )

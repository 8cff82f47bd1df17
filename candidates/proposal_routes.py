"""The consultant's side of proposals: propose, follow the answer, record consent."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from candidates.blueprint import bp
from candidates.caseload import STAFF
from candidates.proposal_forms import CONSENT_METHOD_LABELS, ConsentForm, ProposeForm
from marketplace.caseload import candidates
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.jobs import board as jobboard
from marketplace.models import (
    AccessPurpose,
    AccessSeen,
    Candidate,
    ConsentMethod,
    Placement,
    Proposal,
)
from marketplace.privacy import access_log, disclosure
from marketplace.privacy.access_log import purpose
from marketplace.proposals import lifecycle as proposals
from marketplace.web.access import get_own_or_404, roles
from marketplace.web.forms import EmptyForm
from marketplace.web.transactions import saving


def _own_proposal(proposal_id: int) -> Proposal:
    return get_own_or_404(Proposal, proposal_id, owner_column=Proposal.jobcentre_id)


@bp.route("/jobs/<id:job_id>/propose/<id:candidate_id>", methods=["GET", "POST"])
@roles(*STAFF)
@purpose(AccessPurpose.PROPOSING)
def propose(job_id: int, candidate_id: int) -> ResponseReturnValue:
    job = jobboard.open_job(job_id)
    if job is None:
        abort(404)
    candidate = get_own_or_404(Candidate, candidate_id, owner_column=Candidate.jobcentre_id)
    form = ProposeForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            proposal = proposals.propose(job, candidate, current_user, form.pitch.data)
        if saved:
            flash(_("The candidate is proposed. The company is told."), "success")
            return redirect(url_for("candidates.proposal", proposal_id=proposal.id))
    access_log.record([candidate.id], AccessSeen.NAME)
    return render_template(
        "candidates/propose.html",
        form=form,
        job=job,
        candidate=candidate,
        view=disclosure.company_view(candidate, job.company_id),
        candidate_name=candidates.identity_of(candidate).full_name,
    )


@bp.get("/proposals/<id:proposal_id>")
@roles(*STAFF)
def proposal(proposal_id: int) -> ResponseReturnValue:
    found = _own_proposal(proposal_id)
    return render_template(
        "candidates/proposal.html",
        proposal=found,
        consent=disclosure.consent_in_force(found),
        consent_form=ConsentForm(),
        consent_labels=CONSENT_METHOD_LABELS,
        button=EmptyForm(),
        placement=db.session.scalar(select(Placement).where(Placement.proposal_id == found.id)),
        deadlines=proposals.deadlines(found),
    )


@bp.post("/proposals/<id:proposal_id>/consent")
@roles(*STAFF)
def record_consent(proposal_id: int) -> ResponseReturnValue:
    found = _own_proposal(proposal_id)
    form = ConsentForm()
    if form.validate_on_submit():
        with saving() as saved:  # a refusal is flashed above the page
            disclosure.record_consent(
                found, current_user, ConsentMethod(form.method.data), form.note.data or ""
            )
        if saved:
            flash(_("Consent is recorded. The company now sees name and phone."), "success")
            return redirect(url_for("candidates.proposal", proposal_id=found.id))
    return render_template(
        "candidates/proposal.html",
        proposal=found,
        consent=disclosure.consent_in_force(found),
        consent_form=form,
        consent_labels=CONSENT_METHOD_LABELS,
        button=EmptyForm(),
        placement=db.session.scalar(select(Placement).where(Placement.proposal_id == found.id)),
        deadlines=proposals.deadlines(found),
    )


@bp.post("/proposals/<id:proposal_id>/consent/withdraw")
@roles(*STAFF)
def withdraw_consent(proposal_id: int) -> ResponseReturnValue:
    found = _own_proposal(proposal_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with saving() as saved:
        disclosure.withdraw_consent(found, current_user)
    if saved:
        flash(_("Consent is withdrawn. The company sees the pseudonym again."), "success")
    return redirect(url_for("candidates.proposal", proposal_id=found.id))


@bp.post("/proposals/<id:proposal_id>/withdraw")
@roles(*STAFF)
def withdraw_proposal(proposal_id: int) -> ResponseReturnValue:
    found = _own_proposal(proposal_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with saving() as saved:
        proposals.withdraw(found)
    if saved:
        flash(_("The proposal is withdrawn."), "success")
    return redirect(url_for("candidates.proposal", proposal_id=found.id))

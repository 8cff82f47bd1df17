"""The company's side of proposals: read the anonymised profile, accept or decline."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from employers.blueprint import bp
from employers.proposal_forms import AcceptForm, DeclineForm
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.models import (
    AccessPurpose,
    DeclineReason,
    Job,
    Phase,
    Placement,
    Proposal,
    ProposalStatus,
    Role,
)
from marketplace.placements import ladder as placements
from marketplace.privacy import disclosure
from marketplace.privacy.access_log import purpose
from marketplace.proposals import lifecycle as proposals
from marketplace.web.access import get_own_or_404, roles
from marketplace.web.pagination import page_arg, paged
from marketplace.web.transactions import saving


def _own_proposal(proposal_id: int) -> Proposal:
    return get_own_or_404(Proposal, proposal_id, owner_column=Proposal.company_id)


def _page(found: Proposal, accept: AcceptForm, decline: DeclineForm) -> ResponseReturnValue:
    identity = disclosure.reveal_to_company(found, current_user)  # logged, committed with the page
    accept.offer(found.job)
    return render_template(
        "employers/proposal.html",
        placement=db.session.scalar(select(Placement).where(Placement.proposal_id == found.id)),
        proposal=found,
        view=disclosure.company_view(found.candidate, found.company_id),
        identity=identity,
        accept=accept,
        decline=decline,
    )


@bp.get("/proposals")
@roles(Role.EMPLOYER)
def proposal_list() -> ResponseReturnValue:
    company_id = current_user.organisation_id
    # Waiting first, then newest: ids for the page, then those rows with only the job's title.
    waiting_first = Proposal.status != ProposalStatus.WAITING.value
    result = paged(
        select(Proposal.id)
        .where(Proposal.company_id == company_id)
        .order_by(waiting_first, Proposal.created_at.desc(), Proposal.id.desc()),
        page_arg(),
    )
    loaded = {
        p.id: p
        for p in db.session.scalars(
            select(Proposal)
            .where(Proposal.id.in_(result.items))
            .options(lazyload("*"), joinedload(Proposal.job).load_only(Job.title).lazyload("*"))
        )
    }
    rows = [loaded[i] for i in result.items if i in loaded]
    return render_template(
        "employers/proposals.html",
        rows=[(p, disclosure.pseudonym(p.candidate_id, company_id)) for p in rows],
        result=result,
        page_url=lambda number: url_for("employers.proposal_list", page=number),
    )


@bp.get("/proposals/<id:proposal_id>")
@roles(Role.EMPLOYER)
@purpose(AccessPurpose.TRIAL_VISIT)
def proposal(proposal_id: int) -> ResponseReturnValue:
    found = _own_proposal(proposal_id)
    return _page(found, _fresh_accept_form(), DeclineForm())


def _fresh_accept_form() -> AcceptForm:
    start = local_today() + timedelta(days=7)
    return AcceptForm(formdata=None, suggested_start=start, trial_end=start + timedelta(days=1))


@bp.post("/proposals/<id:proposal_id>/accept")
@roles(Role.EMPLOYER)
@purpose(AccessPurpose.TRIAL_VISIT)
def accept_proposal(proposal_id: int) -> ResponseReturnValue:
    found = _own_proposal(proposal_id)
    form = AcceptForm()
    form.offer(found.job)
    if form.validate_on_submit():
        with saving(form, flash_unplaced=True) as saved:
            proposals.accept(found, current_user, form.suggested_start.data)
            placement = placements.start(
                found,
                current_user,
                Phase(form.first_step.data),
                form.suggested_start.data,
                form.trial_end.data,
            )
        if saved.flashed:  # e.g. a colleague answered first: say so on the page
            return redirect(url_for("employers.proposal", proposal_id=found.id))
        if saved:
            flash(
                _("Accepted. The jobcentre now asks the person to share name and phone."), "success"
            )
            return redirect(url_for("employers.placement", placement_id=placement.id))
    return _page(found, form, DeclineForm(formdata=None))


@bp.post("/proposals/<id:proposal_id>/decline")
@roles(Role.EMPLOYER)
@purpose(AccessPurpose.TRIAL_VISIT)
def decline_proposal(proposal_id: int) -> ResponseReturnValue:
    found = _own_proposal(proposal_id)
    form = DeclineForm()
    if form.validate_on_submit():
        with saving(form, flash_unplaced=True) as saved:
            proposals.decline(
                found, current_user, DeclineReason(form.reason.data), form.note.data or ""
            )
        if saved.flashed:
            return redirect(url_for("employers.proposal", proposal_id=found.id))
        if saved:
            flash(_("Declined. The jobcentre sees your reason."), "success")
            return redirect(url_for("employers.proposal_list"))
    return _page(found, _fresh_accept_form(), form)

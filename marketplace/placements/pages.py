"""Page handling both sides share for a placement: the timeline page and running an action.

The sides' routes decide who may do what and which form they fill; this module renders the
one timeline template and turns a domain refusal into a message beside the field or, for a
refusal of the whole action (the other side acted first), into a message above the timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from marketplace.agreements import document
from marketplace.agreements import rules as ladder_rules
from marketplace.agreements.terms import (
    history,
    in_force,
    latest_terms,
    phase_on,
    upcoming,
    versions_of,
)
from marketplace.caseload.candidates import identity_of
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.hours.ledger import week_start_of
from marketplace.hours.more_hours import worked_planned
from marketplace.hours.progress import progression, scale_for
from marketplace.i18n import gettext as _
from marketplace.models import (
    AccessPurpose,
    EndReason,
    Jobcentre,
    Phase,
    Placement,
    PlacementStep,
    PlacementTerms,
    Role,
    Side,
    StepKind,
    Weekday,
    Workplace,
)
from marketplace.placements import ladder as placements
from marketplace.placements import steps
from marketplace.placements.forms import AnswerForm, EndPlacementForm, HoursRequestForm, VersionForm
from marketplace.placements.ladder import side_of
from marketplace.placements.steps import hours_change
from marketplace.placements.timeline import timeline
from marketplace.privacy.access_log import purpose
from marketplace.web.access import get_own_or_404, roles
from marketplace.web.forms import Form
from marketplace.web.transactions import saving


def step_of_or_404(placement: Placement, step_id: int) -> PlacementStep:
    step = db.session.scalar(
        select(PlacementStep).where(
            PlacementStep.id == step_id, PlacementStep.placement_id == placement.id
        )
    )
    if step is None:
        abort(404)
    return step


def agreement_of_or_404(placement: Placement, terms_id: int) -> PlacementTerms:
    terms = db.session.scalar(
        select(PlacementTerms).where(
            PlacementTerms.id == terms_id,
            PlacementTerms.placement_id == placement.id,
            PlacementTerms.phase.in_([Phase.PRAKTIK.value, Phase.COMBINED.value]),
        )
    )
    if terms is None:
        abort(404)
    return terms


def page(
    placement: Placement,
    endpoint_prefix: str,
    person_name: str,
    *,
    answer: AnswerForm | None = None,
    **extra: Any,
) -> str:
    today = local_today()
    found = timeline(placement)
    versions, steps, events = found.versions, found.steps, found.events
    side = side_of(current_user)
    waiting = next((s for s in steps if s.status == "waiting"), None)
    rules = ladder_rules.rules_for(placement.jobcentre_id)
    answer = answer or AnswerForm(formdata=None, version=placement.version)
    progress = progression(placement, versions, today)
    if waiting is not None and waiting.kind == StepKind.HOURS:
        answer.note.label.text = _("Comment (needed to decline)")
    return render_template(
        "placements/placement.html",
        placement=placement,
        person_name=person_name,
        side=side.value,
        prefix=endpoint_prefix,
        versions=versions,
        events=events,
        assessments=found.assessments,
        terms=in_force(versions, today),
        next_terms=upcoming(versions, today),
        history=history(versions, today, placement.ended_on),
        phase=Phase.ENDED
        if placement.phase == Phase.ENDED
        else phase_on(placement, versions, today),
        waiting=waiting,
        mine=waiting is not None and waiting.proposed_by_side == side.value,
        answer=answer,
        button=VersionForm(formdata=None, version=placement.version),
        ratio_warning=side == Side.JOBCENTRE
        and placement.phase != Phase.ENDED
        and ladder_rules.praktik_ratio_exceeded(rules, placement.company),
        rules=rules,
        progress=progress,
        progress_scale=scale_for(progress),
        more_hours=side == Side.JOBCENTRE
        and waiting is None
        and placement.id in worked_planned([placement], {placement.id: versions}, today),
        **extra,
    )


def run(
    action: Callable[[], object],
    form: Form,
    success: str,
    done_url: str,
    back_url: str,
    render_again: Callable[[], ResponseReturnValue],
) -> ResponseReturnValue:
    """Run a domain action and commit once; refused: say why beside the field, keeping the
    input, or (an error of no field on the form) as a message on the page before."""
    with saving(form, flash_unplaced=True) as saved:
        action()
    if saved.flashed:
        return redirect(back_url)
    if not saved:
        return render_again()
    flash(success, "success")
    return redirect(done_url)


def workplace_choices(company_id: int) -> list[tuple[int, str]]:
    rows = db.session.scalars(
        select(Workplace).where(Workplace.company_id == company_id).order_by(Workplace.name)
    )
    return [(w.id, f"{w.name} ({w.p_number})") for w in rows]


def _note(form: VersionForm) -> str:
    return (form.note.data or "") if isinstance(form, AnswerForm) else ""


def timeline_url(prefix: str, placement: Placement) -> str:
    return url_for(f"{prefix}.placement", placement_id=placement.id)


def back_if_ended(prefix: str, placement: Placement) -> ResponseReturnValue | None:
    """A step form on an ended placement: say so on the timeline instead of offering it."""
    if placement.phase != Phase.ENDED:
        return None
    flash(str(steps.ENDED_MESSAGE), "error")
    return redirect(timeline_url(prefix, placement))


def back_if_waiting(prefix: str, placement: Placement) -> ResponseReturnValue | None:
    """A step form while another step waits for its answer: say so on the timeline before
    anything is typed, not after (the form would be refused, and what was typed lost)."""
    if placements.waiting_step(placement) is None:
        return None
    flash(str(placements.STEP_WAITING), "error")
    return redirect(timeline_url(prefix, placement))


def hours_request_defaults(placement: Placement, current: PlacementTerms) -> dict[str, object]:
    """From next Monday (only weeks that have begun can be confirmed, so it never is), the
    hours and days agreed now."""
    return {
        "version": placement.version,
        "start_on": week_start_of(local_today()) + timedelta(weeks=1),
        "hours": current.paid_hours,
        "weekdays": [int(day) for day in Weekday if (current.paid_weekdays or 0) & day],
    }


def register_routes(
    bp: Blueprint,
    allowed: tuple[Role, ...],
    owner_column: InstrumentedAttribute[int],
    person_name: Callable[[Placement], str],
    url_prefix: str = "/placements",
) -> Callable[[int], Placement]:
    """The routes both sides have, on the side's blueprint: the timeline, answering or
    withdrawing a step, ending, and the printable praktik agreement. Returns the loader."""
    prefix = bp.name

    def own(placement_id: int) -> Placement:
        return get_own_or_404(Placement, placement_id, owner_column=owner_column)

    def back(found: Placement) -> str:
        return url_for(f"{prefix}.placement", placement_id=found.id)

    def show(found: Placement, answer: AnswerForm | None = None) -> str:
        return page(found, prefix, person_name(found), answer=answer)

    @roles(*allowed)
    @purpose(AccessPurpose.PLACEMENT)
    def placement(placement_id: int) -> ResponseReturnValue:
        return show(own(placement_id))

    @roles(*allowed)
    @purpose(AccessPurpose.PLACEMENT)
    def step_action(placement_id: int, step_id: int, action: str) -> ResponseReturnValue:
        found = own(placement_id)
        step = step_of_or_404(found, step_id)
        # Accepting a change of hours may carry a comment, as declining always does.
        form = AnswerForm() if action in ("accept", "refuse") else VersionForm()
        if not form.validate_on_submit():
            return show(found, form if isinstance(form, AnswerForm) else None), 400
        user = current_user._get_current_object()
        actions: dict[str, tuple[Callable[[], object], str]] = {
            "accept": (
                lambda: placements.accept_step(step, user, form.seen_version(), note=_note(form)),
                _("Agreed. The new terms are on the timeline."),
            ),
            "refuse": (
                lambda: placements.refuse_step(step, user, _note(form), form.seen_version()),
                _("Sent. The other side reads your answer on the timeline."),
            ),
            "withdraw": (
                lambda: placements.withdraw_step(step, user, form.seen_version()),
                _("Your proposal is withdrawn."),
            ),
        }
        if action not in actions:
            abort(404)
        act, success = actions[action]
        return run(act, form, success, back(found), back(found), lambda: show(found, form))

    @roles(*allowed)
    @purpose(AccessPurpose.PLACEMENT)
    def end_placement(placement_id: int) -> ResponseReturnValue:
        found = own(placement_id)
        initial = {"version": found.version, "ended_on": local_today()}
        form = EndPlacementForm(data=None if request.method == "POST" else initial)

        def again() -> ResponseReturnValue:
            return render_template(
                "placements/end.html",
                form=form,
                placement=found,
                person=person_name(found),
                prefix=prefix,
            )

        if not form.validate_on_submit():
            return again()
        return run(
            lambda: placements.end(
                found,
                current_user._get_current_object(),
                EndReason(form.reason.data),
                form.note.data or "",
                form.ended_on.data,
                form.seen_version(),
            ),
            form,
            _("The placement has ended. The other side is told."),
            back(found),
            back(found),
            again,
        )

    @roles(*allowed)
    @purpose(AccessPurpose.PLACEMENT)
    def agreement(placement_id: int, terms_id: int) -> ResponseReturnValue:
        found = own(placement_id)
        terms = agreement_of_or_404(found, terms_id)
        side = side_of(current_user)
        return render_template(
            "placements/agreement.html",
            placement=found,
            terms=terms,
            person=person_name(found),
            # The jobcentre's own reference to its case: on the jobcentre's copy only.
            case_reference=identity_of(found.candidate).case_reference
            if side == Side.JOBCENTRE
            else None,
            side=side.value,
            prefix=prefix,
            jobcentre=db.session.get(Jobcentre, found.jobcentre_id),
            contact=document.contact_person(found),
            acceptances=document.acceptances(found, versions_of(found.id), terms),
        )

    base = f"{url_prefix}/<id:placement_id>"
    bp.add_url_rule(base, view_func=placement, methods=["GET"])
    bp.add_url_rule(
        f"{base}/steps/<id:step_id>/<any(accept, refuse, withdraw):action>",
        view_func=step_action,
        methods=["POST"],
    )

    @roles(*allowed)
    @purpose(AccessPurpose.PLACEMENT)
    def hours_request(placement_id: int) -> ResponseReturnValue:
        found = own(placement_id)
        if (ended := back_if_ended(prefix, found)) is not None:
            return ended
        if request.method == "GET" and (busy := back_if_waiting(prefix, found)) is not None:
            return busy
        current = latest_terms(found.id)
        if current is None or current.phase not in (Phase.PAID, Phase.COMBINED):
            flash(_("Paid hours are not agreed yet. Offer paid hours first."), "error")
            return redirect(back(found))
        form = HoursRequestForm(
            data=None if request.method == "POST" else hours_request_defaults(found, current)
        )

        def again() -> ResponseReturnValue:
            return render_template(
                "placements/hours_request.html",
                form=form,
                placement=found,
                person=person_name(found),
                prefix=prefix,
                terms=current,
                confirmed_through=hours.confirmed_through(found.id),
            )

        if not form.validate_on_submit():
            return again()
        change = hours_change(
            current,
            form.start_on.data,
            form.hours.data,
            form.weekday_bits(),
            form.reason.data or "",
        )
        return run(
            lambda: placements.propose_step(
                found,
                current_user._get_current_object(),
                StepKind.HOURS,
                change,
                form.seen_version(),
            ),
            form,
            _("Your request is sent. The other side accepts or declines it."),
            back(found),
            back(found),
            again,
        )

    bp.add_url_rule(f"{base}/end", view_func=end_placement, methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/hours-request", view_func=hours_request, methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/agreement/<id:terms_id>", view_func=agreement, methods=["GET"])
    return own

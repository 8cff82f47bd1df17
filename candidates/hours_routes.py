"""The jobcentre's view of a placement's hours, week by week, and flagging a week."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from candidates.blueprint import bp
from candidates.placement_routes import own_placement, person_name
from marketplace.hours import exports as hour_exports
from marketplace.hours import flags as hour_flags
from marketplace.hours.export_pages import export
from marketplace.hours.forms import FlagForm, input_name
from marketplace.hours.pages import neighbours, week_arg, week_of
from marketplace.hours.weeks import PlacementWeek, weeks_for
from marketplace.i18n import gettext as _
from marketplace.models import AccessPurpose, AccessSeen, Role
from marketplace.privacy import access_log
from marketplace.privacy.access_log import purpose
from marketplace.web import transactions
from marketplace.web.access import roles
from marketplace.web.forms import EmptyForm
from marketplace.web.labels import hour_kinds
from marketplace.web.transactions import saving


def _render(week: PlacementWeek, comment: str = "", error: str = "") -> str:
    before, after = neighbours(week.week_start)
    return render_template(
        "candidates/placement_hours.html",
        week=week,
        week_start=week.week_start,
        name=person_name(week.placement),
        before=before,
        after=after,
        input_name=input_name,
        form=EmptyForm(),
        comment=comment,
        comment_error=error,
    )


@bp.get("/placements/<id:placement_id>/hours")
@roles(Role.CONSULTANT, Role.ADMIN)
@purpose(AccessPurpose.HOURS)
def placement_hours(placement_id: int) -> ResponseReturnValue:
    found = own_placement(placement_id)
    return _render(weeks_for([found], week_arg())[0])


@bp.post("/placements/<id:placement_id>/hours/flag")
@roles(Role.CONSULTANT, Role.ADMIN)
@purpose(AccessPurpose.HOURS)
def flag_week(placement_id: int) -> ResponseReturnValue:
    found = own_placement(placement_id)
    form = FlagForm()
    week = weeks_for([found], week_of(form.week.data))[0]
    comment = form.comment.data or ""
    if not form.validate_on_submit():
        return _render(week, comment), 400
    with saving(quiet=True) as saved:  # the message goes beside the comment, below
        hour_flags.flag_week(found, current_user, week.week_start, comment)
    if saved.error is not None:
        return _render(week, comment, str(saved.error.message))
    flash(_("The company is asked about this week."), "success")
    return redirect(
        url_for("candidates.placement_hours", placement_id=found.id, week=week.week_start)
    )


@bp.get("/jobcentre/hours/export")
@roles(Role.CONSULTANT, Role.ADMIN)
@purpose(AccessPurpose.HOURS_REPORT)
def export_hours() -> ResponseReturnValue:
    """The jobcentre's candidates' confirmed hours: case reference, date, kind, hours, CVR."""
    jobcentre_id = current_user.organisation_id
    header = [_("Case reference"), _("Date"), _("Kind"), _("Hours"), _("Company CVR")]

    def rows(start: date, end: date) -> Iterator[str]:
        # Everyone in the file is logged (an INSERT per batch), committed before the first byte.
        held = hour_exports.candidate_ids_in_jobcentre_csv(jobcentre_id, start, end)
        access_log.record(held, AccessSeen.EXPORT_CASE)
        transactions.commit_served()
        return hour_exports.jobcentre_csv(jobcentre_id, start, end, header, hour_kinds())

    return export(_("Export the jobcentre's hours"), "jobcenter-timer", rows)

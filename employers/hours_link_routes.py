"""The weekly reminder's one-click path: its link opens every week that waits for the
company's confirmation (up to the week it was sent for) without logging in, and confirms the
chosen ones once.

The signed link stands in for the login, for this one employer's company and its waiting
weeks only. GET shows the weeks and changes nothing; the POST carries the page's CSRF token
besides the link, and spends the link in the same transaction as the confirmations, so a link
works once even when it is posted twice at the same moment. All or nothing: one wrong day in
any week confirms no week and leaves the link unused.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext

from employers.blueprint import bp
from marketplace.clock import local_today, utcnow
from marketplace.hours import reminders as hour_reminders
from marketplace.hours.forms import ConfirmManyWeeksForm, confirm_name, input_name
from marketplace.hours.pages import confirm_chosen_weeks
from marketplace.hours.reminders import LinkUnusable
from marketplace.hours.weeks import PlacementWeek, company_week
from marketplace.i18n import gettext as _
from marketplace.models import HourReminder, Role
from marketplace.privacy import disclosure
from marketplace.web.access import get_own_or_404, public, roles
from marketplace.web.forms import EmptyForm
from marketplace.web.transactions import saving


def _unusable(error: LinkUnusable) -> ResponseReturnValue:
    # 410 for a link that worked once (used or expired), 404 for one that never could.
    page = render_template("employers/hours_link_unusable.html", message=str(error.message))
    return page, 410 if error.gone else 404


def _waiting(reminder: HourReminder) -> list[date]:
    """The company's weeks waiting now, up to the week the reminder was sent for."""
    waiting = hour_reminders.waiting_weeks(local_today(), reminder.company_id)
    return [w for w in waiting.get(reminder.company_id, []) if w <= reminder.sent_for_week]


def _render(
    token: str,
    reminder: HourReminder,
    weeks: dict[date, list[PlacementWeek]],
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    chosen: dict[date, set[int]] | None = None,
) -> str:
    everyone = [w for placement_weeks in weeks.values() for w in placement_weeks]
    starts = list(weeks)
    return render_template(
        "employers/hours_link.html",
        token=token,
        reminder=reminder,
        weeks=weeks,
        first=starts[0] if starts else reminder.opens_week,
        last_end=(starts[-1] if starts else reminder.opens_week) + timedelta(days=6),
        names={
            w.placement.id: disclosure.pseudonym(w.placement.candidate_id, reminder.company_id)
            for w in everyone
        },
        typed=typed or {},
        errors=errors or {},
        chosen=chosen,
        input_name=input_name,
        confirm_name=confirm_name,
        form=EmptyForm(),
    )


@bp.get("/hours/link/<token>")
@public
def hours_link(token: str) -> ResponseReturnValue:
    try:
        reminder = hour_reminders.open_link(token)
    except LinkUnusable as error:
        return _unusable(error)
    weeks = {start: company_week(reminder.company_id, start) for start in _waiting(reminder)}
    return _render(token, reminder, weeks)


@bp.post("/hours/link/<token>")
@public
def confirm_from_link(token: str) -> ResponseReturnValue:
    try:
        reminder = hour_reminders.open_link(token)
    except LinkUnusable as error:
        return _unusable(error)
    starts = _waiting(reminder)  # the weeks are the link's own, whatever the form says
    form = ConfirmManyWeeksForm.for_weeks(starts)
    if not form.validate_on_submit():
        abort(400)
    chosen = {start: form.chosen(start) for start in starts}
    if not any(chosen.values()):
        flash(_("Choose at least one week that waits for confirmation."), "error")
        return redirect(url_for("employers.hours_link", token=token))
    with saving(quiet=True) as saved:
        hour_reminders.use_link(reminder)
        result = confirm_chosen_weeks(reminder.company_id, reminder.user, chosen, via="link")
        if result.refused or result.errors:
            saved.roll_back()  # the link stays unused until the weeks are confirmed
    if isinstance(saved.error, LinkUnusable):
        return _unusable(saved.error)
    if saved.error is not None:
        raise saved.error
    if result.refused:
        flash(result.refused, "error")
        return redirect(url_for("employers.hours_link", token=token))
    if result.errors:
        return _render(token, reminder, result.weeks, result.typed, result.errors, chosen), 400
    flash(
        ngettext("%(num)d week is confirmed.", "%(num)d weeks are confirmed.", result.confirmed),
        "success",
    )
    return redirect(url_for("employers.hours_link_done", token=token))


@bp.get("/hours/link/<token>/done")
@public
def hours_link_done(token: str) -> ResponseReturnValue:
    """After confirming: thanks, and what still waits (the link itself is spent)."""
    reminder = hour_reminders.reminder_of_token(token)
    if reminder is None or reminder.used_at is None or reminder.expires_at <= utcnow():
        return redirect(url_for("employers.hours_link", token=token))
    waiting = hour_reminders.waiting_weeks(local_today(), reminder.company_id).get(
        reminder.company_id, []
    )
    return render_template("employers/hours_link_done.html", reminder=reminder, waiting=waiting)


@bp.get("/hours/reminders/<id:reminder_id>")
@roles(Role.EMPLOYER)
def hours_reminder(reminder_id: int) -> ResponseReturnValue:
    """The reminder in the notification list: logged in, it opens the hours page itself."""
    reminder = get_own_or_404(HourReminder, reminder_id, owner_column=HourReminder.company_id)
    return redirect(url_for("employers.hours_week", week=reminder.opens_week.isoformat()))

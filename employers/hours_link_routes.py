"""The weekly reminder's one-click path: its link opens the oldest waiting week of the
company's placements without logging in, and confirms it once.

The signed link stands in for the login, for this one week and this one employer only. GET
shows the week and changes nothing; the POST carries the page's CSRF token besides the link,
and spends the link in the same transaction as the confirmation, so a link works once even
when it is posted twice at the same moment.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext

from employers.blueprint import bp
from marketplace.clock import local_today, utcnow
from marketplace.hours import reminders as hour_reminders
from marketplace.hours.forms import ConfirmWeeksForm, input_name
from marketplace.hours.pages import BulkConfirm, confirm_chosen
from marketplace.hours.reminders import LinkUnusable
from marketplace.hours.weeks import company_week
from marketplace.models import HourReminder, Role
from marketplace.privacy import disclosure
from marketplace.web.access import get_own_or_404, public, roles
from marketplace.web.forms import EmptyForm
from marketplace.web.transactions import saving


def _unusable(error: LinkUnusable) -> ResponseReturnValue:
    # 410 for a link that worked once (used or expired), 404 for one that never could.
    page = render_template("employers/hours_link_unusable.html", message=str(error.message))
    return page, 410 if error.gone else 404


def _render(
    token: str, reminder: HourReminder, result: BulkConfirm | None = None
) -> ResponseReturnValue:
    weeks = result.everyone if result else company_week(reminder.company_id, reminder.opens_week)
    return render_template(
        "employers/hours_link.html",
        token=token,
        reminder=reminder,
        week_start=reminder.opens_week,
        week_end=reminder.opens_week + timedelta(days=6),
        weeks=weeks,
        names={
            w.placement.id: disclosure.pseudonym(w.placement.candidate_id, reminder.company_id)
            for w in weeks
        },
        typed=result.typed if result else {},
        errors=result.errors if result else {},
        chosen=result.chosen if result else None,
        input_name=input_name,
        form=EmptyForm(),
    )


@bp.get("/hours/link/<token>")
@public
def hours_link(token: str) -> ResponseReturnValue:
    try:
        reminder = hour_reminders.open_link(token)
    except LinkUnusable as error:
        return _unusable(error)
    return _render(token, reminder)


@bp.post("/hours/link/<token>")
@public
def confirm_from_link(token: str) -> ResponseReturnValue:
    try:
        reminder = hour_reminders.open_link(token)
    except LinkUnusable as error:
        return _unusable(error)
    form = ConfirmWeeksForm()  # the week is the link's own, whatever the form says
    if not form.validate_on_submit():
        abort(400)
    chosen = form.confirm.data
    with saving(quiet=True) as saved:
        hour_reminders.use_link(reminder)
        result = confirm_chosen(
            reminder.company_id, reminder.user, reminder.opens_week, chosen, via="link"
        )
        if result.refused or result.errors:
            saved.roll_back()  # the link stays unused until the week is confirmed
    if isinstance(saved.error, LinkUnusable):
        return _unusable(saved.error)
    if saved.error is not None:
        raise saved.error
    if not saved:
        if result.refused:
            flash(result.refused, "error")
            return redirect(url_for("employers.hours_link", token=token))
        return _render(token, reminder, result), 400
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

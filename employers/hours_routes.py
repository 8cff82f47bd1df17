"""The company's hours: the week of all its placements (confirm several at once), one
placement's week (confirm, correct a confirmed day, answer the jobcentre's flag)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext
from flask_login import current_user

from employers.blueprint import bp
from employers.placement_routes import own_placement
from marketplace.clock import local_today
from marketplace.hours import exports as hour_exports
from marketplace.hours import flags as hour_flags
from marketplace.hours import ledger as hours
from marketplace.hours import reminders as hour_reminders
from marketplace.hours.export_pages import export
from marketplace.hours.forms import (
    ConfirmWeeksForm,
    CorrectionForm,
    FlagAnswerForm,
    WeekHoursForm,
    csrf_valid,
    input_name,
)
from marketplace.hours.pages import confirm_chosen, neighbours, week_arg, week_of
from marketplace.hours.weeks import PlacementWeek, company_week_page, weeks_for
from marketplace.i18n import gettext as _
from marketplace.models import AccessPurpose, AccessSeen, HourKind, Role
from marketplace.privacy import disclosure
from marketplace.privacy.access_log import purpose
from marketplace.web import transactions
from marketplace.web.access import roles
from marketplace.web.forms import EmptyForm
from marketplace.web.labels import hour_kinds
from marketplace.web.pagination import MAX_PAGE, Page, page_arg
from marketplace.web.transactions import saving


def _names(weeks: list[PlacementWeek]) -> dict[int, str]:
    company_id = current_user.organisation_id
    return {
        w.placement.id: disclosure.pseudonym(w.placement.candidate_id, company_id) for w in weeks
    }


def _render_week(
    week_start: date,
    shown: Page[PlacementWeek],
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    chosen: set[int] | None = None,
) -> str:
    before, after = neighbours(week_start)
    company_id = current_user.organisation_id
    waiting = hour_reminders.waiting_weeks(local_today(), company_id).get(company_id, [])
    weeks = shown.items

    def page_url(number: int) -> str:
        return url_for("employers.hours_week", week=week_start.isoformat(), page=number)

    return render_template(
        "employers/hours.html",
        week_start=week_start,
        weeks=weeks,
        result=shown,
        page_url=page_url,
        other_waiting=[week for week in waiting if week != week_start],
        names=_names(weeks),
        typed=typed or {},
        errors=errors or {},
        chosen=chosen,
        before=before,
        after=after,
        input_name=input_name,
        form=EmptyForm(),
    )


@bp.get("/hours")
@roles(Role.EMPLOYER)
def hours_week() -> ResponseReturnValue:
    week_start = week_arg()
    shown = company_week_page(current_user.organisation_id, week_start, page_arg())
    return _render_week(week_start, shown)


def _back(week_start: date, placement_id: int | None) -> str:
    if placement_id is not None:
        return url_for(
            "employers.placement_hours", placement_id=placement_id, week=week_start.isoformat()
        )
    return url_for("employers.hours_week", week=week_start.isoformat())


@bp.post("/hours/confirm")
@roles(Role.EMPLOYER)
def confirm_hours() -> ResponseReturnValue:
    """Confirm the chosen placements' week as entered: all of them, or none if one is wrong."""
    form = ConfirmWeeksForm()
    if not form.validate_on_submit():
        abort(400)
    week_start = week_of(form.week.data)
    single, chosen = form.placement.data, form.confirm.data
    company_id = current_user.organisation_id
    with saving(quiet=True) as saved:
        # Only the chosen placements are read: the page shows one page of the company's.
        result = confirm_chosen(company_id, current_user, week_start, chosen, only_chosen=True)
        if result.refused or result.errors:
            saved.roll_back()
    if result.refused:
        flash(result.refused, "error")
        return redirect(_back(week_start, single))
    if result.errors:
        if single is not None:
            week = next(w for w in result.everyone if w.placement.id in chosen)
            return _render_placement(week, typed=result.typed, errors=result.errors)
        # The page the form came from again, with what was typed in each of its weeks.
        page = min(max(request.form.get("page", 1, type=int) or 1, 1), MAX_PAGE)
        shown = company_week_page(company_id, week_start, page)
        typed = {**WeekHoursForm.for_weeks(shown.items).typed(), **result.typed}
        return _render_week(week_start, shown, typed=typed, errors=result.errors, chosen=chosen)
    flash(
        ngettext("%(num)d week is confirmed.", "%(num)d weeks are confirmed.", result.confirmed),
        "success",
    )
    return redirect(_back(week_start, single))


def _render_placement(
    week: PlacementWeek,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    correction: dict[str, str] | None = None,
    answer_errors: dict[int, str] | None = None,
) -> str:
    before, after = neighbours(week.week_start)
    return render_template(
        "employers/placement_hours.html",
        week=week,
        week_start=week.week_start,
        name=disclosure.pseudonym(week.placement.candidate_id, week.placement.company_id),
        typed=typed or {},
        errors=errors or {},
        correction=correction or {},
        answer_errors=answer_errors or {},
        before=before,
        after=after,
        input_name=input_name,
        form=EmptyForm(),
    )


@bp.get("/placements/<id:placement_id>/hours")
@roles(Role.EMPLOYER)
def placement_hours(placement_id: int) -> ResponseReturnValue:
    found = own_placement(placement_id)
    return _render_placement(weeks_for([found], week_arg())[0])


@bp.post("/placements/<id:placement_id>/hours/correct")
@roles(Role.EMPLOYER)
def correct_hours(placement_id: int) -> ResponseReturnValue:
    found = own_placement(placement_id)
    form = CorrectionForm()
    if not csrf_valid(form):
        abort(400)
    week = weeks_for([found], week_of(form.week.data))[0]
    form = CorrectionForm.for_week(week)  # with the revision of each day the page showed
    typed = form.typed()
    problems: dict[str, str] = {}
    try:
        day = date.fromisoformat(typed["day"])
        if day not in week.days:
            raise ValueError(day)
    except ValueError:
        problems["day"] = _("Choose a day of this week.")
        day = week.week_start
    kind = HourKind.PAID if typed["kind"] == HourKind.PAID else HourKind.PRAKTIK
    value = form.hours.data
    if form.hours.process_errors:
        problems["hours"] = str(form.hours.process_errors[0])
    elif value is None:
        problems["hours"] = _("Enter the right number of hours (0 if none).")
    seen = form.seen_revision(kind, day)
    if not problems:
        with saving(quiet=True) as saved:
            hours.correct(
                found,
                current_user,
                day,
                kind,
                value,
                typed["reason"],
                week.versions,
                seen_revision=seen,
            )
        if saved.error is not None:
            field = saved.error.field
            problems[field if field in ("hours", "reason") else "hours"] = str(saved.error.message)
        else:
            flash(_("The correction is saved. The week shows both figures."), "success")
            return redirect(_back(week.week_start, found.id))
    return _render_placement(week, correction={**typed, "errors": problems})


@bp.post("/placements/<id:placement_id>/hours/flags/<id:flag_id>/answer")
@roles(Role.EMPLOYER)
def answer_flag(placement_id: int, flag_id: int) -> ResponseReturnValue:
    found = own_placement(placement_id)
    flag = hour_flags.flag_of_or_none(found, flag_id)
    if flag is None:
        abort(404)
    form = FlagAnswerForm()
    if not form.validate_on_submit():
        abort(400)
    with saving(quiet=True) as saved:
        hour_flags.answer_flag(found, flag, current_user, form.answer.data or "")
    if saved.error is not None and saved.error.field:
        week = weeks_for([found], flag.week_start)[0]
        return _render_placement(week, answer_errors={flag.id: str(saved.error.message)})
    if saved.error is not None:
        flash(str(saved.error.message), "error")
    else:
        flash(_("Your answer is sent to the jobcentre."), "success")
    return redirect(_back(flag.week_start, found.id))


@bp.get("/hours/export")
@roles(Role.EMPLOYER)
@purpose(AccessPurpose.PAYROLL)
def export_hours() -> ResponseReturnValue:
    """For payroll: date, the person as the company may see them, kind, hours, wage."""
    company_id = current_user.organisation_id
    header = [_("Date"), _("Person"), _("Kind"), _("Hours"), _("Hourly wage")]

    def rows(start: date, end: date) -> Iterator[str]:
        # The people named in the file (consent in force) are logged in one INSERT and
        # committed before the first byte is sent; anyone else is under their pseudonym.
        placements = hour_exports.company_placements(company_id)
        in_file = hour_exports.placement_ids_in_company_csv(company_id, start, end)
        named = disclosure.reveal_many_to_company(
            [p for p in placements if p.id in in_file], current_user, AccessSeen.EXPORT_NAME
        )
        names = {
            p.id: named[p.id].full_name
            if p.id in named
            else disclosure.pseudonym(p.candidate_id, company_id)
            for p in placements
        }
        transactions.commit_served()
        return hour_exports.company_csv(company_id, start, end, header, names, hour_kinds())

    return export(_("Export hours for payroll"), "timer", rows)

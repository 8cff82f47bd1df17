"""/jobcentre/figures: the leader's page (issue 17). The month's share of the target group
touched by paid hours against the jobcentre's target (which the admin sets here), its twelve
months, hours a week, retention, the candidates without a solution, and the companies'
assessments of the twelve months (issue 18), for the jobcentre or one consultant; each table
also as CSV (and the period's assessments one by one), and the page printable. Definitions:
docs/FIGURES.md."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from wtforms import Field, IntegerField, StringField
from wtforms.validators import ValidationError

from candidates import assessment_files, stuck_files
from candidates.blueprint import bp
from candidates.consultant_filter import ALL, ConsultantFilterForm
from marketplace.caseload import candidates
from marketplace.caseload.candidates import names_of
from marketplace.clock import local_today, month_of, months_before
from marketplace.extensions import db
from marketplace.figures import measures, rollup, targets
from marketplace.figures.assessments import assessment_figures
from marketplace.figures.funnel import Funnel, Row
from marketplace.figures.stuck import without_a_solution
from marketplace.i18n import gettext as _
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import AccessPurpose, AccessSeen, Company, Role
from marketplace.privacy import access_log
from marketplace.privacy.access_log import purpose
from marketplace.spreadsheets import Cell
from marketplace.web.access import roles
from marketplace.web.downloads import csv_download
from marketplace.web.forms import Form, input_required, number_between
from marketplace.web.labels import (
    FUNNEL_STEP_LABELS,
    NOWHERE_LABELS,
)
from marketplace.web.pagination import page_arg, page_size, paged
from marketplace.web.transactions import saving

FIRST_MONTH = date(2016, 1, 1)  # the oldest month a figure may be asked for
LEADER_PAGE_SIZE = 20  # rows of each list on the page (the CSV holds them all)
MONTH = re.compile(r"(\d{4})-(\d{2})")


def _a_month(form: Form, field: Field) -> None:
    found = MONTH.fullmatch(field.data or "")
    if found is None or not 1 <= int(found[2]) <= 12:
        raise ValidationError(_l("Write the month as year and month, e.g. 2026-11."))
    month = date(int(found[1]), int(found[2]), 1)
    if not FIRST_MONTH <= month <= month_of(local_today()):
        raise ValidationError(_l("Choose a month from January 2016 up to this month."))


class FiguresForm(ConsultantFilterForm):
    month = StringField(_l("Month"), validators=[_a_month], render_kw={"type": "month"})

    def chosen_month(self, default: date) -> date:
        if self.month.errors:
            return default
        year, month = self.month.data.split("-")
        return date(int(year), int(month), 1)


class TargetForm(Form):
    target = IntegerField(
        _l("Target (percent of the target group with paid hours)"),
        validators=[input_required(), number_between(targets.LOWEST, targets.HIGHEST)],
        description=_l(
            "The national programme's target is %(target)d %%; here you set your own.",
            target=targets.PROGRAMME_TARGET,
        ),
    )


@bp.route("/jobcentre/figures", methods=["GET", "POST"])
@roles(Role.ADMIN)
@purpose(AccessPurpose.CASE_WORK)
def figures() -> ResponseReturnValue:
    jobcentre_id = current_user.organisation_id
    target = targets.target_of(jobcentre_id)
    target_form = TargetForm(target=target)
    if request.method == "POST":
        if target_form.validate_on_submit():
            with saving(target_form) as saved:
                targets.set_target(jobcentre_id, target_form.target.data)
            if saved:
                flash(_("The target is saved."), "success")
                return redirect(url_for("candidates.figures", **request.args))
        return _page(jobcentre_id, target_form, target), 400
    return _page(jobcentre_id, target_form, target)


@dataclass(frozen=True)
class Chosen:
    """The month and consultant asked for, as the form read them from the query."""

    form: FiguresForm
    staff: dict[int, str]
    month: date
    chosen: str  # ALL or a consultant's id, as in the query
    consultant_id: int | None

    @property
    def query(self) -> dict[str, str]:
        return {"month": f"{self.month:%Y-%m}", "consultant": self.chosen}


def _chosen() -> Chosen:
    # The last whole month by default: this one has just begun, and its hours are confirmed
    # a week after they are worked.
    last_month = months_before(month_of(local_today()), 1)
    form = FiguresForm(request.args, month=f"{last_month:%Y-%m}", consultant=ALL)
    staff = candidates.colleagues_who_can_take_over_in(current_user.organisation_id)
    form.offer(staff)
    form.validate()
    chosen, consultant_id = form.chosen()
    return Chosen(
        form=form,
        staff={user.id: user.name for user in staff},
        month=form.chosen_month(last_month),
        chosen=chosen,
        consultant_id=consultant_id,
    )


def _page(jobcentre_id: int, target_form: TargetForm, target: int) -> str:
    """The page with the jobcentre's saved `target` (read once by the caller)."""
    asked = _chosen()
    month, consultant_id = asked.month, asked.consultant_id
    figures = rollup.figures_for(jobcentre_id, month, consultant_id)
    trend = figures.trend
    stuck = paged(
        without_a_solution(jobcentre_id, local_today(), consultant_id),
        page_arg(),
        page_size(LEADER_PAGE_SIZE),
    )
    companies = paged(figures.companies, page_arg("company_page"), page_size(LEADER_PAGE_SIZE))
    consultant_page = paged(
        figures.consultants, page_arg("consultant_page"), page_size(LEADER_PAGE_SIZE)
    )
    company_lines = [Row.of(row) for row in companies.items]
    period = rollup.period_of(month)
    # The stuck list names people: each showing is logged for them.
    ids = [row["candidate_id"] for row in stuck.items]
    names = names_of(ids)
    access_log.record(names.keys(), AccessSeen.NAME)
    return render_template(
        "candidates/figures.html",
        form=asked.form,
        month=month,
        share=trend[-1],
        trend=trend,
        target=target,
        target_form=target_form,
        chart=bar_chart(trend, target),
        weekly=figures.weekly,
        retention=figures.retention,
        computed_at=figures.computed_at,
        period=period,
        assessments=assessment_figures(jobcentre_id, *period, consultant_id),
        early_reason_names=assessment_files.EARLY_REASONS,
        # This month's hours are still being confirmed: no verdict on it yet.
        month_running=month == month_of(local_today()),
        funnel=figures.funnel,
        funnel_chart=funnel_chart(figures.funnel),
        reasons=figures.reasons,
        consultant_page=consultant_page,
        consultant_lines=[figures.consultant_line(row) for row in consultant_page.items],
        consultant_page_url=lambda number: url_for(
            "candidates.figures", consultant_page=number, **asked.query
        ),
        companies=companies,
        company_lines=company_lines,
        company_names=company_names(line.id for line in company_lines),
        company_page_url=lambda number: url_for(
            "candidates.figures", company_page=number, **asked.query
        ),
        query=asked.query,
        who=(
            asked.staff.get(consultant_id, "")
            if consultant_id is not None
            else _("everyone in the jobcentre")
        ),
        stuck=stuck,
        names=names,
        consultants=asked.staff,
        page_url=lambda number: url_for("candidates.figures", page=number, **asked.query),
    )


# The page's tables as files: each a header and its rows for the month and consultant asked.
Table = Callable[[int, Chosen], tuple[list[str], Iterable[Sequence[Cell]]]]


def _months_table(jobcentre_id: int, asked: Chosen) -> tuple[list[str], list[list[Cell]]]:
    trend = rollup.figures_for(jobcentre_id, asked.month, asked.consultant_id).trend
    header = [_("Month"), _("With paid hours"), _("Target group"), _("Share (%)")]
    return header, [[f"{s.month:%Y-%m}", s.touched, s.group, s.percent] for s in reversed(trend)]


def _hours_table(jobcentre_id: int, asked: Chosen) -> tuple[list[str], list[list[Cell]]]:
    weekly = rollup.figures_for(jobcentre_id, asked.month, asked.consultant_id).weekly
    header = [
        _("Month"),
        _("With paid hours"),
        _("Median paid hours a week"),
        _("Also with paid hours three months before"),
        _("Of those, more hours a week now"),
    ]
    return header, [
        [f"{weekly.month:%Y-%m}", weekly.people, weekly.median, weekly.compared, weekly.more]
    ]


def _retention_table(jobcentre_id: int, asked: Chosen) -> tuple[list[str], list[list[Cell]]]:
    spans = rollup.figures_for(jobcentre_id, asked.month, asked.consultant_id).retention
    header = [
        _("Days after the first paid day"),
        _("People"),
        _("Still with paid hours"),
        _("Share (%)"),
    ]
    return header, [[r.days, r.people, r.still, r.percent] for r in spans]


def _stuck_table(jobcentre_id: int, asked: Chosen) -> tuple[list[str], list[list[Cell]]]:
    return stuck_files.solution(jobcentre_id, asked.consultant_id, asked.staff)


def _funnel_table(jobcentre_id: int, asked: Chosen) -> tuple[list[str], list[list[Cell]]]:
    found = rollup.figures_for(jobcentre_id, asked.month, asked.consultant_id).funnel
    header = [
        _("Step"),
        _("Proposals"),
        _("Of the step before (%)"),
        _("Of the proposed (%)"),
        _("Median days from the step before"),
        _("Placements in the median"),
    ]
    return header, [
        [
            str(FUNNEL_STEP_LABELS[step.name]),
            step.count,
            step.conversion,
            step.of_proposed,
            step.median_days,
            step.timed,
        ]
        for step in found.steps
    ]


def _reasons_table(jobcentre_id: int, asked: Chosen) -> tuple[list[str], list[list[Cell]]]:
    reasons = rollup.figures_for(jobcentre_id, asked.month, asked.consultant_id).reasons
    header = [_("Why"), _("Proposals")]
    return header, [[str(NOWHERE_LABELS.get(code, code)), n] for code, n in reasons]


LINE_HEADER = (
    _l("Proposals"),
    _l("Accepted"),
    _l("Accepted of proposed (%)"),
    _l("Reached paid hours"),
    _l("Of accepted (%)"),
    _l("Paid hours in the period"),
)


def _line_cells(line: Row) -> list[Cell]:
    return [
        line.proposals,
        line.accepted,
        line.accepted_percent,
        line.paid,
        line.paid_percent,
        line.paid_hours,
    ]


def _consultants_table(jobcentre_id: int, asked: Chosen) -> tuple[list[str], list[list[Cell]]]:
    figures = rollup.figures_for(jobcentre_id, asked.month, asked.consultant_id)
    rows = db.session.execute(figures.consultants).mappings()
    lines = [figures.consultant_line(row) for row in rows]
    header = [_("Consultant"), *(str(name) for name in LINE_HEADER)]
    return header, [[asked.staff.get(line.id, ""), *_line_cells(line)] for line in lines]


def _companies_table(jobcentre_id: int, asked: Chosen) -> tuple[list[str], list[list[Cell]]]:
    statement = rollup.figures_for(jobcentre_id, asked.month, asked.consultant_id).companies
    lines = [Row.of(row) for row in db.session.execute(statement).mappings()]
    names = company_names(line.id for line in lines)
    header = [_("Company"), *(str(name) for name in LINE_HEADER)]
    return header, [[names.get(line.id, ""), *_line_cells(line)] for line in lines]


def _by_month(make: assessment_files.Maker) -> Table:
    """An assessment table (candidates.assessment_files) for the month and consultant asked."""
    return lambda jobcentre_id, asked: make(
        jobcentre_id, asked.month, asked.consultant_id, asked.staff
    )


# The files' names, in Danish like their headers (ASCII: a download name travels far).
FILE_NAMES = {
    "months": "maaneder",
    "hours": "timer-om-ugen",
    "retention": "stadig-med-timer",
    "funnel": "fra-forslag-til-timer",
    "reasons": "hvorfor-ikke",
    "consultants": "jobformidlere",
    "companies": "virksomheder",
    "without-a-solution": "uden-loesning",
    "assessment-held": "vurderinger-forloeb",
    "assessment-ended-by": "vurderinger-afbrudt-af",
    "assessment-reasons": "vurderinger-aarsager",
    "assessment-recommendations": "vurderinger-anbefalinger",
    "assessments": "vurderinger",
}

TABLES: dict[str, Table] = {
    "months": _months_table,
    "hours": _hours_table,
    "retention": _retention_table,
    "funnel": _funnel_table,
    "reasons": _reasons_table,
    "consultants": _consultants_table,
    "companies": _companies_table,
    "without-a-solution": _stuck_table,
    "assessment-held": _by_month(assessment_files.held),
    "assessment-ended-by": _by_month(assessment_files.ended_by),
    "assessment-reasons": _by_month(assessment_files.early_reasons),
    "assessment-recommendations": _by_month(assessment_files.recommendations),
    "assessments": _by_month(assessment_files.assessments),
}


def company_names(ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = db.session.execute(select(Company.id, Company.name).where(Company.id.in_(wanted)))
    return {company_id: name for company_id, name in rows}


@bp.get("/jobcentre/figures/<table>.csv")
@roles(Role.ADMIN)
@purpose(AccessPurpose.CASE_WORK)
def figures_csv(table: str) -> ResponseReturnValue:
    """One of the page's tables as CSV for Danish Excel (safe cells: marketplace.spreadsheets)."""
    make = TABLES.get(table)
    if make is None:
        abort(404)
    asked = _chosen()
    if asked.form.errors:  # the page says what is wrong, beside the field
        target = targets.target_of(current_user.organisation_id)
        return _page(current_user.organisation_id, TargetForm(target=target), target), 400
    # A file of people logs them and commits before the first byte (candidates.stuck_files).
    header, rows = make(current_user.organisation_id, asked)
    return csv_download(f"tal-{FILE_NAMES[table]}-{asked.month:%Y-%m}.csv", header, rows)


def funnel_chart(found: Funnel) -> list[dict[str, object]]:
    """The funnel's bars in the SVG's own units (drawn by the template): each step's share of
    the proposed on a 0-100 width."""
    proposed = found.steps[0].count or 1
    return [
        {"y": index * 18, "width": round(step.count * 100 / proposed, 1), "count": step.count}
        for index, step in enumerate(found.steps)
    ]


def bar_chart(trend: list[measures.Share], target: int) -> dict[str, object]:
    """The bars of the trend's chart in the SVG's own units (drawn by the template): 0-100 %
    on a 100-high scale, with the target's line."""
    width, gap = 20, 6
    top = max([float(s.percent or 0) for s in trend] + [float(target), 10.0])
    scale = 100 / top
    bars = [
        {
            "x": index * (width + gap),
            "height": round(float(s.percent or 0) * scale, 1),
            "month": s.month,
        }
        for index, s in enumerate(trend)
    ]
    return {
        "bars": bars,
        "width": len(trend) * (width + gap),
        "bar_width": width,
        "target_y": round(100 - target * scale, 1),
    }

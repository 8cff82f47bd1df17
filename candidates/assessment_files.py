"""The leader's page's assessment tables as CSV (issue 18; candidates.figures_routes serves
them): how the periods went, who ended them early and why, what was recommended, and the
period's assessments one by one by case reference (each person logged as an export). The free
texts stay out of every file: they are read on the placement's page, where each reading is
logged for the person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from candidates import stuck_files
from marketplace.clock import local_day
from marketplace.extensions import db
from marketplace.figures import rollup
from marketplace.figures.assessments import AssessmentFigures, assessment_figures, period_rows
from marketplace.i18n import gettext as _
from marketplace.i18n import lazy_gettext as _l
from marketplace.spreadsheets import Cell
from marketplace.web.labels import (
    ASSESSMENT_KIND_LABELS,
    EARLY_REASON_LABELS,
    ENDED_BY_LABELS,
    HELD_LABELS,
    RECOMMENDATION_LABELS,
)

TableData = tuple[list[str], list[list[Cell]]]
Maker = Callable[[int, date, int | None, dict[int, str]], TableData]

# The company's reasons, as the leader reads them (the company's form says "we").
EARLY_REASONS = {**EARLY_REASON_LABELS, "no_capacity": _l("The company had no capacity")}


def _figures(jobcentre_id: int, month: date, consultant_id: int | None) -> AssessmentFigures:
    return assessment_figures(jobcentre_id, *rollup.period_of(month), consultant_id)


def held(
    jobcentre_id: int, month: date, consultant_id: int | None, staff: dict[int, str]
) -> TableData:
    found = _figures(jobcentre_id, month, consultant_id)
    header = [_("How the period went"), _("Assessments")]
    return header, [
        *([str(HELD_LABELS[code]), n] for code, n in found.held),
        [_("Asked in the period, not answered yet"), found.missing],
    ]


def ended_by(
    jobcentre_id: int, month: date, consultant_id: int | None, staff: dict[int, str]
) -> TableData:
    found = _figures(jobcentre_id, month, consultant_id)
    header = [_("Who ended it early"), _("Assessments")]
    return header, [[str(ENDED_BY_LABELS[code]), n] for code, n in found.ended_by]


def early_reasons(
    jobcentre_id: int, month: date, consultant_id: int | None, staff: dict[int, str]
) -> TableData:
    found = _figures(jobcentre_id, month, consultant_id)
    header = [_("Why it ended early"), _("Assessments")]
    return header, [[str(EARLY_REASONS.get(code, code)), n] for code, n in found.reasons]


def recommendations(
    jobcentre_id: int, month: date, consultant_id: int | None, staff: dict[int, str]
) -> TableData:
    found = _figures(jobcentre_id, month, consultant_id)
    header = [_("Recommended next step"), _("Assessments")]
    return header, [[str(RECOMMENDATION_LABELS[code]), n] for code, n in found.recommendations]


def assessments(
    jobcentre_id: int, month: date, consultant_id: int | None, staff: dict[int, str]
) -> TableData:
    """The period's assessments one by one: people by case reference, each logged as an
    export. The free texts stay out (the company's notes and advice, the person's comment):
    they are read on the placement's page, where each reading is logged for the person."""
    statement = period_rows(jobcentre_id, *rollup.period_of(month), consultant_id)
    rows = db.session.execute(statement).all()
    references = stuck_files.exported_people(rows)
    agrees = {True: _("Yes"), False: _("No"), None: ""}
    header = [
        _("Case reference"),
        _("Consultant"),
        _("Company"),
        _("Job"),
        _("Kind"),
        _("First day"),
        _("Last day"),
        _("Asked"),
        _("Answered"),
        _("How the period went"),
        _("Last day present"),
        _("Days missed"),
        _("Who ended it early"),
        _("Why it ended early"),
        _("Recommended next step"),
        _("Weeks"),
        _("Hours a week"),
        _("The person has read it"),
        _("The person agrees"),
    ]
    return header, [
        [
            references.get(row.candidate_id, ""),
            staff.get(row.consultant_id, ""),
            row.company,
            row.job,
            str(ASSESSMENT_KIND_LABELS.get(row.kind, row.kind)),
            row.period_from,
            row.period_to,
            local_day(row.requested_at),
            local_day(row.submitted_at) if row.submitted_at else None,
            str(HELD_LABELS[row.held]) if row.held else "",
            row.last_day_present,
            row.days_missed,
            str(ENDED_BY_LABELS[row.ended_by]) if row.ended_by else "",
            str(EARLY_REASONS[row.early_reason]) if row.early_reason else "",
            str(RECOMMENDATION_LABELS[row.recommendation]) if row.recommendation else "",
            row.recommended_weeks,
            row.recommended_hours,
            local_day(row.person_read_at) if row.person_read_at else None,
            agrees[row.person_agrees],
        ]
        for row in rows
    ]

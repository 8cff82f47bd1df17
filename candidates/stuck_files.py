"""The stuck list's sections as CSV files (issues 17 and 18), for the stuck list and the leader's
figures: every row of a section, not a page. A file of people names them by case reference
(what the jobcentre's own systems know them by), never by name, and each person in it is
logged as an export before the first byte."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from marketplace.caseload.candidates import case_references_of
from marketplace.clock import local_day, local_today, utcnow
from marketplace.extensions import db
from marketplace.figures import stuck as rules
from marketplace.i18n import gettext as _
from marketplace.models import AccessSeen
from marketplace.privacy import access_log
from marketplace.spreadsheets import Cell
from marketplace.web import transactions
from marketplace.web.labels import ASSESSMENT_KIND_LABELS

Table = tuple[list[str], list[list[Cell]]]


def exported_people(rows: Sequence[Any]) -> dict[int, str]:
    """The rows' people by case reference, each logged as an export and committed before
    the file goes."""
    references = case_references_of(row.candidate_id for row in rows)
    access_log.record(references.keys(), AccessSeen.EXPORT_CASE)
    transactions.commit_served()  # logged before the file goes
    return references


def solution(jobcentre_id: int, consultant_id: int | None, staff: dict[int, str]) -> Table:
    rows = db.session.execute(
        rules.without_a_solution(jobcentre_id, local_today(), consultant_id)
    ).all()
    references = exported_people(rows)
    action = _("Go through the answers with the person and propose again")
    header = [
        _("Case reference"),
        _("Consultant"),
        _("First proposed"),
        _("Proposals"),
        _("Next action"),
    ]
    return header, [
        [
            references.get(row.candidate_id, ""),
            staff.get(row.consultant_id, ""),
            local_day(row.first_proposed),
            row.proposals,
            action,
        ]
        for row in rows
    ]


def praktik(jobcentre_id: int, consultant_id: int | None, staff: dict[int, str]) -> Table:
    today = local_today()
    rows = db.session.execute(rules.praktik_ending(jobcentre_id, today, consultant_id)).all()
    references = exported_people(rows)
    states = rules.praktik_next_steps([row._mapping for row in rows], jobcentre_id, today)
    actions = {
        rules.PraktikAction.PAST: _("Past its last day: end it or agree the next step"),
        rules.PraktikAction.AT_LIMIT: _(
            "Offer paid hours or end it: the praktik reaches its limit"
        ),
        rules.PraktikAction.EXTEND: _("Extend the praktik or offer paid hours"),
    }
    header = [
        _("Case reference"),
        _("Consultant"),
        _("Company"),
        _("Last day"),
        _("Praktik in all (weeks)"),
        _("At most (weeks)"),
        _("Next action"),
    ]
    return header, [
        [
            references.get(row.candidate_id, ""),
            staff.get(row.consultant_id, ""),
            row.company,
            row.last_day,
            states[row.placement_id].weeks,
            states[row.placement_id].limit_weeks,
            actions[states[row.placement_id].action],
        ]
        for row in rows
    ]


def hours(jobcentre_id: int, consultant_id: int | None, staff: dict[int, str]) -> Table:
    rows = db.session.execute(
        rules.without_confirmed_hours(jobcentre_id, local_today(), consultant_id)
    ).all()
    references = exported_people(rows)
    action = _("Call the company: is the placement going, and are the hours confirmed?")
    header = [
        _("Case reference"),
        _("Consultant"),
        _("Company"),
        _("Last confirmed week"),
        _("Next action"),
    ]
    return header, [
        [
            references.get(row.candidate_id, ""),
            staff.get(row.consultant_id, ""),
            row.company,
            row.last_confirmed,
            action,
        ]
        for row in rows
    ]


def proposals(jobcentre_id: int, consultant_id: int | None, staff: dict[int, str]) -> Table:
    rows = db.session.execute(
        rules.unanswered_proposals(jobcentre_id, utcnow(), consultant_id)
    ).all()
    references = exported_people(rows)
    action = _("Call the company, or withdraw the proposal and propose the person elsewhere")
    header = [
        _("Case reference"),
        _("Consultant"),
        _("Job"),
        _("Company"),
        _("Proposed"),
        _("Next action"),
    ]
    return header, [
        [
            references.get(row.candidate_id, ""),
            staff.get(row.consultant_id, ""),
            row.job,
            row.company,
            local_day(row.proposed_at),
            action,
        ]
        for row in rows
    ]


def assessments(jobcentre_id: int, consultant_id: int | None, staff: dict[int, str]) -> Table:
    rows = db.session.execute(
        rules.missing_assessments(jobcentre_id, utcnow(), consultant_id)
    ).all()
    references = exported_people(rows)
    action = _("Call the company and ask for the assessment")
    header = [
        _("Case reference"),
        _("Consultant"),
        _("Job"),
        _("Company"),
        _("Kind"),
        _("First day"),
        _("Last day"),
        _("Asked"),
        _("Reminders sent"),
        _("Next action"),
    ]
    return header, [
        [
            references.get(row.candidate_id, ""),
            staff.get(row.consultant_id, ""),
            row.job,
            row.company,
            str(ASSESSMENT_KIND_LABELS.get(row.kind, row.kind)),
            row.period_from,
            row.period_to,
            local_day(row.requested_at),
            row.reminders_sent,
            action,
        ]
        for row in rows
    ]


# The sections' files and their (Danish, ASCII) names.
SECTIONS: dict[str, tuple[str, Callable[[int, int | None, dict[int, str]], Table]]] = {
    "solution": ("uden-loesning", solution),
    "praktik": ("praktik-slutter", praktik),
    "hours": ("uden-godkendte-timer", hours),
    "proposals": ("forslag-uden-svar", proposals),
    "assessments": ("vurderinger-mangler", assessments),
}

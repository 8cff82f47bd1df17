"""/jobcentre/stuck: the stuck list (issues 17 and 18) for a consultant and for the leader.
Five sections, one per rule of marketplace.figures.stuck, each a paged table with its own page
parameter: candidates without a solution, praktik near its end or past it, placements without
confirmed hours for two weeks, proposals unanswered past their reminder, the companies'
assessments missing past their first reminder; each row with the
person's name (logged), the consultant, the facts, the next action and a link. A consultant
sees their own candidates by default, a leader everyone's; either may choose. Definitions:
docs/FIGURES.md."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from candidates import stuck_files
from candidates.blueprint import bp
from candidates.consultant_filter import ALL, ConsultantFilterForm
from marketplace.caseload import candidates
from marketplace.caseload.candidates import names_of
from marketplace.clock import local_today, utcnow
from marketplace.figures import stuck as rules
from marketplace.models import AccessPurpose, AccessSeen, Role
from marketplace.privacy import access_log
from marketplace.privacy.access_log import purpose
from marketplace.web.access import roles
from marketplace.web.downloads import csv_download
from marketplace.web.pagination import page_arg, page_size, paged

# Rows a section shows a page: five tables on one page, so fewer than a list page's 50.
SECTION_SIZE = 20
# Each paged by "<name>_page".
SECTIONS = ("solution", "praktik", "hours", "proposals", "assessments")


@bp.get("/jobcentre/stuck/<section>.csv")
@roles(Role.CONSULTANT, Role.ADMIN)
@purpose(AccessPurpose.CASE_WORK)
def stuck_csv(section: str) -> ResponseReturnValue:
    """One section, every row, as CSV (people by case reference, each logged as an export)."""
    found = stuck_files.SECTIONS.get(section)
    if found is None:
        abort(404)
    file_name, make = found
    jobcentre_id = current_user.organisation_id
    default = ALL if current_user.role == Role.ADMIN else str(current_user.id)
    form = ConsultantFilterForm(request.args, consultant=default)
    staff = candidates.colleagues_who_can_take_over_in(jobcentre_id)
    form.offer(staff)
    if not form.validate():  # the page says what is wrong, beside the field
        return stuck(), 400
    _chosen, consultant_id = form.chosen(default)
    header, rows = make(jobcentre_id, consultant_id, {user.id: user.name for user in staff})
    return csv_download(f"fastlaaste-{file_name}-{local_today():%Y-%m-%d}.csv", header, rows)


@bp.get("/jobcentre/stuck")
@roles(Role.CONSULTANT, Role.ADMIN)
@purpose(AccessPurpose.CASE_WORK)
def stuck() -> ResponseReturnValue:
    today = local_today()
    jobcentre_id = current_user.organisation_id
    default = ALL if current_user.role == Role.ADMIN else str(current_user.id)
    form = ConsultantFilterForm(request.args, consultant=default)
    staff = candidates.colleagues_who_can_take_over_in(jobcentre_id)
    form.offer(staff)
    form.validate()
    chosen, consultant_id = form.chosen(default)
    now = utcnow()
    statements = {
        "solution": rules.without_a_solution(jobcentre_id, today, consultant_id),
        "praktik": rules.praktik_ending(jobcentre_id, today, consultant_id),
        "hours": rules.without_confirmed_hours(jobcentre_id, today, consultant_id),
        "proposals": rules.unanswered_proposals(jobcentre_id, now, consultant_id),
        "assessments": rules.missing_assessments(jobcentre_id, now, consultant_id),
    }
    size = page_size(SECTION_SIZE)
    pages = {name: page_arg(f"{name}_page") for name in SECTIONS}
    sections = {name: paged(statements[name], pages[name], size) for name in SECTIONS}
    # The list names people: each showing is logged for them.
    names = names_of({row["candidate_id"] for s in sections.values() for row in s.items})
    access_log.record(names.keys(), AccessSeen.NAME)

    def page_url(section: str) -> Any:
        def url(number: int) -> str:
            query = {f"{name}_page": sections[name].page for name in SECTIONS}
            query[f"{section}_page"] = number
            return url_for("candidates.stuck", consultant=chosen, **query)

        return url

    return render_template(
        "candidates/stuck.html",
        form=form,
        sections=sections,
        praktik=rules.praktik_next_steps(sections["praktik"].items, jobcentre_id, today),
        names=names,
        consultants={user.id: user.name for user in staff},
        page_url={name: page_url(name) for name in SECTIONS},
        chosen=chosen,
        today=today,
    )

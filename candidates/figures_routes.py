"""/jobcentre/figures: the leader's page (issue 17). The month's share of the target group
touched by paid hours against the programme's target, its twelve months, and the candidates
without a solution, for the jobcentre or one consultant. Definitions: docs/FIGURES.md."""

from __future__ import annotations

import re
from datetime import date

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import Field, SelectChoice, StringField
from wtforms.validators import ValidationError

from candidates.blueprint import bp
from marketplace.caseload import candidates
from marketplace.caseload.candidates import names_of
from marketplace.clock import local_today, month_of, months_before
from marketplace.figures import measures
from marketplace.figures.stuck import without_a_solution
from marketplace.i18n import gettext as _
from marketplace.i18n import lazy_gettext as _l
from marketplace.models import AccessPurpose, AccessSeen, Role
from marketplace.privacy import access_log
from marketplace.privacy.access_log import purpose
from marketplace.web.access import roles
from marketplace.web.forms import Form, SelectField
from marketplace.web.pagination import page_arg, page_size, paged

ALL = "all"
FIRST_MONTH = date(2016, 1, 1)  # the oldest month a figure may be asked for
MONTH = re.compile(r"(\d{4})-(\d{2})")
TREND_MONTHS = 12


def _a_month(form: Form, field: Field) -> None:
    found = MONTH.fullmatch(field.data or "")
    if found is None or not 1 <= int(found[2]) <= 12:
        raise ValidationError(_l("Write the month as year and month, e.g. 2026-11."))
    month = date(int(found[1]), int(found[2]), 1)
    if not FIRST_MONTH <= month <= month_of(local_today()):
        raise ValidationError(_l("Choose a month from January 2016 up to this month."))


class FiguresForm(Form):
    class Meta:
        csrf = False  # a GET form that changes nothing

    month = StringField(_l("Month"), validators=[_a_month], render_kw={"type": "month"})
    consultant = SelectField(
        _l("Consultant"), invalid_choice_message=_l("Choose a consultant from the list.")
    )

    def chosen_month(self, default: date) -> date:
        if self.month.errors:
            return default
        year, month = self.month.data.split("-")
        return date(int(year), int(month), 1)


@bp.get("/jobcentre/figures")
@roles(Role.ADMIN)
@purpose(AccessPurpose.CASE_WORK)
def figures() -> ResponseReturnValue:
    today = local_today()
    # The last whole month by default: this one has just begun, and its hours are confirmed
    # a week after they are worked.
    last_month = months_before(month_of(today), 1)
    form = FiguresForm(request.args, month=f"{last_month:%Y-%m}", consultant=ALL)
    staff = candidates.colleagues_who_can_take_over_in(current_user.organisation_id)
    form.consultant.choices = [
        SelectChoice(ALL, _("Everyone in the jobcentre")),
        *(SelectChoice(str(user.id), user.name) for user in staff),
    ]
    form.validate()
    month = form.chosen_month(last_month)
    chosen = form.consultant.data if not form.consultant.errors else ALL
    consultant_id = None if chosen in (ALL, None) else int(chosen)
    jobcentre_id = current_user.organisation_id
    trend = measures.paid_shares(
        jobcentre_id, measures.last_months(month, TREND_MONTHS), consultant_id
    )
    stuck = paged(without_a_solution(jobcentre_id, today, consultant_id), page_arg(), page_size())
    # The stuck list names people: each showing is logged for them.
    ids = [row["candidate_id"] for row in stuck.items]
    names = names_of(ids)
    access_log.record(names.keys(), AccessSeen.NAME)
    query = {"month": f"{month:%Y-%m}", "consultant": chosen}
    return render_template(
        "candidates/figures.html",
        form=form,
        month=month,
        share=trend[-1],
        trend=trend,
        target=measures.DEFAULT_TARGET_PERCENT,
        chart=bar_chart(trend, measures.DEFAULT_TARGET_PERCENT),
        stuck=stuck,
        names=names,
        consultants={user.id: user.name for user in staff},
        page_url=lambda number: url_for("candidates.figures", page=number, **query),
    )


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
            "label": f"{s.month:%m}",
        }
        for index, s in enumerate(trend)
    ]
    return {
        "bars": bars,
        "width": len(trend) * (width + gap),
        "bar_width": width,
        "target_y": round(100 - target * scale, 1),
    }

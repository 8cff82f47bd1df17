"""Corrections on the company's hours pages (employers/hours_routes.py) through HTTP, with
CSRF on: a confirmed day corrected with a reason keeps both figures and both sides read the
history; a refused correction says why and keeps what was typed; one made on an old figure is
refused; junk in the form and ids beyond the integer column are no error.

The placement is the shared one: paid hours Tuesday and Thursday (3 + 3) since MONDAY
(tests.pages.WEEK), confirmed as planned before it is corrected.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import (
    HourRecord,
    Placement,
)
from tests.html_forms import PageForm, field_error, text_of
from tests.pages import (
    TUE,
    WEEK,
    confirm_planned,
    consultant_hours_page,
    da_text,
    filled,
    followed,
    form_to,
    placement_hours_page,
    records,
    send,
)

# -- Corrections --------------------------------------------------------------------------

CORRECT = "/hours/correct"


def correction_form(company: FlaskClient, placement: Placement) -> PageForm:
    form = form_to(placement_hours_page(company, placement), CORRECT)
    assert form.values[f"r-paid-{TUE.isoformat()}"] == ["1"]  # the revision seen
    return form


def correct_url(placement: Placement) -> str:
    return f"/company/placements/{placement.id}/hours/correct"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hours": "2,5", "reason": "  "}, "reason", "Write why the hours are corrected."),
        ({"hours": "3", "reason": "Tjek"}, "hours", "That is the figure already recorded."),
        ({"hours": "3,1", "reason": "Tjek"}, "hours", "Use quarter hours, like 2,25 or 3,5."),
        ({"hours": "x", "reason": "Tjek"}, "hours", "Enter a number of hours, like 2,5."),
    ],
)
def test_a_refused_correction_says_why_and_keeps_what_was_typed(
    company, placement, employer, changes, field, message
):
    confirm_planned(placement, employer)
    form = correction_form(company, placement)
    sent = filled(form, day=TUE.isoformat(), kind="paid", **changes)
    response = send(company, correct_url(placement), sent)
    assert response.status_code == 200
    assert da_text(message) in field_error(response, field)
    shown = form_to(response, CORRECT).values
    for key in ("day", "kind", "hours", "reason"):
        assert shown[key] == sent[key], key
    assert len(records(placement)) == 2


def test_a_correction_made_on_an_old_figure_is_refused(app, company, placement, employer):
    confirm_planned(placement, employer)
    stale = correction_form(company, placement)
    fresh = correction_form(company, placement)
    followed(
        company,
        send(
            company,
            correct_url(placement),
            filled(fresh, day=TUE.isoformat(), kind="paid", hours="2", reason="Gik tidligt"),
        ),
    )
    response = send(
        company,
        correct_url(placement),
        filled(stale, day=TUE.isoformat(), kind="paid", hours="1", reason="Kom sent"),
    )
    assert response.status_code == 200
    assert da_text(
        "Someone corrected this day while you were editing. Read the new figure first."
    ) in text_of(response)
    assert [r for r in records(placement) if r[0] == TUE] == [
        (TUE, "paid", 1, Decimal(3)),
        (TUE, "paid", 2, Decimal(2)),
    ]


def test_a_correction_keeps_both_figures_and_both_sides_read_the_history(
    company, jobcentre, placement, employer
):
    confirm_planned(placement, employer)
    form = correction_form(company, placement)
    sent = filled(form, day=TUE.isoformat(), kind="paid", hours="2,5", reason="Gik tidligt")
    page = followed(company, send(company, correct_url(placement), sent))
    assert [r for r in records(placement) if r[0] == TUE] == [
        (TUE, "paid", 1, Decimal(3)),
        (TUE, "paid", 2, Decimal("2.5")),
    ]
    stored = db.session.scalar(
        select(HourRecord).where(HourRecord.placement_id == placement.id, HourRecord.revision == 2)
    )
    assert (stored.reason, stored.corrects_revision, stored.recorded_by_id) == (
        "Gik tidligt",
        1,
        employer.id,
    )
    was = da_text("was %(hours)s") % {"hours": "3"}
    for shown in (page, consultant_hours_page(jobcentre, placement)):
        html = text_of(shown)
        assert was in html
        assert "2,5" in html
        assert "Gik tidligt" in html
    # The next correction is made on the new revision.
    assert form_to(page, CORRECT).values[f"r-paid-{TUE.isoformat()}"] == ["2"]


@pytest.mark.parametrize(
    "junk",
    [
        {"day": "junk"},
        {"day": "9999-99-99"},
        {"day": (WEEK + timedelta(days=9)).isoformat()},  # not of this week
        {"kind": "junk"},
        {"hours": "1e-9999999"},
        {"hours": "NaN"},
        {"hours": "9" * 400},
        {"r-paid-{tue}": "abc"},
        {"r-paid-{tue}": str(2**63)},
        {"week": "junk"},
    ],
)
def test_junk_in_the_correction_form_is_no_error(company, placement, employer, junk):
    confirm_planned(placement, employer)
    form = correction_form(company, placement)
    base = {"day": TUE.isoformat(), "kind": "paid", "hours": "2", "reason": "Tjek"}
    changes = {k.replace("{tue}", TUE.isoformat()): v for k, v in {**base, **junk}.items()}
    response = send(company, correct_url(placement), filled(form, **changes))
    assert response.status_code in (200, 302), text_of(response)[:3000]
    corrections = [r for r in records(placement) if r[2] > 1]
    if response.status_code == 200:  # refused: nothing written
        assert corrections == []
    else:
        assert corrections == [(TUE, "paid", 2, Decimal(2))]


def test_ids_above_the_integer_column_are_404(company, jobcentre, placement, employer):
    confirm_planned(placement, employer)
    big = 2**31
    token_page = placement_hours_page(company, placement)
    token = form_to(token_page, CORRECT).values["csrf_token"]
    assert company.get(f"/company/placements/{big}/hours").status_code == 404
    assert jobcentre.get(f"/placements/{big}/hours").status_code == 404
    answer = f"/company/placements/{placement.id}/hours/flags/{big}/answer"
    assert company.post(answer, data={"answer": "x", "csrf_token": token}).status_code == 404
    correct = f"/company/placements/{big}/hours/correct"
    assert company.post(correct, data={"csrf_token": token}).status_code == 404
    # A flag id that is not this placement's, within the column: 404 as well.
    assert (
        company.post(
            f"/company/placements/{placement.id}/hours/flags/{big - 1}/answer",
            data={"answer": "x", "csrf_token": token},
        ).status_code
        == 404
    )

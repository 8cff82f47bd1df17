"""Which days the company's week pages let it confirm (employers/hours_routes.py), through
HTTP with CSRF on: a week waits for its last working day and says from when it can be
confirmed; on that day the days still to come have no input and a forged one is refused
beside its day; a planned day confirmed as 0 shows "was 0" once corrected; the week page
names the other weeks that wait, with links; the week's total is an <output> kept live by
static/js/hours-week.js, loaded only where a week can be typed.

The placements are the shared ones: paid hours Tuesday and Thursday (3 + 3) since MONDAY
(tests.pages.WEEK), three weeks ago, so that week and the two after it wait.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from flask_babel import force_locale, format_date

from marketplace.clock import LOCAL_TZ
from marketplace.hours import ledger as hours
from marketplace.models import Placement, User
from tests.factories import WAITING_WEEKS
from tests.html_forms import error_ids, text_of
from tests.pages import (
    THU,
    TUE,
    WEEK,
    da_text,
    error_beside,
    everything,
    filled,
    followed,
    form_to,
    hours_week_page,
    name_of,
    placement_hours_page,
    records,
    send,
    week_no,
)
from tests.support import csrf_token_from

CONFIRM_URL = "/company/hours/confirm"
CORRECT = "/company/placements/{id}/hours/correct"
WED, FRI = WEEK + timedelta(days=2), WEEK + timedelta(days=4)
SCRIPT = 'src="/static/js/hours-week.js"'


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """Makes `day` today (at noon, Copenhagen) for the pages and rules."""

    def move(day: date) -> None:
        noon = datetime.combine(day, time(12), LOCAL_TZ).astimezone(UTC)
        monkeypatch.setattr("marketplace.clock.utcnow", lambda: noon)

    return move


def long_day(day: date) -> str:
    with force_locale("da"):
        return format_date(day, "EEEE d. MMMM")


def not_yet(day: date) -> str:
    return da_text(
        "This week can be confirmed from %(day)s, its last working day: days still to come"
        " cannot be confirmed."
    ) % {"day": long_day(day)}


def test_before_its_last_working_day_the_week_shows_its_plan_and_when(
    company: FlaskClient, placement: Placement, on_day
) -> None:
    """Per on Wednesday: Thursday is still to come, so there is nothing to confirm yet (it
    used to offer the week, and Thursday was confirmed as 0 for good)."""
    on_day(WED)
    for page in (placement_hours_page(company, placement), hours_week_page(company)):
        assert not_yet(THU) in text_of(page)
        assert name_of(placement, TUE) not in text_of(page)  # no inputs
        assert 'name="confirm"' not in text_of(page)
        assert SCRIPT not in text_of(page)


def test_a_post_made_before_the_last_working_day_confirms_nothing(
    company: FlaskClient, placement: Placement, on_day
) -> None:
    """A form kept from another page, sent on Wednesday: Thursday is refused beside it."""
    on_day(WED)
    sent = {
        "csrf_token": [csrf_token_from(placement_hours_page(company, placement))],
        "week": [WEEK.isoformat()],
        "placement": [str(placement.id)],
        "confirm": [str(placement.id)],
        name_of(placement, TUE): ["3"],
        name_of(placement, THU): ["0"],
    }
    response = send(company, CONFIRM_URL, sent)
    assert response.status_code == 200, text_of(response)[:2000]
    assert error_ids(response) == [name_of(placement, THU)]
    assert da_text("Hours cannot be recorded for a day still to come.") in error_beside(
        response, name_of(placement, THU)
    )
    assert everything() == (0, 0, 0)


def test_on_the_last_working_day_the_days_to_come_have_no_input(
    company: FlaskClient, placement: Placement, on_day
) -> None:
    on_day(THU)
    form = form_to(placement_hours_page(company, placement), CONFIRM_URL)
    assert form.values[name_of(placement, TUE)] == ["3"]
    assert form.values[name_of(placement, THU)] == ["3"]
    assert name_of(placement, FRI) not in form.values  # shown with its plan, not typed
    assert da_text("Still to come") in text_of(placement_hours_page(company, placement))
    forged = send(company, CONFIRM_URL, filled(form, **{name_of(placement, FRI): "0"}))
    assert error_ids(forged) == [name_of(placement, FRI)]
    assert everything() == (0, 0, 0)
    followed(company, send(company, CONFIRM_URL, form.values))
    assert records(placement) == [(TUE, "paid", 1, Decimal(3)), (THU, "paid", 1, Decimal(3))]


def test_a_day_confirmed_as_zero_shows_was_0_once_corrected(
    company: FlaskClient, placement: Placement
) -> None:
    form = form_to(placement_hours_page(company, placement), CONFIRM_URL)
    followed(company, send(company, CONFIRM_URL, filled(form, **{name_of(placement, THU): "0"})))
    correction = form_to(placement_hours_page(company, placement), CORRECT.format(id=placement.id))
    sent = filled(correction, day=THU.isoformat(), kind="paid", hours="3", reason="Kom alligevel")
    page = followed(company, send(company, CORRECT.format(id=placement.id), sent))
    assert records(placement)[-2:] == [(THU, "paid", 1, Decimal(0)), (THU, "paid", 2, Decimal(3))]
    assert da_text("was %(hours)s") % {"hours": "0"} in text_of(page)


def test_the_week_page_names_the_other_weeks_that_wait_with_links(
    company: FlaskClient, placement: Placement
) -> None:
    page = text_of(hours_week_page(company, WAITING_WEEKS[-1]))
    for week in WAITING_WEEKS[:-1]:
        assert f'href="/company/hours?week={week.isoformat()}"' in page
        assert da_text("Week %(n)s") % {"n": week_no(week)} in page
    assert f'href="/company/hours?week={WAITING_WEEKS[-1].isoformat()}"' not in page


def test_the_week_total_is_an_output_of_the_days_and_the_script_is_loaded(
    company: FlaskClient, placement: Placement
) -> None:
    page = text_of(hours_week_page(company))
    assert SCRIPT in page
    total = f'<output class="week-total" id="total-{placement.id}-paid-{WEEK.isoformat()}"'
    assert total in page
    start = page.index(total)
    output = page[start : page.index("</output>", start)]
    assert name_of(placement, TUE) in output
    assert name_of(placement, THU) in output
    assert "<strong data-week-total>6</strong>" in output


def test_a_confirmed_week_loads_no_script(
    company: FlaskClient, placement: Placement, employer: User
) -> None:
    hours_confirmed = form_to(placement_hours_page(company, placement), CONFIRM_URL)
    followed(company, send(company, CONFIRM_URL, hours_confirmed.values))
    assert SCRIPT not in text_of(placement_hours_page(company, placement))
    assert hours.confirmation_of(placement.id, WEEK) is not None

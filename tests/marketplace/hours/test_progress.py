"""Paid hours a week over time: agreed beside confirmed, corrections counted once; a week
without working days marked as such; the chart's scale."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from marketplace.agreements.terms import versions_of
from marketplace.hours import ledger as hours
from marketplace.hours.progress import WeekOfHours, progression, scale_for
from marketplace.models import HourKind
from tests.factories import MONDAY, confirm, paid_placement, today
from tests.html_forms import text_of


def test_each_week_from_the_first_paid_week_shows_agreed_and_confirmed(placement, employer):
    confirm(placement, employer)
    weeks = progression(placement, versions_of(placement.id), today())
    assert weeks[0].week_start == MONDAY
    assert weeks[-1].week_start == hours.week_start_of(today())
    assert [w.agreed for w in weeks] == [Decimal(6)] * len(weeks)
    assert weeks[0].confirmed == Decimal(6)
    assert all(w.confirmed is None for w in weeks[1:])  # not confirmed yet


def test_a_corrected_day_counts_with_its_new_figure(placement, employer):
    confirm(placement, employer)
    hours.correct(
        placement,
        employer,
        MONDAY + timedelta(days=1),
        HourKind.PAID,
        Decimal(1),
        "Syg",
        versions_of(placement.id),
    )
    assert progression(placement, versions_of(placement.id), today())[0].confirmed == Decimal(4)


def test_a_placement_without_paid_hours_has_no_chart(placement, employer):
    assert progression(placement, [], today()) == []


# -- A week without working days, and the chart's scale ------------------------------------


def friday_start(job, consultant, employer):
    """Paid hours Tuesday and Thursday from a Friday: its week has no paid day."""
    return paid_placement(job, consultant, employer, "Fredag Start", since=MONDAY + FOUR_DAYS)


FOUR_DAYS = timedelta(days=4)


def test_a_week_without_planned_days_has_no_working_days_not_zero_hours(job, consultant, employer):
    placement = friday_start(job, consultant, employer)
    confirm(placement, employer, MONDAY)  # nothing to confirm, but the week is closed
    first, second, *_ = progression(placement, versions_of(placement.id), today())
    assert first.week_start == MONDAY
    assert (first.working_days, first.no_working_days) == (0, True)
    assert (second.working_days, second.no_working_days) == (2, False)


def test_a_week_whose_planned_days_were_all_missed_still_counts_as_zero(placement, employer):
    confirm(placement, employer, MONDAY, entries={})
    first = progression(placement, versions_of(placement.id), today())[0]
    assert (first.confirmed, first.no_working_days) == (Decimal(0), False)


@pytest.mark.parametrize(
    ("agreed", "confirmed", "top", "ticks"),
    [
        ("6", "7.5", 8, (0, 2, 4, 6, 8)),
        ("3", "0", 3, (0, 1, 2, 3)),
        ("2", None, 2, (0, 0.5, 1, 1.5, 2)),
        ("37", "37", 40, (0, 10, 20, 30, 40)),
    ],
)
def test_the_scale_runs_from_zero_to_a_round_number_above_the_highest_week(
    agreed, confirmed, top, ticks
):
    week = WeekOfHours(MONDAY, Decimal(agreed), None if confirmed is None else Decimal(confirmed))
    scale = scale_for([week])
    assert scale.top == Decimal(top)
    assert scale.ticks == tuple(Decimal(str(t)) for t in ticks)
    assert scale.agreed_levels == (Decimal(agreed),)


def test_each_level_of_the_agreed_line_is_labelled_the_latest_first():
    weeks = [
        WeekOfHours(MONDAY, Decimal(3), Decimal(3)),
        WeekOfHours(MONDAY + timedelta(weeks=1), Decimal(6), Decimal(6)),
        WeekOfHours(MONDAY + timedelta(weeks=2), Decimal("6.5"), None),  # too near 6 to label
    ]
    assert scale_for(weeks).agreed_levels == (Decimal("6.5"), Decimal(3))


# -- The chart on the placement page ---------------------------------------------------------


def chart_of(html: str) -> str:
    start = html.index('<figure class="progress">')
    return html[start : html.index("</table>", start)]


def test_the_chart_takes_its_containers_width_with_a_scale_and_a_labelled_agreed_line(
    company, placement, employer
):
    confirm(placement, employer, MONDAY)
    chart = chart_of(text_of(company.get(f"/company/placements/{placement.id}")))
    svg = re.search(r"<svg [^>]*>", chart).group(0)
    # A fixed coordinate system scaled to the container: no width in pixels, so it fits a phone.
    assert re.search(r'viewBox="0 0 \d+ \d+"', svg)
    assert 'width="100%"' in svg
    assert "height=" not in svg
    # The hours scale: 0, 2, 4 and 6 hours beside the axis, and what it measures.
    ticks = re.findall(r'text-anchor="end" class="progress__value">([\d,]+)</text>', chart)
    assert ticks == ["0", "2", "4", "6"]
    assert ">timer</text>" in chart
    assert 'class="progress__value progress__agreed-label">aftalt 6</text>' in chart


def test_a_week_without_working_days_reads_so_in_the_chart_and_the_table(
    company, job, consultant, employer
):
    placement = friday_start(job, consultant, employer)
    confirm(placement, employer, MONDAY)
    chart = chart_of(text_of(company.get(f"/company/placements/{placement.id}")))
    number = MONDAY.isocalendar().week
    row = re.search(rf"<tr><th [^>]*>Uge {number} .*?</tr>", chart).group(0)
    assert row.endswith('<td data-label="Godkendt">ingen arbejdsdage</td></tr>'), row
    assert f"Uge {number}: ingen arbejdsdage</title>" in chart
    assert f"Uge {number}: 0 af" not in chart
    assert chart.count('class="progress__bar"') == 0  # no week confirmed with hours yet


def test_the_table_stays_and_becomes_labelled_cards(company, placement):
    chart = chart_of(text_of(company.get(f"/company/placements/{placement.id}")))
    assert '<table class="table cards">' in chart
    cells = re.findall(r'<t[hd] (?:scope="row" )?data-label="([^"]+)"', chart)
    assert set(cells) == {"Uge", "Aftalt", "Godkendt"}
    assert len(cells) == 3 * chart.count('<tr><th scope="row"')

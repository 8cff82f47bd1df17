"""Paid hours a week over time: agreed beside confirmed, corrections counted once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from marketplace.agreements.terms import versions_of
from marketplace.hours import ledger as hours
from marketplace.hours.progress import progression
from marketplace.models import HourKind
from tests.factories import MONDAY, confirm, today


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

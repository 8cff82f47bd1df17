"""The candidate's confirmed hours against the hour rules in force."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from marketplace import clock
from marketplace.agreements.terms import versions_of
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.hours import tallies as hour_tallies
from marketplace.models import HourKind, HourRule
from tests.factories import MONDAY, confirm, today


def employment_requirement(tallies):
    (tally,) = [t for t in tallies if t.rule.name == "Beskæftigelseskravet"]
    return tally


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 22), 12, date(2025, 11, 22)),
        (date(2026, 11, 22), 120, date(2016, 11, 22)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
    ],
)
def test_months_before_stays_inside_the_month(day, months, expected):
    assert clock.months_before(day, months) == expected


def test_only_rules_in_force_are_tallied(placement):
    names = [t.rule.name for t in hour_tallies.tallies(placement.candidate_id, today())]
    assert names == ["Beskæftigelseskravet"]
    old = hour_tallies.tallies(placement.candidate_id, date(2024, 6, 1))
    assert [t.rule.name for t in old] == ["225-timersreglen"]


def test_confirmed_paid_hours_count_and_the_missing_follow(placement, employer):
    confirm(placement, employer)  # 3 + 3
    tally = employment_requirement(hour_tallies.tallies(placement.candidate_id, today()))
    assert tally.counted == Decimal(6)
    assert tally.missing == Decimal(4804)
    assert not tally.met


def test_a_correction_counts_once_with_its_new_figure(placement, employer):
    confirm(placement, employer)
    tuesday = MONDAY + timedelta(days=1)
    hours.correct(
        placement, employer, tuesday, HourKind.PAID, Decimal(1), "Syg", versions_of(placement.id)
    )
    tally = employment_requirement(hour_tallies.tallies(placement.candidate_id, today()))
    assert tally.counted == Decimal(4)


def test_praktik_never_counts_and_a_rule_can_count_it(placement, employer, consultant):
    confirm(placement, employer)
    rule = db.session.get(HourRule, 2)
    assert rule.counts_praktik is False
    # Praktik hours of another person do not leak in either; here the person has only paid
    # hours, so a rule counting praktik only would see nothing.
    rule.counts_paid, rule.counts_praktik = False, True
    db.session.flush()
    tally = employment_requirement(hour_tallies.tallies(placement.candidate_id, today()))
    assert tally.counted == 0


def test_hours_older_than_the_window_do_not_count(placement, employer):
    confirm(placement, employer)
    later = today() + timedelta(days=130 * 30)  # beyond 120 months after the hours
    db.session.add(
        HourRule(
            name="Kort regel",
            hours_required=Decimal(10),
            window_months=1,
            valid_from=date(2025, 7, 1),
            counts_paid=True,
            counts_praktik=False,
        )
    )
    db.session.flush()
    short = [
        t
        for t in hour_tallies.tallies(placement.candidate_id, today())
        if t.rule.name == "Kort regel"
    ]
    assert short[0].counted == Decimal(6)
    far = employment_requirement(hour_tallies.tallies(placement.candidate_id, later))
    assert far.counted == 0


def test_the_pace_gives_the_day_the_rule_is_reached(placement, employer):
    confirm(placement, employer)  # Tuesday and Thursday of three weeks ago: inside four weeks
    tally = employment_requirement(hour_tallies.tallies(placement.candidate_id, today()))
    assert tally.weekly_pace == Decimal("1.5")  # 6 hours over four weeks
    weeks = -(-Decimal(4804) // Decimal("1.5"))
    assert tally.reached_on == today() + timedelta(weeks=int(weeks))


def test_without_recent_hours_there_is_no_date(placement):
    tally = employment_requirement(hour_tallies.tallies(placement.candidate_id, today()))
    assert (tally.counted, tally.weekly_pace, tally.reached_on) == (0, 0, None)


def test_the_tallies_take_a_fixed_number_of_queries(placement, employer, count_queries):
    with count_queries() as few:
        hour_tallies.tallies(placement.candidate_id, today())
    for n in range(3):
        confirm(placement, employer, monday=MONDAY + timedelta(days=7 * n) if n else MONDAY)
    with count_queries() as many:
        hour_tallies.tallies(placement.candidate_id, today())
    assert few.count == many.count == 2

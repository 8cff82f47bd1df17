"""Reading a placement's terms versions (marketplace.agreements.terms): every version with its
own first day, the one in force today and the ones still to come."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from marketplace.agreements.terms import VersionState, history, versions_of
from tests.factories import MONDAY, NEXT_MONDAY, answer, ask, today


def test_a_change_of_hours_starts_on_its_own_day_and_ends_the_version_before(
    placement, employer, consultant
):
    answer(ask(placement, employer, NEXT_MONDAY, "10"), consultant)
    first, second = history(versions_of(placement.id), today())
    assert (first.starts, first.ends, first.state) == (
        MONDAY,
        NEXT_MONDAY - timedelta(days=1),
        VersionState.IN_FORCE,
    )
    # The paid part keeps its first day (MONDAY); the version begins on its own day.
    assert second.terms.paid_from == MONDAY
    assert (second.starts, second.ends, second.state) == (NEXT_MONDAY, None, VersionState.COMING)
    assert second.terms.paid_hours == Decimal(10)


def test_once_the_change_has_begun_it_is_in_force_and_the_first_is_past(
    placement, employer, consultant
):
    answer(ask(placement, employer, NEXT_MONDAY, "10"), consultant)
    first, second = history(versions_of(placement.id), NEXT_MONDAY + timedelta(days=2))
    assert (first.state, second.state) == (VersionState.PAST, VersionState.IN_FORCE)


def test_an_ended_placement_has_no_version_in_force_and_a_later_one_never_applied(
    placement, employer, consultant
):
    answer(ask(placement, employer, NEXT_MONDAY, "10"), consultant)
    ended_on = today() - timedelta(days=1)
    first, second = history(versions_of(placement.id), today(), ended_on)
    assert (first.ends, first.state, first.never_applied) == (ended_on, VersionState.PAST, False)
    assert (second.state, second.never_applied) == (VersionState.PAST, True)

"""Which days of a week can be confirmed (ledger.last_working_day, confirm_week, correct):
days still to come are never entered, even as 0, and a week waits for its last planned day;
a planned day confirmed as 0 is a record that a correction then corrects.

The shared placement has paid hours Tuesday and Thursday (3 + 3) since MONDAY; `today` is
given, so the rule is tested on any day of the week the suite runs.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from marketplace.agreements.terms import versions_of
from marketplace.errors import DomainError
from marketplace.hours import ledger as hours
from marketplace.models import HourKind
from tests.factories import MONDAY, confirm

TUE, WED, THU, FRI = (MONDAY + timedelta(days=n) for n in (1, 2, 3, 4))


def test_the_last_working_day_is_the_last_planned_day(placement):
    assert hours.last_working_day(placement, versions_of(placement.id), MONDAY) == THU


def test_a_week_before_paid_hours_has_its_sunday(placement):
    before = MONDAY - timedelta(weeks=1)
    # Agreed from MONDAY only: the week before has no day that can have hours.
    assert hours.last_working_day(placement, versions_of(placement.id), before) == (
        before + timedelta(days=6)
    )


def test_a_week_waits_for_its_last_working_day(placement, employer):
    """Per on Wednesday: Thursday is still to come, so the week cannot be confirmed (it
    used to be, with Thursday left at 0 and locked)."""
    so_far = {(TUE, HourKind.PAID): Decimal(3)}
    with pytest.raises(DomainError) as refused:
        confirm(placement, employer, entries=so_far, today=WED)
    assert refused.value.field is None
    assert "torsdag" in str(refused.value.message) or "Thursday" in str(refused.value.message)
    assert hours.confirmation_of(placement.id, MONDAY) is None


def test_on_the_last_working_day_the_week_can_be_confirmed(placement, employer):
    confirm(placement, employer, today=THU)
    assert hours.confirmation_of(placement.id, MONDAY) is not None


@pytest.mark.parametrize("value", ["0", "3"])
def test_a_day_still_to_come_is_refused_beside_it_even_as_zero(placement, employer, value):
    entries = {**hours.planned(placement, versions_of(placement.id), MONDAY)}
    entries[(FRI, HourKind.PAID)] = Decimal(value)
    with pytest.raises(DomainError) as refused:
        confirm(placement, employer, entries=entries, today=THU)
    assert refused.value.field == f"paid-{FRI.isoformat()}"
    assert hours.confirmation_of(placement.id, MONDAY) is None


def test_a_day_still_to_come_cannot_be_corrected(placement, employer):
    confirm(placement, employer, today=THU)
    versions = versions_of(placement.id)
    with pytest.raises(DomainError) as refused:
        hours.correct(
            placement, employer, FRI, HourKind.PAID, Decimal(2), "Ekstra", versions, today=THU
        )
    assert refused.value.field == f"paid-{FRI.isoformat()}"


def test_a_day_confirmed_as_zero_is_corrected_from_its_record(placement, employer):
    entries = {(TUE, HourKind.PAID): Decimal(3), (THU, HourKind.PAID): Decimal(0)}
    confirm(placement, employer, entries=entries)
    zero = hours.current_record(placement.id, THU, HourKind.PAID)
    assert (zero.revision, Decimal(zero.hours)) == (1, Decimal(0))
    record = hours.correct(
        placement,
        employer,
        THU,
        HourKind.PAID,
        Decimal(3),
        "Kom alligevel",
        versions_of(placement.id),
    )
    assert (record.revision, record.corrects_revision) == (2, 1)

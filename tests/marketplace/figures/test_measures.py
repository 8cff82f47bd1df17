"""The programme's measure from hand-worked cases (marketplace/figures/measures.py): who is in
a month's target group, and who was touched by paid hours in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from marketplace.agreements.terms import versions_of
from marketplace.extensions import db
from marketplace.figures.measures import (
    HoursAWeek,
    Retention,
    Share,
    hours_a_week,
    last_months,
    local_midnight,
    month_of,
    next_month,
    paid_share,
    paid_shares,
    retention,
)
from marketplace.hours import ledger as hours
from marketplace.models import CandidateStatus, HourKind, PaidMonth, Phase
from marketplace.placements import ladder as placements
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    MONDAY,
    confirm,
    ladder_job,
    new_candidate,
    paid_placement,
    start_paid,
    today,
)

TUESDAY = MONDAY + timedelta(days=1)
THURSDAY = MONDAY + timedelta(days=3)
MONTH = month_of(TUESDAY)  # the month of the worked days below (a Thursday may be the next)


def registered_long_ago(*placements_or_candidates) -> None:
    """The people were registered a year before MONTH (the factories register them today)."""
    for thing in placements_or_candidates:
        candidate = getattr(thing, "candidate", thing)
        candidate.created_at = local_midnight(MONTH) - timedelta(days=365)
    db.session.flush()


@pytest.fixture
def one_paid(job, consultant, employer):
    """A person with paid hours Tuesday and Thursday; the week confirmed as planned."""
    placement = paid_placement(job, consultant, employer, "Anna Paid")
    confirm(placement, employer, MONDAY)
    registered_long_ago(placement)
    return placement


def test_a_confirmed_paid_day_touches_the_person(one_paid, consultant):
    assert paid_share(consultant.organisation_id, MONTH) == Share(MONTH, touched=1, group=1)
    assert paid_share(consultant.organisation_id, MONTH).percent == Decimal("100.0")


def test_a_month_with_no_hours_counts_the_group_and_nobody_touched(one_paid, consultant):
    before = month_of(MONTH - timedelta(days=1))
    assert paid_share(consultant.organisation_id, before) == Share(before, touched=0, group=1)
    assert paid_share(consultant.organisation_id, before).percent == Decimal("0.0")


def test_a_day_corrected_to_nothing_counts_by_its_corrected_value(one_paid, employer, consultant):
    versions = versions_of(one_paid.id)
    for day in (TUESDAY, THURSDAY):
        hours.correct(one_paid, employer, day, HourKind.PAID, Decimal(0), "Syg", versions)
    assert paid_share(consultant.organisation_id, MONTH).touched == 0
    # And back again: the latest revision decides.
    hours.correct(one_paid, employer, TUESDAY, HourKind.PAID, Decimal(2), "Kom alligevel", versions)
    assert paid_share(consultant.organisation_id, MONTH).touched == 1


def test_a_week_confirmed_with_no_hours_touches_nobody(job, consultant, employer):
    placement = paid_placement(job, consultant, employer, "Bo Nul")
    confirm(
        placement,
        employer,
        MONDAY,
        entries={(TUESDAY, HourKind.PAID): Decimal(0), (THURSDAY, HourKind.PAID): Decimal(0)},
    )
    registered_long_ago(placement)
    assert paid_share(consultant.organisation_id, MONTH) == Share(MONTH, touched=0, group=1)


def test_praktik_hours_never_count_as_paid(job, consultant, employer):
    proposal = proposals.propose(job, new_candidate(consultant, "Carl Snus"), consultant, "God.")
    proposals.accept(proposal, employer, today())
    visit = placements.start(proposal, employer, Phase.TRIAL, TUESDAY, THURSDAY, today=TUESDAY)
    confirm(visit, employer, MONDAY)
    registered_long_ago(visit)
    worked = {r.kind for r in hours_of(visit)}
    assert worked == {HourKind.PRAKTIK.value}  # the visit's days were recorded, as praktik
    assert paid_share(consultant.organisation_id, MONTH) == Share(MONTH, touched=0, group=1)


def test_a_person_at_two_companies_counts_once(
    one_paid, consultant, make_company, make_user, make_job
):
    other = make_user(make_company(name="Brugsen Skjern"))
    second_job = ladder_job(make_job, other, title="Opfyldning")
    proposal = proposals.propose(second_job, one_paid.candidate, consultant, "Også her.")
    proposals.accept(proposal, other, today())
    second = start_paid(proposal, consultant, other, hours="2")
    confirm(second, other, MONDAY, entries={(TUESDAY, HourKind.PAID): Decimal(1)})
    assert paid_share(consultant.organisation_id, MONTH) == Share(MONTH, touched=1, group=1)


def test_a_person_closed_during_the_month_stays_in_it_and_leaves_the_next(
    one_paid, consultant, job, employer
):
    idle = new_candidate(consultant, "Dorte Lukket")
    registered_long_ago(idle)
    idle.status = CandidateStatus.CLOSED.value
    idle.closed_at = local_midnight(MONTH) + timedelta(days=10)
    db.session.flush()
    shares = paid_shares(consultant.organisation_id, [MONTH, next_month(MONTH)])
    assert [s.group for s in shares] == [2, 1]
    assert shares[0].touched == 1
    assert shares[0].percent == Decimal("50.0")


def test_a_person_closed_before_the_month_or_registered_after_it_is_not_in_its_group(
    one_paid, consultant
):
    gone = new_candidate(consultant, "Erik Før")
    registered_long_ago(gone)
    gone.status = CandidateStatus.CLOSED.value
    gone.closed_at = local_midnight(MONTH) - timedelta(seconds=1)
    late = new_candidate(consultant, "Frida Efter")
    late.created_at = local_midnight(next_month(MONTH))
    db.session.flush()
    assert paid_share(consultant.organisation_id, MONTH).group == 1
    assert paid_share(consultant.organisation_id, next_month(MONTH)).group == 2  # Frida


def test_the_month_runs_by_danish_time(one_paid, consultant):
    # Registered at 23:30 UTC on the month's last day is already the next month in Denmark.
    last_day = next_month(MONTH) - timedelta(days=1)
    late = new_candidate(consultant, "Gitte Midnat")
    late.created_at = datetime.combine(last_day, datetime.min.time(), UTC) + timedelta(
        hours=23, minutes=30
    )
    db.session.flush()
    assert paid_share(consultant.organisation_id, MONTH).group == 1


def test_another_jobcentre_and_another_consultant_see_their_own_group(
    one_paid, consultant, make_jobcentre, make_user
):
    from marketplace.models import Role

    colleague = make_user(consultant.organisation, Role.CONSULTANT)
    theirs = new_candidate(colleague, "Hans Kollega")
    registered_long_ago(theirs)
    elsewhere = make_user(make_jobcentre(657), Role.CONSULTANT)  # Herning
    registered_long_ago(new_candidate(elsewhere, "Ida Andetsteds"))
    jobcentre = consultant.organisation_id
    assert paid_share(jobcentre, MONTH) == Share(MONTH, touched=1, group=2)
    assert paid_share(jobcentre, MONTH, consultant.id) == Share(MONTH, touched=1, group=1)
    assert paid_share(jobcentre, MONTH, colleague.id) == Share(MONTH, touched=0, group=1)
    assert paid_share(elsewhere.organisation_id, MONTH) == Share(MONTH, touched=0, group=1)


def test_twelve_months_take_two_statements(one_paid, consultant, count_queries):
    months = last_months(MONTH, 12)
    assert months[-1] == MONTH
    assert len(set(months)) == 12
    assert all(m.day == 1 for m in months)
    with count_queries() as counted:
        shares = paid_shares(consultant.organisation_id, months)
    assert counted.count == 2
    assert [s.touched for s in shares] == [0] * 11 + [1]


# Hours a week and retention read paid_months (the ledger keeps it; its hypothesis test proves
# it equals the records), so the cases below write its rows by hand: months apart, at will.


def worked(candidate, month, hours, first_day=None) -> None:
    """`hours` paid hours in `month` (its first paid day `first_day`, else the month's 1st)."""
    db.session.add(
        PaidMonth(
            candidate_id=candidate.id,
            month=month,
            hours=Decimal(hours),
            first_day=first_day or month,
        )
    )
    db.session.flush()


def people(consultant, *names):
    found = [new_candidate(consultant, name) for name in names]
    registered_long_ago(*found)
    return found


def test_hours_a_week_come_from_the_confirmed_days(job, consultant, employer):
    placement = paid_placement(job, consultant, employer, "Anna Uge")
    confirm(placement, employer, MONDAY, entries={(TUESDAY, HourKind.PAID): Decimal("3.5")})
    registered_long_ago(placement)
    days = (next_month(MONTH) - MONTH).days
    expected = (Decimal("3.5") * 7 / days).quantize(Decimal("0.1"))
    assert hours_a_week(consultant.organisation_id, MONTH) == HoursAWeek(
        MONTH, people=1, median=expected, compared=0, more=0
    )


def test_the_median_of_an_even_number_is_the_middle_pair_s_mean(consultant):
    # November has 30 days: 30 hours are 7 a week, 60 are 14, 90 are 21, 120 are 28.
    november = MONTH.replace(year=2025, month=11)
    four = people(consultant, "A", "B", "C", "D")
    for person, month_hours in zip(four, (30, 60, 120, 90), strict=True):
        worked(person, november, month_hours)
    found = hours_a_week(consultant.organisation_id, november)
    assert (found.people, found.median) == (4, Decimal("17.5"))  # (14 + 21) / 2
    worked(people(consultant, "E")[0], november, 150)  # 35 a week
    assert hours_a_week(consultant.organisation_id, november).median == Decimal("21.0")


def test_more_hours_than_three_months_before_compares_hours_a_week(consultant):
    august, november = MONTH.replace(year=2025, month=8), MONTH.replace(year=2025, month=11)
    more, same, fewer, new = people(consultant, "Mere", "Samme", "Færre", "Ny")
    # August has 31 days, November 30: 31 hours in August and 30 in November are both 7 a
    # week, so "the same", although the month's total fell.
    worked(more, august, 31)
    worked(more, november, 31)
    worked(same, august, 31)
    worked(same, november, 30)
    worked(fewer, august, 62)
    worked(fewer, november, 30)
    worked(new, november, 60)  # no paid hours in August: not compared
    found = hours_a_week(consultant.organisation_id, november)
    assert (found.people, found.compared, found.more) == (4, 3, 1)


def test_hours_a_week_count_the_month_s_group_of_the_jobcentre_or_consultant(
    consultant, make_user, make_jobcentre
):
    from marketplace.models import Role

    november = MONTH.replace(year=2025, month=11)
    colleague = make_user(consultant.organisation, Role.CONSULTANT)
    (mine,) = people(consultant, "Min")
    (theirs,) = people(colleague, "Deres")
    elsewhere = make_user(make_jobcentre(657), Role.CONSULTANT)
    (far,) = people(elsewhere, "Langt væk")
    (gone,) = people(consultant, "Lukket før")
    gone.status = CandidateStatus.CLOSED.value
    gone.closed_at = local_midnight(november) - timedelta(seconds=1)
    for person in (mine, theirs, far, gone):
        worked(person, november, 30)
    jobcentre = consultant.organisation_id
    assert hours_a_week(jobcentre, november).people == 2
    assert hours_a_week(jobcentre, november, consultant.id).people == 1
    assert hours_a_week(elsewhere.organisation_id, november).people == 1


def test_retention_reads_the_month_that_holds_day_90_and_day_180(consultant):
    chosen = MONTH.replace(year=2025, month=11)
    kept, lost, late = people(consultant, "Blev", "Stoppede", "For ny")
    # Kept: first paid day 3 June; day 90 is 1 September (paid then), day 180 is 30 November
    # (paid then).
    worked(kept, date_(2025, 6, 1), 10, first_day=date_(2025, 6, 3))
    worked(kept, date_(2025, 9, 1), 10, first_day=date_(2025, 9, 20))
    worked(kept, date_(2025, 11, 1), 10, first_day=date_(2025, 11, 25))
    # Lost: first paid day 10 July, day 90 is 8 October: no hours in October (only in
    # September, which does not help).
    worked(lost, date_(2025, 7, 1), 10, first_day=date_(2025, 7, 10))
    worked(lost, date_(2025, 9, 1), 10)
    # Too new: first paid day 15 October; day 90 is in January, after the chosen month.
    worked(late, date_(2025, 10, 1), 10, first_day=date_(2025, 10, 15))
    assert retention(consultant.organisation_id, chosen) == [
        Retention(days=90, people=2, still=1),
        Retention(days=180, people=1, still=1),  # lost's day 180 (6 January) is still ahead
    ]
    assert retention(consultant.organisation_id, chosen)[0].percent == Decimal("50.0")


def test_retention_looks_twelve_months_back_only(consultant):
    chosen = MONTH.replace(year=2025, month=11)
    (old,) = people(consultant, "Gammel")
    # First paid 1 August 2024: day 90 is 30 October 2024, thirteen months before November.
    worked(old, date_(2024, 8, 1), 10)
    worked(old, date_(2024, 10, 1), 10)
    assert retention(consultant.organisation_id, chosen)[0] == Retention(90, people=0, still=0)
    assert retention(consultant.organisation_id, chosen)[0].percent is None
    # From November 2024 back to December 2023, it counts.
    assert retention(consultant.organisation_id, date_(2024, 11, 1))[0] == Retention(90, 1, 1)


def test_retention_takes_one_statement(consultant, count_queries):
    with count_queries() as counted:
        retention(consultant.organisation_id, MONTH)
    assert counted.count == 1


def date_(year, month, day):
    from datetime import date

    return date(year, month, day)


def hours_of(placement):
    from sqlalchemy import select

    from marketplace.models import HourRecord

    return db.session.scalars(select(HourRecord).where(HourRecord.placement_id == placement.id))

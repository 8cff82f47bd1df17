"""The funnel of a period from hand-worked cases (marketplace/figures/funnel.py): which step
each proposal reached, the conversions, the median days, the decline reasons, and the lines per
company and per consultant.

The ladder's days (tests.factories.figures): proposed at noon three days before LADDER_MONDAY
and accepted two days later; a trial visit on LADDER_MONDAY (1 day after acceptance), praktik
from PRAKTIK_MONDAY (7 days on), paid hours Tuesday and Thursday from PAID_MONDAY, first paid
day its Tuesday (29 days after the praktik began), more hours from RAISE_MONDAY (6 days after
the first paid day)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.agreements.terms import versions_of
from marketplace.clock import local_midnight
from marketplace.extensions import db
from marketplace.figures.funnel import (
    STEPS,
    Row,
    by_company,
    by_consultant,
    decline_reasons,
    funnel,
)
from marketplace.hours import ledger as hours
from marketplace.models import (
    DeclineReason,
    HourKind,
    Job,
    Phase,
    ProposalStatus,
    Role,
    StepKind,
    User,
)
from marketplace.placements import ladder as placements
from marketplace.proposals import lifecycle as proposals
from marketplace.web.pagination import paged
from tests.factories import (
    LADDER_MONDAY,
    PAID_MONDAY,
    PRAKTIK_MONDAY,
    climb,
    confirm,
    ladder_job,
    paid_terms,
    proposed_on,
)

PROPOSED = LADDER_MONDAY - timedelta(days=3)  # the factory's day of proposal
FIRST, LAST = PROPOSED - timedelta(days=10), PROPOSED + timedelta(days=2)  # the period
FIRST_PAID_DAY = PAID_MONDAY + timedelta(days=1)


def counts(jobcentre_id, consultant_id=None, first=FIRST, last=LAST, **kwargs) -> list[int]:
    """The funnel's counts, step by step."""
    found = funnel(jobcentre_id, first, last, consultant_id, **kwargs)
    return [step.count for step in found.steps]


@pytest.fixture
def jc(consultant) -> int:
    return consultant.organisation_id


@pytest.fixture
def colleague_consultant(consultant, make_user):
    """A second consultant of the same jobcentre."""
    return make_user(consultant.organisation, role=Role.CONSULTANT, name="Kim Kollega")


def test_a_placement_up_the_whole_ladder_reaches_every_step(job, consultant, employer, jc):
    climb(job, consultant, employer, "Anna", raise_to="10")
    found = funnel(jc, FIRST, LAST)
    assert [step.name for step in found.steps] == list(STEPS)
    assert [step.count for step in found.steps] == [1, 1, 1, 1, 1, 1]
    assert [step.conversion for step in found.steps] == [None] + [Decimal("100.0")] * 5
    assert [step.of_proposed for step in found.steps] == [Decimal("100.0")] * 6
    # 2 days to accept, 1 to the trial visit, 7 to praktik, 29 to the first paid day, 6 to more.
    days = [step.median_days for step in found.steps]
    assert days == [None, Decimal(2), Decimal(1), Decimal(7), Decimal(29), Decimal(6)]
    assert [step.timed for step in found.steps] == [0, 1, 1, 1, 1, 1]


def test_a_placement_that_skipped_the_trial_visit_counts_as_trial_or_further(
    job, consultant, employer, jc
):
    climb(job, consultant, employer, "Bo", to="praktik", first_step=Phase.PRAKTIK)
    found = funnel(jc, FIRST, LAST)
    assert [step.count for step in found.steps] == [1, 1, 1, 1, 0, 0]
    # It had no trial visit: it is in neither the days to one nor the days from one.
    assert found.step("trial").median_days is None
    assert found.step("trial").timed == 0
    assert found.step("praktik").median_days is None


def test_straight_to_paid_hours_counts_at_every_step_before(job, consultant, employer, jc):
    climb(job, consultant, employer, "Carl", first_step=Phase.PAID)
    assert counts(jc) == [1, 1, 1, 1, 1, 0]


def test_praktik_hours_never_count_as_paid(job, consultant, employer, jc):
    placement = climb(job, consultant, employer, "Dorte", to="praktik")
    confirm(placement, employer, PRAKTIK_MONDAY)  # a week of praktik hours
    assert counts(jc) == [1, 1, 1, 1, 0, 0]
    # Paid hours agreed since, and begun: the praktik week still counts for nothing paid.
    terms = paid_terms(job, PAID_MONDAY, hours="6")
    step = placements.propose_step(
        placement, employer, StepKind.PAID, terms, placement.version, today=PAID_MONDAY
    )
    placements.accept_step(step, consultant, placement.version, today=PAID_MONDAY)
    assert counts(jc) == [1, 1, 1, 1, 0, 0]


def test_paid_terms_without_a_confirmed_day_are_not_paid_hours(job, consultant, employer, jc):
    placement = climb(job, consultant, employer, "Erik", to="praktik")
    step = placements.propose_step(
        placement,
        employer,
        StepKind.PAID,
        paid_terms(job, PAID_MONDAY, hours="6"),
        placement.version,
        today=PAID_MONDAY,
    )
    placements.accept_step(step, consultant, placement.version, today=PAID_MONDAY)
    assert counts(jc) == [1, 1, 1, 1, 0, 0]


def test_a_paid_day_corrected_to_nothing_does_not_count(job, consultant, employer, jc):
    placement = climb(job, consultant, employer, "Frida", raise_to="10")
    versions = versions_of(placement.id)
    thursday = FIRST_PAID_DAY + timedelta(days=2)
    for day in (FIRST_PAID_DAY, thursday):
        hours.correct(placement, employer, day, HourKind.PAID, Decimal(0), "Syg", versions)
    # Nor are more hours reached: a step is reached only after the one before it.
    assert counts(jc) == [1, 1, 1, 1, 0, 0]
    # And back again on the Thursday: the latest revision decides, and is the first paid day.
    hours.correct(placement, employer, thursday, HourKind.PAID, Decimal(2), "Kom", versions)
    found = funnel(jc, FIRST, LAST)
    assert [step.count for step in found.steps] == [1, 1, 1, 1, 1, 1]
    assert found.step("paid").median_days == Decimal(31)
    assert found.step("more_hours").median_days == Decimal(4)


def test_more_hours_is_a_raise_above_the_first_paid_hours(job, consultant, employer, jc):
    climb(job, consultant, employer, "Gitte", raise_to="10")
    climb(job, consultant, employer, "Hans", raise_to="4")  # fewer hours: not more
    assert counts(jc) == [2, 2, 2, 2, 2, 1]


def test_an_expired_proposal_is_proposed_and_no_further(job, consultant, employer, jc):
    proposal = proposed_on(job, consultant, "Ida", PROPOSED)
    proposal.status = ProposalStatus.EXPIRED.value
    proposal.decided_at = proposal.created_at + timedelta(days=14)
    db.session.flush()
    climb(job, consultant, employer, "Jens", to="accepted")
    found = funnel(jc, FIRST, LAST)
    assert [step.count for step in found.steps] == [2, 1, 0, 0, 0, 0]
    assert found.step("accepted").conversion == Decimal("50.0")
    assert found.step("trial").conversion == Decimal("0.0")
    assert found.step("praktik").conversion is None  # of nobody
    assert decline_reasons(jc, FIRST, LAST) == [("expired", 1)]


def test_a_trial_visit_not_begun_yet_is_not_reached(job, consultant, employer, jc):
    climb(job, consultant, employer, "Karen", to="trial")
    assert counts(jc, today=LADDER_MONDAY - timedelta(days=1)) == [1, 1, 0, 0, 0, 0]
    assert counts(jc, today=LADDER_MONDAY) == [1, 1, 1, 0, 0, 0]


def test_a_placement_ended_before_its_trial_visit_did_not_reach_it(job, consultant, employer, jc):
    placement = climb(job, consultant, employer, "Lone", to="trial")
    placement.phase, placement.ended_on = Phase.ENDED.value, LADDER_MONDAY - timedelta(days=1)
    placement.end_reason, placement.ended_by_id = "candidate_stopped", employer.id
    db.session.flush()
    assert counts(jc) == [1, 1, 0, 0, 0, 0]


def test_other_jobcentres_and_other_consultants_proposals_are_left_out(
    make_job, employer, consultant, colleague_consultant, other_consultant, jc
):
    job = ladder_job(make_job, employer)
    climb(job, consultant, employer, "Mona")
    climb(job, colleague_consultant, employer, "Niels", to="accepted")
    climb(job, other_consultant, employer, "Ole")  # another jobcentre
    assert counts(jc) == [2, 2, 1, 1, 1, 0]
    assert counts(jc, consultant.id) == [1, 1, 1, 1, 1, 0]
    assert counts(jc, colleague_consultant.id) == [1, 1, 0, 0, 0, 0]
    assert counts(other_consultant.organisation_id) == [1, 1, 1, 1, 1, 0]
    # Nor do the other jobcentre's hours at the same company count in its line.
    period = (FIRST, PAID_MONDAY + timedelta(days=6))
    assert [Row.of(row) for row in paged(by_company(jc, *period), 1, 50).items] == [
        Row(job.company_id, proposals=2, accepted=2, paid=1, paid_hours=Decimal(6))
    ]


def test_the_period_begins_and_ends_at_danish_midnight(job, consultant, jc):
    moments = {
        "before": local_midnight(FIRST) - timedelta(microseconds=1),
        "first": local_midnight(FIRST),
        "last": local_midnight(LAST + timedelta(days=1)) - timedelta(microseconds=1),
        "after": local_midnight(LAST + timedelta(days=1)),
    }
    for name, moment in moments.items():
        proposal = proposed_on(job, consultant, name, FIRST)
        proposal.created_at = moment
    db.session.flush()
    assert counts(jc)[0] == 2
    assert counts(jc, first=FIRST - timedelta(days=1), last=LAST + timedelta(days=1))[0] == 4


def test_medians_of_an_even_number_take_the_middle_twos_mean(job, consultant, employer, jc):
    climb(job, consultant, employer, "Per", to="accepted", days_to_accept=2)
    climb(job, consultant, employer, "Rita", to="accepted", days_to_accept=5)
    found = funnel(jc, FIRST, LAST)
    assert found.step("accepted").median_days == Decimal("3.5")
    assert found.step("accepted").timed == 2
    climb(job, consultant, employer, "Sune", to="accepted", days_to_accept=30)
    assert funnel(jc, FIRST, LAST).step("accepted").median_days == Decimal(5)


def test_days_to_accept_are_danish_calendar_days(job, consultant, employer, jc):
    """Proposed at 23:30 and accepted at 00:30 the next night (Danish time): 1 day."""
    placement = climb(job, consultant, employer, "Tove", to="accepted")
    proposal = placement.proposal
    proposal.created_at = local_midnight(PROPOSED) + timedelta(hours=23, minutes=30)
    proposal.decided_at = proposal.created_at + timedelta(hours=1)
    db.session.flush()
    assert funnel(jc, FIRST, LAST).step("accepted").median_days == Decimal(1)


def test_decline_reasons_most_first_with_expired_and_withdrawn(job, consultant, employer, jc):
    answers = [DeclineReason.HOURS_DONT_FIT] * 2 + [DeclineReason.NO_CAPACITY, "withdrawn"]
    for number, answer in enumerate(answers):
        proposal = proposed_on(job, consultant, f"Person {number}", PROPOSED)
        if answer == "withdrawn":
            proposals.withdraw(proposal)
        else:
            proposals.decline(proposal, employer, answer)
    proposed_on(job, consultant, "Venter", PROPOSED)  # waiting: no reason
    assert decline_reasons(jc, FIRST, LAST) == [
        ("hours_dont_fit", 2),
        ("no_capacity", 1),
        ("withdrawn", 1),
    ]
    assert decline_reasons(jc, LAST + timedelta(days=1), LAST + timedelta(days=9)) == []


def test_the_lines_per_company_and_per_consultant(
    make_job, make_company, make_user, employer, consultant, colleague_consultant, jc
):
    brugsen = ladder_job(make_job, employer)
    other = make_user(make_company(name="Netto Skjern"))
    netto = ladder_job(make_job, other)
    anna = climb(brugsen, consultant, employer, "Anna")  # paid: 3 + 3 hours confirmed
    versions = versions_of(anna.id)  # Tuesday's 3 corrected to 1: 4 hours in all
    hours.correct(
        anna, employer, FIRST_PAID_DAY, HourKind.PAID, Decimal(1), "Gik tidligt", versions
    )
    bo = climb(brugsen, colleague_consultant, employer, "Bo", to="praktik")
    confirm(bo, employer, PRAKTIK_MONDAY)  # praktik hours: never paid hours
    proposals.decline(
        proposed_on(netto, consultant, "Carl", PROPOSED), other, DeclineReason.NO_CAPACITY
    )
    # Hours of a person proposed long before the period count in the period's hours.
    early = climb(
        netto, consultant, other, "Dorte", proposed=FIRST - timedelta(days=30), paid_hours="4"
    )
    assert early.company_id == netto.company_id
    period = (FIRST, PAID_MONDAY + timedelta(days=6))  # the weeks confirmed are in it
    companies = [Row.of(row) for row in paged(by_company(jc, *period), 1, 50).items]
    assert companies == [
        Row(brugsen.company_id, proposals=2, accepted=2, paid=1, paid_hours=Decimal(4)),
        Row(netto.company_id, proposals=1, accepted=0, paid=0, paid_hours=Decimal(4)),
    ]
    assert companies[0].accepted_percent == Decimal("100.0")
    assert companies[0].paid_percent == Decimal("50.0")
    assert companies[1].paid_percent is None
    assert by_consultant(jc, *period) == [
        Row(consultant.id, proposals=2, accepted=1, paid=1, paid_hours=Decimal(8)),
        Row(colleague_consultant.id, proposals=1, accepted=1, paid=0, paid_hours=Decimal(0)),
    ]
    assert by_consultant(jc, *period, colleague_consultant.id) == [
        Row(colleague_consultant.id, proposals=1, accepted=1, paid=0, paid_hours=Decimal(0)),
    ]
    # Hours outside the period do not count; a company with none and no proposal has no line.
    before = (FIRST, PAID_MONDAY - timedelta(days=1))
    rows = [Row.of(row) for row in paged(by_company(jc, *before), 1, 50).items]
    assert [(row.id, row.paid_hours) for row in rows] == [
        (brugsen.company_id, Decimal(0)),
        (netto.company_id, Decimal(0)),
    ]


def test_a_fixed_number_of_statements(job, consultant, employer, jc, count_queries):
    def statements() -> int:
        with count_queries() as counted:
            funnel(jc, FIRST, LAST)
            decline_reasons(jc, FIRST, LAST)
            by_consultant(jc, FIRST, LAST)
            paged(by_company(jc, FIRST, LAST), 1, 50)
        return len(counted.statements)

    climb(job, consultant, employer, "Anna", raise_to="10")
    one = statements()
    for name in ("Bo", "Carl", "Dorte"):
        climb(job, consultant, employer, name)
    assert statements() == one == 4


# --- Random ladders ----------------------------------------------------------------------------

FATES = ["waiting", "declined", "expired", "accepted", "trial", "praktik", "paid"]
person = st.tuples(
    st.sampled_from([*FATES, "paid", "paid"]),  # paid hours most, where most can happen
    st.sampled_from([Phase.TRIAL, Phase.PRAKTIK, Phase.PAID]),  # the first step, where it can be
    st.sampled_from([None, "4", "10"]),  # the paid hours asked for from RAISE_MONDAY
    st.booleans(),  # the paid week corrected to 0
    st.booleans(),  # the colleague's candidate
)


def expected_steps(fate: str, raise_to: str | None, zeroed: bool) -> int:
    """How many of the funnel's steps a person of this fate reaches (1 = proposed only)."""
    reached = {"accepted": 2, "trial": 3, "praktik": 4}.get(fate, 1)
    if fate == "paid":
        reached = 4 if zeroed else (6 if raise_to == "10" else 5)
    return reached


def test_random_ladders_never_widen_and_every_table_adds_up(
    make_job, employer, consultant, colleague_consultant, jc
):
    job_id, ids = ladder_job(make_job, employer).id, (employer.id, consultant.id)
    colleague_id = colleague_consultant.id

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(people=st.lists(person, min_size=1, max_size=6))
    def run(people) -> None:
        example = db.session.begin_nested()
        try:
            job = db.session.get(Job, job_id)
            company, mine = db.session.get(User, ids[0]), db.session.get(User, ids[1])
            colleague = db.session.get(User, colleague_id)
            expected = [0] * len(STEPS)
            for number, (fate, first_step, raise_to, zeroed, theirs) in enumerate(people):
                who, name = (colleague if theirs else mine), f"Person {number}"
                if fate in ("waiting", "declined", "expired"):
                    proposal = proposed_on(job, who, name, PROPOSED)
                    if fate == "declined":
                        proposals.decline(proposal, company, DeclineReason.OTHER)
                    elif fate == "expired":
                        proposal.status = ProposalStatus.EXPIRED.value
                        proposal.decided_at = proposal.created_at + timedelta(days=14)
                else:
                    if fate == "trial" or (fate == "praktik" and first_step == Phase.PAID):
                        first_step = Phase.TRIAL  # the steps a first step can reach
                    placement = climb(
                        job, who, company, name, fate, first_step=first_step, raise_to=raise_to
                    )
                    if fate == "paid" and zeroed:
                        versions = versions_of(placement.id)
                        for day in (FIRST_PAID_DAY, FIRST_PAID_DAY + timedelta(days=2)):
                            hours.correct(
                                placement, company, day, HourKind.PAID, Decimal(0), "Syg", versions
                            )
                for step in range(expected_steps(fate, raise_to, zeroed)):
                    expected[step] += 1
            db.session.flush()
            found = funnel(jc, FIRST, LAST)
            assert [step.count for step in found.steps] == expected
            for step in found.steps:
                assert step.previous is None or step.count <= step.previous
                assert step.conversion is None or step.conversion <= 100
                assert step.of_proposed is not None
                assert step.of_proposed <= 100
            totals = [found.step(name).count for name in ("proposed", "accepted", "paid")]
            for lines in (
                by_consultant(jc, FIRST, LAST),
                [Row.of(row) for row in paged(by_company(jc, FIRST, LAST), 1, 50).items],
            ):
                assert [
                    sum(line.proposals for line in lines),
                    sum(line.accepted for line in lines),
                    sum(line.paid for line in lines),
                ] == totals
        finally:
            example.rollback()
            db.session.expunge_all()  # SQLite hands rolled-back ids out again

    run()

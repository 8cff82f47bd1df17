"""The figures kept ready (marketplace/figures/rollup.py) equal the definitions counted
directly (figures.measures), on random towns; changes are noted beside themselves and the
sweep refreshes what was noted, each jobcentre once, in bounded batches."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from marketplace.clock import local_today, month_of, months_before, next_month, utcnow
from marketplace.extensions import db
from marketplace.figures import rollup
from marketplace.models import (
    CandidateStatus,
    FigureChange,
    FigureMonth,
    FigureRefresh,
    PaidMonth,
    Phase,
    Role,
)
from tests.factories import MONDAY, confirm, new_candidate, paid_placement

TODAY = local_today()
THIS_MONTH = month_of(TODAY)
SPAN = 30  # months the random towns reach back


def a_month(back: int) -> date:
    return months_before(THIS_MONTH, back)


people_st = st.lists(
    st.fixed_dictionaries(
        {
            "registered": st.integers(0, SPAN * 31),  # days ago
            "closed": st.none() | st.integers(0, SPAN * 31),
            "consultant": st.integers(0, 1),
            "paid": st.lists(
                st.tuples(
                    st.integers(0, SPAN),  # months ago
                    st.decimals("0.5", "160", places=2),
                    st.integers(0, 27),  # the first paid day's offset in the month
                ),
                max_size=8,
            ),
        }
    ),
    min_size=1,
    max_size=8,
)


def test_the_kept_figures_equal_the_direct_answer_on_random_towns(consultant, make_user):
    colleague = make_user(consultant.organisation, Role.CONSULTANT)
    staff = [consultant, colleague]
    people = [new_candidate(consultant, f"Borger {n}") for n in range(8)]
    jobcentre = consultant.organisation_id

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(town=people_st)
    def run(town):
        example = db.session.begin_nested()
        try:
            for person, plan in zip(people, town, strict=False):
                person.created_at = utcnow() - timedelta(days=plan["registered"])
                if plan["closed"] is not None and plan["closed"] <= plan["registered"]:
                    person.status = CandidateStatus.CLOSED.value
                    person.closed_at = utcnow() - timedelta(days=plan["closed"])
                person.consultant_id = staff[plan["consultant"]].id
                months = {}
                for back, hours, offset in plan["paid"]:
                    months[a_month(back)] = (hours, a_month(back) + timedelta(days=offset))
                for month, (hours, first_day) in months.items():
                    db.session.add(
                        PaidMonth(
                            candidate_id=person.id, month=month, hours=hours, first_day=first_day
                        )
                    )
            db.session.flush()
            rollup.refresh(jobcentre, TODAY)
            for back in range(0, 13):
                month = a_month(back)
                for consultant_id in (None, consultant.id, colleague.id):
                    kept = rollup.read(jobcentre, month, consultant_id)
                    assert kept is not None, (month, consultant_id)
                    counted = rollup.direct(jobcentre, month, consultant_id)
                    assert kept.trend == counted.trend, (month, consultant_id)
                    assert kept.weekly == counted.weekly, (month, consultant_id)
                    assert kept.retention == counted.retention, (month, consultant_id)
        finally:
            example.rollback()
            for row in list(db.session.identity_map.values()):
                if isinstance(row, PaidMonth | FigureMonth | FigureRefresh):
                    db.session.expunge(row)
            db.session.expire_all()

    run()


def test_a_month_older_than_the_kept_ones_is_counted_directly(one_kept, consultant):
    jobcentre = consultant.organisation_id
    old = a_month(rollup.WINDOW_MONTHS)
    assert rollup.read(jobcentre, old) is None
    assert rollup.figures_for(jobcentre, old).computed_at is None
    assert rollup.figures_for(jobcentre, THIS_MONTH).computed_at is not None


def test_reading_the_kept_figures_takes_two_statements(one_kept, consultant, count_queries):
    jobcentre, consultant_id = consultant.organisation_id, consultant.id
    db.session.expire_all()
    with count_queries() as counted:
        rollup.read(jobcentre, THIS_MONTH, consultant_id)
    assert counted.count == 2  # the refresh, the scope's months


def test_confirmed_hours_and_caseload_changes_are_noted_and_the_sweep_takes_the_notes(
    job, consultant, employer, make_jobcentre, make_user
):
    from marketplace.caseload.candidates import set_status
    from tests.factories import proposed_on

    jobcentre = consultant.organisation_id
    other = make_user(make_jobcentre(657), Role.CONSULTANT).organisation_id
    db.session.execute(FigureChange.__table__.delete())
    placement = paid_placement(job, consultant, employer, "Anna Noteret")
    placement.candidate.created_at = utcnow() - timedelta(days=400)
    # Registered, proposed, accepted, placed: each noted.
    assert notes(jobcentre) >= 4
    for change in (
        lambda: confirm(placement, employer, MONDAY),  # paid hours
        lambda: set_status(placement.candidate, CandidateStatus.PAUSED),
        lambda: proposed_on(job, consultant, "Bo Ny", MONDAY),  # a proposal
    ):
        before = notes(jobcentre)
        change()
        assert notes(jobcentre) > before
    assert notes(other) == 0

    refreshed = rollup.refresh_due(utcnow(), batch_size=1)
    assert refreshed == 1
    assert notes(jobcentre) == 0  # the noted jobcentre came first, and its notes went
    kept = rollup.read(jobcentre, month_of(MONDAY + timedelta(days=1)))
    assert kept is not None
    assert kept.trend[-1].touched == 1
    # The next sweep takes the jobcentres never refreshed (the other one), then none.
    assert rollup.due(utcnow(), 10) == [other]
    rollup.refresh_due(utcnow())
    assert rollup.due(utcnow(), 10) == []


def test_a_refresh_a_day_old_or_lacking_this_month_is_due_again(one_kept, consultant):
    jobcentre = consultant.organisation_id
    assert rollup.due(utcnow(), 10) == []
    kept = db.session.get(FigureRefresh, jobcentre)
    kept.computed_at = utcnow() - rollup.MAX_AGE - timedelta(minutes=1)
    db.session.flush()
    assert rollup.due(utcnow(), 10) == [jobcentre]
    rollup.refresh(jobcentre)
    kept.last_month = months_before(THIS_MONTH, 1)
    kept.first_month = months_before(THIS_MONTH, rollup.WINDOW_MONTHS)
    db.session.flush()
    assert rollup.due(utcnow(), 10) == [jobcentre]


def test_a_refresh_keeps_no_row_for_a_month_with_nothing_to_count(one_kept, consultant):
    months = db.session.scalars(
        select(FigureMonth.month).where(FigureMonth.jobcentre_id == consultant.organisation_id)
    ).all()
    assert months  # the person's months since registering
    assert min(months) >= month_of((utcnow() - timedelta(days=400)).date())


def notes(jobcentre_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(FigureChange)
        .where(FigureChange.jobcentre_id == jobcentre_id)
    )


@pytest.fixture
def one_kept(consultant):
    person = new_candidate(consultant, "Bo Beholdt")
    person.created_at = datetime.now(UTC) - timedelta(days=400)
    db.session.add(
        PaidMonth(
            candidate_id=person.id,
            month=a_month(2),
            hours=Decimal("12.5"),
            first_day=a_month(2) + timedelta(days=3),
        )
    )
    db.session.flush()
    rollup.refresh(consultant.organisation_id, TODAY)
    db.session.flush()
    assert next_month(THIS_MONTH) > THIS_MONTH
    return person


def test_the_kept_funnel_reasons_and_lines_equal_the_direct_ones(
    job, consultant, employer, make_user, make_company, make_job
):
    from marketplace.models import DeclineReason
    from marketplace.proposals import lifecycle as proposals
    from tests.factories import LADDER_MONDAY, climb, ladder_job, proposed_on

    colleague = make_user(consultant.organisation, Role.CONSULTANT)
    idle = make_user(consultant.organisation, Role.CONSULTANT)  # a caseload, no proposals
    registered = new_candidate(idle, "Finn Ledig")
    registered.created_at = utcnow() - timedelta(days=400)
    other = make_user(make_company(name="Brugsen Skjern"))
    second_job = ladder_job(make_job, other, title="Opfyldning")
    climb(job, consultant, employer, "Anna Løn", to="paid", raise_to="8")
    climb(job, colleague, employer, "Bo Praktik", to="praktik", first_step=Phase.PRAKTIK)
    climb(second_job, consultant, other, "Carl Snus", to="trial")
    declined = proposed_on(second_job, colleague, "Dorte Nej", LADDER_MONDAY)
    proposals.decline(declined, other, DeclineReason.HOURS_DONT_FIT)
    proposed_on(job, consultant, "Erik Venter", LADDER_MONDAY)
    jobcentre = consultant.organisation_id
    rollup.refresh(jobcentre, TODAY)
    db.session.flush()
    for month in (month_of(LADDER_MONDAY), THIS_MONTH, a_month(1)):
        for consultant_id in (None, consultant.id, colleague.id, idle.id):
            kept = rollup.read(jobcentre, month, consultant_id)
            counted = rollup.direct(jobcentre, month, consultant_id)
            assert kept is not None
            assert kept.funnel == counted.funnel, (month, consultant_id)
            assert kept.reasons == counted.reasons, (month, consultant_id)
            assert consultant_lines(kept) == consultant_lines(counted), (month, consultant_id)
            assert lines(kept.companies) == lines(counted.companies), month
    whole = rollup.read(jobcentre, THIS_MONTH)
    assert [step.count for step in whole.funnel.steps][:2] == [5, 3]
    assert whole.reasons == [("hours_dont_fit", 1)]
    assert len(lines(whole.companies)) == 2
    assert {line.id for line in consultant_lines(whole)} == {consultant.id, colleague.id}


def lines(statement):
    from marketplace.figures.funnel import Row

    return [Row.of(row) for row in db.session.execute(statement).mappings()]


def test_the_sweep_starts_no_refresh_past_its_budget(consultant, make_jobcentre):
    for code in (657, 661):
        make_jobcentre(code)
    db.session.flush()
    assert rollup.refresh_due(utcnow(), batch_size=10, budget=-1.0) == 0
    assert rollup.refresh_due(utcnow(), batch_size=10, budget=60.0) == 3


def consultant_lines(figures):
    rows = db.session.execute(figures.consultants).mappings()
    return [figures.consultant_line(row) for row in rows]

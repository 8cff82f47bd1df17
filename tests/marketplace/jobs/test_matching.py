"""Matching: hard conflicts exclude, the ranking follows the weights, both directions agree."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.caseload.candidates import CandidateData, create_candidate
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.jobs import matching
from marketplace.models import CATEGORY_BITS, DeclineReason, EndReason, Weekday
from marketplace.placements import ladder as placements
from marketplace.proposals import lifecycle as proposals

TUE_THU = int(Weekday.TUE | Weekday.THU)


@pytest.fixture
def add_candidate(consultant):
    def add(**fields) -> object:
        values = {
            "full_name": "Test Person",
            "job_goal": "Butik",
            "hours_min": Decimal(3),
            "hours_max": Decimal(8),
            "municipality_code": 760,
            "postcode": "6900",
            "wished_categories": CATEGORY_BITS["retail"],
            "available_weekdays": TUE_THU,
            "danish_level": "fluent",
            "driving_licence": True,
            **fields,
        }
        return create_candidate(consultant, CandidateData(**values))

    return add


@pytest.fixture
def trial_job(employer, make_job):
    """A job as make_job makes it (a trial visit only), not the shared job that offers every
    step."""
    return make_job(employer.organisation, employer)


def ranked(job, consultant) -> list[int]:
    return [c.id for c, _, _ in matching.candidates_for_job(job, consultant.organisation_id)]


@pytest.mark.parametrize(
    ("job_fields", "candidate_fields"),
    [
        ({"requires_heavy_lifting": True}, {"no_heavy_lifting": True}),
        (
            {"requires_heavy_lifting": True, "lifting_max_kg": 15},
            {"no_heavy_lifting": True, "lifting_max_kg": 10},
        ),
        ({"requires_standing": True}, {"no_long_standing": True}),
        ({"requires_early_mornings": True}, {"no_early_mornings": True}),
        ({"requires_driving_licence": True}, {"driving_licence": False}),
        ({"danish_level": "good"}, {"danish_level": "basic"}),
        (
            {
                "time_from": time(7),
                "time_to": time(13),
            },
            {"max_hours_per_day": Decimal(4)},
        ),
    ],
)
def test_a_hard_conflict_excludes_both_ways(
    employer, make_job, consultant, add_candidate, job_fields, candidate_fields
):
    job = make_job(employer.organisation, employer, **job_fields)
    blocked = add_candidate(**candidate_fields)
    fine = add_candidate()
    assert ranked(job, consultant) == [fine.id]
    assert job.id not in [j.id for j, _ in matching.jobs_for_candidate(blocked)]
    assert job.id in [j.id for j, _ in matching.jobs_for_candidate(fine)]


def test_lifting_within_what_the_person_can_is_no_conflict(
    employer, make_job, consultant, add_candidate
):
    job = make_job(employer.organisation, employer, requires_heavy_lifting=True, lifting_max_kg=10)
    can = add_candidate(no_heavy_lifting=True, lifting_max_kg=15)
    assert ranked(job, consultant) == [can.id]


def test_ranking_follows_kind_of_work_hours_days_and_area(trial_job, consultant, add_candidate):
    best = add_candidate()
    no_category = add_candidate(wished_categories=CATEGORY_BITS["kitchen"])
    far_away = add_candidate(municipality_code=101, postcode="1000")
    wrong_days = add_candidate(available_weekdays=int(Weekday.MON))
    assert ranked(trial_job, consultant) == [best.id, far_away.id, wrong_days.id, no_category.id]
    _, _, match = matching.candidates_for_job(trial_job, consultant.organisation_id)[0]
    assert match.score == 100
    assert "ønsker den slags arbejde" in match.reasons  # Danish, the default language


def test_only_active_candidates_of_the_own_jobcentre(
    trial_job, consultant, add_candidate, make_jobcentre, make_user
):
    from marketplace.caseload.candidates import set_status
    from marketplace.models import CandidateStatus

    mine = add_candidate()
    paused = add_candidate()
    set_status(paused, CandidateStatus.PAUSED)
    stranger = make_user(make_jobcentre(municipality_code=657))
    create_candidate(
        stranger,
        CandidateData(
            full_name="X",
            job_goal="Butik",
            hours_min=Decimal(3),
            hours_max=Decimal(8),
            municipality_code=760,
            postcode="6900",
        ),
    )
    assert ranked(trial_job, consultant) == [mine.id]


def test_only_published_jobs_are_offered(employer, make_job, add_candidate):
    person = add_candidate()
    shown = make_job(employer.organisation, employer)
    make_job(employer.organisation, employer, status="draft")
    make_job(employer.organisation, employer, status="closed")
    assert [j.id for j, _ in matching.jobs_for_candidate(person)] == [shown.id]


def test_matching_is_one_query_however_many_candidates(
    trial_job, consultant, add_candidate, count_queries
):
    for _ in range(3):
        add_candidate()
    with count_queries() as few:
        matching.candidates_for_job(trial_job, consultant.organisation_id)
    for _ in range(25):
        add_candidate()
    with count_queries() as many:
        found = matching.candidates_for_job(trial_job, consultant.organisation_id)
    assert few.count == many.count == 1
    assert len(found) == 20


people = st.fixed_dictionaries(
    {
        "wished_categories": st.integers(0, 1023),
        "hours_min": st.sampled_from([Decimal(2), Decimal(3), Decimal(5)]),
        "available_weekdays": st.integers(0, 127),
        "municipality_code": st.sampled_from([760, 657]),
        "danish_level": st.sampled_from(["none", "basic", "good", "fluent"]),
        "no_heavy_lifting": st.booleans(),
        "lifting_max_kg": st.sampled_from([None, 10, 20]),
        "no_long_standing": st.booleans(),
        "no_early_mornings": st.booleans(),
        "driving_licence": st.booleans(),
        "max_hours_per_day": st.sampled_from([None, Decimal(3), Decimal(6)]),
    }
)
jobs = st.fixed_dictionaries(
    {
        "category": st.sampled_from(list(CATEGORY_BITS)),
        "hours_per_week": st.sampled_from([Decimal(2), Decimal(6), Decimal(12)]),
        "weekdays": st.integers(1, 127),
        "flexible_days": st.booleans(),
        "requires_heavy_lifting": st.booleans(),
        "lifting_max_kg": st.sampled_from([None, 15]),
        "requires_standing": st.booleans(),
        "requires_early_mornings": st.booleans(),
        "requires_driving_licence": st.booleans(),
        "danish_level": st.sampled_from(["none", "basic", "good", "fluent"]),
        "window": st.sampled_from([None, (7, 10), (7, 13)]),
    }
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(person=people, offer=jobs)
def test_both_directions_agree_on_every_pair(
    employer, make_job, consultant, add_candidate, person, offer
):
    """A pair either matches both ways with the same score, or neither way."""
    savepoint = db.session.begin_nested()
    try:
        candidate = add_candidate(hours_max=person["hours_min"] + 4, **person)
        offer = dict(offer)
        window = offer.pop("window")
        if window:
            offer["time_from"], offer["time_to"] = time(window[0]), time(window[1])
        job = make_job(employer.organisation, employer, **offer)
        one_way = {
            c.id: m.score
            for c, _, m in matching.candidates_for_job(job, consultant.organisation_id)
        }
        other_way = {j.id: m.score for j, m in matching.jobs_for_candidate(candidate)}
        assert (candidate.id in one_way) == (job.id in other_way)
        if candidate.id in one_way:
            assert one_way[candidate.id] == other_way[job.id]
    finally:
        savepoint.rollback()


def offered(candidate) -> list[int]:
    return [j.id for j, _ in matching.jobs_for_candidate(candidate)]


def test_the_job_the_person_holds_or_waits_for_is_not_offered(
    employer, consultant, make_job, add_candidate, place, job
):
    """An active placement or a waiting proposal at a job leaves it out of the person's jobs
    that fit; an ended placement, a declined or withdrawn proposal does not."""
    person = add_candidate()
    held, waiting, ended, declined, free = (
        make_job(employer.organisation, employer, title=title, offers_trial_visit=True)
        for title in ("Holdt", "Venter", "Sluttet", "Afvist", "Ledig")
    )
    place(person, of_job=held)
    proposals.propose(waiting, person, consultant, "God til hylder.")
    finished = place(person, of_job=ended, start=0)
    placements.end(finished, employer, EndReason.COMPLETED, "", local_today(), finished.version)
    no = proposals.propose(declined, person, consultant, "God til hylder.")
    proposals.decline(no, employer, DeclineReason.TASKS_DONT_FIT, "")
    assert sorted(offered(person)) == sorted([job.id, ended.id, declined.id, free.id])
    # Someone else still sees every job.
    assert {held.id, waiting.id} <= set(offered(add_candidate(full_name="Bo Berg")))

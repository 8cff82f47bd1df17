"""The trial ladder (marketplace.placements.ladder), starting: an accepted proposal's
placement begins once, at a first step the job offers, within the trial's length; the days a
step may start on; and how a placement's phase is read from its terms.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.agreements.rules import rules_for
from marketplace.agreements.terms import (
    latest_terms,
    phase_of,
    phase_on,
    versions_of,
)
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    Phase,
    Placement,
    PlacementTerms,
    StepKind,
)
from marketplace.placements import ladder as placements
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    accepted_proposal,
    at_trial,
    in_days,
    ladder_job,
    new_candidate,
    paid_terms,
    praktik_terms,
    today,
)

# --- Starting -------------------------------------------------------------------------------


def test_start_at_trial_writes_the_first_terms_version(proposal, employer, job):
    placement = at_trial(proposal, employer, 1, 5)

    assert placement.phase == Phase.TRIAL
    assert (placement.candidate_id, placement.company_id, placement.jobcentre_id) == (
        proposal.candidate_id,
        proposal.company_id,
        proposal.jobcentre_id,
    )
    [first] = versions_of(placement.id)
    assert first.number == 1
    assert first.phase == Phase.TRIAL
    assert first.step_id is None
    assert first.created_by_id == employer.id
    assert first.effective_from == first.unpaid_from == in_days(1)
    assert first.unpaid_to == in_days(5)
    assert first.unpaid_hours == job.hours_per_week
    assert first.paid_hours is None
    assert first.hourly_wage is None
    assert first.purposes == 0


def test_a_trial_lasts_at_most_the_default_fourteen_days(proposal, employer):
    assert rules_for(proposal.jobcentre_id).trial_max_days == 14
    with pytest.raises(DomainError) as refused:
        at_trial(proposal, employer, 1, 15)  # 15 days
    assert refused.value.field == "trial_end"


def test_a_fourteen_day_trial_is_allowed(proposal, employer):
    placement = at_trial(proposal, employer, 1, 14)
    assert latest_terms(placement.id).unpaid_to == in_days(14)


def test_a_trial_without_a_last_day_is_the_usual_two_day_visit(proposal, employer):
    placement = placements.start(proposal, employer, Phase.TRIAL, in_days(1))
    assert placement.first_step == "trial"
    [first] = versions_of(placement.id)
    assert (first.unpaid_from, first.unpaid_to) == (in_days(1), in_days(2))


def test_a_trial_ends_on_or_after_its_first_day(proposal, employer):
    with pytest.raises(DomainError) as refused:
        placements.start(proposal, employer, Phase.TRIAL, in_days(1), in_days(0))
    assert refused.value.field == "trial_end"


@pytest.mark.parametrize("first_step", [Phase.PRAKTIK, Phase.PAID])
def test_start_is_pending_when_the_first_step_is_praktik_or_paid(proposal, employer, first_step):
    placement = placements.start(proposal, employer, first_step, in_days(1))

    assert placement.phase == Phase.PENDING
    assert placement.first_step == first_step
    assert versions_of(placement.id) == []
    assert phase_on(placement, [], in_days(1)) == Phase.PENDING


@pytest.mark.parametrize(
    ("offers", "first_step"),
    [
        ({"offers_trial_visit": False}, Phase.TRIAL),
        ({"offers_praktik": False}, Phase.PRAKTIK),
        ({"offers_paid_direct": False}, Phase.PAID),
        ({}, Phase.COMBINED),
    ],
)
def test_a_first_step_the_job_does_not_offer_is_refused(
    make_job, employer, consultant, offers, first_step
):
    job = ladder_job(make_job, employer, **offers)
    proposal = accepted_proposal(job, consultant, employer)
    with pytest.raises(DomainError) as refused:
        placements.start(proposal, employer, first_step, in_days(1), in_days(3))
    assert refused.value.field == "first_step"
    assert db.session.scalar(select(func.count(Placement.id))) == 0


def test_start_in_the_past_is_refused(proposal, employer):
    with pytest.raises(DomainError) as refused:
        placements.start(proposal, employer, Phase.TRIAL, in_days(-1), in_days(2))
    assert refused.value.field == "suggested_start"


def test_start_more_than_a_year_ahead_is_refused(proposal, employer):
    with pytest.raises(DomainError) as refused:
        placements.start(proposal, employer, Phase.PRAKTIK, in_days(366))
    assert refused.value.field == "suggested_start"
    assert placements.start(proposal, employer, Phase.PRAKTIK, in_days(365)).phase == "pending"


def test_only_an_accepted_proposal_starts_a_placement(job, consultant, employer):
    waiting = proposals.propose(job, new_candidate(consultant), consultant, "God til hylder")
    with pytest.raises(DomainError):
        placements.start(waiting, employer, Phase.TRIAL, in_days(1), in_days(3))


def test_a_proposal_gets_one_placement(proposal, employer):
    at_trial(proposal, employer)
    route = db.session.begin_nested()  # the route rolls back when a rule says no
    with pytest.raises(DomainError):
        at_trial(proposal, employer)
    route.rollback()
    assert db.session.scalar(select(func.count(Placement.id))) == 1


# --- Dates ----------------------------------------------------------------------------------


def test_a_step_cannot_start_in_the_past(proposal, job, consultant, employer):
    placement = placements.start(proposal, employer, Phase.PRAKTIK, today())
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            placement, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(-1)), None
        )
    assert refused.value.field == "start_on"
    step = placements.propose_step(
        placement, consultant, StepKind.PRAKTIK, praktik_terms(job, today()), None
    )
    # Answering later is fine: the start is then in the past, as agreed.
    placements.accept_step(step, employer, placement.version, today=in_days(2))
    assert placement.phase == Phase.PRAKTIK


def test_a_step_starts_within_a_year(proposal, job, consultant, employer):
    placement = placements.start(proposal, employer, Phase.PAID, in_days(1))
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            placement, employer, StepKind.PAID, paid_terms(job, in_days(366)), None
        )
    assert refused.value.field == "start_on"
    step = placements.propose_step(
        placement, employer, StepKind.PAID, paid_terms(job, in_days(365)), None
    )
    assert step.start_on == in_days(365)


def test_a_step_cannot_start_before_the_current_terms_began(proposal, job, consultant, employer):
    placement = at_trial(proposal, employer, 5, 10)
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            placement, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(4)), None
        )
    assert refused.value.field == "start_on"
    placements.propose_step(
        placement, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(5)), None
    )


# --- Reading phases ---------------------------------------------------------------------------


def _terms(phase: str, **fields: object) -> PlacementTerms:
    return PlacementTerms(phase=phase, effective_from=in_days(0), **fields)


def test_phase_of_a_combination_after_its_praktik_is_paid():
    combined = _terms(
        "combined", unpaid_from=in_days(0), unpaid_to=in_days(10), paid_from=in_days(5)
    )
    assert phase_of(combined, in_days(10)) == Phase.COMBINED
    assert phase_of(combined, in_days(11)) == Phase.PAID
    assert phase_of(None, in_days(11)) == Phase.PENDING
    praktik = _terms("praktik", unpaid_from=in_days(0), unpaid_to=in_days(10))
    assert phase_of(praktik, in_days(11)) == Phase.PRAKTIK

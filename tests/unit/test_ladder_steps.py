"""The trial ladder, step by step: starting a placement, proposing and answering steps,
ending it, and each jobcentre's rules, checked by the domain and backed by the database.

The jobcentre proposes praktik and the company answers it; the company offers paid hours and
the jobcentre confirms them. Only an agreed step becomes a terms version (append-only).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.agreements.rules import praktik_ratio_exceeded, rules_for, update_rules
from marketplace.agreements.terms import (
    first_praktik_day,
    in_force,
    latest_terms,
    phase_of,
    phase_on,
    upcoming,
    versions_of,
)
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    EndReason,
    Job,
    LadderRules,
    Phase,
    Placement,
    PlacementTerms,
    Proposal,
    Purpose,
    Role,
    StepKind,
    StepStatus,
    User,
)
from marketplace.placements import ladder as placements
from marketplace.placements.ladder import StalePlacement, waiting_step
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    accepted_proposal,
    agree_paid,
    agree_praktik,
    at_trial,
    in_days,
    ladder_job,
    new_candidate,
    notices,
    paid_terms,
    praktik_terms,
    rules_data,
    step_count,
    today,
)
from tests.support import assert_refused_by_database

# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def proposal(job: Job, consultant: User, employer: User) -> Proposal:
    return accepted_proposal(job, consultant, employer)


@pytest.fixture
def trial(proposal: Proposal, employer: User) -> Placement:
    return at_trial(proposal, employer)


@pytest.fixture
def in_praktik(trial: Placement, job: Job, consultant: User, employer: User) -> Placement:
    agree_praktik(trial, consultant, employer, praktik_terms(job, in_days(6)))
    return trial


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


# --- Praktik: the jobcentre proposes, the company answers -----------------------------------


def test_praktik_proposed_by_the_consultant_waits_and_tells_the_company(
    trial, job, consultant, employer, make_user
):
    colleague = make_user(employer.organisation)
    seen = trial.version
    step = placements.propose_step(
        trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), seen
    )

    assert step.status == StepStatus.WAITING
    assert step.proposed_by_side == "jobcentre"
    assert step.proposed_by_id == consultant.id
    assert step.end_on == in_days(33)
    assert step.hourly_wage is None
    assert trial.version == seen + 1
    assert waiting_step(trial) == step
    # Only agreement writes terms: the trial is still the only version.
    assert [v.phase for v in versions_of(trial.id)] == ["trial"]
    assert trial.phase == Phase.TRIAL
    assert sorted(notices(trial)) == sorted(
        [(employer.id, "praktik_proposed"), (colleague.id, "praktik_proposed")]
    )


def test_praktik_accepted_by_the_company_becomes_a_new_terms_version(
    trial, job, consultant, employer
):
    terms = praktik_terms(job, in_days(6), days=28, hours="8", special_reason="  ")
    step = placements.propose_step(trial, consultant, StepKind.PRAKTIK, terms, trial.version)
    version = placements.accept_step(step, employer, trial.version)

    assert step.status == StepStatus.ACCEPTED
    assert step.decided_by_id == employer.id
    assert step.decided_at is not None
    assert trial.phase == Phase.PRAKTIK
    assert [(v.number, v.phase) for v in versions_of(trial.id)] == [(1, "trial"), (2, "praktik")]
    assert version.step_id == step.id
    assert version.created_by_id == employer.id
    assert version.effective_from == version.unpaid_from == in_days(6)
    assert version.unpaid_to == in_days(33)
    assert version.unpaid_hours == Decimal(8)
    assert version.unpaid_tasks == ["Fylde hylder", "Tjekke datoer"]
    assert version.purposes == int(Purpose.TOWARDS_HOURS | Purpose.TRAIN_SKILLS)
    assert version.mentor_name == "Ole Mentor"
    assert version.paid_hours is None
    assert first_praktik_day(versions_of(trial.id)) == in_days(6)
    assert notices(trial)[-1] == (consultant.id, "praktik_accepted")


def test_before_the_praktik_starts_the_trial_is_in_force(in_praktik):
    versions = versions_of(in_praktik.id)
    assert phase_on(in_praktik, versions, in_days(5)) == Phase.TRIAL
    assert phase_on(in_praktik, versions, in_days(6)) == Phase.PRAKTIK
    assert in_force(versions, in_days(0)) is None
    # Before the first day, the agreed visit already sets the phase.
    assert phase_on(in_praktik, versions, in_days(0)) == Phase.TRIAL
    assert upcoming(versions, in_days(5)).number == 2
    assert upcoming(versions, in_days(6)) is None


def test_the_company_asks_for_changes_with_a_note(trial, job, consultant, employer):
    step = placements.propose_step(
        trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), trial.version
    )
    with pytest.raises(DomainError) as refused:
        placements.refuse_step(step, employer, "   ", trial.version)
    assert refused.value.field == "note"
    assert step.status == StepStatus.WAITING

    placements.refuse_step(step, employer, " Kun formiddage, tak ", trial.version)

    assert step.status == StepStatus.CHANGES_REQUESTED
    assert step.answer_note == "Kun formiddage, tak"
    assert step.decided_by_id == employer.id
    assert waiting_step(trial) is None
    assert [v.phase for v in versions_of(trial.id)] == ["trial"]
    assert trial.phase == Phase.TRIAL
    assert notices(trial)[-1] == (consultant.id, "praktik_changes_requested")


def test_a_praktik_can_be_proposed_again_after_changes_were_asked(trial, job, consultant, employer):
    step = placements.propose_step(
        trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), trial.version
    )
    placements.refuse_step(step, employer, "Færre timer", trial.version)
    again = placements.propose_step(
        trial,
        consultant,
        StepKind.PRAKTIK,
        praktik_terms(job, in_days(6), hours="4"),
        trial.version,
    )
    assert placements.accept_step(again, employer, trial.version).unpaid_hours == Decimal(4)


def test_a_praktik_needs_an_end_a_purpose_a_mentor_and_a_task(trial, job, consultant):
    for changes, field in (
        ({"end_on": None}, "end_on"),
        ({"purposes": 0}, "purposes"),
        ({"mentor_name": "  "}, "mentor_name"),
        ({"tasks": ("  ",)}, "tasks"),
    ):
        with pytest.raises(DomainError) as refused:
            placements.propose_step(
                trial,
                consultant,
                StepKind.PRAKTIK,
                praktik_terms(job, in_days(6), **changes),
                trial.version,
            )
        assert refused.value.field == field, changes
    assert step_count(trial) == 0


def test_a_step_at_another_companys_workplace_is_refused(
    trial, job, consultant, make_company, make_workplace
):
    elsewhere = make_workplace(make_company("Netto Tarm"))
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            trial,
            consultant,
            StepKind.PRAKTIK,
            praktik_terms(job, in_days(6), workplace_id=elsewhere.id),
            trial.version,
        )
    assert refused.value.field == "workplace"


# --- Paid hours: the company offers, the jobcentre confirms ---------------------------------


def test_paid_hours_offered_by_the_company_and_confirmed_by_the_consultant(
    in_praktik, job, consultant, employer
):
    step = placements.propose_step(
        in_praktik, employer, StepKind.PAID, paid_terms(job, in_days(20)), in_praktik.version
    )
    assert step.proposed_by_side == "company"
    assert notices(in_praktik)[-1] == (consultant.id, "paid_proposed")

    version = placements.accept_step(step, consultant, in_praktik.version)

    assert in_praktik.phase == Phase.PAID
    assert version.number == 3
    assert version.phase == Phase.PAID
    assert version.effective_from == version.paid_from == in_days(20)
    assert version.paid_hours == Decimal(3)
    assert version.hourly_wage == job.hourly_wage
    assert version.paid_tasks == ["Kasse"]
    # Paid hours alone: the praktik ends where they begin.
    assert version.unpaid_from is None
    assert version.unpaid_hours is None
    assert version.purposes == 0
    assert notices(in_praktik)[-1] == (employer.id, "paid_accepted")
    versions = versions_of(in_praktik.id)
    assert phase_on(in_praktik, versions, in_days(19)) == Phase.PRAKTIK
    assert phase_on(in_praktik, versions, in_days(20)) == Phase.PAID


def test_paid_hours_beside_a_continuing_praktik_make_a_combination(
    in_praktik, job, consultant, employer
):
    praktik = latest_terms(in_praktik.id)
    version = agree_paid(
        in_praktik, employer, consultant, paid_terms(job, in_days(20), praktik_continues=True)
    )

    assert in_praktik.phase == Phase.COMBINED
    assert version.phase == Phase.COMBINED
    assert (version.unpaid_from, version.unpaid_to, version.unpaid_hours) == (
        praktik.unpaid_from,
        praktik.unpaid_to,
        praktik.unpaid_hours,
    )
    assert version.purposes == praktik.purposes
    assert version.paid_hours == Decimal(3)
    assert version.total_hours == Decimal(9)
    versions = versions_of(in_praktik.id)
    assert phase_on(in_praktik, versions, in_days(33)) == Phase.COMBINED
    assert phase_on(in_praktik, versions, in_days(34)) == Phase.PAID


def test_paid_hours_can_be_the_first_step(proposal, job, consultant, employer):
    placement = placements.start(proposal, employer, Phase.PAID, in_days(1))
    version = agree_paid(placement, employer, consultant, paid_terms(job, in_days(1)))
    assert (version.number, version.phase, placement.phase) == (1, "paid", "paid")


def test_praktik_beside_agreed_paid_hours_makes_a_combination(proposal, job, consultant, employer):
    placement = placements.start(proposal, employer, Phase.PAID, in_days(1))
    agree_paid(placement, employer, consultant, paid_terms(job, in_days(1), hours="4"))
    version = agree_praktik(placement, consultant, employer, praktik_terms(job, in_days(8)))

    assert placement.phase == Phase.COMBINED
    assert (version.paid_from, version.paid_hours) == (in_days(1), Decimal(4))
    assert (version.unpaid_from, version.unpaid_hours) == (in_days(8), Decimal(6))


def test_paid_hours_once_agreed_are_not_offered_again(in_praktik, job, consultant, employer):
    agree_paid(in_praktik, employer, consultant, paid_terms(job, in_days(20)))
    with pytest.raises(DomainError):
        placements.propose_step(
            in_praktik, employer, StepKind.PAID, paid_terms(job, in_days(25)), in_praktik.version
        )


def test_praktik_continues_only_during_a_praktik_that_runs_until_the_paid_start(
    in_praktik, job, employer
):
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            in_praktik,
            employer,
            StepKind.PAID,
            paid_terms(job, in_days(34), praktik_continues=True),  # the praktik ended on day 33
            in_praktik.version,
        )
    assert refused.value.field == "praktik_continues"


def test_praktik_cannot_continue_beside_paid_hours_during_a_trial(trial, job, employer):
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            trial,
            employer,
            StepKind.PAID,
            paid_terms(job, in_days(3), praktik_continues=True),
            trial.version,
        )
    assert refused.value.field == "praktik_continues"


def test_the_consultant_declines_paid_hours_with_a_note(in_praktik, job, consultant, employer):
    step = placements.propose_step(
        in_praktik, employer, StepKind.PAID, paid_terms(job, in_days(20)), in_praktik.version
    )
    with pytest.raises(DomainError) as refused:
        placements.refuse_step(step, consultant, "", in_praktik.version)
    assert refused.value.field == "note"

    placements.refuse_step(step, consultant, "Personen kan ikke om fredagen", in_praktik.version)

    assert step.status == StepStatus.DECLINED
    assert step.answer_note == "Personen kan ikke om fredagen"
    assert in_praktik.phase == Phase.PRAKTIK
    assert len(versions_of(in_praktik.id)) == 2
    assert notices(in_praktik)[-1] == (employer.id, "paid_declined")


def test_the_wage_is_at_least_the_jobs_agreement_wage(in_praktik, job, employer):
    assert job.agreement_wage == Decimal("135.00")
    for wage in (None, Decimal("134.99"), Decimal(10_000)):
        with pytest.raises(DomainError) as refused:
            placements.propose_step(
                in_praktik,
                employer,
                StepKind.PAID,
                paid_terms(job, in_days(20), hourly_wage=wage),
                in_praktik.version,
            )
        assert refused.value.field == "hourly_wage", wage
    step = placements.propose_step(
        in_praktik,
        employer,
        StepKind.PAID,
        paid_terms(job, in_days(20), hourly_wage=Decimal("135.00")),
        in_praktik.version,
    )
    assert step.hourly_wage == Decimal("135.00")


# --- Who may move -------------------------------------------------------------------------


def test_the_company_cannot_propose_praktik(trial, job, employer):
    with pytest.raises(DomainError):
        placements.propose_step(
            trial, employer, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), trial.version
        )
    assert step_count(trial) == 0


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.ADMIN])
def test_the_jobcentre_cannot_offer_paid_hours(trial, job, consultant, make_user, role):
    user = make_user(consultant.organisation, role)
    with pytest.raises(DomainError):
        placements.propose_step(
            trial, user, StepKind.PAID, paid_terms(job, in_days(3)), trial.version
        )
    assert step_count(trial) == 0


def test_the_proposing_side_cannot_answer_its_own_step(trial, job, consultant, make_user):
    colleague = make_user(consultant.organisation, Role.CONSULTANT)
    step = placements.propose_step(
        trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), trial.version
    )
    for user in (consultant, colleague):
        with pytest.raises(DomainError):
            placements.accept_step(step, user, trial.version)
        with pytest.raises(DomainError):
            placements.refuse_step(step, user, "Nej", trial.version)
    assert step.status == StepStatus.WAITING
    assert len(versions_of(trial.id)) == 1


def test_the_company_cannot_confirm_its_own_offer(trial, job, employer, make_user):
    colleague = make_user(employer.organisation)
    step = placements.propose_step(
        trial, employer, StepKind.PAID, paid_terms(job, in_days(3)), trial.version
    )
    with pytest.raises(DomainError):
        placements.accept_step(step, colleague, trial.version)
    assert step.status == StepStatus.WAITING
    assert trial.phase == Phase.TRIAL


def test_another_organisation_can_neither_propose_nor_answer(
    trial, job, consultant, make_company, make_jobcentre, make_user
):
    stranger_company = make_user(make_company("Netto Tarm"))
    stranger_jobcentre = make_user(make_jobcentre(657), Role.CONSULTANT)
    with pytest.raises(DomainError):
        placements.propose_step(
            trial, stranger_jobcentre, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), None
        )
    step = placements.propose_step(
        trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), trial.version
    )
    with pytest.raises(DomainError):
        placements.accept_step(step, stranger_company, None)
    with pytest.raises(DomainError):
        placements.withdraw_step(step, stranger_jobcentre, None)
    assert step.status == StepStatus.WAITING


def test_the_proposer_withdraws_its_own_step_and_the_other_side_cannot(
    trial, job, consultant, employer, make_user
):
    step = placements.propose_step(
        trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), trial.version
    )
    with pytest.raises(DomainError):
        placements.withdraw_step(step, employer, trial.version)
    assert step.status == StepStatus.WAITING

    colleague = make_user(consultant.organisation, Role.CONSULTANT)
    placements.withdraw_step(step, colleague, trial.version)  # the same side

    assert step.status == StepStatus.WITHDRAWN
    assert step.decided_by_id == colleague.id
    assert waiting_step(trial) is None
    assert notices(trial)[-1] == (employer.id, "step_withdrawn")
    with pytest.raises(StalePlacement):
        placements.accept_step(step, employer, trial.version)


def test_one_step_waits_at_a_time(trial, job, consultant, employer):
    placements.propose_step(
        trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), trial.version
    )
    with pytest.raises(DomainError):
        placements.propose_step(
            trial, employer, StepKind.PAID, paid_terms(job, in_days(6)), trial.version
        )
    with pytest.raises(DomainError):
        placements.propose_step(
            trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(7)), trial.version
        )
    assert step_count(trial) == 1


# --- Stale forms and ended placements ---------------------------------------------------------


def test_a_form_opened_before_the_other_side_acted_is_refused(trial, job, consultant, employer):
    opened = trial.version
    step = placements.propose_step(
        trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), opened
    )
    assert trial.version > opened
    with pytest.raises(StalePlacement):
        placements.accept_step(step, employer, opened)
    with pytest.raises(StalePlacement):
        placements.refuse_step(step, employer, "Nej", opened)
    with pytest.raises(StalePlacement):
        placements.withdraw_step(step, consultant, opened)
    with pytest.raises(StalePlacement):
        placements.end(trial, employer, EndReason.OTHER, "", today(), opened)
    assert step.status == StepStatus.WAITING
    placements.withdraw_step(step, consultant, trial.version)
    with pytest.raises(StalePlacement):
        placements.propose_step(
            trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), opened
        )
    assert step_count(trial) == 1
    assert trial.phase == Phase.TRIAL


def test_an_answered_step_cannot_be_answered_again(trial, job, consultant, employer):
    step = placements.propose_step(
        trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), trial.version
    )
    placements.accept_step(step, employer, trial.version)
    with pytest.raises(StalePlacement):
        placements.accept_step(step, employer, trial.version)
    with pytest.raises(StalePlacement):
        placements.refuse_step(step, employer, "Nej", trial.version)
    assert len(versions_of(trial.id)) == 2


def test_end_with_a_reason_cancels_the_waiting_step(trial, job, consultant, employer):
    step = placements.propose_step(
        trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), trial.version
    )
    reason = EndReason.COMPANY_STOPPED
    placements.end(trial, employer, reason, " For travlt ", in_days(3), None, today=in_days(3))

    assert trial.phase == Phase.ENDED
    assert trial.ended_on == in_days(3)
    assert trial.end_reason == "company_stopped"
    assert trial.end_note == "For travlt"
    assert (trial.ended_by_id, trial.ended_by_side) == (employer.id, "company")
    assert step.status == StepStatus.CANCELLED
    assert step.decided_at is not None
    assert waiting_step(trial) is None
    assert notices(trial)[-1] == (consultant.id, "placement_ended")
    versions = versions_of(trial.id)
    assert phase_on(trial, versions, in_days(3)) == Phase.TRIAL
    assert phase_on(trial, versions, in_days(4)) == Phase.ENDED


def test_a_step_on_an_ended_placement_is_refused(trial, job, consultant, employer):
    placements.end(trial, consultant, EndReason.HIRED_ELSEWHERE, "", today(), trial.version)
    assert trial.ended_by_side == "jobcentre"
    assert notices(trial)[-1] == (employer.id, "placement_ended")
    with pytest.raises(DomainError):
        placements.propose_step(
            trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), trial.version
        )
    with pytest.raises(DomainError):
        placements.propose_step(
            trial, employer, StepKind.PAID, paid_terms(job, in_days(6)), trial.version
        )
    with pytest.raises(DomainError):
        placements.end(trial, employer, EndReason.OTHER, "", today(), trial.version)
    assert step_count(trial) == 0


def test_the_last_day_cannot_be_in_the_future(trial, employer):
    with pytest.raises(DomainError) as refused:
        placements.end(trial, employer, EndReason.COMPLETED, "", in_days(1), trial.version)
    assert refused.value.field == "ended_on"
    assert trial.phase == Phase.TRIAL
    placements.end(
        trial, employer, EndReason.COMPLETED, "", in_days(1), trial.version, today=in_days(1)
    )
    assert trial.phase == Phase.ENDED


def test_the_last_day_cannot_be_before_the_placement_began(trial, employer):
    with pytest.raises(DomainError) as refused:
        placements.end(
            trial, employer, EndReason.COMPLETED, "", in_days(0), trial.version, today=in_days(5)
        )
    assert refused.value.field == "ended_on"
    assert trial.phase == Phase.TRIAL


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


# --- Praktik length -------------------------------------------------------------------------


def test_one_praktik_agreement_covers_at_most_thirteen_weeks(trial, job, consultant, employer):
    assert rules_for(trial.jobcentre_id).praktik_max_weeks == 13
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6), days=92), None
        )
    assert refused.value.field == "end_on"
    version = agree_praktik(trial, consultant, employer, praktik_terms(job, in_days(6), days=91))
    assert version.unpaid_to == in_days(96)


def test_praktik_beyond_twenty_six_weeks_needs_a_special_reason(trial, job, consultant, employer):
    agree_praktik(trial, consultant, employer, praktik_terms(job, in_days(6), days=91))
    # The extension ends 26 weeks and a day after the first praktik day.
    extension = praktik_terms(job, in_days(98), days=91)
    assert (extension.end_on - in_days(6)).days + 1 == 26 * 7 + 1
    with pytest.raises(DomainError) as refused:
        placements.propose_step(trial, consultant, StepKind.PRAKTIK, extension, None)
    assert refused.value.field == "special_reason"
    with pytest.raises(DomainError):
        placements.propose_step(
            trial, consultant, StepKind.PRAKTIK, replace(extension, special_reason="   "), None
        )

    version = agree_praktik(
        trial,
        consultant,
        employer,
        replace(extension, special_reason=" Særligt behov: ny afdeling "),
    )
    assert version.special_reason == "Særligt behov: ny afdeling"
    assert first_praktik_day(versions_of(trial.id)) == in_days(6)


def test_a_praktik_of_exactly_twenty_six_weeks_needs_no_reason(trial, job, consultant, employer):
    agree_praktik(trial, consultant, employer, praktik_terms(job, in_days(6), days=91))
    version = agree_praktik(trial, consultant, employer, praktik_terms(job, in_days(97), days=91))
    assert (version.unpaid_to - in_days(6)).days + 1 == 26 * 7
    assert version.special_reason == ""


# --- Hours ------------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", ["0", "-1", "2.25", "6.3", "37.5", "38"])
def test_hours_are_half_hour_steps_up_to_37(trial, job, consultant, hours):
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6), hours=hours), None
        )
    assert refused.value.field == "hours"
    assert step_count(trial) == 0


@pytest.mark.parametrize("hours", ["0.5", "2.5", "37"])
def test_half_hours_are_allowed(trial, job, consultant, hours):
    step = placements.propose_step(
        trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6), hours=hours), None
    )
    assert step.hours == Decimal(hours)


def test_praktik_and_paid_hours_together_stay_within_37(in_praktik, job, consultant, employer):
    # The praktik has 6 hours: 31.5 paid hours beside it would make 37.5.
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            in_praktik,
            employer,
            StepKind.PAID,
            paid_terms(job, in_days(20), hours="31.5", praktik_continues=True),
            None,
        )
    assert refused.value.field == "hours"
    version = agree_paid(
        in_praktik,
        employer,
        consultant,
        paid_terms(job, in_days(20), hours="31", praktik_continues=True),
    )
    assert version.total_hours == Decimal(37)


def test_an_admins_lower_hours_limit_is_applied(in_praktik, job, consultant, employer, admin):
    update_rules(in_praktik.jobcentre_id, rules_data(max_hours_per_week=Decimal("20")), admin)
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            in_praktik,
            employer,
            StepKind.PAID,
            paid_terms(job, in_days(20), hours="14.5", praktik_continues=True),
            None,
        )
    assert refused.value.field == "hours"
    version = agree_paid(
        in_praktik,
        employer,
        consultant,
        paid_terms(job, in_days(20), hours="14", praktik_continues=True),
    )
    assert version.total_hours == Decimal(20)


def test_the_limit_is_checked_again_when_the_step_is_accepted(
    in_praktik, job, consultant, employer, admin
):
    step = placements.propose_step(
        in_praktik,
        employer,
        StepKind.PAID,
        paid_terms(job, in_days(20), hours="20", praktik_continues=True),
        None,
    )
    update_rules(in_praktik.jobcentre_id, rules_data(max_hours_per_week=Decimal("25")), admin)
    with pytest.raises(DomainError) as refused:
        placements.accept_step(step, consultant, in_praktik.version)
    assert refused.value.field == "hours"
    assert step.status == StepStatus.WAITING
    assert in_praktik.phase == Phase.PRAKTIK


def test_hours_in_the_persons_other_placements_count(
    make_job, make_company, make_user, job, proposal, consultant, employer
):
    other_employer = make_user(make_company("Netto Tarm"))
    other_job = ladder_job(make_job, other_employer, hours_per_week=Decimal(25))
    other = proposals.propose(other_job, proposal.candidate, consultant, "God til kasse")
    proposals.accept(other, other_employer, in_days(1))
    elsewhere = at_trial(other, other_employer)  # 25 hours a week there
    placement = placements.start(proposal, employer, Phase.PRAKTIK, in_days(1))

    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            placement,
            consultant,
            StepKind.PRAKTIK,
            praktik_terms(job, in_days(1), hours="12.5"),
            None,
        )
    assert refused.value.field == "hours"
    step = placements.propose_step(
        placement, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(1), hours="12"), None
    )
    placements.withdraw_step(step, consultant, None)

    # An ended placement no longer counts.
    placements.end(elsewhere, other_employer, EndReason.COMPLETED, "", today(), None)
    version = agree_praktik(
        placement, consultant, employer, praktik_terms(job, in_days(1), hours="30")
    )
    assert version.unpaid_hours == Decimal(30)


def test_other_placements_count_with_the_hours_agreed_for_the_steps_days(
    make_job, make_company, make_user, job, proposal, consultant, employer
):
    """A cut in the other placement's hours, agreed from a later day, frees no hours before
    that day: from day 1 to day 28 the person works 30 hours a week there."""
    other_employer = make_user(make_company("Netto Tarm"))
    other_job = ladder_job(make_job, other_employer)
    other = proposals.propose(other_job, proposal.candidate, consultant, "God til kasse")
    proposals.accept(other, other_employer, in_days(1))
    elsewhere = placements.start(other, other_employer, Phase.PRAKTIK, in_days(1))
    long_days = praktik_terms(other_job, in_days(1), days=56, hours="30")
    agree_praktik(elsewhere, consultant, other_employer, long_days)
    fewer_later = praktik_terms(other_job, in_days(29), days=28, hours="5")
    agree_praktik(elsewhere, consultant, other_employer, fewer_later)
    placement = placements.start(proposal, employer, Phase.PRAKTIK, in_days(1))

    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            placement,
            consultant,
            StepKind.PRAKTIK,
            praktik_terms(job, in_days(1), hours="10"),
            None,
        )  # 30 + 10 hours a week from day 1
    assert refused.value.field == "hours"
    step = placements.propose_step(
        placement, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(29), hours="10"), None
    )  # 5 + 10 from day 29
    assert step.hours == Decimal(10)


def test_a_trial_counts_the_hours_of_other_placements(
    make_job, make_company, make_user, job, proposal, consultant, employer
):
    other_employer = make_user(make_company("Netto Tarm"))
    other_job = ladder_job(make_job, other_employer, hours_per_week=Decimal(32))
    other = proposals.propose(other_job, proposal.candidate, consultant, "God til kasse")
    proposals.accept(other, other_employer, in_days(1))
    at_trial(other, other_employer)
    with pytest.raises(DomainError) as refused:
        at_trial(proposal, employer)  # 6 hours here, 32 there
    assert refused.value.field == "hours"


# --- The rules as data ------------------------------------------------------------------------


def test_defaults_without_a_saved_rule(consultant):
    rules = rules_for(consultant.organisation_id)
    assert (
        rules.trial_max_days,
        rules.praktik_max_weeks,
        rules.praktik_extended_max_weeks,
        rules.max_hours_per_week,
        rules.employees_per_praktik,
    ) == (14, 13, 26, Decimal(37), 5)
    assert db.session.get(LadderRules, consultant.organisation_id) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"trial_max_days": 0}, "trial_max_days"),
        ({"trial_max_days": 29}, "trial_max_days"),
        ({"praktik_max_weeks": 0}, "praktik_max_weeks"),
        ({"praktik_max_weeks": 27, "praktik_extended_max_weeks": 30}, "praktik_max_weeks"),
        ({"praktik_max_weeks": 13, "praktik_extended_max_weeks": 12}, "praktik_extended_max_weeks"),
        ({"praktik_extended_max_weeks": 53}, "praktik_extended_max_weeks"),
        ({"max_hours_per_week": Decimal(0)}, "max_hours_per_week"),
        ({"max_hours_per_week": Decimal("37.5")}, "max_hours_per_week"),
        ({"max_hours_per_week": Decimal("10.25")}, "max_hours_per_week"),
        ({"employees_per_praktik": 0}, "employees_per_praktik"),
        ({"employees_per_praktik": 101}, "employees_per_praktik"),
    ],
)
def test_update_rules_refuses_values_outside_the_rules(admin, changes, field):
    with pytest.raises(DomainError) as refused:
        update_rules(admin.organisation_id, rules_data(**changes), admin)
    assert refused.value.field == field
    assert db.session.get(LadderRules, admin.organisation_id) is None


def test_update_rules_saves_and_changes_them_again(admin):
    saved = update_rules(
        admin.organisation_id,
        rules_data(
            trial_max_days=28,
            praktik_max_weeks=4,
            praktik_extended_max_weeks=52,
            max_hours_per_week=Decimal("0.5"),
            employees_per_praktik=100,
        ),
        admin,
    )
    assert rules_for(admin.organisation_id) is saved
    assert saved.updated_by_id == admin.id
    update_rules(admin.organisation_id, rules_data(trial_max_days=1), admin)
    rules = rules_for(admin.organisation_id)
    assert (rules.trial_max_days, rules.praktik_max_weeks, rules.max_hours_per_week) == (
        1,
        13,
        Decimal(37),
    )
    assert db.session.scalar(select(func.count()).select_from(LadderRules)) == 1


def test_a_shorter_trial_rule_is_applied(proposal, employer, admin):
    update_rules(proposal.jobcentre_id, rules_data(trial_max_days=7), admin)
    with pytest.raises(DomainError) as refused:
        at_trial(proposal, employer, 1, 8)
    assert refused.value.field == "trial_end"


def test_another_jobcentres_rule_does_not_apply(proposal, employer, make_jobcentre, make_user):
    other_admin = make_user(make_jobcentre(657), Role.ADMIN)
    update_rules(other_admin.organisation_id, rules_data(trial_max_days=3), other_admin)
    placement = at_trial(proposal, employer, 1, 14)
    assert placement.phase == Phase.TRIAL


def test_a_shorter_praktik_rule_is_applied(trial, job, consultant, employer, admin):
    update_rules(
        trial.jobcentre_id, rules_data(praktik_max_weeks=4, praktik_extended_max_weeks=6), admin
    )
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6), days=29), None
        )
    assert refused.value.field == "end_on"
    agree_praktik(trial, consultant, employer, praktik_terms(job, in_days(6), days=28))
    with pytest.raises(DomainError) as refused:
        placements.propose_step(
            trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(34), days=15), None
        )  # 43 days in all: beyond 6 weeks
    assert refused.value.field == "special_reason"


def test_praktik_ratio_is_a_warning_by_the_companys_staff(
    make_job, make_company, make_user, consultant, admin
):
    company = make_company("Lille Butik", employee_count=14)  # 14 // 5: two in praktik
    boss = make_user(company)
    job = ladder_job(make_job, boss)
    rules = rules_for(consultant.organisation_id)

    assert not praktik_ratio_exceeded(rules, company, adding=1)
    waiting_for_praktik = accepted_proposal(job, consultant, boss, "Bo Berg")
    pending = placements.start(waiting_for_praktik, boss, Phase.PRAKTIK, in_days(1))
    assert pending.phase == Phase.PENDING  # not in praktik yet
    at_trial(accepted_proposal(job, consultant, boss, "Carl Dam"), boss)
    assert not praktik_ratio_exceeded(rules, company, adding=1)
    second = at_trial(accepted_proposal(job, consultant, boss, "Dorte Eg"), boss)
    assert not praktik_ratio_exceeded(rules, company)
    assert praktik_ratio_exceeded(rules, company, adding=1)

    placements.end(second, boss, EndReason.OTHER, "", today(), None)
    assert not praktik_ratio_exceeded(rules, company, adding=1)

    stricter = update_rules(consultant.organisation_id, rules_data(employees_per_praktik=14), admin)
    assert praktik_ratio_exceeded(stricter, company, adding=1)


def test_a_small_company_may_always_take_one(make_company, consultant):
    company = make_company("Enkeltmand", employee_count=0)
    rules = rules_for(consultant.organisation_id)
    assert not praktik_ratio_exceeded(rules, company, adding=1)
    assert praktik_ratio_exceeded(rules, company, adding=2)


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


# --- The database holds the rules too ---------------------------------------------------------


STEP_INSERT = (
    "INSERT INTO placement_steps (placement_id, kind, status, proposed_by_side, proposed_by_id,"
    " created_at, answer_note, start_on, end_on, hours, weekdays, tasks, purposes,"
    " special_reason, mentor_name, workplace_id, hourly_wage, praktik_continues)"
    " VALUES (:placement, :kind, 'waiting', :side, :user, CURRENT_TIMESTAMP, '', :start, NULL,"
    " 3, 16, '[]', 0, '', '', :workplace, 140, :continues)"
)

TERMS_INSERT = (
    "INSERT INTO placement_terms (placement_id, number, phase, effective_from, created_at,"
    " created_by_id, workplace_id, mentor_name, unpaid_from, unpaid_to, unpaid_hours,"
    " unpaid_weekdays, unpaid_tasks, purposes, special_reason, paid_from, paid_hours,"
    " paid_weekdays, paid_tasks, hourly_wage)"
    " VALUES (:placement, 2, 'combined', :start, CURRENT_TIMESTAMP, :user, :workplace, 'Ole',"
    " :start, :start, 30, 2, '[]', 1, '', :start, {paid}, 16, '[]', 140)"
)


def _accepted_by_database(statement: str, **params: object) -> None:
    """The control: the same statement with good values goes in (and is rolled back)."""
    from sqlalchemy import text

    savepoint = db.session.begin_nested()
    assert db.session.execute(text(statement), params).rowcount == 1
    savepoint.rollback()


def _step_params(placement: Placement, job: Job, user: User, kind: str, side: str) -> dict:
    return {
        "placement": placement.id,
        "kind": kind,
        "side": side,
        "user": user.id,
        "start": in_days(6).isoformat(),
        "workplace": job.workplace_id,
        "continues": False,
    }


def test_the_database_refuses_paid_hours_proposed_by_the_jobcentre(trial, job, consultant):
    _accepted_by_database(STEP_INSERT, **_step_params(trial, job, consultant, "paid", "company"))
    assert_refused_by_database(
        STEP_INSERT, **_step_params(trial, job, consultant, "paid", "jobcentre")
    )
    assert step_count(trial) == 0


def test_the_database_refuses_a_second_waiting_step(trial, job, consultant, employer):
    step = placements.propose_step(
        trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), None
    )
    db.session.flush()
    params = _step_params(trial, job, employer, "paid", "company")
    assert_refused_by_database(STEP_INSERT, **params)
    placements.withdraw_step(step, consultant, None)
    db.session.flush()
    _accepted_by_database(STEP_INSERT, **params)


def test_the_database_refuses_terms_over_37_hours(trial, job, employer):
    params = {
        "placement": trial.id,
        "start": in_days(6).isoformat(),
        "user": employer.id,
        "workplace": job.workplace_id,
    }
    _accepted_by_database(TERMS_INSERT.format(paid=7), **params)
    assert_refused_by_database(TERMS_INSERT.format(paid=8), **params)
    assert len(versions_of(trial.id)) == 1

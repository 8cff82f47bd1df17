"""Whose move it is on the trial ladder (marketplace.placements.ladder): each side proposes
only its own kind of step and never answers its own, another organisation can do neither,
one step waits at a time; a form opened before the other side acted is refused, and ending a
placement cancels its waiting step and stops any further one.
"""

from __future__ import annotations

import pytest

from marketplace.agreements.terms import (
    phase_on,
    versions_of,
)
from marketplace.errors import DomainError
from marketplace.models import (
    EndReason,
    Phase,
    Role,
    StepKind,
    StepStatus,
)
from marketplace.placements import ladder as placements
from marketplace.placements.ladder import StalePlacement, waiting_step
from tests.factories import (
    in_days,
    notices,
    paid_terms,
    praktik_terms,
    step_count,
    today,
)

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

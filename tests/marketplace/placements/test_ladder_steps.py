"""The trial ladder's steps (marketplace.placements.ladder): the jobcentre proposes praktik
and the company answers it; the company offers paid hours and the jobcentre confirms them.
Only an agreed step becomes a terms version (append-only). One praktik agreement covers at
most thirteen weeks, and more than twenty-six need a special reason.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from marketplace.agreements.rules import rules_for
from marketplace.agreements.terms import (
    first_praktik_day,
    in_force,
    latest_terms,
    phase_on,
    upcoming,
    versions_of,
)
from marketplace.errors import DomainError
from marketplace.models import (
    Phase,
    Purpose,
    StepKind,
    StepStatus,
)
from marketplace.placements import ladder as placements
from marketplace.placements.ladder import waiting_step
from tests.factories import (
    agree_paid,
    agree_praktik,
    in_days,
    notices,
    paid_terms,
    praktik_terms,
    step_count,
)

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

"""The limits of the trial ladder (marketplace.placements.ladder, marketplace.agreements.rules):
hours in half-hour steps up to 37 a week across the person's placements, each jobcentre's
rules as data (and the praktik ratio by the company's staff), and the database refusing what
breaks them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.agreements.rules import praktik_ratio_exceeded, rules_for, update_rules
from marketplace.agreements.terms import versions_of
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    EndReason,
    Job,
    LadderRules,
    Phase,
    Placement,
    Role,
    StepKind,
    StepStatus,
    User,
)
from marketplace.placements import ladder as placements
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    accepted_proposal,
    agree_paid,
    agree_praktik,
    at_trial,
    in_days,
    ladder_job,
    paid_terms,
    praktik_terms,
    rules_data,
    step_count,
    today,
)
from tests.support import assert_refused_by_database

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


def test_a_trial_visit_moving_on_to_praktik_is_counted_once(
    make_job, make_company, make_user, consultant
):
    """Two may be in praktik (10 // 5); one is, and a trial visit counts already: proposing
    praktik for that visit keeps the company at two, which is no warning."""
    company = make_company("Lille Butik", employee_count=10)
    boss = make_user(company)
    job = ladder_job(make_job, boss)
    rules = rules_for(consultant.organisation_id)
    in_praktik = at_trial(accepted_proposal(job, consultant, boss, "Bo Berg"), boss)
    agree_praktik(in_praktik, consultant, boss, praktik_terms(job, in_days(6)))
    visit = at_trial(accepted_proposal(job, consultant, boss, "Carl Dam"), boss)
    assert not praktik_ratio_exceeded(rules, company, joining=visit)
    pending = placements.start(
        accepted_proposal(job, consultant, boss, "Dorte Eg"), boss, Phase.PRAKTIK, in_days(1)
    )
    assert praktik_ratio_exceeded(rules, company, joining=pending)  # a third would be one too many


def test_a_small_company_may_always_take_one(make_company, consultant):
    company = make_company("Enkeltmand", employee_count=0)
    rules = rules_for(consultant.organisation_id)
    assert not praktik_ratio_exceeded(rules, company, adding=1)
    assert praktik_ratio_exceeded(rules, company, adding=2)


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

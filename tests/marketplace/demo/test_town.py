"""The demo town shows every feature on the first `make run` (issue 14): several people's
weeks waiting at Vestjysk Emballage for Sofie's Friday, a placement whose person has worked
the planned hours four weeks running (the nudge to ask for more), a proposal whose reminder
is near, a praktik near its end, a flag the company has answered, and a row of each kind on
the stuck list. Read from the database after seeding, with the domain's own rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.agreements.terms import latest_terms_of, versions_of, versions_of_many
from marketplace.clock import local_today, utcnow
from marketplace.extensions import db
from marketplace.figures import stuck
from marketplace.hours import ledger
from marketplace.hours.more_hours import worked_planned
from marketplace.models import (
    Assessment,
    CandidateIdentity,
    Company,
    Jobcentre,
    Phase,
    Placement,
    PlacementStep,
    Proposal,
    ProposalStatus,
    StepStatus,
    WeekFlag,
)
from marketplace.placements.reminders import ENDING_NOTICE_DAYS
from marketplace.proposals.lifecycle import deadlines


@pytest.fixture
def town(app) -> None:
    # --allow-non-sqlite: the suite also runs on PostgreSQL (CI).
    seeded = app.test_cli_runner().invoke(args=["seed-demo", "--allow-non-sqlite"])
    assert seeded.exit_code == 0, seeded.output


def going_on() -> list[Placement]:
    return list(
        db.session.scalars(
            select(Placement).where(Placement.phase.not_in([Phase.ENDED, Phase.PENDING]))
        )
    )


def test_several_people_have_last_week_waiting_at_vestjysk_emballage(town):
    company = db.session.scalar(select(Company).where(Company.name.like("Vestjysk%")))
    last_week = ledger.week_start_of(local_today()) - timedelta(weeks=1)
    waiting = set()
    for placement in going_on():
        if placement.company_id != company.id:
            continue
        plan = ledger.planned(placement, versions_of(placement.id), last_week)
        if plan and ledger.confirmation_of(placement.id, last_week) is None:
            waiting.add(placement.candidate_id)
    assert len(waiting) >= 3


def test_a_placement_qualifies_for_the_nudge_to_ask_for_more_hours(town):
    placements = going_on()
    due = worked_planned(placements, versions_of_many(p.id for p in placements), local_today())
    # The placement page shows the nudge when no step waits there.
    waiting_steps = set(
        db.session.scalars(
            select(PlacementStep.placement_id).where(
                PlacementStep.status == StepStatus.WAITING.value
            )
        )
    )
    assert due - waiting_steps


def test_a_waiting_proposal_is_near_its_reminder(town):
    now = utcnow()
    waiting = db.session.scalars(
        select(Proposal).where(
            Proposal.status == ProposalStatus.WAITING.value, Proposal.reminded_at.is_(None)
        )
    ).all()
    assert any(now < deadlines(p).remind_at <= now + timedelta(days=1) for p in waiting)


def test_a_praktik_ends_within_the_notice_days(town):
    today = local_today()
    latest = latest_terms_of(p.id for p in going_on())
    assert any(
        terms.phase in (Phase.PRAKTIK, Phase.COMBINED)
        and terms.unpaid_to is not None
        and today < terms.unpaid_to <= today + timedelta(days=ENDING_NOTICE_DAYS)
        for terms in latest.values()
    )


def test_a_flag_on_a_week_has_the_companys_answer(town):
    answered = db.session.scalars(select(WeekFlag).where(WeekFlag.answered_at.is_not(None)))
    flag = answered.first()
    assert flag is not None
    assert flag.comment
    assert flag.answer


def test_the_stuck_list_has_a_row_of_each_kind(town):
    """Karin without a solution, Kasper's praktik ending, Bent's praktik weeks unconfirmed,
    Sanne's proposal past its reminder, Amira's trial visit not assessed (marketplace.figures.
    stuck)."""
    jobcentre_id = db.session.scalar(select(Jobcentre.id))
    today = local_today()
    for statement in (
        stuck.without_a_solution(jobcentre_id, today),
        stuck.praktik_ending(jobcentre_id, today),
        stuck.without_confirmed_hours(jobcentre_id, today),
        stuck.unanswered_proposals(jobcentre_id, utcnow()),
        stuck.missing_assessments(jobcentre_id, utcnow()),
    ):
        assert db.session.execute(statement).first() is not None


def test_two_trial_visits_were_assessed_and_one_waits(town):
    """Jens's and Bent's trial visits were assessed (praktik recommended, which followed; Jens
    agrees, Bent does not); Amira's, ended early, waits for Brugsen's answer."""
    rows = db.session.execute(
        select(CandidateIdentity.full_name, Assessment)
        .join(Placement, Placement.id == Assessment.placement_id)
        .join(CandidateIdentity, CandidateIdentity.candidate_id == Placement.candidate_id)
        .order_by(CandidateIdentity.full_name)
    ).all()
    seen = {
        name: (a.kind, a.recommendation, a.person_agrees, a.submitted_at is not None)
        for name, a in rows
    }
    assert seen == {
        "Amira Haddad": ("trial", None, None, False),
        "Bent Madsen": ("trial", "praktik", False, True),
        "Jens Kristiansen": ("trial", "praktik", True, True),
    }
    for _, assessment in rows:  # asked the day after the period, answered before praktik began
        assert assessment.requested_at.date() > assessment.period_to

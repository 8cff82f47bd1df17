"""Requests to change the paid hours a week (marketplace.placements.steps.hours_change,
through the ladder): either side asks from a day and says why, the other side accepts
(optionally with a comment) or declines (always with one). Accepted, the request becomes the
next terms version with only the paid hours and days changed. Here: asking and answering,
what a request may ask for, combined placements, who is told.

From which day a request may start, and how every step keeps out of confirmed weeks, are in
test_steps_hours_change_confirmed_weeks; the prompt to ask for more hours in
tests/marketplace/hours/test_more_hours.py.

The placements have paid hours Tuesday and Thursday (3 + 3) since a Monday three weeks ago
(the shared placement fixture, tests.factories.paid_placement) unless a test needs a longer
history.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.agreements.rules import update_rules
from marketplace.agreements.terms import latest_terms, versions_of
from marketplace.models import (
    Phase,
    Placement,
    Purpose,
    StepKind,
    StepStatus,
)
from marketplace.placements import ladder as placements
from marketplace.placements.ladder import STALE_MESSAGE, StalePlacement
from marketplace.placements.steps import StepTerms
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    DAYS,
    MON_WED_FRI,
    MONDAY,
    NEXT_MONDAY,
    accepted_proposal,
    agree_paid,
    agree_praktik,
    answer,
    ask,
    at_trial,
    hours_requests,
    in_days,
    ladder_job,
    notices,
    paid_terms,
    praktik_terms,
    refused_field,
    rules_data,
    terms_count,
)

# --- Asked, accepted, declined --------------------------------------------------------------


@pytest.mark.parametrize("asking", ["company", "jobcentre"])
def test_a_request_accepted_by_the_other_side_becomes_the_next_terms_version(
    placement, job, consultant, employer, asking
):
    asker, answerer = (employer, consultant) if asking == "company" else (consultant, employer)
    before = latest_terms(placement.id)
    seen = placement.version
    step = ask(placement, asker, NEXT_MONDAY, "10", MON_WED_FRI, "  Travlt i julen  ")

    assert (step.kind, step.status, step.proposed_by_side) == ("hours", "waiting", asking)
    assert (step.proposed_by_id, step.reason) == (asker.id, "Travlt i julen")
    assert (step.start_on, step.hours, step.weekdays) == (NEXT_MONDAY, Decimal(10), MON_WED_FRI)
    assert placement.version == seen + 1
    assert terms_count(placement) == 1  # only an agreement writes terms

    new = answer(step, answerer, note="  Aftalt med borgeren  ")

    assert (step.status, step.decided_by_id, step.answer_note) == (
        "accepted",
        answerer.id,
        "Aftalt med borgeren",
    )
    assert [(v.number, v.phase) for v in versions_of(placement.id)] == [(1, "paid"), (2, "paid")]
    assert (new.step_id, new.created_by_id, new.effective_from) == (
        step.id,
        answerer.id,
        NEXT_MONDAY,
    )
    assert (new.paid_hours, new.paid_weekdays) == (Decimal(10), MON_WED_FRI)
    # All else as agreed before: the paid part began when it began.
    assert new.paid_from == before.paid_from == MONDAY
    assert new.hourly_wage == before.hourly_wage == job.hourly_wage
    assert new.paid_tasks == before.paid_tasks == ["Kasse"]
    assert (new.workplace_id, new.mentor_name) == (before.workplace_id, before.mentor_name)
    assert (new.unpaid_from, new.unpaid_hours, new.purposes) == (None, None, 0)
    assert placement.phase == Phase.PAID
    assert placement.version == seen + 2


def test_a_jobcentre_admin_may_answer_a_request(placement, employer, admin):
    step = ask(placement, employer)
    assert answer(step, admin).paid_hours == Decimal(10)
    assert step.decided_by_id == admin.id


@pytest.mark.parametrize("asking", ["company", "jobcentre"])
def test_declining_needs_a_comment_and_writes_no_terms(placement, consultant, employer, asking):
    asker, answerer = (employer, consultant) if asking == "company" else (consultant, employer)
    step = ask(placement, asker)
    for note in ("", "   "):
        refused_field(
            lambda note=note: placements.refuse_step(step, answerer, note, placement.version),
            "note",
        )
    assert step.status == StepStatus.WAITING

    placements.refuse_step(step, answerer, " Ikke før januar ", placement.version)

    assert (step.status, step.answer_note, step.decided_by_id) == (
        "declined",
        "Ikke før januar",
        answerer.id,
    )
    assert terms_count(placement) == 1
    assert latest_terms(placement.id).paid_hours == Decimal(6)
    assert placements.waiting_step(placement) is None
    # Declined, the hours may be asked for again.
    assert ask(placement, asker, hours_a_week="8").status == StepStatus.WAITING


@pytest.mark.parametrize("asking", ["company", "jobcentre"])
def test_the_asking_side_cannot_answer_its_own_request_but_may_withdraw_it(
    placement, consultant, employer, make_user, asking
):
    asker, answerer = (employer, consultant) if asking == "company" else (consultant, employer)
    same_side = make_user(asker.organisation)  # a colleague on the asking side
    step = ask(placement, asker)
    for user in (asker, same_side):
        refused_field(lambda user=user: answer(step, user), None)
        refused_field(
            lambda user=user: placements.refuse_step(step, user, "Nej", placement.version), None
        )
    refused_field(lambda: placements.withdraw_step(step, answerer, placement.version), None)
    assert step.status == StepStatus.WAITING
    assert terms_count(placement) == 1

    placements.withdraw_step(step, asker, placement.version)
    assert (step.status, step.decided_by_id) == ("withdrawn", asker.id)
    assert terms_count(placement) == 1


def test_another_organisation_can_neither_ask_nor_answer(
    placement, consultant, employer, other_employer, other_consultant
):
    for stranger in (other_employer, other_consultant):
        refused_field(lambda stranger=stranger: ask(placement, stranger), None)
    assert hours_requests(placement) == 0
    for asker, stranger in ((employer, other_consultant), (consultant, other_employer)):
        step = ask(placement, asker)
        refused_field(lambda step=step, stranger=stranger: answer(step, stranger), None)
        refused_field(
            lambda step=step, stranger=stranger: placements.refuse_step(
                step, stranger, "Nej", placement.version
            ),
            None,
        )
        assert step.status == StepStatus.WAITING
        placements.withdraw_step(step, asker, placement.version)
    assert terms_count(placement) == 1


def test_a_request_or_answer_made_on_an_old_version_is_refused_as_stale(
    placement, consultant, employer
):
    with pytest.raises(StalePlacement) as stale:
        ask(placement, employer, seen=placement.version - 1)
    assert stale.value.message == STALE_MESSAGE
    assert hours_requests(placement) == 0

    step = ask(placement, employer)
    seen = placement.version
    with pytest.raises(StalePlacement):
        placements.accept_step(step, consultant, seen - 1)
    with pytest.raises(StalePlacement):
        placements.refuse_step(step, consultant, "Nej", seen - 1)
    assert step.status == StepStatus.WAITING
    assert (terms_count(placement), placement.version) == (1, seen)


def test_only_one_request_waits_at_a_time(placement, consultant, employer):
    ask(placement, employer)
    refused_field(lambda: ask(placement, consultant, hours_a_week="8"), None)
    assert hours_requests(placement) == 1


# --- What a request may ask for ------------------------------------------------------------


def test_no_request_before_paid_hours_are_agreed(job, consultant, employer):
    trial = at_trial(accepted_proposal(job, consultant, employer), employer)
    refused_field(lambda: ask(trial, employer, in_days(3)), None)
    pending = placements.start(
        accepted_proposal(job, consultant, employer, "Bo Berg"), employer, Phase.PAID, in_days(1)
    )
    change = StepTerms(
        start_on=in_days(3),
        hours=Decimal(10),
        weekdays=DAYS,
        tasks=("Kasse",),
        workplace_id=job.workplace_id,
        hourly_wage=job.hourly_wage,
        reason="Mere travlt",
    )
    for user in (employer, consultant):
        refused_field(
            lambda user=user: placements.propose_step(
                pending, user, StepKind.HOURS, change, pending.version
            ),
            None,
        )
    in_praktik = placements.start(
        accepted_proposal(job, consultant, employer, "Carl Dam"),
        employer,
        Phase.PRAKTIK,
        in_days(1),
    )
    agree_praktik(in_praktik, consultant, employer, praktik_terms(job, in_days(1)))
    refused_field(lambda: ask(in_praktik, consultant, in_days(3)), None)
    assert [hours_requests(p) for p in (trial, pending, in_praktik)] == [0, 0, 0]


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_request_needs_a_reason(placement, employer, consultant, reason):
    for user in (employer, consultant):
        refused_field(lambda user=user: ask(placement, user, reason=reason), "reason")
    assert hours_requests(placement) == 0


def test_the_hours_and_days_agreed_now_are_no_change(placement, employer):
    refused_field(lambda: ask(placement, employer, hours_a_week="6", weekdays=DAYS), "hours")
    refused_field(lambda: ask(placement, employer, hours_a_week="6.0", weekdays=DAYS), "hours")
    assert hours_requests(placement) == 0
    # The same hours on other days is a change, and so are other hours on the same days.
    other_days = ask(placement, employer, hours_a_week="6", weekdays=MON_WED_FRI)
    placements.withdraw_step(other_days, employer, placement.version)
    assert ask(placement, employer, hours_a_week="8", weekdays=DAYS).hours == Decimal(8)


@pytest.mark.parametrize("hours_a_week", ["37.5", "0", "2.25", "-1", "0.25", "100"])
def test_hours_outside_half_hours_from_half_an_hour_to_37_are_refused(
    placement, employer, hours_a_week
):
    refused_field(lambda: ask(placement, employer, hours_a_week=hours_a_week), "hours")
    assert hours_requests(placement) == 0


@pytest.mark.parametrize("hours_a_week", ["37", "0.5", "2.5"])
def test_hours_in_half_hours_up_to_37_are_accepted(placement, employer, consultant, hours_a_week):
    assert answer(ask(placement, employer, hours_a_week=hours_a_week), consultant).paid_hours == (
        Decimal(hours_a_week)
    )


def test_the_persons_other_placement_counts_towards_the_limit(
    placement, job, consultant, employer, make_job, make_company, make_user
):
    other_employer = make_user(make_company("Netto Tarm"))
    other_job = ladder_job(make_job, other_employer, hours_per_week=Decimal(30))
    other = proposals.propose(other_job, placement.candidate, consultant, "God til kasse")
    proposals.accept(other, other_employer, in_days(1))
    at_trial(other, other_employer, 1, 14)  # 30 hours a week there

    error = refused_field(lambda: ask(placement, employer, hours_a_week="7.5"), "hours")
    assert "37,5" in str(error.message)  # Danish decimals
    assert hours_requests(placement) == 0
    step = ask(placement, employer, hours_a_week="7")  # 30 + 7: the limit exactly
    assert answer(step, consultant).paid_hours == Decimal(7)


def test_a_lower_limit_of_the_jobcentre_applies(placement, employer, consultant, admin):
    update_rules(placement.jobcentre_id, rules_data(max_hours_per_week=Decimal(10)), admin)
    refused_field(lambda: ask(placement, employer, hours_a_week="10.5"), "hours")
    step = ask(placement, employer, hours_a_week="10")
    update_rules(placement.jobcentre_id, rules_data(max_hours_per_week=Decimal(8)), admin)
    refused_field(lambda: answer(step, consultant), "hours")  # checked again on accepting
    assert step.status == StepStatus.WAITING
    assert terms_count(placement) == 1


# --- Combined placements --------------------------------------------------------------------


@pytest.fixture
def combined(job, consultant, employer) -> Placement:
    """Praktik 6 hours from day 1 to day 28, with 3 paid hours beside it from day 3."""
    placement = placements.start(
        accepted_proposal(job, consultant, employer), employer, Phase.PRAKTIK, in_days(1)
    )
    agree_praktik(placement, consultant, employer, praktik_terms(job, in_days(1), days=28))
    agree_paid(placement, employer, consultant, paid_terms(job, in_days(3), praktik_continues=True))
    assert placement.phase == Phase.COMBINED
    return placement


@pytest.mark.parametrize("start", [10, 28])
def test_a_combined_placement_keeps_its_praktik_while_it_lasts(
    combined, consultant, employer, start
):
    before = latest_terms(combined.id)
    new = answer(ask(combined, consultant, in_days(start), "8", DAYS), employer)
    assert new.phase == Phase.COMBINED
    assert (new.unpaid_from, new.unpaid_to, new.unpaid_hours) == (
        in_days(1),
        in_days(28),
        Decimal(6),
    )
    assert (new.unpaid_weekdays, new.unpaid_tasks, new.purposes) == (
        before.unpaid_weekdays,
        before.unpaid_tasks,
        int(Purpose.TOWARDS_HOURS | Purpose.TRAIN_SKILLS),
    )
    assert (new.paid_from, new.paid_hours) == (in_days(3), Decimal(8))
    assert combined.phase == Phase.COMBINED


def test_a_combined_placement_whose_praktik_ended_by_the_first_day_becomes_paid(
    combined, consultant, employer
):
    new = answer(ask(combined, consultant, in_days(29), "8", DAYS), employer)
    assert new.phase == Phase.PAID
    assert (new.unpaid_from, new.unpaid_to, new.unpaid_hours, new.purposes) == (
        None,
        None,
        None,
        0,
    )
    assert (new.paid_from, new.paid_hours, new.hourly_wage) == (
        in_days(3),
        Decimal(8),
        latest_terms(combined.id).hourly_wage,
    )
    assert combined.phase == Phase.PAID


def test_praktik_beside_the_paid_hours_counts_towards_37_only_while_it_lasts(combined, consultant):
    refused_field(lambda: ask(combined, consultant, in_days(10), "31.5"), "hours")  # 6 + 31.5
    step = ask(combined, consultant, in_days(29), "37")  # the praktik has ended by then
    assert step.hours == Decimal(37)


# --- Who is told ------------------------------------------------------------------------------


def test_the_other_side_is_told_of_a_request_and_of_its_answer(
    placement, consultant, employer, make_user
):
    colleague = make_user(employer.organisation)
    company = {employer.id, colleague.id}
    start = len(notices(placement))

    def since() -> list[tuple[int, str]]:
        return notices(placement)[start:]

    step = ask(placement, employer)
    assert since() == [(consultant.id, "hours_proposed")]
    placements.refuse_step(step, consultant, "Ikke nu", placement.version)
    assert sorted(since()[1:]) == sorted((user, "hours_declined") for user in company)

    start = len(notices(placement))
    step = ask(placement, consultant, hours_a_week="8")
    assert sorted(since()) == sorted((user, "hours_proposed") for user in company)
    answer(step, colleague)
    assert since()[2:] == [(consultant.id, "hours_accepted")]

    start = len(notices(placement))
    step = ask(placement, employer, hours_a_week="9")
    answer(step, consultant)
    assert since()[0] == (consultant.id, "hours_proposed")
    assert sorted(since()[1:]) == sorted((user, "hours_accepted") for user in company)

"""The stuck list's rules (marketplace/figures/stuck.py), from hand-worked cases: a candidate
without a solution (each person's proposals, made the given number of days ago); a praktik
within two weeks of its end or past it; a placement without confirmed hours for two weeks; a
proposal unanswered past its reminder. Each case fails when its rule is taken out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.agreements.rules import update_rules
from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.figures.measures import local_midnight
from marketplace.figures.stuck import (
    PraktikAction,
    praktik_ending,
    praktik_next_steps,
    unanswered_proposals,
    unconfirmed_weeks,
    without_a_solution,
    without_confirmed_hours,
)
from marketplace.models import CandidateStatus, DeclineReason, EndReason, Phase, Role
from marketplace.placements import ladder as placements
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    MONDAY,
    THIS_WEEK,
    accepted_proposal,
    agree_paid,
    agree_praktik,
    confirm,
    in_days,
    ladder_job,
    new_candidate,
    paid_since,
    paid_terms,
    praktik_terms,
    rules_data,
    today,
)

NOON = timedelta(hours=12)


@pytest.fixture
def propose(consultant, employer, make_job):
    """propose(candidate, days_ago, answer): a proposal made `days_ago` days ago at noon to a
    job of its own, then accepted, declined or left waiting."""
    count = iter(range(1000))

    def make(candidate, days_ago: int, answer: str = "waiting"):
        job = ladder_job(make_job, employer, title=f"Job {next(count)}")
        proposal = proposals.propose(job, candidate, consultant, "God til opgaverne.")
        if answer == "accepted":
            proposals.accept(proposal, employer, today())
        elif answer == "declined":
            proposals.decline(proposal, employer, DeclineReason.HOURS_DONT_FIT)
        proposal.created_at = local_midnight(today() - timedelta(days=days_ago)) + NOON
        db.session.flush()
        return proposal

    return make


def stuck(consultant, consultant_id=None) -> list[tuple[int, int]]:
    """(candidate id, proposals in the window) of the jobcentre's candidates without one."""
    rows = db.session.execute(
        without_a_solution(consultant.organisation_id, today(), consultant_id)
    ).all()
    return [(row.candidate_id, row.proposals) for row in rows]


def test_proposed_over_30_days_ago_and_declined_is_without_a_solution(consultant, propose):
    anna = new_candidate(consultant, "Anna")
    propose(anna, 40, "declined")
    assert stuck(consultant) == [(anna.id, 1)]


def test_an_accepted_proposal_in_the_window_is_a_solution(consultant, propose):
    bo = new_candidate(consultant, "Bo")
    propose(bo, 40, "declined")
    propose(bo, 35, "accepted")
    assert stuck(consultant) == []


def test_a_first_proposal_of_30_days_or_less_is_too_recent(consultant, propose):
    carl = new_candidate(consultant, "Carl")
    propose(carl, 29, "declined")
    propose(carl, 2)
    assert stuck(consultant) == []


def test_only_the_last_six_months_count(consultant, propose):
    dorte, erik = new_candidate(consultant, "Dorte"), new_candidate(consultant, "Erik")
    propose(dorte, 200, "declined")  # before the window: not proposed lately
    propose(erik, 250, "accepted")  # an old solution, then nothing for months
    propose(erik, 45, "declined")
    propose(erik, 3)
    assert stuck(consultant) == [(erik.id, 2)]


def test_longest_waiting_first_and_only_active_candidates(consultant, propose):
    frida, gitte, hans = (new_candidate(consultant, n) for n in ("Frida", "Gitte", "Hans"))
    propose(frida, 50, "declined")
    propose(gitte, 90)
    propose(hans, 60, "declined")
    hans.status = CandidateStatus.PAUSED.value
    db.session.flush()
    assert stuck(consultant) == [(gitte.id, 1), (frida.id, 1)]


def test_a_consultant_sees_their_own_and_another_jobcentre_nothing(
    consultant, propose, make_user, make_jobcentre
):
    colleague = make_user(consultant.organisation, Role.CONSULTANT)
    ida = new_candidate(consultant, "Ida")
    propose(ida, 40, "declined")
    assert stuck(consultant, consultant_id=consultant.id) == [(ida.id, 1)]
    assert stuck(consultant, consultant_id=colleague.id) == []
    elsewhere = make_user(make_jobcentre(657), Role.CONSULTANT)
    assert stuck(elsewhere) == []


# --- A praktik within two weeks of its end or past it ----------------------------------------


def praktik(job, consultant, employer, name: str, days: int = 28):
    """A praktik from tomorrow (day 1) to day `days`."""
    proposal = accepted_proposal(job, consultant, employer, name)
    placement = placements.start(proposal, employer, Phase.PRAKTIK, in_days(1))
    agree_praktik(placement, consultant, employer, praktik_terms(job, in_days(1), days=days))
    return placement


def ending(consultant, on_day: int, consultant_id=None) -> list[tuple[int, PraktikAction]]:
    """(placement id, next action) of the praktik ending soon, seen on day `on_day`."""
    day = in_days(on_day)
    jobcentre = consultant.organisation_id
    rows = [r._mapping for r in db.session.execute(praktik_ending(jobcentre, day, consultant_id))]
    states = praktik_next_steps(rows, jobcentre, day)
    return [(row["placement_id"], states[row["placement_id"]].action) for row in rows]


def test_a_praktik_is_listed_from_14_days_before_its_last_day(job, consultant, employer):
    anna = praktik(job, consultant, employer, "Anna", days=28)  # its last day is day 28
    assert ending(consultant, 13) == []  # 15 days before
    assert ending(consultant, 14) == [(anna.id, PraktikAction.EXTEND)]  # exactly 14
    assert ending(consultant, 28) == [(anna.id, PraktikAction.EXTEND)]  # its last day
    assert ending(consultant, 29) == [(anna.id, PraktikAction.PAST)]  # nothing follows


def test_soonest_first_and_an_agreed_next_step_takes_it_off(job, consultant, employer):
    anna = praktik(job, consultant, employer, "Anna", days=28)
    bo = praktik(job, consultant, employer, "Bo", days=21)
    carl = praktik(job, consultant, employer, "Carl", days=20)
    dorte = praktik(job, consultant, employer, "Dorte", days=28)
    assert [p for p, _ in ending(consultant, 14)] == [carl.id, bo.id, anna.id, dorte.id]
    # Carl's praktik is extended, Bo's followed by paid hours: both agreed, neither listed.
    agree_praktik(carl, consultant, employer, praktik_terms(job, in_days(21), days=28))
    agree_paid(bo, employer, consultant, paid_terms(job, in_days(22)))
    assert [p for p, _ in ending(consultant, 14)] == [anna.id, dorte.id]


def test_a_combined_placement_is_listed_until_its_praktik_ends(job, consultant, employer):
    anna = praktik(job, consultant, employer, "Anna", days=28)
    agree_paid(anna, employer, consultant, paid_terms(job, in_days(8), praktik_continues=True))
    assert anna.phase == Phase.COMBINED
    assert ending(consultant, 20) == [(anna.id, PraktikAction.EXTEND)]
    assert ending(consultant, 28) == [(anna.id, PraktikAction.EXTEND)]
    assert ending(consultant, 29) == []  # its paid hours go on alone


def test_the_whole_praktik_at_the_jobcentres_limit(job, consultant, employer, admin):
    # 13 weeks, then 13 more: 26 weeks in all from its first day, the default limit.
    anna = praktik(job, consultant, employer, "Anna", days=91)
    agree_praktik(anna, consultant, employer, praktik_terms(job, in_days(92), days=91))
    bo = praktik(job, consultant, employer, "Bo", days=91)  # a day short of 26 weeks
    agree_praktik(bo, consultant, employer, praktik_terms(job, in_days(92), days=90))
    assert ending(consultant, 170) == [
        (bo.id, PraktikAction.EXTEND),
        (anna.id, PraktikAction.AT_LIMIT),
    ]
    rows = [
        r._mapping for r in db.session.execute(praktik_ending(admin.organisation_id, in_days(170)))
    ]
    state = praktik_next_steps(rows, admin.organisation_id, in_days(170))[anna.id]
    assert (state.first_day, state.weeks, state.limit_weeks) == (in_days(1), 26, 26)
    # The jobcentre's own rule: a limit of 30 weeks leaves room to extend.
    update_rules(admin.organisation_id, rules_data(praktik_extended_max_weeks=30), admin)
    assert ending(consultant, 170)[1] == (anna.id, PraktikAction.EXTEND)
    assert ending(consultant, 183) == [
        (bo.id, PraktikAction.PAST),
        (anna.id, PraktikAction.PAST),
    ]


def test_praktik_ending_per_consultant_jobcentre_and_case(
    job, consultant, employer, make_user, make_jobcentre
):
    colleague = make_user(consultant.organisation, Role.CONSULTANT)
    anna = praktik(job, consultant, employer, "Anna")
    bo = praktik(job, consultant, employer, "Bo")
    carl = praktik(job, consultant, employer, "Carl")
    ended = praktik(job, consultant, employer, "Dorte")
    placements.end(ended, consultant, EndReason.OTHER, "Flyttet.", today(), ended.version)
    bo.candidate.status = CandidateStatus.PAUSED.value  # a pause: the praktik still runs
    carl.candidate.status = CandidateStatus.CLOSED.value  # the case has left
    db.session.flush()
    assert [p for p, _ in ending(consultant, 20)] == [anna.id, bo.id]
    assert [p for p, _ in ending(consultant, 20, consultant.id)] == [anna.id, bo.id]
    assert ending(consultant, 20, colleague.id) == []
    assert ending(make_user(make_jobcentre(657), Role.CONSULTANT), 20) == []


# --- A placement without confirmed hours for two weeks --------------------------------------


def unconfirmed(consultant, consultant_id=None) -> list[int]:
    statement = without_confirmed_hours(consultant.organisation_id, today(), consultant_id)
    return [row.placement_id for row in db.session.execute(statement)]


def test_the_last_two_whole_weeks():
    earlier, later = unconfirmed_weeks(THIS_WEEK + timedelta(days=6))  # a Sunday
    assert (earlier, later) == (THIS_WEEK - timedelta(weeks=2), THIS_WEEK - timedelta(weeks=1))
    assert unconfirmed_weeks(THIS_WEEK) == (earlier, later)  # its Monday


def test_two_whole_weeks_unconfirmed_are_listed(job, consultant, employer):
    anna = paid_since(job, consultant, employer, MONDAY, "Anna")  # three weeks ago
    bo = paid_since(job, consultant, employer, THIS_WEEK - timedelta(weeks=2), "Bo")  # two
    paid_since(job, consultant, employer, THIS_WEEK - timedelta(weeks=1), "Carl")  # one
    assert unconfirmed(consultant) == [anna.id, bo.id]  # never confirmed, oldest first


def test_either_week_confirmed_is_enough(job, consultant, employer):
    anna = paid_since(job, consultant, employer, MONDAY, "Anna")
    bo = paid_since(job, consultant, employer, MONDAY, "Bo")
    carl = paid_since(job, consultant, employer, MONDAY, "Carl")
    confirm(anna, employer, MONDAY)  # three weeks ago: not one of the two
    confirm(bo, employer, THIS_WEEK - timedelta(weeks=2))
    confirm(carl, employer, THIS_WEEK - timedelta(weeks=1))
    dorte = paid_since(job, consultant, employer, MONDAY, "Dorte")
    assert unconfirmed(consultant) == [dorte.id, anna.id]  # never confirmed first
    rows = db.session.execute(without_confirmed_hours(consultant.organisation_id, today()))
    assert [row.last_confirmed for row in rows] == [None, MONDAY]


def test_a_trial_visit_counts_and_an_ended_or_pending_placement_does_not(job, consultant, employer):
    trial_start = THIS_WEEK - timedelta(weeks=2, days=-3)  # a Thursday two weeks ago
    visit = accepted_proposal(job, consultant, employer, "Anna")
    anna = placements.start(
        visit, employer, Phase.TRIAL, trial_start, trial_start + timedelta(days=8), trial_start
    )
    bo = paid_since(job, consultant, employer, MONDAY, "Bo")
    placements.end(bo, consultant, EndReason.OTHER, "Stoppet.", today(), bo.version)
    placements.start(
        accepted_proposal(job, consultant, employer, "Carl"), employer, Phase.PAID, in_days(1)
    )
    assert unconfirmed(consultant) == [anna.id]


def test_a_trial_over_before_the_last_week_is_not_listed(job, consultant, employer):
    trial_start = THIS_WEEK - timedelta(weeks=2)
    visit = accepted_proposal(job, consultant, employer, "Anna")
    placements.start(
        visit, employer, Phase.TRIAL, trial_start, trial_start + timedelta(days=6), trial_start
    )
    assert unconfirmed(consultant) == []


def test_unconfirmed_per_consultant_jobcentre_and_case(
    job, consultant, employer, make_user, make_jobcentre
):
    colleague = make_user(consultant.organisation, Role.CONSULTANT)
    anna = paid_since(job, consultant, employer, MONDAY, "Anna")
    bo = paid_since(job, consultant, employer, MONDAY, "Bo")
    carl = paid_since(job, consultant, employer, MONDAY, "Carl")
    bo.candidate.status = CandidateStatus.PAUSED.value
    carl.candidate.status = CandidateStatus.CLOSED.value
    db.session.flush()
    assert unconfirmed(consultant) == [anna.id, bo.id]
    assert unconfirmed(consultant, consultant.id) == [anna.id, bo.id]
    assert unconfirmed(consultant, colleague.id) == []
    assert unconfirmed(make_user(make_jobcentre(657), Role.CONSULTANT)) == []


# --- A proposal unanswered past its reminder ------------------------------------------------


def unanswered(consultant, consultant_id=None) -> list[int]:
    statement = unanswered_proposals(consultant.organisation_id, utcnow(), consultant_id)
    return [row.proposal_id for row in db.session.execute(statement)]


@pytest.fixture
def proposed(app, consultant, job):
    """proposed(name, age): a candidate proposed to the job `age` ago, waiting."""

    def make(name: str, age: timedelta):
        proposal = proposals.propose(job, new_candidate(consultant, name), consultant, "God.")
        proposal.created_at = utcnow() - age
        db.session.flush()
        return proposal

    return make


def test_a_proposal_past_its_reminder_is_listed(app, consultant, proposed):
    days = timedelta(days=app.config["PROPOSAL_REMIND_DAYS"])
    anna = proposed("Anna", days + timedelta(hours=1))
    bo = proposed("Bo", days + timedelta(minutes=1))  # the reminder was due a minute ago
    proposed("Carl", days - timedelta(minutes=1))  # due in a minute
    reminded = proposed("Dorte", timedelta(hours=2))  # reminded already (a shorter setting)
    reminded.reminded_at = utcnow()
    db.session.flush()
    assert unanswered(consultant) == [anna.id, bo.id, reminded.id]


def test_an_answered_proposal_is_not_listed(app, consultant, employer, proposed):
    old = timedelta(days=app.config["PROPOSAL_REMIND_DAYS"] + 1)
    proposals.decline(proposed("Anna", old), employer, DeclineReason.NO_CAPACITY)
    proposals.accept(proposed("Bo", old), employer, in_days(1))
    proposals.withdraw(proposed("Carl", old))
    assert unanswered(consultant) == []


def test_unanswered_per_consultant_jobcentre_and_case(
    app, consultant, proposed, make_user, make_jobcentre
):
    colleague = make_user(consultant.organisation, Role.CONSULTANT)
    old = timedelta(days=app.config["PROPOSAL_REMIND_DAYS"] + 1)
    anna, bo, carl = (proposed(n, old) for n in ("Anna", "Bo", "Carl"))
    bo.candidate.status = CandidateStatus.PAUSED.value  # still waits for the company
    carl.candidate.status = CandidateStatus.CLOSED.value
    db.session.flush()
    assert unanswered(consultant) == [anna.id, bo.id]
    assert unanswered(consultant, consultant.id) == [anna.id, bo.id]
    assert unanswered(consultant, colleague.id) == []
    assert unanswered(make_user(make_jobcentre(657), Role.CONSULTANT)) == []

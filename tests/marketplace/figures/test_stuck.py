"""The stuck list's rule of a candidate without a solution (marketplace/figures/stuck.py), from
hand-worked cases: each person's proposals, made the given number of days ago."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.extensions import db
from marketplace.figures.measures import local_midnight
from marketplace.figures.stuck import without_a_solution
from marketplace.models import CandidateStatus, DeclineReason, Role
from marketplace.proposals import lifecycle as proposals
from tests.factories import ladder_job, new_candidate, today

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

"""Builds proposals: a new candidate proposed to a job and accepted by the company."""

from __future__ import annotations

from marketplace.models import Job, Proposal, User
from marketplace.proposals import lifecycle as proposals
from tests.factories.caseload import new_candidate
from tests.factories.clock import in_days


def accepted_proposal(
    job: Job, consultant: User, employer: User, name: str = "Anna Jensen"
) -> Proposal:
    """A new candidate proposed to the job and accepted by the company from tomorrow."""
    proposal = proposals.propose(job, new_candidate(consultant, name), consultant, "God til hylder")
    proposals.accept(proposal, employer, in_days(1))
    return proposal

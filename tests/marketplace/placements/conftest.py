"""Fixtures of the trial ladder: an accepted proposal for the shared job, its placement at
a trial visit, and that placement in praktik."""

from __future__ import annotations

import pytest

from marketplace.models import Job, Placement, Proposal, User
from tests.factories import accepted_proposal, agree_praktik, at_trial, in_days, praktik_terms


@pytest.fixture
def proposal(job: Job, consultant: User, employer: User) -> Proposal:
    """Anna Jensen proposed to the shared job and accepted from tomorrow."""
    return accepted_proposal(job, consultant, employer)


@pytest.fixture
def trial(proposal: Proposal, employer: User) -> Placement:
    """The proposal's placement at a trial visit, from day 1 to day 5."""
    return at_trial(proposal, employer)


@pytest.fixture
def in_praktik(trial: Placement, job: Job, consultant: User, employer: User) -> Placement:
    """The trial's placement with a praktik of four weeks agreed from day 6."""
    agree_praktik(trial, consultant, employer, praktik_terms(job, in_days(6)))
    return trial

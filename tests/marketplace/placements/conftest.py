"""Fixtures of the trial ladder: an accepted proposal for the shared job, its placement at
a trial visit, and that placement in praktik; and the access tests' placements (build)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from marketplace.models import Job, Placement, Proposal, User
from tests.factories import accepted_proposal, agree_praktik, at_trial, in_days, praktik_terms
from tests.placement_access import Built, builder


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


@pytest.fixture
def build(app: Flask, consultant: User, employer: User, job: Job) -> Callable[..., Built]:
    """Makes placements of the shared job brought to a state of tests.placement_access (for
    the access tests): at a trial visit, a step waiting or agreed, hours flagged."""
    return builder(app, consultant, employer, job)

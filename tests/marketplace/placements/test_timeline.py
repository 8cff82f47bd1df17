"""The overview of many placements (marketplace.placements.timeline): whose turn each one is."""

from __future__ import annotations

from marketplace.models import EndReason, Placement, Side, User
from marketplace.placements import ladder as placements
from marketplace.placements.timeline import for_company, for_jobcentre
from tests.factories import in_days, today


def row_of(page, placement: Placement):
    [row] = [row for row in page.items if row.placement.id == placement.id]
    return row


def test_after_the_trial_visit_the_praktik_agreement_waits_for_the_jobcentre(
    trial: Placement, consultant: User
):
    rows = for_jobcentre(consultant.organisation_id, in_days(7))
    assert row_of(rows, trial).waits_for == Side.JOBCENTRE


def test_an_ended_placement_waits_for_no_one(trial: Placement, employer: User, consultant: User):
    """Ended after its trial visit, it is history: nobody is asked for the next step."""
    placements.end(trial, employer, EndReason.COMPLETED, "", today(), trial.version)
    for rows in (
        for_jobcentre(consultant.organisation_id, in_days(7)),
        for_company(employer.organisation_id, in_days(7)),
    ):
        assert row_of(rows, trial).waits_for is None

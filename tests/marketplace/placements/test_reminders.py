"""The sweep's reminders about placements: a trial visit or praktik ends soon, a praktik has
gone on for its first period without paid hours, a step waits for an answer. Each goes out
once, however often the sweep runs.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace import tasks
from marketplace.agreements.rules import update_rules
from marketplace.extensions import db
from marketplace.models import (
    Job,
    Notification,
    Phase,
    Placement,
    PlacementStep,
    Proposal,
    StepKind,
    User,
)
from marketplace.placements import ladder as placements
from marketplace.placements.reminders import placement_reminders
from tests.factories import (
    accepted_proposal,
    agree_paid,
    agree_praktik,
    at_trial,
    in_days,
    noon,
    paid_terms,
    praktik_terms,
    rules_data,
)


def received(placement: Placement) -> list[tuple[int, str]]:
    """(recipient, kind) of the reminders about the placement, sorted."""
    rows = db.session.scalars(
        select(Notification).where(
            Notification.subject_type == "placements",
            Notification.subject_id == placement.id,
            Notification.kind.in_(
                ["trial_ending", "praktik_ending", "praktik_long", "step_waiting"]
            ),
        )
    )
    return sorted((row.recipient_id, row.kind) for row in rows)


@pytest.fixture
def praktik_from_tomorrow(
    proposal: Proposal, job: Job, consultant: User, employer: User
) -> Placement:
    """A praktik from day 1 to day 28, begun as praktik (the shared in_praktik begins with a
    trial visit and its praktik on day 6)."""
    placement = placements.start(proposal, employer, Phase.PRAKTIK, in_days(1))
    agree_praktik(placement, consultant, employer, praktik_terms(job, in_days(1), days=28))
    return placement


def test_the_placement_reminders_run_with_the_sweep():
    assert placement_reminders in [work.run for work in tasks.PERIODIC if work.each_sweep]


# --- Ending soon ------------------------------------------------------------------------------


def test_a_trial_ending_within_five_days_tells_both_sides_once(proposal, consultant, employer):
    trial = at_trial(proposal, employer, 1, 10)

    assert placement_reminders(noon(in_days(4))) == 0  # ends in six days
    assert received(trial) == []

    assert placement_reminders(noon(in_days(5))) == 1
    both = sorted([(employer.id, "trial_ending"), (consultant.id, "trial_ending")])
    assert received(trial) == both
    reminder = db.session.scalar(
        select(Notification).where(
            Notification.kind == "trial_ending", Notification.recipient_id == employer.id
        )
    )
    assert reminder.params["day"] == in_days(10).strftime("%d.%m.%Y")

    # The sweep runs again, the same day and the next: nothing more.
    assert placement_reminders(noon(in_days(5))) == 0
    assert placement_reminders(noon(in_days(6))) == 0
    assert received(trial) == both


def test_every_employer_of_the_company_is_told(proposal, consultant, employer, make_user):
    colleague = make_user(employer.organisation)
    trial = at_trial(proposal, employer, 1, 3)
    placement_reminders(noon(in_days(1)))
    assert received(trial) == sorted(
        [
            (employer.id, "trial_ending"),
            (colleague.id, "trial_ending"),
            (consultant.id, "trial_ending"),
        ]
    )


def test_a_trial_with_its_next_step_agreed_gets_no_ending_reminder(
    proposal, job, consultant, employer
):
    trial = at_trial(proposal, employer, 1, 10)
    agree_praktik(trial, consultant, employer, praktik_terms(job, in_days(11)))
    assert placement_reminders(noon(in_days(8))) == 0
    assert received(trial) == []


def test_an_ended_or_pending_placement_gets_no_ending_reminder(employer, consultant, job):
    ended = at_trial(accepted_proposal(job, consultant, employer, "Bo Berg"), employer, 0, 3)
    placements.end(ended, employer, placements.EndReason.OTHER, "", in_days(0), None)
    pending = placements.start(
        accepted_proposal(job, consultant, employer, "Carl Dam"), employer, Phase.PAID, in_days(1)
    )
    assert placement_reminders(noon(in_days(1))) == 0
    assert received(ended) == []
    assert received(pending) == []


def test_a_praktik_ending_within_five_days_tells_both_sides_once(
    praktik_from_tomorrow, consultant, employer
):
    assert placement_reminders(noon(in_days(22))) == 0  # ends on day 28
    assert placement_reminders(noon(in_days(23))) == 1
    assert placement_reminders(noon(in_days(24))) == 0
    assert placement_reminders(noon(in_days(28))) == 0
    assert received(praktik_from_tomorrow) == sorted(
        [(employer.id, "praktik_ending"), (consultant.id, "praktik_ending")]
    )


def test_an_extended_praktik_is_reminded_again_before_its_new_end(
    praktik_from_tomorrow, job, consultant, employer
):
    assert placement_reminders(noon(in_days(25))) == 1
    agree_praktik(
        praktik_from_tomorrow, consultant, employer, praktik_terms(job, in_days(29), days=14)
    )
    assert placement_reminders(noon(in_days(26))) == 0  # the agreed extension follows
    assert placement_reminders(noon(in_days(40))) == 1  # it ends on day 42
    assert received(praktik_from_tomorrow) == sorted(
        [(employer.id, "praktik_ending"), (consultant.id, "praktik_ending")] * 2
    )


def test_a_praktik_followed_by_agreed_paid_hours_gets_no_ending_reminder(
    praktik_from_tomorrow, job, consultant, employer
):
    agree_paid(praktik_from_tomorrow, employer, consultant, paid_terms(job, in_days(29)))
    assert placement_reminders(noon(in_days(25))) == 0
    assert received(praktik_from_tomorrow) == []


# --- A long praktik without paid hours ------------------------------------------------------


def _long_praktik(
    proposal: Proposal, job: Job, consultant: User, employer: User, weeks: int = 13
) -> Placement:
    """A praktik from day 1 for `weeks` weeks, extended by three weeks."""
    placement = placements.start(proposal, employer, Phase.PRAKTIK, in_days(1))
    first = praktik_terms(job, in_days(1), days=weeks * 7)
    agree_praktik(placement, consultant, employer, first)
    extension = praktik_terms(job, in_days(weeks * 7 - 6), days=28)
    agree_praktik(placement, consultant, employer, extension)
    return placement


def test_thirteen_weeks_of_praktik_without_paid_hours_tells_both_sides_once(
    proposal, job, consultant, employer
):
    placement = _long_praktik(proposal, job, consultant, employer)

    assert placement_reminders(noon(in_days(91))) == 0  # day 1 + 13 weeks is day 92
    assert received(placement) == []
    assert placement_reminders(noon(in_days(92))) == 1
    assert placement_reminders(noon(in_days(92))) == 0
    assert placement_reminders(noon(in_days(99))) == 0
    assert received(placement) == sorted(
        [(employer.id, "praktik_long"), (consultant.id, "praktik_long")]
    )
    reminder = db.session.scalar(select(Notification).where(Notification.kind == "praktik_long"))
    assert reminder.params["weeks"] == 13


def test_the_long_praktik_reminder_follows_the_jobcentres_rule(
    proposal, job, consultant, employer, admin
):
    update_rules(
        proposal.jobcentre_id, rules_data(praktik_max_weeks=4, praktik_extended_max_weeks=8), admin
    )
    placement = _long_praktik(proposal, job, consultant, employer, weeks=4)
    assert placement_reminders(noon(in_days(28))) == 0
    assert placement_reminders(noon(in_days(29))) == 1
    assert [kind for _, kind in received(placement)] == ["praktik_long", "praktik_long"]


def test_a_praktik_with_paid_hours_beside_it_gets_no_long_reminder(
    proposal, job, consultant, employer
):
    placement = _long_praktik(proposal, job, consultant, employer)
    agree_paid(
        placement, employer, consultant, paid_terms(job, in_days(88), praktik_continues=True)
    )
    assert placement.phase == Phase.COMBINED
    assert placement_reminders(noon(in_days(92))) == 0
    assert received(placement) == []


def test_a_praktik_that_has_ended_gets_no_long_reminder(proposal, job, consultant, employer):
    placement = placements.start(proposal, employer, Phase.PRAKTIK, in_days(1))
    agree_praktik(placement, consultant, employer, praktik_terms(job, in_days(1), days=91))
    assert placement_reminders(noon(in_days(92))) == 0
    assert received(placement) == []


# --- A step waiting for an answer -------------------------------------------------------------


def test_a_praktik_waiting_over_three_days_reminds_the_company_once(
    proposal, job, consultant, employer
):
    placement = placements.start(proposal, employer, Phase.PRAKTIK, in_days(1))
    step = placements.propose_step(
        placement, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(1)), None
    )

    assert placement_reminders(noon(in_days(2))) == 0
    assert received(placement) == []
    assert step.reminded_at is None

    now = noon(in_days(4))
    assert placement_reminders(now) == 1
    assert received(placement) == [(employer.id, "step_waiting")]
    assert step.reminded_at == now
    assert placement_reminders(noon(in_days(5))) == 0
    assert received(placement) == [(employer.id, "step_waiting")]


def test_paid_hours_waiting_over_three_days_remind_the_consultant(
    proposal, job, consultant, employer
):
    placement = placements.start(proposal, employer, Phase.PAID, in_days(1))
    placements.propose_step(placement, employer, StepKind.PAID, paid_terms(job, in_days(1)), None)
    assert placement_reminders(noon(in_days(4))) == 1
    assert received(placement) == [(consultant.id, "step_waiting")]


def test_an_answered_step_is_not_reminded(proposal, job, consultant, employer):
    placement = placements.start(proposal, employer, Phase.PAID, in_days(1))
    step = placements.propose_step(
        placement, employer, StepKind.PAID, paid_terms(job, in_days(1)), None
    )
    placements.withdraw_step(step, employer, None)
    assert placement_reminders(noon(in_days(4))) == 0
    assert received(placement) == []
    assert db.session.get(PlacementStep, step.id).reminded_at is None


# --- The sweep as a whole -----------------------------------------------------------------------


def test_a_reminder_already_sent_does_not_stop_the_others(job, consultant, employer):
    """The sweep runs every reminder in turn; one already sent is skipped, not an error that
    loses the reminders after it."""
    trial = at_trial(accepted_proposal(job, consultant, employer, "Bo Berg"), employer, 1, 9)
    assert tasks.run_each_sweep(noon(in_days(4))) >= 1
    assert received(trial) == sorted(
        [(employer.id, "trial_ending"), (consultant.id, "trial_ending")]
    )

    other = placements.start(
        accepted_proposal(job, consultant, employer, "Carl Dam"),
        employer,
        Phase.PRAKTIK,
        in_days(1),
    )
    placements.propose_step(
        other, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(1)), None
    )
    db.session.commit()  # as the route does
    tasks.run_each_sweep(noon(in_days(5)))  # the trial's reminder was sent; the step now waits

    assert received(other) == [(employer.id, "step_waiting")]
    assert len(received(trial)) == 2

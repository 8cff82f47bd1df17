"""Where each candidate of the caseload stands on the ladder (caseload.candidates.
ladder_positions): the phase of the day, as the placement page shows it, and the weekly hours
agreed in force for praktik and paid hours, for any number of candidates in one query."""

from __future__ import annotations

from decimal import Decimal

from marketplace.caseload.candidates import LadderPosition, ladder_positions
from marketplace.models import EndReason, Phase
from marketplace.placements import ladder as placements
from tests.factories import (
    agree_paid,
    agree_praktik,
    in_days,
    new_candidate,
    paid_terms,
    praktik_terms,
    today,
)


def test_a_candidate_without_placements_has_no_position(consultant):
    person = new_candidate(consultant)
    assert ladder_positions([person.id], today()) == {}


def test_paid_hours_in_force_give_the_paid_phase_and_its_hours(placement):
    assert ladder_positions([placement.candidate_id], today()) == {
        placement.candidate_id: LadderPosition(Phase.PAID.value, Decimal(6))
    }


def test_a_trial_visit_has_its_phase_and_no_weekly_hours(place):
    trial = place()  # from tomorrow: agreed terms not begun yet already set the phase
    assert ladder_positions([trial.candidate_id], today()) == {
        trial.candidate_id: LadderPosition(Phase.TRIAL.value, None)
    }


def test_the_phase_follows_the_day_praktik_then_combined_then_paid(
    place, job, consultant, employer
):
    climbing = place(first=Phase.PRAKTIK)
    person = climbing.candidate_id
    assert ladder_positions([person], today())[person] == LadderPosition("pending", None)
    agree_praktik(climbing, consultant, employer, praktik_terms(job, in_days(1), days=28))
    agree_paid(
        climbing,
        employer,
        consultant,
        paid_terms(job, in_days(15), hours="3", praktik_continues=True),
    )
    # Before the paid hours begin, praktik alone is in force: 6 hours.
    assert ladder_positions([person], in_days(10))[person] == LadderPosition("praktik", Decimal(6))
    # Side by side: both counted.
    assert ladder_positions([person], in_days(20))[person] == LadderPosition("combined", Decimal(9))
    # The praktik period is over: the paid hours go on alone.
    assert ladder_positions([person], in_days(40))[person] == LadderPosition("paid", Decimal(3))


def test_an_ended_placement_reads_ended_and_the_furthest_placement_wins(
    place, job, make_job, employer, consultant
):
    ended = place(start=0)
    placements.end(
        ended, employer, EndReason.CANDIDATE_STOPPED, "", today(), ended.version, today=today()
    )
    person = ended.candidate
    tomorrow = in_days(1)
    assert ladder_positions([person.id], tomorrow) == {person.id: LadderPosition("ended", None)}
    # The same person later in praktik at another job and in paid hours at a third: the
    # furthest phase is where they stand, and the weekly hours of both add up.
    packing = make_job(employer.organisation, employer, title="Pakning", offers_praktik=True)
    praktik = place(person, first=Phase.PRAKTIK, of_job=packing)
    agree_praktik(praktik, consultant, employer, praktik_terms(packing, in_days(2), hours="5"))
    till = make_job(employer.organisation, employer, title="Kasse", offers_paid_direct=True)
    paid_hours = place(person, first=Phase.PAID, of_job=till)
    agree_paid(paid_hours, employer, consultant, paid_terms(till, in_days(2), hours="4"))
    other = new_candidate(consultant, "Bo Berg")
    assert ladder_positions([person.id, other.id], in_days(5)) == {
        person.id: LadderPosition("paid", Decimal(9))
    }

"""The companies' assessments in the leader's figures (marketplace/figures/assessments.py)
and the stuck list's fifth rule (figures.stuck.missing_assessments), from hand-worked towns.
Each case fails when its rule is taken out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.clock import local_midnight, utcnow
from marketplace.extensions import db
from marketplace.figures.assessments import REMIND_AFTER_DAYS, assessment_figures
from marketplace.figures.stuck import missing_assessments, missing_assessments_count
from marketplace.models import CandidateStatus, Role
from marketplace.models.assessments import (
    AssessmentKind,
    EarlyReason,
    EndedBy,
    Held,
    Recommendation,
)
from tests.factories import answer_with, asked, placement_of, today

TRIAL = AssessmentKind.TRIAL
FIRST = today() - timedelta(days=364)  # the period counted: the last 365 days
LAST = today()


@pytest.fixture
def colleague(consultant, make_user):
    return make_user(consultant.organisation, Role.CONSULTANT)


@pytest.fixture
def town(job, consultant, colleague, employer, make_user, make_jobcentre):
    """The consultant's four periods answered in the period and one still missing, the
    colleague's two answered; and what must be left out: answered before the period, asked
    before it and never answered, another jobcentre's."""
    a = asked(job, consultant, employer, "Anna")
    answer_with(a, employer)  # as planned, paid hours
    b = asked(job, consultant, employer, "Bo")
    answer_with(
        b, employer, Held.PARTLY, EndedBy.PERSON, EarlyReason.PERSON_CHOSE, Recommendation.PRAKTIK
    )
    d = asked(job, consultant, employer, "Dorte", TRIAL)
    answer_with(
        d, employer, Held.NEVER, EndedBy.PERSON, EarlyReason.DID_NOT_COME, Recommendation.NOT_NOW
    )
    e = asked(job, colleague, employer, "Erik")
    answer_with(
        e, employer, Held.PARTLY, EndedBy.COMPANY, EarlyReason.NO_CAPACITY, Recommendation.PAID
    )
    i = asked(job, colleague, employer, "Ida", TRIAL)
    answer_with(
        i, employer, Held.PARTLY, EndedBy.PERSON, EarlyReason.PERSON_CHOSE, Recommendation.NOT_NOW
    )
    asked(job, consultant, employer, "Frida")  # missing
    long_ago = local_midnight(FIRST) - timedelta(microseconds=1)
    g = asked(job, consultant, employer, "Gitte", at=long_ago - timedelta(days=2))
    answer_with(g, employer, Held.NEVER, EndedBy.COMPANY, EarlyReason.OTHER, at=long_ago)
    asked(job, consultant, employer, "Hans", at=long_ago)  # asked before the period
    elsewhere = make_user(make_jobcentre(657), Role.CONSULTANT)
    x = asked(job, elsewhere, employer, "Xenia")
    answer_with(x, employer, Held.NEVER, EndedBy.JOBCENTRE, EarlyReason.OTHER)
    asked(job, elsewhere, employer, "Yrsa")
    db.session.flush()
    return {"e": e, "elsewhere": elsewhere.organisation_id}


def test_the_jobcentres_assessments_counted_by_each_choice(consultant, town):
    found = assessment_figures(consultant.organisation_id, FIRST, LAST)
    assert found.answered == 5
    assert found.held == [("as_planned", 1), ("partly", 3), ("never", 1)]
    assert found.ended_early == 4
    assert found.ended_by == [("company", 1), ("person", 3), ("jobcentre", 0)]
    # Most first; a tie in the list's order; no zeros.
    assert found.reasons == [("person_chose", 2), ("did_not_come", 1), ("no_capacity", 1)]
    assert found.recommendations == [("praktik", 1), ("paid", 2), ("not_now", 2)]
    assert found.missing == 1


def test_a_consultants_figures_are_the_candidates_they_hold_now(consultant, colleague, town):
    mine = assessment_figures(consultant.organisation_id, FIRST, LAST, consultant.id)
    assert mine.answered == 3
    assert mine.held == [("as_planned", 1), ("partly", 1), ("never", 1)]
    assert mine.ended_by == [("company", 0), ("person", 2), ("jobcentre", 0)]
    assert mine.reasons == [("did_not_come", 1), ("person_chose", 1)]
    assert mine.recommendations == [("praktik", 1), ("paid", 1), ("not_now", 1)]
    assert mine.missing == 1
    theirs = assessment_figures(consultant.organisation_id, FIRST, LAST, colleague.id)
    assert (theirs.answered, theirs.missing) == (2, 0)
    # Erik is handed over: his assessment goes with him.
    placement_of(town["e"]).candidate.consultant_id = consultant.id
    db.session.flush()
    mine = assessment_figures(consultant.organisation_id, FIRST, LAST, consultant.id)
    assert mine.answered == 4
    assert ("no_capacity", 1) in mine.reasons


def test_another_jobcentre_counts_only_its_own(town):
    found = assessment_figures(town["elsewhere"], FIRST, LAST)
    assert found.answered == 1
    assert found.ended_by == [("company", 0), ("person", 0), ("jobcentre", 1)]
    assert found.missing == 1


def test_the_periods_bounds_are_danish_midnights(job, consultant, employer):
    first = asked(job, consultant, employer, "Første")
    answer_with(first, employer, at=local_midnight(FIRST))
    outside = asked(job, consultant, employer, "Udenfor")
    answer_with(outside, employer, at=local_midnight(LAST + timedelta(days=1)))
    found = assessment_figures(consultant.organisation_id, FIRST, LAST)
    assert found.answered == 1
    assert found.missing == 0  # answered after the period: not missing either


def test_one_statement_whatever_the_number(job, consultant, employer, count_queries):
    answer_with(asked(job, consultant, employer, "En"), employer)
    with count_queries() as few:
        assessment_figures(consultant.organisation_id, FIRST, LAST, consultant.id)
    for n in range(4):
        answer_with(
            asked(job, consultant, employer, f"Flere {n}"),
            employer,
            Held.PARTLY,
            EndedBy.COMPANY,
            EarlyReason.TASKS_DID_NOT_FIT,
        )
    with count_queries() as many:
        found = assessment_figures(consultant.organisation_id, FIRST, LAST, consultant.id)
    assert found.answered == 5
    assert many.count == few.count == 1


# The stuck list's fifth rule: asked more than REMIND_AFTER_DAYS days ago, or reminded, and
# not answered.


def missing(consultant, consultant_id=None) -> list[int]:
    rows = db.session.execute(
        missing_assessments(consultant.organisation_id, utcnow(), consultant_id)
    ).all()
    return [row.assessment_id for row in rows]


def test_missing_past_the_first_reminder(job, consultant, employer):
    now = utcnow()
    due = timedelta(days=REMIND_AFTER_DAYS)
    over = asked(job, consultant, employer, "Over", at=now - due - timedelta(minutes=1))
    oldest = asked(job, consultant, employer, "Ældst", at=now - due - timedelta(days=5))
    under = asked(job, consultant, employer, "Under", at=now - due + timedelta(minutes=1))
    reminded = asked(job, consultant, employer, "Påmindet", at=now - due + timedelta(minutes=1))
    reminded.reminders_sent = 1
    answered = asked(job, consultant, employer, "Svaret", at=now - due - timedelta(days=1))
    answer_with(answered, employer)
    db.session.flush()
    assert missing(consultant) == [oldest.id, over.id, reminded.id]  # oldest asked first
    assert under.id not in missing(consultant)
    count = missing_assessments_count(consultant.organisation_id, utcnow())
    assert db.session.scalar(count) == 3


def test_missing_leaves_out_closed_candidates_and_keeps_paused_ones(
    job, consultant, colleague, employer, make_user, make_jobcentre
):
    at = utcnow() - timedelta(days=REMIND_AFTER_DAYS + 1)
    paused = asked(job, consultant, employer, "Pause", at=at)
    placement_of(paused).candidate.status = CandidateStatus.PAUSED.value
    closed = asked(job, consultant, employer, "Lukket", at=at)
    placement_of(closed).candidate.status = CandidateStatus.CLOSED.value
    theirs = asked(job, colleague, employer, "Kollega", at=at)
    elsewhere = make_user(make_jobcentre(657), Role.CONSULTANT)
    asked(job, elsewhere, employer, "Andetsteds", at=at)
    db.session.flush()
    assert missing(consultant) == [paused.id, theirs.id]
    assert missing(consultant, consultant.id) == [paused.id]
    assert missing(consultant, colleague.id) == [theirs.id]
    count = missing_assessments_count(consultant.organisation_id, utcnow(), consultant.id)
    assert db.session.scalar(count) == 1

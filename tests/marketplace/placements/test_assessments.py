"""The company's assessment of a praktik (marketplace/placements/assessments.py): the rules an
answer keeps, each refused beside its field with nothing saved, and the database's CHECKs
behind them for any other writer."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    Assessment,
    AssessmentKind,
    EarlyReason,
    EndedBy,
    Held,
    Phase,
    Recommendation,
    Scale,
    Skill,
)
from marketplace.models.retention import ERASED
from marketplace.placements.assessments import AssessmentData, period_tasks, record_reading, submit
from tests.factories import assessment_for, climb, today

TASKS = ("Fylde hylder", "Tjekke datoer")


@pytest.fixture
def praktik(job, consultant, employer):
    """A praktik that ended (the ladder's praktik weeks, in the past), and its request."""
    placement = climb(
        job, consultant, employer, "Pia Praktik", to="praktik", first_step=Phase.PRAKTIK
    )
    return assessment_for(placement, AssessmentKind.PRAKTIK)


def good(**changes) -> AssessmentData:
    answer = AssessmentData(
        held=Held.AS_PLANNED,
        tasks={task: Skill.ALONE for task in TASKS},
        punctuality=Scale.GOOD,
        cooperation=Scale.GOOD,
        pace=Scale.PARTLY,
        recommendation=Recommendation.PAID,
        recommended_hours=Decimal("6"),
        to_jobcentre="Mødte til tiden og lærte hurtigt.",
        to_person="Spørg, når du er i tvivl; du gør det godt.",
    )
    return replace(answer, **changes)


def test_the_periods_tasks_are_those_of_its_terms(praktik):
    assert period_tasks(praktik) == list(TASKS)


def test_a_whole_answer_is_saved_once(praktik, employer):
    submit(praktik, employer, good(), today())
    db.session.expire_all()
    saved = db.session.get(Assessment, praktik.id)
    assert saved.submitted_at is not None
    assert saved.submitted_by_id == employer.id
    assert saved.held == "as_planned"
    assert saved.tasks == [[task, "alone"] for task in TASKS]
    assert (saved.recommendation, saved.recommended_hours) == ("paid", Decimal("6"))
    assert saved.recommended_weeks is None
    with pytest.raises(DomainError, match="allerede sendt"):
        submit(saved, employer, good(), today())


def test_another_company_cannot_answer(praktik, make_company, make_user):
    stranger = make_user(make_company(name="Netto Tarm"))
    with pytest.raises(DomainError, match="anden organisation"):
        submit(praktik, stranger, good(), today())
    assert praktik.submitted_at is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        # Held partly: the last day present within the period, the days missed 1..its days.
        ({"held": Held.PARTLY}, "last_day_present"),
        ({"held": Held.PARTLY, "last_day_present": "before", "days_missed": 2}, "last_day_present"),
        ({"held": Held.PARTLY, "last_day_present": "after", "days_missed": 2}, "last_day_present"),
        ({"held": Held.PARTLY, "last_day_present": "first", "days_missed": 0}, "days_missed"),
        ({"held": Held.PARTLY, "last_day_present": "first", "days_missed": 999}, "days_missed"),
        # Ended early: who and why, and "other" in words.
        (
            {"held": Held.PARTLY, "last_day_present": "first", "days_missed": 2},
            "ended_by",
        ),
        (
            {
                "held": Held.PARTLY,
                "last_day_present": "first",
                "days_missed": 2,
                "ended_by": EndedBy.PERSON,
            },
            "early_reason",
        ),
        (
            {
                "held": Held.PARTLY,
                "last_day_present": "first",
                "days_missed": 2,
                "ended_by": EndedBy.COMPANY,
                "early_reason": EarlyReason.OTHER,
                "early_note": "  ",
            },
            "early_note",
        ),
        # Each task of the period, no other.
        ({"tasks": {"Fylde hylder": Skill.ALONE}}, "tasks"),
        ({"tasks": {**{t: Skill.ALONE for t in TASKS}, "Kasse": Skill.ALONE}}, "tasks"),
        # Never came: nothing tried, nothing seen.
        (
            {
                "held": Held.NEVER,
                "ended_by": EndedBy.PERSON,
                "early_reason": EarlyReason.DID_NOT_COME,
            },
            "tasks",
        ),
        (
            {
                "held": Held.NEVER,
                "ended_by": EndedBy.PERSON,
                "early_reason": EarlyReason.DID_NOT_COME,
                "tasks": {t: Skill.NOT_TRIED for t in TASKS},
            },
            "punctuality",
        ),
        # The recommendation's figures.
        (
            {"recommendation": Recommendation.PRAKTIK, "recommended_weeks": None},
            "recommended_weeks",
        ),
        ({"recommendation": Recommendation.PRAKTIK, "recommended_weeks": 14}, "recommended_weeks"),
        (
            {
                "recommendation": Recommendation.PRAKTIK,
                "recommended_weeks": 4,
                "recommended_hours": None,
            },
            "recommended_hours",
        ),
        ({"recommended_hours": Decimal("0")}, "recommended_hours"),
        ({"recommended_hours": Decimal("37.5")}, "recommended_hours"),
        ({"recommended_hours": Decimal("2.3")}, "recommended_hours"),
        (
            {"recommendation": Recommendation.NOT_NOW, "recommended_hours": None},
            "recommendation_reason",
        ),
        # Texts about a person: no health, no CPR number, not too long.
        ({"to_person": "Husk din insulin"}, "to_person"),
        ({"to_jobcentre": "Han drikker for meget, alkoholmisbrug"}, "to_jobcentre"),
        ({"to_jobcentre": "CPR 010203-1234"}, "to_jobcentre"),
        ({"to_person": "x" * 1001}, "to_person"),
    ],
)
def test_a_wrong_answer_is_refused_beside_its_field_and_nothing_is_saved(
    praktik, employer, changes, field
):
    days = {
        "first": praktik.period_from,
        "before": praktik.period_from - timedelta(days=1),
        "after": praktik.period_to + timedelta(days=1),
    }
    if isinstance(changes.get("last_day_present"), str):
        changes = {**changes, "last_day_present": days[changes["last_day_present"]]}
    with pytest.raises(DomainError) as refused:
        submit(praktik, employer, good(**changes), today())
    assert refused.value.field == field
    db.session.expire_all()
    kept = db.session.get(Assessment, praktik.id)
    assert (kept.submitted_at, kept.held, kept.tasks) == (None, None, [])


def test_a_period_held_partly_and_ended_early_is_saved_with_its_facts(praktik, employer):
    answer = good(
        held=Held.PARTLY,
        last_day_present=praktik.period_from + timedelta(days=3),
        days_missed=2,
        ended_by=EndedBy.PERSON,
        early_reason=EarlyReason.PERSON_CHOSE,
        recommendation=Recommendation.PRAKTIK,
        recommended_weeks=4,
        recommended_hours=Decimal("7.5"),
    )
    submit(praktik, employer, answer, today())
    assert (praktik.days_missed, praktik.ended_by, praktik.early_reason) == (
        2,
        "person",
        "person_chose",
    )
    assert (praktik.recommended_weeks, praktik.recommended_hours) == (4, Decimal("7.5"))


def test_the_database_refuses_a_half_answer_from_any_writer(praktik):
    praktik.held = "partly"  # without its last day and days missed, and not submitted
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.flush()


answers = st.builds(
    AssessmentData,
    held=st.sampled_from(Held),
    tasks=st.dictionaries(st.sampled_from([*TASKS, "Kasse"]), st.sampled_from(Skill), max_size=3),
    punctuality=st.sampled_from(Scale),
    cooperation=st.sampled_from(Scale),
    pace=st.sampled_from(Scale),
    recommendation=st.sampled_from(Recommendation),
    last_day_present=st.none() | st.dates(),
    days_missed=st.none() | st.integers(-1, 60),
    ended_by=st.none() | st.sampled_from(EndedBy),
    early_reason=st.none() | st.sampled_from(EarlyReason),
    early_note=st.sampled_from(["", "Flyttede", "  "]),
    recommended_weeks=st.none() | st.integers(0, 20),
    recommended_hours=st.none()
    | st.decimals("0", "40", places=1, allow_nan=False, allow_infinity=False),
    recommendation_reason=st.sampled_from(["", "Ikke endnu", "  "]),
)


def test_any_answer_is_refused_with_a_field_or_saved_as_the_database_allows(praktik, employer):
    """Whatever combination is sent: a refusal naming its field and nothing saved, or a whole
    answer that passes every CHECK of the table."""

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(answer=answers)
    def run(answer):
        example = db.session.begin_nested()
        try:
            refusal: DomainError | None = None
            try:
                submit(praktik, employer, answer, today())
            except DomainError as error:
                refusal = error
            if refusal is not None:
                assert refusal.field, answer
                assert praktik.submitted_at is None
                return
            db.session.flush()  # the CHECKs hold
            assert praktik.submitted_at is not None
            assert {task for task, _skill in praktik.tasks} == set(TASKS)
        finally:
            example.rollback()
            db.session.expire_all()

    run()


def test_the_placements_erasure_takes_what_the_company_wrote(praktik, employer, consultant):
    from marketplace.privacy import retention

    submit(praktik, employer, good(early_note="", recommendation_reason="Godt"), today())
    record_reading(praktik, consultant, False, "Hun synes, tempoet var fint.")
    placement_candidate = praktik_candidate(praktik)
    retention._placements([placement_candidate])
    db.session.expire_all()
    erased = db.session.get(Assessment, praktik.id)
    assert (erased.to_jobcentre, erased.to_person, erased.recommendation_reason) == ("", "", "")
    assert erased.tasks == []
    assert erased.person_comment == ERASED  # a disagreement keeps its dash (the CHECK)
    # The choices stay.
    assert (erased.held, erased.recommendation, erased.person_agrees) == (
        "as_planned",
        "paid",
        False,
    )


def praktik_candidate(assessment):
    from marketplace.models import Placement

    return db.session.get(Placement, assessment.placement_id).candidate_id

"""A week flag is asked once: the same question sent twice is one flag and one notice per
employer; a different question waits for the answer; the database holds one open flag per
placement and week for any writer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.hours import flags as hour_flags
from marketplace.models import Notification, WeekFlag
from tests.factories import MONDAY, ladder_job, paid_placement
from tests.support import assert_refused_by_database

QUESTION = "Var hun der torsdag?"


def flags() -> list[WeekFlag]:
    return list(db.session.scalars(select(WeekFlag).order_by(WeekFlag.id)))


def notices(user) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.recipient_id == user.id, Notification.kind == "week_flagged"
        )
    )


def test_the_same_question_twice_is_one_flag_and_one_notice(placement, consultant, employer):
    first = hour_flags.flag_week(placement, consultant, MONDAY, QUESTION)
    again = hour_flags.flag_week(placement, consultant, MONDAY, f"  {QUESTION} ")
    assert again.id == first.id
    assert len(flags()) == 1
    assert notices(employer) == 1


def test_a_different_question_while_one_is_open_is_refused_with_a_message(
    placement, consultant, employer
):
    hour_flags.flag_week(placement, consultant, MONDAY, QUESTION)
    with pytest.raises(DomainError) as refused:
        hour_flags.flag_week(placement, consultant, MONDAY, "Og fredag?")
    assert refused.value.field == "comment"
    with force_locale("da"):
        assert "Vent" in str(refused.value.message)  # translated
    assert [f.comment for f in flags()] == [QUESTION]
    assert notices(employer) == 1


def test_once_answered_the_week_can_be_asked_about_again(placement, consultant, employer):
    flag = hour_flags.flag_week(placement, consultant, MONDAY, QUESTION)
    hour_flags.answer_flag(placement, flag, employer, "Ja.")
    hour_flags.flag_week(placement, consultant, MONDAY, QUESTION)
    assert len(flags()) == 2
    assert notices(employer) == 2


def test_other_weeks_and_placements_are_flagged_apart(placement, consultant, employer, make_job):
    other = paid_placement(ladder_job(make_job, employer, title="Lager"), consultant, employer)
    hour_flags.flag_week(placement, consultant, MONDAY, QUESTION)
    hour_flags.flag_week(other, consultant, MONDAY, QUESTION)
    hour_flags.flag_week(placement, consultant, MONDAY - timedelta(days=7), QUESTION)
    assert len(flags()) == 3


def test_a_flag_written_by_a_second_writer_meanwhile_is_the_same_flag(
    placement, consultant, employer, monkeypatch
):
    """The second writer's row arrives between the look-up and the insert: the index refuses
    the insert, and the flag found then is the answer (no second notice)."""
    written = hour_flags.flag_week(placement, consultant, MONDAY, QUESTION)
    real = hour_flags._open_flag
    calls = iter([None])
    monkeypatch.setattr(hour_flags, "_open_flag", lambda *args: next(calls, None) or real(*args))
    assert hour_flags.flag_week(placement, consultant, MONDAY, QUESTION).id == written.id
    calls = iter([None])
    with pytest.raises(DomainError):
        hour_flags.flag_week(placement, consultant, MONDAY, "Noget andet")
    assert len(flags()) == 1
    assert notices(employer) == 1


def test_the_database_refuses_a_second_open_flag(placement, consultant, employer):
    flag = hour_flags.flag_week(placement, consultant, MONDAY, QUESTION)
    insert = (
        "INSERT INTO week_flags (placement_id, week_start, comment, flagged_by_id, flagged_at,"
        " answer) VALUES (:p, :w, 'Igen', :u, CURRENT_TIMESTAMP, '')"
    )
    params = {"p": placement.id, "w": MONDAY, "u": consultant.id}
    assert_refused_by_database(insert, **params)
    hour_flags.answer_flag(placement, flag, employer, "Ja.")
    db.session.execute(db.text(insert), params)  # answered: a new question may be open
    assert len(flags()) == 2

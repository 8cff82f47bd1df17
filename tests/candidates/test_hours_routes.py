"""The jobcentre's hours pages (candidates/hours_routes.py) through HTTP, with CSRF on: the
consultant reads a placement's week and never edits it, and asks about it (a flag) beside the
week; the company answers on its own page and the consultant reads the answer. A flag posted
twice is one flag and one notice; a second question while one is open is told beside the
comment.

The placement is the shared one: paid hours Tuesday and Thursday (3 + 3) since MONDAY
(tests.pages.WEEK), confirmed as planned before it is flagged.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.hours import flags as hour_flags
from marketplace.models import (
    Notification,
    Placement,
    User,
    WeekFlag,
)
from tests.html_forms import field_error, text_of
from tests.pages import (
    WEEK,
    confirm_planned,
    consultant_hours_page,
    da_text,
    everything,
    filled,
    followed,
    form_to,
    forms_of,
    hours_week_page,
    placement_hours_page,
    send,
)

CORRECT = "/hours/correct"  # the company's correction form ends so


def test_the_consultant_reads_the_week_but_cannot_edit_it(jobcentre, placement, employer):
    confirm_planned(placement, employer)
    page = consultant_hours_page(jobcentre, placement)
    html = text_of(page)
    assert employer.name in html  # confirmed by
    assert not re.search(r'name="h-\d+', html)
    actions = [f.action or "" for f in forms_of(page)]
    assert not [a for a in actions if a.startswith("/company") or a.endswith(CORRECT)]
    assert [a for a in actions if a.endswith("/hours/flag")]


def day_figures(page_html: str) -> list[str]:
    """The figures of the week table's day cells, in order (closed days read '–')."""
    cells = re.findall(r"<td>(.*?)</td>", page_html, re.S)
    return [re.sub(r"<[^>]+>.*?</span>|<[^>]+>|\s+", " ", cell).split()[-1] for cell in cells]


def test_before_the_company_confirms_the_consultant_reads_the_plan(jobcentre, placement):
    """The same figures the company sees in its form: 3 hours on Tuesday and Thursday, and
    the week's total of 6 (not 0 on the days beside a total of 6)."""
    html = consultant_hours_page(jobcentre, placement).get_data(as_text=True)
    assert "Endnu ikke godkendt af virksomheden" in html
    figures = day_figures(html)
    assert figures.count("3") == 2, figures
    assert figures[-1] == "6", figures


# -- Flags --------------------------------------------------------------------------------


def kinds_since(user: User, since: int) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.recipient_id == user.id, Notification.id > since)
            .order_by(Notification.id)
        )
    )


def flag_url(placement: Placement) -> str:
    return f"/placements/{placement.id}/hours/flag"


def test_the_consultant_flags_a_week_and_the_company_answers(
    company, jobcentre, placement, employer, colleague, consultant
):
    confirm_planned(placement, employer)
    since = db.session.scalar(select(func.max(Notification.id))) or 0
    form = form_to(consultant_hours_page(jobcentre, placement), "/hours/flag")

    refused = send(jobcentre, flag_url(placement), filled(form, comment="   "))
    assert refused.status_code == 200
    assert da_text("Write what the company should look at.") in field_error(refused, "comment")
    assert everything()[2] == 0

    question = "Var hun der torsdag? Hun siger, hun var der."
    followed(jobcentre, send(jobcentre, flag_url(placement), filled(form, comment=question)))
    [flag] = db.session.scalars(select(WeekFlag)).all()
    assert (flag.placement_id, flag.week_start, flag.comment) == (placement.id, WEEK, question)
    assert (flag.flagged_by_id, flag.answered_at) == (consultant.id, None)
    assert kinds_since(employer, since) == ["week_flagged"]
    assert kinds_since(colleague, since) == ["week_flagged"]
    assert kinds_since(consultant, since) == []

    # The company sees the question on the week of all placements, and answers it.
    assert question in text_of(hours_week_page(company))
    answer_url = f"/company/placements/{placement.id}/hours/flags/{flag.id}/answer"
    answer_form = form_to(placement_hours_page(company, placement), answer_url)
    empty = send(company, answer_url, filled(answer_form, answer=" "))
    assert empty.status_code == 200
    assert da_text("Write your answer for the jobcentre.") in field_error(
        empty, f"answer-{flag.id}"
    )
    db.session.expire_all()
    assert db.session.get(WeekFlag, flag.id).answered_at is None

    reply = "Ja, hun var der fra 8 til 11."
    followed(company, send(company, answer_url, filled(answer_form, answer=reply)))
    db.session.expire_all()
    answered = db.session.get(WeekFlag, flag.id)
    assert (answered.answer, answered.answered_by_id) == (reply, employer.id)
    assert answered.answered_at is not None
    assert kinds_since(consultant, since) == ["week_flag_answered"]
    assert kinds_since(employer, since) == ["week_flagged"]  # not told of its own answer
    assert reply in text_of(consultant_hours_page(jobcentre, placement))
    # Answered: no longer waiting on the company's week, and a second answer is refused.
    assert question not in text_of(hours_week_page(company))
    again = send(company, answer_url, filled(answer_form, answer="Igen"))
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(WeekFlag, flag.id).answer == reply


def test_a_double_submitted_flag_is_one_flag_and_one_notice(
    jobcentre, placement, employer, consultant
):
    confirm_planned(placement, employer)
    since = db.session.scalar(select(func.max(Notification.id))) or 0
    form = filled(
        form_to(consultant_hours_page(jobcentre, placement), "/hours/flag"), comment="Fri?"
    )
    for _ in range(2):  # the same page posted twice, as a double click does
        assert send(jobcentre, flag_url(placement), form).status_code == 302
    assert everything()[2] == 1
    assert kinds_since(employer, since) == ["week_flagged"]


def test_a_second_question_while_one_is_open_is_told_beside_the_comment(
    jobcentre, placement, employer
):
    confirm_planned(placement, employer)
    form = form_to(consultant_hours_page(jobcentre, placement), "/hours/flag")
    followed(jobcentre, send(jobcentre, flag_url(placement), filled(form, comment="Fri?")))
    response = send(jobcentre, flag_url(placement), filled(form, comment="Og fredag?"))
    assert response.status_code == 200
    assert da_text(hour_flags.ASKED_ALREADY) in field_error(response, "comment")
    assert form_to(response, "/hours/flag").values["comment"] == ["Og fredag?"]  # kept
    [flag] = db.session.scalars(select(WeekFlag)).all()
    assert flag.comment == "Fri?"

"""The assessment's pages (employers/assessment_routes.py, candidates/assessment_routes.py,
marketplace/placements/assessment_pages.py): the company answers from the link in the request
and reads it back printable; bad input is refused beside its field keeping what was typed and
saving nothing; the consultant reads it and records the person's reading; the recommendation
pre-fills the next step's form; another company or jobcentre can neither read nor write it.
Through the test client with CSRF on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Assessment, AssessmentKind, Notification, Placement
from marketplace.placements import assessment_requests
from tests.factories import assessment_for, climb
from tests.html_forms import field_error, text_of
from tests.pages import JUNK, filled, followed, send
from tests.pages.forms import forms_of
from tests.support import csrf_token_from

TASKS = ("Fylde hylder", "Tjekke datoer")


@pytest.fixture
def asked(job, consultant, employer):
    """A praktik that ended, in a placement still running at paid hours, and its request."""
    placement = climb(job, consultant, employer, "Pia Praktik", to="paid")
    return assessment_for(placement, AssessmentKind.PRAKTIK)


def url(assessment) -> str:
    return f"/company/assessments/{assessment.id}"


def the_form(response):
    found = [f for f in forms_of(response) if f.action is None and "to_jobcentre" in f.values]
    assert len(found) == 1, [f.action for f in forms_of(response)]
    return found[0]


GOOD = {
    "held": "as_planned",
    "task_0": "alone",
    "task_1": "some_help",
    "punctuality": "good",
    "cooperation": "good",
    "pace": "partly",
    "recommendation": "paid",
    "recommended_hours": "7,5",
    "to_jobcentre": "Mødte til tiden og lærte hurtigt.",
    "to_person": "Spørg, når du er i tvivl.",
}


def answer(company, assessment, **changes):
    page = company.get(url(assessment))
    assert page.status_code == 200
    values = filled(the_form(page), **{**GOOD, **changes})
    return send(company, url(assessment), values)


def saved(assessment) -> Assessment:
    db.session.expire_all()
    return db.session.get(Assessment, assessment.id)


def test_the_company_answers_in_danish_and_reads_it_back(company, asked, consultant):
    page = company.get(url(asked))
    body = text_of(page)
    assert "Vurdér praktik" in body
    for text in ("Fylde hylder", "Tjekke datoer", "Mødestabilitet", "Samarbejde", "Tempo"):
        assert text in body
    done = followed(company, answer(company, asked))
    body = text_of(done)
    assert "Tak. Jobcentret har jeres vurdering." in body
    assert "Lønnede timer: 7,5 timer om ugen." in body
    assert "Mødte til tiden og lærte hurtigt." in body
    assert "Udskriv eller gem som PDF" in body
    row = saved(asked)
    assert row.tasks == [["Fylde hylder", "alone"], ["Tjekke datoer", "some_help"]]
    assert str(row.recommended_hours) == "7.5"
    told = db.session.scalars(
        select(Notification).where(Notification.kind == "assessment_submitted")
    ).all()
    assert [n.recipient_id for n in told] == [consultant.id]


def test_sending_again_changes_nothing(company, asked):
    page = company.get(url(asked))
    values = filled(the_form(page), **GOOD)
    followed(company, send(company, url(asked), values))
    again = send(company, url(asked), {**values, "recommendation": ["not_now"]})
    assert "allerede sendt" in text_of(followed(company, again))
    assert saved(asked).recommendation == "paid"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"held": None}, "held", "Vælg én."),
        ({"task_1": None}, "task_1", "Vælg én."),
        ({"pace": "fast"}, "pace", "Vælg én."),
        ({"held": "partly"}, "last_day_present", "sidste dag"),
        (
            {"held": "partly", "last_day_present": "2020-01-01", "days_missed": "2"},
            "last_day_present",
            "sidste dag",
        ),
        (
            {"recommendation": "praktik", "recommended_weeks": "20"},
            "recommended_weeks",
            "mellem 1 og 13",
        ),
        ({"recommendation": "paid", "recommended_hours": "40"}, "recommended_hours", "halve timer"),
        ({"recommendation": "not_now"}, "recommendation_reason", "hvorfor"),
        ({"to_person": "Hun tager medicin mod angst."}, "to_person", "diagnoser"),
        ({"to_jobcentre": "CPR 010190-1234"}, "to_jobcentre", "CPR"),
    ],
)
def test_bad_input_is_refused_beside_its_field_keeping_what_was_typed(
    company, asked, changes, field, message
):
    response = answer(company, asked, **changes)
    assert response.status_code == 400
    assert message.lower() in field_error(response, field).lower()
    # What was typed is still there; nothing was saved.
    form = the_form(response)
    assert form.values.get("to_jobcentre") == [changes.get("to_jobcentre", GOOD["to_jobcentre"])]
    assert saved(asked).submitted_at is None


def test_a_person_who_never_came_needs_no_tasks_or_scales(company, asked):
    response = answer(
        company,
        asked,
        held="never",
        ended_by="person",
        early_reason="did_not_come",
        task_0=None,
        task_1=None,
        punctuality=None,
        cooperation=None,
        pace=None,
        recommendation="not_now",
        recommendation_reason="Personen mødte ikke op.",
    )
    assert response.status_code == 302
    row = saved(asked)
    assert row.tasks == [["Fylde hylder", "not_tried"], ["Tjekke datoer", "not_tried"]]
    assert (row.punctuality, row.pace, row.ended_by) == ("not_seen", "not_seen", "person")


@pytest.mark.parametrize("junk", JUNK)
def test_no_input_gives_a_500(company, asked, junk):
    page = company.get(url(asked))
    form = the_form(page)
    for name in (
        "held",
        "last_day_present",
        "days_missed",
        "early_reason",
        "recommended_weeks",
        "recommended_hours",
        "to_person",
        "task_0",
    ):
        values = filled(form, **{**GOOD, "held": "partly", name: junk})
        response = send(company, url(asked), values)
        assert response.status_code in (302, 400), (name, junk, response.status_code)
        db.session.rollback()


def test_the_consultant_reads_it_and_records_a_disagreement(company, jobcentre, asked):
    followed(company, answer(company, asked))
    page = jobcentre.get(f"/assessments/{asked.id}")
    body = text_of(page)
    assert "Pia Praktik" in body  # the consultant reads the name
    assert "Er personen enig i vurderingen?" in body
    reading_url = f"/assessments/{asked.id}/reading"
    form = next(f for f in forms_of(page) if f.action == reading_url)
    refused = send(jobcentre, reading_url, filled(form, agrees="no"))
    assert refused.status_code == 400
    assert "uenig" in field_error(refused, "comment")
    assert saved(asked).person_read_at is None
    done = followed(
        jobcentre,
        send(
            jobcentre,
            reading_url,
            filled(form, agrees="no", comment="Hun synes, tempoet var fint."),
        ),
    )
    assert "Personen har læst vurderingen og er uenig." in text_of(done)
    row = saved(asked)
    assert (row.person_agrees, row.person_comment) == (False, "Hun synes, tempoet var fint.")
    # The company reads the person's answer beside its assessment.
    assert "er uenig" in text_of(company.get(url(asked)))
    # Recorded once.
    again = send(jobcentre, reading_url, filled(form, agrees="yes"))
    assert "allerede noteret" in text_of(followed(jobcentre, again))
    assert saved(asked).person_agrees is False


def test_paid_hours_recommended_pre_fill_the_company_s_offer(company, job, consultant, employer):
    placement = climb(job, consultant, employer, "Per Praktik", to="praktik")
    assessment = assessment_for(placement, AssessmentKind.PRAKTIK)
    done = followed(company, answer(company, assessment, recommended_hours="9"))
    assert "Tilbyd lønnede timer" in text_of(done)
    offer = company.get(f"/company/placements/{placement.id}/paid-hours")
    form = next(f for f in forms_of(offer) if "hours" in f.values)
    assert form.values["hours"] == ["9"]
    assert "udfyldt ud fra jeres vurdering" in text_of(offer)


def test_praktik_recommended_pre_fills_the_jobcentre_s_agreement(
    company, jobcentre, job, consultant, employer
):
    placement = climb(job, consultant, employer, "Tina Trial", to="trial")
    assessment = assessment_for(placement, AssessmentKind.TRIAL)
    followed(
        company,
        answer(
            company,
            assessment,
            recommendation="praktik",
            recommended_weeks="6",
            recommended_hours="10",
        ),
    )
    page = jobcentre.get(f"/placements/{placement.id}/praktik")
    form = next(f for f in forms_of(page) if "end_on" in f.values)
    start = form.values["start_on"][0]
    assert form.values["hours"] == ["10"]
    assert date.fromisoformat(form.values["end_on"][0]) == date.fromisoformat(start) + timedelta(
        weeks=6, days=-1
    )
    assert "Udfyldt ud fra virksomhedens vurdering" in text_of(page)


def test_the_timeline_and_the_candidate_page_show_it(company, jobcentre, asked):
    timeline = text_of(company.get(f"/company/placements/{asked.placement_id}"))
    assert "Vurdér praktik" in timeline
    followed(company, answer(company, asked))
    timeline = text_of(jobcentre.get(f"/placements/{asked.placement_id}"))
    assert "vurderede praktik" in timeline
    person = db.session.get(Placement, asked.placement_id).candidate_id
    page = text_of(jobcentre.get(f"/candidates/{person}"))
    assert "Virksomhedernes vurderinger" in page
    assert "anbefaler lønnede timer" in page


def test_the_request_s_notification_leads_to_the_form(app, company, asked, employer):
    placement = db.session.get(Placement, asked.placement_id)
    with app.test_request_context():
        assessment_requests._tell_company(asked, placement, "assessment_asked")
    db.session.flush()
    told = db.session.scalar(
        select(Notification).where(
            Notification.kind == "assessment_asked", Notification.recipient_id == employer.id
        )
    )
    assert f"/notifications/{told.id}" in text_of(company.get("/notifications/"))
    opened = company.get(f"/notifications/{told.id}")
    assert opened.headers["Location"].endswith(f"/company/assessments/{asked.id}")
    assert "Vurdér praktik" in text_of(followed(company, opened))


# -- Access: another company or jobcentre can neither read nor write it ------------------


def test_another_company_gets_404_and_changes_nothing(app, login, asked, other_employer):
    stranger = app.test_client()
    login(other_employer, via=stranger)
    assert stranger.get(url(asked)).status_code == 404
    token = csrf_token_from(stranger.get("/company/"))
    values = {k: [v] for k, v in GOOD.items()} | {"csrf_token": [token]}
    assert stranger.post(url(asked), data=values).status_code == 404
    assert saved(asked).submitted_at is None


def test_another_jobcentre_gets_404_and_records_nothing(
    app, login, company, asked, other_consultant
):
    followed(company, answer(company, asked))
    stranger = app.test_client()
    login(other_consultant, via=stranger)
    assert stranger.get(f"/assessments/{asked.id}").status_code == 404
    token = csrf_token_from(stranger.get("/caseload"))
    response = stranger.post(
        f"/assessments/{asked.id}/reading", data={"agrees": "yes", "csrf_token": token}
    )
    assert response.status_code == 404
    assert saved(asked).person_read_at is None


def test_each_side_is_refused_the_other_s_routes(company, jobcentre, asked):
    assert company.get(f"/assessments/{asked.id}").status_code == 403
    assert jobcentre.get(url(asked)).status_code == 403


def test_nobody_logged_in_goes_to_login(client, asked):
    for path in (url(asked), f"/assessments/{asked.id}"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_a_recommendation_already_followed_fills_nothing(
    company, jobcentre, job, consultant, employer
):
    """Praktik recommended after the trial visit, and agreed since: the assessment no longer
    leads to a new agreement, and the praktik form is not filled from it."""
    placement = climb(job, consultant, employer, "Bo Fulgt", to="praktik")  # trial, then praktik
    assessment = assessment_for(placement, AssessmentKind.TRIAL)
    answer(
        company, assessment, recommendation="praktik", recommended_weeks="6", recommended_hours="10"
    )
    page = text_of(jobcentre.get(f"/assessments/{assessment.id}"))
    assert "Praktik: 6 uger, 10 timer om ugen." in page
    assert "Foreslå en praktikaftale" not in page
    form = text_of(jobcentre.get(f"/placements/{placement.id}/praktik"))
    assert "Udfyldt ud fra virksomhedens vurdering" not in form


def test_the_company_s_home_lists_what_it_has_to_assess(app, company, asked, make_job, employer):
    home = text_of(company.get("/company/"))
    assert "Vurderinger, I skal skrive" in home
    assert "Jobcentret spørger, hvordan 1 forløb gik" in home
    assert f'href="/company/assessments/{asked.id}"' in home
    assert "Pia Praktik" not in home  # the pseudonym, as everywhere before consent
    followed(company, answer(company, asked))
    assert "Vurderinger, I skal skrive" not in text_of(company.get("/company/"))


def test_the_company_s_home_reads_its_assessments_in_one_statement(
    company, asked, job, consultant, employer, count_queries
):
    with count_queries() as few:
        company.get("/company/")
    for name in ("Anna", "Bent", "Carl"):
        assessment_for(climb(job, consultant, employer, name, to="praktik"), AssessmentKind.PRAKTIK)
    with count_queries() as many:
        page = text_of(company.get("/company/"))
    assert "Jobcentret spørger, hvordan 4 forløb gik" in page
    assert many.count == few.count, "\n".join(many.statements)

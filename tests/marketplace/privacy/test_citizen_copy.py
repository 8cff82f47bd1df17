"""The citizen's copy of their data: one printable page and one JSON file with everything held
about the person (profile, identity, proposals, consents, placements and their terms versions,
hours with corrections, questions about weeks, the companies' assessments with the person's
reading, notifications, the access log), for the candidate's own jobcentre only; making it is
logged as the citizen's request."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from marketplace.agreements.terms import versions_of
from marketplace.caseload.candidates import CandidateData, create_candidate
from marketplace.extensions import db
from marketplace.hours import flags as hour_flags
from marketplace.hours import ledger as hours
from marketplace.models import (
    CATEGORY_BITS,
    AccessLogEntry,
    Assessment,
    ConsentMethod,
    HourKind,
    Weekday,
)
from marketplace.models.assessments import (
    AssessmentKind,
    EarlyReason,
    EndedBy,
    Held,
    Recommendation,
    Scale,
    Skill,
)
from marketplace.placements.assessments import (
    AssessmentData,
    period_tasks,
    record_reading,
    submit,
)
from marketplace.privacy import disclosure
from marketplace.proposals import lifecycle as proposals
from tests.factories import (
    MONDAY,
    answer_with,
    asked,
    confirm,
    ladder_job,
    new_candidate,
    start_paid,
    today,
)
from tests.html_forms import text_of

# One sentinel per part of the copy: each must come back, in the JSON and on the page.
SENTINELS = {
    "name": "Sentinora Qwixley",
    "phone": "31 41 59 26",
    "email": "sentinora@example.net",
    "case_reference": "SAG-77-SENTINEL",
    "job_goal": "Lager og hylder, goalsentinel",
    "note": "Notesentinel for jobcentret",
    "job": "Jobsentinel opfyldning",
    "pitch": "Stabil og glad for hylder, pitchsentinel",
    "consent": "Consentsentinel ved mødet",
    "mentor": "Mentorsentinel Hansen",
    "correction": "Correctionsentinel gik tidligt",
    "flag": "Flagsentinel stemmer tirsdag",
    "answer": "Answersentinel ja det passer",
    "viewer": "Viewersentinel Kjær",
}


@pytest.fixture
def history(app, make_job, make_user, consultant, employer) -> dict[str, Any]:
    """A person with a bit of everything, and another person who must not be in the copy."""
    person = create_candidate(
        consultant,
        CandidateData(
            full_name=SENTINELS["name"],
            phone=SENTINELS["phone"],
            email=SENTINELS["email"],
            case_reference=SENTINELS["case_reference"],
            job_goal=SENTINELS["job_goal"],
            consultant_note=SENTINELS["note"],
            hours_min=Decimal(2),
            hours_max=Decimal(20),
            municipality_code=760,
            postcode="6900",
            wished_categories=CATEGORY_BITS["retail"],
            available_weekdays=int(Weekday.TUE | Weekday.THU),
            danish_level="fluent",
        ),
    )
    job = ladder_job(make_job, employer, title=SENTINELS["job"])
    proposal = proposals.propose(job, person, consultant, SENTINELS["pitch"])
    proposals.accept(proposal, employer, today())
    placement = start_paid(proposal, consultant, employer, mentor_name=SENTINELS["mentor"])
    disclosure.record_consent(proposal, consultant, ConsentMethod.PHONE, SENTINELS["consent"])
    confirm(placement, employer)
    tuesday = MONDAY + timedelta(days=1)
    hours.correct(
        placement,
        employer,
        tuesday,
        HourKind.PAID,
        Decimal("2.5"),
        SENTINELS["correction"],
        versions_of(placement.id),
    )
    flag = hour_flags.flag_week(placement, consultant, MONDAY, SENTINELS["flag"])
    hour_flags.answer_flag(placement, flag, employer, SENTINELS["answer"])
    viewer = make_user(employer.organisation, name=SENTINELS["viewer"])
    with app.test_request_context(f"/company/proposals/{proposal.id}"):
        disclosure.reveal_to_company(proposal, viewer)
    # Someone else, proposed to the same job: nothing of theirs may be in the copy.
    stranger = new_candidate(consultant, "Otherperson Zulu")
    proposals.propose(job, stranger, consultant, "Strangerpitch om hylder")
    db.session.commit()
    return {"person": person, "placement": placement, "proposal": proposal}


def copy_json(client, person) -> tuple[dict[str, Any], str]:
    response = client.get(f"/candidates/{person.id}/copy.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    return json.loads(text), text


def test_the_json_holds_every_part(client, login, consultant, employer, history):
    login(consultant)
    data, text = copy_json(client, history["person"])
    for part, sentinel in SENTINELS.items():
        assert sentinel in text, part
    assert "Otherperson" not in text
    assert "Strangerpitch" not in text

    assert data["identity"]["full_name"] == SENTINELS["name"]
    assert data["identity"]["case_reference"] == SENTINELS["case_reference"]
    assert data["profile"]["consultant_note"] == SENTINELS["note"]
    assert [p["pitch"] for p in data["proposals"]] == [SENTINELS["pitch"]]
    assert [c["note"] for c in data["consents"]] == [SENTINELS["consent"]]
    (placement,) = data["placements"]
    assert placement["job_title"] == SENTINELS["job"]
    assert [t["number"] for t in placement["terms_versions"]] == [1]  # the paid hours agreed
    assert placement["terms_versions"][0]["mentor_name"] == SENTINELS["mentor"]
    assert [s["kind"] for s in placement["steps"]] == ["paid"]
    tuesday = (MONDAY + timedelta(days=1)).isoformat()
    assert [
        (h["hours"], h["revision"], h["current"], h["reason"])
        for h in placement["hours"]
        if h["work_date"] == tuesday
    ] == [("3.00", 1, False, ""), ("2.50", 2, True, SENTINELS["correction"])]
    assert [c["week_start"] for c in placement["week_confirmations"]] == [MONDAY.isoformat()]
    assert [(f["comment"], f["answer"]) for f in placement["week_flags"]] == [
        (SENTINELS["flag"], SENTINELS["answer"])
    ]
    kinds = {(n["subject_type"], n["kind"]) for n in data["notifications"]}
    assert ("proposals", "consent_recorded") in kinds
    assert {subject for subject, _ in kinds} == {"proposals", "placements"}
    assert all("recipient_email" not in n for n in data["notifications"])
    # The log: the copy itself (newest) and the company's showing.
    newest = data["access_log"][0]
    assert (newest["purpose"], newest["seen"]) == ("citizen_request", "copy")
    assert any(
        line["who"] == SENTINELS["viewer"] and line["seen"] == "name_phone"
        for line in data["access_log"]
    )
    assert data["people"][str(employer.id)]["name"] == employer.name


def test_making_the_copy_is_logged_as_the_citizens_request(client, login, consultant, history):
    login(consultant)
    person = history["person"]
    for path in (f"/candidates/{person.id}/copy", f"/candidates/{person.id}/copy.json"):
        before = db.session.scalar(select(AccessLogEntry.id).order_by(AccessLogEntry.id.desc()))
        assert client.get(path).status_code == 200
        db.session.expire_all()
        rows = db.session.execute(
            select(
                AccessLogEntry.candidate_id,
                AccessLogEntry.viewer_id,
                AccessLogEntry.purpose,
                AccessLogEntry.seen,
            ).where(AccessLogEntry.id > before)
        ).all()
        assert [tuple(r) for r in rows] == [(person.id, consultant.id, "citizen_request", "copy")]


def test_the_printable_page_shows_every_part_in_danish(client, login, consultant, history):
    login(consultant)
    person = history["person"]
    page = text_of(client.get(f"/candidates/{person.id}/copy"))
    for part, sentinel in SENTINELS.items():
        assert sentinel in page, part
    assert "Otherperson" not in page
    assert f"Oplysninger om {SENTINELS['name']}" in page
    assert "rettet senere" in page  # the first figure of the corrected day
    assert "lavede en kopi af alle data om personen" in page
    assert "fordi personen bad om en kopi af sine data" in page
    html = client.get(f"/candidates/{person.id}").get_data(as_text=True)
    assert f'href="/candidates/{person.id}/copy"' in html
    assert f'href="/candidates/{person.id}/copy.json"' in html


def test_another_jobcentre_gets_404_for_the_copy(client, login, other_consultant, history):
    login(other_consultant)
    person = history["person"]
    before = db.session.scalar(select(AccessLogEntry.id).order_by(AccessLogEntry.id.desc()))
    for path in (f"/candidates/{person.id}/copy", f"/candidates/{person.id}/copy.json"):
        response = client.get(path)
        assert response.status_code == 404
        assert SENTINELS["name"] not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(AccessLogEntry.id).where(AccessLogEntry.id > before)) is None


def test_a_company_user_cannot_reach_the_copy(client, login, employer, history):
    login(employer)
    person = history["person"]
    assert client.get(f"/candidates/{person.id}/copy.json").status_code == 403


def test_the_copy_runs_a_fixed_number_of_queries(
    client, login, consultant, employer, make_job, history, count_queries
):
    login(consultant)
    person = history["person"]
    path = f"/candidates/{person.id}/copy.json"
    client.get(path)  # warm up
    with count_queries() as few:
        assert client.get(path).status_code == 200
    for n in range(4):
        job = ladder_job(make_job, employer, title=f"Ekstra job {n}")
        proposal = proposals.propose(job, person, consultant, "Mere hyldearbejde")
        proposals.accept(proposal, employer, today())
        disclosure.record_consent(proposal, consultant, ConsentMethod.IN_PERSON, f"Samtykke {n}")
    db.session.commit()
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count, "\n".join(many.statements)


# -- The companies' assessments (issue 18) ---------------------------------------------------

ASSESSMENT_SENTINELS = {
    "early_note": "Earlysentinel flyttede til Aarhus",
    "recommendation_reason": "Reasonsentinel mere tid på lageret",
    "to_jobcentre": "Jobcentresentinel mødte altid til tiden",
    "to_person": "Personsentinel godt klaret med kunderne",
    "person_comment": "Commentsentinel jeg fik aldrig prøvet kassen",
}


def assess(person, job, consultant, employer) -> Any:
    """The person's praktik on `job`, asked for, answered (partly held, ended early by the
    person for another reason) with every text, and read by the person, who disagrees."""
    assessment = asked(job, consultant, employer, "", AssessmentKind.PRAKTIK, candidate=person)
    tasks = period_tasks(assessment)
    assert tasks  # each is shown with its skill
    data = AssessmentData(
        held=Held.PARTLY,
        tasks={task: Skill.ALONE for task in tasks},
        punctuality=Scale.GOOD,
        cooperation=Scale.PARTLY,
        pace=Scale.NOT_YET,
        recommendation=Recommendation.NOT_NOW,
        last_day_present=assessment.period_from,
        days_missed=2,
        ended_by=EndedBy.PERSON,
        early_reason=EarlyReason.OTHER,
        early_note=ASSESSMENT_SENTINELS["early_note"],
        recommendation_reason=ASSESSMENT_SENTINELS["recommendation_reason"],
        to_jobcentre=ASSESSMENT_SENTINELS["to_jobcentre"],
        to_person=ASSESSMENT_SENTINELS["to_person"],
    )
    submit(assessment, employer, data, today())
    record_reading(assessment, consultant, False, ASSESSMENT_SENTINELS["person_comment"])
    return assessment


@pytest.fixture
def assessed(history, make_job, consultant, employer) -> dict[str, Any]:
    """The history's person with an answered and read praktik assessment, and another
    person's answered assessment that must not be in the copy."""
    job = ladder_job(make_job, employer, title="Praktikjob lager")
    assessment = assess(history["person"], job, consultant, employer)
    stranger = answer_with(asked(job, consultant, employer, "Otherassessed Ypsilon"), employer)
    stranger.to_person = "Strangerassessment om en anden"
    db.session.commit()
    return {**history, "assessment": assessment, "stranger": stranger}


def test_the_json_holds_the_persons_assessments_and_no_one_elses(
    client, login, consultant, employer, assessed
):
    login(consultant)
    data, text = copy_json(client, assessed["person"])
    for part, sentinel in ASSESSMENT_SENTINELS.items():
        assert sentinel in text, part
    assert "Otherassessed" not in text
    assert "Strangerassessment" not in text

    assessment = assessed["assessment"]
    (found,) = [a for p in data["placements"] for a in p["assessments"]]
    assert found["id"] == assessment.id
    assert found["placement_id"] == assessment.placement_id
    # Every stored column, written as it is stored.
    assert set(found) == {c.key for c in Assessment.__table__.columns}
    assert (found["kind"], found["held"], found["ended_by"], found["early_reason"]) == (
        "praktik",
        "partly",
        "person",
        "other",
    )
    assert found["period_from"] == assessment.period_from.isoformat()
    assert found["last_day_present"] == assessment.period_from.isoformat()
    assert found["days_missed"] == 2
    assert found["tasks"] == [[task, "alone"] for task in period_tasks(assessment)]
    assert (found["punctuality"], found["cooperation"], found["pace"]) == (
        "good",
        "partly",
        "not_yet",
    )
    assert (found["recommendation"], found["recommended_weeks"], found["recommended_hours"]) == (
        "not_now",
        None,
        None,
    )
    assert found["submitted_by_id"] == employer.id
    assert all(found[column] for column in ("requested_at", "submitted_at", "person_read_at"))
    assert (found["person_agrees"], found["person_comment"]) == (
        False,
        ASSESSMENT_SENTINELS["person_comment"],
    )
    assert found["person_recorded_by_id"] == consultant.id
    assert data["people"][str(consultant.id)]["name"] == consultant.name
    # The consultant told of the answer: a notification about the person's assessment, and
    # none about the other person's.
    about = [n for n in data["notifications"] if n["subject_type"] == "assessments"]
    assert {(n["kind"], n["subject_id"]) for n in about} == {
        ("assessment_submitted", assessment.id)
    }
    assert all(n["text"] for n in about)


def test_the_printable_page_shows_the_assessment_in_danish(client, login, consultant, assessed):
    login(consultant)
    page = text_of(client.get(f"/candidates/{assessed['person'].id}/copy"))
    for part, sentinel in ASSESSMENT_SENTINELS.items():
        assert sentinel in page, part
    assert "Otherassessed" not in page
    assert "Strangerassessment" not in page
    assessment = assessed["assessment"]
    for danish in (
        "Virksomhedens vurderinger",
        "Vurdering af praktik",
        "Bedt om",
        "Besvaret",
        "Gennemført",
        "Delvist",  # partly held
        "Dage med fravær",
        "Stoppet før tid af",
        "Personen",  # who ended it
        "Anden begrundelse",
        "Mødestabilitet",
        "Anbefalet næste skridt",
        "Ikke nu.",
        "Til jobcentret",
        "Råd til personen",
        "Personens gennemlæsning",
        "Personen har læst vurderingen og er uenig.",
    ):
        assert danish in page, danish
    for task in period_tasks(assessment):
        assert f"{task}: Kan selv" in page, task
    # The jobformidler told of the answer, in the notifications about the person.
    assert "Læs den med personen, og notér, om personen er enig." in page


def test_an_assessment_asked_and_not_answered_is_in_the_copy(
    client, login, consultant, employer, make_job, history
):
    job = ladder_job(make_job, employer, title="Snusejob")
    assessment = asked(
        job, consultant, employer, "", AssessmentKind.TRIAL, candidate=history["person"]
    )
    db.session.commit()
    login(consultant)
    data, _ = copy_json(client, history["person"])
    (found,) = [a for p in data["placements"] for a in p["assessments"]]
    assert (found["id"], found["kind"], found["submitted_at"]) == (assessment.id, "trial", None)
    page = text_of(client.get(f"/candidates/{history['person'].id}/copy"))
    assert "Vurdering af snusepraktik" in page
    assert "Ikke sendt endnu." in page


def test_the_copy_runs_a_fixed_number_of_queries_whatever_the_assessments(
    client, login, consultant, employer, make_job, history, count_queries
):
    person = history["person"]
    assess(person, ladder_job(make_job, employer, title="Vurderet job 0"), consultant, employer)
    db.session.commit()
    login(consultant)
    paths = (f"/candidates/{person.id}/copy.json", f"/candidates/{person.id}/copy")
    counts = {}
    for path in paths:
        client.get(path)  # warm up
        with count_queries() as few:
            assert client.get(path).status_code == 200
        counts[path] = few.count
    for n in range(1, 4):
        job = ladder_job(make_job, employer, title=f"Vurderet job {n}")
        assess(person, job, consultant, employer)
    db.session.commit()
    data, _ = copy_json(client, person)
    assert len([a for p in data["placements"] for a in p["assessments"]]) == 4
    for path in paths:
        with count_queries() as many:
            assert client.get(path).status_code == 200
        assert many.count == counts[path], "\n".join(many.statements)

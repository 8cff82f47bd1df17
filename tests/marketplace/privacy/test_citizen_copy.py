"""The citizen's copy of their data: one printable page and one JSON file with everything held
about the person (profile, identity, proposals, consents, placements and their terms versions,
hours with corrections, questions about weeks, notifications, the access log), for the
candidate's own jobcentre only; making it is logged as the citizen's request."""

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
    ConsentMethod,
    HourKind,
    Weekday,
)
from marketplace.privacy import disclosure
from marketplace.proposals import lifecycle as proposals
from tests.factories import MONDAY, confirm, ladder_job, new_candidate, start_paid, today
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

"""Proposals end to end through HTTP: anonymised until consent, audited after."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace import queue, tasks
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.models import (
    AccessLogEntry,
    Notification,
    Proposal,
    Weekday,
)
from tests.accounts import mails as inbox_of
from tests.factories import new_candidate
from tests.support import csrf_token_from, submit

# Sentinels: unique strings that must never reach a company page before consent.
NAME, PHONE, EMAIL, REF, NOTE = (
    "Zyxwvu Qwertyson",
    "98 76 54 32",
    "zyx@secret.example",
    "CASE-SENTINEL-77",
    "NOTE-SENTINEL-42",
)
SENTINELS = ["Zyxwvu", "Qwertyson", "98 76 54 32", "98765432", EMAIL, REF, NOTE, "6901"]


@pytest.fixture
def sentinel_person(consultant):
    """A candidate whose every identity field is a sentinel (not the shared `person`)."""
    return new_candidate(
        consultant,
        NAME,
        phone=PHONE,
        email=EMAIL,
        case_reference=REF,
        consultant_note=NOTE,
        job_goal="Butik om morgenen",
        hours_min=Decimal(3),
        hours_max=Decimal(8),
        postcode="6901",
        available_weekdays=int(Weekday.TUE | Weekday.THU),
    )


@pytest.fixture
def trial_job(employer, make_job):
    """The employer's published job as make_job makes it, offering a trial visit only (the
    shared `job` offers every first step)."""
    return make_job(employer.organisation, employer)


def propose(client, job, person, pitch="Stabil og glad for faste opgaver."):
    return submit(client, f"/jobs/{job.id}/propose/{person.id}", {"pitch": pitch})


def company_pages(client, proposal_id: int) -> str:
    pages = [
        "/company/",
        "/company/jobs",
        "/company/proposals",
        f"/company/proposals/{proposal_id}",
        "/notifications/",
    ]
    return "\n".join(client.get(page).get_data(as_text=True) for page in pages)


def test_journey_anonymous_until_consent_then_name_for_that_company_only(
    app,
    client,
    consultant,
    employer,
    sentinel_person,
    trial_job,
    login,
    make_company,
    make_user,
    outbox,
):
    login(consultant)
    assert propose(client, trial_job, sentinel_person).status_code == 302
    proposal = db.session.scalar(select(Proposal))

    company = app.test_client()
    login(employer, via=company)
    text = company_pages(company, proposal.id)
    # What a reader sees (headers and decoded text parts), not the raw file, whose random
    # MIME boundaries once held the postcode sentinel's digits.
    mails = "\n".join(
        f"{mail['Subject']}\n{mail['To']}\n"
        + "\n".join(
            part.get_content() for part in mail.walk() if part.get_content_maintype() == "text"
        )
        for mail in inbox_of(outbox)
    )
    notes = " ".join(str(n.params) for n in db.session.scalars(select(Notification)))
    for sentinel in SENTINELS:
        assert sentinel not in text, sentinel
        assert sentinel not in mails, sentinel
        assert sentinel not in notes, sentinel
    assert "Butik om morgenen" in text  # the profile is there, under a pseudonym
    assert re.search(r"Kandidat [2-9A-Z]{5}", text)

    start = (local_today() + timedelta(days=5)).isoformat()
    page = company.get(f"/company/proposals/{proposal.id}")
    accepted = company.post(
        f"/company/proposals/{proposal.id}/accept",
        data={"suggested_start": start, "csrf_token": csrf_token_from(page)},
    )
    assert accepted.status_code == 302
    assert NAME not in company.get(f"/company/proposals/{proposal.id}").get_data(as_text=True)

    consent = submit(
        client,
        f"/proposals/{proposal.id}/consent",
        {"method": "phone"},
        page=f"/proposals/{proposal.id}",
    )
    assert consent.status_code == 302
    shown = company.get(f"/company/proposals/{proposal.id}").get_data(as_text=True)
    assert NAME in shown
    assert PHONE in shown
    assert REF not in shown  # never the case reference, nor the note
    assert NOTE not in shown
    shown_to_company = select(func.count(AccessLogEntry.id)).where(
        AccessLogEntry.organisation_id == employer.organisation_id,
        AccessLogEntry.seen == "name_phone",
        AccessLogEntry.purpose == "trial_visit",
    )
    assert db.session.scalar(shown_to_company) == 1

    # Another company sees nothing of it: not the proposal (404), not the name.
    other = make_user(make_company(name="Andet Firma"))
    stranger = app.test_client()
    login(other, via=stranger)
    assert stranger.get(f"/company/proposals/{proposal.id}").status_code == 404
    assert NAME not in company_pages(stranger, proposal.id)

    # The consultant sees who saw the identity.
    assert employer.name in client.get(f"/candidates/{sentinel_person.id}").get_data(as_text=True)

    # Withdrawn: the pseudonym again.
    submit(
        client, f"/proposals/{proposal.id}/consent/withdraw", {}, page=f"/proposals/{proposal.id}"
    )
    assert NAME not in company.get(f"/company/proposals/{proposal.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    "leak",
    ["Zyxwvu er god", "ring 98765432", "zyx@secret.example", "CASE-SENTINEL-77", "cpr 010203-1234"],
)
def test_a_pitch_that_reveals_identity_is_refused(
    client, consultant, sentinel_person, trial_job, login, leak
):
    login(consultant)
    response = propose(client, trial_job, sentinel_person, pitch=f"Fin kandidat. {leak}")
    assert response.status_code == 200
    assert 'id="pitch-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_a_double_submit_creates_one_proposal(
    client, consultant, sentinel_person, trial_job, login
):
    login(consultant)
    page = client.get(f"/jobs/{trial_job.id}/propose/{sentinel_person.id}")
    token = csrf_token_from(page)
    for _ in range(2):
        client.post(
            f"/jobs/{trial_job.id}/propose/{sentinel_person.id}",
            data={"pitch": "God til butik.", "csrf_token": token},
        )
    assert db.session.scalar(select(func.count(Proposal.id))) == 1


def test_decline_with_a_reason_reaches_the_consultant(
    app, client, consultant, employer, sentinel_person, trial_job, login
):
    login(consultant)
    propose(client, trial_job, sentinel_person)
    proposal = db.session.scalar(select(Proposal))
    company = app.test_client()
    login(employer, via=company)
    page = company.get(f"/company/proposals/{proposal.id}")
    refused = company.post(
        f"/company/proposals/{proposal.id}/decline",
        data={"reason": "astronaut", "csrf_token": csrf_token_from(page)},
    )
    assert refused.status_code == 200
    assert 'id="reason-error"' in refused.get_data(as_text=True)
    company.post(
        f"/company/proposals/{proposal.id}/decline",
        data={
            "reason": "hours_dont_fit",
            "note": "Kun weekend",
            "csrf_token": csrf_token_from(page),
        },
    )
    queue.run_inprocess_tasks()
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Timerne eller dagene passer ikke" in page
    assert "Kun weekend" in page
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.recipient_id == consultant.id)
    ).all()
    assert "proposal_declined" in kinds


def test_unanswered_proposals_are_reminded_once_then_expire(
    app, client, consultant, employer, sentinel_person, trial_job, login
):
    from marketplace.clock import utcnow

    login(consultant)
    propose(client, trial_job, sentinel_person)
    proposal = db.session.scalar(select(Proposal))
    proposal.created_at = utcnow() - timedelta(days=4)
    db.session.commit()
    tasks.sweep()
    tasks.sweep()
    reminders = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.kind == "proposal_reminder")
    )
    assert reminders == 1
    proposal.created_at = utcnow() - timedelta(days=15)
    db.session.commit()
    tasks.sweep()
    db.session.refresh(proposal)
    assert proposal.status == "expired"
    assert "proposal_expired" in db.session.scalars(select(Notification.kind)).all()


def test_pseudonyms_differ_between_companies_and_stay_stable(
    app, sentinel_person, employer, make_company
):
    from marketplace.privacy.disclosure import pseudonym_code

    other = make_company(name="Andet")
    with app.test_request_context():
        mine = pseudonym_code(sentinel_person.id, employer.organisation_id)
        assert mine == pseudonym_code(sentinel_person.id, employer.organisation_id)
        assert mine != pseudonym_code(sentinel_person.id, other.id)


def test_consultants_of_another_jobcentre_get_404(
    app, client, consultant, sentinel_person, trial_job, login, make_jobcentre, make_user
):
    login(consultant)
    propose(client, trial_job, sentinel_person)
    proposal = db.session.scalar(select(Proposal))
    outsider = make_user(make_jobcentre(municipality_code=657))
    other = app.test_client()
    login(outsider, via=other)
    assert other.get(f"/proposals/{proposal.id}").status_code == 404
    assert other.get(f"/jobs/{trial_job.id}/propose/{sentinel_person.id}").status_code == 404
    token = csrf_token_from(other.get("/caseload"))
    for path in (
        f"/proposals/{proposal.id}/consent",
        f"/proposals/{proposal.id}/consent/withdraw",
        f"/proposals/{proposal.id}/withdraw",
    ):
        assert other.post(path, data={"csrf_token": token, "method": "phone"}).status_code == 404
    db.session.refresh(proposal)
    assert proposal.status == "waiting"


def test_the_company_job_list_counts_proposals(
    app, client, consultant, employer, sentinel_person, trial_job, login
):
    login(consultant)
    propose(client, trial_job, sentinel_person)
    company = app.test_client()
    login(employer, via=company)
    page = company.get("/company/jobs").get_data(as_text=True)
    assert '<a href="/company/proposals">1</a>' in page

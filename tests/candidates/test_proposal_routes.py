"""The consultant's proposal page (candidates/proposal_routes.py): while the company has not
answered, when the sweep will remind it and when the proposal expires."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from marketplace.extensions import db
from marketplace.i18n import _fmt_date
from marketplace.models import Candidate, Job, User
from marketplace.proposals import lifecycle as proposals
from tests.html_forms import text_of
from tests.pages import section


def test_a_waiting_proposal_shows_its_reminder_and_expiry_dates(
    app: Flask, jobcentre: FlaskClient, consultant: User, job: Job, person: Candidate
):
    with app.test_request_context():
        proposal = proposals.propose(job, person, consultant, "God til faste opgaver.")
    db.session.commit()
    answer = section(jobcentre.get(f"/proposals/{proposal.id}"), "answer-title")
    with app.test_request_context():
        remind = _fmt_date(proposal.created_at + timedelta(days=app.config["PROPOSAL_REMIND_DAYS"]))
        expire = _fmt_date(proposal.created_at + timedelta(days=app.config["PROPOSAL_EXPIRE_DAYS"]))
    assert f"Påmindelse til virksomheden</dt><dd>{remind}</dd>" in answer
    assert f"Udløber uden svar</dt><dd>{expire}</dd>" in answer


def test_an_answered_proposal_shows_no_deadlines(
    app: Flask, jobcentre: FlaskClient, consultant: User, employer: User, job: Job, person
):
    with app.test_request_context():
        proposal = proposals.propose(job, person, consultant, "God til faste opgaver.")
        proposals.accept(proposal, employer, proposal.created_at.date() + timedelta(days=7))
    db.session.commit()
    page = text_of(jobcentre.get(f"/proposals/{proposal.id}"))
    assert "Påmindelse til virksomheden" not in page
    assert "Udløber uden svar" not in page

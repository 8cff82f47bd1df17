"""How a notification reads (notifications.kinds.texts, with privacy.naming): it names the
person as its reader may see them, and the job, when it is shown, and dates in the reader's
language.

The company reads the pseudonym until the candidate's consent is in force and the name while
it is, on the page, in the e-mail and in the digest; the jobcentre reads the name. No name is
ever stored in a company's notification.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from marketplace import queue
from marketplace.agreements.parties import tell
from marketplace.extensions import db
from marketplace.models import (
    AccessLogEntry,
    ConsentMethod,
    Notification,
    Placement,
    Side,
    User,
)
from marketplace.notifications import delivery
from marketplace.notifications.outbox import notify
from marketplace.privacy import disclosure
from marketplace.privacy.disclosure import pseudonym
from tests.accounts import mails, plain_text
from tests.factories.caseload import CANDIDATE_NAME

INBOX = "/notifications/"
PSEUDONYM = re.compile(r"Kandidat [2-9A-Z]{5}")


def inbox_text(client: FlaskClient) -> str:
    response = client.get(INBOX)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def mail_text(outbox, to: str) -> str:
    """What the recipient reads of every mail to them: subjects and text parts."""
    return "\n".join(
        f"{mail['Subject']}\n"
        + "\n".join(p.get_content() for p in mail.walk() if p.get_content_maintype() == "text")
        for mail in mails(outbox)
        if mail["To"] == to
    )


def ended(placement: Placement) -> None:
    """A notification to the company about the placement, as the ladder writes it."""
    tell(placement, Side.COMPANY, "placement_ended", by="Jobcenter Ringkøbing-Skjern")
    db.session.flush()


def names_logged(user: User) -> int:
    return db.session.scalar(
        select(func.count(AccessLogEntry.id)).where(
            AccessLogEntry.viewer_id == user.id, AccessLogEntry.seen == "name"
        )
    )


def test_company_reads_the_pseudonym_and_the_job_before_consent(
    app, company, employer, place, outbox
):
    placement = place()
    ended(placement)
    db.session.commit()
    queue.run_inprocess_tasks()
    alias = pseudonym(placement.candidate_id, placement.company_id)

    page = inbox_text(company)
    assert f"{alias}, {placement.job.title}" in page
    assert CANDIDATE_NAME not in page
    told = mail_text(outbox, employer.email)
    assert f"{alias}, {placement.job.title}" in told
    assert CANDIDATE_NAME not in told
    assert names_logged(employer) == 0


def test_a_later_consent_shows_the_name_in_older_notifications_and_a_withdrawal_hides_it(
    app, company, employer, consultant, place
):
    placement = place()
    ended(placement)  # written before the consent
    alias = pseudonym(placement.candidate_id, placement.company_id)
    assert CANDIDATE_NAME not in inbox_text(company)

    with app.test_request_context():
        disclosure.record_consent(placement.proposal, consultant, ConsentMethod.PHONE)
    db.session.flush()
    page = inbox_text(company)
    assert f"{CANDIDATE_NAME}, {placement.job.title}" in page  # the older one names them now
    assert names_logged(employer) == 1  # the page showed the name once: logged once

    with app.test_request_context():
        disclosure.withdraw_consent(placement.proposal, consultant)
    db.session.flush()
    page = inbox_text(company)
    assert CANDIDATE_NAME not in page
    assert alias in page


def test_no_name_is_stored_in_a_companys_notification(app, employer, consultant, place):
    placement = place(consent=True)
    ended(placement)
    rows = db.session.scalars(
        select(Notification).where(Notification.recipient_id == employer.id)
    ).all()
    assert rows
    for row in rows:
        assert CANDIDATE_NAME not in str(row.params), row.kind


def test_the_company_mail_and_digest_name_the_person_after_consent(
    app, employer, consultant, place, outbox
):
    placement = place(consent=True)
    ended(placement)
    db.session.commit()
    queue.run_inprocess_tasks()
    told = mail_text(outbox, employer.email)
    assert f"{CANDIDATE_NAME}, {placement.job.title}" in told

    employer.email_preference = "daily"
    ended(placement)
    db.session.commit()
    delivery.send_digest(employer.id)
    (digest,) = [
        m for m in mails(outbox) if m["To"] == employer.email and "notifikation" in m["Subject"]
    ]
    assert f"{CANDIDATE_NAME}, {placement.job.title}" in plain_text(digest)


def test_another_company_without_consent_never_reads_the_name(
    app, client, login, consultant, place, make_job, other_employer, outbox
):
    """Consent for one company does not name the person to another, on the page, in the mail
    or in the digest."""
    first = place(consent=True)  # the person consented for the first company
    other_job = make_job(other_employer.organisation, other_employer)
    second = place(candidate=first.candidate, of_job=other_job, by=other_employer)
    ended(second)
    db.session.commit()
    queue.run_inprocess_tasks()
    other_employer.email_preference = "daily"
    ended(second)
    db.session.commit()
    delivery.send_digest(other_employer.id)

    login(other_employer)
    page = inbox_text(client)
    assert PSEUDONYM.search(page)
    assert CANDIDATE_NAME not in page
    told = mail_text(outbox, other_employer.email)
    assert pseudonym(first.candidate_id, other_job.company_id) in told
    assert CANDIDATE_NAME not in told
    assert names_logged(other_employer) == 0


def test_the_jobcentre_reads_the_name_job_and_company(app, jobcentre, consultant, place, outbox):
    placement = place()
    tell(placement, Side.JOBCENTRE, "placement_ended", by="Brugsen Skjern")
    db.session.commit()
    queue.run_inprocess_tasks()
    label = f"{CANDIDATE_NAME}, {placement.job.title}, {placement.company.name}"
    assert label in inbox_text(jobcentre)
    assert label in mail_text(outbox, consultant.email)
    # The proposal's answer names the person too (it was written with the company's name).
    assert f"har accepteret {CANDIDATE_NAME} til {placement.job.title}" in inbox_text(jobcentre)
    assert names_logged(consultant) >= 2  # the page and the e-mail each logged their showing


def test_dates_read_in_danish_on_the_page_and_in_the_mail(
    app, jobcentre, company, employer, consultant, place, outbox
):
    placement = place()
    tell(placement, Side.COMPANY, "trial_ending", day=date(2026, 12, 7).strftime("%d.%m.%Y"))
    placement.proposal.suggested_start = date(2026, 12, 7)
    db.session.commit()
    queue.run_inprocess_tasks()
    assert "7. dec. 2026" in inbox_text(company)
    assert "07.12.2026" not in inbox_text(company)
    assert "7. dec. 2026" in mail_text(outbox, employer.email)
    # The consultant's "accepted, with a trial visit from …" in Danish, not 2026-12-07.
    page = inbox_text(jobcentre)
    assert "med snusepraktik fra 7. dec. 2026" in page
    assert "2026-12-07" not in page
    # The time a notification came, in Danish too ("4. dec. 2026 kl. 10.05").
    assert re.search(r"\d{1,2}\. [a-zæøå]{3}\. \d{4} kl\. \d{2}\.\d{2}", page)


@pytest.mark.parametrize(("locale", "expected"), [("en", "Dec 7, 2026")])
def test_dates_follow_the_readers_language(app, employer, place, outbox, locale, expected):
    employer.locale = locale
    placement = place()
    tell(placement, Side.COMPANY, "trial_ending", day="07.12.2026")
    db.session.commit()
    queue.run_inprocess_tasks()
    assert expected in mail_text(outbox, employer.email)


def test_a_page_of_placement_notifications_runs_the_same_queries_for_3_and_20(
    company, employer, place, count_queries
):
    placement = place(consent=True)
    for _ in range(3):
        ended(placement)
    company.get(INBOX)  # warm up
    with count_queries() as few:
        company.get(INBOX)
    for _ in range(17):
        notify([employer], "step_waiting", subject=placement, label="x")
    db.session.flush()
    with count_queries() as many:
        page = company.get(INBOX).get_data(as_text=True)
    assert page.count(CANDIDATE_NAME) >= 20
    # The first page also held the proposal's notifications (one more query for proposals);
    # the page of 20 placement ones must not cost more than that: no query per row.
    assert many.count <= few.count

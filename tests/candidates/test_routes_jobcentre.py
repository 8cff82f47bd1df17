"""The jobcentre admin's page (candidates/routes.py `jobcentre`): the outbox's health in
Danish (e-mails waiting, the oldest one's age, failures of the last 24 hours), for the admin
only."""

from __future__ import annotations

import re
from datetime import timedelta

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.models import EmailState
from marketplace.notifications.outbox import notify


def figures(page: str) -> dict[str, str]:
    return {
        term.strip(): re.sub(r"<[^>]+>", "", value).strip()
        for term, value in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page)
    }


def tell(user, age: timedelta, state: EmailState = EmailState.PENDING):
    (row,) = notify([user], "invitation_accepted", name="Kim Kollega")
    row.created_at = utcnow() - age
    row.email_state = state.value
    if state is EmailState.FAILED:
        row.email_attempts = 5
        row.email_last_error = "SMTPServerDisconnected: gone"
    return row


def test_the_admin_sees_the_outbox_health_in_danish(client, admin, consultant, login):
    tell(consultant, timedelta(hours=2, minutes=5))
    tell(consultant, timedelta(minutes=1))
    tell(consultant, timedelta(hours=3), EmailState.FAILED)
    tell(consultant, timedelta(days=3), EmailState.FAILED)  # failed, but not in the last day
    tell(consultant, timedelta(days=1), EmailState.SENT).email_sent_at = utcnow()
    db.session.commit()
    login(admin)
    shown = figures(client.get("/jobcentre").get_data(as_text=True))
    assert shown["E-mails, der venter på at blive sendt"] == "2"
    assert shown["Ældste ventende e-mail"] == "2 timer"
    assert shown["Mislykkede e-mails skrevet det seneste døgn"] == "1"


def test_with_nothing_waiting_the_page_says_so(client, admin, login):
    login(admin)
    shown = figures(client.get("/jobcentre").get_data(as_text=True))
    assert shown["E-mails, der venter på at blive sendt"] == "0"
    assert shown["Ældste ventende e-mail"] == "ingen venter"
    assert shown["Mislykkede e-mails skrevet det seneste døgn"] == "0"


def test_a_consultant_cannot_see_the_outbox_health(client, consultant, login):
    tell(consultant, timedelta(hours=2))
    db.session.commit()
    login(consultant)
    response = client.get("/jobcentre")
    assert response.status_code == 403
    assert "venter på at blive sendt" not in response.get_data(as_text=True)

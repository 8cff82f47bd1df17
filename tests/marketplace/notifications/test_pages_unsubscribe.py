"""One-click unsubscribe (RFC 8058): the address in an e-mail's List-Unsubscribe header.

A mail client POSTs "List-Unsubscribe=One-Click" to it with no session and no CSRF token; the
signed token is the check. GET only asks. What it sets is the settings page's "no e-mail".
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer

from marketplace import queue
from marketplace.extensions import db
from marketplace.models import EmailState, User
from marketplace.notifications import unsubscribe
from marketplace.notifications.outbox import notify
from tests.accounts import mails
from tests.support import submit

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def unsubscribe_path(outbox, to: str) -> str:
    """The path of the List-Unsubscribe address in the newest mail to `to`."""
    for message in reversed(mails(outbox)):
        if message["To"] == to and message["List-Unsubscribe"]:
            return urlsplit(message["List-Unsubscribe"].strip("<>")).path
    raise AssertionError(f"no List-Unsubscribe in a mail to {to}")


def preference(user: User) -> str:
    db.session.refresh(user)
    return user.email_preference


@pytest.fixture
def mailed(app, employer: User, outbox) -> str:
    """An ordinary notification e-mailed to the employer; the path its header offers."""
    notify([employer], "invitation_accepted", name="Karen Bæk")
    db.session.commit()
    queue.run_inprocess_tasks()
    return unsubscribe_path(outbox, employer.email)


def test_a_mail_clients_one_click_post_stops_the_mail_without_login_or_csrf(
    app, client: FlaskClient, employer, mailed, outbox
):
    assert app.config["WTF_CSRF_ENABLED"] is not False  # CSRF is on: the route is exempt
    response = client.post(mailed, data=ONE_CLICK)
    assert response.status_code == 200
    assert preference(employer) == "off"
    # What it stops: the next ordinary notification is not e-mailed; urgent mail still is.
    (later,) = notify([employer], "invitation_accepted", name="Kim")
    (_urgent,) = notify([employer], "password_changed")
    db.session.commit()
    queue.run_inprocess_tasks()
    assert later.email_state == EmailState.SKIPPED
    subjects = [m["Subject"] for m in mails(outbox)]
    assert "Din adgangskode til Småjob er ændret" in subjects
    assert subjects.count("Kim er kommet med på Småjob") == 0


def test_opening_the_address_asks_and_changes_nothing(client, employer, mailed):
    page = client.get(mailed)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'<form method="post" action="{mailed}">' in text
    assert "Stop e-mailene" in text
    assert preference(employer) == "immediate"
    # The person presses the button (a plain form POST, no CSRF token): done.
    done = client.post(mailed)
    assert done.status_code == 200
    assert "Du får ikke flere e-mails" in done.get_data(as_text=True)
    assert preference(employer) == "off"
    assert "allerede" in client.get(mailed).get_data(as_text=True)


def test_the_settings_page_shows_the_choice_and_can_undo_it(client, employer, login, mailed):
    client.post(mailed, data=ONE_CLICK)
    login(employer)
    page = client.get("/notifications/settings").get_data(as_text=True)
    checked = [tag for tag in re.findall(r"<input[^>]*>", page) if " checked" in tag]
    assert len(checked) == 1
    assert 'value="off"' in checked[0]
    assert (
        submit(client, "/notifications/settings", {"email_preference": "immediate"}).status_code
        == 302
    )
    assert preference(employer) == "immediate"


@pytest.mark.parametrize("forged", ["not-a-token", "WzEsICJ4Il0.forged"])
def test_a_forged_address_is_refused(client, employer, forged):
    assert client.post(f"/notifications/unsubscribe/{forged}", data=ONE_CLICK).status_code == 404
    assert client.get(f"/notifications/unsubscribe/{forged}").status_code == 404
    assert preference(employer) == "immediate"


def test_a_token_signed_for_something_else_is_refused(app, client, employer):
    """Another of the app's signed tokens (another salt) cannot stop anyone's mail."""
    other = URLSafeSerializer(app.config["SECRET_KEY"], salt="hours-week-link").dumps(
        [employer.id, "digest"]
    )
    assert client.post(f"/notifications/unsubscribe/{other}", data=ONE_CLICK).status_code == 404
    assert preference(employer) == "immediate"


def test_the_address_is_the_recipients_own(app, client, employer, colleague, mailed):
    client.post(mailed, data=ONE_CLICK)
    assert preference(employer) == "off"
    assert preference(colleague) == "immediate"
    with app.test_request_context():
        assert unsubscribe.of_token(unsubscribe.token_for(colleague, "x")).user == colleague


def test_the_address_is_rate_limited(app, client, employer, mailed):
    before = app.config["UNSUBSCRIBE_LIMIT_PER_ADDRESS"]
    app.config["UNSUBSCRIBE_LIMIT_PER_ADDRESS"] = "3 per minute"
    try:
        codes = [client.post(mailed, data=ONE_CLICK).status_code for _ in range(4)]
    finally:
        app.config["UNSUBSCRIBE_LIMIT_PER_ADDRESS"] = before
    assert codes == [200, 200, 200, 429]

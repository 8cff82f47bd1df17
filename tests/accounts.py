"""Helpers for the account tests: the two steps of a company's sign-up, and its e-mails."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support import csrf_token_from, submit, valid_cvr

SIGNUP_PASSWORD = "hylderne fyldes tirsdag"
# Any host: the test client's localhost, or the live server of the browser tests.
SIGNUP_LINK = re.compile(r"https?://[^/\s]+(/signup/confirm/\S+)")


def signup_form(**changes: object) -> dict[str, object]:
    """Step 1 of a company's sign-up, as typed by Hanne (a fresh CVR number each time)."""
    form: dict[str, object] = {
        "company_name": "Brugsen Skjern",
        "cvr": valid_cvr(),
        "address": "Storegade 12",
        "postcode": "6900",
        "city": "Skjern",
        "municipality": "760",
        "employee_count": "14",
        "name": "Hanne Kjær",
        "email": "hanne@brugsen.example",
    }
    form.update(changes)
    return form


def mails(outbox: Path) -> list[EmailMessage]:
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for path in sorted(outbox.glob("*.eml"))
    ]


def plain_text(mail: EmailMessage) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


def signup_link(outbox: Path, to: str) -> str:
    """The path of the newest sign-up link e-mailed to `to`."""
    for mail in reversed(mails(outbox)):
        found = SIGNUP_LINK.search(plain_text(mail))
        if mail["To"] == to and found:
            return found.group(1)
    raise AssertionError(f"no sign-up link to {to}")


def finish_signup(client: FlaskClient, link: str, password: str = SIGNUP_PASSWORD) -> TestResponse:
    """Step 2: open the e-mailed link and choose the password."""
    page = client.get(link)
    assert page.status_code == 200, page.status_code
    form = {"password": password, "password_confirm": password}
    return client.post(link, data={**form, "csrf_token": csrf_token_from(page)})


def sign_up(client: FlaskClient, outbox: Path, **changes: object) -> TestResponse:
    """Both steps, as a new company does; returns the answer to the password page."""
    form = signup_form(**changes)
    assert submit(client, "/signup", form).status_code == 302
    return finish_signup(client, signup_link(outbox, str(form["email"]).lower()))

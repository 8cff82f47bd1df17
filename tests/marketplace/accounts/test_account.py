"""Changing one's own password: the old one is needed, the new one is checked, and every other
session of the user ends while the one that changed it stays."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Notification, User, UserSession
from tests.accounts import mails, plain_text
from tests.conftest import PASSWORD
from tests.html_forms import field_error
from tests.support import csrf_token_from, submit

URL = "/account/password"
NEW_PASSWORD = "grøn kaffe på tirsdag morgen"
HOMES = {"employer": "/company/", "consultant": "/placements", "admin": "/jobcentre"}


def change(client, current: str = PASSWORD, new: str = NEW_PASSWORD, repeat: str | None = None):
    form = {"current_password": current, "password": new, "password_confirm": repeat or new}
    return submit(client, URL, form)


def live_sessions(user: User) -> int:
    return len(
        db.session.scalars(
            select(UserSession).where(
                UserSession.user_id == user.id, UserSession.ended_at.is_(None)
            )
        ).all()
    )


@pytest.mark.parametrize("who", ["employer", "consultant", "admin"])
def test_every_role_finds_the_page_in_the_header(request, client, login, who):
    user = request.getfixturevalue(who)
    login(user)
    home = client.get(HOMES[who]).get_data(as_text=True)
    assert f'href="{URL}"' in home
    page = client.get(URL)
    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.get_data(as_text=True)


def test_success_ends_every_other_session_but_this_one(app, client, employer, login, outbox):
    phone, laptop = app.test_client(), app.test_client()
    login(employer, via=phone)
    login(employer, via=laptop)
    login(employer)
    assert live_sessions(employer) == 3

    response = change(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/company/"
    assert client.get("/company/").status_code == 200  # this one stays
    for other in (phone, laptop):
        assert other.get("/company/").headers["Location"].startswith("/login")
    assert live_sessions(employer) == 1

    # The new password logs in; the old one no longer does.
    fresh = app.test_client()
    refused = submit(fresh, "/login", {"email": employer.email, "password": PASSWORD})
    assert refused.status_code == 200
    login(employer, NEW_PASSWORD, via=fresh)

    # The user is told, by e-mail and on the notifications page.
    (mail,) = mails(outbox)
    assert mail["To"] == employer.email
    assert "adgangskode" in mail["Subject"].lower()
    assert "logget ud" in plain_text(mail)
    told = db.session.scalar(
        select(Notification).where(
            Notification.recipient_id == employer.id, Notification.kind == "password_changed"
        )
    )
    assert told is not None


def test_a_wrong_current_password_changes_nothing(app, client, employer, login, outbox):
    other = app.test_client()
    login(employer, via=other)
    login(employer)
    before = db.session.get(User, employer.id).password_hash
    response = change(client, current="not my password at all")
    assert response.status_code == 200
    assert field_error(response, "current_password")
    db.session.expire_all()
    assert db.session.get(User, employer.id).password_hash == before
    assert other.get("/company/").status_code == 200  # no session ended
    assert not mails(outbox)


@pytest.mark.parametrize(
    ("new", "field"),
    [
        ("qwertyuiopas", "password"),
        ("kort", "password"),
        (PASSWORD, "password"),  # the same as now
        ("Brugsen Skjern 2026", "password"),  # the company's name
    ],
)
def test_a_weak_new_password_is_refused(client, employer, login, outbox, new, field):
    login(employer)
    before = db.session.get(User, employer.id).password_hash
    response = change(client, new=new)
    assert response.status_code == 200
    assert field_error(response, field)
    db.session.expire_all()
    assert db.session.get(User, employer.id).password_hash == before
    assert not mails(outbox)


def test_the_repeat_must_match(client, employer, login):
    login(employer)
    response = change(client, repeat="something else entirely here")
    assert field_error(response, "password_confirm")


def test_a_post_without_the_csrf_token_is_refused(app, client, employer, login):
    login(employer)
    form = {
        "current_password": PASSWORD,
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    assert client.post(URL, data=form).status_code == 400
    form["csrf_token"] = "forged"
    assert client.post(URL, data=form).status_code == 400
    login(employer, via=app.test_client())  # the old password still works


def test_logged_out_visitors_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert client.post(URL, data={}).status_code in {302, 400}


def test_guessing_the_current_password_is_limited(app, client, employer, login):
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    login(employer)
    token = csrf_token_from(client.get(URL))

    def attempt(current: str, new: str = NEW_PASSWORD):
        form = {"current_password": current, "password": new, "password_confirm": new}
        return client.post(URL, data={**form, "csrf_token": token})

    # Refusals of a weak new password are not guesses and do not count.
    for _ in range(limit + 2):
        assert attempt(PASSWORD, new="qwertyuiopas").status_code == 200
    for n in range(limit):
        assert attempt(f"guess number {n}").status_code == 200
    assert attempt("one guess too many").status_code == 429
    assert attempt(PASSWORD).status_code == 429  # even the right one, until the window ends

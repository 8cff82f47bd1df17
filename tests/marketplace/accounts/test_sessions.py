"""Login, logout, sessions and rate limits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Role, UserSession
from tests.conftest import PASSWORD
from tests.support import csrf_token_from, submit


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.EMPLOYER, "/company/"),
        (Role.CONSULTANT, "/placements"),
        (Role.ADMIN, "/jobcentre"),
    ],
)
def test_each_role_lands_on_its_home(
    client, login, role, home, make_user, make_company, make_jobcentre
):
    organisation = make_company() if role is Role.EMPLOYER else make_jobcentre()
    user = make_user(organisation, role)
    assert login(user).headers["Location"] == home
    assert client.get(home).status_code == 200
    assert client.get("/").headers["Location"] == home


def test_wrong_password_is_refused_and_keeps_email(client, employer):
    response = submit(client, "/login", {"email": employer.email, "password": "not the password"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Forkert e-mail eller adgangskode" in page or "Wrong e-mail or password" in page
    assert f'value="{employer.email}"' in page
    assert client.get("/company/").status_code == 302


def _error_summary(response) -> str:
    page = response.get_data(as_text=True)
    start = page.index('<div class="error-summary"')
    return page[start : page.index("</div>", start)]


def test_unknown_email_gets_the_same_answer(client, employer):
    known = submit(client, "/login", {"email": employer.email, "password": "x" * 12})
    unknown = submit(client, "/login", {"email": "nobody@test.example", "password": "x" * 12})
    assert _error_summary(known) == _error_summary(unknown)


def test_empty_login_form_shows_field_messages(client):
    response = submit(client, "/login", {"email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="email-error"' in page
    assert 'id="password-error"' in page
    assert 'aria-invalid="true"' in page


def test_login_without_csrf_token_is_refused(client, employer):
    response = client.post("/login", data={"email": employer.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/company/").status_code == 302


def test_email_is_case_insensitive(client, employer):
    response = submit(client, "/login", {"email": employer.email.upper(), "password": PASSWORD})
    assert response.status_code == 302


def test_deactivated_user_cannot_log_in(client, employer):
    employer.active = False
    db.session.flush()
    response = submit(client, "/login", {"email": employer.email, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/company/").status_code == 302


def test_session_is_renewed_at_login(client, employer):
    client.get("/login")
    with client.session_transaction() as before:
        anonymous_token = before["csrf_token"]
    submit(client, "/login", {"email": employer.email, "password": PASSWORD})
    with client.session_transaction() as after:
        # Nothing of the anonymous session survives: a planted session cannot be upgraded.
        assert after.get("csrf_token") != anonymous_token
        assert "_user_id" in after


def test_copied_session_cookie_fails_after_logout(app, client, employer, login):
    login(employer)
    stolen = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/company/").status_code == 200  # the copy works while the owner is in

    page = client.get("/company/")
    response = client.post("/logout", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302

    assert thief.get("/company/").status_code == 302  # ...and not after logout
    assert thief.get("/company/").headers["Location"].startswith("/login")
    ended = db.session.scalars(select(UserSession).where(UserSession.user_id == employer.id)).all()
    assert [s.ended_at is not None for s in ended] == [True]


def test_logout_needs_post_with_csrf(client, employer, login):
    login(employer)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/company/").status_code == 200


def test_tampered_session_cookie_is_anonymous(client, employer, login):
    login(employer)
    value = client.get_cookie("session").value
    client.set_cookie("session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    response = client.get("/company/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_garbage_session_cookie_is_anonymous(client):
    client.set_cookie("session", "not-a-session")
    assert client.get("/login").status_code == 200
    assert client.get("/company/").status_code == 302


def test_eleventh_quick_failed_login_for_one_account_is_refused(client, employer):
    page = client.get("/login")
    token = csrf_token_from(page)
    for attempt in range(10):
        response = client.post(
            "/login",
            data={"email": employer.email, "password": f"wrong {attempt}", "csrf_token": token},
            environ_base={"REMOTE_ADDR": f"10.0.0.{attempt + 1}"},  # spread over addresses
        )
        assert response.status_code == 200
    refused = client.post(
        "/login",
        data={"email": employer.email, "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers or "X-RateLimit-Reset" in refused.headers
    # Another account from the same address is still let in.
    assert client.get("/company/").status_code == 302


def test_an_app_built_without_limits_leaves_them_on_for_the_others(
    client, employer, make_app, database_url
):
    # The benches build apps with RATELIMIT_ENABLED false inside the tests' process; the one
    # shared Limiter once took that for every app, and every later limit test got 200s.
    unlimited = make_app(database_url, RATELIMIT_ENABLED=False).test_client()
    token = csrf_token_from(unlimited.get("/login"))
    wrong = {"email": "nobody@example.dk", "password": "wrong-password", "csrf_token": token}
    assert {unlimited.post("/login", data=wrong).status_code for _ in range(12)} == {200}

    token = csrf_token_from(client.get("/login"))
    wrong = {"email": employer.email, "password": "wrong-password", "csrf_token": token}
    statuses = [client.post("/login", data=wrong).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]


def test_successful_logins_do_not_use_up_the_limit(client, employer, login, app):
    for _ in range(12):
        login(employer, via=app.test_client())


def test_failed_logins_are_limited_per_address(client, make_company, make_user):
    users = [make_user(make_company(name=f"Firma {i}")) for i in range(6)]
    token = csrf_token_from(client.get("/login"))
    statuses = []
    for attempt in range(51):
        response = client.post(
            "/login",
            data={"email": users[attempt % 6].email, "password": "wrong" * 3, "csrf_token": token},
            environ_base={"REMOTE_ADDR": "192.0.2.7"},
        )
        statuses.append(response.status_code)
    # No account reached its own limit of 10; the address reached its limit of 50.
    assert statuses[:50] == [200] * 50
    assert statuses[50] == 429


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/team", "/team"),
        ("/company/?tab=1", "/company/?tab=1"),
        ("https://evil.example/", "/company/"),
        ("//evil.example/", "/company/"),
        ("/\\evil.example", "/company/"),
        ("javascript:alert(1)", "/company/"),
    ],
)
def test_next_goes_only_to_a_relative_path(client, employer, target, expected):
    page = client.get("/login", query_string={"next": target})
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": employer.email, "password": PASSWORD, "csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_a_protected_page_sends_to_login_with_next(client):
    response = client.get("/company/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")

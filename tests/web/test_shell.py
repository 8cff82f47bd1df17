"""The page shell: headers, cookies, language, error pages, health."""

from __future__ import annotations

import pytest
from flask import Flask

from marketplace.web.access import public
from tests.support import csrf_token_from, submit


def test_security_headers_on_every_response(client):
    for path in ["/login", "/healthz", "/does-not-exist", "/static/css/main.css"]:
        with client.get(path) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_with_personal_data_are_not_cached(client, employer, login):
    login(employer)
    assert client.get("/company/").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_samesite_and_secure_outside_debug(make_app, database_url):
    app = make_app(database_url, SESSION_COOKIE_SECURE=None)  # the default: secure unless debug
    cookie = app.test_client().get("/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie


def test_page_shell_has_landmarks_skip_link_and_lang(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="da">' in page
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert "<header" in page
    assert "<footer" in page


def test_inputs_have_labels_tied_to_them(client):
    page = client.get("/signup").get_data(as_text=True)
    import re

    inputs = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', page)
    visible = [i for i in inputs if i not in {"csrf_token", "next"}]
    assert visible
    for field_id in visible:
        assert f'for="{field_id}"' in page, field_id


def test_language_switch_sticks_to_the_account(app, client, employer, login):
    login(employer)
    page = client.get("/company/")
    response = client.post(
        "/language",
        data={"locale": "en", "next": "/company/", "csrf_token": csrf_token_from(page)},
    )
    assert response.headers["Location"] == "/company/"
    assert '<html lang="en">' in client.get("/company/").get_data(as_text=True)

    other_device = app.test_client()
    login(employer, via=other_device)
    assert '<html lang="en">' in other_device.get("/company/").get_data(as_text=True)


def test_anonymous_language_choice_is_kept_in_the_session(client):
    response = submit(client, "/language", {"locale": "en", "next": "/login"}, page="/login")
    assert response.headers["Location"] == "/login"
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


def test_language_switch_ignores_foreign_next_and_unknown_locale(client):
    response = submit(
        client, "/language", {"locale": "xx", "next": "https://evil.example/"}, page="/login"
    )
    assert response.headers["Location"] == "/"
    assert '<html lang="da">' in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("code", [404])
def test_error_pages_are_translated(client, code):
    danish = client.get("/no-such-page")
    assert danish.status_code == code
    assert '<html lang="da">' in danish.get_data(as_text=True)
    assert "Siden findes ikke" in danish.get_data(as_text=True)
    submit(client, "/language", {"locale": "en", "next": "/login"}, page="/login")
    english = client.get("/no-such-page")
    assert "Page not found" in english.get_data(as_text=True)


def test_500_page_is_friendly_and_rolls_back(make_app, database_url):
    app: Flask = make_app(database_url)

    @public
    def explode() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/explode", "explode", explode)
    response = app.test_client().get("/explode")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "boom" not in page
    assert "Traceback" not in page
    assert '<html lang="da">' in page


def test_405_and_400_are_pages_not_crashes(client):
    assert client.put("/login").status_code == 405
    assert client.post("/signup", data={"csrf_token": "forged"}).status_code == 400


def test_healthz_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == {"ok": True}
    assert body["queue"]["mode"] in {"in-process", "rq"}
    assert body["queue"]["ok"] is True
    assert body["status"] == "ok"


def test_static_files_are_vendored_not_from_a_cdn(client):
    page = client.get("/login").get_data(as_text=True)
    assert "https://" not in page.split("<body")[0]

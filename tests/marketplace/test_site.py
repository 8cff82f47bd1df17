"""The page shell every user meets: security headers, cookies, landmarks and labels, the
language switch (marketplace/site.py), the health check and vendored static files.

The error pages are in test_errors.py."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support import csrf_token_from, submit

REFUSED_DATABASE = "postgresql+psycopg://postgres:secret-password@127.0.0.1:1/smajob"


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word: a server that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()  # the waiting clients are reset, so no thread is left hanging


def timed_get(client, path: str, limit: float) -> tuple[object, float]:
    """GET in a thread, given up after `limit` seconds (a hang fails the test, not the run)."""
    result: dict[str, object] = {}

    def fetch() -> None:
        result["response"] = client.get(path)

    started = time.monotonic()
    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    worker.join(limit)
    elapsed = time.monotonic() - started
    assert not worker.is_alive(), f"{path} did not answer within {limit} s"
    return result["response"], elapsed


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


def test_healthz_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == {"ok": True}
    assert body["queue"]["mode"] in {"in-process", "rq"}
    assert body["queue"]["ok"] is True
    assert body["status"] == "ok"
    assert body["down"] == []


def test_healthz_names_the_database_when_it_is_down(make_app):
    response = make_app(REFUSED_DATABASE).test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["down"] == ["database"]
    assert body["database"]["ok"] is False
    assert body["outbox"] is None
    text = response.get_data(as_text=True)
    assert "secret-password" not in text
    assert "127.0.0.1" not in text


def test_healthz_names_redis_when_it_is_down(make_app, database_url):
    app = make_app(database_url, REDIS_URL="redis://:secret-password@127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["down"] == ["redis"]
    assert body["database"] == {"ok": True}
    assert "secret-password" not in response.get_data(as_text=True)


def test_healthz_answers_within_seconds_when_the_database_hangs(make_app):
    with silent_server() as port:
        app = make_app(f"postgresql+psycopg://postgres@127.0.0.1:{port}/smajob")
        response, elapsed = timed_get(app.test_client(), "/healthz", limit=8)
    assert response.status_code == 503
    assert response.get_json()["down"] == ["database"]
    assert elapsed < 3.5  # the probe's connect timeout is 2 s (libpq's least)


def test_healthz_answers_within_seconds_when_redis_hangs(make_app, database_url):
    with silent_server() as port:
        app = make_app(database_url, REDIS_URL=f"redis://127.0.0.1:{port}/0")
        response, elapsed = timed_get(app.test_client(), "/healthz", limit=8)
    assert response.status_code == 503
    assert response.get_json()["down"] == ["redis"]
    assert elapsed < 2


def test_static_files_are_vendored_not_from_a_cdn(client):
    page = client.get("/login").get_data(as_text=True)
    assert "https://" not in page.split("<body")[0]

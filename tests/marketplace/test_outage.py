"""The outage page (marketplace/errors.py): with the database down, every request gets a
translated 503 with Retry-After, rendered without touching the database again; a Redis outage
for the rate limits is no error at all.

The app's engine points at a dead server: a PostgreSQL port nothing listens on (the
connection is refused) or an SQLite file that cannot be opened (its path is a folder)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from marketplace.extensions import db, limiter
from marketplace.models import User
from marketplace.web.access import public
from tests.support import csrf_token_from

DANISH = "Småjob er midlertidigt utilgængelig"
ENGLISH = "Småjob is temporarily unavailable"
REFUSED = "postgresql+psycopg://postgres@127.0.0.1:1/smajob"


@pytest.fixture(params=["postgresql-refused", "sqlite-unopenable"])
def dead_app(request: pytest.FixtureRequest, make_app: Callable[..., Flask], tmp_path: Path):
    url = REFUSED if request.param == "postgresql-refused" else f"sqlite:///{tmp_path}"
    return make_app(url)


@contextmanager
def connect_attempts(app: Flask) -> Iterator[list[object]]:
    """Every attempt to open a database connection (a query needs one), failed or not."""
    with app.app_context():
        engine = db.engine
    attempts: list[object] = []

    def count(*_args: object) -> None:
        attempts.append(_args)

    event.listen(engine, "do_connect", count)
    try:
        yield attempts
    finally:
        event.remove(engine, "do_connect", count)


def assert_outage_page(response, text: str = DANISH) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert text in page
    assert "Internal Server Error" not in page
    assert "Traceback" not in page


@pytest.fixture
def logged_in_cookie(client: FlaskClient, employer: User, login) -> tuple[str, str]:
    """The session cookie of an employer who logged in while the database was up, and the
    CSRF token of a page she saw then."""
    login(employer)
    token = csrf_token_from(client.get("/company/"))
    return client.get_cookie("session").value, token


def test_pages_answer_503_in_danish_and_query_no_more_after_the_failure(dead_app):
    browser = dead_app.test_client()
    for path in ["/signup", "/login", "/", "/no-such-page", "/company/"]:
        with connect_attempts(dead_app) as attempts:
            response = browser.get(path)
        assert_outage_page(response)
        assert '<html lang="da">' in response.get_data(as_text=True)
        # One try that failed, and nothing after it: the page itself asks the database nothing.
        assert len(attempts) == 1, path


def test_a_logged_in_user_gets_the_page_not_a_crash(dead_app, logged_in_cookie):
    cookie, _token = logged_in_cookie
    for path in ["/company/", "/notifications/", "/no-such-page"]:
        browser = dead_app.test_client()  # a fresh process state is not needed: a new browser
        browser.set_cookie("session", cookie)
        with connect_attempts(dead_app) as attempts:
            response = browser.get(path)
        assert_outage_page(response)
        assert len(attempts) == 1, path


def test_actions_answer_503_too(dead_app, logged_in_cookie):
    cookie, token = logged_in_cookie
    browser = dead_app.test_client()
    browser.set_cookie("session", cookie)
    for path, data in [
        ("/language", {"locale": "en", "next": "/company/"}),
        ("/logout", {}),
    ]:
        with connect_attempts(dead_app) as attempts:
            response = browser.post(path, data={**data, "csrf_token": token})
        assert_outage_page(response)
        assert len(attempts) == 1, path


def test_a_login_attempt_answers_503(dead_app, client):
    token = csrf_token_from(client.get("/login"))
    browser = dead_app.test_client()
    browser.set_cookie("session", client.get_cookie("session").value)
    response = browser.post(
        "/login", data={"email": "a@example.dk", "password": "x" * 12, "csrf_token": token}
    )
    assert_outage_page(response)


def test_the_language_comes_from_the_cookie_or_the_browser(dead_app, client):
    english_browser = dead_app.test_client()
    response = english_browser.get("/signup", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert_outage_page(response, ENGLISH)
    assert '<html lang="en">' in response.get_data(as_text=True)

    # The choice made on the language switch (kept in the session cookie) wins.
    client.post(
        "/language",
        data={
            "locale": "en",
            "next": "/login",
            "csrf_token": csrf_token_from(client.get("/login")),
        },
    )
    chosen = dead_app.test_client()
    chosen.set_cookie("session", client.get_cookie("session").value)
    assert_outage_page(chosen.get("/signup", headers={"Accept-Language": "da"}), ENGLISH)


def test_head_and_json_requests_get_the_same_status(dead_app):
    browser = dead_app.test_client()
    head = browser.head("/signup")
    assert head.status_code == 503
    assert head.headers["Retry-After"] == "30"
    as_json = browser.get("/signup", headers={"Accept": "application/json"})
    assert as_json.status_code == 503
    assert as_json.headers["Retry-After"] == "30"
    assert as_json.get_json() == {"error": "unavailable", "retry_after": 30}


def test_pages_come_back_as_soon_as_the_database_answers(make_app, database_url):
    app = make_app(database_url)

    @public
    def lose_connection() -> str:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("down"))

    app.add_url_rule("/lose-connection", "lose_connection", lose_connection)
    browser = app.test_client()
    assert_outage_page(browser.get("/lose-connection"))
    # The next request finds the database up again: a normal page, no lasting outage.
    assert browser.get("/login").status_code == 200


def test_a_database_that_hangs_gives_the_page_within_seconds(make_app):
    """A server that accepts and never answers (a network that drops packets looks alike):
    without a connect timeout the request would wait until gunicorn killed the worker."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    app = make_app(
        f"postgresql+psycopg://postgres@127.0.0.1:{port}/smajob", DATABASE_CONNECT_TIMEOUT=2
    )
    answered: list[object] = []
    started = time.monotonic()
    asking = threading.Thread(target=lambda: answered.append(app.test_client().get("/signup")))
    asking.daemon = True
    asking.start()
    asking.join(10)
    elapsed = time.monotonic() - started
    listener.close()  # resets a client still waiting, so no thread is left behind
    assert answered, "no answer within 10 s"
    assert_outage_page(answered[0])
    assert elapsed < 4


@pytest.fixture
def limiter_restored(app: Flask) -> Iterator[None]:
    """The limiter is one object for every app: binding another app gives it that app's
    storage. Give the suite's app its own back, and forget the dead one."""
    yield
    limiter.init_app(app)
    limiter._storage_dead = False


def test_a_redis_outage_does_not_break_rate_limits(make_app, database_url, limiter_restored):
    # RATELIMIT_SWALLOW_ERRORS and the in-memory fallback come from the config (config.py):
    # the limiter keeps the first app's choice, the suite's app's.
    app = make_app(
        database_url,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
        LOGIN_LIMIT_PER_ADDRESS="3 per minute",
    )
    browser = app.test_client()
    token = csrf_token_from(browser.get("/login"))
    statuses = [
        browser.post(
            "/login",
            data={"email": "nobody@example.dk", "password": "wrong-password", "csrf_token": token},
        ).status_code
        for _ in range(5)
    ]
    # No 500: the limits fall back to this process's memory, and still hold there.
    assert statuses == [200, 200, 200, 429, 429]

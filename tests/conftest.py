"""Fixtures: one app and schema per run, each test in a transaction rolled back at its end.

CSRF stays on: tests fetch a page for its token the way a browser does (tests.support.submit).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

# Set before app.py is imported: its module-level app must not write a key file.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from app import create_app
from marketplace.extensions import db, limiter
from marketplace.models import (
    Candidate,
    Company,
    HourReminder,
    Job,
    Jobcentre,
    Phase,
    Placement,
    Role,
    User,
    Workplace,
)
from tests import factories, html_validation
from tests.databases import scratch_database
from tests.factories import PASSWORD as PASSWORD  # imported by the account tests

# The end-of-run validation of every page the test client renders (tests/html_validation.py).
from tests.html_validation import pytest_addoption as pytest_addoption
from tests.html_validation import pytest_configure as pytest_configure
from tests.html_validation import pytest_sessionfinish as pytest_sessionfinish
from tests.html_validation import pytest_terminal_summary as pytest_terminal_summary
from tests.support import counting_queries, missing_service, submit


def app_config(database_url: str, workdir: Path, **extra: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-only-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SESSION_COOKIE_SECURE": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 64,
        "MAIL_SERVER": None,
        "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
        # In-process tasks by default; the queue tests build apps of their own on Redis.
        "REDIS_URL": None,
        "RATELIMIT_STORAGE_URI": os.environ.get("TEST_REDIS_URL") or "memory://",
        # Each xdist worker counts under a prefix of its own: limiter.reset() at the start of
        # a test deletes only its worker's counters, never those of a test running beside it.
        "RATELIMIT_STORAGE_OPTIONS": {
            "key_prefix": f"LIMITER-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        },
        "SERVER_NAME": None,
        "BASE_URL": "http://localhost",
        **extra,
    }


# The older name, kept for helpers that import it; test modules use app_config (a name
# starting with "test" would be collected as a test).
test_config = app_config


class IsolatedClient(FlaskClient):
    """Each request gets a fresh app context, as in production.

    Without this, a request would reuse the test's own app context, sharing `g` (where
    Flask-WTF caches the CSRF token) and the database session across requests, and hide
    bugs that only show when every request starts clean.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        html_validation.record(response)  # validated with every other page at the run's end
        return response


def migrate_to_head(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("smajob")


@pytest.fixture(scope="session")
def database_url(workdir: Path) -> Iterator[str]:
    with scratch_database(workdir, "unit") as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url: str, workdir: Path) -> Iterator[Flask]:
    app = create_app(app_config(database_url, workdir))
    app.test_client_class = IsolatedClient
    migrate_to_head(app)
    # A session bound to a connection that is already in a transaction works inside a
    # SAVEPOINT, so a route's commit or rollback never ends the test's outer transaction.
    db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(app: Flask) -> Iterator[None]:
    """Each test runs inside one transaction that is rolled back at its end."""
    with app.app_context():
        engine = db.engines[None]
        connection = engine.connect()
        outer = connection.begin()
        db.engines[None] = connection  # type: ignore[index]
        try:
            limiter.reset()
            yield
        finally:
            db.session.remove()
            db.engines[None] = engine  # type: ignore[index]
            outer.rollback()
            connection.close()


@pytest.fixture
def make_app(workdir: Path) -> Iterator[Callable[..., Flask]]:
    """Another app (own settings or database); its connections are closed afterwards."""
    made: list[Flask] = []

    def make(database_url: str, **extra: Any) -> Flask:
        made.append(create_app(app_config(database_url, workdir, **extra)))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def scratch_app(
    workdir: Path, make_app: Callable[..., Flask]
) -> Callable[[str], AbstractContextManager[Flask]]:
    """An app on a migrated database of its own (named after `label`), for tests of two
    writers at once: the per-test transaction cannot hold them, as each writer needs its own
    connection that sees what the other committed."""

    @contextmanager
    def scratch(label: str) -> Iterator[Flask]:
        with scratch_database(workdir, label) as url:
            other = make_app(url)
            migrate_to_head(other)
            try:
                yield other
            finally:
                with other.app_context():
                    db.session.remove()
                    db.engine.dispose()

    return scratch


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def outbox(app: Flask) -> Path:
    path = Path(app.config["MAIL_OUTBOX_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.eml"):
        old.unlink()
    return path


@pytest.fixture
def make_jobcentre() -> Callable[..., Jobcentre]:
    return factories.make_jobcentre


@pytest.fixture
def make_company() -> Callable[..., Company]:
    return factories.make_company


@pytest.fixture
def make_user() -> Callable[..., User]:
    return factories.make_user


@pytest.fixture
def login(client: FlaskClient) -> Callable[..., Any]:
    def do_login(user: User, password: str = PASSWORD, via: FlaskClient | None = None) -> Any:
        response = submit(via or client, "/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do_login


@pytest.fixture
def make_workplace() -> Callable[..., Workplace]:
    return factories.make_workplace


@pytest.fixture
def make_job() -> Callable[..., Job]:
    """A job straight in the database (published by default), bypassing the form."""
    return factories.make_job


@pytest.fixture
def employer(make_company: Callable[..., Company], make_user: Callable[..., User]) -> User:
    return make_user(make_company())


@pytest.fixture
def consultant(make_jobcentre: Callable[..., Jobcentre], make_user: Callable[..., User]) -> User:
    return make_user(make_jobcentre(), Role.CONSULTANT)


@pytest.fixture
def admin(consultant: User, make_user: Callable[..., User]) -> User:
    return make_user(consultant.organisation, Role.ADMIN)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """Use as `with count_queries() as q: ...; assert q.count == n`."""

    def counter() -> Any:
        return counting_queries(db.engines[None])

    return counter


@pytest.fixture
def postgresql() -> None:
    """For tests of two concurrent writers: they need PostgreSQL (skipped locally without it,
    failing in CI)."""
    if not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres"):
        missing_service(
            "TEST_DATABASE_URL is not a PostgreSQL server: two concurrent writers need one "
            "(SQLite serialises every write)"
        )


# Users of another organisation, for the access tests: their ids must get a 404.


@pytest.fixture
def other_employer(make_company: Callable[..., Company], make_user: Callable[..., User]) -> User:
    return make_user(make_company(name="Andet Firma"))


@pytest.fixture
def other_jobcentre(make_jobcentre: Callable[..., Jobcentre]) -> Jobcentre:
    return make_jobcentre(municipality_code=657, name="Jobcenter Herning")


@pytest.fixture
def other_consultant(other_jobcentre: Jobcentre, make_user: Callable[..., User]) -> User:
    return make_user(other_jobcentre, Role.CONSULTANT)


@pytest.fixture
def other_admin(other_jobcentre: Jobcentre, make_user: Callable[..., User]) -> User:
    return make_user(other_jobcentre, Role.ADMIN)


# The hours and the ladder: a published job offering every step, and paid placements on it.


@pytest.fixture
def job(make_job: Callable[..., Job], employer: User) -> Job:
    """The employer's published job that offers every first step (factories.ladder_job)."""
    return factories.ladder_job(make_job, employer)


@pytest.fixture
def paid(job: Job, consultant: User, employer: User) -> Callable[..., Placement]:
    """Makes placements with paid hours Tuesday and Thursday since factories.MONDAY, each
    of its own person ("Person 1", "Person 2", …), on `job` unless given another."""
    counter = iter(range(1, 1000))

    def make(of_job: Job | None = None) -> Placement:
        placement = factories.paid_placement(
            of_job or job, consultant, employer, f"Person {next(counter)}"
        )
        db.session.flush()
        return placement

    return make


@pytest.fixture
def placement(paid: Callable[..., Placement]) -> Placement:
    """A placement with paid hours Tuesday and Thursday since factories.MONDAY."""
    return paid()


@pytest.fixture
def company(app: Flask, employer: User, login: Callable[..., Any]) -> FlaskClient:
    """A browser logged in as the employer."""
    browser = app.test_client()
    login(employer, via=browser)
    return browser


@pytest.fixture
def colleague(employer: User, make_user: Callable[..., User]) -> User:
    """Another employer of the same company."""
    return make_user(employer.organisation, name="Kollega Karen")


@pytest.fixture
def jobcentre(client: FlaskClient, consultant: User, login: Callable[..., Any]) -> FlaskClient:
    """The consultant's browser (`client`, logged in)."""
    login(consultant)
    return client


@pytest.fixture
def rules_admin(app: Flask, admin: User, login: Callable[..., Any]) -> FlaskClient:
    """The jobcentre admin's browser (the ladder rules are theirs to set)."""
    browser = app.test_client()
    login(admin, via=browser)
    return browser


# The placement pages: a candidate with a phone number, and placements at a trial visit.


@pytest.fixture
def person(consultant: User) -> Candidate:
    """factories.candidate_with_phone: CANDIDATE_NAME, with CANDIDATE_PHONE."""
    return factories.candidate_with_phone(consultant)


@pytest.fixture
def place(app: Flask, consultant: User, employer: User, job: Job) -> Callable[..., Placement]:
    """Makes placements (factories.start_placement) on `job` unless given another: at a trial
    visit from tomorrow, or with praktik first (pending), optionally with consent in force;
    `by` is the employer who accepts."""

    def make(
        candidate: Candidate | None = None,
        first: Phase = Phase.TRIAL,
        consent: bool = False,
        of_job: Job | None = None,
        by: User | None = None,
        start: int = 1,
    ) -> Placement:
        return factories.start_placement(
            app, of_job or job, consultant, by or employer, candidate, first, consent, start
        )

    return make


@pytest.fixture
def hour_reminder(placement: Placement, employer: User) -> HourReminder:
    """This week's hours reminder to the employer: the shared placement's three past weeks
    (factories.WAITING_WEEKS) wait, the oldest opens the link."""
    assert factories.remind() == 1
    return factories.the_hour_reminder(employer)

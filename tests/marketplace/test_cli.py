"""Flask commands: create-admin and seed-demo."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.demo.town import COMPANIES, DEMO_PASSWORD, JOBCENTRE_USERS
from marketplace.extensions import db
from marketplace.models import Company, Jobcentre, Organisation, User


def row_counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count(Organisation.id))),
        db.session.scalar(select(func.count(User.id))),
    )


def test_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    # --allow-non-sqlite: the suite also runs on PostgreSQL (CI); the guard has its own test.
    first = runner.invoke(args=["seed-demo", "--allow-non-sqlite"])
    assert first.exit_code == 0, first.output
    after_first = row_counts()
    assert after_first == (4, len(JOBCENTRE_USERS) + len(COMPANIES))
    second = runner.invoke(args=["seed-demo", "--allow-non-sqlite"])
    assert second.exit_code == 0
    assert "already loaded" in second.output
    assert row_counts() == after_first


def test_demo_logins_work(app, client, login):
    seeded = app.test_cli_runner().invoke(args=["seed-demo", "--allow-non-sqlite"])
    assert seeded.exit_code == 0, seeded.output
    homes = {"employer": "/company/", "consultant": "/placements", "admin": "/jobcentre"}
    for email in [u.email for u in JOBCENTRE_USERS] + [u.email for _, u in COMPANIES]:
        user = db.session.scalar(select(User).where(User.email == email))
        browser = app.test_client()
        response = login(user, password=DEMO_PASSWORD, via=browser)
        assert response.headers["Location"] == homes[user.role]
        assert browser.get(homes[user.role]).status_code == 200


def test_create_admin_makes_the_jobcentre_and_its_admin(app, client, login):
    result = app.test_cli_runner().invoke(
        args=[
            "create-admin",
            "--municipality",
            "657",
            "--email",
            "Leder@Herning.example",
            "--name",
            "Leder",
        ],
        input="en lang nok adgangskode\nen lang nok adgangskode\n",
    )
    assert result.exit_code == 0, result.output
    jobcentre = db.session.scalar(select(Jobcentre).where(Jobcentre.municipality_code == 657))
    assert jobcentre.name == "Jobcenter Herning"
    admin = db.session.scalar(select(User).where(User.email == "leder@herning.example"))
    assert admin.role == "admin"
    assert login(admin, password="en lang nok adgangskode").headers["Location"] == "/jobcentre"


def test_create_admin_refuses_bad_input(app):
    runner = app.test_cli_runner()
    before = row_counts()
    weak = runner.invoke(
        args=["create-admin", "--municipality", "760", "--email", "a@b.example", "--name", "A"],
        input="short\nshort\n",
    )
    assert weak.exit_code != 0
    unknown = runner.invoke(
        args=["create-admin", "--municipality", "999", "--email", "a@b.example", "--name", "A"],
        input="en lang nok adgangskode\nen lang nok adgangskode\n",
    )
    assert unknown.exit_code != 0
    assert "municipality" in unknown.output
    assert row_counts() == before


@pytest.mark.parametrize(
    "password", ["qwertyuiopas", "larsvinther1970", "jobcenterherning1", "leder@herning.example"]
)
def test_create_admin_refuses_a_guessable_password(app, password):
    """The same policy as the pages: zxcvbn, with the admin's name, address and jobcentre."""
    before = row_counts()
    result = app.test_cli_runner().invoke(
        args=[
            "create-admin",
            "--municipality",
            "657",
            "--email",
            "leder@herning.example",
            "--name",
            "Lars Vinther",
        ],
        input=f"{password}\n{password}\n",
    )
    assert result.exit_code != 0
    assert "--password" in result.output
    assert row_counts() == before


def test_seed_demo_refuses_a_non_sqlite_database_unless_asked(app):
    if db.engine.dialect.name == "sqlite":
        return  # the guard only concerns other databases; covered on PostgreSQL in CI
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(Company.id))) == 0


def test_rebuild_paid_months_puts_back_what_the_records_say(app, paid, employer):
    from datetime import date

    from sqlalchemy import delete, select

    from marketplace.extensions import db
    from marketplace.models import PaidMonth
    from tests.factories import MONDAY, confirm

    people = [paid(), paid(), paid()]
    for placement in people[:2]:
        confirm(placement, employer, MONDAY)
    db.session.flush()
    rows = select(PaidMonth.candidate_id, PaidMonth.month, PaidMonth.hours, PaidMonth.first_day)
    kept = set(db.session.execute(rows).all())
    assert {c for c, _, _, _ in kept} == {people[0].candidate_id, people[1].candidate_id}
    assert all(hours > 0 for _, _, hours, _ in kept)
    db.session.execute(delete(PaidMonth))
    db.session.add(
        PaidMonth(
            candidate_id=people[2].candidate_id,
            month=date(2020, 1, 1),
            hours=3,
            first_day=date(2020, 1, 6),
        )
    )
    db.session.flush()

    result = app.test_cli_runner().invoke(args=["rebuild-paid-months", "--batch", "1"])

    assert result.exit_code == 0, result.output
    assert "paid_months rebuilt" in result.output
    assert set(db.session.execute(rows).all()) == kept


def test_refresh_figures_keeps_every_jobcentres_figures(app, consultant, make_jobcentre):
    from sqlalchemy import select

    from marketplace.extensions import db
    from marketplace.models import FigureRefresh

    other = make_jobcentre(657)
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["refresh-figures"])
    assert result.exit_code == 0, result.output
    assert "figures refreshed for 2 jobcentres" in result.output
    kept = set(db.session.scalars(select(FigureRefresh.jobcentre_id)))
    assert kept == {consultant.organisation_id, other.id}

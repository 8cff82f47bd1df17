"""Company sign-up: valid registration, and every kind of bad input saving nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from marketplace.extensions import db
from marketplace.models import Company, Organisation, User
from tests.support import assert_refused_by_database, submit, valid_cvr


def signup_form(**changes: object) -> dict[str, object]:
    form = {
        "company_name": "Brugsen Skjern",
        "cvr": valid_cvr(),
        "address": "Storegade 12",
        "postcode": "6900",
        "city": "Skjern",
        "municipality": "760",
        "employee_count": "14",
        "name": "Hanne Kjær",
        "email": "hanne@brugsen.example",
        "password": "hylderne fyldes tirsdag",
        "password_confirm": "hylderne fyldes tirsdag",
    }
    form.update(changes)
    return form


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(Organisation.id))),
        db.session.scalar(select(func.count(Company.id))),
        db.session.scalar(select(func.count(User.id))),
    )


def test_company_signs_up_and_lands_on_its_page(client):
    form = signup_form(cvr="DK " + valid_cvr(), email="Hanne@Brugsen.example")
    response = submit(client, "/signup", form)
    assert response.status_code == 302
    assert response.headers["Location"] == "/company/"
    company = db.session.scalar(select(Company).where(Company.name == "Brugsen Skjern"))
    assert company is not None
    assert company.cvr == form["cvr"].removeprefix("DK ")
    assert company.municipality.name == "Ringkøbing-Skjern"
    user = db.session.scalar(select(User).where(User.organisation_id == company.id))
    assert (user.email, user.role, user.name) == ("hanne@brugsen.example", "employer", "Hanne Kjær")
    assert user.password_hash.startswith("$argon2id$")
    assert "Brugsen Skjern" in client.get("/company/").get_data(as_text=True)


def field_error(response, field: str) -> str:
    page = response.get_data(as_text=True)
    marker = f'id="{field}-error"'
    assert marker in page, f"no error shown beside {field}"
    start = page.index(marker)
    return page[start : page.index("</p>", start)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cvr": "12345678"}, "cvr"),  # fails the modulus-11 check
        ({"cvr": "1234567"}, "cvr"),
        ({"cvr": "abcdefgh"}, "cvr"),
        ({"cvr": "02345674"}, "cvr"),
        ({"cvr": ""}, "cvr"),
        ({"password": "short", "password_confirm": "short"}, "password"),
        ({"password": "123456789012", "password_confirm": "123456789012"}, "password"),
        ({"password_confirm": "something else entirely"}, "password_confirm"),
        ({"email": "not-an-email"}, "email"),
        ({"postcode": "69"}, "postcode"),
        ({"municipality": "999"}, "municipality"),
        ({"municipality": "abc"}, "municipality"),
        ({"employee_count": "many"}, "employee_count"),
        ({"employee_count": "-3"}, "employee_count"),
        ({"company_name": "x" * 201}, "company_name"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_saves_nothing(client, changes, field):
    before = counts()
    form = signup_form(**changes)
    response = submit(client, "/signup", form)
    assert response.status_code == 200
    assert field_error(response, field)
    assert counts() == before
    page = response.get_data(as_text=True)
    assert 'value="Storegade 12"' in page  # what was typed is kept
    assert "hylderne fyldes tirsdag" not in page  # ...but never the password


def test_duplicate_cvr_is_refused(client, make_company):
    existing = make_company()
    before = counts()
    response = submit(client, "/signup", signup_form(cvr=existing.cvr))
    assert "already registered" in field_error(response, "cvr") or "allerede" in field_error(
        response, "cvr"
    )
    assert counts() == before


def test_duplicate_email_is_refused(client, employer):
    before = counts()
    response = submit(client, "/signup", signup_form(email=employer.email.upper()))
    assert field_error(response, "email")
    assert counts() == before


def raw_company_organisation() -> int:
    return db.session.execute(
        text(
            "INSERT INTO organisations (kind, name, created_at)"
            " VALUES ('company', 'Raw', CURRENT_TIMESTAMP) RETURNING id"
        )
    ).scalar_one()


def test_second_writer_with_same_cvr_hits_the_database_constraint(make_company):
    first = make_company()
    org_id = raw_company_organisation()
    assert_refused_by_database(
        "INSERT INTO companies (id, cvr, address, postcode, city, municipality_code,"
        " employee_count)"
        " VALUES (:id, :cvr, 'x', '6900', 'x', 760, 1)",
        id=org_id,
        cvr=first.cvr,
    )


@pytest.mark.parametrize(
    ("column", "value"),
    [("cvr", "1234"), ("postcode", "69"), ("employee_count", -1), ("municipality_code", 999)],
)
def test_database_refuses_bad_company_rows(column, value):
    org_id = raw_company_organisation()
    row = {
        "id": org_id,
        "cvr": valid_cvr(),
        "address": "x",
        "postcode": "6900",
        "city": "x",
        "municipality_code": 760,
        "employee_count": 1,
        column: value,
    }
    assert_refused_by_database(
        "INSERT INTO companies (id, cvr, address, postcode, city, municipality_code,"
        " employee_count)"
        " VALUES (:id, :cvr, :address, :postcode, :city, :municipality_code, :employee_count)",
        **row,
    )


def test_signup_is_not_available_when_logged_in(client, employer, login):
    login(employer)
    assert client.get("/signup").headers["Location"] == "/company/"


def test_script_in_input_is_escaped(client):
    response = submit(
        client, "/signup", signup_form(company_name="<script>alert(1)</script>", cvr="1")
    )
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_error_summary_lists_fields_in_page_order(client):
    page = submit(client, "/signup", {}).get_data(as_text=True)
    summary = page[page.index('class="error-summary"') : page.index("</ul>")]
    order = [summary.index(f'href="#{f}"') for f in ("company_name", "cvr", "name", "password")]
    assert order == sorted(order)

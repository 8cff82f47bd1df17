"""Company sign-up in two steps: the form, then the e-mailed link where the password is chosen.

The form answers the same way whether or not the address has an account (nothing tells a
stranger who uses Småjob); every kind of bad input saves nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from marketplace.accounts import signup
from marketplace.extensions import db
from marketplace.models import Company, Organisation, User
from tests.accounts import (
    finish_signup,
    mails,
    plain_text,
    sign_up,
    signup_form,
    signup_link,
)
from tests.conftest import PASSWORD
from tests.html_forms import field_error
from tests.support import assert_refused_by_database, csrf_token_from, submit, valid_cvr


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(Organisation.id))),
        db.session.scalar(select(func.count(Company.id))),
        db.session.scalar(select(func.count(User.id))),
    )


def test_company_signs_up_by_confirming_its_address_and_lands_on_its_page(client, outbox):
    form = signup_form(cvr="DK " + valid_cvr(), email="Hanne@Brugsen.example")
    before = counts()
    response = submit(client, "/signup", form)
    assert response.status_code == 302
    assert response.headers["Location"] == "/signup/sent"
    sent = client.get("/signup/sent")
    assert "hanne@brugsen.example" in sent.get_data(as_text=True)
    assert sent.headers["Cache-Control"] == "no-store"  # it shows the address
    assert counts() == before  # nothing exists before the address is confirmed

    (mail,) = mails(outbox)
    assert mail["To"] == "hanne@brugsen.example"
    assert "Brugsen Skjern" in mail["Subject"]
    link = signup_link(outbox, "hanne@brugsen.example")
    opened = client.get(link)
    assert opened.headers["Cache-Control"] == "no-store"
    page = opened.get_data(as_text=True)
    assert "Brugsen Skjern" in page
    assert form["cvr"].removeprefix("DK ") in page

    response = finish_signup(client, link)
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


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cvr": "12345678"}, "cvr"),  # fails the modulus-11 check
        ({"cvr": "1234567"}, "cvr"),
        ({"cvr": "abcdefgh"}, "cvr"),
        ({"cvr": "02345674"}, "cvr"),
        ({"cvr": ""}, "cvr"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"postcode": "69"}, "postcode"),
        ({"municipality": "999"}, "municipality"),
        ({"municipality": "abc"}, "municipality"),
        ({"employee_count": "many"}, "employee_count"),
        ({"employee_count": "-3"}, "employee_count"),
        ({"company_name": "x" * 201}, "company_name"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_saves_nothing(client, outbox, changes, field):
    before = counts()
    response = submit(client, "/signup", signup_form(**changes))
    assert response.status_code == 200
    assert field_error(response, field)
    assert counts() == before
    assert 'value="Storegade 12"' in response.get_data(as_text=True)  # what was typed is kept
    assert not mails(outbox)


def test_duplicate_cvr_is_said_since_company_data_is_public(client, make_company, outbox):
    existing = make_company()
    before = counts()
    response = submit(client, "/signup", signup_form(cvr=existing.cvr))
    error = field_error(response, "cvr")
    assert "already registered" in error or "allerede" in error
    assert counts() == before
    assert not mails(outbox)


# -- A stranger cannot learn whether an address has an account ------------------------------


CSRF_VALUE = re.compile(r'(?<=name="csrf_token" value=")[^"]+')


def answer_to_signup(client, email: str) -> tuple[int, str, str]:
    """Status, where it leads, and the page it leads to, with the typed address blanked."""
    response = submit(client, "/signup", signup_form(email=email))
    location = response.headers.get("Location", "")
    page = client.get(location).get_data(as_text=True) if location else ""
    page = page.replace(email.lower(), "ADDRESS").replace(email, "ADDRESS")
    page = CSRF_VALUE.sub("TOKEN", page)  # each visitor's own
    return response.status_code, location, page


@pytest.mark.parametrize("spelling", [str.lower, str.upper])
def test_signup_answers_the_same_for_a_taken_and_a_free_address(app, employer, outbox, spelling):
    taken = answer_to_signup(app.test_client(), spelling(employer.email))
    free = answer_to_signup(app.test_client(), spelling("ny.person@brugsen.example"))
    assert taken == free
    assert taken[0] == 302
    assert "ADDRESS" in taken[2]


def test_signup_does_the_same_work_for_a_taken_and_a_free_address(
    app, employer, outbox, count_queries
):
    """The same statements in both branches: no easy timing difference either."""
    counted = []
    for email in (employer.email, "ny.person@brugsen.example"):
        client = app.test_client()
        token = csrf_token_from(client.get("/signup"))
        with count_queries() as queries:
            response = client.post(
                "/signup", data={**signup_form(email=email), "csrf_token": token}
            )
        assert response.status_code == 302
        counted.append([q.split()[0] for q in queries.statements])
    assert counted[0] == counted[1]
    # One e-mail each way, to the address typed.
    assert sorted(m["To"] for m in mails(outbox)) == sorted(
        [employer.email, "ny.person@brugsen.example"]
    )


def test_the_owner_of_a_taken_address_is_told_and_nothing_is_created(client, employer, outbox):
    before = counts()
    submit(client, "/signup", signup_form(email=employer.email, company_name="Fup og Svindel"))
    assert counts() == before
    (mail,) = mails(outbox)
    assert mail["To"] == employer.email
    body = plain_text(mail)
    assert "/signup/confirm/" not in body  # no way in for the one who typed it
    assert "Fup og Svindel" not in body  # nor a message of theirs carried to the owner
    assert "allerede en konto" in body
    assert employer.password_hash == db.session.get(User, employer.id).password_hash


# -- Step 2: the link -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["qwertyuiopas", "123456789012", "brugsenskjern1", "hanne@brugsen.example", "kort"],
)
def test_a_weak_password_is_refused_on_the_link_page(client, outbox, password):
    submit(client, "/signup", signup_form())
    link = signup_link(outbox, "hanne@brugsen.example")
    before = counts()
    response = finish_signup(client, link, password)
    assert response.status_code == 200
    assert field_error(response, "password")
    assert f'value="{password}"' not in response.get_data(as_text=True)
    assert counts() == before


def test_the_link_works_once(app, client, outbox):
    assert sign_up(client, outbox).status_code == 302
    link = signup_link(outbox, "hanne@brugsen.example")
    again = app.test_client().get(link)
    assert again.status_code == 410
    assert "allerede en Småjob-konto" in again.get_data(as_text=True)


def test_a_tampered_or_expired_link_is_refused(app, client, outbox, monkeypatch):
    submit(client, "/signup", signup_form())
    link = signup_link(outbox, "hanne@brugsen.example")
    flipped = "A" if link[-10] != "A" else "B"
    assert app.test_client().get(link[:-10] + flipped + link[-9:]).status_code == 410
    assert app.test_client().get("/signup/confirm/garbage").status_code == 410
    monkeypatch.setattr(signup, "SIGNUP_LINK_MAX_AGE", timedelta(seconds=-1))
    expired = app.test_client().get(link)
    assert expired.status_code == 410
    assert "udløbet" in expired.get_data(as_text=True)


def test_a_cvr_registered_meanwhile_stops_the_link(app, client, outbox, make_company):
    form = signup_form()
    submit(client, "/signup", form)
    link = signup_link(outbox, "hanne@brugsen.example")
    make_company(cvr=form["cvr"])
    before = counts()
    response = app.test_client().get(link)
    assert response.status_code == 410
    assert counts() == before


def test_the_link_page_is_not_for_a_logged_in_user(client, outbox, employer, login):
    submit(client, "/signup", signup_form())
    link = signup_link(outbox, "hanne@brugsen.example")
    login(employer)
    assert client.get(link).headers["Location"] == "/company/"


def test_the_sent_page_needs_a_sign_up_first(client):
    assert client.get("/signup/sent").headers["Location"] == "/signup"


def test_the_link_page_needs_its_csrf_token(client, outbox):
    submit(client, "/signup", signup_form())
    link = signup_link(outbox, "hanne@brugsen.example")
    client.get(link)
    response = client.post(link, data={"password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 400
    assert not db.session.scalar(select(Company).where(Company.name == "Brugsen Skjern"))


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
    order = [summary.index(f'href="#{f}"') for f in ("company_name", "cvr", "name", "email")]
    assert order == sorted(order)

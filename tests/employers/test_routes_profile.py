"""The company profile and its workplaces as the company's employers keep them
(employers/routes.py): edits a colleague sees, P-numbers typed with spaces or already taken,
a workplace added on the way to the first job, jobs that move with their workplace.

Every form is used the way a browser uses it: the page is fetched, the form on it is read
(its CSRF token, hidden `version`, pre-filled values, ticked boxes, selected options), the user
changes some fields and the whole form is posted back. Bad input must show its message beside
the field, keep what was typed, and save nothing. The fixtures (hanne, hannes_company, shop,
colleague_client, stranger) are in tests/employers/conftest.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.companies.profiles import P_NUMBER_TAKEN
from marketplace.extensions import db
from marketplace.models import Workplace
from tests.html_forms import da, error_ids, field_error, text_of
from tests.pages import fill, fresh, post_form, read_form, workplace_count

# ---------------------------------------------------------------------------------------------
# 1. The company profile


def test_employer_edits_the_profile_and_a_colleague_sees_it(
    client, hanne, hannes_company, colleague_client
):
    response = fill(
        client,
        "/company/profile",
        name="Brugsen Skjern Centret",
        contact_name="Hanne Kjær",
        contact_phone="97 35 12 12",
        employee_count="16",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/company/"
    saved = fresh(hannes_company)
    assert (saved.name, saved.contact_name, saved.contact_phone, saved.employee_count) == (
        "Brugsen Skjern Centret",
        "Hanne Kjær",
        "97 35 12 12",
        16,
    )
    page = text_of(colleague_client.get("/company/"))
    assert "<h1>Brugsen Skjern Centret</h1>" in page
    assert "Hanne Kjær, 97 35 12 12" in page
    assert "<dd>16</dd>" in page


def test_profile_form_shows_the_saved_details(client, hanne, hannes_company):
    form = read_form(client.get("/company/profile"))
    assert form["name"] == [hannes_company.name]
    assert form["employee_count"] == [str(hannes_company.employee_count)]


@pytest.mark.parametrize(
    ("changes", "field", "typed"),
    [
        ({"name": ""}, "name", None),
        ({"name": "   "}, "name", None),
        ({"name": "x" * 201}, "name", "x" * 201),
        ({"contact_name": ""}, "contact_name", None),
        ({"employee_count": "many"}, "employee_count", "many"),
        ({"employee_count": "-1"}, "employee_count", "-1"),
        ({"employee_count": ""}, "employee_count", None),
        ({"contact_phone": "9" * 31}, "contact_phone", "9" * 31),
    ],
)
def test_bad_profile_input_is_shown_beside_the_field_and_saves_nothing(
    client, hanne, hannes_company, changes, field, typed
):
    before = (
        hannes_company.name,
        hannes_company.contact_name,
        hannes_company.contact_phone,
        hannes_company.employee_count,
    )
    form = {
        "name": "Brugsen Skjern Centret",
        "contact_name": "Kim Typed",
        "contact_phone": "12 34 56 78",
        "employee_count": "16",
        **changes,
    }
    response = fill(client, "/company/profile", **form)
    assert response.status_code == 200
    assert error_ids(response) == [field]
    assert field_error(response, field)
    page = text_of(response)
    if typed is not None:
        assert f'value="{typed}"' in page
    if field != "contact_name":
        assert 'value="Kim Typed"' in page  # the rest of what was typed is kept too
    saved = fresh(hannes_company)
    assert (saved.name, saved.contact_name, saved.contact_phone, saved.employee_count) == before


# ---------------------------------------------------------------------------------------------
# 2. Workplaces


def workplace_form(**changes: object) -> dict[str, object]:
    return {
        "name": "Brugsen, lageret",
        "p_number": "10 1234 5678",
        "address": "Banegårdsvej 3",
        "postcode": "6900",
        "city": "Skjern",
        "municipality": "760",
        **changes,
    }


def test_employer_adds_a_workplace_with_a_p_number_typed_with_spaces(client, hanne, hannes_company):
    response = fill(client, "/company/workplaces/new", **workplace_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/company/"
    workplace = db.session.scalar(
        select(Workplace).where(Workplace.company_id == hannes_company.id)
    )
    assert (workplace.name, workplace.p_number, workplace.postcode, workplace.city) == (
        "Brugsen, lageret",
        "1012345678",
        "6900",
        "Skjern",
    )
    assert workplace.municipality.name == "Ringkøbing-Skjern"
    page = text_of(client.get("/company/"))
    assert "Brugsen, lageret" in page
    assert "1012345678" in page


def test_new_workplace_form_starts_from_the_company_address(client, hanne, hannes_company):
    form = read_form(client.get("/company/workplaces/new"))
    assert form["address"] == [hannes_company.address]
    assert form["postcode"] == [hannes_company.postcode]
    assert form["municipality"] == [str(hannes_company.municipality_code)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"p_number": "123"}, "p_number"),
        ({"p_number": "abcdefghij"}, "p_number"),
        ({"p_number": "0123456789"}, "p_number"),
        ({"p_number": "12345678901"}, "p_number"),
        ({"p_number": "1 2 3 4 5 6 7 8 9 0 1"}, "p_number"),
        ({"p_number": ""}, "p_number"),
        ({"postcode": "69"}, "postcode"),
        ({"postcode": "69000"}, "postcode"),
        ({"postcode": "abcd"}, "postcode"),
        ({"municipality": "999"}, "municipality"),
        ({"municipality": "abc"}, "municipality"),
        ({"municipality": ""}, "municipality"),
        ({"name": ""}, "name"),
        ({"city": ""}, "city"),
    ],
)
def test_bad_workplace_input_is_shown_beside_the_field_and_saves_nothing(
    client, hanne, changes, field
):
    before = workplace_count()
    response = fill(client, "/company/workplaces/new", **workplace_form(**changes))
    assert response.status_code == 200
    assert error_ids(response) == [field]
    assert workplace_count() == before
    page = text_of(response)
    assert 'value="Banegårdsvej 3"' in page  # what was typed is kept
    for name, typed in changes.items():
        if typed and name != "municipality":
            assert f'value="{typed}"' in page


@pytest.mark.parametrize("owner", ["own", "other"])
def test_a_p_number_already_registered_is_refused(
    client, hanne, hannes_company, make_company, make_workplace, owner
):
    holder = hannes_company if owner == "own" else make_company(name="Vestjysk Emballage")
    make_workplace(holder, p_number="1012345678")
    before = workplace_count()
    response = fill(client, "/company/workplaces/new", **workplace_form(p_number="10 1234 5678"))
    assert response.status_code == 200
    assert da(P_NUMBER_TAKEN) in field_error(response, "p_number")
    assert workplace_count() == before


def test_employer_changes_a_workplace(client, hanne, shop):
    url = f"/company/workplaces/{shop.id}/edit"
    assert read_form(client.get(url))["p_number"] == ["1012345678"]
    # Keeping its own P-number is not a duplicate.
    response = fill(client, url, name="Brugsen Skjern, hovedbutik", city="Skjern C")
    assert response.status_code == 302
    saved = fresh(shop)
    assert (saved.name, saved.p_number, saved.city) == (
        "Brugsen Skjern, hovedbutik",
        "1012345678",
        "Skjern C",
    )
    assert "Brugsen Skjern, hovedbutik" in text_of(client.get("/company/"))


@pytest.mark.parametrize("p_number", ["123", "0123456789", "taken"])
def test_bad_p_number_on_a_changed_workplace_saves_nothing(
    client, hanne, shop, make_company, make_workplace, p_number
):
    if p_number == "taken":
        p_number = make_workplace(make_company(name="Vestjysk Emballage")).p_number
    response = fill(client, f"/company/workplaces/{shop.id}/edit", name="Omdøbt", p_number=p_number)
    assert response.status_code == 200
    assert field_error(response, "p_number")
    saved = fresh(shop)
    assert (saved.name, saved.p_number) == ("Brugsen Skjern, butik", "1012345678")


def test_journey_1_a_company_without_a_workplace_adds_one_on_its_way_to_a_job(client, hanne):
    response = client.get("/company/jobs/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/company/workplaces/new?then=job"
    response = fill(client, "/company/workplaces/new?then=job", **workplace_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/company/jobs/new"
    form = client.get("/company/jobs/new")
    assert form.status_code == 200
    assert "Brugsen, lageret (1012345678)" in text_of(form)


def test_a_refused_workplace_on_the_way_to_a_job_still_leads_to_the_job(client, hanne):
    url = "/company/workplaces/new?then=job"
    refused = fill(client, url, **workplace_form(p_number="123"))
    assert refused.status_code == 200
    response = post_form(client, url, read_form(refused), p_number="1012345678")
    assert response.headers["Location"] == "/company/jobs/new"


def test_moving_a_workplace_moves_its_jobs_on_the_job_board(
    client, hanne, hannes_company, shop, make_job
):
    """The board filters jobs on the municipality copied onto each job from its workplace.

    When the employer corrects the workplace's municipality, its open jobs must follow, or a
    consultant filtering on the new municipality never finds them (and the old one does).
    """
    job = make_job(hannes_company, hanne, shop)
    assert job.municipality_code == 760
    response = fill(client, f"/company/workplaces/{shop.id}/edit", municipality="657")  # Herning
    assert response.status_code == 302
    assert fresh(shop).municipality_code == 657
    assert fresh(job).municipality_code == 657

"""The company's side as its employers use it: profile, workplaces, posting and managing jobs.

Every form is used the way a browser uses it: the page is fetched, the form on it is read
(its CSRF token, hidden `version`, pre-filled values, ticked boxes, selected options), the user
changes some fields and the whole form is posted back. Bad input must show its message beside
the field, keep what was typed, and save nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from marketplace.clock import local_today, utcnow
from marketplace.companies.profiles import P_NUMBER_TAKEN
from marketplace.extensions import db
from marketplace.jobs.postings import STALE_MESSAGE
from marketplace.models import Company, Job, JobStatus, User, Workplace
from marketplace.web.access import PUBLIC
from marketplace.web.labels import CLOSE_REASON_LABELS, STATUS_LABELS
from tests.html_forms import FormReader, da, error_ids, error_summary, field_error, press, text_of
from tests.support import csrf_token_from

# The domain's message for a start date in the past, as the catalog has it.
PAST_START = _l("The start date cannot be in the past.")

# ---------------------------------------------------------------------------------------------
# A browser's view of a form


def read_form(response: TestResponse) -> dict[str, list[str]]:
    """The page's own form (the one posting to the page itself), as a browser would send it."""
    assert response.status_code == 200, response.status_code
    reader = FormReader()
    reader.feed(response.get_data(as_text=True))
    reader.close()
    own = [form for form in reader.forms if form.action is None]
    assert len(own) == 1, "expected exactly one form posting to the page itself"
    return own[0].values


def send(
    client: FlaskClient,
    url: str,
    values: dict[str, list[str]],
    button: str | None = None,
    **changes: object,
) -> TestResponse:
    """Change some fields of a form read earlier, press `button`, post everything."""
    data = {name: list(value) for name, value in values.items()}
    for name, value in changes.items():
        if value is None or value is False:
            data.pop(name, None)  # an unticked box, or a field left out
        elif value is True:
            data[name] = ["y"]
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = [str(value)]
    if button:
        data[button] = ["1"]
    return client.post(url, data=data)


def fill(client: FlaskClient, url: str, button: str | None = None, **changes: object):
    """Open the page, fill in the form and post it."""
    return send(client, url, read_form(client.get(url)), button, **changes)


# ---------------------------------------------------------------------------------------------
# What the user reads


def section(response: TestResponse, element_id: str) -> str:
    page = text_of(response)
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</section>", start)]


def status_line(response: TestResponse) -> str:
    page = text_of(response)
    start = page.index('class="status status--')
    return page[start : page.index("</p>", start)]


def job_count() -> int:
    return db.session.scalar(select(func.count(Job.id)))


def workplace_count() -> int:
    return db.session.scalar(select(func.count(Workplace.id)))


def fresh(obj: Any) -> Any:
    """The row as the database has it now (routes write through their own session)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def newest_job() -> Job:
    db.session.expire_all()
    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()


def in_days(n: int) -> str:
    return (local_today() + timedelta(days=n)).isoformat()


def hannes_job(**changes: object) -> dict[str, object]:
    """Journey 1: "Opfyldning af varer", 6 hours, Tue+Thu 7-10, trial visit and paid hours."""
    values: dict[str, object] = {
        "title": "Opfyldning af varer",
        "category": "retail",
        "description": "Varer på hylderne tirsdag og torsdag morgen.",
        "task_lines": "Fylde hylder\nTjekke datoer",
        "hours_per_week": "6",
        "weekdays": ["2", "8"],
        "flexible_days": False,
        "time_from": "07:00",
        "time_to": "10:00",
        "start_date": in_days(7),
        "end_date": "",
        "offers_trial_visit": True,
        "offers_praktik": False,
        "offers_paid_direct": True,
        "hourly_wage": "140",
        "agreement_wage": "135,50",
        "wage_agreement_name": "Detailoverenskomsten",
        "requires_heavy_lifting": True,
        "lifting_max_kg": "15",
        "requires_standing": True,
        "requires_early_mornings": True,
        "requires_driving_licence": False,
        "danish_level": "basic",
        "other_requirements": "",
        "contact_name": "Hanne Kjær",
        "contact_phone": "97 35 12 12",
    }
    values.update(changes)
    return values


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def company(employer: User) -> Company:
    return employer.organisation


@pytest.fixture
def shop(company: Company, make_workplace: Callable[..., Workplace]) -> Workplace:
    return make_workplace(company, name="Brugsen Skjern, butik", p_number="1012345678")


@pytest.fixture
def hanne(employer: User, login: Callable[..., Any]) -> User:
    """The employer, logged in on `client`."""
    login(employer)
    return employer


@pytest.fixture
def colleague_client(
    app: Flask, company: Company, make_user: Callable[..., User], login: Callable[..., Any]
) -> FlaskClient:
    """Another employer of the same company, in a browser of their own."""
    other = app.test_client()
    login(make_user(company, name="Kim Nørgaard"), via=other)
    return other


@pytest.fixture
def stranger(make_company: Callable[..., Company], make_user: Callable[..., User]) -> User:
    """An employer of another company."""
    return make_user(make_company(name="Mølgaard Gartneri"), name="Per Mølgaard")


# ---------------------------------------------------------------------------------------------
# 1. The company profile


def test_employer_edits_the_profile_and_a_colleague_sees_it(
    client, hanne, company, colleague_client
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
    saved = fresh(company)
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


def test_profile_form_shows_the_saved_details(client, hanne, company):
    form = read_form(client.get("/company/profile"))
    assert form["name"] == [company.name]
    assert form["employee_count"] == [str(company.employee_count)]


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
    client, hanne, company, changes, field, typed
):
    before = (company.name, company.contact_name, company.contact_phone, company.employee_count)
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
    saved = fresh(company)
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


def test_employer_adds_a_workplace_with_a_p_number_typed_with_spaces(client, hanne, company):
    response = fill(client, "/company/workplaces/new", **workplace_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/company/"
    workplace = db.session.scalar(select(Workplace).where(Workplace.company_id == company.id))
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


def test_new_workplace_form_starts_from_the_company_address(client, hanne, company):
    form = read_form(client.get("/company/workplaces/new"))
    assert form["address"] == [company.address]
    assert form["postcode"] == [company.postcode]
    assert form["municipality"] == [str(company.municipality_code)]


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
    client, hanne, company, make_company, make_workplace, owner
):
    holder = company if owner == "own" else make_company(name="Vestjysk Emballage")
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
    response = send(client, url, read_form(refused), p_number="1012345678")
    assert response.headers["Location"] == "/company/jobs/new"


def test_moving_a_workplace_moves_its_jobs_on_the_job_board(client, hanne, company, shop, make_job):
    """The board filters jobs on the municipality copied onto each job from its workplace.

    When the employer corrects the workplace's municipality, its open jobs must follow, or a
    consultant filtering on the new municipality never finds them (and the old one does).
    """
    job = make_job(company, hanne, shop)
    assert job.municipality_code == 760
    response = fill(client, f"/company/workplaces/{shop.id}/edit", municipality="657")  # Herning
    assert response.status_code == 302
    assert fresh(shop).municipality_code == 657
    assert fresh(job).municipality_code == 657


# ---------------------------------------------------------------------------------------------
# 3. Posting a job


def test_journey_1_hanne_publishes_her_job(client, hanne, company, shop):
    before = job_count()
    response = fill(client, "/company/jobs/new", "publish", **hannes_job())
    assert response.status_code == 302
    assert job_count() == before + 1
    job = newest_job()
    assert response.headers["Location"] == f"/company/jobs/{job.id}"
    assert job.company_id == company.id
    assert job.created_by_id == hanne.id
    assert job.status == JobStatus.PUBLISHED
    assert job.published_at is not None
    assert job.workplace_id == shop.id
    assert job.municipality_code == shop.municipality_code
    assert job.hours_per_week == Decimal("6")
    assert job.weekdays == 2 | 8
    assert (job.time_from.isoformat(), job.time_to.isoformat()) == ("07:00:00", "10:00:00")
    assert job.start_date.isoformat() == in_days(7)
    assert job.end_date is None
    assert (job.offers_trial_visit, job.offers_praktik, job.offers_paid_direct) == (
        True,
        False,
        True,
    )
    assert (job.hourly_wage, job.agreement_wage) == (Decimal("140"), Decimal("135.50"))
    assert (job.requires_heavy_lifting, job.lifting_max_kg) == (True, 15)
    assert job.task_lines == ["Fylde hylder", "Tjekke datoer"]
    assert job.danish_level == "basic"
    assert (job.contact_name, job.contact_phone) == ("Hanne Kjær", "97 35 12 12")

    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert da(STATUS_LABELS["published"]) in status_line(page)
    text = text_of(page)
    assert "<h1>Opfyldning af varer</h1>" in text
    assert "07:00–10:00" in text
    assert "Fylde hylder" in text
    home = section(client.get("/company/"), "jobs-title")
    assert "Opfyldning af varer" in home
    assert da(STATUS_LABELS["published"]) in home
    assert "Opfyldning af varer" in section(client.get("/company/jobs"), "status-published")


def test_a_job_saved_as_draft_is_a_draft(client, hanne, shop):
    response = fill(client, "/company/jobs/new", "save_draft", **hannes_job())
    assert response.status_code == 302
    job = newest_job()
    assert job.status == JobStatus.DRAFT
    assert job.published_at is None
    assert da(STATUS_LABELS["draft"]) in status_line(client.get(response.headers["Location"]))
    listing = client.get("/company/jobs")
    assert "Opfyldning af varer" in section(listing, "status-draft")
    assert "Opfyldning af varer" not in section(listing, "status-published")


def test_new_job_form_is_prefilled_for_the_employer(client, hanne, shop):
    form = read_form(client.get("/company/jobs/new"))
    assert form["contact_name"] == [hanne.name]
    assert form["start_date"] == [in_days(7)]
    assert form["offers_trial_visit"] == ["y"]
    assert form["workplace"] == [str(shop.id)]


@pytest.mark.parametrize("typed", ["2,5", "2.5", " 2,5 "])
def test_hours_are_typed_with_a_comma_or_a_dot(client, hanne, shop, typed):
    response = fill(client, "/company/jobs/new", "publish", **hannes_job(hours_per_week=typed))
    assert response.status_code == 302
    assert newest_job().hours_per_week == Decimal("2.5")
    # The Danish form shows the hours back with a comma.
    form = read_form(client.get(f"/company/jobs/{newest_job().id}/edit"))
    assert form["hours_per_week"] == ["2,5"]


def test_flexible_days_need_no_weekdays(client, hanne, shop):
    response = fill(
        client, "/company/jobs/new", "publish", **hannes_job(weekdays=[], flexible_days=True)
    )
    assert response.status_code == 302
    job = newest_job()
    assert (job.weekdays, job.flexible_days) == (0, True)


def test_every_weekday_bit_is_understood(client, hanne, shop):
    days = ["1", "2", "4", "8", "16", "32", "64"]
    response = fill(client, "/company/jobs/new", "publish", **hannes_job(weekdays=days))
    assert response.status_code == 302
    assert newest_job().weekdays == 127
    form = read_form(client.get(f"/company/jobs/{newest_job().id}/edit"))
    assert sorted(form["weekdays"], key=int) == days


BAD_JOB_INPUT = [
    ({"hours_per_week": "0"}, "hours_per_week"),
    ({"hours_per_week": "38"}, "hours_per_week"),
    ({"hours_per_week": "37,5"}, "hours_per_week"),
    ({"hours_per_week": "2,25"}, "hours_per_week"),
    ({"hours_per_week": "abc"}, "hours_per_week"),
    ({"hours_per_week": ""}, "hours_per_week"),
    ({"hours_per_week": "-2"}, "hours_per_week"),
    ({"weekdays": [], "flexible_days": False}, "weekdays"),
    ({"weekdays": ["128"]}, "weekdays"),
    ({"time_from": "10:00", "time_to": "07:00"}, "time_to"),
    ({"time_from": "10:00", "time_to": "10:00"}, "time_to"),
    ({"time_from": "25:00"}, "time_from"),
    ({"start_date": "yesterday"}, "start_date"),
    ({"start_date": ""}, "start_date"),
    ({"end_date": "31-12-2099"}, "end_date"),
    ({"offers_trial_visit": False, "offers_paid_direct": False}, "steps"),
    ({"hourly_wage": "120"}, "hourly_wage"),  # below the agreement's 135,50
    ({"hourly_wage": "-5"}, "hourly_wage"),
    ({"hourly_wage": "abc"}, "hourly_wage"),
    ({"hourly_wage": ""}, "hourly_wage"),
    ({"agreement_wage": "-1", "hourly_wage": "-1"}, "agreement_wage"),
    ({"lifting_max_kg": "101"}, "lifting_max_kg"),
    ({"lifting_max_kg": "-1"}, "lifting_max_kg"),
    ({"title": ""}, "title"),
    ({"title": "x" * 121}, "title"),
    ({"task_lines": "\n".join(f"Opgave {n}" for n in range(1, 14))}, "task_lines"),
    ({"category": "astronaut"}, "category"),
    ({"danish_level": "klingon"}, "danish_level"),
    ({"contact_name": ""}, "contact_name"),
]


def _case_id(changes: dict[str, object]) -> str:
    text = ",".join(f"{name}={value!s}" for name, value in changes.items()).replace("\n", "|")
    return text if len(text) <= 40 else f"{text[:30]}...({len(text)} chars)"


@pytest.mark.parametrize(
    ("changes", "field"), BAD_JOB_INPUT, ids=[_case_id(changes) for changes, _ in BAD_JOB_INPUT]
)
def test_bad_job_input_is_shown_beside_the_field_and_saves_nothing(
    client, hanne, shop, changes, field
):
    before = job_count()
    typed = hannes_job(title="Opfyldning af varer (tirsdag)")
    typed.update(changes)
    response = fill(client, "/company/jobs/new", "publish", **typed)
    assert response.status_code == 200
    assert job_count() == before
    assert error_ids(response) == [field]
    assert field_error(response, field)
    assert error_summary(response)  # listed at the top as well
    page = text_of(response)
    if field != "title":
        assert 'value="Opfyldning af varer (tirsdag)"' in page  # what was typed is kept
    for name, value in changes.items():
        if isinstance(value, str) and value and name not in {"category", "danish_level"}:
            assert str(escape(value)) in page, f"{name}: {value!r} not kept"


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (-1, None, "start_date"),
        (-400, None, "start_date"),
        (10, 3, "end_date"),
        (10, 10, "end_date"),
    ],
)
def test_dates_must_not_lie_in_the_past_or_end_before_they_start(
    client, hanne, shop, start, end, field
):
    typed = {"start_date": in_days(start), "end_date": in_days(end) if end is not None else ""}
    before = job_count()
    response = fill(client, "/company/jobs/new", "publish", **hannes_job(**typed))
    assert response.status_code == 200
    assert error_ids(response) == [field]
    assert job_count() == before
    assert f'value="{typed[field]}"' in text_of(response)


def test_the_missing_step_is_shown_on_the_steps_group(client, hanne, shop):
    response = fill(
        client,
        "/company/jobs/new",
        "publish",
        **hannes_job(offers_trial_visit=False, offers_paid_direct=False),
    )
    page = text_of(response)
    assert 'id="steps" aria-describedby="steps-error"' in page
    assert field_error(response, "steps")


def test_a_workplace_of_another_company_is_refused(
    client, hanne, shop, make_company, make_workplace
):
    foreign = make_workplace(make_company(name="Vestjysk Emballage"))
    before = job_count()
    response = fill(client, "/company/jobs/new", "publish", **hannes_job(workplace=foreign.id))
    assert response.status_code == 200
    assert error_ids(response) == ["workplace"]
    assert job_count() == before
    assert db.session.scalar(select(Job).where(Job.workplace_id == foreign.id)) is None


@pytest.mark.parametrize("bad", ["128", "abc"])
def test_an_unknown_weekday_is_refused_in_danish(client, hanne, shop, bad):
    """WTForms' own message for an unknown checkbox value must be in the employer's language."""
    response = fill(client, "/company/jobs/new", "publish", **hannes_job(weekdays=[bad]))
    assert response.status_code == 200
    message = field_error(response, "weekdays")
    assert "valid choice" not in message, message
    assert "could not be coerced" not in message, message


def test_an_hourly_wage_the_database_cannot_hold_is_refused_beside_the_field(client, hanne, shop):
    """Wages are Numeric(7, 2): at most 99.999,99 kr. The form accepts up to 9.999.999.

    A typo with extra zeros must get a message, not a saved million-kroner wage (SQLite) or
    the error page (PostgreSQL: numeric field overflow).
    """
    before = job_count()
    response = fill(
        client,
        "/company/jobs/new",
        "publish",
        **hannes_job(hourly_wage="1400000", agreement_wage="1350000"),
    )
    assert response.status_code == 200
    assert job_count() == before
    assert error_ids(response)


def test_script_in_a_job_is_shown_as_text(client, hanne, shop):
    script = "<script>alert(1)</script>"
    response = fill(
        client,
        "/company/jobs/new",
        "publish",
        **hannes_job(
            title=f"Hylder {script}",
            description=script,
            task_lines=script,
            other_requirements=script,
            wage_agreement_name=script,
            contact_name=script,
        ),
    )
    assert response.status_code == 302
    for page in (
        client.get(response.headers["Location"]),
        client.get("/company/"),
        client.get("/company/jobs"),
        client.get(f"{response.headers['Location']}/edit"),
    ):
        text = text_of(page)
        assert script not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# ---------------------------------------------------------------------------------------------
# 4. Editing


def test_employer_edits_a_published_job_and_sees_the_change(client, hanne, company, make_job):
    job = make_job(company, hanne)
    url = f"/company/jobs/{job.id}/edit"
    form = read_form(client.get(url))
    assert form["title"] == ["Opfyldning af varer"]
    assert form["hours_per_week"] == ["6"]
    assert sorted(form["weekdays"]) == ["2", "8"]
    response = send(client, url, form, "save", title="Opfyldning og kasse", hours_per_week="7,5")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/company/jobs/{job.id}"
    saved = fresh(job)
    assert (saved.title, saved.hours_per_week, saved.status) == (
        "Opfyldning og kasse",
        Decimal("7.5"),
        JobStatus.PUBLISHED,
    )
    page = text_of(client.get(f"/company/jobs/{job.id}"))
    assert "<h1>Opfyldning og kasse</h1>" in page
    assert "<dd>7,5</dd>" in page


def test_bad_input_on_edit_keeps_what_was_typed_and_saves_nothing(client, hanne, company, make_job):
    job = make_job(company, hanne)
    response = fill(
        client, f"/company/jobs/{job.id}/edit", "save", title="Nyt navn", hours_per_week="40"
    )
    assert response.status_code == 200
    assert error_ids(response) == ["hours_per_week"]
    assert 'value="Nyt navn"' in text_of(response)
    saved = fresh(job)
    assert (saved.title, saved.hours_per_week, saved.version) == (
        "Opfyldning af varer",
        Decimal("6"),
        job.version,
    )


def test_a_published_job_that_has_started_can_still_be_edited(client, hanne, company, make_job):
    job = make_job(company, hanne, start_date=local_today() - timedelta(days=14))
    response = fill(client, f"/company/jobs/{job.id}/edit", "save", title="Stadig i gang")
    assert response.status_code == 302
    assert fresh(job).title == "Stadig i gang"
    # ...but its start cannot be moved to another day in the past.
    response = fill(client, f"/company/jobs/{job.id}/edit", "save", start_date=in_days(-3))
    assert error_ids(response) == ["start_date"]


@pytest.mark.parametrize("who", ["colleague", "same browser"])
def test_a_stale_save_is_refused_and_the_first_save_stays(
    client, hanne, company, make_job, colleague_client, who
):
    job = make_job(company, hanne)
    url = f"/company/jobs/{job.id}/edit"
    second = colleague_client if who == "colleague" else client
    hannes_form = read_form(client.get(url))
    other_form = read_form(second.get(url))
    assert hannes_form["version"] == other_form["version"] == [str(job.version)]

    first = send(client, url, hannes_form, "save", title="Hannes titel", hours_per_week="8")
    assert first.status_code == 302
    late = send(second, url, other_form, "save", title="Kims titel", contact_name="Kim")
    assert late.status_code == 200
    assert da(STALE_MESSAGE) in error_summary(late)
    assert error_ids(late) == []  # not a field's fault
    saved = fresh(job)
    assert (saved.title, saved.hours_per_week, saved.contact_name) == (
        "Hannes titel",
        Decimal("8"),
        "Hanne Kjær",
    )
    assert "Hannes titel" in text_of(second.get(f"/company/jobs/{job.id}"))
    # Sending the stale form again changes nothing either.
    again = send(second, url, read_form(late), "save")
    assert da(STALE_MESSAGE) in error_summary(again)
    assert fresh(job).title == "Hannes titel"


def test_a_save_after_a_colleague_published_the_draft_is_stale(
    client, hanne, company, make_job, colleague_client
):
    job = make_job(company, hanne, status=JobStatus.DRAFT.value)
    url = f"/company/jobs/{job.id}/edit"
    form = read_form(client.get(url))
    page = f"/company/jobs/{job.id}"
    assert press(colleague_client, f"/company/jobs/{job.id}/publish", page).status_code == 302
    late = send(client, url, form, "save", title="Ændret kladde")
    assert da(STALE_MESSAGE) in error_summary(late)
    saved = fresh(job)
    assert (saved.title, saved.status) == ("Opfyldning af varer", JobStatus.PUBLISHED)


def test_a_closed_job_cannot_be_edited(client, hanne, company, make_job):
    job = make_job(company, hanne)
    url = f"/company/jobs/{job.id}/edit"
    form = read_form(client.get(url))  # opened while the job was still published
    closed = fill(client, f"/company/jobs/{job.id}/close", reason="filled_elsewhere")
    assert closed.status_code == 302

    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/company/jobs/{job.id}"
    forged = send(client, url, form, "save", title="Genåbnet", hours_per_week="10")
    assert forged.status_code == 302
    assert forged.headers["Location"] == f"/company/jobs/{job.id}"
    saved = fresh(job)
    assert (saved.title, saved.hours_per_week, saved.status) == (
        "Opfyldning af varer",
        Decimal("6"),
        JobStatus.CLOSED,
    )
    page = text_of(client.get(f"/company/jobs/{job.id}"))
    assert f'href="{url}"' not in page  # no edit button on a closed job


# ---------------------------------------------------------------------------------------------
# 5. Publish, copy, close


def test_employer_publishes_a_draft(client, hanne, company, make_job):
    job = make_job(company, hanne, status=JobStatus.DRAFT.value)
    page = f"/company/jobs/{job.id}"
    assert f'action="/company/jobs/{job.id}/publish"' in text_of(client.get(page))
    response = press(client, f"/company/jobs/{job.id}/publish", page)
    assert response.status_code == 302
    assert response.headers["Location"] == page
    saved = fresh(job)
    assert saved.status == JobStatus.PUBLISHED
    assert saved.published_at is not None
    assert da(STATUS_LABELS["published"]) in status_line(client.get(page))


def test_publish_without_the_csrf_token_is_refused(client, hanne, company, make_job):
    job = make_job(company, hanne, status=JobStatus.DRAFT.value)
    response = client.post(f"/company/jobs/{job.id}/publish")
    assert response.status_code == 400
    assert fresh(job).status == JobStatus.DRAFT


def test_a_draft_whose_start_has_passed_needs_a_new_date_before_publishing(
    client, hanne, company, make_job
):
    job = make_job(
        company, hanne, status=JobStatus.DRAFT.value, start_date=local_today() - timedelta(days=3)
    )
    page = f"/company/jobs/{job.id}"
    response = press(client, f"/company/jobs/{job.id}/publish", page)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/company/jobs/{job.id}/edit"
    assert fresh(job).status == JobStatus.DRAFT
    edit = client.get(response.headers["Location"])
    assert f'class="flash flash--error">{da(PAST_START)}<' in text_of(edit)

    url = f"/company/jobs/{job.id}/edit"
    still_past = send(client, url, read_form(edit), "publish")
    assert still_past.status_code == 200
    assert error_ids(still_past) == ["start_date"]
    assert fresh(job).status == JobStatus.DRAFT

    fixed = send(client, url, read_form(still_past), "publish", start_date=in_days(1))
    assert fixed.status_code == 302
    saved = fresh(job)
    assert (saved.status, saved.start_date.isoformat()) == (JobStatus.PUBLISHED, in_days(1))


def test_publishing_a_published_job_changes_nothing(client, hanne, company, make_job):
    job = make_job(company, hanne)
    published_at = job.published_at
    response = press(client, f"/company/jobs/{job.id}/publish", f"/company/jobs/{job.id}")
    assert response.status_code == 302
    saved = fresh(job)
    assert (saved.status, saved.published_at) == (JobStatus.PUBLISHED, published_at)


def test_copy_makes_a_new_draft_starting_today_and_leaves_the_original(
    client, hanne, company, make_job
):
    original = make_job(
        company,
        hanne,
        start_date=local_today() - timedelta(days=10),
        end_date=local_today() + timedelta(days=20),
        time_from=None,
        lifting_max_kg=15,
        requires_heavy_lifting=True,
    )
    before = (original.title, original.status, original.start_date, original.version)
    count = job_count()
    response = press(client, f"/company/jobs/{original.id}/copy", f"/company/jobs/{original.id}")
    assert response.status_code == 302
    assert job_count() == count + 1
    copy = newest_job()
    assert response.headers["Location"] == f"/company/jobs/{copy.id}/edit"
    assert copy.copied_from_id == original.id
    assert copy.status == JobStatus.DRAFT
    assert copy.published_at is None
    assert copy.created_by_id == hanne.id
    assert copy.start_date == local_today()
    assert copy.end_date == local_today() + timedelta(days=30)  # as long as the original
    kept = fresh(original)
    for name in (
        "title",
        "description",
        "task_lines",
        "category",
        "hours_per_week",
        "weekdays",
        "workplace_id",
        "hourly_wage",
        "agreement_wage",
        "lifting_max_kg",
        "contact_name",
    ):
        assert getattr(copy, name) == getattr(kept, name), name
    assert (kept.title, kept.status, kept.start_date, kept.version) == before
    form = read_form(client.get(response.headers["Location"]))
    assert form["start_date"] == [local_today().isoformat()]
    assert form["title"] == ["Opfyldning af varer"]


def test_copy_of_a_closed_job_can_be_published(client, hanne, company, make_job):
    original = make_job(company, hanne, status=JobStatus.CLOSED.value)
    response = press(client, f"/company/jobs/{original.id}/copy", f"/company/jobs/{original.id}")
    copy = newest_job()
    assert copy.close_reason is None
    assert copy.closed_at is None
    published = fill(client, response.headers["Location"], "publish")
    assert published.status_code == 302
    assert fresh(copy).status == JobStatus.PUBLISHED
    assert fresh(original).status == JobStatus.CLOSED


def test_employer_closes_a_job_with_a_reason(client, hanne, company, make_job):
    job = make_job(company, hanne)
    url = f"/company/jobs/{job.id}/close"
    assert read_form(client.get(url)).get("reason") is None  # nothing chosen in advance
    response = fill(client, url, reason="filled_by_us", note="Ansat via jobcentret.")
    assert response.status_code == 302
    assert response.headers["Location"] == "/company/jobs"
    saved = fresh(job)
    assert (saved.status, saved.close_reason, saved.close_note) == (
        JobStatus.CLOSED,
        "filled_by_us",
        "Ansat via jobcentret.",
    )
    assert abs(utcnow() - saved.closed_at) < timedelta(minutes=1)

    listing = client.get("/company/jobs")
    closed = section(listing, "status-closed")
    assert "Opfyldning af varer" in closed
    assert da(CLOSE_REASON_LABELS["filled_by_us"]) in closed
    assert "Opfyldning af varer" not in section(listing, "status-published")
    assert "Opfyldning af varer" not in section(client.get("/company/"), "jobs-title")
    page = client.get(f"/company/jobs/{job.id}")
    assert da(STATUS_LABELS["closed"]) in status_line(page)
    assert da(CLOSE_REASON_LABELS["filled_by_us"]) in status_line(page)


def test_a_draft_can_be_closed_when_the_page_offers_it(client, hanne, company, make_job):
    """The close button shows on a draft's page too; pressing it must not end on the error page.

    Either the draft is closed like any job, or the button is not offered and closing a draft
    is refused with a message.
    """
    job = make_job(company, hanne, status=JobStatus.DRAFT.value)
    url = f"/company/jobs/{job.id}/close"
    offered = f'href="{url}"' in text_of(client.get(f"/company/jobs/{job.id}"))
    response = fill(client, url, reason="no_longer_needed")
    assert response.status_code != 500, "closing a draft ends on the error page"
    saved = fresh(job)
    if offered:
        assert response.status_code == 302
        assert (saved.status, saved.close_reason) == (JobStatus.CLOSED, "no_longer_needed")
        assert "Opfyldning af varer" in section(client.get("/company/jobs"), "status-closed")
    else:
        assert response.status_code == 200
        assert error_summary(response)
        assert saved.status == JobStatus.DRAFT


@pytest.mark.parametrize("reason", ["bored", "", None])
def test_closing_needs_a_reason_from_the_list(client, hanne, company, make_job, reason):
    job = make_job(company, hanne)
    response = fill(client, f"/company/jobs/{job.id}/close", reason=reason, note="Min note")
    assert response.status_code == 200
    assert error_ids(response) == ["reason"]
    assert "Min note" in text_of(response)
    saved = fresh(job)
    assert (saved.status, saved.closed_at, saved.close_reason) == (
        JobStatus.PUBLISHED,
        None,
        None,
    )


def test_closing_twice_is_refused(client, hanne, company, make_job, colleague_client):
    job = make_job(company, hanne)
    url = f"/company/jobs/{job.id}/close"
    colleague_form = read_form(colleague_client.get(url))
    assert fill(client, url, reason="filled_elsewhere").status_code == 302
    first = fresh(job)
    closed_at, reason = first.closed_at, first.close_reason

    again = send(colleague_client, url, colleague_form, reason="no_longer_needed", note="x")
    assert again.status_code == 200
    assert error_summary(again)
    saved = fresh(job)
    assert (saved.closed_at, saved.close_reason, saved.close_note) == (closed_at, reason, "")


# ---------------------------------------------------------------------------------------------
# 6. Access


ID_ROUTES = [
    ("GET", "/company/jobs/{job}"),
    ("GET", "/company/jobs/{job}/edit"),
    ("POST", "/company/jobs/{job}/edit"),
    ("POST", "/company/jobs/{job}/publish"),
    ("GET", "/company/jobs/{job}/close"),
    ("POST", "/company/jobs/{job}/close"),
    ("POST", "/company/jobs/{job}/copy"),
    ("GET", "/company/workplaces/{workplace}/edit"),
    ("POST", "/company/workplaces/{workplace}/edit"),
]


def company_routes(app: Flask) -> list[tuple[str, str]]:
    """Every (method, path) under /company for logged-in users, ids as {job} and {workplace}."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/company"):
            continue
        if getattr(app.view_functions[rule.endpoint], "allowed_roles", None) is PUBLIC:
            continue  # the hours reminder's signed link: test_hour_reminders.py
        path = (
            rule.rule.replace("<id:job_id>", "{job}")
            .replace("<id:workplace_id>", "{workplace}")
            .replace("<id:proposal_id>", "{proposal}")
            .replace("<id:placement_id>", "{placement}")
            .replace("<id:step_id>", "{step}")
            .replace("<id:terms_id>", "{terms}")
            .replace("<id:flag_id>", "{flag}")
            .replace("<id:reminder_id>", "{reminder}")
            .replace("<token>", "{token}")
            .replace("<any(accept, refuse, withdraw):action>", "accept")
        )
        found += [(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}]
    return sorted(found)


def test_every_company_route_with_an_id_is_checked_below(app):
    # Proposal and placement routes have their own access tests (test_proposal_access.py,
    # test_placement_access.py); the hours reminder and its signed link theirs
    # (test_hour_reminders.py).
    own_tests = ("{proposal}", "{placement}", "{reminder}", "{token}")
    with_ids = [
        (m, p) for m, p in company_routes(app) if "{" in p and not any(k in p for k in own_tests)
    ]
    assert sorted(with_ids) == sorted(ID_ROUTES)
    assert not [p for _, p in company_routes(app) if "<" in p], "an id kind not covered here"


def state(job: Job, workplace: Workplace) -> tuple[object, ...]:
    db.session.expire_all()
    j, w = db.session.get(Job, job.id), db.session.get(Workplace, workplace.id)
    return (
        j.title,
        j.status,
        j.version,
        j.closed_at,
        j.published_at,
        job_count(),
        w.name,
        w.p_number,
    )


@pytest.mark.parametrize(("method", "path"), ID_ROUTES)
def test_an_employer_of_another_company_gets_404_and_changes_nothing(
    app, client, login, employer, company, stranger, make_job, method, path
):
    # A draft, so that publishing it would change it; published for the rest (edit, close).
    status = JobStatus.DRAFT if path.endswith("/publish") else JobStatus.PUBLISHED
    job = make_job(company, employer, status=status.value)
    url = path.format(job=job.id, workplace=job.workplace_id)
    owner_client = app.test_client()
    login(employer, via=owner_client)
    # What the owner would send (read from the owner's own form), forged by the stranger.
    if url.endswith("/edit"):
        payload = read_form(owner_client.get(url))
        payload.update(title=["Overtaget"], name=["Overtaget"], save=["1"])
    elif url.endswith("/close"):
        payload = {"reason": ["no_longer_needed"]}
    else:
        payload = {}
    login(stranger)
    before = state(job, job.workplace)

    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token_from(client.get("/company/"))
        response = client.post(url, data={**payload, "csrf_token": [token]})
    assert response.status_code == 404
    assert "Opfyldning af varer" not in text_of(response)
    assert state(job, job.workplace) == before

    # The same request from the owner goes through: it was the company that was refused.
    if method == "GET":
        assert owner_client.get(url).status_code == 200
    else:
        token = csrf_token_from(owner_client.get("/company/"))
        response = owner_client.post(url, data={**payload, "csrf_token": [token]})
        assert response.status_code == 302
        assert state(job, job.workplace) != before


@pytest.mark.parametrize("who", ["consultant", "admin"])
def test_jobcentre_staff_get_403_on_every_company_route(
    request, app, client, login, employer, company, make_job, who
):
    job = make_job(company, employer, status=JobStatus.DRAFT.value)
    login(request.getfixturevalue(who))
    token = csrf_token_from(client.get("/caseload"))
    before = state(job, job.workplace)
    answers = {}
    for method, path in company_routes(app):
        url = path.format(
            job=job.id,
            workplace=job.workplace_id,
            proposal=1,
            placement=1,
            step=1,
            terms=1,
            flag=1,
            reminder=1,
            token="x",
        )
        if method == "GET":
            answers[(method, url)] = client.get(url).status_code
        else:
            data = {"csrf_token": token, "reason": "no_longer_needed", "title": "x"}
            answers[(method, url)] = client.post(url, data=data).status_code
    assert len(answers) >= 14
    assert answers == dict.fromkeys(answers, 403)
    assert state(job, job.workplace) == before


def test_anonymous_users_are_sent_to_login_from_every_company_route(
    client, employer, company, make_job, app
):
    job = make_job(company, employer, status=JobStatus.DRAFT.value)
    token = csrf_token_from(client.get("/login"))
    before = state(job, job.workplace)
    for method, path in company_routes(app):
        url = path.format(
            job=job.id,
            workplace=job.workplace_id,
            proposal=1,
            placement=1,
            step=1,
            terms=1,
            flag=1,
            reminder=1,
            token="x",
        )
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token, "reason": "filled_by_us"})
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)
    assert state(job, job.workplace) == before


@pytest.mark.parametrize("missing", [10_000_000, 2**31, 2**63, 10**20])
def test_an_id_that_does_not_exist_is_a_404(client, hanne, missing):
    """However large the number typed into the address bar: "not found", not the error page."""
    paths = [
        f"/company/jobs/{missing}",
        f"/company/jobs/{missing}/edit",
        f"/company/jobs/{missing}/close",
        f"/company/workplaces/{missing}/edit",
    ]
    answers = {path: client.get(path).status_code for path in paths}
    assert answers == dict.fromkeys(paths, 404)


# ---------------------------------------------------------------------------------------------
# 7. Query counts


@pytest.mark.parametrize("path", ["/company/", "/company/jobs"])
def test_company_pages_run_as_many_queries_for_20_jobs_as_for_2(
    client, hanne, company, make_job, count_queries, path
):
    statuses = [JobStatus.PUBLISHED.value, JobStatus.DRAFT.value, JobStatus.CLOSED.value]

    def add(numbers: range) -> None:
        for n in numbers:  # each job at a workplace of its own
            make_job(company, hanne, title=f"Småjob nr. {n}", status=statuses[n % 3])

    add(range(2))
    client.get(path)  # warm up: first-request work is not what we measure
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add(range(2, 20))
    with count_queries() as many:
        page = text_of(client.get(path))
    shown = [n for n in range(20) if f"Småjob nr. {n}<" in page]
    expected = range(20) if path == "/company/jobs" else [n for n in range(20) if n % 3 != 2]
    assert shown == list(expected)
    assert many.count == few.count

"""Posting a job through the company's form (employers/routes.py): Hanne's journey to a
published job, drafts, hours and weekdays as people type them, and bad input shown beside its
field (or on the steps group) with nothing saved.

Every form is used the way a browser uses it: the page is fetched, the form on it is read,
the user changes some fields and the whole form is posted back. The fixtures are in
tests/employers/conftest.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from markupsafe import escape
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Job, JobStatus
from marketplace.web.labels import STATUS_LABELS
from tests.html_forms import da, error_ids, error_summary, field_error, text_of
from tests.pages import fill, form_date, job_count, job_status_line, newest_job, read_form, section


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
        "start_date": form_date(7),
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
# 3. Posting a job


def test_journey_1_hanne_publishes_her_job(client, hanne, hannes_company, shop):
    before = job_count()
    response = fill(client, "/company/jobs/new", "publish", **hannes_job())
    assert response.status_code == 302
    assert job_count() == before + 1
    job = newest_job()
    assert response.headers["Location"] == f"/company/jobs/{job.id}"
    assert job.company_id == hannes_company.id
    assert job.created_by_id == hanne.id
    assert job.status == JobStatus.PUBLISHED
    assert job.published_at is not None
    assert job.workplace_id == shop.id
    assert job.municipality_code == shop.municipality_code
    assert job.hours_per_week == Decimal("6")
    assert job.weekdays == 2 | 8
    assert (job.time_from.isoformat(), job.time_to.isoformat()) == ("07:00:00", "10:00:00")
    assert job.start_date.isoformat() == form_date(7)
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
    assert da(STATUS_LABELS["published"]) in job_status_line(page)
    text = text_of(page)
    assert "<h1>Opfyldning af varer</h1>" in text
    assert "07:00–10:00" in text
    assert "Fylde hylder" in text
    home = section(client.get("/company/"), "jobs-title")
    assert "Opfyldning af varer" in home
    assert da(STATUS_LABELS["published"]) in home
    assert "Opfyldning af varer" in section(client.get("/company/jobs"), "status-published")


def test_the_category_starts_unchosen_and_a_job_without_one_is_refused(client, hanne, shop):
    """A required choice starts at "Vælg en kategori": the first category is never chosen by
    leaving the list alone."""
    form = read_form(client.get("/company/jobs/new"))
    assert form["category"] == [""]
    before = job_count()
    response = fill(client, "/company/jobs/new", "publish", **hannes_job(category=""))
    assert response.status_code == 200
    assert "category" in error_ids(response)
    assert job_count() == before


def test_a_job_saved_as_draft_is_a_draft(client, hanne, shop):
    response = fill(client, "/company/jobs/new", "save_draft", **hannes_job())
    assert response.status_code == 302
    job = newest_job()
    assert job.status == JobStatus.DRAFT
    assert job.published_at is None
    assert da(STATUS_LABELS["draft"]) in job_status_line(client.get(response.headers["Location"]))
    listing = client.get("/company/jobs")
    assert "Opfyldning af varer" in section(listing, "status-draft")
    assert "Opfyldning af varer" not in section(listing, "status-published")


def test_new_job_form_is_prefilled_for_the_employer(client, hanne, shop):
    form = read_form(client.get("/company/jobs/new"))
    assert form["contact_name"] == [hanne.name]
    assert form["start_date"] == [form_date(7)]
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
    typed = {"start_date": form_date(start), "end_date": form_date(end) if end is not None else ""}
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

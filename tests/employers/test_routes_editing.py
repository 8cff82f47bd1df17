"""Managing a posted job (employers/routes.py): editing (a stale save is refused and the
first save stays), publishing a draft, copying a job into a new draft, closing with a reason.

Every form is used the way a browser uses it: the page is fetched, the form on it is read
(its CSRF token and hidden `version`), the user changes some fields and the whole form is
posted back. The fixtures are in tests/employers/conftest.py.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import lazy_gettext as _l

from marketplace.clock import local_today, utcnow
from marketplace.jobs.postings import STALE_MESSAGE
from marketplace.models import JobStatus
from marketplace.web.labels import CLOSE_REASON_LABELS, STATUS_LABELS
from tests.html_forms import da, error_ids, error_summary, press, text_of
from tests.pages import (
    fill,
    form_date,
    fresh,
    job_count,
    job_status_line,
    newest_job,
    post_form,
    read_form,
    section,
)

# The domain's message for a start date in the past, as the catalog has it.
PAST_START = _l("The start date cannot be in the past.")


# ---------------------------------------------------------------------------------------------
# 4. Editing


def test_employer_edits_a_published_job_and_sees_the_change(
    client, hanne, hannes_company, make_job
):
    job = make_job(hannes_company, hanne)
    url = f"/company/jobs/{job.id}/edit"
    form = read_form(client.get(url))
    assert form["title"] == ["Opfyldning af varer"]
    assert form["hours_per_week"] == ["6"]
    assert sorted(form["weekdays"]) == ["2", "8"]
    response = post_form(
        client, url, form, "save", title="Opfyldning og kasse", hours_per_week="7,5"
    )
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


def test_bad_input_on_edit_keeps_what_was_typed_and_saves_nothing(
    client, hanne, hannes_company, make_job
):
    job = make_job(hannes_company, hanne)
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


def test_a_published_job_that_has_started_can_still_be_edited(
    client, hanne, hannes_company, make_job
):
    job = make_job(hannes_company, hanne, start_date=local_today() - timedelta(days=14))
    response = fill(client, f"/company/jobs/{job.id}/edit", "save", title="Stadig i gang")
    assert response.status_code == 302
    assert fresh(job).title == "Stadig i gang"
    # ...but its start cannot be moved to another day in the past.
    response = fill(client, f"/company/jobs/{job.id}/edit", "save", start_date=form_date(-3))
    assert error_ids(response) == ["start_date"]


@pytest.mark.parametrize("who", ["colleague", "same browser"])
def test_a_stale_save_is_refused_and_the_first_save_stays(
    client, hanne, hannes_company, make_job, colleague_client, who
):
    job = make_job(hannes_company, hanne)
    url = f"/company/jobs/{job.id}/edit"
    second = colleague_client if who == "colleague" else client
    hannes_form = read_form(client.get(url))
    other_form = read_form(second.get(url))
    assert hannes_form["version"] == other_form["version"] == [str(job.version)]

    first = post_form(client, url, hannes_form, "save", title="Hannes titel", hours_per_week="8")
    assert first.status_code == 302
    late = post_form(second, url, other_form, "save", title="Kims titel", contact_name="Kim")
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
    again = post_form(second, url, read_form(late), "save")
    assert da(STALE_MESSAGE) in error_summary(again)
    assert fresh(job).title == "Hannes titel"


def test_a_save_after_a_colleague_published_the_draft_is_stale(
    client, hanne, hannes_company, make_job, colleague_client
):
    job = make_job(hannes_company, hanne, status=JobStatus.DRAFT.value)
    url = f"/company/jobs/{job.id}/edit"
    form = read_form(client.get(url))
    page = f"/company/jobs/{job.id}"
    assert press(colleague_client, f"/company/jobs/{job.id}/publish", page).status_code == 302
    late = post_form(client, url, form, "save", title="Ændret kladde")
    assert da(STALE_MESSAGE) in error_summary(late)
    saved = fresh(job)
    assert (saved.title, saved.status) == ("Opfyldning af varer", JobStatus.PUBLISHED)


def test_a_closed_job_cannot_be_edited(client, hanne, hannes_company, make_job):
    job = make_job(hannes_company, hanne)
    url = f"/company/jobs/{job.id}/edit"
    form = read_form(client.get(url))  # opened while the job was still published
    closed = fill(client, f"/company/jobs/{job.id}/close", reason="filled_elsewhere")
    assert closed.status_code == 302

    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/company/jobs/{job.id}"
    forged = post_form(client, url, form, "save", title="Genåbnet", hours_per_week="10")
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


def test_employer_publishes_a_draft(client, hanne, hannes_company, make_job):
    job = make_job(hannes_company, hanne, status=JobStatus.DRAFT.value)
    page = f"/company/jobs/{job.id}"
    assert f'action="/company/jobs/{job.id}/publish"' in text_of(client.get(page))
    response = press(client, f"/company/jobs/{job.id}/publish", page)
    assert response.status_code == 302
    assert response.headers["Location"] == page
    saved = fresh(job)
    assert saved.status == JobStatus.PUBLISHED
    assert saved.published_at is not None
    assert da(STATUS_LABELS["published"]) in job_status_line(client.get(page))


def test_publish_without_the_csrf_token_is_refused(client, hanne, hannes_company, make_job):
    job = make_job(hannes_company, hanne, status=JobStatus.DRAFT.value)
    response = client.post(f"/company/jobs/{job.id}/publish")
    assert response.status_code == 400
    assert fresh(job).status == JobStatus.DRAFT


def test_a_draft_whose_start_has_passed_needs_a_new_date_before_publishing(
    client, hanne, hannes_company, make_job
):
    job = make_job(
        hannes_company,
        hanne,
        status=JobStatus.DRAFT.value,
        start_date=local_today() - timedelta(days=3),
    )
    page = f"/company/jobs/{job.id}"
    response = press(client, f"/company/jobs/{job.id}/publish", page)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/company/jobs/{job.id}/edit"
    assert fresh(job).status == JobStatus.DRAFT
    edit = client.get(response.headers["Location"])
    assert f'class="flash flash--error">{da(PAST_START)}<' in text_of(edit)

    url = f"/company/jobs/{job.id}/edit"
    still_past = post_form(client, url, read_form(edit), "publish")
    assert still_past.status_code == 200
    assert error_ids(still_past) == ["start_date"]
    assert fresh(job).status == JobStatus.DRAFT

    fixed = post_form(client, url, read_form(still_past), "publish", start_date=form_date(1))
    assert fixed.status_code == 302
    saved = fresh(job)
    assert (saved.status, saved.start_date.isoformat()) == (JobStatus.PUBLISHED, form_date(1))


def test_publishing_a_published_job_changes_nothing(client, hanne, hannes_company, make_job):
    job = make_job(hannes_company, hanne)
    published_at = job.published_at
    response = press(client, f"/company/jobs/{job.id}/publish", f"/company/jobs/{job.id}")
    assert response.status_code == 302
    saved = fresh(job)
    assert (saved.status, saved.published_at) == (JobStatus.PUBLISHED, published_at)


def test_copy_makes_a_new_draft_starting_today_and_leaves_the_original(
    client, hanne, hannes_company, make_job
):
    original = make_job(
        hannes_company,
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


def test_copy_of_a_closed_job_can_be_published(client, hanne, hannes_company, make_job):
    original = make_job(hannes_company, hanne, status=JobStatus.CLOSED.value)
    response = press(client, f"/company/jobs/{original.id}/copy", f"/company/jobs/{original.id}")
    copy = newest_job()
    assert copy.close_reason is None
    assert copy.closed_at is None
    published = fill(client, response.headers["Location"], "publish")
    assert published.status_code == 302
    assert fresh(copy).status == JobStatus.PUBLISHED
    assert fresh(original).status == JobStatus.CLOSED


def test_employer_closes_a_job_with_a_reason(client, hanne, hannes_company, make_job):
    job = make_job(hannes_company, hanne)
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
    assert da(STATUS_LABELS["closed"]) in job_status_line(page)
    assert da(CLOSE_REASON_LABELS["filled_by_us"]) in job_status_line(page)


def test_a_draft_can_be_closed_when_the_page_offers_it(client, hanne, hannes_company, make_job):
    """The close button shows on a draft's page too; pressing it must not end on the error page.

    Either the draft is closed like any job, or the button is not offered and closing a draft
    is refused with a message.
    """
    job = make_job(hannes_company, hanne, status=JobStatus.DRAFT.value)
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
def test_closing_needs_a_reason_from_the_list(client, hanne, hannes_company, make_job, reason):
    job = make_job(hannes_company, hanne)
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


def test_closing_twice_is_refused(client, hanne, hannes_company, make_job, colleague_client):
    job = make_job(hannes_company, hanne)
    url = f"/company/jobs/{job.id}/close"
    colleague_form = read_form(colleague_client.get(url))
    assert fill(client, url, reason="filled_elsewhere").status_code == 302
    first = fresh(job)
    closed_at, reason = first.closed_at, first.close_reason

    again = post_form(colleague_client, url, colleague_form, reason="no_longer_needed", note="x")
    assert again.status_code == 200
    assert error_summary(again)
    saved = fresh(job)
    assert (saved.closed_at, saved.close_reason, saved.close_note) == (closed_at, reason, "")

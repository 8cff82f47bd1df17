"""No caching of personal data: every response to a logged-in user, and every page opened by
a signed link (which stands in for a login), carries `Cache-Control: no-store`, whatever its
content type. Static files and public pages of a visitor may be cached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.hours import reminders as hour_reminders
from marketplace.models import HourReminder
from tests.factories import MONDAY, confirm
from tests.pages import invite, link_in

# The shared `placement` (tests/conftest.py): paid hours Tuesday and Thursday since MONDAY.
START, END = MONDAY - timedelta(days=7), MONDAY + timedelta(days=6)


def test_every_kind_of_response_to_a_logged_in_user_is_not_stored(
    client, login, employer, placement
):
    confirm(placement, employer)
    db.session.commit()
    login(employer)
    responses = {
        "page": client.get("/company/"),
        "csv": client.get(f"/company/hours/export?start={START}&end={END}"),
        "redirect": client.get("/"),
        "another's id": client.get(f"/company/hours/reminders/{2**31 - 1}"),
        "not found": client.get("/company/no-such-page"),
        "forbidden": client.get("/caseload"),
    }
    assert responses["csv"].mimetype == "text/csv"
    assert responses["redirect"].status_code == 302
    assert responses["csv"].get_data()  # streamed: read to its end, as a browser does
    for what, response in responses.items():
        assert response.headers.get("Cache-Control") == "no-store", what


def test_a_token_page_is_not_stored_for_a_visitor_who_is_not_logged_in(
    app, client, login, employer, placement, outbox
):
    db.session.flush()
    hour_reminders.send_hour_reminders(datetime.now(UTC))
    db.session.commit()
    reminder = db.session.scalar(select(HourReminder).where(HourReminder.user_id == employer.id))
    login(employer)
    assert invite(client).status_code == 302
    visitor = app.test_client()
    for link in (
        f"/company/hours/link/{hour_reminders.token_for(reminder)}",
        link_in(outbox),  # the invitation
        "/invitation/not-a-token",  # a page for a link that does not work is still not kept
        "/company/hours/link/not-a-token",
    ):
        response = visitor.get(link)
        assert response.status_code in (200, 404, 410), link
        assert response.headers.get("Cache-Control") == "no-store", link


def test_static_files_and_a_visitors_public_pages_may_be_cached(client, login, employer):
    assert client.get("/login").headers.get("Cache-Control") != "no-store"
    login(employer)
    with client.get("/static/css/main.css") as response:
        assert response.status_code == 200
        assert "no-store" not in (response.headers.get("Cache-Control") or "")

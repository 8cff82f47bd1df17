"""Confirming hours marks the weekly reminder's notification done (read) once nothing it
reminded of still waits, whichever page confirmed (marketplace.hours.reminders.settle, called
by every confirmation): the week page, a placement's page, the reminder's own link; for every
employer of the company who got it. A reminder of three weeks stays until the third is
confirmed.

The placement is the shared one: paid hours Tuesday and Thursday since MONDAY, so three past
weeks wait (tests.factories.WAITING_WEEKS); the reminder was sent this Monday.
"""

from __future__ import annotations

from flask.testing import FlaskClient

from marketplace.hours import reminders as hour_reminders
from marketplace.models import Placement, User
from tests.factories import WAITING_WEEKS, hours_waiting_notices, remind, the_hour_reminder
from tests.pages import (
    confirm_planned,
    followed,
    form_to,
    hours_week_page,
    link_form,
    placement_hours_page,
    send,
)

CONFIRM_URL = "/company/hours/confirm"


def unread(*users: User) -> list[bool]:
    return [n.read_at is None for user in users for n in hours_waiting_notices(user)]


def test_the_last_waiting_week_confirmed_on_the_week_page_settles_everyones_reminder(
    company: FlaskClient, placement: Placement, employer: User, colleague: User
) -> None:
    assert remind() == 2
    confirm_planned(placement, employer, WAITING_WEEKS[0])
    form = form_to(hours_week_page(company, WAITING_WEEKS[1]), CONFIRM_URL)
    followed(company, send(company, CONFIRM_URL, form.values))
    assert unread(employer, colleague) == [True, True]  # week 3 still waits
    form = form_to(hours_week_page(company, WAITING_WEEKS[2]), CONFIRM_URL)
    followed(company, send(company, CONFIRM_URL, form.values))
    assert unread(employer, colleague) == [False, False]


def test_a_placements_page_settles_it_too(
    company: FlaskClient, placement: Placement, employer: User
) -> None:
    assert remind() == 1
    for week in WAITING_WEEKS[:2]:
        confirm_planned(placement, employer, week)
    assert unread(employer) == [True]  # the domain alone marks nothing: the page does
    form = form_to(placement_hours_page(company, placement, WAITING_WEEKS[2]), CONFIRM_URL)
    followed(company, send(company, CONFIRM_URL, form.values))
    assert unread(employer) == [False]


def test_the_links_confirmation_settles_it(
    client: FlaskClient, placement: Placement, employer: User
) -> None:
    assert remind() == 1
    link = f"/company/hours/link/{hour_reminders.token_for(the_hour_reminder(employer))}"
    form = link_form(client, link)
    followed(client, send(client, link, form.values))
    assert unread(employer) == [False]


def test_settling_leaves_a_reminder_whose_weeks_still_wait(
    placement: Placement, employer: User
) -> None:
    assert remind() == 1
    confirm_planned(placement, employer, WAITING_WEEKS[2])
    assert hour_reminders.settle(employer.organisation_id) == 0
    assert unread(employer) == [True]
    for week in WAITING_WEEKS[:2]:
        confirm_planned(placement, employer, week)
    assert hour_reminders.settle(employer.organisation_id) == 1
    assert unread(employer) == [False]

"""Notifications in a real browser: the unread count, reading, and the e-mail settings.

Lars, the demo jobcentre admin, finds the demo companies' sign-ups among his notifications.
Other tests on the same live server may add to them (a company signing up in Ringkøbing-Skjern),
so counts are read from the page and compared, never taken as fixed numbers. Elements are
found by URL, form action, id and their own <label>, never by a hard-coded text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from marketplace.demo.town import COMPANIES, DEMO_PASSWORD, JOBCENTRE_USERS
from marketplace.extensions import db
from marketplace.models import Notification, Role, User
from tests.e2e.pages import at, labelled, submit_main_form

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.e2e.conftest import AxeCheck, Live

pytestmark = pytest.mark.e2e

LARS = next(demo for demo in JOBCENTRE_USERS if demo.role is Role.ADMIN)
DEMO_COMPANY_NAMES = [fields["name"] for fields, _ in COMPANIES]
INBOX = "/notifications/"
SETTINGS = "/notifications/settings"


def badge(page: Page) -> Locator:
    return page.locator("header a.site-header__inbox .badge--count")


def unread_in_header(page: Page) -> int:
    """The number in the header's badge; 0 when there is no badge."""
    if badge(page).count() == 0:
        return 0
    found = re.match(r"\s*(\d+)", badge(page).inner_text())
    assert found, badge(page).inner_text()
    return int(found.group(1))


def expect_unread_in_header(page: Page, count: int) -> None:
    if count == 0:
        expect(badge(page)).to_have_count(0)
    else:
        expect(badge(page)).to_have_text(re.compile(rf"^\s*{count}\b"))


def preference_radio(page: Page, value: str) -> Locator:
    return page.locator(f"main input[type='radio'][name='email_preference'][value='{value}']")


def choose_by_label(page: Page, value: str) -> None:
    """Click the option's own <label>, as a person does, and check that it took."""
    radio = preference_radio(page, value)
    radio_id = radio.get_attribute("id")
    assert radio_id, f"the {value} option has no id for its label"
    label = page.locator(f"label[for='{radio_id}']")
    expect(label).to_have_count(1)
    label.click()
    expect(radio).to_be_checked()


def unread_again(live: Live) -> None:
    """Lars's notifications as the seed left them, unread: the journey reads them all, and it
    runs once per screen on the same server."""
    with live.app.app_context():
        lars = db.session.scalar(select(User.id).where(User.email == LARS.email))
        db.session.execute(
            update(Notification).where(Notification.recipient_id == lars).values(read_at=None)
        )
        db.session.commit()


def test_admin_reads_notifications_and_chooses_a_daily_digest(
    page: Page, axe_check: AxeCheck, live: Live
) -> None:
    unread_again(live)
    page.goto("/login")
    axe_check(page)
    labelled(page, "email").fill(LARS.email)
    labelled(page, "password").fill(DEMO_PASSWORD)
    submit_main_form(page)
    expect(page).to_have_url(at("/jobcentre"))
    expect(badge(page)).to_be_visible()
    before = unread_in_header(page)
    assert before >= 1, "the seed leaves Lars unread company sign-ups"
    # The link is read out with the count and its meaning, not a bare number.
    expect(page.locator("header a.site-header__inbox")).to_have_accessible_name(
        re.compile(rf"\S\s+{before}\s+\S+$")
    )
    axe_check(page)

    # The list: marked as the current page, each unread item marked as new.
    page.locator("header a.site-header__inbox").click()
    expect(page).to_have_url(at(INBOX))
    expect(page.locator("header a.site-header__inbox")).to_have_attribute("aria-current", "page")
    unread_items = page.locator("main li.notification--unread")
    expect(unread_items).to_have_count(min(before, 20))
    listing = page.locator("main ul.notification-list").inner_text()
    for name in DEMO_COMPANY_NAMES:
        assert name in listing, f"{name}'s sign-up is not among Lars's notifications"
    axe_check(page)

    # Opening one leads to where it points: for a company sign-up, the jobcentre page.
    first_unread = unread_items.first.locator("a[href^='/notifications/']")
    opened_href = first_unread.get_attribute("href")
    first_unread.click()
    expect(page).to_have_url(at("/jobcentre"))
    expect_unread_in_header(page, before - 1)
    axe_check(page)

    # Back on the list, the count has dropped and the opened one is no longer new.
    page.go_back()
    expect(page).to_have_url(at(INBOX))
    expect_unread_in_header(page, before - 1)
    expect(unread_items).to_have_count(min(before - 1, 20))
    expect(page.locator(f"main li.notification--unread a[href='{opened_href}']")).to_have_count(0)
    expect(page.locator(f"main li.notification a[href='{opened_href}']")).to_have_count(1)
    axe_check(page)

    # Mark all as read: found by where its form posts, not by its text.
    read_all = page.locator(f"main form[action='{INBOX}read-all'] button[type='submit']")
    expect(read_all).to_have_count(1)
    read_all.click()
    expect(page).to_have_url(at(INBOX))
    expect(page.locator(".flash--success")).to_be_visible()
    expect_unread_in_header(page, 0)
    expect(unread_items).to_have_count(0)
    expect(page.locator("main form[action$='/read']")).to_have_count(0)
    axe_check(page)

    # The e-mail settings: choose the daily digest by its label and save.
    page.locator(f"main a[href='{SETTINGS}']").click()
    expect(page).to_have_url(at(SETTINGS))
    expect(preference_radio(page, "immediate")).to_be_checked()
    axe_check(page)
    choose_by_label(page, "daily")
    submit_main_form(page)
    expect(page).to_have_url(at(SETTINGS))
    expect(page.locator(".flash--success")).to_be_visible()
    expect(preference_radio(page, "daily")).to_be_checked()
    axe_check(page)

    page.reload()
    expect(page).to_have_url(at(SETTINGS))
    expect(preference_radio(page, "daily")).to_be_checked()
    expect(preference_radio(page, "immediate")).not_to_be_checked()
    expect(preference_radio(page, "off")).not_to_be_checked()
    axe_check(page)

    # Leave Lars as the seed made him, for any later test on this server.
    choose_by_label(page, "immediate")
    submit_main_form(page)
    expect(page).to_have_url(at(SETTINGS))
    expect(preference_radio(page, "immediate")).to_be_checked()
    axe_check(page)

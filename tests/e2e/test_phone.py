"""The header on a 390 x 844 touch phone (issue 14): one short row with the brand, "Menu" and
the notifications link whose unread count stays in sight; "Menu" opens by touch and by the
keyboard and holds the navigation, the language, the account links and log out, each a target
of at least 24 x 24 px. On a desktop the links show without "Menu".

Every other journey runs on the phone too (conftest.py), where each page it checks must fit
the screen, show every input's label and have targets of 24 px; the header's links are only
measured here, with the menu open.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import (
    HANNE,
    LOGIN_URL,
    PHONE,
    at,
    desktop_only,
    expect_targets_of_24px,
    log_in,
    log_out,
    phone_only,
)

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.e2e.conftest import AxeCheck

pytestmark = pytest.mark.e2e

COMPANY_HOME = "/company/"
PLACEMENTS = "/company/placements"
# "Well under a quarter" of the phone's height: one row of 44 px targets, or two rows when a
# narrow screen wraps; the header took 226 px of 844 before.
MOST_HEADER_PX = PHONE["height"] * 0.15


def header_height(page: Page) -> float:
    box = page.locator("header.site-header").bounding_box()
    assert box is not None
    return box["height"]


def menu_parts(page: Page) -> tuple[Locator, Locator, Locator]:
    header = page.locator("header.site-header")
    return (
        header.locator("summary.site-menu__toggle"),
        header.get_by_role("navigation", name="Hovedmenu").get_by_role(
            "link", name="Forløb", exact=True
        ),
        header.get_by_role("button", name="Log ud", exact=True),
    )


@phone_only
def test_the_closed_header_is_short_and_the_unread_count_in_sight(
    page: Page, axe_check: AxeCheck
) -> None:
    log_in(page, axe_check, HANNE.email, COMPANY_HOME)
    toggle, placements, log_out_button = menu_parts(page)

    assert header_height(page) <= MOST_HEADER_PX, (
        f"the closed header takes {header_height(page)} of {PHONE['height']} px"
    )
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text("Menu")
    expect(placements).to_be_hidden()
    expect(log_out_button).to_be_hidden()
    # Brugsen has unread notifications in the demo town: their count shows with the menu shut.
    badge = page.locator("header a.site-header__inbox .badge--count")
    expect(badge).to_be_visible()
    expect(badge).to_have_text(re.compile(r"^\s*\d+"))

    # Opened by touch: the links are there, big enough to hit, over the page.
    toggle.tap()
    expect(placements).to_be_visible()
    expect(log_out_button).to_be_visible()
    assert header_height(page) <= MOST_HEADER_PX, "the open menu pushes the page down"
    expect_targets_of_24px(page)
    axe_check(page)
    placements.tap()
    expect(page).to_have_url(at(PLACEMENTS))
    expect(placements).to_be_hidden()  # a new page starts with the menu shut

    # Shut again by a second tap.
    toggle.tap()
    expect(log_out_button).to_be_visible()
    toggle.tap()
    expect(log_out_button).to_be_hidden()

    log_out(page, axe_check)
    expect(page).to_have_url(LOGIN_URL)


@phone_only
def test_the_menu_opens_and_closes_with_the_keyboard(page: Page, axe_check: AxeCheck) -> None:
    log_in(page, axe_check, HANNE.email, COMPANY_HOME)
    toggle, placements, _ = menu_parts(page)

    # Skip link, brand, then "Menu": the keyboard reaches it in the order it is shown.
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(placements).to_be_visible()
    # Into the panel: its first link is "Vores virksomhed", then "Kandidater", then "Forløb".
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(placements).to_be_focused()
    # Escape shuts it and hands focus back to "Menu"; Space opens it again, as on a button.
    page.keyboard.press("Escape")
    expect(placements).to_be_hidden()
    expect(toggle).to_be_focused()
    page.keyboard.press("Space")
    expect(placements).to_be_visible()
    page.keyboard.press("Enter")
    expect(placements).to_be_hidden()


@desktop_only
def test_a_desktop_shows_the_links_without_a_menu(page: Page, axe_check: AxeCheck) -> None:
    log_in(page, axe_check, HANNE.email, COMPANY_HOME)
    toggle, placements, log_out_button = menu_parts(page)
    expect(toggle).to_be_hidden()
    expect(placements).to_be_visible()
    expect(log_out_button).to_be_visible()
    expect(page.locator("header a.site-header__inbox")).to_be_visible()

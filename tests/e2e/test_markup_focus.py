"""After a refused submit, focus lands on the error summary (WCAG 3.3.1): a screen reader
reads what to correct first, and the summary's links take the keyboard to each field."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import LOGIN_URL, submit_main_form

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import AxeCheck

pytestmark = pytest.mark.e2e


def test_an_empty_form_sent_puts_focus_on_the_error_summary(
    page: Page, axe_check: AxeCheck
) -> None:
    page.goto("/login")
    submit_main_form(page)  # nothing typed: the server refuses both fields

    expect(page).to_have_url(LOGIN_URL)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    # Focusable from the script, but no stop of its own when tabbing through the page.
    expect(summary).to_have_attribute("tabindex", "-1")
    axe_check(page)

    links = summary.locator("a")
    expect(links).to_have_count(2)
    expect(links.nth(0)).to_have_attribute("href", "#email")
    expect(links.nth(1)).to_have_attribute("href", "#password")
    page.keyboard.press("Tab")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#email")).to_be_focused()

"""Helpers the browser tests share: find fields by their labels, submit, match addresses."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect


def at(path: str) -> re.Pattern[str]:
    """Matches a page's URL ending in exactly this path."""
    return re.compile(re.escape(path) + r"$")


def labelled(page: Page, field_id: str) -> Locator:
    """The input named by its label's own text, which proves the label is tied to it."""
    text = page.locator(f"label[for='{field_id}']").inner_text().strip()
    assert text, f"the label of #{field_id} is empty"
    field = page.get_by_label(text, exact=True)
    expect(field).to_have_id(field_id)
    return field


def submit_main_form(page: Page) -> None:
    """Submit the page's own form: the one that posts back to the page (no action of its own)."""
    page.locator("main form[method='post']:not([action]) button[type='submit']").click()

"""Helpers the browser tests share: find fields by their labels, submit, match addresses."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from marketplace.demo_data import DEMO_PASSWORD

AxeCheck = Callable[[Page], None]
LOGIN_URL = re.compile(r"/login$")


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


def log_in(page: Page, axe_check: AxeCheck, email: str, home: str) -> None:
    page.goto("/login")
    expect(page).to_have_url(LOGIN_URL)
    axe_check(page)
    labelled(page, "email").fill(email)
    labelled(page, "password").fill(DEMO_PASSWORD)
    submit_main_form(page)
    expect(page).to_have_url(at(home))
    axe_check(page)


def log_out(page: Page, axe_check: AxeCheck) -> None:
    page.locator("header form[action='/logout'] button[type='submit']").click()
    expect(page).to_have_url(LOGIN_URL)
    expect(page.locator(".site-header__user")).to_have_count(0)
    axe_check(page)


def tick_by_label(page: Page, name: str, value: str) -> str:
    """Click the checkbox's or radio's own <label>, as a person does; returns its text."""
    box = page.locator(f"main input[name='{name}'][value='{value}']")
    expect(box).to_have_count(1)
    box_id = box.get_attribute("id")
    assert box_id, f"the {name}={value} option has no id for its label"
    label = page.locator(f"label[for='{box_id}']")
    expect(label).to_have_count(1)
    label.click()
    expect(box).to_be_checked()
    text = label.inner_text().strip()
    assert text, f"the label of #{box_id} is empty"
    return text

"""Helpers the browser tests share: the demo data their journeys start from, find fields by
their labels, submit, match addresses, see errors beside their fields, and check that a page
fits the screen."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from marketplace.demo.data import DEMO_PASSWORD
from marketplace.demo.town import COMPANIES, JOBCENTRE, JOBS

AxeCheck = Callable[[Page], None]
LOGIN_URL = re.compile(r"/login$")
CONSULTANT_HOME = "/placements"
NEW_CANDIDATE = "/candidates/new"
CANDIDATE_URL = re.compile(r"/candidates/(\d+)$")
PROPOSAL_URL = re.compile(r"/proposals/(\d+)$")

# Hanne's shop in the demo data, and its published job (heavy lifting up to 15 kg, early
# mornings, basic Danish) that the journeys propose people to.
HANNE_FIELDS, HANNE = next(
    (fields, employer) for fields, employer in COMPANIES if fields["name"] == "Brugsen Skjern"
)
BRUGSEN = str(HANNE_FIELDS["name"])
MUNICIPALITY = str(JOBCENTRE["municipality_code"])
JOB_TITLE, JOB_FIELDS = next(
    (title, fields)
    for cvr, title, status, fields in JOBS
    if cvr == HANNE_FIELDS["cvr"] and title == "Opfyldning af varer" and status == "published"
)


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


def expect_error_beside(page: Page, field_id: str) -> None:
    """The field is marked invalid, its message sits in its own field and is tied to it."""
    field = page.locator(f"#{field_id}")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(rf"\b{field_id}-error\b"))
    message = page.locator(f".field--error #{field_id}-error")
    expect(message).to_be_visible()
    expect(message).not_to_have_text(re.compile(r"^\s*$"))
    # Beside the field: the message and the input share the same .field wrapper.
    expect(page.locator(".field--error", has=field).locator(f"#{field_id}-error")).to_have_count(1)
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.locator(f"a[href='#{field_id}']")).to_have_count(1)


def expect_no_sideways_scroll(page: Page) -> None:
    """Nothing is wider than the viewport; on failure, name what sticks out.

    Compared with the root's clientWidth, the visible width without a scrollbar:
    window.innerWidth counts a scrollbar's width and, on a mobile viewport, grows with
    the content (../shared/RECIPES.md).
    """
    page.wait_for_load_state("load")
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] <= widths[1]:
        return
    culprits = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right
                          > document.documentElement.clientWidth + 0.5)
            .slice(0, 8)
            .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                 + (el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                 + ' right=' + Math.round(el.getBoundingClientRect().right))"""
    )
    pytest.fail(
        f"{page.url} scrolls sideways: scrollWidth {widths[0]} > clientWidth {widths[1]};"
        f" wider than the viewport: {culprits}"
    )


JOB_URL = re.compile(r"^/jobs/(\d+)$")


def open_fitting_job(page: Page) -> str:
    """On a candidate's page, open Hanne's job from the jobs that fit; its id."""
    fits = (
        page.locator("main section[aria-labelledby='jobs-title'] ol.match-list > li")
        .filter(has=page.get_by_role("link", name=JOB_TITLE, exact=True))
        .filter(has_text=BRUGSEN)
    )
    expect(fits).to_have_count(1)
    job_link = fits.get_by_role("link", name=JOB_TITLE, exact=True)
    href = job_link.get_attribute("href")
    assert href
    job = JOB_URL.match(href)
    assert job, href
    job_link.click()
    expect(page).to_have_url(at(f"/jobs/{job.group(1)}"))
    return job.group(1)


PHONE = {"width": 390, "height": 844}


def expect_labels_on_screen(page: Page) -> None:
    """Every input the user can see has a label she can see too (not one hidden for screen
    readers only): on a phone a column header that names the day is not on screen."""
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('main input, main select, main textarea')]
            .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
            .filter(el => {
                const label = el.id && document.querySelector(`label[for="${el.id}"]`);
                const box = label && label.getBoundingClientRect();
                return !box || box.width < 8 || box.height < 8;
            })
            .map(el => el.id || el.name)"""
    )
    if unlabelled:
        pytest.fail(f"{page.url}: inputs without a label on screen: {unlabelled[:10]}")

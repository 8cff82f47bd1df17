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


def open_menu(page: Page) -> Locator:
    """The header with its links in reach: on a phone they sit behind "Menu", which is
    tapped open when it is closed; a desktop shows them anyway (no "Menu")."""
    header = page.locator("header.site-header")
    # Decided by the screen, not by whether "Menu" looks visible: before main.css has applied,
    # a desktop page briefly shows "Menu", which then hides and a click waits for it in vain.
    if is_phone(page) and header.locator("details.site-menu[open]").count() == 0:
        header.locator("summary.site-menu__toggle").tap()
        expect(header.locator("details.site-menu")).to_have_attribute("open", "")
    return header


def log_out(page: Page, axe_check: AxeCheck) -> None:
    open_menu(page).locator("form[action='/logout'] button[type='submit']").click()
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
# A layout below this width (40rem) is the phone's: main.css's one breakpoint.
PHONE_LAYOUT_BELOW = 640
# WCAG 2.5.8 Target Size (Minimum); half a pixel for rounding.
MIN_TARGET_PX = 23.5

# Journeys that only make sense on one screen (the rest run on both, see conftest.py).
phone_only = pytest.mark.parametrize("screen", ["phone"], indirect=True)
desktop_only = pytest.mark.parametrize("screen", ["desktop"], indirect=True)


def is_phone(page: Page) -> bool:
    size = page.viewport_size
    return size is not None and size["width"] < PHONE_LAYOUT_BELOW


# Targets that stand alone (not a link inside a sentence, which WCAG 2.5.8 exempts): the
# header and its menu, navigation and pagination, links and buttons in tables, buttons, and
# checkboxes and radios.
TARGETS = ", ".join(
    [
        "header a",
        "header button",
        "header summary",
        "main nav a",
        "main table a",
        "main table button",
        "main button",
        "main a.button",
        "main input[type=checkbox]",
        "main input[type=radio]",
        "main select",
    ]
)


def expect_targets_of_24px(page: Page) -> None:
    """Every target on screen is at least 24 x 24 CSS px (WCAG 2.5.8); names the small ones."""
    small = page.evaluate(
        """([selector, least]) => [...document.querySelectorAll(selector)]
            .filter(el => el.checkVisibility())
            .map(el => [el, el.getBoundingClientRect()])
            // 1 px: visually hidden for screen readers, not a target on screen.
            .filter(([el, box]) => box.width > 1 && box.height > 1)
            .filter(([el, box]) => box.width < least || box.height < least)
            .map(([el, box]) => `${el.tagName.toLowerCase()} "${(el.textContent || el.name || '')
                .trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`)""",
        [TARGETS, MIN_TARGET_PX],
    )
    if small:
        pytest.fail(f"{page.url}: targets smaller than 24 x 24 px: {small[:10]}")


TEXT_BLOCKS = "main :is(caption, th, td, dt, dd, p, h2, h3, label)"


def expect_no_squeezed_text(page: Page) -> None:
    """No text is squeezed into a sliver a letter a line (a table's caption left a
    table-caption inside a table that became blocks on a phone did exactly that)."""
    squeezed = page.evaluate(
        """([selector]) => [...document.querySelectorAll(selector)]
            .filter(el => el.checkVisibility() && (el.textContent || '').trim().length > 12)
            .map(el => [el, el.getBoundingClientRect()])
            .filter(([el, box]) => box.width > 1 && box.width < 48 && box.height > 120)
            .map(([el, box]) => `${el.tagName.toLowerCase()} `
                + `"${el.textContent.trim().slice(0, 30)}" `
                + `${Math.round(box.width)}x${Math.round(box.height)}`)""",
        [TEXT_BLOCKS],
    )
    if squeezed:
        pytest.fail(f"{page.url}: text squeezed a letter a line: {squeezed[:10]}")


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

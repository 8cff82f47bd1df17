"""Jobs in a real browser: Hanne posts a small job, Jonas finds it on the job board.

Journeys 1 and 2 of ../shared/JOURNEYS.md, the board's filters by keyboard only, and both pages
on a phone. Other tests share the live server, so the new job gets a title of its own and
results are found by that title, never counted across the whole board. Fields are found by id
and their own <label>, options chosen by value; the only texts written here are the Danish
words the brief and the journeys' glossary name ("Opret job", "Jobopslag", "Offentliggjort").
"""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from marketplace.clock import local_today
from marketplace.demo.town import COMPANIES, JOBCENTRE, JOBCENTRE_USERS, JOBS, WORKPLACES
from marketplace.models import Category, Weekday
from tests.e2e.pages import (
    at,
    expect_error_beside,
    expect_no_sideways_scroll,
    labelled,
    log_in,
    log_out,
    open_menu,
    phone_only,
    tick_by_label,
)

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.e2e.conftest import AxeCheck

pytestmark = pytest.mark.e2e

HANNE = next(employer for fields, employer in COMPANIES if fields["name"] == "Brugsen Skjern")
HANNE_CVR = next(fields["cvr"] for fields, employer in COMPANIES if employer is HANNE)
HANNE_P_NUMBER = WORKPLACES[str(HANNE_CVR)][1]
JONAS = next(demo for demo in JOBCENTRE_USERS if demo.email.startswith("jonas."))
MUNICIPALITY = str(JOBCENTRE["municipality_code"])

COMPANY_HOME = "/company/"
NEW_JOB = "/company/jobs/new"
BOARD = "/jobs"
CASELOAD = "/caseload"
CONSULTANT_HOME = "/placements"
EMPLOYER_JOB = re.compile(r"/company/jobs/(\d+)$")
BOARD_JOB = re.compile(r"/jobs/(\d+)$")
LOGIN_URL = re.compile(r"/login$")

# A published demo job whose title is a single word found nowhere else in the demo data.
KANTINE = next(
    title for _, title, status, _ in JOBS if title == "Kantinehjælp" and status == "published"
)


def expect_job_details(page: Page, *, start: date, day_names: list[str], contact: str) -> None:
    """The job as Hanne filled it in: the shared details both sides read."""
    when = page.locator("main section[aria-labelledby='when-title'] dd")
    expect(when.nth(0)).to_have_text("6")
    expect(when.nth(1)).to_have_text(", ".join(day_names))
    expect(when.nth(2)).to_have_text("07:00–10:00")
    expect(when.nth(3)).to_have_text(format_date(start, "medium", locale="da"))
    pay = page.locator("main section[aria-labelledby='steps-title'] dd")
    expect(pay.nth(0).locator("li")).to_have_count(1)  # the trial visit only
    expect(pay.nth(1)).to_have_text(re.compile(r"^\s*142,50\s"))  # with øre, as she typed it
    expect(pay.nth(2)).to_have_text(re.compile(r"^\s*135,00\s"))
    requirements = page.locator("main section[aria-labelledby='requirements-title']")
    expect(requirements).to_contain_text(re.compile(r"\b15 kg\b"))
    workplace = page.locator("main section[aria-labelledby='workplace-title']")
    expect(workplace).to_contain_text(HANNE_P_NUMBER)
    expect(page.locator("main section[aria-labelledby='contact-title'] dd").first).to_have_text(
        contact
    )


def board_results(page: Page) -> Locator:
    return page.locator("main ol.job-list li.job-card")


def test_hanne_posts_a_job_and_jonas_finds_it_on_the_board(page: Page, axe_check: AxeCheck) -> None:
    title = f"Opfyldning af varer {secrets.token_hex(4)}"
    start = local_today() + timedelta(days=7)
    contact = "Bent Østergaard"

    # Journey 1: Hanne, whose store already has its workplace, posts the job.
    log_in(page, axe_check, HANNE.email, COMPANY_HOME)
    post_job = page.locator(f"main a[href='{NEW_JOB}']")
    expect(post_job).to_have_text("Opret job")
    post_job.click()
    expect(page).to_have_url(at(NEW_JOB))
    expect(page.locator("main h1")).to_have_text("Opret job")
    # The form starts as the route promises: her name as contact, a week ahead, trial visit.
    expect(labelled(page, "contact_name")).to_have_value(HANNE.name)
    expect(labelled(page, "start_date")).to_have_value(start.isoformat())
    expect(labelled(page, "offers_trial_visit")).to_be_checked()
    axe_check(page)

    labelled(page, "title").fill(title)
    workplace = labelled(page, "workplace")
    workplace_value = workplace.locator("option", has_text=HANNE_P_NUMBER).get_attribute("value")
    assert workplace_value, f"no workplace option names P-number {HANNE_P_NUMBER}"
    workplace.select_option(workplace_value)
    category = labelled(page, "category")
    expect(category.locator(f"option[value='{Category.RETAIL.value}']")).to_have_text("Butik")
    category.select_option(Category.RETAIL.value)
    labelled(page, "hours_per_week").fill("2,25")  # not in half hours: refused
    day_names = [
        tick_by_label(page, "weekdays", str(int(day))) for day in (Weekday.TUE, Weekday.THU)
    ]
    labelled(page, "time_from").fill("07:00")
    labelled(page, "time_to").fill("10:00")
    labelled(page, "start_date").fill(start.isoformat())
    labelled(page, "offers_trial_visit").check()
    labelled(page, "hourly_wage").fill("142,50")
    labelled(page, "agreement_wage").fill("135")
    labelled(page, "requires_heavy_lifting").check()
    labelled(page, "lifting_max_kg").fill("15")
    labelled(page, "contact_name").fill(contact)
    page.locator("main form button[type='submit'][name='publish']").click()

    # Refused: the message beside the hours, everything else kept as typed.
    expect(page).to_have_url(at(NEW_JOB))
    expect_error_beside(page, "hours_per_week")
    expect(labelled(page, "hours_per_week")).to_have_value("2,25")
    expect(labelled(page, "title")).to_have_value(title)
    expect(labelled(page, "category")).to_have_value(Category.RETAIL.value)
    for day in (Weekday.TUE, Weekday.THU):
        expect(page.locator(f"input[name='weekdays'][value='{int(day)}']")).to_be_checked()
    expect(labelled(page, "hourly_wage")).to_have_value("142,50")
    expect(labelled(page, "lifting_max_kg")).to_have_value("15")
    expect(labelled(page, "requires_heavy_lifting")).to_be_checked()
    expect(labelled(page, "contact_name")).to_have_value(contact)
    axe_check(page)

    labelled(page, "hours_per_week").fill("6")
    page.locator("main form button[type='submit'][name='publish']").click()

    expect(page).to_have_url(EMPLOYER_JOB)
    match = EMPLOYER_JOB.search(page.url)
    assert match
    job_id = match.group(1)
    expect(page.locator("main h1")).to_have_text(title)
    expect(page.locator("main .status.status--published")).to_contain_text("Offentliggjort")
    expect(page.locator(".flash--success")).to_be_visible()
    expect_job_details(page, start=start, day_names=day_names, contact=contact)
    axe_check(page)

    # Her company page lists it among the open jobs.
    open_menu(page).locator(f"nav.site-nav a[href='{COMPANY_HOME}']").click()
    expect(page).to_have_url(at(COMPANY_HOME))
    listed = page.locator("main li", has=page.locator(f"a[href='/company/jobs/{job_id}']"))
    expect(listed).to_have_count(1)
    expect(listed.locator("a")).to_have_text(title)
    expect(listed).to_contain_text("Offentliggjort")
    axe_check(page)
    log_out(page, axe_check)

    # Journey 2: Jonas filters the board down to her job and opens it.
    log_in(page, axe_check, JONAS.email, CONSULTANT_HOME)
    board_link = open_menu(page).locator(f"nav.site-nav a[href='{BOARD}']")
    expect(board_link).to_have_text("Jobopslag")
    board_link.click()
    expect(page).to_have_url(at(BOARD))
    expect(board_link).to_have_attribute("aria-current", "page")
    expect(labelled(page, "municipality")).to_have_value(MUNICIPALITY)  # his own by default
    axe_check(page)

    labelled(page, "municipality").select_option(MUNICIPALITY)
    labelled(page, "category").select_option(Category.RETAIL.value)
    tuesday = tick_by_label(page, "weekdays", str(int(Weekday.TUE)))
    assert tuesday == day_names[0]
    labelled(page, "q").fill(title)
    page.locator("main form[method='get'] button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/jobs\?.*\bcategory=retail\b"))
    expect(page).to_have_url(re.compile(rf"\bweekdays={int(Weekday.TUE)}\b"))
    expect(labelled(page, "q")).to_have_value(title)
    expect(labelled(page, "category")).to_have_value(Category.RETAIL.value)
    expect(page.locator(f"input[name='weekdays'][value='{int(Weekday.TUE)}']")).to_be_checked()
    results = board_results(page)
    expect(results).to_have_count(1)
    found = results.locator(f"a[href='/jobs/{job_id}']")
    expect(found).to_have_text(title)
    expect(page.locator("main #results-title")).to_have_text(re.compile(r"^\s*1\s"))
    axe_check(page)

    found.click()
    expect(page).to_have_url(at(f"/jobs/{job_id}"))
    expect(page.locator("main h1")).to_have_text(title)
    expect_job_details(page, start=start, day_names=day_names, contact=contact)
    axe_check(page)


def test_board_filters_work_with_the_keyboard_alone(page: Page, axe_check: AxeCheck) -> None:
    log_in(page, axe_check, JONAS.email, CONSULTANT_HOME)
    page.goto(BOARD)
    expect(page).to_have_url(at(BOARD))
    axe_check(page)
    heading = page.locator("main #results-title")
    before = heading.inner_text()
    count_before = board_results(page).count()
    assert count_before > 1, "the seed publishes several jobs in Ringkøbing-Skjern"

    # Tab from the top of the page to the free-text field, as a keyboard user does.
    search = page.locator("#q")
    for _ in range(40):
        page.keyboard.press("Tab")
        if search.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the job board's free-text field")
    expect(search).to_be_focused()
    # The focus can be seen (WCAG 2.4.7): the ring of :focus-visible is drawn.
    ring = search.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; }"
    )
    assert ring, "the focused search field shows no focus ring"

    page.keyboard.type(KANTINE)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/jobs\?.*\bq=Kantineh"))
    expect(heading).not_to_have_text(before)
    expect(labelled(page, "q")).to_have_value(KANTINE)
    results = board_results(page)
    expect(results).to_have_count(1)
    expect(results.locator(".job-card__title a")).to_have_text(KANTINE)
    axe_check(page)


@phone_only
def test_board_and_job_form_fit_a_phone(page: Page, axe_check: AxeCheck) -> None:
    log_in(page, axe_check, JONAS.email, CONSULTANT_HOME)
    expect_no_sideways_scroll(page)
    page.goto(BOARD)
    expect(page).to_have_url(at(BOARD))
    expect(board_results(page).first).to_be_visible()
    expect_no_sideways_scroll(page)
    axe_check(page)

    # A refused filter shows its message; the page must still fit.
    labelled(page, "hours_min").fill("mange")
    page.locator("main form[method='get'] button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/jobs\?.*\bhours_min=mange\b"))
    expect(page.locator("#hours_min-error")).to_be_visible()
    expect_no_sideways_scroll(page)
    axe_check(page)

    opened = board_results(page).first.locator(".job-card__title a")
    opened.click()
    expect(page).to_have_url(BOARD_JOB)
    expect_no_sideways_scroll(page)
    axe_check(page)
    log_out(page, axe_check)

    log_in(page, axe_check, HANNE.email, COMPANY_HOME)
    expect_no_sideways_scroll(page)
    page.locator(f"main a[href='{NEW_JOB}']").click()
    expect(page).to_have_url(at(NEW_JOB))
    expect_no_sideways_scroll(page)
    axe_check(page)

    # Submitted empty: every message in place, still no sideways scrolling. Nothing is saved.
    labelled(page, "contact_name").fill("")
    page.locator("main form button[type='submit'][name='publish']").click()
    expect(page).to_have_url(at(NEW_JOB))
    expect_error_beside(page, "title")
    expect_error_beside(page, "contact_name")
    expect_no_sideways_scroll(page)
    axe_check(page)

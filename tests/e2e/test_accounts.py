"""Accounts in a real browser: demo logins, company sign-up (its e-mailed link included), the
password page, the skip link, the language switch.

Visible texts may still change with the Danish catalog, so elements are found by id, name,
URL, role and by the text of their own <label>, never by a hard-coded button text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from marketplace.demo.town import COMPANIES, DEMO_PASSWORD, JOBCENTRE_USERS, DemoUser
from marketplace.models import Role
from tests.accounts import signup_link
from tests.e2e.pages import LOGIN_URL, at, labelled, open_menu, submit_main_form
from tests.support import valid_cvr

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import AxeCheck, Live

pytestmark = pytest.mark.e2e

HOMES = {Role.EMPLOYER: "/company/", Role.CONSULTANT: "/placements", Role.ADMIN: "/jobcentre"}
DEMO_USERS = [*JOBCENTRE_USERS, *(employer for _, employer in COMPANIES)]
COMPANY_OF = {employer.email: fields["name"] for fields, employer in COMPANIES}


def log_in(page: Page, email: str, password: str) -> None:
    labelled(page, "email").fill(email)
    labelled(page, "password").fill(password)
    submit_main_form(page)


@pytest.mark.parametrize("demo", DEMO_USERS, ids=lambda demo: demo.email.split("@")[0])
def test_demo_user_logs_in_and_out(page: Page, axe_check: AxeCheck, demo: DemoUser) -> None:
    page.goto("/")
    expect(page).to_have_url(LOGIN_URL)
    expect(page.locator("html")).to_have_attribute("lang", "da")
    axe_check(page)

    log_in(page, demo.email, DEMO_PASSWORD)
    expect(page).to_have_url(at(HOMES[demo.role]))
    expect(page.locator(".site-header__user")).to_contain_text(demo.name)
    if demo.role is Role.EMPLOYER:
        expect(page.locator("main h1")).to_have_text(COMPANY_OF[demo.email])
    expect(page.locator("nav.site-nav [aria-current='page']")).to_have_attribute(
        "href", HOMES[demo.role]
    )
    axe_check(page)

    open_menu(page).locator("form[action='/logout'] button[type='submit']").click()
    expect(page).to_have_url(LOGIN_URL)
    expect(page.locator(".site-header__user")).to_have_count(0)
    expect(page.locator("#email")).to_be_visible()
    axe_check(page)


def test_company_signs_up_after_correcting_errors(
    page: Page, axe_check: AxeCheck, live: Live
) -> None:
    page.goto("/login")
    axe_check(page)
    page.locator("main a[href='/signup']").click()
    expect(page).to_have_url(at("/signup"))
    expect(page.locator("html")).to_have_attribute("lang", "da")
    axe_check(page)

    submit_main_form(page)
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    for field_id in ("company_name", "cvr", "address", "postcode", "city", "name", "email"):
        field = page.locator(f"#{field_id}")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_attribute("aria-describedby", re.compile(rf"\b{field_id}-error\b"))
        expect(page.locator(f"#{field_id}-error")).to_be_visible()
        expect(summary.locator(f"a[href='#{field_id}']")).to_have_count(1)
    axe_check(page)

    cvr = valid_cvr()
    company = f"Skjern Cykler {cvr}"
    labelled(page, "company_name").fill(company)
    labelled(page, "cvr").fill(cvr)
    labelled(page, "address").fill("Bredgade 7")
    labelled(page, "postcode").fill("6900")
    labelled(page, "city").fill("Skjern")
    labelled(page, "municipality").select_option(label="Ringkøbing-Skjern")
    labelled(page, "employee_count").fill("4")
    labelled(page, "name").fill("Karen Bæk")
    email = f"karen.{cvr}@skjern-cykler.dk"
    labelled(page, "email").fill(email)
    submit_main_form(page)

    # The address is confirmed by the e-mailed link, where the password is chosen.
    expect(page).to_have_url(at("/signup/sent"))
    expect(page.locator("main")).to_contain_text(email)
    axe_check(page)
    page.goto(signup_link(live.outbox, email))
    expect(page.locator("main")).to_contain_text(company)
    axe_check(page)

    labelled(page, "password").fill("qwertyuiopas")
    labelled(page, "password_confirm").fill("qwertyuiopas")
    submit_main_form(page)
    expect(page.locator("#password-error")).to_be_visible()
    expect(labelled(page, "password")).to_have_attribute("aria-invalid", "true")
    axe_check(page)

    labelled(page, "password").fill("cykler i regnvejr er bedst")
    labelled(page, "password_confirm").fill("cykler i regnvejr er bedst")
    submit_main_form(page)

    expect(page).to_have_url(at("/company/"))
    expect(page.locator("main h1")).to_have_text(company)
    expect(page.locator("main")).to_contain_text(cvr)
    expect(page.locator(".flashes")).to_be_visible()
    axe_check(page)


def test_skip_link_is_first_and_moves_focus_to_main(page: Page, axe_check: AxeCheck) -> None:
    page.goto("/login")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_class(re.compile(r"\bskip-link\b"))
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/login#main$"))
    expect(page.locator("#main")).to_be_focused()
    axe_check(page)


def test_language_switch_to_english(page: Page, axe_check: AxeCheck) -> None:
    page.goto("/login")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "da")
    axe_check(page)

    page.locator("header").get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(LOGIN_URL)
    expect(page.locator("header button[name='locale'][value='da']")).to_be_visible()
    axe_check(page)


def test_admin_invites_a_consultant_and_withdraws_it(page: Page, axe_check: AxeCheck) -> None:
    admin = next(demo for demo in JOBCENTRE_USERS if demo.role is Role.ADMIN)
    page.goto("/login")
    axe_check(page)
    log_in(page, admin.email, DEMO_PASSWORD)
    expect(page).to_have_url(at("/jobcentre"))
    axe_check(page)

    open_menu(page).locator("nav.site-nav a[href='/team']").click()
    expect(page).to_have_url(at("/team"))
    axe_check(page)

    email = f"ny.konsulent.{valid_cvr()}@jobcenter.example"
    labelled(page, "name").fill("Ida Nørgaard")
    labelled(page, "email").fill(email)
    labelled(page, "role").select_option(Role.CONSULTANT.value)
    labelled(page, "locale").select_option("da")
    submit_main_form(page)
    expect(page).to_have_url(at("/team"))
    expect(page.locator(".flash--success")).to_contain_text(email)
    withdraw = page.locator("form[action*='/revoke'] button[type='submit']")
    expect(withdraw).to_have_count(1)
    # The visible label starts the button's accessible name, followed by whom it concerns.
    expect(withdraw).to_have_accessible_name(re.compile(re.escape(email) + "$"))
    axe_check(page)

    withdraw.click()
    expect(page).to_have_url(at("/team"))
    expect(page.locator("form[action*='/revoke']")).to_have_count(0)
    expect(page.locator(".flash--success")).to_contain_text(email)
    axe_check(page)


def test_employer_changes_the_password(page: Page, axe_check: AxeCheck, live: Live) -> None:
    """From the header to the password page and back home; the old password stops working."""
    page.goto("/signup")
    cvr = valid_cvr()
    labelled(page, "company_name").fill(f"Vinther Is {cvr}")
    labelled(page, "cvr").fill(cvr)
    labelled(page, "address").fill("Østergade 3")
    labelled(page, "postcode").fill("6900")
    labelled(page, "city").fill("Skjern")
    labelled(page, "municipality").select_option(label="Ringkøbing-Skjern")
    labelled(page, "employee_count").fill("2")
    labelled(page, "name").fill("Bo Vinther")
    address = f"bo.{cvr}@vinther-is.dk"
    labelled(page, "email").fill(address)
    submit_main_form(page)
    expect(page).to_have_url(at("/signup/sent"))
    page.goto(signup_link(live.outbox, address))
    old, new = "is med jordbær om sommeren", "vaffel med flødeskum og syltetøj"
    labelled(page, "password").fill(old)
    labelled(page, "password_confirm").fill(old)
    submit_main_form(page)
    expect(page).to_have_url(at("/company/"))

    open_menu(page).locator("a[href='/account/password']").click()
    expect(page).to_have_url(at("/account/password"))
    axe_check(page)
    labelled(page, "current_password").fill(old)
    labelled(page, "password").fill(new)
    labelled(page, "password_confirm").fill(new)
    submit_main_form(page)
    expect(page).to_have_url(at("/company/"))
    expect(page.locator(".flash--success")).to_be_visible()
    axe_check(page)

    open_menu(page).locator("form[action='/logout'] button[type='submit']").click()
    expect(page).to_have_url(LOGIN_URL)
    log_in(page, address, old)
    expect(page).to_have_url(LOGIN_URL)
    log_in(page, address, new)
    expect(page).to_have_url(at("/company/"))

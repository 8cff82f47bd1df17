"""The praktik agreement on paper, in Chromium: the print button (static/js/print.js) shows
only with JavaScript and opens the print dialog; printed (print media, A4) the document keeps
its sections and drops the site's header, links and buttons, and every page carries its number
("1 / 2") from print.css's @page margin box. Also the placement page's progression chart on a
390 px phone: the chart fits its container.

The placement is one of the demo town's with a praktik agreement, opened by the person's own
consultant; the live server is shared with other tests, so the rows are found, not counted.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

import pypdf
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.demo.data import DEMO_PASSWORD
from marketplace.extensions import db
from marketplace.models import Phase, Placement, PlacementTerms, Role
from tests.e2e.pages import CONSULTANT_HOME, PHONE, log_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.e2e.conftest import AxeCheck, Live

pytestmark = pytest.mark.e2e

# The document's sections as printed (messages.po), and what paper must not show.
SECTIONS = (
    "Praktikaftale (virksomhedspraktik)",
    "Lovgrundlag",
    "lov om en aktiv beskæftigelsesindsats (LAB)",
    "Parterne",
    "Jobcentrets kontaktperson",
    "Jobcentrets sagsreference",
    "Praktikken",
    "Dage og daglige tider",
    "Fravær",
    "Afslutning før tid",
    "Forsikring",
    "arbejdsskadesikring",
    "Underskrifter",
    "Dato og sted",
    "Aftalt i Småjob",
)
NOT_ON_PAPER = ("Log ud", "Tilbage til forløbet", "Udskriv eller gem som PDF", "Notifikationer")
PRINT_BUTTON = "Udskriv eller gem som PDF"


def praktik_agreement(live: Live) -> tuple[str, str, str]:
    """(the agreement's path, its placement's path, the consultant's e-mail) of a demo
    placement with a praktik agreement whose person's consultant is not an admin."""
    with live.app.app_context():
        rows = db.session.execute(
            select(PlacementTerms.id, Placement)
            .join(Placement, Placement.id == PlacementTerms.placement_id)
            .where(PlacementTerms.phase.in_([Phase.PRAKTIK.value, Phase.COMBINED.value]))
            .order_by(PlacementTerms.id)
        ).all()
        for terms_id, placement in rows:
            consultant = placement.candidate.consultant
            if consultant.role == Role.CONSULTANT:
                timeline = f"/placements/{placement.id}"
                return f"{timeline}/agreement/{terms_id}", timeline, consultant.email
    pytest.fail("the demo town has no praktik agreement")


def sign_in(page: Page, email: str) -> None:
    """Log in without the axe check: for contexts of their own (no JavaScript; a phone)."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form[method='post']:not([action]) button[type='submit']").click()
    expect(page).not_to_have_url(re.compile(r"/login$"))


def test_the_agreement_prints_on_a4_with_its_sections_and_numbered_pages(
    page: Page, live: Live, axe_check: AxeCheck
) -> None:
    agreement, _timeline, email = praktik_agreement(live)
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    log_in(page, axe_check, email, CONSULTANT_HOME)
    page.goto(agreement)
    axe_check(page)

    # The button is there with JavaScript and opens the print dialog.
    button = page.get_by_role("button", name=PRINT_BUTTON)
    expect(button).to_be_visible()
    button.click()
    assert page.evaluate("window.__printed") == 1

    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(button).to_be_hidden()
    colour = page.locator("main article.agreement").evaluate("el => getComputedStyle(el).color")
    assert colour == "rgb(0, 0, 0)"
    pdf = page.pdf(format="A4")

    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert pages == len(reader.pages)
    # A4 in points (595.3 x 841.9; Chromium rounds to whole pixels), and the document is
    # more than one sheet but not a booklet.
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert abs(width - 595.3) < 2, width
    assert abs(height - 841.9) < 2, height
    assert 2 <= pages <= 4, pages
    texts = [p.extract_text() for p in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert f"{number} / {pages}" in text, (number, text[-200:])
    printed = " ".join(" ".join(texts).split())
    for expected in SECTIONS:
        assert expected in printed, expected
    for absent in NOT_ON_PAPER:
        assert absent not in printed, absent


def test_without_javascript_there_is_no_print_button(
    browser: Browser, live: Live, live_server: str
) -> None:
    agreement, _timeline, email = praktik_agreement(live)
    context = browser.new_context(base_url=live_server, java_script_enabled=False, locale="da-DK")
    try:
        page = context.new_page()
        sign_in(page, email)
        page.goto(agreement)
        expect(page.locator("main article.agreement h1")).to_be_visible()
        expect(page.locator("main [data-print] button")).to_be_hidden()
    finally:
        context.close()


def test_the_progression_chart_fits_a_phone(
    browser: Browser, live: Live, live_server: str, axe_source: str
) -> None:
    with live.app.app_context():
        row = db.session.execute(
            select(Placement.id, Placement.candidate_id)
            .join(PlacementTerms, PlacementTerms.placement_id == Placement.id)
            .where(PlacementTerms.paid_from.is_not(None))
            .order_by(Placement.id)
        ).first()
        assert row, "the demo town has no placement with paid hours"
        consultant = db.session.get(Placement, row.id).candidate.consultant
        email, role = consultant.email, consultant.role
    context = browser.new_context(
        base_url=live_server,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="da-DK",
    )
    try:
        page = context.new_page()
        sign_in(page, email)
        assert role in (Role.CONSULTANT, Role.ADMIN)
        page.goto(f"/placements/{row.id}")
        chart = page.locator("main figure.progress svg")
        expect(chart).to_be_visible()
        fits = page.evaluate(
            """() => {
                const svg = document.querySelector('main figure.progress svg');
                const box = svg.getBoundingClientRect();
                const room = svg.closest('section').getBoundingClientRect();
                return {left: box.left, right: box.right, width: box.width,
                        roomLeft: room.left, roomRight: room.right,
                        screen: document.documentElement.clientWidth};
            }"""
        )
        assert fits["width"] > 200, fits  # not shrunk to nothing either
        assert fits["left"] >= fits["roomLeft"] - 0.5, fits
        assert fits["right"] <= fits["roomRight"] + 0.5, fits
        assert fits["right"] <= fits["screen"], fits
        # The scale and the agreed line's label are drawn.
        expect(chart.locator(".progress__agreed-label").first).to_contain_text("aftalt")
        expect(page.locator("main table.cards td[data-label]").first).to_be_visible()
    finally:
        context.close()

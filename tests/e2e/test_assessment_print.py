"""The company's assessment on paper, in Chromium (issue 18: "printable in the agreement's
layout"): the print button opens the print dialog; printed (print media, A4) the document
keeps its sections and drops the site's header, links, buttons and the consultant's form for
the person's reading, and every page carries its number from print.css's @page margin box.

The assessment is one of the demo town's answered ones (Jens's or Bent's trial visit), opened
by the person's own consultant; the live server is shared with other tests, so it is found,
not counted.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

import pypdf
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Assessment, Placement
from tests.e2e.pages import CONSULTANT_HOME, log_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.conftest import AxeCheck, Live

pytestmark = pytest.mark.e2e

SECTIONS = (
    "Vurdering af snusepraktik",
    "Parterne",
    "Jobcentrets sagsreference",
    "Sådan gik det",
    "Opgaverne",
    "På arbejdet",
    "Mødestabilitet",
    "Anbefalet næste skridt",
    "Praktik: ",
    "Med virksomhedens ord",
    "Personens gennemlæsning",
)
NOT_ON_PAPER = ("Log ud", "Tilbage til forløbet", "Udskriv eller gem som PDF", "Notér")


def answered_assessment(live: Live) -> tuple[str, str]:
    """(the assessment's path on the jobcentre's side, the person's consultant's e-mail)."""
    with live.app.app_context():
        found = db.session.execute(
            select(Assessment.id, Placement)
            .join(Placement, Placement.id == Assessment.placement_id)
            .where(Assessment.submitted_at.is_not(None))
            .order_by(Assessment.id)
        ).first()
        if found is None:
            pytest.fail("the demo town has no answered assessment")
        return f"/assessments/{found[0]}", found[1].candidate.consultant.email


def test_the_assessment_prints_on_a4_with_its_sections_and_numbered_pages(
    page: Page, live: Live, axe_check: AxeCheck
) -> None:
    path, email = answered_assessment(live)
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    log_in(page, axe_check, email, CONSULTANT_HOME)
    page.goto(path)
    axe_check(page)

    button = page.get_by_role("button", name="Udskriv eller gem som PDF")
    expect(button).to_be_visible()
    button.click()
    assert page.evaluate("window.__printed") == 1

    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(button).to_be_hidden()
    pdf = page.pdf(format="A4")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert abs(width - 595.3) < 2, width
    assert abs(height - 841.9) < 2, height
    pages = len(reader.pages)
    assert pages <= 3, pages  # one period's assessment: a few sheets, not a booklet
    texts = [p.extract_text() for p in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert f"{number} / {pages}" in text, (number, text[-200:])
    printed = " ".join(" ".join(texts).split())
    for expected in SECTIONS:
        assert expected in printed, expected
    for absent in NOT_ON_PAPER:
        assert absent not in printed, absent
    assert re.search(r"Småjob-reference: forløb \d+, vurdering \d+", printed), printed[:500]

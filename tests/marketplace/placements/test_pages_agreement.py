"""The praktik agreement as a document a jobcentre signs (templates/placements/agreement.html,
the agreement route of marketplace/placements/pages.py), through HTTP: legal basis, case
reference, the jobcentre's contact person, company and workplace, the person as the reader may
see them, period, tasks, hours and daily times, absence, early end, insurance, three signature
blocks, the record of who accepted which version in Småjob and when, and the print button.
"""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal

import pytest

from tests.factories import (
    CANDIDATE_NAME,
    CANDIDATE_PHONE,
    agree,
    in_days,
    ladder_job,
    new_candidate,
    offer_paid,
    paid_terms,
    praktik_terms,
    propose_praktik,
)
from tests.html_forms import text_of
from tests.support import submit

CASE_REFERENCE = "SAG-4711-Q"


@pytest.fixture
def agreement(app, make_job, employer, consultant, place):
    """A praktik agreed after a trial visit, at a job done 07:00-10:00; the person has a
    case reference. Returns (placement, its praktik terms version)."""
    job = ladder_job(make_job, employer, time_from=time(7), time_to=time(10))
    person = new_candidate(
        consultant, CANDIDATE_NAME, phone=CANDIDATE_PHONE, case_reference=CASE_REFERENCE
    )
    placement = place(candidate=person, of_job=job)
    terms = praktik_terms(job, in_days(3), hours="7.5", mentor_name="Ole Mentor")
    return placement, agree(app, propose_praktik(app, placement, consultant, terms), employer)


def words(html: str) -> str:
    """The page's text with tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, title_id: str) -> str:
    found = re.search(rf'<section aria-labelledby="{title_id}"[^>]*>(.*?)</section>', html, re.S)
    assert found, f"no section {title_id}"
    return words(found.group(1))


def page_of(browser, side, placement, terms) -> str:
    prefix = "/company/placements" if side == "company" else "/placements"
    response = browser.get(f"{prefix}/{placement.id}/agreement/{terms.id}")
    assert response.status_code == 200
    return text_of(response)


def test_the_jobcentres_copy_holds_every_part_of_the_document(
    jobcentre, agreement, consultant, employer
):
    placement, terms = agreement
    html = page_of(jobcentre, "jobcentre", placement, terms)
    basis = section(html, "basis-title")
    assert "lov om en aktiv beskæftigelsesindsats (LAB)" in basis
    assert "LAB § 61" in basis
    parties = section(html, "parties-title")
    assert f"Jobcentrets sagsreference {CASE_REFERENCE}" in parties
    assert f"Jobcentrets kontaktperson {consultant.name}, {consultant.email}" in parties
    assert f'href="mailto:{consultant.email}"' in html
    assert f"Borger {CANDIDATE_NAME}" in parties
    assert "Brugsen Skjern" in parties
    assert placement.job.workplace.p_number in parties
    praktik = section(html, "praktik-title")
    assert "Timer om ugen 7,5" in praktik
    assert "Dage og daglige tider Tirsdag, Torsdag, 07:00–10:00" in praktik
    assert "Fylde hylder" in praktik
    assert "Periode" in praktik
    absence = section(html, "absence-title")
    assert "ringer borgeren til arbejdsstedet" in absence
    assert "Ole Mentor" in absence
    assert consultant.name in absence
    assert "kan hver især afslutte praktikken" in section(html, "end-title")
    assert "statens arbejdsskadesikring via jobcentret" in section(html, "insurance-title")
    # Three signature blocks, each with name, date and place, and signature.
    signatures = section(html, "signatures-title")
    for party in ("For virksomheden: Brugsen Skjern", f"Borgeren i praktik: {CANDIDATE_NAME}"):
        assert party in signatures
    assert "For jobcentret:" in signatures
    assert signatures.count("Navn Dato og sted Underskrift") == 3
    # Who proposed and who accepted each version, and when.
    record = section(html, "record-title")
    jobcentre_name = consultant.organisation.name
    company_name = employer.organisation.name
    rows = re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", html, re.S)
    first, second = (words(row) for row in rows)
    assert first.startswith("1 Snusepraktik, fra ")
    assert f"{consultant.name} ({jobcentre_name})" in first  # proposed the person
    assert f"{employer.name} ({company_name})" in first  # accepted, with the trial visit
    assert second.startswith("2 Virksomhedspraktik, fra ")
    assert second.index(consultant.name) < second.index(employer.name)
    assert "Hvem der foreslog og hvem der accepterede" in record


def test_the_company_reads_neither_name_nor_case_reference_before_consent(
    company, jobcentre, agreement
):
    placement, terms = agreement
    html = page_of(company, "company", placement, terms)
    for hidden in (CANDIDATE_NAME, CANDIDATE_PHONE, CASE_REFERENCE, "sagsreference"):
        assert hidden not in html
    # The rest of the document is there: the contact person, the blocks to sign.
    assert "Jobcentrets kontaktperson" in html
    assert section(html, "signatures-title").count("Navn Dato og sted Underskrift") == 3

    proposal_page = f"/proposals/{placement.proposal_id}"
    assert submit(jobcentre, f"{proposal_page}/consent", {"method": "phone"}, page=proposal_page)
    html = page_of(company, "company", placement, terms)
    assert f"Borger {CANDIDATE_NAME}" in section(html, "parties-title")
    assert CASE_REFERENCE not in html  # the jobcentre's own reference stays on its copy
    assert CANDIDATE_PHONE not in html


def test_the_print_button_is_a_script_of_our_own_hidden_without_it(jobcentre, agreement):
    placement, terms = agreement
    html = page_of(jobcentre, "jobcentre", placement, terms)
    holder = re.search(r"<p data-print hidden><button ([^>]*)>", html)
    assert holder  # shown by static/js/print.js; without JS there is no button
    assert 'type="button"' in holder.group(1)
    assert re.search(r'<script src="/static/js/print\.js" defer></script>', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script (CSP)
    assert 'media="print"' in html


def test_a_combined_version_states_its_paid_hours_from_its_own_start(
    app, jobcentre, agreement, employer, consultant
):
    placement, _praktik = agreement
    combined = agree(
        app,
        offer_paid(
            app, placement, employer, paid_terms(placement.job, in_days(10), praktik_continues=True)
        ),
        consultant,
    )
    html = page_of(jobcentre, "jobcentre", placement, combined)
    assert Decimal(combined.paid_hours) == Decimal(3)
    assert "Lønnede timer ved siden af 3 timer om ugen fra" in section(html, "praktik-title")
    assert len(re.findall(r"<tr>\s*<th scope=\"row\"", html)) == 3  # every version so far

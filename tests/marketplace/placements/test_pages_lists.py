"""The lists of placements on both sides' home pages: the company's (its home and
/company/placements, pseudonyms only, what waits for it) and the jobcentre's (/placements,
grouped by phase, what waits for the consultant); their queries do not grow with the rows.
"""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.models import (
    Candidate,
    EndReason,
    Phase,
    Placement,
    StepKind,
)
from marketplace.placements import ladder as placements
from marketplace.proposals import lifecycle as proposals
from marketplace.web.labels import PHASE_LABELS
from tests.factories import (
    agree,
    candidate_with_phone,
    in_days,
    offer_paid,
    paid_terms,
    praktik_terms,
    propose_praktik,
)
from tests.html_forms import da, text_of
from tests.pages import (
    button,
    filled,
    form_date,
    ids_in,
    sections_of,
    send,
)

# -- Home pages and lists -----------------------------------------------------------------


def rows_of(html: str, prefix: str) -> dict[int, str]:
    """Each table row that links a placement, by the placement's id."""
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        link = re.search(rf'href="{re.escape(prefix)}(\d+)"', row)
        if link:
            found[int(link.group(1))] = row
    return found


@pytest.fixture
def ladder(app, consultant, employer, place, job) -> dict[str, Placement]:
    """One placement in each situation, each of its own candidate."""

    def person_named(name: str) -> Candidate:
        return candidate_with_phone(consultant, name, "")

    made = {  # the trial visits began today
        "trial": place(person_named("Tove Trial"), start=0),
        "praktik_waits": place(person_named("Palle Praktik"), start=0),
        "paid_waits": place(person_named("Pia Paid"), start=0),
        "ended": place(person_named("Erik Ended"), start=0),
        "pending": place(person_named("Per Pending"), first=Phase.PRAKTIK),
        "in_praktik": place(person_named("Inge Praktik"), first=Phase.PRAKTIK),
    }
    propose_praktik(app, made["praktik_waits"], consultant, praktik_terms(job, in_days(3)))
    offer_paid(app, made["paid_waits"], employer, paid_terms(job, in_days(5)))
    agree(
        app,
        propose_praktik(app, made["in_praktik"], consultant, praktik_terms(job, in_days(0))),
        employer,
    )
    with app.test_request_context():
        ended = made["ended"]
        placements.end(ended, employer, EndReason.COMPLETED, "", local_today(), ended.version)
    db.session.flush()
    return made


def test_the_company_home_lists_active_placements_and_what_waits_for_it(app, company, ladder):
    html = text_of(company.get("/company/"))
    rows = rows_of(html, "/company/placements/")
    active = {name: p.id for name, p in ladder.items() if name != "ended"}
    assert set(rows) == set(active.values())
    waits_for_us = {pid for pid, row in rows.items() if "<strong>" in row}
    assert waits_for_us == {active["praktik_waits"]}
    with force_locale("da"):
        from flask_babel import ngettext

        told = ngettext("%(num)d placement waits for you.", "%(num)d placements wait for you.", 1)
    assert da(told) in html
    for row in rows.values():  # the company reads pseudonyms in its lists
        for name in ("Tove", "Palle", "Pia", "Per Pending", "Inge"):
            assert name not in row

    listed = rows_of(text_of(company.get("/company/placements")), "/company/placements/")
    assert set(listed) == {p.id for p in ladder.values()}  # the ended one too, for a while


def test_the_consultant_home_groups_by_phase_and_lists_what_waits_for_them(app, jobcentre, ladder):
    html = text_of(jobcentre.get("/placements"))
    sections = sections_of(html)
    groups = {
        label: set(rows_of(body, "/placements/"))
        for label, body in sections.items()
        if label.startswith("phase-")
    }
    ids = {name: p.id for name, p in ladder.items()}
    assert groups == {
        "phase-pending": {ids["pending"]},
        "phase-trial": {ids["trial"], ids["praktik_waits"], ids["paid_waits"]},
        "phase-praktik": {ids["in_praktik"]},
        "phase-ended": {ids["ended"]},
    }
    for phase in ("pending", "trial", "praktik", "ended"):
        assert da(PHASE_LABELS[phase]) in sections[f"phase-{phase}"]
    waiting = ids_in(sections["waiting-title"], "/placements/")
    assert waiting == {ids["paid_waits"], ids["pending"]}
    assert "Pia Paid" in sections["waiting-title"]  # the consultant reads names


def test_a_placement_that_starts_with_paid_hours_waits_for_the_company(
    app, jobcentre, company, consultant, employer, job
):
    """The company chose paid hours first: it offers them next, whatever else the job offers
    (the shared job offers every first step). The jobcentre has nothing to do yet, so it must
    not be told to propose a praktik."""
    candidate = candidate_with_phone(consultant)
    with app.test_request_context():
        proposal = proposals.propose(job, candidate, consultant, "God til hylder.")
    db.session.flush()
    url = f"/company/proposals/{proposal.id}"
    form = button(company.get(url), "/accept")
    response = send(
        company,
        f"{url}/accept",
        filled(form, first_step="paid", suggested_start=form_date(2), trial_end=None),
    )
    assert response.status_code == 302
    placement = db.session.scalar(select(Placement))
    assert (placement.phase, placement.first_step) == ("pending", "paid")

    row = rows_of(text_of(company.get("/company/")), "/company/placements/")[placement.id]
    assert "<strong>" in row, "the company's home does not say the next step is its own"
    waiting = sections_of(text_of(jobcentre.get("/placements")))["waiting-title"]
    assert placement.id not in ids_in(waiting, "/placements/")


@pytest.mark.parametrize("side", ["company", "jobcentre"])
def test_the_placement_lists_run_as_many_queries_for_10_placements_as_for_2(
    app, request, consultant, employer, make_job, make_workplace, count_queries, side
):
    """Each placement has a job, a workplace and a candidate of its own, and they are in
    every state: a lazy load per row cannot hide behind the session's identity map."""
    browser = request.getfixturevalue("company" if side == "company" else "jobcentre")
    path = "/company/placements" if side == "company" else "/placements"
    prefix = "/company/placements/" if side == "company" else "/placements/"
    states = ["trial", "praktik_waits", "paid_waits", "in_praktik", "combined", "ended"]

    def make(numbers: range) -> None:
        for n in numbers:
            job = make_job(
                employer.organisation,
                employer,
                make_workplace(employer.organisation),
                title=f"Småjob {n}",
                offers_praktik=True,
            )
            state = states[n % len(states)]
            first = Phase.PRAKTIK if state in ("in_praktik", "combined") else Phase.TRIAL
            with app.test_request_context():
                proposal = proposals.propose(
                    job, candidate_with_phone(consultant, f"Navn {n}", ""), consultant, "God."
                )
                proposals.accept(proposal, employer, in_days(1))
                placement = placements.start(proposal, employer, first, in_days(0), in_days(1))
                if state == "praktik_waits":
                    placements.propose_step(
                        placement,
                        consultant,
                        StepKind.PRAKTIK,
                        praktik_terms(job, in_days(3)),
                        placement.version,
                    )
                if state == "paid_waits":
                    placements.propose_step(
                        placement,
                        employer,
                        StepKind.PAID,
                        paid_terms(job, in_days(3)),
                        placement.version,
                    )
                if state in ("in_praktik", "combined"):
                    step = placements.propose_step(
                        placement,
                        consultant,
                        StepKind.PRAKTIK,
                        praktik_terms(job, in_days(0)),
                        placement.version,
                    )
                    placements.accept_step(step, employer, placement.version)
                if state == "combined":
                    step = placements.propose_step(
                        placement,
                        employer,
                        StepKind.PAID,
                        paid_terms(job, in_days(0), praktik_continues=True),
                        placement.version,
                    )
                    placements.accept_step(step, consultant, placement.version)
                if state == "ended":
                    placements.end(
                        placement, employer, EndReason.OTHER, "", local_today(), placement.version
                    )
            db.session.flush()

    make(range(2))
    browser.get(path)  # warm up: first-request work is not what we measure
    with count_queries() as few:
        page = browser.get(path)
    assert page.status_code == 200
    assert len(ids_in(text_of(page), prefix)) == 2

    make(range(2, 10))
    with count_queries() as many:
        page = browser.get(path)
    assert page.status_code == 200
    assert len(ids_in(text_of(page), prefix)) == 10
    assert many.count == few.count, "\n".join(many.statements)


def test_a_trial_visit_that_begins_tomorrow_is_listed_as_a_trial_visit(
    app, jobcentre, company, place
):
    """Agreed and about to begin: not a first step still being agreed."""
    placement = place()  # the trial visit begins tomorrow
    assert placement.phase == "trial"
    sections = sections_of(text_of(jobcentre.get("/placements")))
    assert placement.id in set(rows_of(sections.get("phase-trial", ""), "/placements/"))
    assert "phase-pending" not in sections
    row = rows_of(text_of(company.get("/company/placements")), "/company/placements/")
    assert da(PHASE_LABELS["trial"]) in row[placement.id]

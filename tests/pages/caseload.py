"""Reads and posts the caseload's pages: the new-candidate form filled in (annas_form), a
candidate's status line, the candidates listed, and the candidate rows as a request left
them (counts, the newest, what a refused request must leave, what a dump shows)."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy import text as sql_text
from werkzeug.test import TestResponse

from marketplace.extensions import db
from marketplace.models import CATEGORY_BITS, Candidate, CandidateIdentity, Weekday
from tests.html_forms import text_of


def annas_form(**changes: object) -> dict[str, object]:
    """Every field of the new-candidate form, as a consultant fills it in with the citizen."""
    values: dict[str, object] = {
        "full_name": "Anna Østergaard",
        "phone": "20 30 40 50",
        "email": "anna@example.dk",
        "case_reference": "SAG-2024-0117",
        "job_goal": "Lager eller rengøring, gerne om formiddagen.",
        "wished_categories": [str(CATEGORY_BITS["cleaning"]), str(CATEGORY_BITS["warehouse"])],
        "tasks_can_do": "Fylde hylder\nGøre rent\n",
        "hours_min": "2,5",
        "hours_max": "6",
        "available_weekdays": [str(int(Weekday.MON)), str(int(Weekday.WED))],
        "available_times": "Efter kl. 9",
        "municipality": "760",
        "postcode": "6900",
        "languages": "Arabisk, lidt engelsk",
        "danish_level": "good",
        "driving_licence": True,
        "earlier_work": "Opvasker på Skjern Kro, 2015-2017.",
        "no_heavy_lifting": True,
        "lifting_max_kg": "10",
        "no_long_standing": True,
        "max_hours_per_day": "3,5",
        "needs_quiet_surroundings": True,
        "no_early_mornings": True,
        "other_limitations": "Korte pauser hver time.",
        "consultant_note": "Vil gerne starte med snusepraktik.",
    }
    values.update(changes)
    return values


def candidate_status_line(response: TestResponse) -> str:
    """The line that says a candidate's status and who is responsible, on its page."""
    page = text_of(response)
    start = page.index('<p class="status">')
    return page[start : page.index("</p>", start)]


CANDIDATE_LINK = re.compile(r'<td[^>]*><a href="/candidates/(\d+)">')


def listed_candidates(response: TestResponse) -> list[int]:
    """The candidate ids in the caseload table, in the order shown."""
    assert response.status_code == 200, response.status_code
    return [int(found) for found in CANDIDATE_LINK.findall(text_of(response))]


def newest_candidate() -> Candidate:
    db.session.expire_all()
    return db.session.scalars(select(Candidate).order_by(Candidate.id.desc())).first()


def fresh_candidate(candidate: Candidate) -> tuple[Candidate, CandidateIdentity]:
    """The rows as the database has them now (routes write through their own session)."""
    db.session.expire_all()
    return (
        db.session.get(Candidate, candidate.id),
        db.session.get(CandidateIdentity, candidate.id),
    )


def candidate_state(candidate: Candidate) -> tuple[object, ...]:
    """What a refused request must leave as it was: the candidate, its identity, the counts."""
    found, identity = fresh_candidate(candidate)
    return (
        found.status,
        found.consultant_id,
        found.version,
        found.job_goal,
        found.hours_min,
        found.hours_max,
        found.consultant_note,
        identity.full_name,
        identity.phone,
        candidate_counts(),
    )


def candidate_counts() -> tuple[int, int]:
    """How many candidates and candidate identities the database holds."""
    return (
        db.session.scalar(select(func.count(Candidate.id))),
        db.session.scalar(select(func.count(CandidateIdentity.candidate_id))),
    )


def stored_candidate_text() -> list[str]:
    """Every value of both candidate tables, as text: what a database dump would show."""
    values = []
    for table in ("candidates", "candidate_identities"):
        for row in db.session.execute(sql_text(f"SELECT * FROM {table}")):
            values += [str(value) for value in row]
    return values

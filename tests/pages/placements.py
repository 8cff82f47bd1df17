"""Reads the placement pages: a placement's timeline and its hours request form on either
side, the ladder rules form (GOOD_RULES: its defaults), and what a placement holds after a
request (counts: steps, terms versions, version, phase)."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.test import TestResponse

from marketplace.extensions import db
from marketplace.models import Placement
from tests.factories.placements import step_count, terms_count
from tests.html_forms import PageForm
from tests.pages.forms import forms_of


def timeline_url(placement: Placement, side: str) -> str:
    """The placement's timeline, on the company's side or the jobcentre's."""
    prefix = "/company/placements" if side == "company" else "/placements"
    return f"{prefix}/{placement.id}"


def hours_request_url(placement: Placement, side: str = "company") -> str:
    """The form asking to change the paid hours, on either side."""
    return f"{timeline_url(placement, side)}/hours-request"


@dataclass
class Counts:
    steps: int
    terms: int
    version: int
    phase: str


def counts(placement: Placement) -> Counts:
    """The placement's steps, terms versions, version and phase, read afresh."""
    db.session.expire_all()
    found = db.session.get(Placement, placement.id)
    return Counts(
        steps=step_count(found), terms=terms_count(found), version=found.version, phase=found.phase
    )


# Every field of the ladder rules form, each at its default.
GOOD_RULES = {
    "trial_max_days": "14",
    "praktik_max_weeks": "13",
    "praktik_extended_max_weeks": "26",
    "max_hours_per_week": "37",
    "employees_per_praktik": "5",
}


def ladder_rules_form(response: TestResponse) -> PageForm:
    """The ladder rules form of the page (posted to the page itself, without a version)."""
    found = [f for f in forms_of(response) if f.action is None and "trial_max_days" in f.values]
    assert len(found) == 1
    return found[0]

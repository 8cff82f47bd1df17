"""Builds candidates through the caseload's domain function: new_candidate ("Anna Jensen", no
phone) and candidate_with_phone (CANDIDATE_NAME and CANDIDATE_PHONE, which no page shows by
accident)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marketplace.caseload.candidates import CandidateData, create_candidate
from marketplace.models import CATEGORY_BITS, Candidate, User
from tests.factories.clock import DAYS


def new_candidate(consultant: User, name: str = "Anna Jensen", **changes: Any) -> Candidate:
    """A candidate for shop work, Tuesday and Thursday, created by the consultant; `changes`
    set any other field of the form (a phone, a note, other hours, …)."""
    values: dict[str, Any] = {
        "job_goal": "Butik",
        "hours_min": Decimal(2),
        "hours_max": Decimal(20),
        "municipality_code": 760,
        "postcode": "6900",
        "wished_categories": CATEGORY_BITS["retail"],
        "available_weekdays": DAYS,
        "danish_level": "fluent",
        **changes,
    }
    return create_candidate(consultant, CandidateData(full_name=name, **values))


# A name and phone number no page shows by accident: the placement and access tests search
# every page for them (the company reads a pseudonym until the person consents).
CANDIDATE_NAME, CANDIDATE_PHONE = "Zyxwvu Qwertyson", "98 76 54 32"


def candidate_with_phone(
    consultant: User, full_name: str = CANDIDATE_NAME, phone: str = CANDIDATE_PHONE
) -> Candidate:
    """A candidate for shop work with a phone number (new_candidate has none)."""
    return new_candidate(
        consultant, full_name, phone=phone, job_goal="Butik om morgenen", hours_min=Decimal(3)
    )

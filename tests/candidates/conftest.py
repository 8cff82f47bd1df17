"""Fixtures of the caseload tests (tests/candidates/test_caseload_*.py): Mette, a consultant
of Jobcenter Ringkøbing-Skjern logged in on `client`; Lars, her colleague; Birgit, their admin;
Per and an admin of Jobcenter Herning; a browser of its own for any of them; and candidates made
straight through the domain function."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.caseload.candidates import CandidateData, create_candidate
from marketplace.extensions import db
from marketplace.models import Candidate, Jobcentre, Role, User


@pytest.fixture
def mettes_jobcentre(consultant: User) -> Jobcentre:
    """Jobcenter Ringkøbing-Skjern (the shared `jobcentre` fixture is a browser logged in as its
    consultant)."""
    return consultant.organisation


@pytest.fixture
def mette(consultant: User, login: Callable[..., Any]) -> User:
    """The consultant, logged in on `client`."""
    consultant.name = "Mette Holm"
    db.session.flush()
    login(consultant)
    return consultant


@pytest.fixture
def lars(mettes_jobcentre: Jobcentre, make_user: Callable[..., User]) -> User:
    """A colleague consultant of the same jobcentre."""
    return make_user(mettes_jobcentre, Role.CONSULTANT, name="Lars Bech")


@pytest.fixture
def birgit(admin: User) -> User:
    """The jobcentre's admin."""
    admin.name = "Birgit Lund"
    db.session.flush()
    return admin


@pytest.fixture
def herning(make_jobcentre: Callable[..., Jobcentre]) -> Jobcentre:
    return make_jobcentre(657, "Jobcenter Herning")


@pytest.fixture
def per(herning: Jobcentre, make_user: Callable[..., User]) -> User:
    """A consultant of another jobcentre."""
    return make_user(herning, Role.CONSULTANT, name="Per Hansen")


@pytest.fixture
def herning_admin(herning: Jobcentre, make_user: Callable[..., User]) -> User:
    return make_user(herning, Role.ADMIN, name="Hanne Herning")


@pytest.fixture
def browser(app: Flask, login: Callable[..., Any]) -> Callable[[User], FlaskClient]:
    """A browser of its own, logged in as `user`."""

    def open_as(user: User) -> FlaskClient:
        other = app.test_client()
        login(user, via=other)
        return other

    return open_as


@pytest.fixture
def make_candidate() -> Callable[..., Candidate]:
    """A candidate straight through the domain function, bypassing the form."""

    def make(owner: User, status: str = "active", **changes: Any) -> Candidate:
        values: dict[str, Any] = {
            "full_name": "Anna Jensen",
            "job_goal": "Rengøring om formiddagen",
            "hours_min": Decimal("4"),
            "hours_max": Decimal("8"),
            "municipality_code": owner.organisation.municipality_code,
            "postcode": "6900",
            **changes,
        }
        candidate = create_candidate(owner, CandidateData(**values))
        if status != "active":
            candidate.status = status
            db.session.flush()
        return candidate

    return make

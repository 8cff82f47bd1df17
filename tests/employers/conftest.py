"""Fixtures of the employers' own pages (tests/employers/test_routes_*.py): Hanne, the
company's employer, logged in on `client`; her company and its shop; a colleague in a browser
of their own; and an employer of another company."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.models import Company, User, Workplace


@pytest.fixture
def hannes_company(employer: User) -> Company:
    """The employer's company (the shared `company` fixture is a browser logged in as her)."""
    return employer.organisation


@pytest.fixture
def shop(hannes_company: Company, make_workplace: Callable[..., Workplace]) -> Workplace:
    return make_workplace(hannes_company, name="Brugsen Skjern, butik", p_number="1012345678")


@pytest.fixture
def hanne(employer: User, login: Callable[..., Any]) -> User:
    """The employer, logged in on `client`."""
    login(employer)
    return employer


@pytest.fixture
def colleague_client(
    app: Flask,
    hannes_company: Company,
    make_user: Callable[..., User],
    login: Callable[..., Any],
) -> FlaskClient:
    """Another employer of the same company, in a browser of their own."""
    other = app.test_client()
    login(make_user(hannes_company, name="Kim Nørgaard"), via=other)
    return other


@pytest.fixture
def stranger(make_company: Callable[..., Company], make_user: Callable[..., User]) -> User:
    """An employer of another company."""
    return make_user(make_company(name="Mølgaard Gartneri"), name="Per Mølgaard")

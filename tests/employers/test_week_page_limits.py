"""The company's week page shows one page of its placements (issue 16): a company with more
placements than a page gets a page of weeks in SQL and a link to the next, confirming the
chosen weeks confirms the rows shown, and a form sent back with a wrong figure shows the same
page again with what was typed. The page size is lowered so a few placements suffice.

The placements are the shared ones (tests.factories.paid_placement): paid hours Tuesday and
Thursday since WEEK, each of its own person.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.extensions import db
from marketplace.models import Placement
from tests.html_forms import error_ids, text_of
from tests.pages import TUE, WEEK, confirmations, form_to, hours_week_page, name_of, send

PAGE_SIZE = 5
PLACEMENTS = PAGE_SIZE + 2
CONFIRM_URL = "/company/hours/confirm"


@pytest.fixture
def many(app: Flask, monkeypatch: pytest.MonkeyPatch, paid: Callable[..., Placement]):
    monkeypatch.setitem(app.config, "LIST_PAGE_SIZE", PAGE_SIZE)
    made = [paid() for _ in range(PLACEMENTS)]
    db.session.commit()
    return made


def shown_ids(html: str) -> list[int]:
    """The placements whose week the page shows (one section each)."""
    return [int(found) for found in re.findall(r'aria-labelledby="week-(\d+)"', html)]


def page_of(company: FlaskClient, number: int) -> str:
    response = company.get(f"/company/hours?week={WEEK.isoformat()}&page={number}")
    assert response.status_code == 200
    return text_of(response)


def test_the_week_page_shows_a_page_of_placements_and_links_to_the_next(company, many):
    first = text_of(hours_week_page(company))
    assert shown_ids(first) == [p.id for p in many[:PAGE_SIZE]]  # in the order they began
    assert 'rel="next"' in first
    assert f"week={WEEK.isoformat()}" in re.search(r'href="([^"]+)" rel="next"', first)[1]
    second = page_of(company, 2)
    assert shown_ids(second) == [p.id for p in many[PAGE_SIZE:]]
    assert 'rel="prev"' in second
    # A page beyond the last shows the last.
    assert shown_ids(page_of(company, 999)) == [p.id for p in many[PAGE_SIZE:]]


def test_confirming_a_page_confirms_its_rows_only(company, many):
    form = form_to(hours_week_page(company), CONFIRM_URL)
    assert sorted(int(i) for i in form.values["confirm"]) == sorted(p.id for p in many[:5])
    response = send(company, CONFIRM_URL, form.values)
    assert response.status_code == 302, text_of(response)[:2000]
    assert [bool(confirmations(p)) for p in many] == [True] * PAGE_SIZE + [False] * 2
    # The rest, from the second page.
    form = form_to(company.get(f"/company/hours?week={WEEK.isoformat()}&page=2"), CONFIRM_URL)
    response = send(company, CONFIRM_URL, form.values)
    assert response.status_code == 302, text_of(response)[:2000]
    assert all(confirmations(p) for p in many)


def test_a_wrong_figure_shows_the_same_page_again_with_what_was_typed(company, many):
    page = company.get(f"/company/hours?week={WEEK.isoformat()}&page=2")
    form = form_to(page, CONFIRM_URL)
    assert form.values["page"] == ["2"]
    wrong = name_of(many[-1], TUE)
    typed = name_of(many[-2], TUE)
    form.values[wrong] = ["abc"]
    form.values[typed] = ["2,5"]
    response = send(company, CONFIRM_URL, form.values)
    assert response.status_code == 200
    html = text_of(response)
    assert shown_ids(html) == [p.id for p in many[PAGE_SIZE:]]
    assert error_ids(response) == [wrong]
    assert f'name="{typed}" value="2,5"' in html
    assert not any(confirmations(p) for p in many)


def test_without_a_lowered_size_the_week_page_shows_20_placements(company, paid):
    # 20 tables of seven inputs are already many screens on a phone (WEEK_PAGE_SIZE).
    made = [paid() for _ in range(22)]
    db.session.commit()
    assert shown_ids(text_of(hours_week_page(company))) == [p.id for p in made[:20]]
    assert shown_ids(page_of(company, 2)) == [p.id for p in made[20:]]

"""The error pages (marketplace/errors.py): translated, friendly, never a crash or a traceback."""

from __future__ import annotations

import pytest
from flask import Flask

from marketplace.web.access import public
from tests.support import submit


@pytest.mark.parametrize("code", [404])
def test_error_pages_are_translated(client, code):
    danish = client.get("/no-such-page")
    assert danish.status_code == code
    assert '<html lang="da">' in danish.get_data(as_text=True)
    assert "Siden findes ikke" in danish.get_data(as_text=True)
    submit(client, "/language", {"locale": "en", "next": "/login"}, page="/login")
    english = client.get("/no-such-page")
    assert "Page not found" in english.get_data(as_text=True)


def test_500_page_is_friendly_and_rolls_back(make_app, database_url):
    app: Flask = make_app(database_url)

    @public
    def explode() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/explode", "explode", explode)
    response = app.test_client().get("/explode")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "boom" not in page
    assert "Traceback" not in page
    assert '<html lang="da">' in page


def test_405_and_400_are_pages_not_crashes(client):
    assert client.put("/login").status_code == 405
    assert client.post("/signup", data={"csrf_token": "forged"}).status_code == 400

"""Reads what a user reads on a page: texts and dates in Danish, error messages flashed or
shown beside a field, the flashed messages, the page's sections, a <select>'s options, the
ids a page links; and rows as the database has them after a request (fresh, kinds_for)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask.testing import FlaskClient
from flask_babel import force_locale, format_date, gettext
from markupsafe import escape
from sqlalchemy import select
from werkzeug.test import TestResponse

from marketplace.extensions import db
from marketplace.models import Notification, User
from tests.html_forms import da, text_of


def da_text(message: str) -> str:
    """A template's own text as a Danish user reads it (translated when the catalog has it)."""
    with force_locale("da"):
        return da(gettext(message))


def da_date(day: date) -> str:
    with force_locale("da"):
        return format_date(day, "medium")


def danish(message: object) -> str:
    """A message (a msgid or a lazy string) as a Danish user reads it in the page; it must
    not be the English text."""

    def shown(locale: str) -> str:
        with force_locale(locale):
            text = gettext(message) if isinstance(message, str) else str(message)
            return str(escape(text))

    danish_text, english = shown("da"), shown("en")
    assert danish_text != english, f"no Danish translation of {english!r}"
    return danish_text


def error_flashes(response: TestResponse) -> list[str]:
    return re.findall(r'<p class="flash flash--error">(.*?)</p>', text_of(response), re.S)


def flashed_after(browser: FlaskClient, response: TestResponse, message: Any) -> None:
    """The redirect leads to a page that flashes `message` as an error."""
    assert response.status_code == 302, text_of(response)[:2000]
    page = browser.get(response.headers["Location"])
    assert any(da(message) in flash for flash in error_flashes(page)), text_of(page)[:4000]


def error_beside(response: TestResponse, input_name: str) -> str:
    """The error shown beside an input of a table (up to the end of its cell)."""
    page = text_of(response)
    marker = f'id="{input_name}-error"'
    assert marker in page, f"no error shown beside {input_name}"
    start = page.index(marker)
    return page[start : page.index("</td>", start)]


def flashes(response: TestResponse) -> str:
    """The flashed messages at the top of the page, as one text ("" when there are none)."""
    page = text_of(response)
    if 'class="flashes"' not in page:
        return ""
    start = page.index('class="flashes"')
    return page[start : page.index("</div>", start)]


def sections_of(html: str) -> dict[str, str]:
    return dict(
        re.findall(r'<section[^>]*aria-labelledby="([^"]+)"[^>]*>(.*?)</section>', html, re.S)
    )


def section(response: TestResponse, element_id: str) -> str:
    """The <section> of the page with id `element_id`."""
    page = text_of(response)
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</section>", start)]


def options_of(response: TestResponse, select_name: str) -> list[str]:
    """The values offered by a <select> on the page."""
    page = response.get_data(as_text=True)
    start = page.index(f'name="{select_name}"')
    block = page[start : page.index("</select>", start)]
    return re.findall(r'<option[^>]*value="([^"]*)"', block)


def ids_in(html: str, prefix: str) -> set[int]:
    """The ids of the rows linked as `prefix` + id on the page (placements in a list)."""
    return {int(n) for n in re.findall(rf'href="{re.escape(prefix)}(\d+)"', html)}


def fresh(row: Any) -> Any:
    """The row as the database has it now (routes write through their own session)."""
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def kinds_for(user: User) -> list[str]:
    """The kinds of the user's notifications, in order."""
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.recipient_id == user.id)
            .order_by(Notification.id)
        )
    )

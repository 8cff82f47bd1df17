"""Reading pages the way a browser does: the forms on a page, with what is filled in, and
the messages a user reads beside fields and at the top of a form."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask.testing import FlaskClient
from flask_babel import force_locale
from markupsafe import escape
from werkzeug.test import TestResponse

from tests.support import csrf_token_from


class PageForm:
    def __init__(self, action: str | None) -> None:
        self.action = action
        self.values: dict[str, list[str]] = {}


class FormReader(HTMLParser):
    """The forms of a page and what a browser would send for each (without a submit button)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: tuple[str, list[str], list[str]] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = PageForm(a.get("action"))
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self._form.values.setdefault(name, []).append(a.get("value") or default)
        elif tag == "select" and name:
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            self._select[1].append(value)
            if "selected" in a:
                self._select[2].append(value)
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            self._form.values[name] = selected[:1] or options[:1]  # a browser picks the first
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            text = "".join(parts)
            # A browser drops the one line break that follows <textarea>.
            self._form.values[name] = [text.removeprefix("\r\n").removeprefix("\n")]
            self._textarea = None


def error_summary(response: TestResponse) -> str:
    page = text_of(response)
    assert 'class="error-summary"' in page, "no error summary at the top of the form"
    start = page.index('class="error-summary"')
    return page[start : page.index("</div>", start)]


def field_error(response: TestResponse, field: str) -> str:
    page = text_of(response)
    marker = f'id="{field}-error"'
    assert marker in page, f"no error shown beside {field}"
    start = page.index(marker)
    return page[start : page.index("</p>", start)]


def text_of(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def press(client: FlaskClient, url: str, page: str) -> TestResponse:
    """Press a one-button form on `page` (its CSRF token only)."""
    return client.post(url, data={"csrf_token": csrf_token_from(client.get(page))})


def da(message: object) -> str:
    """A message as a Danish user reads it in the page's HTML."""
    with force_locale("da"):
        return str(escape(str(message)))


def error_ids(response: TestResponse) -> list[str]:
    """The fields that show an error beside them, in page order."""
    return re.findall(r'class="field__error" id="([^"]+)-error"', text_of(response))

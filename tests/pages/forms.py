"""Reads a page's forms as a browser does and posts them: the forms of a page, the page's own
form, a button's form; a form's values filled in and sent; a redirect followed; the
re-shown form holding what was typed; JUNK (values no field should take) and a date as a
date field holds it."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories.clock import in_days
from tests.html_forms import FormReader, PageForm, text_of

JUNK: list[str | list[str] | None] = [
    None,  # the field left out
    "",
    "   ",
    "abc",
    "-1",
    "0",
    "0,5",
    "2,5,5",
    "1e999999999",
    "-1e-999999999",
    "NaN",
    "Infinity",
    "99999999999999999999",
    "9" * 300,
    "x\x00y",
    "١٢",
    "2024-13-45",
    "0001-01-01",
    "9999-12-31",
    "x" * 5000,
    ["1", "1", "999"],
]


def forms_of(response: TestResponse) -> list[PageForm]:
    reader = FormReader()
    reader.feed(text_of(response))
    return reader.forms


def main_form(response: TestResponse) -> PageForm:
    """The page's own form: posted to the page itself and carrying the placement's version."""
    found = [f for f in forms_of(response) if f.action is None and "version" in f.values]
    assert len(found) == 1, [f.action for f in forms_of(response)]
    return found[0]


def button(response: TestResponse, action: str) -> PageForm:
    """The form of a button on the timeline whose address ends in `action`."""
    found = [f for f in forms_of(response) if (f.action or "").endswith(action)]
    assert found, f"no button for {action}: {[f.action for f in forms_of(response)]}"
    return found[0]


def form_to(response: TestResponse, ending: str) -> PageForm:
    """The one form of the page whose address ends in `ending`."""
    found = [f for f in forms_of(response) if (f.action or "").endswith(ending)]
    assert len(found) == 1, [f.action for f in forms_of(response)]
    return found[0]


def filled(form: PageForm, **changes: str | list[str] | None) -> dict[str, list[str]]:
    """The form's values with `changes` (None leaves a field out)."""
    values = dict(form.values)
    for name, value in changes.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value if isinstance(value, list) else [value]
    return values


def send(browser: FlaskClient, url: str, values: dict[str, list[str]]) -> TestResponse:
    return browser.post(url, data=values)


def followed(browser: FlaskClient, response: TestResponse) -> TestResponse:
    assert response.status_code == 302, text_of(response)[:3000]
    return browser.get(response.headers["Location"])


def kept(response: TestResponse, sent: dict[str, list[str]]) -> None:
    """The re-shown form holds what was typed, field by field (the token aside)."""
    shown = main_form(response).values
    for name, value in sent.items():
        if name != "csrf_token":
            assert shown.get(name) == value, (name, shown.get(name), value)


def read_form(response: TestResponse, action: str | None = None) -> dict[str, list[str]]:
    """The form posting to `action` (by default the page's own form), as a browser sends it;
    the page must have been shown (200)."""
    assert response.status_code == 200, response.status_code
    found = [form for form in forms_of(response) if form.action == action]
    assert len(found) == 1, f"expected exactly one form posting to {action or 'the page'}"
    return found[0].values


def post_form(
    client: FlaskClient,
    url: str,
    values: dict[str, list[str]],
    button: str | None = None,
    **changes: object,
) -> TestResponse:
    """Change some fields of a form read earlier, press `button` (the submit button of that
    name, if given) and post everything (None or False leaves a field out, True ticks a box,
    a list gives several values)."""
    data = {name: list(value) for name, value in values.items()}
    for name, value in changes.items():
        if value is None or value is False:
            data.pop(name, None)  # an unticked box, or a field left out
        elif value is True:
            data[name] = ["y"]
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = [str(value)]
    if button:
        data[button] = ["1"]
    return client.post(url, data=data)


def fill(
    client: FlaskClient, url: str, button: str | None = None, **changes: object
) -> TestResponse:
    """Open the page, fill in its form, press `button` (if given) and post it."""
    return post_form(client, url, read_form(client.get(url)), button, **changes)


def form_date(days: int) -> str:
    """The date `days` from today, as a date field holds it."""
    return in_days(days).isoformat()

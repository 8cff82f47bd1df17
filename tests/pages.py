"""Reading and posting pages through the test client, defined once for every test module.

Forms of a page:
- forms_of, main_form, button, form_to: the forms of a page; the page's own form; the form
  of a button (or any form) whose address ends in a given text.
- filled, send, followed, kept: a form's values with some changed, posted; a redirect
  followed; the re-shown form holding what was typed.
- read_form, post_form, fill: a page's form as a browser sends it, posted with some fields
  changed and a submit button pressed (fill does both: open the page, fill in its form, post
  it).
- annas_form: every field of the new-candidate form, as a consultant fills it in.
- JUNK: values no field should take (each must be refused without a 500).

What the user reads:
- da_text, da_date, danish: a text (or a date) as a Danish user reads it.
- error_flashes, flashed_after, error_beside: error messages flashed, or shown by a field.
- sections_of: the page's sections by the id of their heading.
- ids_in: the ids of the rows a page links with a prefix (the placements it lists).
- name_of: the input name of a day's hours on the hours pages.
- link_in: the invitation link of the one mail in the outbox.
- section, job_status_line: a <section> of the page by its id; a job's status line.
- form_date: a date some days from today, as a date field holds it.
- options_of, flashes, candidate_status_line, listed_candidates: a <select>'s values, the
  flashed messages, a candidate's status line, the candidates listed in the caseload.
- GOOD_RULES, ladder_rules_form: the ladder rules form, its fields at their defaults.
- timeline_url, hours_request_url: a placement's timeline and its hours request form,
  on either side.
- hours_week_page, placement_hours_page, consultant_hours_page: the hours pages of a week.
- week_no, link_form: a week's number; the form an hours reminder's link opens.

What the database holds after a request:
- counts (a placement's steps, terms, version, phase), candidate_counts (the candidates and
  their identities), kinds_for (a user's notifications), records, confirmations, everything
  (the hours written); job_count, workplace_count, newest_job; fresh (any row as the
  database has it now); newest_candidate, fresh_candidate, candidate_state (what a refused
  request must leave), stored_candidate_text (both candidate tables as a dump shows them).

Writers:
- invite: the team page's invitation of a colleague, posted.
- confirm_planned: a week confirmed as planned, straight through the domain.
- confirming: a writer for tests.support.write_when_ready that confirms a week.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from email import message_from_bytes
from typing import Any

from flask.testing import FlaskClient
from flask_babel import force_locale, format_date, gettext
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy import text as sql_text
from werkzeug.test import TestResponse

from marketplace.agreements.terms import versions_of
from marketplace.clock import local_today
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import (
    CATEGORY_BITS,
    Candidate,
    CandidateIdentity,
    HourRecord,
    Job,
    Notification,
    Placement,
    PlacementStep,
    PlacementTerms,
    User,
    WeekConfirmation,
    Weekday,
    WeekFlag,
    Workplace,
)
from tests.factories import MONDAY
from tests.html_forms import FormReader, PageForm, da, text_of
from tests.support import submit

# The hours pages show the week of MONDAY (three weeks ago), with paid hours on TUE and THU.
WEEK = MONDAY
TUE, THU = WEEK + timedelta(days=1), WEEK + timedelta(days=3)

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


# -- What the user reads ------------------------------------------------------------------


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


def sections_of(html: str) -> dict[str, str]:
    return dict(
        re.findall(r'<section[^>]*aria-labelledby="([^"]+)"[^>]*>(.*?)</section>', html, re.S)
    )


def name_of(placement: Placement, day: date, kind: str = "paid") -> str:
    """The name of the input of a day's hours on the hours pages."""
    return f"h-{placement.id}-{kind}-{day.isoformat()}"


def link_in(outbox) -> str:
    """The invitation link (its path) in the one mail of the outbox."""
    from email import policy

    mails = [
        message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox.glob("*.eml")
    ]
    assert len(mails) == 1
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"http://localhost(/invitation/\S+)", body)
    assert found, body
    return found.group(1)


def ids_in(html: str, prefix: str) -> set[int]:
    """The ids of the rows linked as `prefix` + id on the page (placements in a list)."""
    return {int(n) for n in re.findall(rf'href="{re.escape(prefix)}(\d+)"', html)}


# -- Reading and sending forms ------------------------------------------------------------


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


def _forms_shown(response: TestResponse) -> list[PageForm]:
    """The forms of a page that must have been shown (200)."""
    assert response.status_code == 200, response.status_code
    reader = FormReader()
    reader.feed(response.get_data(as_text=True))
    reader.close()
    return reader.forms


def read_form(response: TestResponse, action: str | None = None) -> dict[str, list[str]]:
    """The form posting to `action` (by default the page's own form), as a browser sends it."""
    found = [form for form in _forms_shown(response) if form.action == action]
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


def invite(client, email="kollega@test.example", role="employer", locale="da"):
    """The team page's form inviting a new colleague, posted."""
    return submit(
        client, "/team", {"name": "Ny Kollega", "email": email, "role": role, "locale": locale}
    )


# -- What the database holds ----------------------------------------------------------------


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
        steps=db.session.scalar(
            select(func.count(PlacementStep.id)).where(PlacementStep.placement_id == found.id)
        ),
        terms=db.session.scalar(
            select(func.count(PlacementTerms.id)).where(PlacementTerms.placement_id == found.id)
        ),
        version=found.version,
        phase=found.phase,
    )


def candidate_counts() -> tuple[int, int]:
    """How many candidates and candidate identities the database holds."""
    return (
        db.session.scalar(select(func.count(Candidate.id))),
        db.session.scalar(select(func.count(CandidateIdentity.candidate_id))),
    )


def kinds_for(user: User) -> list[str]:
    """The kinds of the user's notifications, in order."""
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.recipient_id == user.id)
            .order_by(Notification.id)
        )
    )


def records(placement: Placement) -> list[tuple[date, str, int, Decimal]]:
    """(day, kind, revision, hours) of every hour record of the placement, read afresh."""
    db.session.expire_all()
    return [
        (r.work_date, r.kind, r.revision, Decimal(r.hours))
        for r in db.session.scalars(
            select(HourRecord)
            .where(HourRecord.placement_id == placement.id)
            .order_by(HourRecord.work_date, HourRecord.kind, HourRecord.revision)
        )
    ]


def confirmations(placement: Placement) -> list[WeekConfirmation]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(WeekConfirmation).where(WeekConfirmation.placement_id == placement.id)
        )
    )


def everything() -> tuple[int, int, int]:
    """How many week confirmations, hour records and week flags the database holds."""
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count(WeekConfirmation.id))),
        db.session.scalar(select(func.count(HourRecord.id))),
        db.session.scalar(select(func.count(WeekFlag.id))),
    )


# -- Writers --------------------------------------------------------------------------------


def confirm_planned(placement: Placement, user: User, week: date = WEEK) -> None:
    """The week confirmed by `user` as planned, straight through the domain."""
    versions = versions_of(placement.id)
    hours.confirm_week(placement, user, week, hours.planned(placement, versions, week), versions)
    db.session.flush()


def confirming(
    placement_id: int, user_id: int, week: date = MONDAY
) -> Callable[[], Callable[[], str]]:
    """A writer for write_when_ready: loads the week's planned hours, then confirms them."""

    def load() -> Callable[[], str]:
        placement = db.session.get(Placement, placement_id)
        user = db.session.get(User, user_id)
        versions = versions_of(placement_id)
        entries = hours.planned(placement, versions, week)

        def confirm() -> str:
            hours.confirm_week(placement, user, week, entries, versions)
            return "confirmed"

        return confirm

    return load


# -- The company's own pages (tests/employers/test_routes_*.py) ---------------------------


def section(response: TestResponse, element_id: str) -> str:
    """The <section> of the page with id `element_id`."""
    page = text_of(response)
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</section>", start)]


def job_status_line(response: TestResponse) -> str:
    """The line that says a job's status (published, draft, closed) on its page."""
    page = text_of(response)
    start = page.index('class="status status--')
    return page[start : page.index("</p>", start)]


def job_count() -> int:
    return db.session.scalar(select(func.count(Job.id)))


def workplace_count() -> int:
    return db.session.scalar(select(func.count(Workplace.id)))


def fresh(row: Any) -> Any:
    """The row as the database has it now (routes write through their own session)."""
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def newest_job() -> Job:
    db.session.expire_all()
    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()


def form_date(days: int) -> str:
    """The date `days` from today, as a date field holds it."""
    return (local_today() + timedelta(days=days)).isoformat()


# -- The caseload's pages (tests/candidates/test_caseload_*.py) ---------------------------


def options_of(response: TestResponse, select_name: str) -> list[str]:
    """The values offered by a <select> on the page."""
    page = response.get_data(as_text=True)
    start = page.index(f'name="{select_name}"')
    block = page[start : page.index("</select>", start)]
    return re.findall(r'<option[^>]*value="([^"]*)"', block)


def flashes(response: TestResponse) -> str:
    """The flashed messages at the top of the page, as one text ("" when there are none)."""
    page = text_of(response)
    if 'class="flashes"' not in page:
        return ""
    start = page.index('class="flashes"')
    return page[start : page.index("</div>", start)]


def candidate_status_line(response: TestResponse) -> str:
    """The line that says a candidate's status and who is responsible, on its page."""
    page = text_of(response)
    start = page.index('<p class="status">')
    return page[start : page.index("</p>", start)]


CANDIDATE_LINK = re.compile(r'<td><a href="/candidates/(\d+)">')


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


def stored_candidate_text() -> list[str]:
    """Every value of both candidate tables, as text: what a database dump would show."""
    values = []
    for table in ("candidates", "candidate_identities"):
        for row in db.session.execute(sql_text(f"SELECT * FROM {table}")):
            values += [str(value) for value in row]
    return values


# -- The jobcentre's ladder rules (/jobcentre/rules) ---------------------------------------

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


# -- A placement's timeline (the shared placement pages) ------------------------------------


def timeline_url(placement: Placement, side: str) -> str:
    """The placement's timeline, on the company's side or the jobcentre's."""
    prefix = "/company/placements" if side == "company" else "/placements"
    return f"{prefix}/{placement.id}"


def hours_request_url(placement: Placement, side: str = "company") -> str:
    """The form asking to change the paid hours, on either side."""
    return f"{timeline_url(placement, side)}/hours-request"


# -- The hours pages (the week of MONDAY by default) ----------------------------------------


def hours_week_page(browser: FlaskClient, week: date = WEEK) -> TestResponse:
    """The company's week of all its placements."""
    response = browser.get(f"/company/hours?week={week.isoformat()}")
    assert response.status_code == 200
    return response


def placement_hours_page(
    browser: FlaskClient, placement: Placement, week: date = WEEK
) -> TestResponse:
    """The company's week of one placement."""
    response = browser.get(f"/company/placements/{placement.id}/hours?week={week.isoformat()}")
    assert response.status_code == 200
    return response


def consultant_hours_page(browser: FlaskClient, placement: Placement) -> TestResponse:
    """The jobcentre's week of one placement."""
    response = browser.get(f"/placements/{placement.id}/hours?week={WEEK.isoformat()}")
    assert response.status_code == 200
    return response


def week_no(day: date) -> int:
    """The number of the week of `day`, as the pages and mails name a week."""
    return day.isocalendar().week


def link_form(browser: FlaskClient, link: str) -> PageForm:
    """The form of the page an hours reminder's link opens (posted to the link)."""
    page = browser.get(link)
    assert page.status_code == 200, text_of(page)[:2000]
    return form_to(page, link)

"""Control characters in every field of every form: a clear refusal, never a 500.

Every POST route is found from the URL map (a route added later is posted to as well), with
a user of a role the route allows and that user's own objects in its ids; a route whose ids
this test cannot fill fails it. The form is read from the page that shows it (the route's
own page, or any page the user can open whose form posts to it), and posted once per field
with control characters in that field, and once with a NUL byte in every field. Each answer
is a 4xx, a redirect, or the page again with a message: never a server error. Nothing
stored holds a NUL (PostgreSQL would refuse one; the forms' filter takes them out).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import String, Text, select
from werkzeug.routing import AnyConverter, Rule

from marketplace.accounts import invitations, signup
from marketplace.extensions import db
from marketplace.hours import flags as hour_flags
from marketplace.hours import reminders as hour_reminders
from marketplace.models import (
    AssessmentKind,
    Base,
    HourReminder,
    Notification,
    Role,
    StepKind,
    User,
)
from marketplace.notifications import unsubscribe
from marketplace.placements import ladder as placements
from marketplace.proposals import lifecycle as proposals
from marketplace.web.access import PUBLIC, allowed_roles_of
from tests.factories import (
    MONDAY,
    accepted_proposal,
    answer_with,
    at_trial,
    confirm,
    in_days,
    ladder_job,
    new_candidate,
    paid_placement,
    praktik_terms,
    request_for,
)
from tests.html_forms import FormReader, PageForm, text_of
from tests.support import CSRF_FIELD, valid_cvr

# C0 controls (NUL, bell, backspace, vertical tab, escape, unit separator), DEL and a C1 one.
CONTROLS = "\x00\x07\x08\x0b\x1b\x1f\x7f\x85"
ROLE_ORDER = (Role.EMPLOYER, Role.CONSULTANT, Role.ADMIN)
MESSAGE_MARKS = ('class="field__error"', 'class="error-summary"', 'class="flash ')


@dataclass
class Setting:
    users: dict[Role, User]
    ids: dict[Role, dict[str, int]]
    tokens: dict[str, str]  # by rule: the pages a signed link opens
    # Pages the URL map alone does not lead to: another week, another placement.
    pages: dict[Role, list[str]] = field(default_factory=dict)
    # An id that belongs to another object fixes that one's id too (a step's placement).
    parents: dict[str, dict[str, int]] = field(default_factory=dict)
    forms: dict[Role | None, dict[str, PageForm]] = field(default_factory=dict)


@pytest.fixture
def setting(consultant, employer, make_job, make_user) -> Setting:
    admin = make_user(consultant.organisation, Role.ADMIN)
    job = ladder_job(make_job, employer)
    placement = paid_placement(job, consultant, employer)
    confirm(placement, employer)
    flag = hour_flags.flag_week(placement, consultant, MONDAY, "Var hun der tirsdag?")
    trial = at_trial(accepted_proposal(job, consultant, employer, "Cai Dahl"), employer)
    step = placements.propose_step(
        trial, consultant, StepKind.PRAKTIK, praktik_terms(job, in_days(6)), trial.version
    )
    waiting = proposals.propose(job, new_candidate(consultant, "Bo Berg"), consultant, "God.")
    colleague = make_user(employer.organisation, name="Kollega Karen")
    invited = invitations.invite(employer, "ny@test.example", "Ny Kollega", Role.EMPLOYER)
    db.session.flush()
    hour_reminders.send_hour_reminders(datetime.now(UTC))
    reminder = db.session.scalar(select(HourReminder).where(HourReminder.user_id == employer.id))
    assert reminder is not None, "the hours link needs a waiting week"

    def notice(user: User) -> int:
        found = db.session.scalar(
            select(Notification.id).where(Notification.recipient_id == user.id).limit(1)
        )
        assert found is not None, f"{user.role} has no notification"
        return found

    # The company's assessment of an earlier praktik: asked (its form posts), and answered (the
    # consultant records the person's reading).
    praktik = (MONDAY - timedelta(days=28), MONDAY - timedelta(days=1))
    asked = request_for(placement, AssessmentKind.PRAKTIK, *praktik)
    answered = answer_with(request_for(trial, AssessmentKind.PRAKTIK, *praktik), employer)
    jobcentre_ids = {
        "assessment_id": answered.id,
        "job_id": job.id,
        "candidate_id": waiting.candidate_id,
        "proposal_id": waiting.id,
        "placement_id": placement.id,
        "step_id": step.id,
    }
    jobcentre_invite = invitations.invite(admin, "ny-raadgiver@test.example", "Ny", Role.CONSULTANT)
    db.session.commit()
    return Setting(
        users={Role.EMPLOYER: employer, Role.CONSULTANT: consultant, Role.ADMIN: admin},
        ids={
            Role.EMPLOYER: {
                "assessment_id": asked.id,
                "job_id": job.id,
                "workplace_id": job.workplace_id,
                "proposal_id": waiting.id,
                "placement_id": placement.id,
                "step_id": step.id,
                "flag_id": flag.id,
                "notification_id": notice(employer),
                "invitation_id": invited.id,
                "user_id": colleague.id,
            },
            Role.CONSULTANT: {**jobcentre_ids, "notification_id": notice(consultant)},
            Role.ADMIN: {
                **jobcentre_ids,
                "invitation_id": jobcentre_invite.id,
                "user_id": consultant.id,
            },
        },
        tokens={
            "/invitation/<token>": invitations.token_for(invited),
            "/company/hours/link/<token>": hour_reminders.token_for(reminder),
            "/notifications/unsubscribe/<token>": unsubscribe.token_for(employer, "digest"),
            "/signup/confirm/<token>": signup.token_for(
                signup.CompanySignup(
                    company_name="Nyt Firma ApS",
                    cvr=valid_cvr(),
                    address="Torvet 1",
                    postcode="6900",
                    city="Skjern",
                    municipality_code=760,
                    employee_count=5,
                    name="Ny Ejer",
                    email="ny-ejer@test.example",
                )
            ),
        },
        parents={"step_id": {"placement_id": trial.id}},
        pages={
            Role.EMPLOYER: [
                f"/company/placements/{placement.id}/hours?week={MONDAY}",
                f"/company/placements/{trial.id}",
            ],
            Role.CONSULTANT: [f"/placements/{trial.id}"],
        },
    )


def role_for(allowed: frozenset[str]) -> Role | None:
    """None for a public route (posted to logged out); else the first role allowed."""
    if allowed is PUBLIC:
        return None
    return next(r for r in ROLE_ORDER if r.value in allowed)


def urls_of(rule: Rule, role: Role | None, setting: Setting, app: Flask) -> Iterator[str]:
    """The rule's address with the user's own ids, once per value of an any(...) part."""
    values: dict[str, Any] = {}
    choices: dict[str, list[str]] = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            choices[name] = sorted(converter.items)
        elif name == "token":
            assert rule.rule in setting.tokens, f"no signed link for {rule.rule}"
            values[name] = setting.tokens[rule.rule]
        else:
            own = setting.ids.get(role, {}) if role else {}
            assert name in own, f"the bad-input test cannot fill <{name}> of {rule.rule}"
            values[name] = own[name]
    for name in rule.arguments:
        values.update({k: v for k, v in setting.parents.get(name, {}).items() if k in values})
    combos: list[dict[str, str]] = [{}]
    for name, options in choices.items():
        combos = [{**c, name: option} for c in combos for option in options]
    for combo in combos:
        built = rule.build({**values, **combo}, append_unknown=False)
        assert built is not None, rule.rule
        yield built[1]


def post_routes(app: Flask) -> list[Rule]:
    with app.app_context():
        return sorted(
            (r for r in app.url_map.iter_rules() if "POST" in r.methods),
            key=lambda r: r.rule,
        )


def logged_in(app: Flask, login, user: User | None):
    browser = app.test_client()
    if user is not None:
        login(user, via=browser)
    return browser


def get_pages(app: Flask, role: Role | None, setting: Setting) -> list[str]:
    """Every GET page the role may open, with its ids filled (where the forms are)."""
    urls = []
    with app.app_context():
        for rule in app.url_map.iter_rules():
            allowed = allowed_roles_of(rule.endpoint)
            if "GET" not in rule.methods or rule.endpoint == "static" or allowed is None:
                continue
            if role is None and allowed is not PUBLIC:
                continue
            if role is not None and allowed is not PUBLIC and role.value not in allowed:
                continue
            try:
                urls += list(urls_of(rule, role, setting, app))
            except AssertionError:
                continue  # a page with ids of another kind: its forms are found elsewhere
    return sorted(set(urls)) + (setting.pages.get(role, []) if role else [])


@dataclass
class Found:
    page: str  # where the form is shown (a browser fetches it for the CSRF token)
    form: PageForm | None


def forms_by_action(app: Flask, login, role: Role | None, setting: Setting) -> dict[str, Found]:
    """The forms on the role's pages by the path they post to; "*" is any page with a token."""
    browser = logged_in(app, login, setting.users[role] if role else None)
    found: dict[str, Found] = {}
    for url in get_pages(app, role, setting):
        try:
            response = browser.get(url)
        except Exception:  # noqa: S112 - a broken page fails its own tests, not this one
            continue
        if response.status_code != 200 or response.mimetype != "text/html":
            response.close()
            continue
        html = text_of(response)
        if CSRF_FIELD.search(html):
            found.setdefault("*", Found(url, None))
        reader = FormReader()
        reader.feed(html)
        for form in reader.forms:
            found.setdefault(urlsplit(form.action or url).path, Found(url, form))
    assert "*" in found, f"no page of {role} has a CSRF token"
    return found


def posts(form: PageForm | None) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """The form as the page fills it, with control characters in one field at a time, then
    a NUL in every field. Without a form on any page: an unknown field and the token."""
    values = {k: v for k, v in (form.values if form else {}).items() if k != "csrf_token"}
    if not values:
        values = {"text": [""]}
    for name, sent in values.items():
        dirty = [f"{CONTROLS[:4]}{v}{CONTROLS[4:]}" for v in sent] or [CONTROLS]
        yield name, {**values, name: dirty}
    yield "every field", {name: ["\x00"] * max(len(sent), 1) for name, sent in values.items()}


def test_control_characters_in_every_field_of_every_post_route_are_refused_clearly(
    app, login, setting
):
    routes = post_routes(app)
    assert len(routes) > 30  # the URL map was read
    without_form = []
    tried = 0
    for rule in routes:
        with app.app_context():
            allowed = allowed_roles_of(rule.endpoint)
        assert allowed is not None, f"{rule.rule} states no roles"
        role = role_for(allowed)
        if role not in setting.forms:
            setting.forms[role] = forms_by_action(app, login, role, setting)
        for url in urls_of(rule, role, setting, app):
            found = setting.forms[role].get(urlsplit(url).path)
            if found is None:
                without_form.append(url)
                found = setting.forms[role]["*"]
            for field_name, data in posts(found.form):
                # A fresh login for each post: logging out, or a member deactivated, is
                # one of the routes, and a refused post must not change who is posting.
                browser = logged_in(app, login, setting.users[role] if role else None)
                page = browser.get(found.page)
                token = CSRF_FIELD.search(text_of(page))
                assert token, found.page
                response = browser.post(url, data={**data, "csrf_token": token.group(1)})
                tried += 1
                where = f"{url} ({field_name})"
                assert response.status_code < 500, where
                if response.status_code == 200 and response.mimetype == "text/html":
                    # The form again with a message; or, when an earlier post of this test
                    # has done what the form does (accepted, ended), the page as it now is,
                    # without that form.
                    html = text_of(response)
                    said = any(mark in html for mark in MESSAGE_MARKS)
                    assert said or f'action="{urlsplit(url).path}"' not in html, where
                response.close()
    assert tried > 150
    # Forms shown only to the other side (accepting a step one proposed oneself) or only in a
    # state the setting is not in are posted with an unknown field: still never a 500.
    assert len(without_form) < len(routes) // 3, without_form
    assert_no_nul_stored()


def assert_no_nul_stored() -> None:
    """Read in Python: SQLite's LIKE stops at a NUL in its pattern."""
    for table in Base.metadata.sorted_tables:
        texts = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not texts:
            continue
        for row in db.session.execute(select(*texts)):
            for column, value in zip(texts, row, strict=True):
                assert "\x00" not in (value or ""), f"a NUL stored in {table.name}.{column.name}"

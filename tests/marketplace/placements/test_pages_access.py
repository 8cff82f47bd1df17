"""Who may reach a placement, through every route that takes one, and what a refusal leaves.

A stranger (an employer of another company, staff of another jobcentre) gets 404, as for an id
that does not exist; the wrong side (an employer on the jobcentre's routes, staff on the
company's, a consultant on the admin's ladder rules) gets 403; nobody logged in is sent to
/login. After any refusal the placements (and their version), steps, terms versions, ladder
rules, identity views, notifications, week confirmations, hour records and week flags are
exactly as before. Each route is tried in the
state where its owner's request would change something (the positive control proves it does),
so "nothing changed" means the refusal stopped it.

The routes are found in the app's url_map (every rule with a placement_id, and the ladder
rules): a new placement route fails the guard until it is listed in tests.placement_access
(ROUTES, with the state and form of each). Ids of another placement or company, the hours
reminder, the lists and the ladder rules are in test_pages_access_crossed.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import (
    Placement,
)
from marketplace.web.routing import MAX_ID
from tests.placement_access import (
    COMPANY,
    COMPANY_ROUTES,
    HOMES,
    JOBCENTRE_ROUTES,
    PLACEMENT_ROUTES,
    ROUTES,
    RULES_ROUTES,
    assert_nothing_revealed,
    call,
    owner_of,
    path_of,
)

# -- The guard ----------------------------------------------------------------------------


def placement_rules(app: Flask) -> list[Any]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "placement_id" in rule.arguments or rule.rule.startswith("/jobcentre/rules")
    ]


def test_every_placement_route_is_covered(app):
    """A new route with a placement_id (or under /jobcentre/rules) must be added to ROUTES,
    and a step route with every action it takes."""
    found = set()
    for rule in placement_rules(app):
        actions = sorted(rule._converters["action"].items) if "action" in rule.arguments else [None]
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            for action in actions:
                found.add((rule.endpoint, method, action))
    covered = {(r.endpoint, r.method, r.action) for r in ROUTES}
    assert len(found) >= 15, "few placement routes found: the guard looks in the wrong place"
    assert sorted(found - covered, key=str) == [], "placement routes without access tests"
    assert sorted(covered - found, key=str) == [], "listed routes that no longer exist"


def test_every_placement_id_in_an_address_is_bounded(app):
    """Each id in a placement address uses the id converter (a positive 32-bit integer)."""
    from marketplace.web.routing import IdConverter

    for rule in placement_rules(app):
        for name in ("placement_id", "step_id", "terms_id", "flag_id"):
            if name in rule.arguments:
                assert isinstance(rule._converters[name], IdConverter), (rule.rule, name)


# -- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_the_owner_reaches_every_route_and_it_changes_something(
    request, app, client, login, build, route
):
    """The positive control: in the chosen state the owner's request does change the data
    (a company page that shows the name writes an identity view)."""
    owner = request.getfixturevalue(owner_of(route))
    built = build(route.state)
    login(owner)
    response, unchanged = call(client, route, path_of(app, route, built), HOMES[owner.role], built)
    assert response.status_code == (200 if route.method == "GET" else 302), response.get_data(
        as_text=True
    )[:2000]
    if route.shows is not None:
        assert route.method == "GET"
        assert route.shows in response.get_data(as_text=True)
    elif route.method == "POST" or route.side == COMPANY:
        assert not unchanged, f"{route} changed nothing for its owner: the control is void"


STRANGERS = [(route, "other_employer") for route in COMPANY_ROUTES] + [
    (route, who) for route in JOBCENTRE_ROUTES for who in ("other_consultant", "other_admin")
]


@pytest.mark.parametrize(("route", "who"), STRANGERS, ids=str)
def test_another_organisation_gets_404_and_nothing_changes(
    request, app, client, login, build, route, who
):
    stranger = request.getfixturevalue(who)
    built = build(route.state)
    login(stranger)
    response, unchanged = call(
        client, route, path_of(app, route, built), HOMES[stranger.role], built
    )
    assert response.status_code == 404
    assert unchanged
    assert_nothing_revealed(response)


WRONG_SIDE = [(route, who) for route in COMPANY_ROUTES for who in ("consultant", "admin")]
WRONG_SIDE += [(route, "employer") for route in JOBCENTRE_ROUTES + RULES_ROUTES]
WRONG_SIDE += [(route, "consultant") for route in RULES_ROUTES]


@pytest.mark.parametrize(("route", "who"), WRONG_SIDE, ids=str)
def test_the_wrong_role_gets_403_and_nothing_changes(
    request, app, client, login, build, route, who
):
    """Even the placement's own company cannot use the jobcentre's routes, nor the reverse;
    a consultant cannot change the jobcentre's ladder rules."""
    user = request.getfixturevalue(who)
    built = build(route.state)
    login(user)
    response, unchanged = call(client, route, path_of(app, route, built), HOMES[user.role], built)
    assert response.status_code == 403
    assert unchanged
    assert_nothing_revealed(response)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_is_sent_to_login_and_nothing_changes(app, client, build, route):
    built = build(route.state)
    response, unchanged = call(client, route, path_of(app, route, built), "/login", built)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert unchanged


@pytest.mark.parametrize("route", PLACEMENT_ROUTES, ids=str)
def test_an_unknown_placement_id_is_404_like_a_strangers(request, app, client, login, build, route):
    owner = request.getfixturevalue(owner_of(route))
    built = build(route.state)
    missing = (db.session.scalar(select(func.max(Placement.id))) or 0) + 1000
    login(owner)
    path = path_of(app, route, built, placement_id=missing)
    response, unchanged = call(client, route, path, HOMES[owner.role], built)
    assert response.status_code == 404
    assert unchanged


@pytest.mark.parametrize("too_big", [MAX_ID + 1, 2**31, 2**63, 10**30])
@pytest.mark.parametrize("route", PLACEMENT_ROUTES, ids=str)
def test_an_id_beyond_the_integer_column_is_404_not_an_error(
    request, app, client, login, build, route, too_big
):
    owner = request.getfixturevalue(owner_of(route))
    built = build(route.state)
    login(owner)
    good = path_of(app, route, built)
    paths = [good.replace(f"/{built.placement.id}", f"/{too_big}", 1)]
    if built.step is not None and "/steps/" in good:
        paths.append(good.replace(f"/steps/{built.step.id}/", f"/steps/{too_big}/"))
    if built.agreement is not None and "/agreement/" in good:
        paths.append(good.replace(f"/agreement/{built.agreement.id}", f"/agreement/{too_big}"))
    if built.flag is not None and "/flags/" in good:
        paths.append(good.replace(f"/flags/{built.flag.id}/", f"/flags/{too_big}/"))
    for path in paths:
        assert path != good
        response, unchanged = call(client, route, path, HOMES[owner.role], built)
        assert response.status_code == 404, path
        assert unchanged, path

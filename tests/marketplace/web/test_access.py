"""Every route states its roles; another organisation's objects are a 404."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Invitation, User
from marketplace.web.access import PUBLIC, allowed_roles_of
from tests.support import submit


def test_every_route_states_its_roles(app):
    unstated = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and allowed_roles_of(rule.endpoint) is None
    ]
    assert unstated == []


def test_a_view_without_roles_is_refused(app):
    """Fail closed: the hook refuses a route that forgot to state its roles."""
    from flask import Flask

    from marketplace.web import access

    probe = Flask("probe")
    probe.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    access.init_app(probe)
    assert probe.test_client().get("/forgotten").status_code == 403


PUBLIC_PATHS = ["/login", "/signup", "/healthz"]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_need_no_login(client, path):
    assert client.get(path).status_code == 200


def test_public_endpoints_are_only_the_expected_ones(app):
    public = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and allowed_roles_of(rule.endpoint) is PUBLIC
    )
    assert public == [
        "auth.accept_invitation",
        "auth.login",
        "auth.signup",
        # The sign-up link: the signed token shows the address is the visitor's.
        "auth.signup_confirm",
        "auth.signup_sent",
        # The hours reminder's link: the signed token stands in for the login, for one week.
        "employers.confirm_from_link",
        "employers.hours_link",
        "employers.hours_link_done",
        # One-click unsubscribe (RFC 8058): the signed token names whose e-mail stops.
        "inbox.unsubscribe",
        # Prometheus: its own bearer token (METRICS_TOKEN), a 404 while none is set.
        "metrics",
        "site.healthz",
        "site.index",
        "site.set_language",
    ]


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("employer", "/company/", 200),
        ("employer", "/caseload", 403),
        ("employer", "/jobcentre", 403),
        ("employer", "/team", 200),
        ("consultant", "/company/", 403),
        ("consultant", "/caseload", 200),
        ("consultant", "/jobcentre", 403),
        ("consultant", "/team", 403),
        ("admin", "/company/", 403),
        ("admin", "/caseload", 200),
        ("admin", "/jobcentre", 200),
        ("admin", "/team", 200),
    ],
)
def test_roles_reach_only_their_pages(request, client, login, who, path, status):
    login(request.getfixturevalue(who))
    assert client.get(path).status_code == status


@pytest.mark.parametrize("path", ["/company/", "/caseload", "/jobcentre", "/team"])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.fixture
def other_company_colleague(make_company, make_user):
    return make_user(make_company(name="Mølgaard Gartneri"))


def test_employer_gets_404_for_another_companys_user(
    client, employer, login, other_company_colleague
):
    login(employer)
    response = submit(
        client, f"/team/members/{other_company_colleague.id}/deactivate", {}, page="/team"
    )
    assert response.status_code == 404
    db.session.refresh(other_company_colleague)
    assert other_company_colleague.active


def test_employer_gets_404_for_another_companys_invitation(
    client, app, employer, login, other_company_colleague
):
    from marketplace.accounts import invitations

    with app.test_request_context():
        foreign = invitations.invite(
            other_company_colleague, "x@test.example", "X", other_company_colleague.role_enum
        )
    login(employer)
    response = submit(client, f"/team/invitations/{foreign.id}/revoke", {}, page="/team")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Invitation, foreign.id).revoked_at is None


def test_admin_gets_404_for_another_jobcentres_user(
    client, admin, login, make_jobcentre, make_user
):
    stranger = make_user(make_jobcentre(municipality_code=657))
    login(admin)
    response = submit(client, f"/team/members/{stranger.id}/deactivate", {}, page="/team")
    assert response.status_code == 404


def test_admin_gets_404_for_a_company_user(client, admin, login, employer):
    login(admin)
    assert (
        submit(client, f"/team/members/{employer.id}/deactivate", {}, page="/team").status_code
        == 404
    )


def test_unknown_id_is_404_too(client, employer, login):
    login(employer)
    missing = (db.session.scalar(select(User.id).order_by(User.id.desc())) or 0) + 1000
    assert (
        submit(client, f"/team/members/{missing}/deactivate", {}, page="/team").status_code == 404
    )

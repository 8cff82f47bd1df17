"""The admin's erasure log: the rules in force, and what retention did for the jobcentre,
paged, with nobody's data; only the admin of that jobcentre sees it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from marketplace.clock import utcnow
from marketplace.extensions import db
from marketplace.models import ErasureRecord, Jobcentre, RetentionRule, User


def record(jobcentre_id: int, people: int, minutes_ago: int, kind: str = "identity") -> None:
    rule = db.session.scalar(select(RetentionRule).where(RetentionRule.kind == kind))
    db.session.add(
        ErasureRecord(
            rule_id=rule.id,
            kind=rule.kind,
            action=rule.action,
            jobcentre_id=jobcentre_id,
            people=people,
            run_at=utcnow() - timedelta(minutes=minutes_ago),
        )
    )
    db.session.flush()


def test_the_admin_sees_the_rules_and_the_log_of_their_own_jobcentre(
    client: FlaskClient, login: Callable[..., Any], admin: User, other_jobcentre: Jobcentre
):
    record(admin.organisation_id, 417, 10)
    record(other_jobcentre.id, 923, 5)
    login(admin)
    page = client.get("/jobcentre/erasures")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "KLE" in body  # the rules in force, with their source
    assert "60" in body
    # A rule says what will happen (Danish: "Slettes"); the log what did ("Slettet").
    assert '<td data-label="Hvad der sker">Slettes</td>' in body
    assert '<td data-label="Hvad der skete">Slettet</td>' in body
    assert "417" in body
    assert "923" not in body  # another jobcentre's log
    assert "/jobcentre/erasures" in client.get("/jobcentre").get_data(as_text=True)


def test_the_log_is_paged_newest_first(client: FlaskClient, login: Callable[..., Any], admin: User):
    for n in range(55):
        record(admin.organisation_id, 100 + n, minutes_ago=n)
    login(admin)
    first = client.get("/jobcentre/erasures").get_data(as_text=True)
    assert ">100</td>" in first
    assert ">149</td>" in first
    assert ">150</td>" not in first
    assert first.index(">100</td>") < first.index(">101</td>")  # newest first
    assert 'href="/jobcentre/erasures?page=2"' in first
    second = client.get("/jobcentre/erasures?page=2").get_data(as_text=True)
    assert ">154</td>" in second
    assert ">149</td>" not in second
    assert client.get("/jobcentre/erasures?page=99999999").status_code == 200


def test_nothing_erased_yet_says_so(client: FlaskClient, login: Callable[..., Any], admin: User):
    login(admin)
    body = client.get("/jobcentre/erasures").get_data(as_text=True)
    assert ">1</td>" not in body
    assert db.session.scalar(select(ErasureRecord.id)) is None


def test_only_the_admin_may_see_it(
    client: FlaskClient,
    login: Callable[..., Any],
    consultant: User,
    employer: User,
):
    assert client.get("/jobcentre/erasures").status_code in (302, 401)
    login(consultant)
    assert client.get("/jobcentre/erasures").status_code == 403
    client.get("/logout")
    other = client.application.test_client()
    login(employer, via=other)
    assert other.get("/jobcentre/erasures").status_code == 403


def test_a_pseudonymised_case_still_opens_on_both_sides_with_nothing_of_the_person(
    client: FlaskClient,
    login: Callable[..., Any],
    make_job: Callable[..., Any],
    consultant: User,
    employer: User,
):
    from marketplace.models import Placement
    from marketplace.privacy import retention
    from tests.factories import SENTINEL, later, whole_case

    case = whole_case(make_job, consultant, employer)
    placement_id = db.session.scalar(select(Placement.id).where(Placement.candidate_id == case.id))
    retention.run(later())
    login(consultant)
    for url in (
        f"/candidates/{case.id}",
        f"/placements/{placement_id}",
        f"/placements/{placement_id}/hours",
        "/caseload?status=closed",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert SENTINEL not in page.get_data(as_text=True).lower(), url
    company = client.application.test_client()
    login(employer, via=company)
    for url in (
        f"/company/placements/{placement_id}",
        f"/company/placements/{placement_id}/hours",
        "/company/placements",
    ):
        page = company.get(url)
        assert page.status_code == 200, url
        assert SENTINEL not in page.get_data(as_text=True).lower(), url

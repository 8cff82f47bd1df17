"""Pages run a fixed number of queries, however many rows they show (no N+1)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/team", "/company/"])
def test_employer_pages_do_not_query_per_colleague(
    client, employer, login, make_user, count_queries, path
):
    login(employer)
    client.get(path)  # warm up: first-request work is not what we measure
    with count_queries() as few:
        assert client.get(path).status_code == 200
    for _ in range(15):
        make_user(employer.organisation)
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert many.count == few.count
    # The session's user; the unread count; then the page's own lists (a paged list: its
    # COUNT and its rows; the home's workplaces are paged, issue 16; the home's assessments
    # to write, one statement, issue 18).
    assert few.count <= 9


def test_jobcentre_page_does_not_query_per_staff_member(
    client, admin, login, make_user, count_queries
):
    login(admin)
    client.get("/jobcentre")
    with count_queries() as few:
        client.get("/jobcentre")
    for _ in range(15):
        make_user(admin.organisation)
    with count_queries() as many:
        client.get("/jobcentre")
    assert many.count == few.count

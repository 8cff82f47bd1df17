"""The caseload list (candidates/caseload.py): filtered by status and consultant,
mine and active by default, free text over name, case reference and job goal (never another
jobcentre's), paged 25 at a time keeping the filters, garbage filters never an error page, and
as many queries for 30 candidates as for 3.

Every form is used the way a browser uses it: the page is fetched, the form on it is read
(its CSRF token, hidden `version`, pre-filled values, ticked boxes, selected options), some
fields are changed and the whole form is posted back. The staff (mette, lars, birgit, per,
herning_admin), `browser` and `make_candidate` are fixtures of tests/candidates/conftest.py.
"""

from __future__ import annotations

import html
import re

import pytest
from flask_babel import lazy_gettext as _l

from marketplace.models import Candidate
from tests.html_forms import da, text_of
from tests.pages import listed_candidates, read_form

# ---------------------------------------------------------------------------------------------
# 6. The caseload list


@pytest.fixture
def caseload_of_three(mette, lars, per, make_candidate):
    """Mette's active, paused and closed candidates, Lars' active one, and one in Herning."""
    return {
        "mine_active": make_candidate(mette, full_name="Anna Aktiv", case_reference="SAG-1"),
        "mine_paused": make_candidate(mette, "paused", full_name="Bo Pause"),
        "mine_closed": make_candidate(mette, "closed", full_name="Carl Lukket"),
        "lars_active": make_candidate(lars, full_name="Dorte Lars"),
        "lars_paused": make_candidate(lars, "paused", full_name="Erik Lars"),
        "herning": make_candidate(per, full_name="Anna Herning", job_goal="Rengøring"),
    }


def ids(candidates: dict[str, Candidate], *names: str) -> list[int]:
    return sorted(candidates[name].id for name in names)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["mine_active"]),
        ("?status=active", ["mine_active"]),
        ("?status=paused", ["mine_paused"]),
        ("?status=closed", ["mine_closed"]),
        ("?status=all", ["mine_active", "mine_paused", "mine_closed"]),
        ("?consultant=all", ["mine_active", "lars_active"]),
        ("?consultant=all&status=paused", ["mine_paused", "lars_paused"]),
        (
            "?consultant=all&status=all",
            ["mine_active", "mine_paused", "mine_closed", "lars_active", "lars_paused"],
        ),
        ("?consultant={lars}", ["lars_active"]),
        ("?consultant={lars}&status=all", ["lars_active", "lars_paused"]),
        ("?consultant={mette}&status=closed", ["mine_closed"]),
    ],
)
def test_the_caseload_filters_by_status_and_consultant(
    client, mette, lars, caseload_of_three, query, expected
):
    url = "/caseload" + query.format(lars=lars.id, mette=mette.id)
    assert sorted(listed_candidates(client.get(url))) == ids(caseload_of_three, *expected)


def test_the_default_caseload_preselects_mine_and_active(client, mette, caseload_of_three):
    form = read_form(client.get("/caseload"))
    assert form["status"] == ["active"]
    assert form["consultant"] == [str(mette.id)]


def test_the_admin_sees_their_own_and_everyones_on_request(
    browser, birgit, caseload_of_three, make_candidate
):
    own = make_candidate(birgit, full_name="Frida Admin")
    admin_client = browser(birgit)
    assert listed_candidates(admin_client.get("/caseload")) == [own.id]
    everyone = listed_candidates(admin_client.get("/caseload?consultant=all&status=all"))
    assert caseload_of_three["herning"].id not in everyone
    assert len(everyone) == 6


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("anna", ["anna"]),
        ("ANNA", ["anna"]),
        ("østergaard", ["oster"]),
        ("ØSTERGAARD", ["oster"]),
        ("sag-2024", ["anna", "under"]),
        ("SAG-2024-17", ["anna"]),
        ("lager", ["anna", "percent"]),
        ("LAGER anna", ["anna"]),
        ("50%", ["percent"]),
        ("%", ["percent"]),
        ("_", ["under"]),
        ("B_1", ["under"]),
        ("a_b", []),
        ("\\", []),
        ("ingen findes", []),
    ],
)
def test_free_text_searches_name_case_reference_and_job_goal(
    client, mette, make_candidate, q, expected
):
    made = {
        "anna": make_candidate(
            mette, full_name="Anna Jensen", case_reference="SAG-2024-17", job_goal="Lager"
        ),
        "oster": make_candidate(mette, full_name="Åse Østergaard", job_goal="Køkken"),
        "percent": make_candidate(mette, full_name="Bo Berg", job_goal="50% lager, 50% butik"),
        "under": make_candidate(
            mette, full_name="Carl Carlsen", case_reference="SAG-2024-AB_1", job_goal="Have"
        ),
        "decoy": make_candidate(
            mette, full_name="Dorte Dam", case_reference="AB11", job_goal="50 procent"
        ),
    }
    shown = listed_candidates(client.get("/caseload", query_string={"q": q}))
    assert sorted(shown) == sorted(made[name].id for name in expected)


def test_free_text_never_reaches_another_jobcentre(client, mette, caseload_of_three):
    shown = listed_candidates(client.get("/caseload?q=anna&status=all&consultant=all"))
    assert shown == [caseload_of_three["mine_active"].id]


def test_the_caseload_is_paged_25_at_a_time_keeping_the_filters(
    client, mette, lars, make_candidate
):
    made = [make_candidate(mette, full_name=f"Kandidat {n:02d}") for n in range(30)]
    make_candidate(lars, full_name="Kandidat hos Lars")
    make_candidate(mette, "paused", full_name="Kandidat på pause")
    first = client.get("/caseload?status=active&q=kandidat")
    assert len(listed_candidates(first)) == 25
    assert da(_l("Page %(page)d of %(pages)d", page=1, pages=2)) in text_of(first)
    links = [
        html.unescape(link) for link in re.findall(r'href="(/caseload\?[^"]*)"', text_of(first))
    ]
    assert len(links) == 1
    assert "status=active" in links[0]
    assert "q=kandidat" in links[0]
    assert "page=2" in links[0]
    second = client.get(links[0])
    assert len(listed_candidates(second)) == 5
    assert set(listed_candidates(first)) | set(listed_candidates(second)) == {c.id for c in made}
    assert not set(listed_candidates(first)) & set(listed_candidates(second))
    back = [
        html.unescape(link) for link in re.findall(r'href="(/caseload\?[^"]*)"', text_of(second))
    ]
    assert len(back) == 1
    assert "page=1" in back[0]
    assert "q=kandidat" in back[0]
    # Newest changes first.
    assert listed_candidates(first)[0] == made[-1].id


@pytest.mark.parametrize(
    "query",
    [
        "status=xyz",
        "status=",
        "consultant=abc",
        "consultant=999999999999",
        "consultant=-1",
        "consultant=",
        "consultant=99999999999999999999999999",
        "page=-1",
        "page=0",
        "page=abc",
        "page=99999999999999999999",
        "page=1e9",
        "q=" + "x" * 500,
        "q=%00",
        "status=all&status=closed&consultant=all&consultant=1",
    ],
)
def test_garbage_filter_values_never_give_an_error_page(client, mette, caseload_of_three, query):
    response = client.get(f"/caseload?{query}")
    assert response.status_code == 200
    shown = listed_candidates(response)
    assert caseload_of_three["herning"].id not in shown
    assert set(shown) <= set(ids(caseload_of_three, *caseload_of_three)) - {
        caseload_of_three["herning"].id
    }


def test_a_page_beyond_the_last_shows_the_last(client, mette, make_candidate):
    made = [make_candidate(mette, full_name=f"K {n}") for n in range(27)]
    response = client.get("/caseload?page=99999999999999999999")
    assert sorted(listed_candidates(response)) == sorted(c.id for c in made[:2])


def test_the_caseload_runs_as_many_queries_for_30_candidates_as_for_3(
    client, mette, lars, birgit, make_candidate, count_queries
):
    owners = [mette, lars, birgit]

    def add(numbers: range) -> None:
        for n in numbers:
            make_candidate(
                owners[n % 3],
                ("active", "paused", "closed")[n % 3 if n % 2 else 0],
                full_name=f"Kandidat {n}",
                case_reference=f"SAG-{n}",
            )

    url = "/caseload?status=all&consultant=all"
    add(range(3))
    client.get(url)  # warm up: first-request work is not what we measure
    with count_queries() as few:
        assert len(listed_candidates(client.get(url))) == 3
    add(range(3, 30))
    with count_queries() as many:
        assert len(listed_candidates(client.get(url))) == 25
    assert many.count == few.count
    with count_queries() as mine:
        client.get("/caseload?q=kandidat")
    assert mine.count == few.count

"""The caseload list says where each candidate stands on the ladder today (no placement, trial
visit, praktik, paid hours, ended) and the weekly hours agreed in force, read with the page:
as many queries for 25 candidates in placements as for 3. On a phone the table becomes
labelled cards (class "cards", each cell names its column in data-label).

`mette` (logged in on `client`) is the consultant of the shared `place` and `paid` fixtures.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from marketplace.models import EndReason, Phase
from marketplace.placements import ladder as placements
from marketplace.web.labels import PHASE_LABELS
from tests.factories import agree_praktik, in_days, new_candidate, praktik_terms, today
from tests.html_forms import da, text_of
from tests.pages import listed_candidates

ROW = re.compile(
    r'<a href="/candidates/(\d+)">.*?class="caseload-phase">([^<]*)</td>'
    r'\s*<td data-label="[^"]*" class="caseload-hours">(.*?)</td>',
    re.S,
)


def shown(response) -> dict[int, tuple[str, str]]:
    """Each listed candidate's phase and hours cell, as text."""
    return {
        int(found): (phase.strip(), re.sub(r"<[^>]+>", "", hours).strip())
        for found, phase, hours in ROW.findall(text_of(response))
    }


def test_each_candidate_shows_their_phase_and_weekly_hours(
    client, mette, place, paid, job, employer
):
    nobody = new_candidate(mette, "Ida Intet")
    in_paid = paid()  # 6 paid hours a week since three weeks ago
    trial = place()
    praktik = place(first=Phase.PRAKTIK)
    agree_praktik(praktik, mette, employer, praktik_terms(job, in_days(1), hours="7.5"))
    ended = place(start=0)
    placements.end(
        ended, employer, EndReason.COMPANY_STOPPED, "", today(), ended.version, today=today()
    )
    rows = shown(client.get("/caseload"))
    none_agreed = da(_l("None agreed"))
    assert rows == {
        nobody.id: (da(_l("No placement")), none_agreed),
        in_paid.candidate_id: (da(PHASE_LABELS["paid"]), "6"),
        trial.candidate_id: (da(PHASE_LABELS["trial"]), none_agreed),
        praktik.candidate_id: (da(PHASE_LABELS["praktik"]), "7,5"),
        ended.candidate_id: (da(PHASE_LABELS["ended"]), none_agreed),
    }


def test_the_table_becomes_labelled_cards(client, mette, paid):
    paid()
    page = text_of(client.get("/caseload"))
    table = page[page.index("<table") : page.index("</table>")]
    assert 'class="table cards"' in table
    headers = re.findall(r'<th scope="col">([^<]*)</th>', table)
    labels = re.findall(r'<td data-label="([^"]*)"', table)
    assert labels == headers
    assert len(re.findall(r"<td", table)) == len(labels)


def test_placements_add_no_query_per_candidate(client, mette, place, paid, count_queries):
    url = "/caseload"
    for _ in range(2):
        paid()
    place()
    client.get(url)  # warm up: first-request work is not what we measure
    with count_queries() as few:
        assert len(listed_candidates(client.get(url))) == 3
    for n in range(22):
        paid() if n % 2 else place(start=1 + n % 5)
    new_candidate(mette, "Uden Forløb")
    with count_queries() as many:
        response = client.get(url)
    assert len(listed_candidates(response)) == 25
    assert many.count == few.count
    assert len(shown(response)) == 25

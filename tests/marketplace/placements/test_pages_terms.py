"""The placement page's list of terms versions (templates/placements/_terms.html): after a
change of hours each version shows its own first day, the earlier one its last day, the one in
force and the one to come marked, on both sides' pages."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.factories import MONDAY, NEXT_MONDAY, answer, ask
from tests.html_forms import text_of
from tests.pages import da_date


def versions_listed(html: str) -> list[str]:
    """The text of each version in the list, tags removed, spaces collapsed."""
    block = re.search(r'<ol class="terms-history">(.*?)</ol>', html, re.S)
    assert block, "no list of terms versions"
    items = re.findall(r"<li [^>]*>(.*?)</li>", block.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def test_an_hours_change_lists_each_version_with_its_own_start(
    company, jobcentre, placement, employer, consultant
):
    answer(ask(placement, employer, NEXT_MONDAY, "10"), consultant)
    for browser, url in (
        (company, f"/company/placements/{placement.id}"),
        (jobcentre, f"/placements/{placement.id}"),
    ):
        html = text_of(browser.get(url))
        # The defect: the coming hours read "Fra <when paid hours first began>, 10 timer".
        assert f"Fra {da_date(MONDAY)}, 10 timer" not in " ".join(html.split())
        first, second = versions_listed(html)
        assert first.startswith("Version 1: Lønnede timer, 6 lønnede timer om ugen."), first
        until = da_date(NEXT_MONDAY - timedelta(days=1))
        assert f"Fra {da_date(MONDAY)} til {until}." in first, first
        assert "Gælder nu" in first
        assert "Kommende" not in first
        assert second.startswith("Version 2: Lønnede timer, 10 lønnede timer om ugen."), second
        assert f"Fra {da_date(NEXT_MONDAY)}." in second, second
        assert "Kommende" in second
        assert "Gælder nu" not in second
        # The new version's paid hours begin on its own day, not when paid hours first did.
        assert f"Fra {da_date(NEXT_MONDAY)}, 10 timer om ugen" in second


def test_a_placement_with_one_version_has_no_list(company, placement):
    assert 'class="terms-history"' not in text_of(
        company.get(f"/company/placements/{placement.id}")
    )

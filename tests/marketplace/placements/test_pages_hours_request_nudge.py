"""The timeline of a placement with paid hours and its hours requests: after four confirmed
weeks at the planned hours the consultant's timeline suggests asking for more (not the
company's, not while a request waits, not after a week below the plan); and the timeline costs
the same queries however many requests came before.

Requests made straight through the domain (tests.factories.ask) are for 10 hours a week from
next Monday unless told. Messages are compared in Danish.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext

from marketplace.agreements.terms import versions_of
from marketplace.extensions import db
from marketplace.hours import ledger as hours
from marketplace.models import (
    Job,
    Placement,
    User,
)
from marketplace.placements import ladder as placements
from tests.factories import (
    NEXT_MONDAY,
    THIS_WEEK,
    ask,
    confirm,
    paid_placement,
    paid_since,
)
from tests.html_forms import da, text_of
from tests.pages import (
    da_text,
    hours_request_url,
    timeline_url,
)

NUDGE = (
    "%(name)s has worked at least the planned paid hours in each of the last four weeks."
    " Ask the company for more hours?"
)


def nudge_text() -> str:
    """The nudge's words after the person's name, as a Danish consultant reads them."""
    with force_locale("da"):
        return da(babel_gettext(NUDGE, name="\x00").split("\x00")[1])


# -- The nudge ----------------------------------------------------------------------------


@pytest.fixture
def six_weeks_paid(job: Job, consultant: User, employer: User) -> Placement:
    """Paid hours 3 + 3 since six weeks ago (factories.paid_since); no week confirmed yet."""
    found = paid_since(job, consultant, employer, THIS_WEEK - timedelta(weeks=6), "Eva Fisk")
    db.session.flush()
    return found


def test_the_consultant_is_nudged_after_four_weeks_at_the_planned_hours(
    app, company, jobcentre, six_weeks_paid, employer
):
    placement = six_weeks_paid
    for n in (4, 3, 2):
        confirm(placement, employer, THIS_WEEK - timedelta(weeks=n))
    db.session.flush()
    assert nudge_text() not in text_of(jobcentre.get(timeline_url(placement, "jobcentre")))

    confirm(placement, employer, THIS_WEEK - timedelta(weeks=1))
    db.session.flush()
    page = text_of(jobcentre.get(timeline_url(placement, "jobcentre")))
    assert nudge_text() in page
    with force_locale("da"):
        assert da(babel_gettext(NUDGE, name="Eva Fisk")) in page
    assert (
        f'class="button button--primary" href="{hours_request_url(placement, "jobcentre")}"' in page
    )
    assert nudge_text() not in text_of(company.get(timeline_url(placement, "company")))

    # While a request waits, the timeline shows the request instead.
    ask(placement, employer, NEXT_MONDAY)
    assert nudge_text() not in text_of(jobcentre.get(timeline_url(placement, "jobcentre")))


def test_no_nudge_when_a_week_was_below_the_plan(app, jobcentre, six_weeks_paid, employer):
    placement = six_weeks_paid
    for n in (4, 3, 2, 1):
        monday = THIS_WEEK - timedelta(weeks=n)
        entries = hours.planned(placement, versions_of(placement.id), monday)
        if n == 3:
            entries = {key: value - Decimal("0.5") for key, value in entries.items()}
        confirm(placement, employer, monday, entries=entries)
    db.session.flush()
    assert nudge_text() not in text_of(jobcentre.get(timeline_url(placement, "jobcentre")))


# -- Queries ------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["company", "jobcentre"])
def test_the_timeline_costs_the_same_queries_at_1_and_5_earlier_requests(
    app, request, job, consultant, employer, make_user, count_queries, side
):
    """Each earlier request is asked and answered by people of their own, and some became
    terms versions: a lazy load per request cannot hide behind the identity map."""
    browser = request.getfixturevalue("company" if side == "company" else "jobcentre")
    outcomes = ["declined", "withdrawn", "accepted"]

    def with_requests(name: str, earlier: int) -> Placement:
        found = paid_placement(job, consultant, employer, name)
        for n in range(earlier):
            colleague = make_user(employer.organisation, name=f"Kollega {name} {n}")
            other = make_user(consultant.organisation, name=f"Rådgiver {name} {n}")
            asker, answerer = (colleague, other) if n % 2 else (other, colleague)
            step = ask(found, asker, NEXT_MONDAY + timedelta(weeks=n), str(7 + n))
            outcome = outcomes[n % len(outcomes)]
            if outcome == "declined":
                placements.refuse_step(step, answerer, f"Nej {n}", found.version)
            elif outcome == "withdrawn":
                placements.withdraw_step(step, asker, found.version)
            else:
                placements.accept_step(step, answerer, found.version, note=f"Ja {n}")
        ask(found, make_user(employer.organisation), NEXT_MONDAY + timedelta(weeks=9), "20")
        db.session.flush()
        return found

    few, many = with_requests("Få", 1), with_requests("Mange", 5)
    assert len(versions_of(many.id)) > len(versions_of(few.id))
    browser.get(timeline_url(few, side))  # warm up: first-request work is not what we measure
    counted = {}
    for label, found in (("few", few), ("many", many)):
        with count_queries() as queries:
            page = browser.get(timeline_url(found, side))
        assert page.status_code == 200
        assert da_text("Accept the new hours") in text_of(page) or side == "company"
        counted[label] = queries
    assert counted["many"].count == counted["few"].count, "\n".join(counted["many"].statements)

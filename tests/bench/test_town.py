"""The national-scale town generator (bench/town.py), built at a tiny scale on a database of
its own: proportional counts, every phase, hours with corrections, and the key pages of a
generated employer and consultant."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from flask import Flask
from sqlalchemy import func, select

from bench.town import PASSWORD, Town, build, skewed
from marketplace.extensions import db
from marketplace.models import HourRecord, Phase, Placement, PlacementStep, PlacementTerms
from tests.support import submit

SCALE = 0.001


def test_skewed_split_keeps_the_total_and_the_biggest_part() -> None:
    parts = skewed(98, 100_000, 10_000)
    assert sum(parts) == 100_000
    assert 9_500 <= parts[0] <= 10_500
    assert min(parts) >= 1
    assert parts == sorted(parts, reverse=True)
    # With a floor of one each that takes most of the total: the biggest company's 112.
    companies = skewed(20_000, 100_000, 112)
    assert sum(companies) == 100_000
    assert 108 <= companies[0] <= 116


def test_town_at_a_tiny_scale(scratch_app: Callable[[str], AbstractContextManager[Flask]]) -> None:
    with scratch_app("town") as app:
        with app.app_context():
            town: Town = build(SCALE, seed=3)
            counts = town.counts
            # Proportional to the full-scale counts (100,000 candidates, 20,000 companies,
            # 50,000 jobs, 100,000 placements, ~1.5 million weeks, ~5 million records).
            assert counts["candidates"] == 100
            assert counts["companies"] == 20
            assert counts["jobs"] == 50
            assert counts["placements"] == 100
            assert 1_000 <= counts["week_confirmations"] <= 2_500
            assert 3_000 <= counts["hour_records"] <= 8_000
            assert counts["notifications"] == 200
            for table in ("placement_terms", "placement_steps", "consents", "proposals"):
                assert counts[table] > 0, table

            phases = set(db.session.scalars(select(Placement.phase).distinct()))
            assert phases == {phase.value for phase in Phase}

            # The records were loaded around the ledger; paid_months was filled from them.
            from datetime import date

            from marketplace.hours.paid_months import month_hours
            from marketplace.models import Candidate, PaidMonth

            everyone = db.session.scalars(select(Candidate.id)).all()
            kept = {
                (c, m): (h, f)
                for c, m, h, f in db.session.execute(
                    select(
                        PaidMonth.candidate_id,
                        PaidMonth.month,
                        PaidMonth.hours,
                        PaidMonth.first_day,
                    )
                )
            }
            assert kept
            assert kept == month_hours(everyone, date(2000, 1, 1), date(2100, 1, 1))
            # And the jobcentres' figures were counted, as the sweep would have.
            from marketplace.models import FigureRefresh, Jobcentre

            refreshed = db.session.scalar(select(func.count()).select_from(FigureRefresh))
            assert refreshed == db.session.scalar(select(func.count()).select_from(Jobcentre))
            busiest = db.session.scalar(
                select(func.count())
                .select_from(Placement)
                .group_by(Placement.company_id)
                .order_by(func.count().desc())
                .limit(1)
            )
            assert busiest is not None
            assert busiest >= 3
            corrections = db.session.scalar(
                select(func.count()).select_from(HourRecord).where(HourRecord.revision > 1)
            )
            assert corrections is not None
            assert corrections > 0
            versions = db.session.scalar(
                select(func.count()).select_from(PlacementTerms).where(PlacementTerms.number > 1)
            )
            assert versions is not None
            assert versions > 0
            waiting = db.session.scalar(
                select(func.count())
                .select_from(PlacementStep)
                .where(PlacementStep.status == "waiting")
            )
            assert waiting is not None
            assert waiting > 0
            db.session.remove()

        pages = {
            town.employer_email: [
                "/company/",
                "/company/jobs",
                "/company/placements",
                "/company/proposals",
                "/company/hours",
                "/notifications/",
            ],
            town.consultant_email: ["/placements", "/caseload", "/jobs", "/notifications/"],
        }
        for email, paths in pages.items():
            client = app.test_client()
            response = submit(client, "/login", {"email": email, "password": PASSWORD})
            assert response.status_code == 302, (email, response.status_code)
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, (email, path, response.status_code)

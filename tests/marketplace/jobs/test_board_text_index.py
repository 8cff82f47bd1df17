"""Text search on PostgreSQL is answered from trigram indexes on the folded text."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.jobs import board
from marketplace.jobs.board import BoardFilters
from marketplace.models import Job
from tests.support import missing_service

TRIGRAM_INDEXES = {
    "ix_jobs_title_trgm",
    "ix_jobs_description_trgm",
    "ix_organisations_name_trgm",
    "ix_candidate_identities_full_name_trgm",
    "ix_candidate_identities_case_reference_trgm",
    "ix_candidates_job_goal_trgm",
}


@pytest.fixture
def on_postgresql(app) -> None:
    if not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres"):
        missing_service("TEST_DATABASE_URL is not a PostgreSQL server: the indexes are its own")


def _plan(statement) -> str:
    compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    # Proves the index is usable: on a test database of a few rows the planner would rightly
    # read the table instead (docs/PERFORMANCE.md has the plan at 20,000 jobs without this).
    db.session.execute(db.text("SET LOCAL enable_seqscan = off"))
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN {compiled}").all()
    return "\n".join(row[0] for row in rows)


def test_the_trigram_indexes_exist_on_the_folded_text(on_postgresql):
    rows = db.session.execute(
        db.text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%_trgm'")
    ).all()
    assert {name for name, _ in rows} == TRIGRAM_INDEXES
    for _name, definition in rows:
        assert "USING gin (fold_text(" in definition
        assert "gin_trgm_ops" in definition
    folded = db.session.scalar(db.text("SELECT fold_text('ØSTERGAARD Ærø Café Åen')"))
    assert folded == "østergaard ærø café åen"


def test_the_boards_text_search_uses_the_title_and_description_indexes(
    on_postgresql, employer, make_job
):
    make_job(employer.organisation, employer, title="Opfyldning af varer")
    statement = select(Job).where(*board.conditions(BoardFilters(text="Opfyldning")))
    plan = _plan(statement)
    assert "ix_jobs_title_trgm" in plan
    assert "ix_jobs_description_trgm" in plan

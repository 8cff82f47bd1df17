"""Text search uses an index on PostgreSQL: pg_trgm GIN indexes on the folded text.

The search folds case (Danish letters included) and matches a substring anywhere
(LIKE '%word%'); only trigram indexes serve such a pattern. An expression index needs an
IMMUTABLE expression, so the folding is one SQL function, fold_text(), which the app's
queries call on PostgreSQL (marketplace/textsearch.py) exactly as the indexes are written.
PostgreSQL's lower() folds Æ, Ø, Å and the rest only under a UTF-8 ctype; translate() makes
the result the same under any locale, as SQLite's path does with replace().

SQLite: nothing (no trigram indexes; its search keeps lower() with the replace() chain).

Revision ID: 0014_text_search_indexes
Revises: 0013_zero_hour_days
Create Date: 2026-12-04 01:30:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0014_text_search_indexes"
down_revision = "0013_zero_hour_days"
branch_labels = None
depends_on = None


# PL/pgSQL, not SQL: a SQL function would be inlined and planned at the cost of translate()
# (1), so a word found in a sixth of the jobs was matched by folding every title and
# description (528 ms at 50,000 jobs); costed at 100 the planner reads the trigram index
# and folds only the rows it finds (122 ms). See docs/PERFORMANCE.md.
FOLD = """
CREATE OR REPLACE FUNCTION fold_text(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 100
AS $$ BEGIN RETURN translate(lower(value), 'ÆØÅÄÖÜÉ', 'æøåäöüé'); END $$
"""

# (index, table, column)
INDEXES = (
    ("ix_jobs_title_trgm", "jobs", "title"),
    ("ix_jobs_description_trgm", "jobs", "description"),
    ("ix_organisations_name_trgm", "organisations", "name"),
    ("ix_candidate_identities_full_name_trgm", "candidate_identities", "full_name"),
    ("ix_candidate_identities_case_reference_trgm", "candidate_identities", "case_reference"),
    ("ix_candidates_job_goal_trgm", "candidates", "job_goal"),
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(FOLD)
    for name, table, column in INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (fold_text({column}) gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _table, _column in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("DROP FUNCTION IF EXISTS fold_text(text)")
    # The extension stays: other databases' objects on this server may use it.

"""A day confirmed as 0 is a record: a week's confirmation may write a first record of 0
hours (the day was planned and not worked), so a later correction of that day shows what it
was, like any other corrected day. A first record of 0 without a confirmation (a day added
to a confirmed week with a reason) is still refused: it would say nothing.

SQLite cannot change a CHECK in place: the table is rebuilt under a new name with the new
CHECK, its rows copied, the old table dropped (its triggers and indexes go with it), the new
one renamed (SQLite rewrites its self-reference) and the triggers and indexes created again
from their own text, so the append-only and 24-hour rules stay exactly as they were.

Revision ID: 0013_zero_hour_days
Revises: 0012_retention
Create Date: 2026-12-04 01:00:00.000000

"""

import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013_zero_hour_days"
down_revision = "0012_retention"
branch_labels = None
depends_on = None


NAME = "ck_hour_records_hours_positive"
OLD = "hours > 0 OR revision > 1"
NEW = "hours > 0 OR revision > 1 OR confirmation_id IS NOT NULL"


def _sqlite_rebuild(old_check, new_check):
    bind = op.get_bind()
    table_sql = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'hour_records'")
    ).scalar_one()
    kept = [
        row[0]
        for row in bind.execute(
            sa.text(
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'hour_records'"
                " AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name"
            )
        )
    ]
    rebuilt = table_sql
    # A renamed table's text names it in quotes ("hour_records"); a created one may not.
    for before, after in (
        (r'CREATE TABLE "?hour_records"? \(', "CREATE TABLE hour_records_new ("),
        (r'REFERENCES "?hour_records"? \(', "REFERENCES hour_records_new ("),
        (
            re.escape(f"CONSTRAINT {NAME} CHECK ({old_check})"),
            f"CONSTRAINT {NAME} CHECK ({new_check})",
        ),
    ):
        rebuilt, found = re.subn(before, lambda _match: after, rebuilt)
        if found != 1:
            raise RuntimeError(f"hour_records is not as expected: {before!r} found {found}x")
    op.execute(rebuilt)
    op.execute("INSERT INTO hour_records_new SELECT * FROM hour_records ORDER BY revision, id")
    op.execute("DROP TABLE hour_records")  # triggers do not fire on a DROP; they go with it
    op.execute("ALTER TABLE hour_records_new RENAME TO hour_records")
    for statement in kept:
        op.execute(statement)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE hour_records DROP CONSTRAINT {NAME}")
        op.execute(f"ALTER TABLE hour_records ADD CONSTRAINT {NAME} CHECK ({NEW})")
    else:
        _sqlite_rebuild(OLD, NEW)


def downgrade():
    zeros = (
        op.get_bind()
        .execute(sa.text("SELECT count(*) FROM hour_records WHERE hours = 0 AND revision = 1"))
        .scalar_one()
    )
    if zeros:  # the records are append-only: they are never deleted to fit an older schema
        raise RuntimeError(f"{zeros} confirmed days of 0 hours cannot go back to no record")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE hour_records DROP CONSTRAINT {NAME}")
        op.execute(f"ALTER TABLE hour_records ADD CONSTRAINT {NAME} CHECK ({OLD})")
    else:
        _sqlite_rebuild(NEW, OLD)

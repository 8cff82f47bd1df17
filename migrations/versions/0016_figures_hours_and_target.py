"""The jobcentre's figures (issue 17): paid_months gains the month's paid hours (the median
hours a week, and who works more than three months before), filled here from the records;
each jobcentre gets the target its admin steers by (20 %, the programme's, until changed).

Both columns are added with their CHECK in the column's own definition, which PostgreSQL and
SQLite both accept in ALTER TABLE … ADD COLUMN (SQLite cannot add a table constraint later).

Revision ID: 0016_figures_hours_and_target
Revises: 0015_paid_months
Create Date: 2026-12-04 15:00:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0016_figures_hours_and_target"
down_revision = "0015_paid_months"
branch_labels = None
depends_on = None

# The sum of each (person, month)'s days' latest paid revisions, as hours.paid_months keeps it.
MONTH_HOURS = """
SELECT r.candidate_id AS candidate_id, {month} AS month, sum(r.hours) AS hours
FROM hour_records r
WHERE r.kind = 'paid' AND r.hours > 0
  AND NOT EXISTS (
    SELECT 1 FROM hour_records l
    WHERE l.placement_id = r.placement_id AND l.work_date = r.work_date
      AND l.kind = r.kind AND l.revision > r.revision
  )
GROUP BY r.candidate_id, {month}
"""


def upgrade():
    op.execute(
        "ALTER TABLE paid_months ADD COLUMN hours NUMERIC(7, 2) DEFAULT 0 NOT NULL"
        " CONSTRAINT ck_paid_months_hours CHECK (hours >= 0)"
    )
    op.execute(
        "ALTER TABLE jobcentres ADD COLUMN paid_share_target SMALLINT DEFAULT 20 NOT NULL"
        " CONSTRAINT ck_jobcentres_paid_share_target CHECK (paid_share_target BETWEEN 1 AND 100)"
    )
    if op.get_bind().dialect.name == "postgresql":
        month = "CAST(date_trunc('month', r.work_date) AS date)"
        op.execute(
            "UPDATE paid_months p SET hours = m.hours FROM ("
            + MONTH_HOURS.format(month=month)
            + ") m WHERE m.candidate_id = p.candidate_id AND m.month = p.month"
        )
    else:
        month = "date(r.work_date, 'start of month')"
        op.execute(
            "UPDATE paid_months SET hours = (SELECT m.hours FROM ("
            + MONTH_HOURS.format(month=month)
            + ") m WHERE m.candidate_id = paid_months.candidate_id AND m.month = paid_months.month)"
        )


def downgrade():
    with op.batch_alter_table("jobcentres") as batch:
        batch.drop_constraint(op.f("ck_jobcentres_paid_share_target"), type_="check")
        batch.drop_column("paid_share_target")
    with op.batch_alter_table("paid_months") as batch:
        batch.drop_constraint(op.f("ck_paid_months_hours"), type_="check")
        batch.drop_column("hours")

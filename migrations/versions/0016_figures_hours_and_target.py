"""The jobcentre's figures (issue 17): paid_months gains the month's paid hours (the median
hours a week, and who works more than three months before) and its first paid day (retention
90 and 180 days after the first paid day); each jobcentre gets the target its admin steers by
(20 %, the programme's, until changed).

paid_months holds only what the hour records say, so it is made again with its new columns
and filled from the records (7-8 s at national scale) rather than altered: SQLite could not
add NOT NULL columns without defaults. The target is added with its CHECK in the column's own
definition, which PostgreSQL and SQLite both accept in ALTER TABLE … ADD COLUMN.

Revision ID: 0016_figures_hours_and_target
Revises: 0015_paid_months
Create Date: 2026-12-04 15:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016_figures_hours_and_target"
down_revision = "0015_paid_months"
branch_labels = None
depends_on = None

# Each (person, month) with a day whose latest paid revision is above 0, as hours.paid_months
# keeps it: the sum of those days' hours and the first of them.
FILL = """
INSERT INTO paid_months (candidate_id, month, hours, first_day)
SELECT r.candidate_id, {month}, sum(r.hours), min(r.work_date)
FROM hour_records r
WHERE r.kind = 'paid' AND r.hours > 0
  AND NOT EXISTS (
    SELECT 1 FROM hour_records l
    WHERE l.placement_id = r.placement_id AND l.work_date = r.work_date
      AND l.kind = r.kind AND l.revision > r.revision
  )
GROUP BY r.candidate_id, {month}
"""


def _month():
    if op.get_bind().dialect.name == "postgresql":
        return "CAST(date_trunc('month', r.work_date) AS date)"
    return "date(r.work_date, 'start of month')"


def _paid_months(*columns, checks=()):
    op.create_table(
        "paid_months",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *columns,
        *checks,
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_paid_months_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidate_id", "month", name=op.f("pk_paid_months")),
    )
    op.create_index("ix_paid_months_month", "paid_months", ["month", "candidate_id"])


def _drop_paid_months():
    op.drop_index("ix_paid_months_month", table_name="paid_months")
    op.drop_table("paid_months")


def upgrade():
    _drop_paid_months()
    _paid_months(
        sa.Column("hours", sa.Numeric(7, 2), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        checks=(
            sa.CheckConstraint("hours > 0", name=op.f("ck_paid_months_hours")),
            sa.CheckConstraint("first_day >= month", name=op.f("ck_paid_months_first_day")),
        ),
    )
    op.execute(FILL.format(month=_month()))
    op.execute(
        "ALTER TABLE jobcentres ADD COLUMN paid_share_target SMALLINT DEFAULT 20 NOT NULL"
        " CONSTRAINT ck_jobcentres_paid_share_target CHECK (paid_share_target BETWEEN 1 AND 100)"
    )


def downgrade():
    with op.batch_alter_table("jobcentres") as batch:
        batch.drop_constraint(op.f("ck_jobcentres_paid_share_target"), type_="check")
        batch.drop_column("paid_share_target")
    _drop_paid_months()
    _paid_months()
    # 0015's table: who was touched in which month, nothing more.
    touched = FILL.replace(", hours, first_day)", ")").replace(
        ", sum(r.hours), min(r.work_date)", ""
    )
    op.execute(touched.format(month=_month()))

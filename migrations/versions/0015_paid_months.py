"""paid_months: who was touched by paid hours in which month, for the jobcentre's figures
(issue 17), filled here from the hour records already written and kept from now on beside
every write of them (marketplace.hours.paid_months).

Revision ID: 0015_paid_months
Revises: 0014_text_search_indexes
Create Date: 2026-12-04 13:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015_paid_months"
down_revision = "0014_text_search_indexes"
branch_labels = None
depends_on = None

# A day touches its person when its latest paid revision is above 0.
FILL = """
INSERT INTO paid_months (candidate_id, month)
SELECT DISTINCT r.candidate_id, {month}
FROM hour_records r
WHERE r.kind = 'paid' AND r.hours > 0
  AND NOT EXISTS (
    SELECT 1 FROM hour_records l
    WHERE l.placement_id = r.placement_id AND l.work_date = r.work_date
      AND l.kind = r.kind AND l.revision > r.revision
  )
"""


def upgrade():
    op.create_table(
        "paid_months",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_paid_months_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidate_id", "month", name=op.f("pk_paid_months")),
    )
    op.create_index("ix_paid_months_month", "paid_months", ["month", "candidate_id"])
    if op.get_bind().dialect.name == "postgresql":
        month = "CAST(date_trunc('month', r.work_date) AS date)"
    else:
        month = "date(r.work_date, 'start of month')"
    op.execute(FILL.format(month=month))


def downgrade():
    op.drop_index("ix_paid_months_month", table_name="paid_months")
    op.drop_table("paid_months")

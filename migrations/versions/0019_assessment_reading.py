"""assessments: reminders at 3 and 10 days counted on the row, the person's reading (read,
agrees or not with a comment) recorded by the consultant, and the indexes the sweep and the
figures read by (the open assessments, a jobcentre's answered ones, the periods by last day).

Revision ID: 0019_assessment_reading
Revises: 0018_assessments
Create Date: 2026-12-04 17:15:07.595887

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_assessment_reading"
down_revision = "0018_assessments"
branch_labels = None
depends_on = None

OPEN = sa.text("submitted_at IS NULL")


def upgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminders_sent", sa.SmallInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("person_read_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("person_agrees", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("person_comment", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("person_recorded_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_assessments_person_recorded_by_id_users"),
            "users",
            ["person_recorded_by_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_assessments_reminders_sent"), "reminders_sent BETWEEN 0 AND 2"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_assessments_read_whole"),
            "(person_read_at IS NULL) = (person_agrees IS NULL)",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_assessments_read_answer"),
            "person_read_at IS NULL OR submitted_at IS NOT NULL",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_assessments_disagree_why"),
            "person_agrees IS NOT FALSE OR person_comment <> ''",
        )
        batch_op.create_index(
            "ix_assessments_jobcentre_submitted", ["jobcentre_id", "submitted_at"], unique=False
        )
        batch_op.create_index(
            "ix_assessments_open",
            ["requested_at"],
            unique=False,
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        )

    with op.batch_alter_table("placement_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_terms_unpaid_to"), ["unpaid_to"])


def downgrade():
    with op.batch_alter_table("placement_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_terms_unpaid_to"))

    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_open")
        batch_op.drop_index("ix_assessments_jobcentre_submitted")
        for name in ("disagree_why", "read_answer", "read_whole", "reminders_sent"):
            batch_op.drop_constraint(batch_op.f(f"ck_assessments_{name}"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_assessments_person_recorded_by_id_users"), type_="foreignkey"
        )
        for column in (
            "person_recorded_by_id",
            "person_comment",
            "person_agrees",
            "person_read_at",
            "reminders_sent",
        ):
            batch_op.drop_column(column)

"""assessments: the company's assessment at the end of a trial visit or a praktik (issue 18),
the request and its answer in one row; the CHECKs hold an answer whole or absent and each
choice within its list.

Revision ID: 0018_assessments
Revises: 0017_figure_rollups
Create Date: 2026-12-04 16:06:02.030513

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018_assessments"
down_revision = "0017_figure_rollups"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("held", sa.String(length=12), nullable=True),
        sa.Column("last_day_present", sa.Date(), nullable=True),
        sa.Column("days_missed", sa.SmallInteger(), nullable=True),
        sa.Column("ended_by", sa.String(length=10), nullable=True),
        sa.Column("early_reason", sa.String(length=20), nullable=True),
        sa.Column("early_note", sa.String(length=500), nullable=False),
        sa.Column("tasks", sa.JSON(), nullable=False),
        sa.Column("punctuality", sa.String(length=10), nullable=True),
        sa.Column("cooperation", sa.String(length=10), nullable=True),
        sa.Column("pace", sa.String(length=10), nullable=True),
        sa.Column("recommendation", sa.String(length=10), nullable=True),
        sa.Column("recommended_weeks", sa.SmallInteger(), nullable=True),
        sa.Column("recommended_hours", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("recommendation_reason", sa.Text(), nullable=False),
        sa.Column("to_jobcentre", sa.Text(), nullable=False),
        sa.Column("to_person", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "(held = 'partly') = (last_day_present IS NOT NULL AND days_missed IS NOT NULL)",
            name=op.f("ck_assessments_partly"),
        ),
        sa.CheckConstraint(
            "(held IS NULL OR held = 'as_planned') = (ended_by IS NULL AND early_reason IS NULL)",
            name=op.f("ck_assessments_ended_early"),
        ),
        sa.CheckConstraint(
            "(recommendation = 'praktik') = (recommended_weeks IS NOT NULL)",
            name=op.f("ck_assessments_recommended_weeks"),
        ),
        sa.CheckConstraint(
            "(recommendation IN ('praktik', 'paid')) = (recommended_hours IS NOT NULL)",
            name=op.f("ck_assessments_recommended_hours"),
        ),
        sa.CheckConstraint(
            "cooperation IS NULL OR cooperation IN ('good', 'partly', 'not_yet', 'not_seen')",
            name=op.f("ck_assessments_cooperation"),
        ),
        sa.CheckConstraint(
            "early_reason IS NULL OR early_reason IN ('did_not_come', 'tasks_did_not_fit', 'hours_did_not_fit', 'person_chose', 'no_capacity', 'other')",
            name=op.f("ck_assessments_early_reason"),
        ),
        sa.CheckConstraint(
            "ended_by IS NULL OR ended_by IN ('company', 'person', 'jobcentre')",
            name=op.f("ck_assessments_ended_by"),
        ),
        sa.CheckConstraint(
            "held IS NULL OR held IN ('as_planned', 'partly', 'never')",
            name=op.f("ck_assessments_held"),
        ),
        sa.CheckConstraint("kind IN ('trial', 'praktik')", name=op.f("ck_assessments_kind")),
        sa.CheckConstraint(
            "pace IS NULL OR pace IN ('good', 'partly', 'not_yet', 'not_seen')",
            name=op.f("ck_assessments_pace"),
        ),
        sa.CheckConstraint(
            "punctuality IS NULL OR punctuality IN ('good', 'partly', 'not_yet', 'not_seen')",
            name=op.f("ck_assessments_punctuality"),
        ),
        sa.CheckConstraint(
            "recommendation IS NULL OR recommendation IN ('praktik', 'paid', 'not_now')",
            name=op.f("ck_assessments_recommendation"),
        ),
        sa.CheckConstraint(
            "(submitted_at IS NULL) = (held IS NULL)", name=op.f("ck_assessments_answered_whole")
        ),
        sa.CheckConstraint(
            "days_missed IS NULL OR days_missed >= 1", name=op.f("ck_assessments_days_missed")
        ),
        sa.CheckConstraint("period_from <= period_to", name=op.f("ck_assessments_period")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_assessments_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["jobcentre_id"], ["jobcentres.id"], name=op.f("fk_assessments_jobcentre_id_jobcentres")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"], ["placements.id"], name=op.f("fk_assessments_placement_id_placements")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_assessments_submitted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint(
            "placement_id",
            "kind",
            "period_from",
            name=op.f("uq_assessments_placement_id_kind_period_from"),
        ),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessments_company_id"), ["company_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assessments_jobcentre_id"), ["jobcentre_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessments_placement_id"), ["placement_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessments_placement_id"))
        batch_op.drop_index(batch_op.f("ix_assessments_jobcentre_id"))
        batch_op.drop_index(batch_op.f("ix_assessments_company_id"))

    op.drop_table("assessments")

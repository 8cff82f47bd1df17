"""The jobcentre's figures kept ready (issue 17): figure_months (each month's share, hours a
week, retention and the twelve months' funnel per jobcentre and consultant),
figure_companies (the companies' lines), figure_refreshes (what they cover, when
computed) and figure_changes (the outbox of jobcentres whose figures changed). Empty here:
the sweep fills them, a few jobcentres a minute (marketplace.figures.rollup), and the
leader's page computes on request until its jobcentre's are ready.

Revision ID: 0017_figure_rollups
Revises: 0016_figures_hours_and_target
Create Date: 2026-12-04 16:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017_figure_rollups"
down_revision = "0016_figures_hours_and_target"
branch_labels = None
depends_on = None


def _jobcentre(table):
    return sa.ForeignKeyConstraint(
        ["jobcentre_id"],
        ["jobcentres.id"],
        name=op.f(f"fk_{table}_jobcentre_id_jobcentres"),
        ondelete="CASCADE",
    )


def upgrade():
    counts = [
        sa.Column(name, sa.Integer(), nullable=False)
        for name in (
            "group_size",
            "touched",
            "compared",
            "more",
            "retention_90",
            "retained_90",
            "retention_180",
            "retained_180",
        )
    ]
    op.create_table(
        "figure_months",
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *counts[:2],
        sa.Column("median_hours", sa.Numeric(5, 1), nullable=True),
        *counts[2:],
        sa.Column("ladder", sa.JSON(), nullable=True),
        sa.Column("proposals", sa.Integer(), nullable=True),
        sa.CheckConstraint("touched <= group_size", name=op.f("ck_figure_months_touched")),
        sa.CheckConstraint(
            "more <= compared AND compared <= touched", name=op.f("ck_figure_months_compared")
        ),
        sa.CheckConstraint(
            "retained_90 <= retention_90 AND retained_180 <= retention_180",
            name=op.f("ck_figure_months_retained"),
        ),
        _jobcentre("figure_months"),
        sa.PrimaryKeyConstraint("jobcentre_id", "scope", "month", name=op.f("pk_figure_months")),
    )
    op.create_table(
        "figure_companies",
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("proposals", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("paid", sa.Integer(), nullable=False),
        sa.Column("paid_hours", sa.Numeric(10, 2), nullable=False),
        sa.CheckConstraint(
            "paid <= accepted AND accepted <= proposals", name=op.f("ck_figure_companies_steps")
        ),
        _jobcentre("figure_companies"),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_figure_companies_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "jobcentre_id", "month", "company_id", name=op.f("pk_figure_companies")
        ),
    )
    op.create_table(
        "figure_refreshes",
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("first_month", sa.Date(), nullable=False),
        sa.Column("last_month", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("first_month <= last_month", name=op.f("ck_figure_refreshes_months")),
        _jobcentre("figure_refreshes"),
        sa.PrimaryKeyConstraint("jobcentre_id", name=op.f("pk_figure_refreshes")),
    )
    op.create_table(
        "figure_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("noted_at", sa.DateTime(timezone=True), nullable=False),
        _jobcentre("figure_changes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_changes")),
    )
    op.create_index(
        op.f("ix_figure_changes_jobcentre_id"), "figure_changes", ["jobcentre_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_figure_changes_jobcentre_id"), table_name="figure_changes")
    op.drop_table("figure_changes")
    op.drop_table("figure_refreshes")
    op.drop_table("figure_companies")
    op.drop_table("figure_months")

"""Retention rules as rows, and the erasure log that holds no personal data.

Revision ID: 0012_retention
Revises: 0011_access_log
Create Date: 2026-12-03 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_retention'
down_revision = '0011_access_log'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

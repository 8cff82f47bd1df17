"""The citizen's access log: every view of identity, caseload search and export that holds a candidate.

Revision ID: 0011_access_log
Revises: 0010_week_flags_once
Create Date: 2026-12-03 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_access_log'
down_revision = '0010_week_flags_once'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

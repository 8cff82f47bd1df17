"""One open question per placement and week (a double submit of a week flag makes one flag).

Revision ID: 0010_week_flags_once
Revises: 0009_hour_requests
Create Date: 2026-12-03 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_week_flags_once'
down_revision = '0009_hour_requests'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

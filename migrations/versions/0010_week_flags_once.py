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


OPEN = "answered_at IS NULL"


def _merge_open_duplicates():
    """Weeks flagged twice before this rule: the oldest open flag keeps every distinct
    question (a double submit's copy adds nothing), and the later open flags go. No other
    table points at a flag; the notifications already sent stay."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, placement_id, week_start, comment FROM week_flags "
            "WHERE answered_at IS NULL ORDER BY placement_id, week_start, flagged_at, id"
        )
    ).all()
    kept = {}
    for flag_id, placement_id, week_start, comment in rows:
        key = (placement_id, week_start)
        if key not in kept:
            kept[key] = (flag_id, [comment])
            continue
        first_id, comments = kept[key]
        if comment not in comments:
            comments.append(comment)
            bind.execute(
                sa.text("UPDATE week_flags SET comment = :comment WHERE id = :id"),
                {"comment": "\n\n".join(comments)[:1000], "id": first_id},
            )
        bind.execute(sa.text("DELETE FROM week_flags WHERE id = :id"), {"id": flag_id})


def upgrade():
    _merge_open_duplicates()
    with op.batch_alter_table("week_flags", schema=None) as batch_op:
        batch_op.create_index(
            "uq_week_flags_open",
            ["placement_id", "week_start"],
            unique=True,
            sqlite_where=sa.text(OPEN),
            postgresql_where=sa.text(OPEN),
        )


def downgrade():
    with op.batch_alter_table("week_flags", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_week_flags_open", sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN)
        )

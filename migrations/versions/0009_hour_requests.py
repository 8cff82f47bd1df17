"""Requests to change the paid hours: a step kind either side may propose, with its reason.

A terms version may not begin inside or before a week the employer has confirmed: the
confirmed hours were checked against the terms in force then. A trigger holds that for any
writer; on PostgreSQL both it and every new week confirmation lock the placement's row
first, so a confirmation and an agreement arriving at the same moment are serialised.

Revision ID: 0009_hour_requests
Revises: 0008_hour_reminders
Create Date: 2026-11-22 22:20:31.817514

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_hour_requests'
down_revision = '0008_hour_reminders'
branch_labels = None
depends_on = None

OLD_PROPOSER = (
    "(kind = 'praktik' AND proposed_by_side = 'jobcentre')"
    " OR (kind = 'paid' AND proposed_by_side = 'company')"
)
NEW_PROPOSER = OLD_PROPOSER + " OR (kind = 'hours' AND proposed_by_side IN ('company', 'jobcentre'))"
OLD_KIND = "kind IN ('praktik', 'paid')"
NEW_KIND = "kind IN ('praktik', 'paid', 'hours')"

_CONFIRMED_SINCE = (
    "SELECT 1 FROM week_confirmations c WHERE c.placement_id = NEW.placement_id"
    " AND c.week_start > {day_minus_7}"
)
_MESSAGE = "a terms version cannot begin inside or before a confirmed week"

SQLITE_TRIGGERS = [
    "CREATE TRIGGER placement_terms_after_confirmed BEFORE INSERT ON placement_terms"
    " WHEN EXISTS (" + _CONFIRMED_SINCE.format(day_minus_7="date(NEW.effective_from, '-7 days')")
    + f") BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
]

POSTGRESQL_TRIGGERS = [
    "CREATE FUNCTION placement_terms_after_confirmed() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN PERFORM 1 FROM placements WHERE id = NEW.placement_id FOR UPDATE;"
    " IF EXISTS (" + _CONFIRMED_SINCE.format(day_minus_7="NEW.effective_from - 7") + ") THEN"
    f" RAISE EXCEPTION '{_MESSAGE}' USING ERRCODE = 'check_violation'; END IF;"
    " RETURN NEW; END $$",
    "CREATE TRIGGER placement_terms_after_confirmed BEFORE INSERT ON placement_terms"
    " FOR EACH ROW EXECUTE FUNCTION placement_terms_after_confirmed()",
    "CREATE FUNCTION week_confirmations_lock_placement() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN PERFORM 1 FROM placements WHERE id = NEW.placement_id FOR UPDATE;"
    " RETURN NEW; END $$",
    "CREATE TRIGGER week_confirmations_lock_placement BEFORE INSERT ON week_confirmations"
    " FOR EACH ROW EXECUTE FUNCTION week_confirmations_lock_placement()",
]


def upgrade():
    with op.batch_alter_table('placement_steps', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('reason', sa.String(length=500), nullable=False, server_default='')
        )
        batch_op.drop_constraint(op.f('ck_placement_steps_proposer_side'), type_='check')
        batch_op.drop_constraint(op.f('ck_placement_steps_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_placement_steps_proposer_side'), NEW_PROPOSER)
        batch_op.create_check_constraint(op.f('ck_placement_steps_kind'), NEW_KIND)
        batch_op.create_check_constraint(op.f('ck_placement_steps_hours_reason'), "kind != 'hours' OR length(reason) > 0")
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM placement_steps WHERE kind = 'hours'")).scalar():
        raise RuntimeError("requests to change hours exist; the old schema cannot hold them")
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER week_confirmations_lock_placement ON week_confirmations")
        op.execute("DROP TRIGGER placement_terms_after_confirmed ON placement_terms")
        op.execute("DROP FUNCTION week_confirmations_lock_placement()")
        op.execute("DROP FUNCTION placement_terms_after_confirmed()")
    else:
        op.execute("DROP TRIGGER placement_terms_after_confirmed")
    with op.batch_alter_table('placement_steps', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_placement_steps_hours_reason'), type_='check')
        batch_op.drop_constraint(op.f('ck_placement_steps_kind'), type_='check')
        batch_op.drop_constraint(op.f('ck_placement_steps_proposer_side'), type_='check')
        batch_op.create_check_constraint(op.f('ck_placement_steps_proposer_side'), OLD_PROPOSER)
        batch_op.create_check_constraint(op.f('ck_placement_steps_kind'), OLD_KIND)
        batch_op.drop_column('reason')

"""Retention rules as rows, and the erasure log that holds no personal data.

Each candidate gets the moment it was closed (retention counts from it, or from the last
placement's end if later); existing closed candidates take their last update as the best
known moment. The rules are seeded with their sources (docs/PRIVACY.md).

Hour records stay append-only, with two narrow exceptions the eraser needs: once the person's
case is closed, an UPDATE may blank the day note and replace a correction's reason with the
erased mark, and must leave every other column as it was; the figures never change. And a
DELETE goes through only when the hour figures' retention is due for the person: the case is
closed, every placement has ended, and the eraser has marked the person for the kind
'hour_figures' (retention_progress, written in the same transaction before the delete, no
earlier than the case's closing) at a time at least the shortest hour-figures rule's months
after the closing and after every placement's end (less a week's slack for month ends and
time zones). Any other DELETE is refused, for every writer.

Revision ID: 0012_retention
Revises: 0011_access_log
Create Date: 2026-12-03 18:30:00.000000

"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_retention'
down_revision = '0011_access_log'
branch_labels = None
depends_on = None

ERASED = "\u2014"  # marketplace.models.retention.ERASED, frozen here

KINDS = ("identity", "profile", "proposals", "consents", "placements", "hour_texts",
         "hour_figures", "notifications", "access_log")
ERASABLE = ("identity", "hour_figures", "notifications", "access_log")

# The basis is shown to the jobcentre's admin as written (Danish, like the hour rules' names).
KLE = ("Kommunal praksis efter KLE (kassation K5): sagens oplysninger slettes 5 år efter, "
       "at sagen er afsluttet")
RULES = [
    ("identity", 60, "erase", KLE),
    ("profile", 60, "pseudonymise", KLE),
    ("proposals", 60, "pseudonymise", KLE),
    ("consents", 60, "pseudonymise", KLE),
    ("placements", 60, "pseudonymise", KLE + "; praktikaftalen er en del af sagen"),
    ("hour_texts", 60, "pseudonymise",
     "Arbejdsgiverens registrering af arbejdstid gemmes i 5 år (arbejdstidsreglerne fra "
     "1. juli 2024); timetallene bevares pseudonymiseret til beskæftigelseskravets 10 år"),
    ("hour_figures", 120, "erase",
     "Beskæftigelseskravet tæller ordinære timer inden for de seneste 10 år (fra 1. juli "
     "2025); ældre timetal kan ikke tælle med i nogen regel. Arbejdsgiverens egen registrering "
     "af arbejdstid (5 år) er arbejdsgiverens, ikke vores"),
    ("notifications", 60, "erase", KLE),
    ("access_log", 60, "erase",
     KLE + "; loggen gemmes lige så længe som sagen, den viser (EU-Domstolen C-579/21)"),
]

# Every column of hour_records except the two texts the eraser may blank.
_KEPT = ("id", "placement_id", "candidate_id", "company_id", "work_date", "kind", "revision",
         "corrects_revision", "hours", "confirmation_id", "recorded_by_id", "recorded_at")
_ERASING = (
    f"NEW.note = '' AND NEW.reason IN ('', '{ERASED}')"
    " AND EXISTS (SELECT 1 FROM candidates c WHERE c.id = OLD.candidate_id"
    " AND c.status = 'closed')"
)
_SQLITE_KEPT = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _KEPT)
_PG_KEPT = (
    "(" + ", ".join(f"NEW.{c}" for c in _KEPT) + ") IS NOT DISTINCT FROM ("
    + ", ".join(f"OLD.{c}" for c in _KEPT) + ")"
)

# A DELETE of a record: the hour figures' retention is due for its person. The marker must be
# for the current closing and claim a moment at least the shortest hour-figures rule's months
# after the closing and after every placement's end (a week's slack: the eraser counts whole
# local days back from month ends); no rule, no delete. The placeholders take each dialect's
# date arithmetic.
_MONTHS = "(SELECT min(r.months) FROM retention_rules r WHERE r.kind = 'hour_figures')"
_DUE = (
    "EXISTS (SELECT 1 FROM candidates c JOIN retention_progress p ON p.candidate_id = c.id"
    " WHERE c.id = OLD.candidate_id AND c.status = 'closed' AND p.kind = 'hour_figures'"
    " AND {done_at} >= {closed_at} AND {done_at} >= {closed_at_later}"
    " AND NOT EXISTS (SELECT 1 FROM placements pl WHERE pl.candidate_id = c.id"
    " AND (pl.ended_on IS NULL OR {ended_later} > {done_on})))"
)
_SQLITE_DUE = _DUE.format(
    done_at="datetime(p.done_at)",
    closed_at="datetime(c.closed_at)",
    closed_at_later=f"datetime(c.closed_at, '+' || {_MONTHS} || ' months', '-7 days')",
    ended_later=f"date(pl.ended_on, '+' || {_MONTHS} || ' months', '-7 days')",
    done_on="date(p.done_at)",
)
_PG_DUE = _DUE.format(
    done_at="p.done_at",
    closed_at="c.closed_at",
    closed_at_later=f"c.closed_at + make_interval(months => {_MONTHS}) - interval '7 days'",
    ended_later=f"(pl.ended_on + make_interval(months => {_MONTHS}) - interval '7 days')::date",
    done_on="p.done_at::date",
)

SQLITE_UP = [
    "DROP TRIGGER hour_records_no_update",
    "CREATE TRIGGER hour_records_no_update BEFORE UPDATE ON hour_records"
    f" WHEN NOT ({_SQLITE_KEPT} AND {_ERASING})"
    " BEGIN SELECT RAISE(ABORT, 'hour records are append-only'); END",
    "DROP TRIGGER hour_records_no_delete",
    "CREATE TRIGGER hour_records_no_delete BEFORE DELETE ON hour_records"
    f" WHEN NOT ({_SQLITE_DUE})"
    " BEGIN SELECT RAISE(ABORT, 'hour records are append-only'); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER hour_records_no_update",
    "CREATE TRIGGER hour_records_no_update BEFORE UPDATE ON hour_records"
    " BEGIN SELECT RAISE(ABORT, 'hour records are append-only'); END",
    "DROP TRIGGER hour_records_no_delete",
    "CREATE TRIGGER hour_records_no_delete BEFORE DELETE ON hour_records"
    " BEGIN SELECT RAISE(ABORT, 'hour records are append-only'); END",
]
PG_UP = [
    "CREATE OR REPLACE FUNCTION hour_records_append_only() RETURNS trigger LANGUAGE plpgsql"
    " AS $$ BEGIN"
    f" IF TG_OP = 'UPDATE' AND {_PG_KEPT} AND {_ERASING} THEN RETURN NEW; END IF;"
    f" IF TG_OP = 'DELETE' AND {_PG_DUE} THEN RETURN OLD; END IF;"
    " RAISE EXCEPTION 'hour records are append-only'"
    " USING ERRCODE = 'integrity_constraint_violation'; END $$",
]
PG_DOWN = [
    "CREATE OR REPLACE FUNCTION hour_records_append_only() RETURNS trigger LANGUAGE plpgsql"
    " AS $$ BEGIN RAISE EXCEPTION 'hour records are append-only'"
    " USING ERRCODE = 'integrity_constraint_violation'; END $$",
]


def _in(values):
    return ", ".join(f"'{v}'" for v in values)


def upgrade():
    op.create_table('retention_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('months', sa.SmallInteger(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('basis', sa.String(length=300), nullable=False),
    sa.CheckConstraint(f"kind IN ({_in(KINDS)})", name=op.f('ck_retention_rules_kind')),
    sa.CheckConstraint("action IN ('erase', 'pseudonymise')", name=op.f('ck_retention_rules_action')),
    sa.CheckConstraint(f"(kind IN ({_in(ERASABLE)})) = (action = 'erase')", name=op.f('ck_retention_rules_action_fits_kind')),
    sa.CheckConstraint('months >= 1 AND months <= 600', name=op.f('ck_retention_rules_months')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_retention_rules_validity')),
    sa.CheckConstraint('length(basis) > 0', name=op.f('ck_retention_rules_basis')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_rules')),
    sa.UniqueConstraint('kind', 'valid_from', name=op.f('uq_retention_rules_kind_valid_from'))
    )
    op.create_table('erasure_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('jobcentre_id', sa.Integer(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('run_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('people > 0', name=op.f('ck_erasure_records_people')),
    sa.ForeignKeyConstraint(['jobcentre_id'], ['jobcentres.id'], name=op.f('fk_erasure_records_jobcentre_id_jobcentres')),
    sa.ForeignKeyConstraint(['rule_id'], ['retention_rules.id'], name=op.f('fk_erasure_records_rule_id_retention_rules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_records')),
    sa.UniqueConstraint('run_at', 'rule_id', 'jobcentre_id', name=op.f('uq_erasure_records_run_at_rule_id_jobcentre_id'))
    )
    with op.batch_alter_table('erasure_records', schema=None) as batch_op:
        batch_op.create_index('ix_erasure_records_jobcentre_run', ['jobcentre_id', 'run_at'], unique=False)

    op.create_table('retention_progress',
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_retention_progress_candidate_id_candidates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('candidate_id', 'kind', name=op.f('pk_retention_progress'))
    )
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_candidates_closed', ['status', 'closed_at'], unique=False)
    op.execute("UPDATE candidates SET closed_at = updated_at WHERE status = 'closed'")

    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_UP:
            op.execute(statement)
    else:
        for statement in SQLITE_UP:
            op.execute(statement)

    rules = sa.table(
        "retention_rules",
        sa.column("kind", sa.String),
        sa.column("months", sa.SmallInteger),
        sa.column("action", sa.String),
        sa.column("valid_from", sa.Date),
        sa.column("valid_to", sa.Date),
        sa.column("basis", sa.String),
    )
    op.bulk_insert(
        rules,
        [
            {"kind": kind, "months": months, "action": action, "valid_from": date(2016, 1, 1),
             "valid_to": None, "basis": basis}
            for kind, months, action, basis in RULES
        ],
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_DOWN:
            op.execute(statement)
    else:
        for statement in SQLITE_DOWN:
            op.execute(statement)
    # Not in batch mode: SQLite (3.35+) drops a column in place; recreating candidates would
    # delete their identities through ON DELETE CASCADE.
    op.drop_index('ix_candidates_closed', table_name='candidates')
    op.drop_column('candidates', 'closed_at')

    op.drop_table('retention_progress')
    with op.batch_alter_table('erasure_records', schema=None) as batch_op:
        batch_op.drop_index('ix_erasure_records_jobcentre_run')

    op.drop_table('erasure_records')
    op.drop_table('retention_rules')

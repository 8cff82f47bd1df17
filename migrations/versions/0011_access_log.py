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


PURPOSES = (
    "'case_work', 'proposing', 'trial_visit', 'placement', 'hours', 'payroll', "
    "'hours_report', 'citizen_request'"
)
SEEN = (
    "'name_phone', 'profile', 'name', 'list', 'search', 'export_name', 'export_case', 'copy'"
)


def upgrade():
    op.create_table('access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('seen', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(f'purpose IN ({PURPOSES})', name=op.f('ck_access_log_purpose')),
    sa.CheckConstraint(f'seen IN ({SEEN})', name=op.f('ck_access_log_seen')),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_access_log_candidate_id_candidates')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_access_log_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['viewer_id'], ['users.id'], name=op.f('fk_access_log_viewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index('ix_access_log_candidate_at', ['candidate_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_viewer_id'), ['viewer_id'], unique=False)

    # The company showings audited so far move into the one log; their purpose follows from
    # the page they were shown on (the raw path itself is not kept).
    op.execute(
        """
        INSERT INTO access_log (candidate_id, viewer_id, organisation_id, purpose, seen, at)
        SELECT candidate_id, viewer_id, company_id,
            CASE
                WHEN page LIKE '/company/proposals/%' THEN 'trial_visit'
                WHEN page LIKE '/company/hours/export%' THEN 'payroll'
                ELSE 'placement'
            END,
            CASE
                WHEN page LIKE '/company/proposals/%' THEN 'name_phone'
                WHEN page LIKE '/company/hours/export%' THEN 'export_name'
                ELSE 'name'
            END,
            viewed_at
        FROM identity_views
        ORDER BY viewed_at, id
        """
    )
    with op.batch_alter_table('identity_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_views_candidate_id'))
    op.drop_table('identity_views')


def downgrade():
    op.create_table('identity_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.String(length=200), nullable=False),
    sa.Column('viewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_identity_views_candidate_id_candidates')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_identity_views_company_id_companies')),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], name=op.f('fk_identity_views_consent_id_consents')),
    sa.ForeignKeyConstraint(['viewer_id'], ['users.id'], name=op.f('fk_identity_views_viewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_views'))
    )
    with op.batch_alter_table('identity_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_views_candidate_id'), ['candidate_id'], unique=False)

    # Company showings go back under the newest consent of that company for the person
    # (the old table needs one); the purpose stands in for the page. The jobcentre's own
    # entries had no place there and are dropped with the log.
    op.execute(
        """
        INSERT INTO identity_views (candidate_id, company_id, viewer_id, consent_id, page, viewed_at)
        SELECT a.candidate_id, a.organisation_id, a.viewer_id, c.consent_id,
            'access_log:' || a.purpose, a.at
        FROM access_log a
        JOIN (
            SELECT candidate_id, company_id, max(id) AS consent_id
            FROM consents GROUP BY candidate_id, company_id
        ) c ON c.candidate_id = a.candidate_id AND c.company_id = a.organisation_id
        ORDER BY a.at, a.id
        """
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_viewer_id'))
        batch_op.drop_index('ix_access_log_candidate_at')
    op.drop_table('access_log')

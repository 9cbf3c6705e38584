"""Publishing: versioned book builds, certificates, the gallery's search text; campaigns.foreword_zh/_en

Revision ID: 0006_publishing
Revises: 0005_review
Create Date: 2026-11-23 01:54:49.150638

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_publishing'
down_revision = '0005_review'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_certificates_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_certificates_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_certificates_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('case_id', name=op.f('uq_certificates_case_id')),
    sa.UniqueConstraint('code', name=op.f('uq_certificates_code'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_organization_id'), ['organization_id'], unique=False)

    op.create_table('published_cases',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_published_cases_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_published_cases_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_published_cases'))
    )
    with op.batch_alter_table('published_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_cases_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('book_builds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('group_by', sa.String(length=16), nullable=False),
    sa.Column('with_statistics', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('storage_name', sa.String(length=80), nullable=True),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('bytes', sa.Integer(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_book_builds_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_book_builds_created_by_id_users')),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_book_builds_job_id_jobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_book_builds')),
    sa.UniqueConstraint('campaign_id', 'number', name=op.f('uq_book_builds_campaign_id'))
    )
    with op.batch_alter_table('book_builds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_book_builds_campaign_id'), ['campaign_id'], unique=False)

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('foreword_zh', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('foreword_en', sa.Text(), nullable=False, server_default=''))



def downgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('foreword_en')
        batch_op.drop_column('foreword_zh')

    with op.batch_alter_table('book_builds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_book_builds_campaign_id'))

    op.drop_table('book_builds')
    with op.batch_alter_table('published_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_cases_campaign_id'))

    op.drop_table('published_cases')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_organization_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_campaign_id'))

    op.drop_table('certificates')

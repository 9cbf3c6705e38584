"""Experts, conflicts of interest, bids, reviewer assignments; campaigns.bidding_enabled

Revision ID: 0004_experts_assignment
Revises: 0003c_jobs
Create Date: 2026-11-23 01:18:58.516188

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_experts_assignment'
down_revision = '0003c_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('expert_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('province', sa.String(length=32), nullable=True),
    sa.Column('affiliation', sa.String(length=200), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('max_load', sa.Integer(), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_profiles')),
    sa.UniqueConstraint('email', name=op.f('uq_expert_profiles_email'))
    )
    op.create_table('bids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('eager', 'willing', 'not_willing', name='bid', native_enum=False, length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_bids_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_bids_expert_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bids')),
    sa.UniqueConstraint('case_id', 'expert_id', name=op.f('uq_bids_case_id'))
    )
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bids_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bids_expert_id'), ['expert_id'], unique=False)

    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('automatic', 'expert', 'admin', name='conflictsource', native_enum=False, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('waived_at', sa.DateTime(), nullable=True),
    sa.Column('waived_by_id', sa.Integer(), nullable=True),
    sa.Column('waiver_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_conflicts_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_conflicts_declared_by_id_users')),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_conflicts_expert_id_users')),
    sa.ForeignKeyConstraint(['waived_by_id'], ['users.id'], name=op.f('fk_conflicts_waived_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts')),
    sa.UniqueConstraint('case_id', 'expert_id', name=op.f('uq_conflicts_case_id'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_expert_id'), ['expert_id'], unique=False)

    op.create_table('review_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'confirmed', name='assignmentstatus', native_enum=False, length=32), nullable=False),
    sa.Column('affinity', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_review_assignments_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_review_assignments_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_review_assignments_expert_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_assignments')),
    sa.UniqueConstraint('case_id', 'expert_id', name=op.f('uq_review_assignments_case_id'))
    )
    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_assignments_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignments_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignments_status'), ['status'], unique=False)

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bidding_enabled', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('bidding_enabled')

    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_assignments_status'))
        batch_op.drop_index(batch_op.f('ix_review_assignments_expert_id'))
        batch_op.drop_index(batch_op.f('ix_review_assignments_case_id'))
        batch_op.drop_index(batch_op.f('ix_review_assignments_campaign_id'))

    op.drop_table('review_assignments')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_expert_id'))
        batch_op.drop_index(batch_op.f('ix_conflicts_case_id'))

    op.drop_table('conflicts')
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bids_expert_id'))
        batch_op.drop_index(batch_op.f('ix_bids_case_id'))

    op.drop_table('bids')
    op.drop_table('expert_profiles')

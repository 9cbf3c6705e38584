"""Assignment runs: each run's options, seed, figures and reasons, stored

A run of the reviewer assignment solves once and stores what it found, so the
assignment page, manual additions and the extra reviewer read stored rows
instead of solving again: the proposals stay in review_assignments, the run's
options (evenness, weight, fairness floor), its seed (the tie-breaking lot),
its total affinity next to the pure-affinity bound, its worst-off case and its
reasons go into assignment_runs. A large campaign's run is a background job.

Revision ID: 0013_assignment_runs
Revises: 0012_conflicts_that_hold
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_assignment_runs'
down_revision = '0012_conflicts_that_hold'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assignment_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('evenness', sa.String(length=16), nullable=False),
    sa.Column('balance_weight', sa.Float(), nullable=False),
    sa.Column('fairness', sa.Boolean(), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('experts', sa.Integer(), nullable=False),
    sa.Column('pairs', sa.Integer(), nullable=False),
    sa.Column('locked', sa.Integer(), nullable=False),
    sa.Column('short_cases', sa.Integer(), nullable=False),
    sa.Column('total_affinity', sa.Float(), nullable=True),
    sa.Column('bound', sa.Float(), nullable=True),
    sa.Column('worst_case_affinity', sa.Float(), nullable=True),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_assignment_runs_campaign_id_campaigns'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assignment_runs_created_by_id_users')),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_assignment_runs_job_id_jobs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_runs'))
    )
    with op.batch_alter_table('assignment_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_runs_campaign_id'), ['campaign_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assignment_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_runs_campaign_id'))
    op.drop_table('assignment_runs')

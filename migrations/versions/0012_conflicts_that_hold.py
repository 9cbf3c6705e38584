"""Conflicts that hold: excluded reviews and applicants' declared conflicts

reviews.excluded_at / excluded_reason mark a review whose assignment a conflict of
interest ended: kept for the audit, never counted in the results. applicant_conflicts
holds the people and organizations an applicant declared should not review its case,
each accepted or rejected by an administrator.

Revision ID: 0012_conflicts_that_hold
Revises: 0011_accounts
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_conflicts_that_hold'
down_revision = '0011_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('applicant_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('entry', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'rejected', name='declarationstatus', native_enum=False,
                                length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_applicant_conflicts_case_id_cases'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_applicant_conflicts_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applicant_conflicts')),
    sa.UniqueConstraint('case_id', 'entry', name=op.f('uq_applicant_conflicts_case_id'))
    )
    with op.batch_alter_table('applicant_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applicant_conflicts_case_id'), ['case_id'], unique=False)
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('excluded_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('excluded_reason', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_column('excluded_reason')
        batch_op.drop_column('excluded_at')
    with op.batch_alter_table('applicant_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applicant_conflicts_case_id'))
    op.drop_table('applicant_conflicts')

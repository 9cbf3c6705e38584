"""file_tombstones: stored files whose row is gone, removed only after a grace period

A backup copies the files its snapshot of the rows names; deleting a file at once could take
one from under a running backup. See reviewapp/storage/tombstones.py.

Revision ID: 0008_file_tombstones
Revises: 0007_results_stamp
Create Date: 2026-12-02 20:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_file_tombstones'
down_revision = '0007_results_stamp'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('file_tombstones',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_file_tombstones'))
    )
    with op.batch_alter_table('file_tombstones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_file_tombstones_deleted_at'), ['deleted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('file_tombstones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_file_tombstones_deleted_at'))
    op.drop_table('file_tombstones')

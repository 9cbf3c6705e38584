"""cases: start token (one draft per start form), first submission, submitted snapshot

start_token with a unique constraint per organization makes a double click on "start a case"
create one draft. first_submitted_at survives withdrawals (a case once submitted cannot be
deleted); it is filled from the audit log's first "case.submit" (else the submission time).
submitted_snapshot is what screeners see while a withdrawn or returned case is edited again;
older cases have none, and their edits stay hidden until they are submitted again.

Revision ID: 0009_case_start_and_snapshot
Revises: 0008_file_tombstones
Create Date: 2026-12-02 20:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_case_start_and_snapshot'
down_revision = '0008_file_tombstones'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_submitted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('submitted_snapshot', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('start_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_cases_start_token', ['organization_id', 'start_token'])
    op.execute(
        "UPDATE cases SET first_submitted_at = COALESCE("
        "(SELECT MIN(audit_entries.at) FROM audit_entries WHERE audit_entries.action = 'case.submit' "
        "AND audit_entries.object_type = 'Case' AND audit_entries.object_id = cases.id), "
        "submitted_at, CASE WHEN state <> 'draft' THEN created_at END)")


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint('uq_cases_start_token', type_='unique')
        batch_op.drop_column('start_token')
        batch_op.drop_column('submitted_snapshot')
        batch_op.drop_column('first_submitted_at')

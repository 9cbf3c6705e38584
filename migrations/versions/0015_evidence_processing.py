"""evidence processing: heavy per-file work runs in the job queue after the upload is stored

Each file is waiting, processing, ready or failed (cases/processing.py); photos gain their
print-size rendition. Files stored before this revision are ready.

Revision ID: 0015_evidence_processing
Revises: 0014_case_notes
"""
from alembic import op
import sqlalchemy as sa


revision = "0015_evidence_processing"
down_revision = "0014_case_notes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("print_storage_name", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("processing", sa.String(length=12), server_default="ready",
                                      nullable=False))
        batch_op.add_column(sa.Column("processing_error", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("processing_error")
        batch_op.drop_column("processing")
        batch_op.drop_column("print_storage_name")

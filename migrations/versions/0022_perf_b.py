"""indexes for the unit's list (case numbers' stamp) and the admin's case list (newest first)

Revision ID: 0022_perf_b
Revises: 0020_organization_members
"""
from alembic import op


revision = "0022_perf_b"
down_revision = "0020_organization_members"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_first_submission", ["campaign_id", "first_submitted_at", "submitted_at"],
                              unique=False)
        batch_op.create_index("ix_cases_campaign_newest", ["campaign_id", "created_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_campaign_newest")
        batch_op.drop_index("ix_cases_first_submission")

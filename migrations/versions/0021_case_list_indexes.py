"""cases: indexes for the unit's list (the case numbers' stamp) and the administrator's list (newest first)

Revision ID: 0021_case_list_indexes
Revises: 0020_organization_members
"""
from alembic import op


revision = "0021_case_list_indexes"
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

"""Case submission: campaigns.allow_withdraw

Revision ID: 0004b_case_submission
Revises: 0004_experts_assignment
Create Date: 2026-11-23 02:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004b_case_submission'
down_revision = '0004_experts_assignment'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allow_withdraw', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('allow_withdraw')

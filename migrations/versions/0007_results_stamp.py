"""campaigns.results_stamp: changes whenever the campaign's submitted reviews or assignments change

The results pages cache their (seconds-long) aggregation under this stamp; see
reviewapp/results/freshness.py.

Revision ID: 0007_results_stamp
Revises: 0006_publishing
Create Date: 2026-11-23 03:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_results_stamp'
down_revision = '0006_publishing'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_stamp', sa.String(length=16), server_default='initial',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('results_stamp')

"""organizations: updated_at, the time of the last change (the unit's list keeps its rows until one)

Revision ID: 0022_organization_updated_at
Revises: 0021_case_list_indexes
"""
import sqlalchemy as sa
from alembic import op

from reviewapp.timezones import UTCDateTime

revision = "0022_organization_updated_at"
down_revision = "0021_case_list_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("updated_at")

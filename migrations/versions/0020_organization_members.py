"""organizations with several users: an owner flag, colleague invitations, confirmed e-mail addresses

Revision ID: 0020_organization_members
Revises: 0019_unit_levels
"""
from alembic import op
import sqlalchemy as sa


revision = "0020_organization_members"
down_revision = "0019_unit_levels"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organization_owner", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("email_confirmed_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_organization_id"), ["organization_id"], unique=False)
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organization_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_invitations_organization_id"), ["organization_id"], unique=False)
        batch_op.create_foreign_key("fk_invitations_organization_id_organizations", "organizations",
                                    ["organization_id"], ["id"])
    # Accounts made before registration asked for a confirmation link were all usable.
    op.execute("UPDATE users SET email_confirmed_at = created_at")
    # Each organization had one user, who registered it: its owner (the first, should there be more).
    op.execute("UPDATE users SET organization_owner = TRUE WHERE id IN "
               "(SELECT MIN(id) FROM users WHERE organization_id IS NOT NULL GROUP BY organization_id)")


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_constraint("fk_invitations_organization_id_organizations", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_invitations_organization_id"))
        batch_op.drop_column("organization_id")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_organization_id"))
        batch_op.drop_column("email_confirmed_at")
        batch_op.drop_column("organization_owner")

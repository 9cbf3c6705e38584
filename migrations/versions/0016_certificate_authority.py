"""certificates a ministry signs: the issuing authority, date and seal per campaign; revocation

Revision ID: 0016_certificate_authority
Revises: 0015_evidence_processing
"""
from alembic import op
import sqlalchemy as sa


revision = "0016_certificate_authority"
down_revision = "0015_evidence_processing"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("certificate_authority_zh", sa.String(length=200), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("certificate_authority_en", sa.String(length=200), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("certificate_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("certificate_seal_name", sa.String(length=80), nullable=True))
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("revoked_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_certificates_revoked_by_id_users", "users", ["revoked_by_id"], ["id"])


def downgrade():
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_constraint("fk_certificates_revoked_by_id_users", type_="foreignkey")
        batch_op.drop_column("revoked_by_id")
        batch_op.drop_column("revoked_reason")
        batch_op.drop_column("revoked_at")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("certificate_seal_name")
        batch_op.drop_column("certificate_date")
        batch_op.drop_column("certificate_authority_en")
        batch_op.drop_column("certificate_authority_zh")

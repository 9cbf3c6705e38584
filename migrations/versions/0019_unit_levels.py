"""unit levels: county → city → province → national, reports up per campaign, deadlines, reminders,
the filing columns

Revision ID: 0019_unit_levels
Revises: 0018_case_messages

Existing units keep working: provincial bureaus become the province level, the directly
affiliated centres and national associations the national level; all report to the department.
"""
from alembic import op
import sqlalchemy as sa


revision = "0019_unit_levels"
down_revision = "0018_case_messages"
branch_labels = None
depends_on = None

LEVEL = sa.Enum("county", "city", "province", "national", name="unitlevel", native_enum=False, length=32)
KINDS_OLD = ("provincial_bureau", "direct_unit", "national_association")
KINDS_NEW = KINDS_OLD + ("local_bureau",)


def upgrade():
    with op.batch_alter_table("recommending_units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("level", LEVEL, nullable=True))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.alter_column("kind", existing_type=sa.Enum(*KINDS_OLD, name="unitkind", native_enum=False,
                                                            length=32),
                              type_=sa.Enum(*KINDS_NEW, name="unitkind", native_enum=False, length=32))
    units = sa.table("recommending_units", sa.column("kind", sa.String), sa.column("level", sa.String))
    op.execute(units.update().where(units.c.kind == "provincial_bureau").values(level="province"))
    op.execute(units.update().where(units.c.level.is_(None)).values(level="national"))
    with op.batch_alter_table("recommending_units", schema=None) as batch_op:
        batch_op.alter_column("level", existing_type=LEVEL, nullable=False)
        batch_op.create_index(batch_op.f("ix_recommending_units_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_recommending_units_parent_id_recommending_units"),
                                    "recommending_units", ["parent_id"], ["id"])

    op.create_table(
        "unit_deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("level", LEVEL, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_unit_deadlines_campaign_id_campaigns"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_deadlines")),
        sa.UniqueConstraint("campaign_id", "level", name="uq_unit_deadlines_campaign_level"),
    )
    op.create_index(op.f("ix_unit_deadlines_campaign_id"), "unit_deadlines", ["campaign_id"], unique=False)
    op.create_table(
        "unit_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_unit_reports_campaign_id_campaigns"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reported_by_id"], ["users.id"], name=op.f("fk_unit_reports_reported_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["unit_id"], ["recommending_units.id"],
                                name=op.f("fk_unit_reports_unit_id_recommending_units"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_reports")),
        sa.UniqueConstraint("unit_id", "campaign_id", name="uq_unit_reports_unit_campaign"),
    )
    op.create_index(op.f("ix_unit_reports_campaign_id"), "unit_reports", ["campaign_id"], unique=False)
    op.create_index(op.f("ix_unit_reports_unit_id"), "unit_reports", ["unit_id"], unique=False)
    op.create_table(
        "unit_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_unit_reminders_campaign_id_campaigns"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["recommending_units.id"],
                                name=op.f("fk_unit_reminders_unit_id_recommending_units"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_reminders")),
        sa.UniqueConstraint("unit_id", "campaign_id", "kind", name="uq_unit_reminders_unit_campaign_kind"),
    )
    op.create_index(op.f("ix_unit_reminders_campaign_id"), "unit_reminders", ["campaign_id"], unique=False)
    op.create_index(op.f("ix_unit_reminders_unit_id"), "unit_reminders", ["unit_id"], unique=False)
    op.create_table(
        "filing_columns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("heading", sa.String(length=60), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_columns")),
        sa.UniqueConstraint("position", name=op.f("uq_filing_columns_position")),
    )


def downgrade():
    op.drop_table("filing_columns")
    op.drop_index(op.f("ix_unit_reminders_unit_id"), table_name="unit_reminders")
    op.drop_index(op.f("ix_unit_reminders_campaign_id"), table_name="unit_reminders")
    op.drop_table("unit_reminders")
    op.drop_index(op.f("ix_unit_reports_unit_id"), table_name="unit_reports")
    op.drop_index(op.f("ix_unit_reports_campaign_id"), table_name="unit_reports")
    op.drop_table("unit_reports")
    op.drop_index(op.f("ix_unit_deadlines_campaign_id"), table_name="unit_deadlines")
    op.drop_table("unit_deadlines")
    units = sa.table("recommending_units", sa.column("kind", sa.String))
    # Local bureaus did not exist before: the older schema cannot hold them.
    for table in ("users", "organizations", "cases", "invitations"):
        op.execute(sa.text(f"UPDATE {table} SET unit_id = NULL WHERE unit_id IN "
                           "(SELECT id FROM recommending_units WHERE kind = 'local_bureau')"))
    with op.batch_alter_table("recommending_units", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_recommending_units_parent_id_recommending_units"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_recommending_units_parent_id"))
        batch_op.drop_column("parent_id")
        batch_op.drop_column("level")
    op.execute(units.delete().where(units.c.kind == "local_bureau"))
    with op.batch_alter_table("recommending_units", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=sa.Enum(*KINDS_NEW, name="unitkind", native_enum=False,
                                                            length=32),
                              type_=sa.Enum(*KINDS_OLD, name="unitkind", native_enum=False, length=32))

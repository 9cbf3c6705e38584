"""case messages: a case's thread (department or unit asks, applicant replies; never experts),
read markers for unread counts, draft reminders sent (once per case and deadline), the
administrator's mail templates and group mailings with their deliveries (once per case and address)

Revision ID: 0018_case_messages
Revises: 0016_certificate_authority
"""
from alembic import op
import sqlalchemy as sa


revision = '0018_case_messages'
down_revision = '0016_certificate_authority'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('subject_zh', sa.String(length=200), nullable=False),
    sa.Column('subject_en', sa.String(length=200), nullable=False),
    sa.Column('body_zh', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_templates')),
    sa.UniqueConstraint('name', name=op.f('uq_mail_templates_name'))
    )
    op.create_table('case_message_reads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('last_read_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_message_reads_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_message_reads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_message_reads')),
    sa.UniqueConstraint('user_id', 'case_id', name='uq_case_message_reads_user_case')
    )
    with op.batch_alter_table('case_message_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_message_reads_case_id'), ['case_id'], unique=False)

    op.create_table('case_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('side', sa.String(length=12), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_messages_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_messages'))
    )
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_messages_case_id'), ['case_id'], unique=False)

    op.create_table('draft_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_draft_reminders_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_reminders')),
    sa.UniqueConstraint('case_id', 'deadline', name='uq_draft_reminders_case_deadline')
    )
    op.create_table('group_mailings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=True),
    sa.Column('province', sa.String(length=32), nullable=True),
    sa.Column('subject_zh', sa.String(length=200), nullable=False),
    sa.Column('subject_en', sa.String(length=200), nullable=False),
    sa.Column('body_zh', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('case_ids', sa.JSON(), nullable=False),
    sa.Column('organizations', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_group_mailings_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_group_mailings_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_group_mailings_job_id_jobs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_mailings')),
    sa.UniqueConstraint('token', name=op.f('uq_group_mailings_token'))
    )
    with op.batch_alter_table('group_mailings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_mailings_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('group_mail_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailing_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_group_mail_deliveries_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mailing_id'], ['group_mailings.id'], name=op.f('fk_group_mail_deliveries_mailing_id_group_mailings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_mail_deliveries')),
    sa.UniqueConstraint('mailing_id', 'case_id', 'email', name='uq_group_mail_deliveries_once')
    )
    with op.batch_alter_table('group_mail_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_mail_deliveries_mailing_id'), ['mailing_id'], unique=False)



def downgrade():
    with op.batch_alter_table('group_mail_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_mail_deliveries_mailing_id'))

    op.drop_table('group_mail_deliveries')
    with op.batch_alter_table('group_mailings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_mailings_campaign_id'))

    op.drop_table('group_mailings')
    op.drop_table('draft_reminders')
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_messages_case_id'))

    op.drop_table('case_messages')
    with op.batch_alter_table('case_message_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_message_reads_case_id'))

    op.drop_table('case_message_reads')
    op.drop_table('mail_templates')

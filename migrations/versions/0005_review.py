"""Reviews, declines, selection decisions; campaigns.show_spread_to_experts and release_feedback

Revision ID: 0005_review
Revises: 0004b_case_submission
Create Date: 2026-11-23 01:39:17.092370

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_review'
down_revision = '0004b_case_submission'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_declines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('declined', 'conflict', name='declinekind', native_enum=False, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_review_declines_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_review_declines_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_review_declines_expert_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_declines'))
    )
    with op.batch_alter_table('review_declines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_declines_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_declines_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_declines_expert_id'), ['expert_id'], unique=False)

    op.create_table('selection_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('proposed', sa.Boolean(), nullable=False),
    sa.Column('deviation', sa.String(length=10), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_selection_decisions_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_selection_decisions_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_selection_decisions_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_decisions')),
    sa.UniqueConstraint('case_id', name=op.f('uq_selection_decisions_case_id'))
    )
    with op.batch_alter_table('selection_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selection_decisions_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', name='reviewstatus', native_enum=False, length=32), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('comments', sa.JSON(), nullable=False),
    sa.Column('overall_comment', sa.Text(), nullable=False),
    sa.Column('confidence', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['review_assignments.id'], name=op.f('fk_reviews_assignment_id_review_assignments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_reviews_assignment_id'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_status'), ['status'], unique=False)

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_spread_to_experts', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('release_feedback', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('release_feedback')
        batch_op.drop_column('show_spread_to_experts')

    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_status'))

    op.drop_table('reviews')
    with op.batch_alter_table('selection_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_selection_decisions_campaign_id'))

    op.drop_table('selection_decisions')
    with op.batch_alter_table('review_declines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_declines_expert_id'))
        batch_op.drop_index(batch_op.f('ix_review_declines_case_id'))
        batch_op.drop_index(batch_op.f('ix_review_declines_campaign_id'))

    op.drop_table('review_declines')

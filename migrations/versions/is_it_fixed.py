""""is it fixed?" questions asked after a resolution

Revision ID: i13_is_it_fixed
Revises: i12a7c0e5b311
Create Date: 2026-12-03 21:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'i13_is_it_fixed'
down_revision = 'i12a7c0e5b311'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'fix_question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('resolution_id', sa.Integer(), nullable=False),
        sa.Column('asked_at', sa.DateTime(), nullable=False),
        sa.Column('reminded_at', sa.DateTime(), nullable=True),
        sa.Column('answer', sa.Enum('confirmed', 'disputed', name='fixanswer', native_enum=False, length=20), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_fix_question_post_id_post'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['resolution_id'], ['status_change.id'], name=op.f('fk_fix_question_resolution_id_status_change'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_fix_question_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fix_question')),
        sa.UniqueConstraint('resolution_id', 'user_id', name=op.f('uq_fix_question_resolution_id_user_id')),
    )
    with op.batch_alter_table('fix_question', schema=None) as batch_op:
        batch_op.create_index('ix_fix_question_unanswered', ['answered_at', 'reminded_at', 'asked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_fix_question_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fix_question_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('fix_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fix_question_user_id'))
        batch_op.drop_index(batch_op.f('ix_fix_question_post_id'))
        batch_op.drop_index('ix_fix_question_unanswered')
    op.drop_table('fix_question')

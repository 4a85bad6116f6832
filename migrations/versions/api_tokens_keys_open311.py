"""api tokens, Open311 keys and received requests

Revision ID: i12a7c0e5b311
Revises: e4120a327e95
Create Date: 2026-12-03 21:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'i12a7c0e5b311'
down_revision = 'e4120a327e95'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash')),
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table(
        'api_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_api_key_owner_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
        sa.UniqueConstraint('key_hash', name=op.f('uq_api_key_key_hash')),
    )
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_key_owner_id'), ['owner_id'], unique=False)

    op.create_table(
        'open311_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=40), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('api_key_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('first_name', sa.String(length=100), nullable=True),
        sa.Column('last_name', sa.String(length=100), nullable=True),
        sa.Column('device_id', sa.String(length=100), nullable=True),
        sa.Column('account_id', sa.String(length=100), nullable=True),
        sa.Column('media_url', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['api_key_id'], ['api_key.id'], name=op.f('fk_open311_request_api_key_id_api_key')),
        sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_open311_request_post_id_post'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_open311_request')),
        sa.UniqueConstraint('token', name=op.f('uq_open311_request_token')),
    )
    with op.batch_alter_table('open311_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open311_request_api_key_id'), ['api_key_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_open311_request_post_id'), ['post_id'], unique=False)


def downgrade():
    op.drop_table('open311_request')
    op.drop_table('api_key')
    op.drop_table('api_token')

"""accounts a city can trust: one account per mailbox, verified addresses, sign-ins that end

Revision ID: i9a0accounts01
Revises: i13_profile_choice
Create Date: 2026-12-03 21:30:00

Existing addresses are rewritten in their normal form (domain IDNA-encoded) and compared on
`email_key`. When two existing accounts turn out to share one mailbox, the older keeps it; the
newer keeps its rows but its key gets a suffix that no address can match, so nobody signs in to it
(posts and votes stay). Existing accounts count as verified (they were made before the rule), and
everyone signs in again (cookies now name a row of user_session).
"""
from alembic import op
import sqlalchemy as sa
import unicodedata

import idna


# revision identifiers, used by Alembic.
revision = 'i9a0accounts01'
down_revision = 'i13_profile_choice'
branch_labels = None
depends_on = None


def _normal(email):
    """(address, key) as app.accounts.addresses computes them (copied: migrations do not import app code)."""
    local, sep, domain = unicodedata.normalize("NFC", email or "").strip().rpartition("@")
    if not sep or not local or not domain:
        text = (email or "").strip()
        return text, text.casefold()
    try:
        domain = idna.encode(domain.rstrip("."), uts46=True).decode("ascii").lower()
    except idna.IDNAError:
        domain = domain.lower()
    return f"{local}@{domain}", f"{local.casefold()}@{domain}"


def upgrade():
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('key', name=op.f('uq_user_session_key'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    op.create_table('login_failure',
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('email_key', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_last_failed_at'), ['last_failed_at'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_key', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))

    connection = op.get_bind()
    user = sa.table('user', sa.column('id'), sa.column('email'), sa.column('email_key'),
                    sa.column('email_verified_at'), sa.column('created_at'))
    taken_keys, taken_emails = set(), set()
    rows = connection.execute(sa.select(user.c.id, user.c.email).order_by(user.c.id)).all()
    normals = {row.id: _normal(row.email) for row in rows}
    finals = {}
    for row in rows:
        email, key = normals[row.id]
        if key in taken_keys or email in taken_emails:
            email = key = f"{key}#duplicate-of-an-older-account-{row.id}"
        taken_keys.add(key)
        taken_emails.add(email)
        finals[row.id] = (email, key)
    # Two steps, so that an address moving to a form another row still holds never collides.
    for row in rows:
        if finals[row.id][0] != row.email:
            connection.execute(user.update().where(user.c.id == row.id).values(email=f"migrating-{row.id}"))
    for row in rows:
        email, key = finals[row.id]
        connection.execute(user.update().where(user.c.id == row.id).values(email=email, email_key=key))
    connection.execute(user.update().values(email_verified_at=user.c.created_at))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('email_key', existing_type=sa.String(length=254), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_user_email_key'), ['email_key'])
        batch_op.drop_column('session_token')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('last_failed_login_at')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_failed_login_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('session_token', sa.String(length=32), nullable=False, server_default='0'))
        batch_op.drop_constraint(batch_op.f('uq_user_email_key'), type_='unique')
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('email_verified_at')
        batch_op.drop_column('email_key')

    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_last_failed_at'))
    op.drop_table('login_failure')

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')

"""kv_entries: the shared key-value table with expiry (storage.kv), used by the WeChat channel.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kv_entries',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_kv_entries'))
    )
    with op.batch_alter_table('kv_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kv_entries_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kv_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kv_entries_expires_at'))

    op.drop_table('kv_entries')

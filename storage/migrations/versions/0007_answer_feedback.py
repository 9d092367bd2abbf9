"""Residents' ratings of answers (knowledge.feedback): 有帮助 / 没帮助 with the question and the entry.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 11:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('entry_id', sa.String(length=80), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('sender_hash', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_feedback'))
    )
    with op.batch_alter_table('answer_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_feedback_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_feedback_entry_id'), ['entry_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('answer_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_feedback_entry_id'))
        batch_op.drop_index(batch_op.f('ix_answer_feedback_created_at'))

    op.drop_table('answer_feedback')

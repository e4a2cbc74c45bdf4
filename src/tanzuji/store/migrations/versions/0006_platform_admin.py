"""Platform administration: issued machine tokens (revocable by jti) and job heartbeats.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('platform_tokens',
    sa.Column('jti', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=100), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['platform_users.id'], ),
    sa.PrimaryKeyConstraint('jti')
    )
    with op.batch_alter_table('platform_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_tokens_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_platform_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('platform_job_beats',
    sa.Column('job_id', sa.String(length=40), nullable=False),
    sa.Column('beat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retry_of', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['platform_jobs.id'], ),
    sa.PrimaryKeyConstraint('job_id')
    )


def downgrade() -> None:
    op.drop_table('platform_job_beats')
    with op.batch_alter_table('platform_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_tokens_user_id'))
        batch_op.drop_index(batch_op.f('ix_platform_tokens_client_id'))

    op.drop_table('platform_tokens')

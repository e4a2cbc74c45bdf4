"""The platform: organisations, users (argon2 hashes, roles), web sessions, OAuth2 clients,
failed logins, uploaded studies and their files, supplier shares, jobs and evidence files.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('platform_login_failures',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('pk')
    )
    with op.batch_alter_table('platform_login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_login_failures_key'), ['key'], unique=False)

    op.create_table('platform_organisations',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('platform_studies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('declared', sa.JSON(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['platform_organisations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('platform_studies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_studies_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_platform_studies_sha256'), ['sha256'], unique=False)

    op.create_table('platform_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.String(length=100), nullable=True),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['platform_organisations.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    with op.batch_alter_table('platform_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_users_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('platform_clients',
    sa.Column('client_id', sa.String(length=100), nullable=False),
    sa.Column('secret_hash', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['platform_users.id'], ),
    sa.PrimaryKeyConstraint('client_id')
    )
    with op.batch_alter_table('platform_clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_clients_user_id'), ['user_id'], unique=False)

    op.create_table('platform_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('amount_path', sa.String(length=500), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=100), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['study_id'], ['platform_studies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('platform_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_evidence_study_id'), ['study_id'], unique=False)

    op.create_table('platform_jobs',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('organisation_id', sa.String(length=100), nullable=True),
    sa.Column('study_id', sa.Integer(), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.JSON(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['study_id'], ['platform_studies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('platform_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_jobs_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_platform_jobs_study_id'), ['study_id'], unique=False)

    op.create_table('platform_sessions',
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['platform_users.id'], ),
    sa.PrimaryKeyConstraint('token_sha256')
    )
    with op.batch_alter_table('platform_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('platform_shares',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=100), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['platform_organisations.id'], ),
    sa.ForeignKeyConstraint(['study_id'], ['platform_studies.id'], ),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('study_id', 'customer_id')
    )
    with op.batch_alter_table('platform_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_shares_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_platform_shares_study_id'), ['study_id'], unique=False)

    op.create_table('platform_study_files',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['study_id'], ['platform_studies.id'], ),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('study_id', 'name')
    )
    with op.batch_alter_table('platform_study_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_study_files_study_id'), ['study_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('platform_study_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_study_files_study_id'))

    op.drop_table('platform_study_files')
    with op.batch_alter_table('platform_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_shares_study_id'))
        batch_op.drop_index(batch_op.f('ix_platform_shares_customer_id'))

    op.drop_table('platform_shares')
    with op.batch_alter_table('platform_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_sessions_user_id'))

    op.drop_table('platform_sessions')
    with op.batch_alter_table('platform_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_jobs_study_id'))
        batch_op.drop_index(batch_op.f('ix_platform_jobs_organisation_id'))

    op.drop_table('platform_jobs')
    with op.batch_alter_table('platform_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_evidence_study_id'))

    op.drop_table('platform_evidence')
    with op.batch_alter_table('platform_clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_clients_user_id'))

    op.drop_table('platform_clients')
    with op.batch_alter_table('platform_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_users_organisation_id'))

    op.drop_table('platform_users')
    with op.batch_alter_table('platform_studies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_studies_sha256'))
        batch_op.drop_index(batch_op.f('ix_platform_studies_organisation_id'))

    op.drop_table('platform_studies')
    op.drop_table('platform_organisations')
    with op.batch_alter_table('platform_login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_login_failures_key'))

    op.drop_table('platform_login_failures')

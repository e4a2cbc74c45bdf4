"""The PACT host: data recipients (clients), owners' publication policies, published
footprints and who may see them, received requests and events.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pact_clients',
    sa.Column('client_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('secret_hash', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.String(length=100), nullable=True),
    sa.Column('owner_id', sa.String(length=100), nullable=True),
    sa.Column('base_url', sa.String(length=500), nullable=True),
    sa.Column('callback_client_id', sa.String(length=200), nullable=True),
    sa.Column('callback_secret', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['platform_organisations.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['platform_organisations.id'], ),
    sa.PrimaryKeyConstraint('client_id')
    )
    op.create_index(op.f('ix_pact_clients_organisation_id'), 'pact_clients', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_pact_clients_owner_id'), 'pact_clients', ['owner_id'], unique=False)
    op.create_table('pact_policies',
    sa.Column('organisation_id', sa.String(length=100), nullable=False),
    sa.Column('require_certificate', sa.Boolean(), nullable=False),
    sa.Column('auto_answer', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['platform_organisations.id'], ),
    sa.PrimaryKeyConstraint('organisation_id')
    )
    op.create_table('pact_events',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=100), nullable=False),
    sa.Column('type', sa.String(length=200), nullable=False),
    sa.Column('event_id', sa.String(length=300), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['pact_clients.client_id'], ),
    sa.PrimaryKeyConstraint('pk')
    )
    op.create_index(op.f('ix_pact_events_client_id'), 'pact_events', ['client_id'], unique=False)
    op.create_table('pact_publications',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=100), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('study_sha256', sa.String(length=64), nullable=False),
    sa.Column('result_sha256', sa.String(length=64), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('preceding_id', sa.String(length=36), nullable=True),
    sa.Column('certificate_number', sa.String(length=60), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deprecated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['platform_organisations.id'], ),
    sa.ForeignKeyConstraint(['study_id'], ['platform_studies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_pact_publications_organisation_id'), 'pact_publications', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_pact_publications_study_id'), 'pact_publications', ['study_id'], unique=False)
    op.create_table('pact_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=100), nullable=False),
    sa.Column('event_id', sa.String(length=300), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.Column('delivery_error', sa.Text(), nullable=True),
    sa.Column('answered_by', sa.String(length=100), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['pact_clients.client_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('client_id', 'event_id')
    )
    op.create_index(op.f('ix_pact_requests_client_id'), 'pact_requests', ['client_id'], unique=False)
    op.create_table('pact_recipients',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.String(length=100), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['pact_publications.id'], ),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('publication_id', 'kind', 'recipient')
    )
    op.create_index(op.f('ix_pact_recipients_publication_id'), 'pact_recipients', ['publication_id'], unique=False)
    op.create_index(op.f('ix_pact_recipients_recipient'), 'pact_recipients', ['recipient'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_pact_recipients_recipient'), table_name='pact_recipients')
    op.drop_index(op.f('ix_pact_recipients_publication_id'), table_name='pact_recipients')
    op.drop_table('pact_recipients')
    op.drop_index(op.f('ix_pact_requests_client_id'), table_name='pact_requests')
    op.drop_table('pact_requests')
    op.drop_index(op.f('ix_pact_publications_study_id'), table_name='pact_publications')
    op.drop_index(op.f('ix_pact_publications_organisation_id'), table_name='pact_publications')
    op.drop_table('pact_publications')
    op.drop_index(op.f('ix_pact_events_client_id'), table_name='pact_events')
    op.drop_table('pact_events')
    op.drop_table('pact_policies')
    op.drop_index(op.f('ix_pact_clients_owner_id'), table_name='pact_clients')
    op.drop_index(op.f('ix_pact_clients_organisation_id'), table_name='pact_clients')
    op.drop_table('pact_clients')

"""Supplier exchange: PACT partners, footprint requests, received footprints.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('supply_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('organisation_id', sa.String(length=100), nullable=True),
    sa.Column('base_url', sa.String(length=500), nullable=False),
    sa.Column('token_url', sa.String(length=500), nullable=True),
    sa.Column('client_id', sa.String(length=200), nullable=False),
    sa.Column('secret_encrypted', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('supply_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_partners_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('supply_requests',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.String(length=100), nullable=True),
    sa.Column('supplier_id', sa.String(length=100), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('product_ids', sa.JSON(), nullable=False),
    sa.Column('product_name', sa.String(length=300), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('error', sa.JSON(), nullable=True),
    sa.Column('pf_id', sa.String(length=36), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['supply_partners.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('supply_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_requests_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_requests_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_requests_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('supply_footprints',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('pf_id', sa.String(length=36), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.String(length=100), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('product_ids', sa.JSON(), nullable=False),
    sa.Column('preceding_pf_ids', sa.JSON(), nullable=False),
    sa.Column('superseded_by', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('primary_data_share', sa.Float(), nullable=True),
    sa.Column('dqi', sa.JSON(), nullable=True),
    sa.Column('verification', sa.JSON(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['supply_partners.id'], ),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('source', 'pf_id', 'customer_id')
    )
    with op.batch_alter_table('supply_footprints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_footprints_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_footprints_pf_id'), ['pf_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_footprints_source'), ['source'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('supply_footprints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_footprints_source'))
        batch_op.drop_index(batch_op.f('ix_supply_footprints_pf_id'))
        batch_op.drop_index(batch_op.f('ix_supply_footprints_customer_id'))
    op.drop_table('supply_footprints')
    with op.batch_alter_table('supply_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_requests_supplier_id'))
        batch_op.drop_index(batch_op.f('ix_supply_requests_partner_id'))
        batch_op.drop_index(batch_op.f('ix_supply_requests_customer_id'))
    op.drop_table('supply_requests')
    with op.batch_alter_table('supply_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_partners_organisation_id'))
    op.drop_table('supply_partners')

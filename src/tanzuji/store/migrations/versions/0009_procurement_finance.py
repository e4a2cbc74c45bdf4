"""Procurement criteria and screenings, green-loan reduction paths.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('procurement_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('pcr_id', sa.String(length=100), nullable=False),
    sa.Column('max_value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=True),
    sa.Column('label_required', sa.Boolean(), nullable=False),
    sa.Column('min_primary_share', sa.Float(), nullable=True),
    sa.Column('max_dqr', sa.Float(), nullable=True),
    sa.Column('closing_date', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['platform_organisations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('procurement_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procurement_criteria_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('procurement_screenings',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('criteria_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.String(length=100), nullable=False),
    sa.Column('envelope', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('ledger_seq', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('screened_by', sa.String(length=100), nullable=False),
    sa.Column('screened_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['criteria_id'], ['procurement_criteria.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('procurement_screenings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procurement_screenings_criteria_id'), ['criteria_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_procurement_screenings_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('finance_consents',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('borrower_id', sa.String(length=100), nullable=False),
    sa.Column('bank_id', sa.String(length=100), nullable=False),
    sa.Column('granted_by', sa.String(length=100), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_by', sa.String(length=100), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['bank_id'], ['platform_organisations.id'], ),
    sa.ForeignKeyConstraint(['borrower_id'], ['platform_organisations.id'], ),
    sa.PrimaryKeyConstraint('pk')
    )
    with op.batch_alter_table('finance_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_consents_bank_id'), ['bank_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_consents_borrower_id'), ['borrower_id'], unique=False)

    op.create_table('finance_loans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bank_id', sa.String(length=100), nullable=False),
    sa.Column('borrower_id', sa.String(length=100), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('pcr_id', sa.String(length=100), nullable=False),
    sa.Column('product_model', sa.String(length=200), nullable=True),
    sa.Column('baseline_value', sa.Float(), nullable=False),
    sa.Column('baseline_year', sa.Integer(), nullable=False),
    sa.Column('reduction_percent', sa.Float(), nullable=True),
    sa.Column('targets', sa.JSON(), nullable=True),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('end_year', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bank_id'], ['platform_organisations.id'], ),
    sa.ForeignKeyConstraint(['borrower_id'], ['platform_organisations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('finance_loans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_loans_bank_id'), ['bank_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_loans_borrower_id'), ['borrower_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('finance_loans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_loans_borrower_id'))
        batch_op.drop_index(batch_op.f('ix_finance_loans_bank_id'))
    op.drop_table('finance_loans')
    with op.batch_alter_table('finance_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_consents_borrower_id'))
        batch_op.drop_index(batch_op.f('ix_finance_consents_bank_id'))
    op.drop_table('finance_consents')
    with op.batch_alter_table('procurement_screenings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procurement_screenings_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_procurement_screenings_criteria_id'))
    op.drop_table('procurement_screenings')
    with op.batch_alter_table('procurement_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procurement_criteria_organisation_id'))
    op.drop_table('procurement_criteria')

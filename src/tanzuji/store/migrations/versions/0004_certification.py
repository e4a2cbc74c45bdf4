"""Label certification: organisations, bodies and auditors, impartiality relationships,
cases with their stored files, events and findings, certificates and their events, labels,
credit records and peer reviews.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cert_bodies',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('cnca_approval', sa.String(length=100), nullable=True),
    sa.Column('pilot_qualified', sa.Boolean(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('cert_credit',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('party_kind', sa.String(length=20), nullable=False),
    sa.Column('party_id', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('penalty', sa.Text(), nullable=True),
    sa.Column('fraud', sa.Boolean(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('pk')
    )
    op.create_index(op.f('ix_cert_credit_party_id'), 'cert_credit', ['party_id'], unique=False)
    op.create_table('cert_organisations',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('cert_relationships',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('other', sa.String(length=100), nullable=False),
    sa.Column('product_model', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('pk')
    )
    op.create_index(op.f('ix_cert_relationships_other'), 'cert_relationships', ['other'], unique=False)
    op.create_index(op.f('ix_cert_relationships_subject'), 'cert_relationships', ['subject'], unique=False)
    op.create_table('cert_auditors',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('body_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('full_time', sa.Boolean(), nullable=False),
    sa.Column('pcf_years', sa.Float(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['cert_bodies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_cert_auditors_body_id'), 'cert_auditors', ['body_id'], unique=False)
    op.create_table('cert_cases',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('applicant_id', sa.String(length=100), nullable=False),
    sa.Column('body_id', sa.String(length=100), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('product', sa.String(length=500), nullable=False),
    sa.Column('product_zh', sa.String(length=500), nullable=True),
    sa.Column('product_model', sa.String(length=200), nullable=False),
    sa.Column('producer', sa.String(length=300), nullable=True),
    sa.Column('site', sa.String(length=300), nullable=True),
    sa.Column('pcr_id', sa.String(length=100), nullable=True),
    sa.Column('cpc', sa.String(length=20), nullable=True),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('functional_unit', sa.String(length=500), nullable=False),
    sa.Column('boundary', sa.String(length=40), nullable=False),
    sa.Column('declared_value', sa.Float(), nullable=False),
    sa.Column('tolerance_percent', sa.Float(), nullable=False),
    sa.Column('study_file', sa.String(length=500), nullable=False),
    sa.Column('study_sha256', sa.String(length=64), nullable=False),
    sa.Column('releases', sa.JSON(), nullable=False),
    sa.Column('gec_serials', sa.JSON(), nullable=False),
    sa.Column('team', sa.JSON(), nullable=False),
    sa.Column('lead', sa.String(length=100), nullable=True),
    sa.Column('plan', sa.Text(), nullable=True),
    sa.Column('verification', sa.JSON(), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['cert_organisations.id'], ),
    sa.ForeignKeyConstraint(['body_id'], ['cert_bodies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_cert_cases_applicant_id'), 'cert_cases', ['applicant_id'], unique=False)
    op.create_index(op.f('ix_cert_cases_body_id'), 'cert_cases', ['body_id'], unique=False)
    op.create_table('cert_case_events',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=False),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cert_cases.id'], ),
    sa.PrimaryKeyConstraint('pk')
    )
    op.create_index(op.f('ix_cert_case_events_case_id'), 'cert_case_events', ['case_id'], unique=False)
    op.create_table('cert_case_files',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cert_cases.id'], ),
    sa.PrimaryKeyConstraint('pk')
    )
    op.create_index(op.f('ix_cert_case_files_case_id'), 'cert_case_files', ['case_id'], unique=False)
    op.create_table('cert_certificates',
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('body_id', sa.String(length=100), nullable=False),
    sa.Column('applicant_id', sa.String(length=100), nullable=False),
    sa.Column('product', sa.String(length=500), nullable=False),
    sa.Column('product_zh', sa.String(length=500), nullable=True),
    sa.Column('product_model', sa.String(length=200), nullable=False),
    sa.Column('producer', sa.String(length=300), nullable=True),
    sa.Column('site', sa.String(length=300), nullable=True),
    sa.Column('pcr_id', sa.String(length=100), nullable=True),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('functional_unit', sa.String(length=500), nullable=False),
    sa.Column('boundary', sa.String(length=40), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('issued_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['cert_organisations.id'], ),
    sa.ForeignKeyConstraint(['body_id'], ['cert_bodies.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['cert_cases.id'], ),
    sa.PrimaryKeyConstraint('number'),
    sa.UniqueConstraint('case_id')
    )
    op.create_index(op.f('ix_cert_certificates_applicant_id'), 'cert_certificates', ['applicant_id'], unique=False)
    op.create_index(op.f('ix_cert_certificates_body_id'), 'cert_certificates', ['body_id'], unique=False)
    op.create_table('cert_findings',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('raised_by', sa.String(length=100), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by', sa.String(length=100), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closure', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cert_cases.id'], ),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('case_id', 'number')
    )
    op.create_table('cert_peer_reviews',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('reviewer_body', sa.String(length=100), nullable=False),
    sa.Column('certified_value', sa.Float(), nullable=False),
    sa.Column('recomputed_value', sa.Float(), nullable=False),
    sa.Column('disagreement', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reviewed_by', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cert_cases.id'], ),
    sa.ForeignKeyConstraint(['reviewer_body'], ['cert_bodies.id'], ),
    sa.PrimaryKeyConstraint('pk')
    )
    op.create_index(op.f('ix_cert_peer_reviews_case_id'), 'cert_peer_reviews', ['case_id'], unique=False)
    op.create_table('cert_certificate_events',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['number'], ['cert_certificates.number'], ),
    sa.PrimaryKeyConstraint('pk')
    )
    op.create_index(op.f('ix_cert_certificate_events_number'), 'cert_certificate_events', ['number'], unique=False)
    op.create_table('cert_labels',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['number'], ['cert_certificates.number'], ),
    sa.PrimaryKeyConstraint('pk')
    )
    op.create_index(op.f('ix_cert_labels_number'), 'cert_labels', ['number'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_cert_labels_number'), table_name='cert_labels')
    op.drop_table('cert_labels')
    op.drop_index(op.f('ix_cert_certificate_events_number'), table_name='cert_certificate_events')
    op.drop_table('cert_certificate_events')
    op.drop_index(op.f('ix_cert_peer_reviews_case_id'), table_name='cert_peer_reviews')
    op.drop_table('cert_peer_reviews')
    op.drop_table('cert_findings')
    op.drop_index(op.f('ix_cert_certificates_body_id'), table_name='cert_certificates')
    op.drop_index(op.f('ix_cert_certificates_applicant_id'), table_name='cert_certificates')
    op.drop_table('cert_certificates')
    op.drop_index(op.f('ix_cert_case_files_case_id'), table_name='cert_case_files')
    op.drop_table('cert_case_files')
    op.drop_index(op.f('ix_cert_case_events_case_id'), table_name='cert_case_events')
    op.drop_table('cert_case_events')
    op.drop_index(op.f('ix_cert_cases_body_id'), table_name='cert_cases')
    op.drop_index(op.f('ix_cert_cases_applicant_id'), table_name='cert_cases')
    op.drop_table('cert_cases')
    op.drop_index(op.f('ix_cert_auditors_body_id'), table_name='cert_auditors')
    op.drop_table('cert_auditors')
    op.drop_index(op.f('ix_cert_relationships_subject'), table_name='cert_relationships')
    op.drop_index(op.f('ix_cert_relationships_other'), table_name='cert_relationships')
    op.drop_table('cert_relationships')
    op.drop_table('cert_organisations')
    op.drop_index(op.f('ix_cert_credit_party_id'), table_name='cert_credit')
    op.drop_table('cert_credit')
    op.drop_table('cert_bodies')

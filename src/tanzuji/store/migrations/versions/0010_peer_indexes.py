"""Indexes of the published factors alone, for cross-validation's peer queries; the index of
versions by import goes.

An import compares its factors with the current (published) factors of the same CPC code or
name. Indexes that hold only current rows answer that without touching the versions an import
is adding (on PostgreSQL a scan of the general cpc index visited every one of them, seconds at
100,000 rows), and cost an import nothing: its rows are not current yet.

Imports now write their full-text entries with their rows and look versions up by factor id,
so no query finds versions by import any more: that index only cost every insert.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name, columns in (("ix_factor_versions_peer_cpc", ["cpc"]),
                          ("ix_factor_versions_peer_name", [sa.text("lower(name_en)")])):
        # SQLite uses a partial index only when the query's condition is spelt like its own
        op.create_index(name, "factor_versions", columns, sqlite_where=sa.text("current = 1"),
                        postgresql_where=sa.text("current"))
    op.drop_index("ix_factor_versions_import_pk", table_name="factor_versions")


def downgrade() -> None:
    op.create_index("ix_factor_versions_import_pk", "factor_versions", ["import_pk"])
    op.drop_index("ix_factor_versions_peer_name", table_name="factor_versions")
    op.drop_index("ix_factor_versions_peer_cpc", table_name="factor_versions")

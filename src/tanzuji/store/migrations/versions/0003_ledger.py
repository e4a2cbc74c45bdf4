"""The ledger: append-only entries (a Merkle tree in the manner of RFC 9162) and the signed
tree heads computed over them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_kind", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_ledger_entries_object", "ledger_entries", ["object_kind", "object_id"])
    op.create_table(
        "ledger_heads",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("pk"),
    )
    op.create_index("ix_ledger_heads_tree_size", "ledger_heads", ["tree_size"])


def downgrade() -> None:
    op.drop_index("ix_ledger_heads_tree_size", table_name="ledger_heads")
    op.drop_table("ledger_heads")
    op.drop_index("ix_ledger_entries_object", table_name="ledger_entries")
    op.drop_table("ledger_entries")

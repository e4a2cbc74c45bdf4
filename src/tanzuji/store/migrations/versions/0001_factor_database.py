"""The factor database: datasets, factor and process versions, releases, imports, reviews,
quality flags, GWP tables, and full-text search (SQLite FTS5 with the trigram tokenizer, so
Chinese names match by substring; PostgreSQL pg_trgm GIN index for the same queries).

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('datasets',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('publisher', sa.String(length=300), nullable=True),
    sa.Column('licence', sa.String(length=300), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('submitted_by', sa.String(length=100), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('gwp_values',
    sa.Column('gwp_set', sa.String(length=10), nullable=False),
    sa.Column('gas', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('gwp_set', 'gas')
    )
    op.create_table('imports',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.String(length=100), nullable=False),
    sa.Column('file_name', sa.String(length=500), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('imported_by', sa.String(length=100), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ),
    sa.PrimaryKeyConstraint('pk')
    )
    op.create_table('releases',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.String(length=100), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('n_factors', sa.Integer(), nullable=False),
    sa.Column('n_processes', sa.Integer(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('dataset_id', 'number')
    )
    op.create_table('review_events',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=False),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('release_number', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ),
    sa.PrimaryKeyConstraint('pk')
    )
    with op.batch_alter_table('review_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_events_dataset_id'), ['dataset_id'], unique=False)

    op.create_table('factor_versions',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.String(length=100), nullable=False),
    sa.Column('factor_id', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('released', sa.Boolean(), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('record', sa.Text(), nullable=False),
    sa.Column('record_sha256', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=500), nullable=False),
    sa.Column('name_zh', sa.String(length=500), nullable=True),
    sa.Column('unit', sa.String(length=50), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('geography', sa.String(length=50), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('cpc', sa.String(length=20), nullable=True),
    sa.Column('hs', sa.String(length=20), nullable=True),
    sa.Column('cn_stat_code', sa.String(length=30), nullable=True),
    sa.Column('supersedes', sa.String(length=200), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('import_pk', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ),
    sa.ForeignKeyConstraint(['import_pk'], ['imports.pk'], ),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('factor_id', 'version')
    )
    with op.batch_alter_table('factor_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_factor_versions_cpc'), ['cpc'], unique=False)
        batch_op.create_index(batch_op.f('ix_factor_versions_hs'), ['hs'], unique=False)
        batch_op.create_index(batch_op.f('ix_factor_versions_cn_stat_code'), ['cn_stat_code'], unique=False)
        batch_op.create_index('ix_factor_versions_dataset', ['dataset_id', 'released'], unique=False)
        batch_op.create_index(batch_op.f('ix_factor_versions_factor_id'), ['factor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_factor_versions_supersedes'), ['supersedes'], unique=False)
        batch_op.create_index('ix_factor_versions_filter', ['current', 'kind', 'geography', 'year'], unique=False)

    op.create_table('process_versions',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.String(length=100), nullable=False),
    sa.Column('process_id', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('released', sa.Boolean(), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('record', sa.Text(), nullable=False),
    sa.Column('record_sha256', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=500), nullable=False),
    sa.Column('unit', sa.String(length=50), nullable=False),
    sa.Column('import_pk', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ),
    sa.ForeignKeyConstraint(['import_pk'], ['imports.pk'], ),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('process_id', 'version')
    )
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_versions_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_versions_process_id'), ['process_id'], unique=False)

    op.create_table('quality_flags',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('factor_pk', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['factor_pk'], ['factor_versions.pk'], ),
    sa.PrimaryKeyConstraint('pk')
    )
    with op.batch_alter_table('quality_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_flags_factor_pk'), ['factor_pk'], unique=False)

    op.create_table('release_factors',
    sa.Column('release_pk', sa.Integer(), nullable=False),
    sa.Column('factor_pk', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['factor_pk'], ['factor_versions.pk'], ),
    sa.ForeignKeyConstraint(['release_pk'], ['releases.pk'], ),
    sa.PrimaryKeyConstraint('release_pk', 'factor_pk')
    )
    with op.batch_alter_table('release_factors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_release_factors_factor_pk'), ['factor_pk'], unique=False)

    op.create_table('release_processes',
    sa.Column('release_pk', sa.Integer(), nullable=False),
    sa.Column('process_pk', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['process_pk'], ['process_versions.pk'], ),
    sa.ForeignKeyConstraint(['release_pk'], ['releases.pk'], ),
    sa.PrimaryKeyConstraint('release_pk', 'process_pk')
    )

    _create_search_index()


_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE factor_fts USING fts5(search_text, content='factor_versions', "
    "content_rowid='pk', tokenize='trigram')",
    "CREATE TRIGGER factor_fts_ai AFTER INSERT ON factor_versions BEGIN "
    "INSERT INTO factor_fts(rowid, search_text) VALUES (new.pk, new.search_text); END",
    "CREATE TRIGGER factor_fts_ad AFTER DELETE ON factor_versions BEGIN "
    "INSERT INTO factor_fts(factor_fts, rowid, search_text) "
    "VALUES ('delete', old.pk, old.search_text); END",
    "CREATE TRIGGER factor_fts_au AFTER UPDATE OF search_text ON factor_versions BEGIN "
    "INSERT INTO factor_fts(factor_fts, rowid, search_text) "
    "VALUES ('delete', old.pk, old.search_text); "
    "INSERT INTO factor_fts(rowid, search_text) VALUES (new.pk, new.search_text); END",
)


def _create_search_index() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)
        # terms under three characters (two Chinese characters) are matched with LIKE: scan
        # this narrow index rather than the wide table
        op.execute("CREATE INDEX ix_factor_versions_search_text ON factor_versions "
                   "(search_text, pk)")
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_factor_versions_search_trgm ON factor_versions "
                   "USING gin (search_text gin_trgm_ops)")


def _drop_search_index() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_factor_versions_search_text")
        for name in ("factor_fts_ai", "factor_fts_ad", "factor_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS factor_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_factor_versions_search_trgm")


def downgrade() -> None:
    _drop_search_index()
    op.drop_table('release_processes')
    with op.batch_alter_table('release_factors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_release_factors_factor_pk'))

    op.drop_table('release_factors')
    with op.batch_alter_table('quality_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_flags_factor_pk'))

    op.drop_table('quality_flags')
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_versions_process_id'))
        batch_op.drop_index(batch_op.f('ix_process_versions_dataset_id'))

    op.drop_table('process_versions')
    with op.batch_alter_table('factor_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_factor_versions_filter')
        batch_op.drop_index(batch_op.f('ix_factor_versions_supersedes'))
        batch_op.drop_index(batch_op.f('ix_factor_versions_factor_id'))
        batch_op.drop_index('ix_factor_versions_dataset')
        batch_op.drop_index(batch_op.f('ix_factor_versions_cn_stat_code'))
        batch_op.drop_index(batch_op.f('ix_factor_versions_hs'))
        batch_op.drop_index(batch_op.f('ix_factor_versions_cpc'))

    op.drop_table('factor_versions')
    with op.batch_alter_table('review_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_events_dataset_id'))

    op.drop_table('review_events')
    op.drop_table('releases')
    op.drop_table('imports')
    op.drop_table('gwp_values')
    op.drop_table('datasets')

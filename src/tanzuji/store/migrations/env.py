"""Alembic environment: run migrations on the connection :func:`tanzuji.store.db.upgrade`
passes in (or on ``sqlalchemy.url`` when alembic is run by hand)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from tanzuji.store.tables import Base

config = context.config
target_metadata = Base.metadata

connection = config.attributes.get("connection")
if connection is None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()

"""A fresh, migrated database per test: SQLite by default, PostgreSQL when
``TANZUJI_TEST_DATABASE_URL`` names one (``make test-postgres`` sets it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tanzuji.store.factor_db import FactorDB

PG_ENV = "TANZUJI_TEST_DATABASE_URL"


def _reset_postgres(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": parsed.database}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URL of an empty database, also set as TANZUJI_DATABASE_URL for CLI tests."""
    url = os.environ.get(PG_ENV) or f"sqlite:///{tmp_path / 'tanzuji.db'}"
    if url.startswith("postgresql"):
        _reset_postgres(url)
    monkeypatch.setenv("TANZUJI_DATABASE_URL", url)
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[FactorDB]:
    database = FactorDB.open(db_url)
    yield database
    database.engine.dispose()

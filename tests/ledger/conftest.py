"""The ledger on the same fresh database per test as the store's tests (SQLite, or the
PostgreSQL of ``TANZUJI_TEST_DATABASE_URL``), with a signing key made for the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tanzuji import signing
from tanzuji.ledger import Ledger
from tanzuji.store.db import make_engine, upgrade
from tests.store.conftest import db_url  # noqa: F401  (the fixture, shared)


@pytest.fixture
def key_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "keys"
    signing.ensure_key(folder)
    monkeypatch.setenv(signing.ENV_VAR, str(folder))
    return folder


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:  # noqa: F811
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def ledger(engine: Engine, key_dir: Path) -> Ledger:
    return Ledger(engine, key_dir)

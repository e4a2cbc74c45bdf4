"""A migrated database and a key folder per test for the supplier exchange."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tanzuji.store.supply_db import SupplyDB
from tests.server.conftest import example_result, fresh_world, make_settings, world
from tests.store.conftest import db_url

__all__ = ["db_url", "example_result", "fresh_world", "make_settings", "world"]


@pytest.fixture
def supply(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SupplyDB]:
    monkeypatch.setenv("TANZUJI_KEY_DIR", str(tmp_path / "keys"))
    database = SupplyDB.open(db_url, migrate=True)
    yield database
    database.engine.dispose()

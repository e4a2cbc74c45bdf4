"""The factor database writes its state changes to the ledger in the same transaction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tanzuji.ledger import Ledger
from tanzuji.store.factor_db import FactorDB, FactorDBError
from tests.store.test_factor_db import STEEL, write


@pytest.fixture
def db(db_url: str) -> FactorDB:
    return FactorDB.open(db_url)


def test_dataset_import_review_and_release_are_recorded(db: FactorDB, tmp_path: Path,
                                                         key_dir: Path) -> None:
    db.create_dataset("assoc", "association factors", "alice")
    path = write(tmp_path, STEEL)
    db.import_file(path, "assoc", "alice")
    db.submit("assoc", "alice")
    db.review("assoc", "bob", "approve")
    assert db.publish("assoc", "carol") == "assoc@1"
    ledger = Ledger(db.engine, key_dir)
    entries = ledger.entries()
    assert [(e["seq"], e["actor"], e["action"], e["kind"], e["id"]) for e in entries] == [
        (1, "alice", "create", "dataset", "assoc"),
        (2, "alice", "import", "dataset", "assoc"),
        (3, "alice", "submit", "dataset", "assoc"),
        (4, "bob", "start", "dataset", "assoc"),
        (5, "bob", "approve", "dataset", "assoc"),
        (6, "carol", "publish", "dataset", "assoc"),
        (7, "carol", "publish", "release", "assoc@1"),
    ]
    imported = json.loads(entries[1]["payload"])
    assert (imported["added"], imported["file"]) == (3, str(path))
    assert len(imported["file_sha256"]) == 64
    assert json.loads(entries[2]["payload"]) == {"from": "draft", "to": "submitted",
                                                 "comment": None, "release": None}
    release = json.loads(entries[6]["payload"])
    assert release["factors"] == 3 and release["content_sha256"] == db.releases("assoc")[0][
        "sha256"]
    assert ledger.verify().ok


def test_a_refused_change_leaves_no_entry(db: FactorDB, tmp_path: Path, key_dir: Path) -> None:
    db.create_dataset("assoc", "association factors", "alice")
    bad = [*STEEL[:1], "steel:d,coil,,t,abc,carbon_footprint_factor,CN,2022,,s,p,t,l,"]
    with pytest.raises(FactorDBError):
        db.import_file(write(tmp_path, bad), "assoc", "alice")
    with pytest.raises(FactorDBError):
        db.submit("assoc", "alice")  # nothing to submit
    with pytest.raises(FactorDBError):
        db.create_dataset("assoc", "again", "alice")
    assert [e["action"] for e in Ledger(db.engine, key_dir).entries()] == ["create"]

"""Large CSV imports parsed by a second process: the same result as parsing in the importing
process, every problem reported, nothing written when anything is wrong."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tanzuji.factors.formats.csvfile import read_csv
from tanzuji.store import factor_stream
from tanzuji.store.factor_db import FactorDB, FactorDBError
from tanzuji.store.factor_stream import parallel_suits

from .test_factor_db import publish, snapshot

COLUMNS = ["id", "name_en", "name_zh", "unit", "value", "CO2", "CH4", "origin", "kind",
           "geography", "year", "technology", "cpc", "distribution", "gsd", "dqr_reliability",
           "dqr_completeness", "dqr_temporal", "dqr_geographical", "dqr_technological",
           "source", "publisher", "published", "sample_size", "comment"]
PRODUCTS = [("hot-rolled coil", "热轧卷板", "t", 2000.0, "41121"),
            ("clinker", "熟料", "t", 850.0, "37430"),
            ("polyethylene", "聚乙烯", "kg", 2.0, ""),  # no CPC: compared by name
            ("grid electricity", "电网电力", "kWh", 0.58, "17100"),
            ("road freight", "公路货运", "tkm", 0.08, "65119")]


def rows(prefix: str, n: int) -> list[list[str]]:
    """``n`` factors using most of the flat columns; a few are outliers or look like unit
    slips, so that cross-validation has something to flag."""
    out = []
    for i in range(n):
        name, zh, unit, base, cpc = PRODUCTS[i % len(PRODUCTS)]
        value = base * (1 + (i % 7) / 20)
        if i % 997 == 0:
            value *= 1000  # a kg/t slip
        gases = i % 3 == 0
        spread = i % 4 == 0
        dqr = ["2", "3", "2", "1", "4"] if i % 5 == 0 else [""] * 5
        out.append([
            f"{prefix}:{i:05d}", f"{name}, plant {i % 50}", f"{zh}（{i % 50}号厂）", unit,
            "" if gases else f"{value:.6g}", f"{value * 0.9:.6g}" if gases else "",
            f"{value * 0.1 / 27:.6g}" if gases else "", "fossil",
            "carbon_footprint_factor", ["CN", "CN-JS", "CN-GD"][i % 3], str(2018 + i % 6),
            ["BF-BOF", "EAF", ""][i % 3], cpc, "lognormal" if spread else "",
            "1.2" if spread else "", *dqr, f"report {i % 11}", "publisher",
            "2023-05-01" if i % 2 else "", str(i % 40) if i % 2 else "",
            "" if i % 9 else "checked, with a comma"])
    return out


def write(path: Path, body: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(body)
    return path


def unprefixed(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "id": record["id"].split(":", 1)[1]}


def flag_view(report: Any) -> list[tuple[str, str]]:
    return sorted((f.factor_id.split(":", 1)[1], f.code) for f in report.flags)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_parallel_import_stores_what_the_serial_one_does(
        db: FactorDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    monkeypatch.setattr(factor_stream, "start_method", lambda: method)
    db.create_dataset("par", "parsed in a second process", "alice")
    db.create_dataset("seq", "parsed in this process", "alice")
    par = db.import_file(write(tmp_path / "par.csv", rows("p", 4500)), "par", "alice",
                         parallel=True)
    seq = db.import_file(write(tmp_path / "seq.csv", rows("s", 4500)), "seq", "alice",
                         parallel=False)
    assert (par.added, par.changed, par.unchanged, par.withdrawn) == (4500, 0, 0, 0)
    assert (seq.added, seq.changed, seq.unchanged, seq.withdrawn) == (4500, 0, 0, 0)
    assert flag_view(par) == flag_view(seq) and any(c == "unit_suspect"
                                                     for _, c in flag_view(par))
    stored_par = [unprefixed(r.model_dump(mode="json")) for r in db.draft_records("par")]
    stored_seq = [unprefixed(r.model_dump(mode="json")) for r in db.draft_records("seq")]
    assert stored_par == stored_seq
    assert stored_par[0]["provenance"]["publisher"] == "publisher"
    # both are in the search index, found by their Chinese names
    hits = db.search("热轧卷板", drafts=True, limit=2000)
    assert {h["id"][0] for h in hits} == {"p", "s"} and len(hits) == 2 * 900
    shown = db.show("p:00000")
    assert shown["value"] == db.show("s:00000")["value"] and shown["release"] is None


def test_parallel_reimport_counts_and_withdraws(db: FactorDB, tmp_path: Path) -> None:
    db.create_dataset("big", "large", "alice")
    body = rows("b", 4500)
    db.import_file(write(tmp_path / "one.csv", body), "big", "alice", parallel=True)
    assert publish(db, "big") == "big@1"
    body[10][4] = "1234.5"  # a changed value (row 10 has no gas breakdown)
    del body[4000:]  # 500 factors left out
    again = db.import_file(write(tmp_path / "two.csv", body), "big", "alice", replace=True,
                           parallel=True)
    assert (again.added, again.changed, again.unchanged, again.withdrawn) == (0, 1, 3999, 500)
    assert publish(db, "big") == "big@2"
    diff = db.diff("big@1", "big@2")
    assert [c.factor_id for c in diff.changed] == ["b:00010"] and len(diff.withdrawn) == 500
    assert db.show("b:00010")["value"] == 1234.5


def test_parallel_import_with_problems_changes_nothing(db: FactorDB, tmp_path: Path) -> None:
    db.create_dataset("big", "large", "alice")
    db.import_file(write(tmp_path / "first.csv", rows("k", 20)), "big", "alice")
    before = snapshot(db)
    body = rows("b", 4500)
    body[3000][4] = "lots"  # line 3002: the header is line 1
    body[4200][0] = body[100][0]  # line 4202 repeats line 102's id
    path = write(tmp_path / "bad.csv", body)
    with pytest.raises(FactorDBError) as failure:
        db.import_file(path, "big", "alice", parallel=True)
    problems = {(p.row, p.field) for p in failure.value.problems}
    assert problems == {(3002, "value"), (4202, "id")}
    assert all(p.file == str(path) for p in failure.value.problems)
    assert snapshot(db) == before


def test_parallel_import_refuses_ids_of_other_datasets(db: FactorDB, tmp_path: Path) -> None:
    db.create_dataset("mine", "owner", "alice")
    db.create_dataset("theirs", "another", "bob")
    db.import_file(write(tmp_path / "mine.csv", rows("b", 3)[2:]), "mine", "alice")
    before = snapshot(db)
    with pytest.raises(FactorDBError, match="belong to other datasets") as failure:
        db.import_file(write(tmp_path / "theirs.csv", rows("b", 4500)), "theirs", "bob",
                       parallel=True)
    assert [(p.row, p.reason) for p in failure.value.problems] == [
        (4, "id 'b:00002' belongs to dataset 'mine'")]
    assert snapshot(db) == before


def _broken_reader(*_args: Any, **_kwargs: Any) -> None:
    raise MemoryError("no room to parse")


def test_a_failing_parser_is_reported_and_nothing_written(
        db: FactorDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factor_stream, "start_method", lambda: "fork")
    monkeypatch.setattr(factor_stream, "read_csv", _broken_reader)  # the child inherits it
    db.create_dataset("big", "large", "alice")
    before = snapshot(db)
    path = write(tmp_path / "f.csv", rows("b", 100))
    with pytest.raises(RuntimeError, match=r"f\.csv: the parsing process failed") as failure:
        db.import_file(path, "big", "alice", parallel=True)
    assert "MemoryError: no room to parse" in str(failure.value)
    assert snapshot(db) == before


def test_which_imports_are_parsed_in_parallel(db: FactorDB, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    small = write(tmp_path / "small.csv", rows("s", 10))
    large = write(tmp_path / "large.csv", rows("l", 10))
    monkeypatch.setattr(factor_stream, "PARALLEL_FROM_BYTES", small.stat().st_size)
    assert parallel_suits(large, "csv", db.engine)
    assert not parallel_suits(large, "excel", db.engine)
    assert not parallel_suits(tmp_path / "missing.csv", "csv", db.engine)
    memory = FactorDB.open("sqlite://")
    assert not parallel_suits(large, "csv", memory.engine)
    memory.engine.dispose()
    monkeypatch.setattr(factor_stream, "PARALLEL_FROM_BYTES", small.stat().st_size + 1)
    assert not parallel_suits(small, "csv", db.engine)


def test_read_csv_reports_progress_as_it_reads() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / "f.csv", rows("r", 50))
        seen: list[int] = []
        parsed = read_csv(path, on_rows=lambda p: seen.append(len(p.factors)), every=20)
    # called before reading lines 20 and 40 (line 1 is the header)
    assert seen == [18, 38] and len(parsed.factors) == 50

"""The factor database on a real backend: imports, review, releases, search, traceability."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, select, text
from sqlalchemy.exc import SAWarning

from tanzuji.factors import shipped
from tanzuji.factors.formats.csvfile import read_csv, write_csv
from tanzuji.store.db import current_revision, head_revision, upgrade
from tanzuji.store.factor_db import FactorDB, FactorDBError
from tanzuji.store.seed import init_database
from tanzuji.store.tables import Base

HEADER = ("id,name_en,name_zh,unit,value,kind,geography,year,cpc,source,publisher,table,"
          "licence,supersedes\n")
STEEL = [
    "steel:a,hot-rolled coil,热轧卷板,t,2100,carbon_footprint_factor,CN,2022,41121,"
    "Report A,Assoc A,Table 3,CC BY 4.0,",
    "steel:b,hot-rolled coil,热轧卷板,t,1900,carbon_footprint_factor,CN,2022,41121,"
    "Report B,Assoc B,Table 1,CC BY 4.0,",
    "cement:a,Portland cement,硅酸盐水泥,t,740,carbon_footprint_factor,CN-JS,2021,3744,"
    "Paper C,Journal C,Table 2,CC BY 4.0,",
]


def write(tmp_path: Path, rows: list[str], name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def snapshot(db: FactorDB) -> dict[str, list[Any]]:
    """Every row of every table, to prove that a failed operation changed nothing."""
    meta = MetaData()
    with warnings.catch_warnings():  # the rows are what matter, not the expression indexes
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        meta.reflect(db.engine)
    out: dict[str, list[Any]] = {}
    with db.engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            if name.startswith("factor_fts"):
                continue
            out[name] = sorted(map(str, conn.execute(select(table)).all()))
    return out


def publish(db: FactorDB, dataset: str, submitter: str = "alice",
            reviewers: tuple[str, ...] = ("bob",)) -> str:
    db.submit(dataset, submitter)
    for r in reviewers:
        db.review(dataset, r, "approve")
    return db.publish(dataset, "carol")


def test_schema_upgrade_is_idempotent(db: FactorDB) -> None:
    head = head_revision()
    assert current_revision(db.engine) == head and head.isdigit()
    assert upgrade(db.engine) == head


def _declared(obj: Any, name: str | None, kind: str, reflected: bool, _other: Any) -> bool:
    """What the ORM declares: not the full-text tables and indexes the migrations add by hand."""
    hand_made = (kind == "table" and name is not None and name.startswith("factor_fts")) or (
        kind == "index" and name is not None and "search" in name)
    return not hand_made


# an expression index cannot be reflected, so it is not compared (the migration makes it)
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression")
def test_migrations_build_the_tables_the_code_declares(db: FactorDB) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _declared})
        assert compare_metadata(context, Base.metadata) == []


def test_import_review_publish_and_search(db: FactorDB, tmp_path: Path) -> None:
    db.create_dataset("assoc", "association factors", "alice")
    report = db.import_file(write(tmp_path, STEEL), "assoc", "alice")
    assert (report.added, report.changed, report.unchanged) == (3, 0, 0)
    assert db.search("coil") == []  # drafts are not searched by default
    assert len(db.search("coil", drafts=True)) == 2
    assert publish(db, "assoc") == "assoc@1"
    hits = db.search("hot-rolled coil")
    assert [h["id"] for h in hits] == ["steel:a", "steel:b"]
    assert hits[0]["value"] == 2100 and hits[0]["unit"] == "t"
    assert hits[0]["release"] == "assoc@1" and hits[0]["data_year"] == 2022
    assert hits[0]["provenance"]["publisher"] == "Assoc A"
    assert [h["id"] for h in db.search("热轧")] == ["steel:a", "steel:b"]  # 2 characters
    assert [h["id"] for h in db.search("硅酸盐水泥")] == ["cement:a"]
    assert [h["id"] for h in db.search(code="411")] == ["steel:a", "steel:b"]
    assert [h["id"] for h in db.search(geography="CN")] == ["cement:a", "steel:a", "steel:b"]
    assert [h["id"] for h in db.search(geography="CN-JS", year=2021)] == ["cement:a"]
    assert db.search(kind="co2_emission_factor") == []
    assert [h["id"] for h in db.search("portland 3744")] == ["cement:a"]
    # several terms: all must match, whichever index answers each
    assert [h["id"] for h in db.search("coil hot-rolled 热轧 steel:b")] == ["steel:b"]
    assert [h["id"] for h in db.search("COIL 41121", geography="CN")] == ["steel:a", "steel:b"]
    assert db.search('coil "portland"') == []
    assert db.search("100%_coil") == []  # LIKE wildcards are literal


def test_failed_import_changes_nothing(db: FactorDB, tmp_path: Path) -> None:
    db.create_dataset("assoc", "association factors", "alice")
    db.import_file(write(tmp_path, STEEL), "assoc", "alice")
    before = snapshot(db)
    bad = [*STEEL[:2], "steel:c,coil,,widgetz,3,carbon_footprint_factor,CN,2022,,s,p,t,l,",
           "steel:d,coil,,t,abc,carbon_footprint_factor,CN,2022,,s,p,t,l,"]
    with pytest.raises(FactorDBError) as info:
        db.import_file(write(tmp_path, bad, "bad.csv"), "assoc", "alice")
    problems = [str(p) for p in info.value.problems]
    assert any(":4" in p and "unit" in p for p in problems), problems
    assert any(":5" in p and "value" in p for p in problems), problems
    assert snapshot(db) == before
    # an id owned by another dataset fails the whole import inside the transaction
    db.create_dataset("other", "other", "dave")
    before = snapshot(db)
    clash = ["new:1,thing,,kg,1,carbon_footprint_factor,CN,2022,,s,p,t,l,", STEEL[0]]
    with pytest.raises(FactorDBError, match="belong to other datasets") as info:
        db.import_file(write(tmp_path, clash, "clash.csv"), "other", "dave")
    assert "steel:a" in str(info.value.problems[0]) and ":3" in str(info.value.problems[0])
    assert snapshot(db) == before


def test_review_rules(db: FactorDB, tmp_path: Path) -> None:
    db.create_dataset("pub", "public factors", "alice", public=True)
    db.import_file(write(tmp_path, STEEL), "pub", "alice")
    with pytest.raises(FactorDBError, match="publishing needs 2 approving reviews"):
        db.publish("pub", "alice")
    db.submit("pub", "alice")
    with pytest.raises(FactorDBError, match="cannot be changed"):
        db.import_file(write(tmp_path, STEEL), "pub", "alice")
    with pytest.raises(FactorDBError, match="alice submitted this dataset"):
        db.review("pub", "alice", "approve")
    assert db.review("pub", "bob", "approve") == "under_review"
    with pytest.raises(FactorDBError, match="already approved"):
        db.review("pub", "bob", "approve")
    with pytest.raises(FactorDBError, match="1 so far"):
        db.publish("pub", "carol")
    assert db.review("pub", "erin", "reject", "table 3 is per kg, not per t") == "rejected"
    db.import_file(write(tmp_path, STEEL[:2]), "pub", "alice")  # fixing is allowed again
    db.submit("pub", "alice")
    db.review("pub", "bob", "approve")
    assert db.review("pub", "erin", "approve", "checked against the report") == "approved"
    assert db.publish("pub", "carol", "first release") == "pub@1"
    history = db.history("pub")
    actions = [(e["action"], e["actor"], e["to"]) for e in history]
    assert actions == [
        ("create", "alice", "draft"), ("submit", "alice", "submitted"),
        ("start", "bob", "under_review"), ("approve", "bob", "under_review"),
        ("reject", "erin", "rejected"),
        ("edit", "alice", "draft"), ("submit", "alice", "submitted"),
        ("start", "bob", "under_review"), ("approve", "bob", "under_review"),
        ("approve", "erin", "approved"), ("publish", "carol", "published"),
    ]
    assert history[4]["comment"] == "table 3 is per kg, not per t"
    assert all(e["at"] for e in history)


def test_releases_are_immutable_and_diffed(db: FactorDB, tmp_path: Path) -> None:
    db.create_dataset("assoc", "association factors", "alice")
    db.import_file(write(tmp_path, STEEL), "assoc", "alice")
    publish(db, "assoc")
    changed = [STEEL[0].replace(",2100,", ",2050,"), STEEL[2],
               "glass:a,float glass,浮法玻璃,kg,1.1,carbon_footprint_factor,CN,2022,3711,"
               "Report G,Assoc G,Table 9,CC BY 4.0,"]
    report = db.import_file(write(tmp_path, changed), "assoc", "alice", replace=True)
    assert (report.added, report.changed, report.unchanged, report.withdrawn) == (1, 1, 1, 1)
    assert publish(db, "assoc") == "assoc@2"
    d = db.diff("assoc@1", "assoc@2")
    assert d.added == ["glass:a"] and d.withdrawn == ["steel:b"]
    assert [(c.factor_id, c.fields["value"]) for c in d.changed] == [("steel:a", (2100, 2050))]
    old = {r.id: r.value for r in db.release_records("assoc@1")}
    assert old == {"cement:a": 740, "steel:a": 2100, "steel:b": 1900}
    assert db.resolve_release("assoc") == "assoc@2"
    assert [h["value"] for h in db.search("steel:a", release="assoc@1")] == [2100]
    assert [h["value"] for h in db.search("steel:a")] == [2050]
    shown = db.show("steel:a")
    assert [v["releases"] for v in shown["versions"]] == [["assoc@1"], ["assoc@2"]]
    assert shown["versions"][1]["import"]["by"] == "alice"
    assert db.show("steel:a", release="assoc@1")["value"] == 2100
    with pytest.raises(FactorDBError, match="releases of assoc: assoc@1, assoc@2"):
        db.resolve_release("assoc@7")
    with pytest.raises(FactorDBError, match="no changes"):
        db.publish("assoc", "carol")


def test_show_traces_provenance_and_lineage(db: FactorDB, tmp_path: Path) -> None:
    db.create_dataset("assoc", "association factors", "alice")
    newer = ("steel:a2,hot-rolled coil,热轧卷板,t,2000,carbon_footprint_factor,CN,2023,41121,"
             "Report A 2024,Assoc A,Table 4,CC BY 4.0,steel:a")
    db.import_file(write(tmp_path, [*STEEL, newer]), "assoc", "alice")
    publish(db, "assoc")
    shown = db.show("steel:a2")
    assert shown["provenance"]["table"] == "Table 4"
    assert shown["lineage"]["supersedes"] == [{"id": "steel:a", "value": 2100, "found": True}]
    assert db.show("steel:a")["lineage"]["superseded_by"] == ["steel:a2"]
    assert shown["versions"][0]["import"]["file"].endswith("f.csv")
    assert [e["action"] for e in shown["review"]] == ["create", "submit", "start", "approve",
                                                      "publish"]
    with pytest.raises(FactorDBError, match="no factor 'nope'"):
        db.show("nope")


def test_unit_errors_are_flagged_on_import(db: FactorDB, tmp_path: Path) -> None:
    db.create_dataset("assoc", "association factors", "alice")
    rows = [f"steel:{i},hot-rolled coil,,t,{v},carbon_footprint_factor,CN,2022,41121,s,p,t,l,"
            for i, v in enumerate([2000, 2100, 1950, 2050, 2.05])]
    report = db.import_file(write(tmp_path, rows), "assoc", "alice")
    flagged = {f.factor_id for f in report.flags}
    assert flagged == {"steel:4"}
    assert {f.code for f in report.flags} >= {"unit_suspect"}
    assert db.show("steel:4")["flags"]


def test_init_loads_shipped_data_once(db: FactorDB) -> None:
    done = init_database(db)
    assert any("cn-electricity@1" in line for line in done)
    assert any("starter@1" in line for line in done)
    before = snapshot(db)
    assert init_database(db) == []
    assert snapshot(db) == before
    national = db.show("cn-elec-cf:2023:national")
    assert national["value"] == pytest.approx(0.6205)
    assert "2025 No.3" in national["provenance"]["announcement"]
    jiangsu = db.search(geography="CN-JS", kind="co2_emission_factor", year=2022)
    assert [h["id"] for h in jiangsu] == ["cn-elec-co2:2022:CN-JS"]
    starter = {d["id"]: d for d in db.datasets()}["starter"]
    assert starter["factors"] >= 150 and starter["release"] == "starter@1"
    with db.engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM gwp_values WHERE gwp_set = 'AR6'")).scalar()
    assert n and n > 20


def test_init_brings_newer_shipped_data_as_a_new_release(
        db: FactorDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    init_database(db)
    first, second, *rest = read_csv(shipped.starter_file()).factors
    # the next Tanzuji: the first factor corrected, the second dropped, one factor added
    newer = [first.model_copy(update={"comment": "corrected"}), *rest,
             first.model_copy(update={"id": "starter-test:new"})]
    write_csv(tmp_path / "starter.csv", newer)
    monkeypatch.setattr(shipped, "starter_file", lambda: str(tmp_path / "starter.csv"))
    assert init_database(db) == ["updated starter@2: 1 added, 1 changed, 1 withdrawn"]
    assert init_database(db) == []
    diff = db.diff("starter@1", "starter@2")
    assert diff.added == ["starter-test:new"] and diff.withdrawn == [second.id]
    assert [c.factor_id for c in diff.changed] == [first.id]
    # a dataset holding someone's unpublished edits is left alone, and the reason printed
    write_csv(tmp_path / "starter.csv", [first, *rest])
    db.import_file(write(tmp_path, STEEL[:1], "mine.csv"), "starter", "alice")
    assert "pending changes" in init_database(db)[0]

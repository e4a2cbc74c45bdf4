"""FactorDB.draft_summary: what the next release adds, changes and withdraws against the
newest one, and the cross-validation flags on the pending versions only (SQLite, and
PostgreSQL when TANZUJI_TEST_DATABASE_URL names one)."""

from __future__ import annotations

from pathlib import Path

from tanzuji.store.factor_db import FactorDB

HEADER = ("id,name_en,name_zh,unit,value,kind,geography,year,cpc,source,publisher,table,"
          "licence,supersedes\n")
STEEL = ("ds:steel,hot-rolled coil,热轧卷板,t,2100,carbon_footprint_factor,CN,2022,41121,"
         "Report A,Assoc A,Table 3,CC BY 4.0,")
CEMENT = ("ds:cement,Portland cement,硅酸盐水泥,t,740,carbon_footprint_factor,CN,2021,3744,"
          "Paper C,Journal C,Table 2,CC BY 4.0,")
ODD = ("ds:odd,odd slab,异常板坯,t,9000000,carbon_footprint_factor,CN,2022,41122,"
       "Report B,Assoc B,Table 4,CC BY 4.0,")


def write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "factors.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_draft_against_the_newest_release(db: FactorDB, tmp_path: Path) -> None:
    db.create_dataset("ds", "Draft summary", "ed")
    empty = db.draft_summary("ds")
    assert empty == {"added": [], "changed": [], "withdrawn": [], "flags": []}

    db.import_file(write(tmp_path, [STEEL, CEMENT, ODD]), "ds", "ed")
    first = db.draft_summary("ds")
    assert first["added"] == ["ds:cement", "ds:odd", "ds:steel"]
    assert first["changed"] == first["withdrawn"] == []
    assert [(f["factor"], f["code"]) for f in first["flags"]] == [("ds:odd", "out_of_range")]

    db.submit("ds", "ed")
    db.review("ds", "rev", "approve")
    db.publish("ds", "ed")
    assert db.draft_summary("ds") == empty  # everything is released: nothing pending

    db.import_file(write(tmp_path, [STEEL.replace(",2100,", ",2050,"), CEMENT]), "ds", "ed",
                   replace=True)
    second = db.draft_summary("ds")
    assert second["added"] == [] and second["changed"] == ["ds:steel"]
    assert second["withdrawn"] == ["ds:odd"] and second["flags"] == []

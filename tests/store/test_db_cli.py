"""``tanzuji db`` end to end, and a study computed against pinned releases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tanzuji.cli import app
from tanzuji.factors.formats.csvfile import read_csv
from tanzuji.factors.formats.excel import read_excel
from tests.conftest import study_dict
from tests.store.test_factor_db import HEADER, STEEL

runner = CliRunner()


def ok(*args: str) -> str:
    res = runner.invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return res.stdout


def fails(*args: str) -> str:
    res = runner.invoke(app, list(args))
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    return res.output


def csv_file(tmp_path: Path, rows: list[str], name: str = "f.csv") -> str:
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def release_assoc(tmp_path: Path, rows: list[str]) -> None:
    ok("db", "import", csv_file(tmp_path, rows), "-d", "assoc", "--by", "alice")
    ok("db", "submit", "assoc", "--by", "alice")
    ok("db", "review", "assoc", "--approve", "--by", "bob")
    ok("db", "publish", "assoc", "--by", "carol")


def test_db_commands(db_url: str, tmp_path: Path) -> None:
    assert "cn-electricity@1" in ok("db", "init")
    assert "up to date" in ok("db", "init")
    ok("db", "create", "assoc", "--title", "association factors", "--by", "alice")
    report = json.loads(ok("db", "import", csv_file(tmp_path, STEEL), "-d", "assoc", "--by",
                           "alice", "--json"))
    assert report["added"] == 3
    bad = csv_file(tmp_path, ["x:1,thing,,kg,oops,carbon_footprint_factor,CN,2022,,s,p,t,l,"],
                   "bad.csv")
    message = fails("db", "import", bad, "-d", "assoc", "--by", "alice")
    assert "bad.csv:2" in message and "value" in message and "nothing imported" in message
    ok("db", "submit", "assoc", "--by", "alice", "-m", "first batch")
    assert "cannot review" in fails("db", "review", "assoc", "--approve", "--by", "alice")
    assert "needs a --comment" in fails("db", "review", "assoc", "--reject", "--by", "bob")
    ok("db", "review", "assoc", "--approve", "--by", "bob")
    assert "assoc@1" in ok("db", "publish", "assoc", "--by", "carol")

    hits = json.loads(ok("db", "search", "热轧", "-d", "assoc", "--json"))  # starter has 热轧 too
    assert [h["id"] for h in hits] == ["steel:a", "steel:b"]
    for key in ("id", "name_zh", "name_en", "value", "unit", "kind", "data_year", "geography",
                "provenance", "release"):
        assert key in hits[0]
    assert hits[0]["release"] == "assoc@1" and isinstance(hits[0]["provenance"], dict)
    shown = json.loads(ok("db", "show", "steel:a", "--json"))
    assert shown["provenance"]["table"] == "Table 3" and shown["release"] == "assoc@1"
    text = ok("db", "show", "steel:a")
    assert "imported from" in text and "bob: approve" in text
    assert "no factor" in fails("db", "show", "steel:zzz")
    listed = json.loads(ok("db", "list", "--json"))
    assert {d["id"] for d in listed} == {"assoc", "cn-electricity", "starter"}

    out = tmp_path / "assoc.csv"
    ok("db", "export", "assoc@1", "-o", str(out))
    parsed = read_csv(out)
    assert not parsed.problems and [f.id for f in parsed.factors] == ["cement:a", "steel:a",
                                                                      "steel:b"]
    template = tmp_path / "template.xlsx"
    ok("db", "template", str(template))
    empty = read_excel(template)
    assert not empty.problems and not empty.factors

    release_assoc(tmp_path, [STEEL[0].replace(",2100,", ",2300,"), *STEEL[1:]])
    d = json.loads(ok("db", "diff", "assoc@1", "assoc@2", "--json"))
    assert d["changed"] == [{"id": "steel:a", "fields": {"value": {"old": 2100, "new": 2300}}}]
    assert "no release 'assoc@9'" in fails("db", "diff", "assoc@1", "assoc@9")


def _study(tmp_path: Path, releases: list[str]) -> str:
    doc: dict[str, Any] = study_dict([{
        "id": "make", "name": "make", "stage": "production",
        "reference_product": {"name": "widget", "unit": "kg"},
        "inputs": [{"factor": "steel:a", "amount": 2, "unit": "kg"},
                   {"factor": "cn-elec-cf:2023:national", "amount": 10, "unit": "kWh"}],
    }])
    doc["background"] = {"releases": releases}
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_study_against_pinned_and_other_releases(db_url: str, tmp_path: Path) -> None:
    ok("db", "init")
    ok("db", "create", "assoc", "--title", "association factors", "--by", "alice")
    release_assoc(tmp_path, STEEL)
    release_assoc(tmp_path, [STEEL[0].replace(",2100,", ",2300,"), *STEEL[1:]])
    study = _study(tmp_path, ["assoc@1"])
    result = json.loads(ok("calc", study, "--json"))
    assert result["total"] == pytest.approx(2 * 2.1 + 10 * 0.6205)  # 2100 per t = 2.1 per kg
    assert result["provenance"]["releases"] == ["assoc@1"]
    swapped = json.loads(ok("calc", study, "--json", "--release", "assoc@2"))
    assert swapped["total"] == pytest.approx(2 * 2.3 + 10 * 0.6205)
    assert swapped["provenance"]["releases"] == ["assoc@2"]
    assert swapped["pinned"]["releases"] == ["assoc@1"]
    assert abs(swapped["pinned"]["difference"] - 0.4) < 1e-12
    latest = json.loads(ok("calc", _study(tmp_path, ["assoc"]), "--json"))
    assert latest["provenance"]["releases"] == ["assoc@2"]  # the newest, recorded
    message = fails("calc", _study(tmp_path, ["assoc@5"]), "--json")
    assert "study.yaml" in message and "no release 'assoc@5'" in message
    assert "pins no release of 'other'" in fails("calc", study, "--release", "other@1")


def test_a_database_without_schema_says_how_to_make_one(db_url: str, tmp_path: Path) -> None:
    assert "run `tanzuji db init`" in fails("db", "search", "steel")
    message = fails("calc", _study(tmp_path, ["assoc@1"]))
    assert "study.yaml" in message and "run `tanzuji db init`" in message

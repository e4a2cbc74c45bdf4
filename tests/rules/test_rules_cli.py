"""``tanzuji pcr …`` and ``tanzuji check`` end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from tanzuji.cli import app
from tanzuji.rules.library import LIBRARY

from .conftest import EXAMPLES

runner = CliRunner()


def test_pcr_list_json() -> None:
    res = runner.invoke(app, ["pcr", "list", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) >= 8
    assert all(set(r) == {"id", "title_zh", "title_en", "standard", "version"} for r in rows)
    assert any(r["standard"] == "GB/T 44905-2024" for r in rows)


def test_pcr_list_show_schema() -> None:
    res = runner.invoke(app, ["pcr", "list"])
    assert res.exit_code == 0 and "steel-eaf@1.0" in res.stdout
    res = runner.invoke(app, ["pcr", "show", "cn-aluminium-electrolytic", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["cut_off"]["total_percent"] == 5.0
    res = runner.invoke(app, ["pcr", "show", "steel-bf-bof"])
    assert res.exit_code == 0 and "blast furnace" in res.stdout
    res = runner.invoke(app, ["pcr", "checks", "--json"])
    assert res.exit_code == 0 and {"CUT-02", "ELEC-01", "PCR-02"} <= {
        r["rule"] for r in json.loads(res.stdout)}
    res = runner.invoke(app, ["pcr", "schema"])
    assert res.exit_code == 0 and json.loads(res.stdout)["title"] == "PCR"
    res = runner.invoke(app, ["pcr", "show", "no-such-rule"])
    assert res.exit_code == 2 and "unknown PCR" in res.output


def test_pcr_validate(tmp_path: Path) -> None:
    files = [str(p) for p in sorted(LIBRARY.glob("*.yaml"))]
    res = runner.invoke(app, ["pcr", "validate", *files])
    assert res.exit_code == 0, res.output
    assert res.stdout.count("valid") == len(files)
    doc = yaml.safe_load(Path(files[0]).read_text(encoding="utf-8"))
    doc["gwp"] = "AR7"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    res = runner.invoke(app, ["pcr", "validate", str(bad)])
    assert res.exit_code == 2
    assert f"{bad}:" in res.stderr and "gwp" in res.stderr and "AR7" in res.stderr


def test_check_example_passes_with_json() -> None:
    res = runner.invoke(app, ["check", str(EXAMPLES / "steel-bf-bof-hot-rolled.yaml"), "--json",
                              "--mc", "50"])
    assert res.exit_code == 0, res.output
    findings = json.loads(res.stdout)
    assert findings and all({"rule", "severity", "message_zh", "message_en", "location"}
                            <= set(f) for f in findings)
    assert not [f for f in findings if f["severity"] == "E" and not f["confirm"]]
    assert any(f["confirm"] and f["rule"] == "INT-03" for f in findings)


def test_check_fails_on_errors(tmp_path: Path) -> None:
    src = EXAMPLES / "portland-cement.yaml"
    doc = yaml.safe_load(src.read_text(encoding="utf-8"))
    doc["study"]["boundary"] = "gate_to_gate"
    doc["processes"][5]["inputs"][3]["cut_off"] = True  # cement mill power: 2.3 % > 1 %
    doc["background"]["factor_tables"] = [str(src.parent / t)
                                          for t in doc["background"]["factor_tables"]]
    bad = tmp_path / "cement.yaml"
    bad.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    res = runner.invoke(app, ["check", str(bad), "--mc", "0", "--lang", "en", "--no-confirm"])
    assert res.exit_code == 1, res.output
    assert "checked against cement-en16908@1.0" in res.stdout
    assert "E SB-01" in res.stdout and "E CUT-02" in res.stdout
    assert "processes[5].inputs[3]" in res.stdout.split("E CUT-02")[1].split("\n")[0]
    assert "confirm" not in res.stdout.split("\n")[1]
    res = runner.invoke(app, ["check", str(bad), "--mc", "0", "--pcr", "steel-eaf", "--json"])
    assert res.exit_code == 1
    assert any(f["rule"] == "PCR-02" for f in json.loads(res.stdout))


def test_check_reports_bad_input() -> None:
    res = runner.invoke(app, ["check", "no-such-study.yaml"])
    assert res.exit_code == 2 and "no such file" in res.stderr
    res = runner.invoke(app, ["check", str(EXAMPLES / "pv-module.yaml"), "--pcr", "nope"])
    assert res.exit_code == 2 and "unknown PCR" in res.stderr

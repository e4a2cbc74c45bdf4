"""End-to-end tests through the command line: results, schema, and every kind of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tanzuji.cli import app
from tests.conftest import WriteStudy, study_dict

runner = CliRunner()


def _simple() -> dict[str, object]:
    return study_dict([{
        "id": "make", "name": "make", "stage": "production",
        "reference_product": {"name": "widget", "unit": "kg"},
        "inputs": [{"factor": "steel", "amount": 1.5, "unit": "kg",
                    "uncertainty": {"distribution": "lognormal", "gsd": 1.2}},
                   {"process": "part", "amount": 1, "unit": "kg"}],
    }, {
        "id": "part", "name": "part", "stage": "raw_material_acquisition",
        "reference_product": {"name": "part", "unit": "kg"},
        "emissions": [{"gas": "CO2", "amount": 1, "unit": "kg"}],
    }])


def test_calc_json_has_the_documented_keys(write_study: WriteStudy) -> None:
    res = runner.invoke(app, ["calc", str(write_study(_simple())), "--json", "--mc", "300",
                              "--seed", "3"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    for key in ("total", "unit", "by_stage", "by_gas", "fossil", "biogenic_emissions",
                "biogenic_removals", "dluc", "aircraft", "hotspots", "uncertainty"):
        assert key in data
    assert set(data["by_stage"]) == {"raw_material_acquisition", "production", "distribution",
                                     "use", "end_of_life"}
    assert sum(data["by_stage"].values()) == pytest.approx(data["total"])
    assert data["total"] == pytest.approx(1.5 * 2.0 + 1.0)
    assert set(data["uncertainty"]) >= {"mean", "median", "sd", "p2_5", "p97_5"}
    assert data["uncertainty"]["p2_5"] < data["total"] < data["uncertainty"]["p97_5"]


def test_calc_table_and_gwp_option(write_study: WriteStudy) -> None:
    res = runner.invoke(app, ["calc", str(write_study(_simple())), "--gwp", "AR5",
                              "--sensitivity"])
    assert res.exit_code == 0, res.output
    assert "Total: 4" in res.stdout and "AR5" in res.stdout
    assert "Methodological alternatives" in res.stdout


def test_validate_and_schema(write_study: WriteStudy) -> None:
    res = runner.invoke(app, ["validate", str(write_study(_simple()))])
    assert res.exit_code == 0 and "valid" in res.stdout
    res = runner.invoke(app, ["schema"])
    schema = json.loads(res.stdout)
    assert schema["title"] == "Study"
    assert "processes" in schema["properties"]


def _expect_error(path: Path, *fragments: str, extra: tuple[str, ...] = ()) -> str:
    res = runner.invoke(app, ["calc", str(path), *extra])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    for fragment in fragments:
        assert fragment in res.stderr, res.stderr
    return res.stderr


def test_unknown_unit(write_study: WriteStudy) -> None:
    doc = _simple()
    doc["processes"][0]["inputs"][0]["unit"] = "kilofoo"  # type: ignore[index]
    path = write_study(doc)
    _expect_error(path, f"{path}:", "processes[0].inputs[0].unit", "unknown unit 'kilofoo'")


def test_dangling_link(write_study: WriteStudy) -> None:
    doc = _simple()
    doc["processes"][0]["inputs"][1]["process"] = "nowhere"  # type: ignore[index]
    path = write_study(doc)
    stderr = _expect_error(path, "processes[0].inputs[1].process", "unknown process 'nowhere'")
    line = int(stderr.split(f"{path}:")[1].split()[0])
    assert "nowhere" in path.read_text().splitlines()[line - 1]


def test_unknown_factor(write_study: WriteStudy) -> None:
    doc = _simple()
    doc["processes"][0]["inputs"][0]["factor"] = "unobtainium"  # type: ignore[index]
    _expect_error(write_study(doc), "unknown factor 'unobtainium'")


def test_allocation_not_100(write_study: WriteStudy) -> None:
    doc = _simple()
    make = doc["processes"][0]  # type: ignore[index]
    make["reference_product"]["allocation_factor"] = 70
    make["co_products"] = [{"name": "dust", "amount": 1, "unit": "kg", "allocation_factor": 20}]
    make["allocation"] = {"method": "physical"}
    _expect_error(write_study(doc), "processes[0]", "sum to 90 %", "ALLOC-02")


def test_singular_system(write_study: WriteStudy) -> None:
    doc = _simple()
    # the part process consumes 1 kg of its own product per kg made: nothing net is produced
    doc["processes"][1]["inputs"] = [{"process": "part", "amount": 1, "unit": "kg"}]  # type: ignore[index]
    _expect_error(write_study(doc), "cannot be solved", "part")


def test_unknown_gwp_set(write_study: WriteStudy) -> None:
    path = write_study(_simple())
    _expect_error(path, "unknown GWP set 'AR7'", extra=("--gwp", "AR7"))
    doc = _simple()
    doc["study"]["gwp"] = "SAR"  # type: ignore[index]
    _expect_error(write_study(doc), "study.gwp", "unknown GWP set 'SAR'")


def test_malformed_yaml(write_study: WriteStudy) -> None:
    text = yaml.safe_dump(_simple(), sort_keys=False)
    broken = text.replace("processes:", "processes: [oops", 1)
    path = write_study(broken)
    stderr = _expect_error(path, f"{path}:", "malformed YAML")
    assert stderr.split(f"{path}:")[1].split()[0].rstrip(":").isdigit()


def test_malformed_factor_table(write_study: WriteStudy) -> None:
    factors = "id,name,unit,co2e\nsteel,steel,kg,two\n"
    _expect_error(write_study(_simple(), factors=factors), "factors.csv:2", "co2e",
                  "must be a number")


def test_missing_file(tmp_path: Path) -> None:
    _expect_error(tmp_path / "absent.yaml", "absent.yaml", "no such file")


def test_real_console_script_prints_no_traceback(write_study: WriteStudy) -> None:
    doc = _simple()
    doc["processes"][0]["inputs"][0]["unit"] = "kilofoo"  # type: ignore[index]
    exe = Path(sys.executable).with_name("tanzuji")
    proc = subprocess.run([str(exe), "calc", str(write_study(doc))], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "unknown unit" in proc.stderr

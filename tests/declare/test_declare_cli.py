"""``tanzuji declare`` end to end: every format, files and stdout, errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tanzuji.cli import app
from tests.declare.examples import EXAMPLES, INFO
from tests.exchange.schemas import errors

BATTERY = str(EXAMPLES / "lfp-battery-pack.yaml")
STEEL = str(EXAMPLES / "steel-bf-bof-hot-rolled.yaml")
runner = CliRunner()


def test_json_is_the_default_and_chinese() -> None:
    res = runner.invoke(app, ["declare", BATTERY, "--info", str(INFO)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["format"] == "tanzuji-cfp-declaration/1" and doc["language"] == "zh"
    assert doc["designation"] == "产品部分碳足迹"


def test_html_and_pdf_files(tmp_path: Path) -> None:
    html, pdf = tmp_path / "d.html", tmp_path / "d.pdf"
    res = runner.invoke(app, ["declare", STEEL, "--format", "html", "--lang", "en",
                              "--out", str(html)])
    assert res.exit_code == 0, res.output
    assert "Partial carbon footprint of a product" in html.read_text(encoding="utf-8")
    res = runner.invoke(app, ["declare", STEEL, "--format", "pdf", "--out", str(pdf)])
    assert res.exit_code == 0, res.output
    assert pdf.read_bytes().startswith(b"%PDF")


def test_pact_and_eu_battery() -> None:
    res = runner.invoke(app, ["declare", BATTERY, "--format", "pact", "--info", str(INFO)])
    assert res.exit_code == 0, res.output
    assert errors(json.loads(res.stdout)) == []
    res = runner.invoke(app, ["declare", BATTERY, "--format", "eu-battery", "--info",
                              str(INFO)])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["carbon_footprint"]["unit"] == "kg CO2e/kWh"


@pytest.mark.parametrize(("args", "message"), [
    ([STEEL, "--format", "eu-battery", "--info", str(INFO)], "study.pcr"),
    ([STEEL, "--format", "pact"], "company_ids"),
    ([STEEL, "--format", "pdf"], "--out FILE"),
    ([STEEL, "--info", "absent.yaml"], "absent.yaml"),
    (["absent-study.yaml"], "no such file"),
])
def test_errors_are_named(args: list[str], message: str) -> None:
    res = runner.invoke(app, ["declare", *args])
    assert res.exit_code == 2
    assert message in res.output and "Traceback" not in res.output


def test_installed_command(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "tanzuji"
    if not script.exists():
        pytest.skip("the tanzuji script is not installed beside this Python")
    out = tmp_path / "pact.json"
    proc = subprocess.run([str(script), "declare", BATTERY, "--format", "pact", "--info",
                           str(INFO), "--out", str(out)], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {out}" in proc.stderr
    assert json.loads(out.read_text())["pcf"]["declaredUnitOfMeasurement"] == "kilowatt hour"


def test_declared_from_a_saved_result_with_its_study(tmp_path: Path) -> None:
    saved = tmp_path / "battery-result.json"
    res = runner.invoke(app, ["calc", BATTERY, "--out", str(saved)])
    assert res.exit_code == 0, res.output
    direct = json.loads(runner.invoke(app, ["declare", BATTERY, "--info", str(INFO),
                                            "--format", "pact"]).stdout)
    res = runner.invoke(app, ["declare", str(saved), "--study", BATTERY, "--info", str(INFO),
                              "--format", "pact"])
    assert res.exit_code == 0, res.output
    stored = json.loads(res.stdout)
    assert stored["pcf"] == direct["pcf"] and errors(stored) == []
    res = runner.invoke(app, ["declare", str(saved), "--study", STEEL])
    assert res.exit_code != 0 and "another version of the study" in res.output
    res = runner.invoke(app, ["declare", str(saved)])
    assert res.exit_code != 0 and "--study" in res.output

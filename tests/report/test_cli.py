"""`tanzuji report` end to end: from a study, from a saved result, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tanzuji.cli import app
from tanzuji.report.context import REP_01, REP_02, SENS_01
from tests.report.conftest import EXAMPLES, STEEL
from tests.report.elements import Elements

runner = CliRunner()


def test_report_from_a_study_in_english(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    res = runner.invoke(app, ["report", str(STEEL), "--format", "html", "--lang", "en",
                              "--mc", "100", "--seed", "7", "--out", str(out)])
    assert res.exit_code == 0, res.output
    found = Elements(out.read_text(encoding="utf-8"))
    keys = ([f"REP-01:{k}" for k in REP_01] + [f"REP-02:{k}" for k in REP_02]
            + [f"SENS-01:{k}" for k in SENS_01])
    assert all(found.text[k].strip() for k in keys)
    assert "100 draws (seed 7" in found.text["REP-01:uncertainty"]


def test_report_from_a_saved_result_as_pdf(tmp_path: Path) -> None:
    study = EXAMPLES / "lfp-battery-pack.yaml"
    saved = tmp_path / "result.json"
    res = runner.invoke(app, ["calc", str(study), "--mc", "50", "--sensitivity",
                              "--out", str(saved)])
    assert res.exit_code == 0, res.output
    assert json.loads(saved.read_text(encoding="utf-8"))["uncertainty"]["histogram"]["counts"]
    pdf = tmp_path / "report.pdf"
    res = runner.invoke(app, ["report", str(saved), "--study", str(study), "--format", "pdf",
                              "--lang", "zh", "--out", str(pdf)])
    assert res.exit_code == 0, res.output
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_a_saved_result_needs_its_own_study(tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    res = runner.invoke(app, ["calc", str(STEEL), "--sensitivity", "--out", str(saved)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["report", str(saved), "--out", str(out)])
    assert res.exit_code == 2 and "--study" in res.output
    other = EXAMPLES / "portland-cement.yaml"
    res = runner.invoke(app, ["report", str(saved), "--study", str(other), "--out", str(out)])
    assert res.exit_code == 2
    assert "provenance.model_sha256" in res.output and "another version" in res.output
    assert not out.exists()


def test_a_saved_result_without_sensitivity_is_refused(tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    assert runner.invoke(app, ["calc", str(STEEL), "--out", str(saved)]).exit_code == 0
    res = runner.invoke(app, ["report", str(saved), "--study", str(STEEL),
                              "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 2 and "SENS-01" in res.output


def test_bad_inputs_are_named(tmp_path: Path) -> None:
    broken = tmp_path / "result.json"
    broken.write_text('{"provenance": {}, "total": "many"}', encoding="utf-8")
    res = runner.invoke(app, ["report", str(broken), "--study", str(STEEL),
                              "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 2
    assert f"{broken}" in res.output and "total" in res.output
    res = runner.invoke(app, ["report", str(STEEL), "--study", str(STEEL),
                              "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 2 and "--study is only used" in res.output
    res = runner.invoke(app, ["report", str(STEEL), "--lang", "fr",
                              "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 2

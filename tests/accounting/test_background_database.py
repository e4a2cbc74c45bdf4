"""A study whose inputs come from a unit-process background database in matrix form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tanzuji.accounting.calculate import calculate
from tanzuji.model.errors import StudyError
from tests import synthetic
from tests.conftest import WriteStudy, study_dict


@pytest.fixture
def database(tmp_path: Path) -> tuple[Path, np.ndarray]:
    """A 300-activity random database (with loops) and the kg CO2e of one unit of each."""
    return synthetic.write(tmp_path, n=300, seed=3)


def _study(extra_input: dict[str, Any] | None = None) -> dict[str, Any]:
    doc = study_dict([
        {"id": "make", "name": "make", "stage": "production",
         "reference_product": {"name": "widget", "unit": "kg"},
         "inputs": [{"activity": "eco:250", "amount": 2, "unit": "kg",
                     "uncertainty": {"distribution": "normal", "sd": 0.2}},
                    {"process": "part", "amount": 1, "unit": "kg"},
                    *([extra_input] if extra_input else [])]},
        {"id": "part", "name": "part", "stage": "raw_material_acquisition",
         "reference_product": {"name": "part", "unit": "kg"},
         "inputs": [{"activity": "eco:activity 280", "amount": 1000, "unit": "g"}]},
    ])
    doc["background"]["databases"] = [{"id": "eco", "file": "bg.npz"}]
    return doc


def test_inputs_carry_the_database_supply_chain(write_study: WriteStudy,
                                                database: tuple[Path, np.ndarray]) -> None:
    _, y = database
    r = calculate(write_study(_study()))
    assert r.total == pytest.approx(2 * y[250] + y[280], rel=1e-9)
    assert r.by_stage["production"] == pytest.approx(2 * y[250], rel=1e-9)
    assert r.by_stage["raw_material_acquisition"] == pytest.approx(y[280], rel=1e-9)
    assert sum(i.value for i in r.contributions) == pytest.approx(r.total, rel=1e-9)
    assert sum(r.by_gas.values()) == pytest.approx(r.total, rel=1e-9)
    names = {child.name for child in r.tree.children[0].children}
    assert "activity 250" in names


def test_monte_carlo_keeps_stages_on_a_certain_background(
        write_study: WriteStudy, database: tuple[Path, np.ndarray]) -> None:
    _, y = database
    r = calculate(write_study(_study()), iterations=4000, seed=5)
    assert r.uncertainty is not None
    raw = r.uncertainty.by_stage["raw_material_acquisition"]
    assert raw.mean == pytest.approx(y[280], rel=1e-9) and raw.sd < 1e-9 * y[280]
    production = r.uncertainty.by_stage["production"]
    assert production.mean == pytest.approx(2 * y[250], rel=0.01)
    assert production.sd == pytest.approx(0.2 * y[250], rel=0.05)


def test_bad_database_links_are_named(write_study: WriteStudy,
                                      database: tuple[Path, np.ndarray]) -> None:
    doc = _study({"activity": "eco:99999", "amount": 1, "unit": "kg"})
    with pytest.raises(StudyError) as err:
        calculate(write_study(doc))
    problem = err.value.problems[0]
    assert problem.field == "processes[0].inputs[2].activity"
    assert "0..299" in problem.message
    doc = _study()
    doc["background"]["databases"][0]["file"] = "missing.npz"
    with pytest.raises(StudyError) as err:
        calculate(write_study(doc))
    assert err.value.problems[0].field == "background.databases[0].file"

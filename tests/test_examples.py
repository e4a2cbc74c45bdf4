"""The shipped example studies compute, add up, and land in their published ranges."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tanzuji.accounting.calculate import calculate
from tanzuji.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# published benchmark ranges quoted at the top of each example (kg CO2e per unit)
RANGES = {
    "lfp-battery-pack.yaml": (0.12, 0.30),  # 70-175 kg/kWh capacity over ~480 cycles of 1 kWh
    "pv-module.yaml": (350.0, 700.0),  # CPCD c-Si modules 428-500 kg/kW; review range 400-700
    "steel-bf-bof-hot-rolled.yaml": (1900.0, 2400.0),  # CPCD BOF/HRC 1,990-2,310 kg/t
    "portland-cement.yaml": (600.0, 900.0),  # CPCD P.O 42.5 611-838 kg/t
}


@pytest.mark.parametrize("name", sorted(RANGES))
def test_example_in_published_range(name: str) -> None:
    r = calculate(EXAMPLES / name, iterations=200, seed=1, sensitivity=True)
    low, high = RANGES[name]
    assert low <= r.total <= high
    assert sum(r.by_stage.values()) == pytest.approx(r.total, rel=1e-9)
    assert sum(i.value for i in r.contributions) == pytest.approx(r.total, rel=1e-9)
    assert r.uncertainty is not None and r.uncertainty.p2_5 < r.uncertainty.p97_5
    assert r.sensitivity is not None and r.sensitivity.exchanges


def test_demo_compares_all_examples() -> None:
    res = CliRunner().invoke(app, ["demo", str(EXAMPLES), "--mc", "50"])
    assert res.exit_code == 0, res.output
    assert "4 example studies" in res.stdout
    for name in RANGES:
        assert f"calculating {name}" in res.stdout

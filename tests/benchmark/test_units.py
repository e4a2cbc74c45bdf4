"""Footprints converted to the declared unit, and mismatches refused."""

from __future__ import annotations

import pytest

from tanzuji.benchmark.units import BenchmarkUnitError, convert_footprint, per_unit, split_per_unit


def test_per_kg_to_per_t() -> None:
    assert per_unit(16.38, "kg", "t") == pytest.approx(16380)
    assert per_unit(735, "t", "t") == 735


@pytest.mark.parametrize(("text", "value"), [
    ("kg CO2e per 1 t", 735.0), ("kg CO2e/t", 735.0), ("kgCO2e/kg", 735000.0),
    ("t CO2e per 1 t", 735000.0), ("kg CO2e per 1000 kg", 735.0), ("g CO2e per 1 kg", 735.0)])
def test_result_and_certificate_units(text: str, value: float) -> None:
    assert convert_footprint(735.0, text, "t") == pytest.approx(value)


def test_mismatches_are_refused_clearly() -> None:
    with pytest.raises(BenchmarkUnitError, match="per kWh cannot be compared per t"):
        per_unit(0.6, "kWh", "t")
    with pytest.raises(BenchmarkUnitError, match="not a footprint unit"):
        split_per_unit("euro per t")
    with pytest.raises(BenchmarkUnitError, match="positive"):
        split_per_unit("kg CO2e per 0 t")

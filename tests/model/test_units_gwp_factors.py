"""Units, GWP sets and the shipped official electricity factors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tanzuji.gwp import GWPError, canonical_gas, gwp_set
from tanzuji.model.errors import StudyError
from tanzuji.model.factors import (
    official_electricity_factors,
    read_factor_table,
    resolve_electricity,
)
from tanzuji.units import UnitError, conversion_factor


def test_unit_conversions() -> None:
    assert conversion_factor("g", "kg") == pytest.approx(1e-3)
    assert conversion_factor("kWh", "MJ") == pytest.approx(3.6)
    assert conversion_factor("t*km", "tkm") == pytest.approx(1.0)
    assert conversion_factor("m3", "L") == pytest.approx(1000.0)
    with pytest.raises(UnitError, match="cannot be converted"):
        conversion_factor("kg", "kWh")
    with pytest.raises(UnitError, match="unknown unit"):
        conversion_factor("kg", "furlongs_per_fortnight_x")


def test_gwp_sets_from_the_packaged_tables() -> None:
    ar6 = gwp_set("ar6")
    assert (ar6.factor("CH4"), ar6.factor("CH4", non_fossil=True)) == (29.8, 27.0)
    assert ar6.factor("N2O") == 273 and ar6.factor("SF6") == 25200
    assert gwp_set("AR5").factor("HFC-134a") == 1300
    assert gwp_set("AR4").factor("CH4", non_fossil=True) == 25
    assert canonical_gas("hfc134a") == "HFC134a"
    with pytest.raises(GWPError, match="unknown GWP set"):
        gwp_set("AR7")
    with pytest.raises(GWPError, match="unknown greenhouse gas"):
        canonical_gas("H2O")


def test_official_electricity_factors_are_all_shipped() -> None:
    table = official_electricity_factors()
    assert table["cn-elec-cf:2023:national"].co2e == 0.6205
    assert table["cn-elec-cf:2024:national"].co2e == 0.5777
    assert table["cn-elec-co2:2021:national-excl-traded-nonfossil"].gases == {"CO2": 0.5942}
    assert table["cn-elec-co2:2023:southwest"].gases == {"CO2": 0.2472}
    provinces = [k for k in table if k.startswith("cn-elec-co2:2022:CN-")]
    assert len(provinces) == 30
    assert resolve_electricity("CN", "carbon_footprint_factor", None) == "cn-elec-cf:2024:national"
    with pytest.raises(KeyError, match="CO2 emission factors only"):
        resolve_electricity("CN-JS", "carbon_footprint_factor", None)


def test_factor_table_errors_name_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("# a comment\nid,unit,co2e,origin\nok,kg,1.0,fossil\nbad,kg,1.0,volcanic\n"
                    "ok,kg,2.0,fossil\nnounit,,1,fossil\n", encoding="utf-8")
    with pytest.raises(StudyError) as err:
        read_factor_table(path)
    found = {(p.line, p.field) for p in err.value.problems}
    assert found == {(4, "origin"), (5, "id"), (6, "unit")}

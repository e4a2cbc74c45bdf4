"""Cross-validation on crafted classes whose answers are worked out by hand."""

from __future__ import annotations

import math
import statistics

import pytest

from tanzuji.factors.crossval import (
    Comparison,
    outliers,
    product_class,
    spread,
    unit_suspects,
)
from tanzuji.factors.record import FactorRecord


def _f(fid: str, value: float, unit: str = "kg", name: str = "Steel, hot rolled",
       cpc: str | None = None, **more: object) -> FactorRecord:
    return FactorRecord.model_validate({"id": fid, "name_en": name, "unit": unit,
                                        "value": value, "cpc": cpc, **more})


# 8 steel factors, median 2.0; 'steel:h' is 3x the median
STEEL = [_f(f"steel:{c}", v, cpc="41231")
         for c, v in zip("abcdefgh", (1.8, 1.9, 2.0, 2.0, 2.0, 2.1, 2.2, 6.0), strict=True)]
# cement given per t and per kg, all consistent: no flag of any kind
CEMENT = [_f("cement:a", 850.0, "t", "Portland cement"),
          _f("cement:b", 0.87, "kg", "portland  CEMENT"),
          _f("cement:c", 900.0, "t", "Portland cement"),
          _f("cement:d", 880.0, "t", "Portland cement"),
          _f("cement:e", 0.86, "kg", "Portland cement")]


def test_outlier_at_three_times_the_median() -> None:
    logs = [math.log10(f.co2e()) for f in STEEL]
    median = statistics.median(logs)  # log10(2.0): the middle pair are both 2.0
    assert median == pytest.approx(math.log10(2.0))
    # |deviations|: 0, 0, 0, log10(1.05), log10(0.95) in abs, log10(1.1), log10(0.9) in abs,
    # log10(3); the MAD is the mean of the 4th and 5th smallest
    mad = (math.log10(1.05) + abs(math.log10(0.95))) / 2
    assert statistics.median(abs(x - median) for x in logs) == pytest.approx(mad)
    z = 0.6745 * math.log10(3.0) / mad  # about 14.8
    flags = outliers(STEEL)
    assert [(f.factor_id, f.code) for f in flags] == [("steel:h", "outlier")]
    details = flags[0].details
    assert details["z"] == pytest.approx(z)
    assert details["median"] == pytest.approx(2.0)
    assert (details["class"], details["n"]) == ("cpc:41231", 8)
    assert "outlier among 8" in flags[0].message
    # the next most extreme member, 1.8, stays inside the threshold
    assert 0.6745 * abs(math.log10(0.9)) / mad < 3.5
    assert outliers(STEEL, threshold=20.0) == []
    assert outliers(STEEL[5:]) == []  # 3 members: too few for robust statistics


def test_unit_error_found_in_both_directions() -> None:
    steel = [*STEEL[:4], _f("steel:kg-as-t", 2050.0, cpc="41231")]  # per t typed per kg
    flags = unit_suspects(steel)
    codes = [(f.factor_id, f.code) for f in flags]
    assert codes == [("steel:kg-as-t", "out_of_range"), ("steel:kg-as-t", "unit_suspect")]
    suspect = flags[1]
    assert suspect.message.startswith("looks like a unit error: x1000 off, check unit")
    assert suspect.details["steps"] == 1
    # the others' median on the log scale: between 1.9 and 2.0, i.e. their geometric mean
    assert suspect.details["median"] == pytest.approx(math.sqrt(1.9 * 2.0))
    assert suspect.details["ratio"] == pytest.approx(2050.0 / math.sqrt(1.9 * 2.0))
    aluminium = [_f(f"al:{i}", v, "t", "Aluminium ingot") for i, v in
                 enumerate((16000.0, 17000.0, 15500.0, 16.5))]
    flags = unit_suspects(aluminium)
    assert [(f.factor_id, f.code) for f in flags] == [("al:3", "unit_suspect")]
    assert "x1/1000 off" in flags[0].message
    # the 1000x value is also a robust-z outlier of its class
    assert [f.factor_id for f in outliers(steel)] == ["steel:kg-as-t"]


def test_consistent_class_has_no_flags() -> None:
    assert len({product_class(f) for f in CEMENT}) == 1
    assert outliers(CEMENT) == []
    assert unit_suspects(CEMENT) == []
    assert outliers(STEEL[:7]) == [] and unit_suspects(STEEL[:7]) == []


def test_plausibility_ranges_and_negatives() -> None:
    factors = [
        _f("elec", 2.5, "kWh", "Electricity"),          # > 2 per kWh
        _f("elec-mwh", 580.0, "MWh", "Electricity b"),  # 0.58 per kWh: fine
        _f("heat", 0.07, "MJ", "Heat"),                 # fine
        _f("heat-gj", 900.0, "GJ", "Heat b"),           # 0.9 per MJ
        _f("truck", 0.0001, "tkm", "Truck"),            # 1e-4: on the edge, fine
        _f("ship", 12.0, "tkm", "Ship"),                # > 5 per tkm
        _f("steel-g", 2.0, "g", "Steel g"),             # 2000 per kg
        _f("credit", -1.2, "kg", "Recycling credit"),   # negative, but a credit
        _f("wood", -1.6, "kg", "Wood", origin="biogenic"),
        _f("oops", -0.5, "kg", "Cement clinker"),       # negative: flagged
        _f("piece", 5000.0, "piece", "Phone"),          # no range for pieces
    ]
    flags = unit_suspects(factors)
    assert [(f.factor_id, f.code) for f in flags] == [
        ("elec", "out_of_range"), ("heat-gj", "out_of_range"), ("oops", "negative"),
        ("ship", "out_of_range"), ("steel-g", "out_of_range")]
    by_id = {f.factor_id: f for f in flags}
    assert by_id["heat-gj"].details["value"] == pytest.approx(0.9)
    assert by_id["steel-g"].details["value"] == pytest.approx(2000.0)
    assert by_id["steel-g"].details["unit"] == "kg"


def test_spread_by_hand() -> None:
    base = {"name": "Portland cement", "geography": "CN"}
    factors = [
        _f("c2020", 800.0, "t", year=2020, **base),
        _f("c2021", 0.9, "kg", year=2021, **base),             # 900 per t
        _f("c2019", 850.0, "t", year=2019, **base),
        _f("c2022", 700.0, "t", year=2022, **base),            # 2 years from 2020
        _f("c-js", 950.0, "t", year=2020, name="Portland cement", geography="CN-JS"),
        _f("c-kwh", 1.0, "kWh", year=2020, **base),            # cannot be compared
        _f("c-co2", 500.0, "t", year=2020, kind="co2_emission_factor", **base),
        _f("lime", 1000.0, "t", year=2020, name="Lime", geography="CN"),
    ]
    result = {c.factor_id: c for c in spread(factors)}
    c = result["c2020"]
    assert c == Comparison(factor_id="c2020", unit="t", value=800.0, n=2,
                           min=850.0, median=pytest.approx(875.0), max=pytest.approx(900.0),
                           deviation=pytest.approx((800 - 875) / 875),
                           peers=("c2019", "c2021"))
    # 2021 sees 2020 and 2022 (per kg): 0.8 and 0.7 -> median 0.75
    c21 = result["c2021"]
    assert (c21.n, c21.unit, c21.median) == (2, "kg", pytest.approx(0.75))
    assert c21.deviation == pytest.approx((0.9 - 0.75) / 0.75)
    assert "c-js" not in result and "lime" not in result and "c-co2" not in result
    assert list(result) == sorted(result)


def test_spread_prefers_cpc_when_both_have_one() -> None:
    a = _f("a", 2.0, cpc="41231", name="Steel")
    b = _f("b", 2.2, cpc="41231", name="Hot-rolled coil")   # same cpc, other name
    c = _f("c", 9.0, cpc="41100", name="Steel")             # same name, other cpc
    d = _f("d", 2.4, name="steel")                          # no cpc: the name decides
    result = {x.factor_id: x for x in spread([a, b, c, d])}
    assert result["a"].peers == ("b", "d")
    assert result["c"].peers == ("d",)
    assert result["d"].peers == ("a", "c")

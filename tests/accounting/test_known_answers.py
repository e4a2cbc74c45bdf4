"""Known-answer tests: every expected number is worked out by hand here."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tanzuji.accounting.calculate import calculate
from tanzuji.model.errors import StudyError
from tests.conftest import WriteStudy, study_dict


def proc(pid: str, stage: str = "production", unit: str = "kg", **kw: Any) -> dict[str, Any]:
    return {"id": pid, "name": pid, "stage": stage,
            "reference_product": {"name": pid, "unit": unit}, **kw}


def include(doc: dict[str, Any], *stages: str) -> dict[str, Any]:
    """Bring more life-cycle stages into the boundary of a test study."""
    for stage in stages:
        doc["study"]["stages"][stage] = {"included": True}
    return doc


def assert_adds_up(result: Any) -> None:
    assert sum(result.by_stage.values()) == pytest.approx(result.total, rel=1e-12, abs=1e-12)
    assert sum(result.by_gas.values()) == pytest.approx(result.total, rel=1e-12, abs=1e-12)
    parts = (result.fossil + result.biogenic_emissions + result.biogenic_removals
             + result.dluc + result.aircraft)
    assert parts == pytest.approx(result.total, rel=1e-12, abs=1e-12)
    assert sum(i.value for i in result.contributions) == pytest.approx(result.total, rel=1e-12)


def test_two_process_loop(write_study: WriteStudy) -> None:
    # electricity needs 0.05 kg coal per kWh; coal needs 0.1 kWh per kg: a loop
    doc = study_dict([
        proc("power", unit="kWh",
             inputs=[{"process": "coal", "amount": 0.05, "unit": "kg"}],
             emissions=[{"gas": "CO2", "amount": 0.9, "unit": "kg"}]),
        proc("coal", stage="raw_material_acquisition",
             inputs=[{"process": "power", "amount": 0.1, "unit": "kWh"}],
             emissions=[{"gas": "CH4", "origin": "fossil", "amount": 0.002, "unit": "kg"}]),
    ])
    r = calculate(write_study(doc))
    s_power = 1.0 / (1.0 - 0.05 * 0.1)
    s_coal = 0.05 * s_power
    assert r.by_stage["production"] == pytest.approx(0.9 * s_power)
    assert r.by_stage["raw_material_acquisition"] == pytest.approx(0.002 * 29.8 * s_coal)
    assert r.total == pytest.approx(0.9 * s_power + 0.002 * 29.8 * s_coal)
    assert_adds_up(r)


def _coproduct_study(allocation: dict[str, Any], a: dict[str, Any], b: dict[str, Any]
                     ) -> dict[str, Any]:
    # P makes 1 kg of A and 3 kg of B; burden: 10 kg CO2 + 2 kg steel (2 kg CO2e/kg) = 14
    return study_dict([{
        "id": "P", "name": "P", "stage": "production",
        "reference_product": {"name": "A", "amount": 1, "unit": "kg", **a},
        "co_products": [{"name": "B", "amount": 3, "unit": "kg", **b}],
        "allocation": allocation,
        "inputs": [{"factor": "steel", "amount": 2, "unit": "kg"}],
        "emissions": [{"gas": "CO2", "amount": 10, "unit": "kg"}],
    }])


@pytest.mark.parametrize(
    ("allocation", "a", "b", "expected"),
    [
        ({"method": "physical", "basis": "kg"}, {}, {}, 14 * 1 / 4),
        ({"method": "economic"}, {"price": 30}, {"price": 10}, 14 * 30 / 60),
        ({"method": "physical"}, {"allocation_factor": 40}, {"allocation_factor": 60}, 14 * 0.4),
        ({"method": "system_expansion"}, {},
         {"substitutes": {"factor": "steel", "amount": 3, "unit": "kg"}}, 14 - 3 * 2.0),
    ],
)
def test_coproduct_allocation(write_study: WriteStudy, allocation: dict[str, Any],
                              a: dict[str, Any], b: dict[str, Any], expected: float) -> None:
    r = calculate(write_study(_coproduct_study(allocation, a, b)))
    assert r.total == pytest.approx(expected)
    assert_adds_up(r)


def test_allocation_must_sum_to_100(write_study: WriteStudy) -> None:
    doc = _coproduct_study({"method": "physical"}, {"allocation_factor": 40},
                           {"allocation_factor": 50})
    with pytest.raises(StudyError) as err:
        calculate(write_study(doc))
    problem = err.value.problems[0]
    assert "sum to 90 %" in problem.message and problem.line is not None
    assert problem.field == "processes[0]"


def test_biogenic_uptake_and_release(write_study: WriteStudy) -> None:
    doc = study_dict([proc(
        "board", biogenic_carbon_content={"amount": 0.409, "unit": "kg"},
        inputs=[{"factor": "steel", "amount": 0.1, "unit": "kg"}],
        emissions=[{"gas": "CO2", "origin": "biogenic", "amount": 0.2, "unit": "kg"},
                   {"gas": "CH4", "origin": "biogenic", "amount": 0.01, "unit": "kg"}],
        removals=[{"gas": "CO2", "origin": "biogenic", "amount": 1.5, "unit": "kg"}],
    )])
    r = calculate(write_study(doc))
    assert r.biogenic_removals == pytest.approx(-1.5)  # BIO-01: -1 per kg CO2 taken up
    assert r.biogenic_emissions == pytest.approx(0.2 + 0.01 * 27.0)  # non-fossil CH4
    assert r.fossil == pytest.approx(0.2)
    assert r.total == pytest.approx(0.2 + 0.47 - 1.5)
    assert r.biogenic_carbon_content == pytest.approx(0.409)
    assert_adds_up(r)


@pytest.mark.parametrize(("gwp", "fossil", "nonfossil"),
                         [("AR6", 29.8, 27.0), ("AR5", 30.0, 28.0), ("AR4", 25.0, 25.0)])
def test_methane_by_origin(write_study: WriteStudy, gwp: str, fossil: float,
                           nonfossil: float) -> None:
    doc = study_dict([proc("digester", emissions=[
        {"gas": "CH4", "origin": "fossil", "amount": 1, "unit": "kg"},
        {"gas": "CH4", "origin": "biogenic", "amount": 1, "unit": "kg"},
    ])])
    r = calculate(write_study(doc), gwp=gwp)
    assert r.by_gas["CH4_fossil"] == pytest.approx(fossil)
    assert r.by_gas["CH4_nonfossil"] == pytest.approx(nonfossil)
    assert r.total == pytest.approx(fossil + nonfossil)
    assert r.provenance.gwp == gwp


def test_excluded_stage_cannot_hold_processes(write_study: WriteStudy) -> None:
    doc = study_dict([proc("x", stage="use", emissions=[{"gas": "CO2", "amount": 1,
                                                         "unit": "kg"}])])
    with pytest.raises(StudyError) as err:
        calculate(write_study(doc))
    assert err.value.problems[0].field == "processes[0].stage"


def test_methane_needs_an_origin(write_study: WriteStudy) -> None:
    doc = study_dict([proc("x", emissions=[{"gas": "CH4", "amount": 1, "unit": "kg"}])])
    with pytest.raises(StudyError) as err:
        calculate(write_study(doc))
    assert "BIO-03" in err.value.problems[0].message


def test_aircraft_leg_reported_apart(write_study: WriteStudy) -> None:
    doc = include(study_dict([proc("ship", stage="distribution", transport=[
        {"mode": "air", "mass": {"amount": 2, "unit": "kg"},
         "distance": {"amount": 5000, "unit": "km"}},
        {"mode": "road", "tkm": 100},
    ])]), "distribution")
    r = calculate(write_study(doc))
    assert r.aircraft == pytest.approx(0.002 * 5000 * 1.0)
    assert r.fossil == pytest.approx(100 * 0.1)
    assert r.by_stage["distribution"] == pytest.approx(20.0)
    assert_adds_up(r)


@pytest.mark.parametrize("mass", [3.0, 5.0])
def test_parameterised_family(write_study: WriteStudy, mass: float) -> None:
    doc = study_dict([proc(
        "frame", inputs=[{"factor": "steel", "amount": "steel_in", "unit": "kg"}],
    )])
    doc["parameters"] = {
        "mass_kg": {"value": mass},
        "yield_loss": {"value": 0.05},
        "steel_in": {"formula": "mass_kg * (1 + yield_loss)"},
    }
    r = calculate(write_study(doc))
    assert r.total == pytest.approx(mass * 1.05 * 2.0)


def test_units_are_converted(write_study: WriteStudy) -> None:
    doc = study_dict([proc("x", unit="t",
                           inputs=[{"factor": "steel", "amount": 500, "unit": "g"}],
                           emissions=[{"gas": "N2O", "amount": 1, "unit": "g"}])])
    doc["study"]["unit"]["reference_flow"] = {"process": "x", "amount": 1000, "unit": "kg"}
    r = calculate(write_study(doc))
    assert r.total == pytest.approx(0.5 * 2.0 + 0.001 * 273)


def test_avoided_burden_credit(write_study: WriteStudy) -> None:
    doc = include(study_dict([proc("scrap", stage="end_of_life", end_of_life={
        "approach": "avoided_burden",
        "credits": [{"factor": "steel", "amount": 0.5, "unit": "kg"}]})]), "end_of_life")
    r = calculate(write_study(doc))
    assert r.total == pytest.approx(-1.0)
    assert r.by_stage["end_of_life"] == pytest.approx(-1.0)


def test_circular_footprint_formula(write_study: WriteStudy) -> None:
    factors = ("id,name,unit,co2e\nsteel,virgin,kg,2.0\nrec,recycling,kg,0.5\n"
               "disp,landfill,kg,0.1\n")
    doc = include(study_dict([proc("eol", stage="end_of_life", end_of_life={
        "approach": "cff",
        "cff": [{"mass": {"amount": 1, "unit": "kg"}, "A": 0.2, "R1": 0.3, "R2": 0.5,
                 "Ev": "steel", "Erecycled": "rec", "ErecyclingEoL": "rec", "ED": "disp"}]})]),
        "end_of_life")
    r = calculate(write_study(doc, factors=factors))
    a, r1, r2 = 0.2, 0.3, 0.5
    expected = ((1 - r1) * 2.0 + r1 * (a * 0.5 + (1 - a) * 2.0)
                + (1 - a) * r2 * (0.5 - 2.0) + (1 - r2) * 0.1)
    assert r.total == pytest.approx(expected)


def test_official_electricity_factors(write_study: WriteStudy) -> None:
    doc = study_dict([proc("x", inputs=[{"factor": "electricity:CN", "amount": 10,
                                         "unit": "kWh"}])])
    r = calculate(write_study(doc))
    assert r.total == pytest.approx(10 * 0.5777)  # 2024 national carbon-footprint factor
    assert not r.notes
    doc["background"]["electricity"] = {"kind": "co2_emission_factor", "year": 2022}
    doc["processes"][0]["inputs"][0]["factor"] = "electricity:CN-JS"
    r = calculate(write_study(doc))
    assert r.total == pytest.approx(10 * 0.5978)  # Jiangsu 2022 grid CO2 factor
    assert [n.code for n in r.notes] == ["ELEC-01"]


def test_gas_resolved_factor_follows_the_gwp_set(write_study: WriteStudy) -> None:
    factors = "id,name,unit,CO2,CH4\ngas,natural gas,m3,1.0,0.1\n"
    doc = study_dict([proc("x", inputs=[{"factor": "gas", "amount": 1, "unit": "m**3"}])])
    path = write_study(doc, factors=factors)
    assert calculate(path).total == pytest.approx(1 + 0.1 * 29.8)
    assert calculate(path, gwp="AR5").total == pytest.approx(1 + 0.1 * 30)


def test_reference_flow_formula_scales_the_result(write_study: WriteStudy) -> None:
    # 1 kWh of lifetime energy from a 2 kWh pack cycled 1000 times: 1/2000 pack per kWh
    doc = study_dict([proc("pack", unit="piece",
                           inputs=[{"factor": "steel", "amount": 50, "unit": "kg"}])])
    doc["parameters"] = {"capacity": {"value": 2.0}, "cycles": {"value": 1000}}
    doc["study"]["unit"] = {
        "kind": "functional", "description": "1 kWh delivered over service life", "unit": "kWh",
        "reference_flow": {"process": "pack", "amount": "1 / (capacity * cycles)",
                           "unit": "piece"}}
    r = calculate(write_study(doc))
    assert r.total == pytest.approx(100.0 / 2000)
    assert r.unit == "kg CO2e per 1 kWh"


def test_monte_carlo_converges_to_the_lognormal_mean(write_study: WriteStudy) -> None:
    sigma = math.log(1.5)
    doc = study_dict([proc("x", inputs=[{
        "factor": "steel", "amount": 1, "unit": "kg",
        "uncertainty": {"distribution": "lognormal", "gsd": 1.5}}])])
    path = write_study(doc)
    r = calculate(path, iterations=20000, seed=7)
    assert r.uncertainty is not None
    mean = 2.0 * math.exp(sigma**2 / 2)
    sd = 2.0 * math.sqrt((math.exp(sigma**2) - 1) * math.exp(sigma**2))
    assert r.uncertainty.mean == pytest.approx(mean, abs=4 * sd / math.sqrt(20000))
    assert r.uncertainty.median == pytest.approx(2.0, rel=0.02)
    again = calculate(path, iterations=20000, seed=7)
    assert again.uncertainty is not None
    assert again.uncertainty.mean == r.uncertainty.mean  # reproducible under a seed
    other = calculate(path, iterations=20000, seed=8)
    assert other.uncertainty is not None and other.uncertainty.mean != r.uncertainty.mean


def test_monte_carlo_stages_keep_their_own_burden(write_study: WriteStudy) -> None:
    # only the production process is uncertain; the raw-material stage must keep its own share
    doc = study_dict([
        proc("make", inputs=[
            {"process": "part", "amount": 1, "unit": "kg"},
            {"factor": "steel", "amount": 1, "unit": "kg",
             "uncertainty": {"distribution": "normal", "sd": 0.1}}]),
        proc("part", stage="raw_material_acquisition",
             inputs=[{"factor": "steel", "amount": 0.5, "unit": "kg"}]),
    ])
    r = calculate(write_study(doc), iterations=2000, seed=1)
    assert r.uncertainty is not None
    raw = r.uncertainty.by_stage["raw_material_acquisition"]
    assert raw.mean == pytest.approx(1.0) and raw.sd == pytest.approx(0.0, abs=1e-12)
    assert r.uncertainty.by_stage["production"].sd == pytest.approx(0.2, rel=0.1)


def test_monte_carlo_formula_failing_on_a_draw_names_its_line(write_study: WriteStudy) -> None:
    # sqrt(d) is fine at d's central value but not for the negative draws of d
    doc = study_dict([proc("x", inputs=[{"factor": "steel", "amount": "sqrt(d)", "unit": "kg"}])])
    doc["parameters"] = {"d": {"value": 0.01, "uncertainty": {"distribution": "normal",
                                                              "sd": 1.0}}}
    path = write_study(doc)
    assert calculate(path).total == pytest.approx(0.2)
    with pytest.raises(StudyError) as info:
        calculate(path, iterations=200, seed=1)
    problem = info.value.problems[0]
    assert problem.code == "formula" and "sqrt(d)" in problem.message
    assert problem.line is not None and problem.file == str(path)


def test_sensitivity_ranks_exchanges_and_parameters(write_study: WriteStudy) -> None:
    doc = study_dict([proc("x", inputs=[
        {"factor": "steel", "amount": "m", "unit": "kg"},
        {"factor": "electricity:CN", "amount": 1, "unit": "kWh"}])])
    doc["parameters"] = {"m": {"value": 2.0}}
    r = calculate(write_study(doc), sensitivity=True)
    assert r.sensitivity is not None
    total = 4.0 + 0.5777
    steel = next(e for e in r.sensitivity.exchanges if e.path == "processes[0].inputs[0]")
    assert steel.elasticity == pytest.approx(4.0 / total)
    m = r.sensitivity.parameters[0]
    assert (m.low, m.high) == pytest.approx((total - 0.4, total + 0.4))
    assert m.elasticity == pytest.approx(4.0 / total)
    names = {a.name for a in r.sensitivity.alternatives}
    assert "GWP100 AR5" in names
    assert any(a.choice == "electricity" for a in r.sensitivity.alternatives)


def test_cut_off_inputs_are_screened_but_left_out(write_study: WriteStudy) -> None:
    # widget: 1 kg steel (2.0) + 10 kg CO2; its 0.05 kg of packaging steel (0.1 kg CO2e) and
    # a 0.2 kg CO2e part from a sub-process are screened and cut off
    doc = study_dict([
        proc("widget", inputs=[
            {"factor": "steel", "amount": 1, "unit": "kg"},
            {"factor": "steel", "amount": 0.05, "unit": "kg", "cut_off": True},
            {"process": "part", "amount": 2, "unit": "kg", "cut_off": True}],
            emissions=[{"gas": "CO2", "amount": 10, "unit": "kg"}]),
        proc("part", emissions=[{"gas": "CO2", "amount": 0.1, "unit": "kg"}]),
    ])
    r = calculate(write_study(doc))
    assert r.total == pytest.approx(12.0)
    assert_adds_up(r)
    assert r.cut_off is not None
    assert r.cut_off.complete_total == pytest.approx(12.3)
    assert r.cut_off.total_share == pytest.approx(100 * 0.3 / 12.3)
    items = {i.path: (i.value, i.share) for i in r.cut_off.items}
    assert items == {
        "processes[0].inputs[1]": (pytest.approx(0.1), pytest.approx(100 * 0.1 / 12.3)),
        "processes[0].inputs[2]": (pytest.approx(0.2), pytest.approx(100 * 0.2 / 12.3)),
    }
    assert calculate(write_study(study_dict([proc("w", emissions=[
        {"gas": "CO2", "amount": 1, "unit": "kg"}])]))).cut_off is None

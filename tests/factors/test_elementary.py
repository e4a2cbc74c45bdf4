"""Elementary-flow mapping and the shared factor-versus-process rule."""

from __future__ import annotations

import pytest

from tanzuji.factors.formats import Parsed
from tanzuji.factors.formats.elementary import (
    Dataset,
    GasLine,
    GhgFlow,
    Link,
    build,
    classify,
    is_co2e_flow,
)


@pytest.mark.parametrize(("name", "compartment", "expected"), [
    ("Carbon dioxide, fossil", "air/urban air close to ground", ("CO2", "fossil", "emission")),
    ("Carbon dioxide, non-fossil", "air", ("CO2", "biogenic", "emission")),
    ("carbon dioxide (biogenic)", "Emissions/Emissions to air", ("CO2", "biogenic", "emission")),
    ("Carbon dioxide, from soil or biomass stock", "air", ("CO2", "dluc", "emission")),
    ("carbon dioxide (land use change)", "Emissions to air", ("CO2", "dluc", "emission")),
    ("Carbon dioxide, in air", "natural resource/in air", ("CO2", "biogenic", "removal")),
    ("Carbon dioxide, to soil or biomass stock", "soil/unspecified", ("CO2", "dluc", "removal")),
    ("Carbon dioxide", "Resources/Resources from air", ("CO2", "biogenic", "removal")),
    ("Methane, fossil", "air", ("CH4", "fossil", "emission")),
    ("Methane, non-fossil", "air", ("CH4", "biogenic", "emission")),
    ("Methane, biogenic", "air", ("CH4", "biogenic", "emission")),
    ("Methane, from soil or biomass stock", "air", ("CH4", "dluc", "emission")),
    ("Dinitrogen monoxide", "air", ("N2O", "fossil", "emission")),
    ("nitrous oxide", "Emissions to air", ("N2O", "fossil", "emission")),
    ("Sulfur hexafluoride", "air", ("SF6", "fossil", "emission")),
    ("Nitrogen fluoride", "air", ("NF3", "fossil", "emission")),
    ("Tetrafluoromethane", "air", ("CF4", "fossil", "emission")),
    ("Methane, tetrafluoro-, R-14", "air", ("CF4", "fossil", "emission")),
    ("Hexafluoroethane", "air", ("C2F6", "fossil", "emission")),
    ("Ethane, hexafluoro-, HFC-116", "air", ("C2F6", "fossil", "emission")),
    ("Ethane, 1,1,1,2-tetrafluoro-, HFC-134a", "air", ("HFC134a", "fossil", "emission")),
    ("Cyclobutane, octafluoro-, PFC-318", "air", ("cC4F8", "fossil", "emission")),
    ("HFC-32", "air", ("HFC32", "fossil", "emission")),
    ("Carbon dioxide, fossil", "air/lower stratosphere + upper troposphere",
     ("CO2", "aircraft", "emission")),
    ("Dinitrogen monoxide", "Emissions to lower stratosphere and upper troposphere",
     ("N2O", "aircraft", "emission")),
    ("二氧化碳（化石）", "排放到大气", ("CO2", "fossil", "emission")),
    ("甲烷，生物源", "", ("CH4", "biogenic", "emission")),
    ("一氧化二氮", "", ("N2O", "fossil", "emission")),
])
def test_classify_greenhouse_gases(name: str, compartment: str,
                                   expected: tuple[str, str, str]) -> None:
    assert classify(name, compartment) == GhgFlow(*expected)


@pytest.mark.parametrize(("name", "compartment"), [
    ("Carbon monoxide, fossil", "air"),
    ("Methane, chlorodifluoro-, HCFC-22", "air"),
    ("Methane, dichlorodifluoro-, CFC-12", "air"),
    ("Methane, bromo-, Halon 1001", "air"),
    ("Water", "water"),
    ("Carbon dioxide, fossil", "water/surface water"),
    ("Methane, fossil", "soil/agricultural"),
    ("Nitrogen", "natural resource/in air"),
])
def test_classify_non_ghg_is_none(name: str, compartment: str) -> None:
    assert classify(name, compartment) is None


def test_cas_identifies_an_unfamiliar_name() -> None:
    assert classify("R-744", "air", cas="000124-38-9") == GhgFlow("CO2", "fossil", "emission")
    assert classify("Something", "air", cas="10024-97-2") == GhgFlow("N2O", "fossil", "emission")


def test_resource_input_is_removal() -> None:
    assert classify("Carbon dioxide", None, is_input=True) == GhgFlow("CO2", "biogenic",
                                                                      "removal")


def test_co2e_flow_names() -> None:
    assert is_co2e_flow("carbon dioxide equivalent")
    assert is_co2e_flow("CO2 eq")
    assert not is_co2e_flow("Carbon dioxide, fossil")


def _ds(ident: str, gases: list[GasLine], links: list[Link] | None = None) -> Dataset:
    return Dataset(id=ident, file="f.zip", row=None, product=ident, unit="kg", amount=2.0,
                   fields={"name_en": ident}, gases=gases, links=links or [])


def test_mixed_origins_split_and_inputs_follow_every_part() -> None:
    mixed = _ds("x:steel", [
        GasLine(GhgFlow("CO2", "fossil", "emission"), "Carbon dioxide, fossil", 4.0),
        GasLine(GhgFlow("CH4", "fossil", "emission"), "Methane, fossil", 0.02),
        GasLine(GhgFlow("CO2", "biogenic", "emission"), "Carbon dioxide, non-fossil", 1.0),
        GasLine(GhgFlow("CO2", "biogenic", "removal"), "Carbon dioxide, in air", 3.0),
    ])
    user = _ds("x:user", [], [Link("steel", 5.0, "kg", "x:steel", "exchanges[1]")])
    parsed = Parsed()
    build([mixed, user], parsed)
    assert parsed.problems == []
    by_id = {f.id: f for f in parsed.factors}
    assert set(by_id) == {"x:steel:fossil", "x:steel:biogenic"}
    assert by_id["x:steel:fossil"].gases == {"CO2": 2.0, "CH4": 0.01}
    assert by_id["x:steel:biogenic"].gases == {"CO2": -1.0}  # (1 - 3) / 2
    assert by_id["x:steel:biogenic"].origin == "biogenic"
    assert "origin split" in (by_id["x:steel:fossil"].comment or "")
    (proc,) = parsed.processes
    inputs = [e for e in proc.exchanges if e.direction == "input"]
    assert [(e.factor, e.amount) for e in inputs] == [("x:steel:fossil", 5.0),
                                                      ("x:steel:biogenic", 5.0)]


def test_unresolved_input_is_a_problem() -> None:
    user = _ds("x:user", [], [Link("steel", 5.0, "kg", None, "exchanges[1]")])
    parsed = Parsed()
    build([user], parsed)
    assert len(parsed.processes) == 1
    (problem,) = parsed.problems
    assert problem.row == "exchanges[1]" and problem.field == "provider"
    assert "steel" in problem.reason


def test_dataset_without_ghg_is_a_problem() -> None:
    parsed = Parsed()
    build([_ds("x:empty", [])], parsed)
    assert parsed.factors == []
    assert "no greenhouse-gas" in parsed.problems[0].reason

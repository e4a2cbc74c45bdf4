"""openLCA JSON-LD: hand-written zips with known numbers, and the write -> read round trip."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tanzuji.factors.formats.jsonld import read_jsonld, write_jsonld
from tanzuji.factors.record import (
    ExchangeRecord,
    FactorRecord,
    ProcessRecord,
    Provenance,
    Quality,
    Spread,
)

STEEL, WIDGET = "p-steel", "p-widget"
KG = {"@type": "Unit", "@id": "20aadc24-a391-41cf-b340-3e4529f44bde", "name": "kg"}


def flow_ref(uid: str, name: str, kind: str, category: str = "") -> dict[str, Any]:
    return {"@type": "Flow", "@id": uid, "name": name, "flowType": kind, "category": category}


def ex(flow: dict[str, Any], amount: Any, *, is_input: bool = False, ref: bool = False,
       unit: dict[str, Any] = KG, **more: Any) -> dict[str, Any]:
    return {"flow": flow, "amount": amount, "isInput": is_input,
            "isQuantitativeReference": ref, "unit": unit, **more}


AIR = "Elementary flows/Emission to air/unspecified"
CO2 = flow_ref("f-co2", "Carbon dioxide, fossil", "ELEMENTARY_FLOW", AIR)
CO2_BIO = flow_ref("f-co2b", "Carbon dioxide, non-fossil", "ELEMENTARY_FLOW", AIR)
CH4 = flow_ref("f-ch4", "Methane, fossil", "ELEMENTARY_FLOW", AIR)
STEEL_FLOW = flow_ref("f-steel", "steel", "PRODUCT_FLOW")
WIDGET_FLOW = flow_ref("f-widget", "widget", "PRODUCT_FLOW")


def steel_process(**changes: Any) -> dict[str, Any]:
    proc: dict[str, Any] = {
        "@type": "Process", "@id": STEEL, "name": "steel production", "processType":
        "LCI_RESULT", "category": "C:Manufacturing/24:Basic metals",
        "description": "Hand-made.",
        "location": {"@type": "Location", "@id": "loc-cn", "name": "China"},
        "processDocumentation": {
            "validFrom": "2021-01-01", "validUntil": "2023-12-31",
            "technologyDescription": "BF-BOF",
            "dataGenerator": {"@type": "Actor", "@id": "a1", "name": "Lab X"},
            "dataSetOwner": {"@type": "Actor", "@id": "a2", "name": "Owner Y"},
            "publication": {"@type": "Source", "@id": "s1", "name": "Steel report"},
            "reviews": [{"details": "Checked."}]},
        "exchanges": [ex(STEEL_FLOW, 1.0, ref=True), ex(CO2, 2.0), ex(CH4, 0.01)],
    }
    proc.update(changes)
    return proc


def make_zip(path: Path, processes: list[dict[str, Any]],
             extra: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("olca-schema.json", '{"version": 2}')
        zf.writestr("locations/loc-cn.json", json.dumps(
            {"@type": "Location", "@id": "loc-cn", "name": "China", "code": "CN"}))
        zf.writestr("flows/f-co2.json", json.dumps(
            {"@type": "Flow", "@id": "f-co2", "name": "Carbon dioxide, fossil",
             "flowType": "ELEMENTARY_FLOW", "cas": "124-38-9", "category": AIR}))
        for proc in processes:
            zf.writestr(f"processes/{proc['@id']}.json", json.dumps(proc))
        for name, text in (extra or {}).items():
            zf.writestr(name, text)
    return path


def test_lci_process_becomes_factor(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "db.zip", [steel_process()])
    parsed = read_jsonld(path)
    assert parsed.problems == []
    (factor,) = parsed.factors
    assert factor.id == f"olca:{STEEL}"
    assert factor.gases == {"CO2": 2.0, "CH4": 0.01}
    assert factor.co2e("AR6") == pytest.approx(2.298)
    assert (factor.name_en, factor.unit, factor.geography) == ("steel production", "kg", "CN")
    assert (factor.valid_from, factor.valid_until, factor.year) == (
        dt.date(2021, 1, 1), dt.date(2023, 12, 31), 2023)
    assert factor.technology == "BF-BOF"
    assert factor.provenance.developer == "Lab X"
    assert factor.provenance.publisher == "Owner Y"
    assert factor.provenance.source == "Steel report"
    assert factor.provenance.document == f"{path}!processes/{STEEL}.json"
    assert factor.comment == ("Hand-made.\nReview: Checked.\n"
                              "category: C:Manufacturing/24:Basic metals")


def test_amounts_per_unit_of_reference(tmp_path: Path) -> None:
    items = {"@type": "Unit", "@id": "u-items", "name": "Item(s)"}
    proc = steel_process(exchanges=[ex(STEEL_FLOW, 4.0, ref=True, unit=items), ex(CO2, 2.0)])
    (factor,) = read_jsonld(make_zip(tmp_path / "db.zip", [proc])).factors
    assert factor.unit == "piece" and factor.gases == {"CO2": 0.5}


def test_mixed_origins_are_split(tmp_path: Path) -> None:
    proc = steel_process(exchanges=[ex(STEEL_FLOW, 1.0, ref=True), ex(CO2, 2.0),
                                    ex(CO2_BIO, 0.5), ex(CH4, 0.01)])
    parsed = read_jsonld(make_zip(tmp_path / "db.zip", [proc]))
    by_id = {f.id: f for f in parsed.factors}
    assert by_id[f"olca:{STEEL}:fossil"].gases == {"CO2": 2.0, "CH4": 0.01}
    assert by_id[f"olca:{STEEL}:biogenic"].gases == {"CO2": 0.5}
    assert by_id[f"olca:{STEEL}:biogenic"].origin == "biogenic"


def test_unit_process_keeps_links(tmp_path: Path) -> None:
    provider = {"@type": "Process", "@id": STEEL, "name": "steel production"}
    widget = {"@type": "Process", "@id": WIDGET, "name": "widget making",
              "processType": "UNIT_PROCESS",
              "exchanges": [ex(WIDGET_FLOW, 1.0, ref=True),
                            ex(STEEL_FLOW, 0.5, is_input=True, defaultProvider=provider),
                            ex(STEEL_FLOW, 0.25, is_input=True),  # linked by flow
                            ex(CO2, 0.1)]}
    parsed = read_jsonld(make_zip(tmp_path / "db.zip", [steel_process(), widget]))
    assert parsed.problems == []
    (proc,) = parsed.processes
    assert proc.id == f"olca:{WIDGET}"
    inputs = [(e.name, e.amount, e.factor) for e in proc.exchanges if e.direction == "input"]
    assert inputs == [("steel", 0.5, f"olca:{STEEL}"), ("steel", 0.25, f"olca:{STEEL}")]
    (co2,) = [e for e in proc.exchanges if e.direction == "emission"]
    assert (co2.gas, co2.origin, co2.amount, co2.unit) == ("CO2", "fossil", 0.1, "kg")


def test_bad_content_becomes_problems(tmp_path: Path) -> None:
    proc = steel_process(exchanges=[ex(STEEL_FLOW, 1.0, ref=True), ex(CO2, "two"),
                                    ex(CH4, 0.01)])
    orphan = {"@type": "Process", "@id": WIDGET, "name": "w",
              "exchanges": [ex(WIDGET_FLOW, 1.0, ref=True),
                            ex(flow_ref("f-x", "x", "PRODUCT_FLOW"), 1.0, is_input=True)]}
    path = make_zip(tmp_path / "db.zip", [proc, orphan],
                    {"processes/broken.json": "{not json"})
    parsed = read_jsonld(path)
    where = {(p.file, p.row, p.field) for p in parsed.problems}
    assert (f"{path}!processes/{STEEL}.json", "exchanges[1]", "amount") in where
    assert (f"{path}!processes/{WIDGET}.json", "exchanges[1]", "provider") in where
    assert any(p.file == f"{path}!processes/broken.json" for p in parsed.problems)
    assert parsed.factors[0].gases == {"CH4": 0.01}


def test_unreadable_zip(tmp_path: Path) -> None:
    path = tmp_path / "db.zip"
    path.write_bytes(b"nope")
    parsed = read_jsonld(path)
    assert len(parsed.problems) == 1 and parsed.problems[0].file == str(path)


FULL = FactorRecord(
    id="cn:steel.hrc-2023", name_en="hot-rolled coil", name_zh="热轧卷", unit="t",
    declared_unit="1 t of hot-rolled coil", value=2100.5, gwp="AR5",
    gases={"CO2": 2000.0, "CH4": 1.5, "N2O": 0.02, "SF6": 1e-7, "CF4": 2e-6},
    origin="fossil", biogenic_carbon=0.1, kind="co2_emission_factor", boundary="cradle-to-gate",
    geography="CN", geography_level="country", year=2023, valid_from=dt.date(2023, 1, 1),
    valid_until=dt.date(2025, 12, 31), technology="BF-BOF", cpc="41232", hs="7208",
    cn_stat_code="3208", uncertainty=Spread(distribution="lognormal", gsd=1.2),
    method="GB/T 24067-2024", pcr="PCR-steel",
    dqr=Quality(reliability=2, completeness=2, temporal=1, geographical=1, technological=3),
    provenance=Provenance(source="China steel LCA 2024", publisher="CISA", document="Report",
                          announcement="No. 5", table="T3", url="https://example.org",
                          sample_size=12, developer="Someone", published=dt.date(2024, 5, 1)),
    licence="CC-BY-4.0", supersedes="cn:steel.hrc-2020", comment="a comment\nwith lines")
VALUE_ONLY = FactorRecord(id="grid:cn-2022", name_en="electricity, grid", unit="kWh",
                          value=0.5703, gwp="AR6", geography="CN")
BIOGENIC = FactorRecord(id="wood", name_en="wood", unit="kg", origin="biogenic",
                        gases={"CO2": -1.5, "CH4": 0.01})
DLUC = FactorRecord(id="soy", name_en="soy", unit="kg", origin="dluc", gases={"CO2": 3.0,
                                                                              "N2O": 0.001})
AIRCRAFT = FactorRecord(id="flight", name_en="flight", unit="pkm", origin="aircraft",
                        gases={"CO2": 0.1, "N2O": 1e-6})
WIDGET_PROC = ProcessRecord(
    id="proc:widget", name_en="widget making", name_zh="小部件", reference_product="widget",
    unit="piece", geography="CN", year=2022, technology="moulding", licence="internal",
    comment="made up", provenance=Provenance(developer="Us", document="plant data"),
    exchanges=[
        ExchangeRecord(direction="output", name="widget", amount=2.0, unit="piece"),
        ExchangeRecord(direction="input", name="hot-rolled coil", amount=0.001, unit="t",
                       factor="cn:steel.hrc-2023",
                       uncertainty=Spread(distribution="lognormal", gsd=1.1)),
        ExchangeRecord(direction="input", name="electricity, grid", amount=1.5, unit="kWh",
                       factor="grid:cn-2022",
                       uncertainty=Spread(distribution="triangular", min=1, mode=1.5, max=2)),
        ExchangeRecord(direction="input", name="paint", amount=0.1, unit="kg",
                       process="proc:paint-elsewhere"),
        ExchangeRecord(direction="emission", name="Methane, non-fossil", amount=0.01,
                       unit="kg", gas="CH4", origin="biogenic"),
        ExchangeRecord(direction="removal", name="CO2 uptake", amount=0.5, unit="kg",
                       gas="CO2", origin="biogenic",
                       uncertainty=Spread(distribution="normal", sd=0.05)),
        ExchangeRecord(direction="emission", name="HFC-134a", amount=1e-4, unit="kg",
                       gas="HFC134a"),
    ])
EMISSIONS_ONLY = ProcessRecord(
    id="proc:boiler", name_en="boiler", reference_product="heat", unit="MJ",
    exchanges=[ExchangeRecord(direction="output", name="heat", amount=1.0, unit="MJ"),
               ExchangeRecord(direction="emission", name="Carbon dioxide, fossil",
                              amount=0.056, unit="kg", gas="CO2")])


def test_round_trip(tmp_path: Path) -> None:
    factors = [FULL, VALUE_ONLY, BIOGENIC, DLUC, AIRCRAFT]
    processes = [WIDGET_PROC, EMISSIONS_ONLY]
    path = tmp_path / "out.zip"
    write_jsonld(path, factors, processes)
    write_jsonld(path, factors, processes)  # replaces, does not append
    parsed = read_jsonld(path)
    assert parsed.problems == []
    assert sorted(parsed.factors, key=lambda f: f.id) == sorted(factors, key=lambda f: f.id)
    assert sorted(parsed.processes, key=lambda p: p.id) == sorted(processes,
                                                                  key=lambda p: p.id)


def test_written_zip_is_plain_openlca_json(tmp_path: Path) -> None:
    path = tmp_path / "out.zip"
    write_jsonld(path, [FULL, VALUE_ONLY], [])
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        docs = [json.loads(zf.read(n)) for n in names if n.startswith("processes/")]
        flows = [json.loads(zf.read(n)) for n in names if n.startswith("flows/")]
    assert "olca-schema.json" in names
    assert {d["processType"] for d in docs} == {"LCI_RESULT"}
    flow_names = {f["name"] for f in flows}
    assert {"Carbon dioxide, fossil", "Methane, fossil", "Dinitrogen monoxide",
            "carbon dioxide equivalent"} <= flow_names
    grid = next(d for d in docs if d["name"] == "electricity, grid")
    co2e = [e for e in grid["exchanges"] if not e["isQuantitativeReference"]]
    assert [(e["flow"]["name"], e["amount"], e["unit"]["name"]) for e in co2e] == [
        ("carbon dioxide equivalent", 0.5703, "kg")]
    ref = next(e for e in grid["exchanges"] if e["isQuantitativeReference"])
    assert ref["unit"]["name"] == "kWh" and ref["flowProperty"]["name"] == "Energy"


def test_unexpected_json_types_are_problems(tmp_path: Path) -> None:
    odd = steel_process(description=["not", "text"])
    parsed = read_jsonld(make_zip(tmp_path / "db.zip", [odd]))
    assert parsed.factors == []
    assert len(parsed.problems) == 1 and STEEL in parsed.problems[0].file

"""The EU Batteries Regulation Art. 7 declaration: its published schema, content, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from tanzuji.declare.source import load
from tanzuji.exchange.eu_battery import (
    NO_CLASS,
    SCHEMA_FILE,
    battery_declaration,
    battery_rule,
    schema_document,
)
from tanzuji.model.errors import StudyError
from tests.conftest import WriteStudy
from tests.declare.examples import EXAMPLES, INFO, NAMES, declarable, full_cfp_study

BATTERY = "lfp-battery-pack.yaml"


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_shipped_schema_is_the_models() -> None:
    shipped = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert shipped == schema_document(), (
        "regenerate: python -c 'from tanzuji.exchange.eu_battery import write_schema; "
        "write_schema()'")


def test_battery_declaration_validates_against_its_schema() -> None:
    d = declarable(BATTERY)
    doc = battery_declaration(d).model_dump(mode="json")
    assert list(_validator().iter_errors(doc)) == []
    assert doc["manufacturer"]["name"] == d.study.study.product.producer
    assert doc["battery"]["model"] == "EX-LFP-96S-202Ah"
    assert doc["manufacturing_plant"] == {"location": "Changzhou, Jiangsu", "address": None,
                                          "country": "CN"}
    assert doc["eu_declaration_of_conformity_id"] == "EU-DoC-EX-0001"
    assert doc["public_study_weblink"] == "https://example.com/pcf/report-0001"
    assert doc["declaration_id"] == "TEST-DECL-0001"


def test_per_kwh_and_per_stage() -> None:
    d = declarable(BATTERY)
    cf = battery_declaration(d).carbon_footprint
    assert cf.unit == "kg CO2e/kWh" and cf.value == pytest.approx(d.result.total, rel=5e-3)
    names = [s.stage for s in cf.life_cycle_stages]
    assert names == ["raw_material_acquisition_and_pre_processing", "main_product_production",
                     "distribution", "end_of_life_and_recycling"]
    included = [s for s in cf.life_cycle_stages if s.included]
    assert sum(s.value or 0 for s in included) == pytest.approx(d.result.total, rel=5e-3)
    eol = cf.life_cycle_stages[-1]
    # the example excludes end of life: shown as excluded with its reason, never as zero
    assert not eol.included and eol.value is None and eol.justification
    assert cf.complete is False


def test_no_performance_class_is_invented(tmp_path: Path) -> None:
    d = declarable(BATTERY)
    pc = battery_declaration(d).performance_class
    assert pc.performance_class is None and pc.note == NO_CLASS
    info = yaml.safe_load(INFO.read_text(encoding="utf-8"))
    info["battery"]["performance_class"] = "B"
    path = tmp_path / "info.yaml"
    path.write_text(yaml.safe_dump(info), encoding="utf-8")
    given = battery_declaration(load(EXAMPLES / BATTERY, path)).performance_class
    assert given.performance_class == "B" and given.note is None


@pytest.mark.parametrize("name", [n for n in NAMES if n != BATTERY])
def test_refused_for_a_non_battery_pcr(name: str) -> None:
    with pytest.raises(StudyError) as caught:
        battery_declaration(declarable(name))
    (problem,) = caught.value.problems
    assert problem.field == "study.pcr" and "battery PCR" in problem.message
    assert problem.file is not None and problem.line is not None


def test_missing_facts_are_named() -> None:
    with pytest.raises(StudyError) as caught:
        battery_declaration(declarable(BATTERY, with_info=False))
    assert {p.field for p in caught.value.problems} == {"battery.manufacturer_address",
                                                        "public_report_url"}


def test_use_stage_emissions_are_refused(write_study: WriteStudy) -> None:
    doc = full_cfp_study(pcr="JRC CFB-EV battery rules")
    doc["study"]["unit"].update(unit="kWh", description="1 kWh over the service life")
    doc["study"]["unit"]["reference_flow"]["unit"] = "kWh"
    doc["processes"][0].update(stage="use")
    doc["processes"][0]["reference_product"]["unit"] = "kWh"
    with pytest.raises(StudyError) as caught:
        battery_declaration(load(write_study(doc), INFO))
    assert [p.field for p in caught.value.problems] == [
        "study.stages.use", "study.product.model", "study.product.site"]
    doc["study"]["product"].update(model="B-1", site="Ningde, Fujian")
    doc["processes"][0].update(stage="production")
    declaration = battery_declaration(load(write_study(doc), INFO))
    assert declaration.carbon_footprint.complete is True
    assert declaration.carbon_footprint.value == pytest.approx(3.07)


@pytest.mark.parametrize(("pcr", "battery"), [
    ("JRC CFB-EV rules", True), ("中国锂离子电池产品碳足迹核算指南", True),
    ("Regulation (EU) 2023/1542 Annex II", True), ("eu-battery-cfb-ev@1.0", True),
    ("EV Batteries PCR 2024", False), ("ISO 20915:2018", False), ("none", False),
])
def test_battery_pcr_recognised(pcr: str, battery: bool) -> None:
    study = declarable(BATTERY).study
    study = study.model_copy(update={"study": study.study.model_copy(update={"pcr": pcr})})
    assert (battery_rule(study) is not None) is battery

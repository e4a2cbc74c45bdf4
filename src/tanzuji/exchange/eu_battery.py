"""The carbon footprint declaration of a battery under Regulation (EU) 2023/1542, Art. 7(1).

Art. 7(1) and Annex II ask for: the manufacturer's administrative information, the battery
model, the location of the manufacturing plant, the carbon footprint in kg CO2e per kWh of the
total energy the battery provides over its service life, the carbon footprint per life-cycle
stage (raw material acquisition and pre-processing, main product production, distribution,
end of life and recycling; the use stage is excluded), the identification number of the EU
declaration of conformity, and a web link to a public version of the supporting study.

Performance classes (Art. 7(2)) and maximum thresholds (Art. 7(3)) come from acts not yet
applicable, so no class is ever computed here: one is shown only when the info file gives it.
A stage the study excludes is declared as excluded, with its justification, and the
declaration says it is incomplete; it is never shown as zero. The JSON Schema of this
document is generated from the model and shipped in ``schemas/`` (:data:`SCHEMA_FILE`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from tanzuji.declare.source import Declarable
from tanzuji.model.errors import Problem, StudyError
from tanzuji.model.study import Study
from tanzuji.rules import find_pcr
from tanzuji.rules.pcr import PCR
from tanzuji.units import UnitError, conversion_factor

FORMAT: Final = "tanzuji-eu-battery-cf/1"
SCHEMA_ID = "https://tanzuji.org/schema/eu-battery-carbon-footprint-1.json"
SCHEMA_FILE = Path(__file__).parent / "schemas" / "eu-battery-carbon-footprint-1.schema.json"
LEGAL_BASIS: Final = "Regulation (EU) 2023/1542, Article 7(1) and Annex II"
FUNCTIONAL_UNIT: Final = "1 kWh of the total energy provided by the battery over its service life"
NO_CLASS = ("No carbon footprint performance class is declared: the classes of Art. 7(2) are "
            "set by a Commission delegated act that is not yet applicable.")

BATTERY_HS = "8507"  # HS heading of electric accumulators

StageName = Literal["raw_material_acquisition_and_pre_processing", "main_product_production",
                    "distribution", "end_of_life_and_recycling"]

#: Annex II stage ← the study's GB/T 24067 stage
STAGES: dict[StageName, str] = {
    "raw_material_acquisition_and_pre_processing": "raw_material_acquisition",
    "main_product_production": "production",
    "distribution": "distribution",
    "end_of_life_and_recycling": "end_of_life",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Manufacturer(_Model):
    name: str = Field(min_length=1)
    address: str = Field(min_length=1)
    contact: str | None = Field(None, description="web or e-mail contact")


class Battery(_Model):
    model: str = Field(min_length=1, description="battery model identifier")
    description: str
    category: Literal["electric_vehicle", "light_means_of_transport", "industrial"] | None = None


class Plant(_Model):
    location: str = Field(min_length=1, description="where the battery is manufactured")
    address: str | None = None
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")


class StageFootprint(_Model):
    stage: StageName
    included: bool
    value: float | None = Field(None, description="kg CO2e per kWh; null when excluded")
    share_percent: float | None = None
    justification: str | None = Field(None, description="why the stage is excluded")


class CarbonFootprint(_Model):
    functional_unit: Literal["1 kWh of the total energy provided by the battery over its "
                             "service life"] = FUNCTIONAL_UNIT
    unit: Literal["kg CO2e/kWh"] = "kg CO2e/kWh"
    value: float = Field(description="over the stages included")
    significant_digits: int = Field(ge=2, le=6)
    life_cycle_stages: list[StageFootprint] = Field(min_length=4, max_length=4)
    complete: bool = Field(description="all four life-cycle stages of Annex II are included")


class PerformanceClass(_Model):
    performance_class: str | None = None
    note: str | None = None


class Method(_Model):
    standards: list[str]
    pcr: str
    gwp: str
    result_type: Literal["CFP", "partial_CFP"]
    boundary: str
    reference_period_start: dt.date
    reference_period_end: dt.date


class Provenance(_Model):
    study_id: str
    model_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    software_version: str
    computed_at: str


class BatteryCarbonFootprintDeclaration(_Model):
    format: Literal["tanzuji-eu-battery-cf/1"] = FORMAT
    legal_basis: Literal["Regulation (EU) 2023/1542, Article 7(1) and Annex II"] = LEGAL_BASIS
    declaration_id: str = Field(min_length=1)
    issued: dt.date
    manufacturer: Manufacturer
    battery: Battery
    manufacturing_plant: Plant
    carbon_footprint: CarbonFootprint
    performance_class: PerformanceClass
    eu_declaration_of_conformity_id: str = Field(min_length=1)
    public_study_weblink: str = Field(pattern=r"^https?://\S+$")
    method: Method
    provenance: Provenance


def schema_document() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of the declaration."""
    doc = BatteryCarbonFootprintDeclaration.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **doc}


def write_schema(path: Path = SCHEMA_FILE) -> None:
    """Regenerate the shipped schema file after a change of the model."""
    path.write_text(json.dumps(schema_document(), indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def battery_rule(study: Study) -> PCR | None:
    """The library PCR the study follows when it covers batteries (HS 8507), else None."""
    try:
        pcr = find_pcr(study)
    except StudyError:  # names several rules at once: none of them is one battery rule
        return None
    if pcr is not None and any(code.startswith(BATTERY_HS) for code in pcr.scope.hs):
        return pcr
    return None


def battery_declaration(d: Declarable) -> BatteryCarbonFootprintDeclaration:
    """The Art. 7(1) declaration; refused for a non-battery PCR or a missing field."""
    info, facts, r = d.study.study, d.info, d.result
    problems: list[Problem] = []
    if battery_rule(d.study) is None:
        raise StudyError([d.study_problem(
            "study.pcr", "the EU battery carbon footprint declaration needs a study under a "
            "battery PCR of the library (eu-battery-cfb-ev, cn-li-ion-traction-battery; "
            f"`tanzuji pcr list`), not {info.pcr!r}")])
    try:
        kwh = info.unit.quantity * conversion_factor(info.unit.unit, "kWh")
    except UnitError:
        raise StudyError([d.study_problem(
            "study.unit.unit", "the battery functional unit is kWh of total energy provided "
            f"over the service life, not {info.unit.unit!r}")]) from None
    if r.by_stage.get("use", 0.0) != 0.0:
        problems.append(d.study_problem(
            "study.stages.use", "Annex II excludes the use stage from a battery's carbon "
            "footprint, but this result has use-stage emissions"))
    if not info.product.model:
        problems.append(d.study_problem("study.product.model", "the declaration names the "
                                        "battery model: give study.product.model"))
    if not info.product.site:
        problems.append(d.study_problem("study.product.site", "the declaration names the "
                                        "location of the manufacturing plant: give "
                                        "study.product.site"))
    country = info.geography[:2]
    if not re.fullmatch(r"[A-Z]{2}(-[A-Z0-9]{1,3})?", info.geography):
        problems.append(d.study_problem("study.geography", "the plant's country must be an ISO "
                                        f"3166 code (CN, CN-JS), not {info.geography!r}"))
    battery = facts.battery
    if battery is None:
        problems.append(d.info_problem("battery.manufacturer_address", "the declaration gives "
                                       "the manufacturer's postal address"))
    elif not battery.eu_declaration_of_conformity_id:
        problems.append(d.info_problem("battery.eu_declaration_of_conformity_id", "the "
                                       "declaration gives the EU declaration of conformity id"))
    if not facts.public_report_url:
        problems.append(d.info_problem("public_report_url", "the declaration links to a public "
                                       "version of the supporting study"))
    if problems:
        raise StudyError(problems)
    assert battery is not None and battery.eu_declaration_of_conformity_id
    assert facts.public_report_url and info.product.model and info.product.site

    stages = []
    for name, ours in STAGES.items():
        scope = getattr(info.stages, ours)
        value = r.by_stage[ours] / kwh
        stages.append(StageFootprint(
            stage=name, included=scope.included,
            value=d.rounded(value) if scope.included else None,
            share_percent=round(100 * r.by_stage[ours] / r.total, 1)
            if scope.included and r.total else None,
            justification=None if scope.included else scope.justification))
    return BatteryCarbonFootprintDeclaration(
        declaration_id=d.declaration_id(), issued=d.issued(),
        manufacturer=Manufacturer(name=info.product.producer,
                                  address=battery.manufacturer_address,
                                  contact=battery.manufacturer_contact),
        battery=Battery(model=info.product.model, description=info.product.name,
                        category=battery.category),
        manufacturing_plant=Plant(location=info.product.site, address=battery.plant_address,
                                  country=country),
        carbon_footprint=CarbonFootprint(
            value=d.rounded(r.total / kwh), significant_digits=facts.significant_digits,
            life_cycle_stages=stages, complete=all(s.included for s in stages)),
        performance_class=PerformanceClass(performance_class=battery.performance_class)
        if battery.performance_class else PerformanceClass(note=NO_CLASS),
        eu_declaration_of_conformity_id=battery.eu_declaration_of_conformity_id,
        public_study_weblink=facts.public_report_url,
        method=Method(standards=["GB/T 24067-2024", "ISO 14067:2018"], pcr=info.pcr,
                      gwp=f"IPCC {r.provenance.gwp} GWP100", result_type=info.result_type,
                      boundary=info.boundary,
                      reference_period_start=info.reference_period.start,
                      reference_period_end=info.reference_period.end),
        provenance=Provenance(study_id=info.id, model_sha256=r.provenance.model_sha256,
                              software_version=r.provenance.software_version,
                              computed_at=r.provenance.computed_at),
    )

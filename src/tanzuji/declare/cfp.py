"""The CFP declaration of GB/T 24067-2024 / ISO 14067 (DECL-01 fields), built from a result.

A partial CFP is named a partial CFP in its designation, beside its value, and in a statement
listing the stages it leaves out (DECL-02). No offset is ever subtracted and no neutrality
claimed (DECL-03). Values carry the declaration's significant digits; the stages and the
REP-02 categories are reported apart.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

from pydantic import BaseModel, Field

from tanzuji.declare import labels
from tanzuji.declare.labels import Lang
from tanzuji.declare.source import Declarable
from tanzuji.model.study import Stage

FORMAT: Final = "tanzuji-cfp-declaration/1"


class ProductId(BaseModel):
    name: str
    name_zh: str | None
    model: str | None
    cpc: str | None
    hs: str | None


class Producer(BaseModel):
    name: str
    site: str | None


class Unit(BaseModel):
    kind: Literal["functional", "declared"]
    description: str
    quantity: float
    unit: str


class Value(BaseModel):
    amount: float = Field(description="kg CO2e per unit, to the significant digits")
    unit: Literal["kg CO2e"] = "kg CO2e"
    per: str = Field(description="e.g. '1 kWh'")
    significant_digits: int


class StageResult(BaseModel):
    stage: str
    included: bool
    value: float | None = Field(description="kg CO2e per unit; null when excluded")
    share_percent: float | None
    justification: str | None


class ReportedApart(BaseModel):
    """REP-02 categories (kg CO2e per unit) and biogenic carbon content (kg C per unit)."""

    fossil: float
    biogenic_emissions: float
    biogenic_removals: float
    dluc: float
    aircraft: float
    biogenic_carbon_content: float
    biogenic_carbon_content_packaging: float


class Validity(BaseModel):
    start: dt.date
    end: dt.date
    default: bool = Field(description="not stated: three years after the reference period")


class VerificationStatus(BaseModel):
    status: Literal["not_verified", "verified", "certified"]
    body: str | None
    certificate_number: str | None
    standard: str | None
    completed: dt.date | None


class Provenance(BaseModel):
    study_id: str
    model_sha256: str
    software_version: str
    computed_at: str
    factor_releases: list[str]


class CfpDeclaration(BaseModel):
    format: Literal["tanzuji-cfp-declaration/1"] = FORMAT
    language: Lang
    declaration_id: str
    issued: dt.date
    result_type: Literal["CFP", "partial_CFP"]
    designation: str = Field(description="'CFP' or 'partial CFP', in the language")
    product: ProductId
    producer: Producer
    unit: Unit
    value: Value
    boundary: str
    stages: list[StageResult]
    reported_apart: ReportedApart
    reference_period_start: dt.date
    reference_period_end: dt.date
    pcr: str
    standards: list[str]
    gwp: str
    primary_data_share_percent: float
    validity: Validity
    verification: VerificationStatus
    public_report_url: str | None
    statements: list[str]
    provenance: Provenance


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def cfp_declaration(d: Declarable, lang: Lang = "zh") -> CfpDeclaration:
    info, facts, r = d.study.study, d.info, d.result
    partial = info.result_type == "partial_CFP"
    stages = []
    for stage in Stage:
        scope = getattr(info.stages, stage.value)
        value = r.by_stage[stage.value]
        stages.append(StageResult(
            stage=stage.value, included=scope.included,
            value=d.rounded(value) if scope.included else None,
            share_percent=round(100 * value / r.total, 1) if scope.included and r.total else None,
            justification=None if scope.included else scope.justification))
    excluded = [labels.STAGE[lang][s.stage] for s in stages if not s.included]
    valid_from = facts.valid_from or info.reference_period.end + dt.timedelta(days=1)
    v = facts.verification
    return CfpDeclaration(
        language=lang, declaration_id=d.declaration_id(), issued=d.issued(),
        result_type=info.result_type, designation=labels.DESIGNATION[lang][info.result_type],
        product=ProductId(name=info.product.name, name_zh=info.product.name_zh,
                          model=info.product.model, cpc=info.product.cpc, hs=info.product.hs),
        producer=Producer(name=info.product.producer, site=info.product.site),
        unit=Unit(kind=info.unit.kind, description=info.unit.description,
                  quantity=info.unit.quantity, unit=info.unit.unit),
        value=Value(amount=d.rounded(r.total), per=f"{info.unit.quantity:g} {info.unit.unit}",
                    significant_digits=facts.significant_digits),
        boundary=info.boundary, stages=stages,
        reported_apart=ReportedApart(
            fossil=d.rounded(r.fossil), biogenic_emissions=d.rounded(r.biogenic_emissions),
            biogenic_removals=d.rounded(r.biogenic_removals), dluc=d.rounded(r.dluc),
            aircraft=d.rounded(r.aircraft),
            biogenic_carbon_content=d.rounded(r.biogenic_carbon_content),
            biogenic_carbon_content_packaging=d.rounded(r.biogenic_carbon_content_packaging)),
        reference_period_start=info.reference_period.start,
        reference_period_end=info.reference_period.end,
        pcr=info.pcr, standards=["GB/T 24067-2024", "ISO 14067:2018"],
        gwp=f"IPCC {r.provenance.gwp} GWP100",
        primary_data_share_percent=round(r.primary_data_share, 1),
        validity=Validity(start=valid_from, end=facts.valid_until or _add_years(valid_from, 3),
                          default=facts.valid_from is None and facts.valid_until is None),
        verification=VerificationStatus(status=v.status, body=v.body,
                                        certificate_number=v.certificate_number,
                                        standard=v.standard, completed=v.completed),
        public_report_url=facts.public_report_url,
        statements=labels.statements(lang, partial, excluded),
        provenance=Provenance(study_id=info.id, model_sha256=r.provenance.model_sha256,
                              software_version=r.provenance.software_version,
                              computed_at=r.provenance.computed_at,
                              factor_releases=r.provenance.releases),
    )

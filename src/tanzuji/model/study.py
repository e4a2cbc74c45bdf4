"""The study format: what practitioners write (YAML or JSON), validated by pydantic.

One file describes one product system per GB/T 24067-2024 / ISO 14067: goal and scope, the
functional or declared unit, parameters, processes with their exchanges, and where background
factors come from. Field names are the contract documented in ``docs/model-format.md``; the
JSON Schema (``tanzuji schema``) is generated from these classes.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tanzuji.model import expressions

FORMAT_VERSION = "tanzuji-study/1"


class Stage(StrEnum):
    """The five life-cycle stages of GB/T 24067 / ISO 14067."""

    raw_material_acquisition = "raw_material_acquisition"
    production = "production"
    distribution = "distribution"
    use = "use"
    end_of_life = "end_of_life"


class Origin(StrEnum):
    """Where a greenhouse gas comes from; reported apart (REP-02)."""

    fossil = "fossil"
    biogenic = "biogenic"
    dluc = "dluc"
    aircraft = "aircraft"


class DataKind(StrEnum):
    primary = "primary"
    secondary = "secondary"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_enum_values=False)


# ----------------------------------------------------------------------------------------------
# amounts and their uncertainty
# ----------------------------------------------------------------------------------------------


class Lognormal(_Strict):
    """Lognormal around the amount as its median; give ``gsd`` (geometric sd) or ``sigma`` (ln)."""

    distribution: Literal["lognormal"]
    gsd: float | None = Field(None, gt=1.0, description="geometric standard deviation (>1)")
    sigma: float | None = Field(None, ge=0.0, description="standard deviation of ln(amount)")

    @model_validator(mode="after")
    def _one_spread(self) -> Lognormal:
        if (self.gsd is None) == (self.sigma is None):
            raise ValueError("give exactly one of gsd or sigma")
        return self


class Normal(_Strict):
    distribution: Literal["normal"]
    sd: float = Field(ge=0.0, description="standard deviation, in the amount's unit")


class Triangular(_Strict):
    distribution: Literal["triangular"]
    min: float
    mode: float | None = Field(None, description="defaults to the amount")
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        if self.mode is not None and not self.min <= self.mode <= self.max:
            raise ValueError("mode must lie between min and max")
        return self


class Uniform(_Strict):
    distribution: Literal["uniform"]
    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


Uncertainty = Annotated[
    Lognormal | Normal | Triangular | Uniform, Field(discriminator="distribution")
]

PedigreeScore = Annotated[int, Field(ge=1, le=5)]


class Pedigree(_Strict):
    """Ecoinvent pedigree scores (1 best .. 5 worst), turned into a lognormal spread."""

    reliability: PedigreeScore
    completeness: PedigreeScore
    temporal: PedigreeScore
    geographical: PedigreeScore
    technological: PedigreeScore
    basic_sigma2: float = Field(
        0.0006, ge=0.0, description="basic uncertainty as variance of ln(amount)"
    )


Number = float | str  # a number or a formula of parameters


class Amount(_Strict):
    """Fields every quantity carries: value, unit, uncertainty, and where the number comes from."""

    amount: Number = Field(description="a number or a formula of parameters, e.g. '2.1 * cells'")
    unit: str = Field(description="pint unit, e.g. kg, t, kWh, MJ, m3, tkm, piece")
    uncertainty: Uncertainty | None = None
    pedigree: Pedigree | None = None
    data: DataKind = DataKind.secondary
    evidence: str | None = Field(None, description="meter export, invoice, BOM line, report…")
    source: str | None = Field(None, description="citation of a published value")
    comment: str | None = None

    @field_validator("amount")
    @classmethod
    def _formula_parses(cls, v: Number) -> Number:
        if isinstance(v, str):
            expressions.parse(v)
        return v

    @model_validator(mode="after")
    def _one_uncertainty(self) -> Amount:
        if self.uncertainty is not None and self.pedigree is not None:
            raise ValueError("give either uncertainty or pedigree, not both")
        if isinstance(self.amount, str) and (self.uncertainty or self.pedigree):
            raise ValueError(
                "a formula's uncertainty comes from its parameters; put it on the parameters"
            )
        return self


# ----------------------------------------------------------------------------------------------
# exchanges
# ----------------------------------------------------------------------------------------------


class Input(Amount):
    """An input from another process of the study, a background factor, or an activity of a
    unit-process background database."""

    name: str | None = None
    process: str | None = Field(None, description="id of the supplying process in this study")
    product: str | None = Field(None, description="which product of that process (co-product)")
    factor: str | None = Field(None, description="id of a background factor")
    activity: str | None = Field(
        None, description="'<database id>:<activity index or name>' in a background database"
    )
    cut_off: bool = Field(
        False, description="screened and cut off: modelled (usually with secondary data) so "
        "that its share is computed, then left out of the result under the cut-off rule "
        "(CUT-02, CUT-03)")

    @model_validator(mode="after")
    def _one_link(self) -> Input:
        links = [x for x in (self.process, self.factor, self.activity) if x is not None]
        if len(links) != 1:
            raise ValueError("an input links to exactly one of process, factor or activity")
        if self.product is not None and self.process is None:
            raise ValueError("product is only used together with process")
        return self


class Emission(Amount):
    """A greenhouse gas released (emissions) or taken up (removals) by the process."""

    gas: str = Field(description="CO2, CH4, N2O, SF6, NF3, HFC-134a, CF4, …")
    origin: Origin | None = Field(
        None, description="fossil (default except CH4), biogenic, dluc or aircraft"
    )

    @model_validator(mode="after")
    def _ch4_origin(self) -> Emission:
        if self.gas.strip().upper().replace("-", "_").startswith("CH4_"):
            raise ValueError("write gas: CH4 with origin: fossil or biogenic (BIO-03)")
        if self.gas.strip().upper() == "CH4" and self.origin is None:
            raise ValueError(
                "CH4 needs an origin (fossil 29.8 vs non-fossil 27.0 kg CO2e/kg in AR6, BIO-03)"
            )
        return self


TransportMode = Literal["road", "rail", "sea", "inland_waterway", "air", "pipeline"]


class Transport(_Strict):
    """Freight in tonne-kilometres, or as mass times distance."""

    mode: TransportMode
    factor: str | None = Field(None, description="factor id; default 'transport:<mode>'")
    tkm: Number | None = None
    mass: Amount | None = None
    distance: Amount | None = None
    uncertainty: Uncertainty | None = None
    pedigree: Pedigree | None = None
    data: DataKind = DataKind.secondary
    evidence: str | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _quantity(self) -> Transport:
        if (self.tkm is None) == (self.mass is None and self.distance is None):
            raise ValueError("give either tkm, or mass and distance")
        if self.tkm is None and (self.mass is None or self.distance is None):
            raise ValueError("give both mass and distance")
        if isinstance(self.tkm, str):
            expressions.parse(self.tkm)
        if self.tkm is None and (self.uncertainty or self.pedigree):
            raise ValueError("with mass and distance, put the uncertainty on mass or distance")
        return self


class Product(_Strict):
    name: str
    amount: Number = 1.0
    unit: str
    allocation_factor: float | None = Field(
        None, ge=0.0, le=100.0, description="percent of the process's burden"
    )
    price: float | None = Field(None, ge=0.0, description="per unit, for economic allocation")
    substitutes: Input | None = Field(
        None, description="system expansion: the product this co-product displaces"
    )


class Allocation(_Strict):
    """How a multi-output process shares its burden (ALLOC-01 hierarchy)."""

    method: Literal["physical", "economic", "system_expansion"]
    basis: str | None = Field(
        None, description="physical basis unit, e.g. kg or MJ; amounts are converted to it"
    )
    justification: str | None = None


class CircularFootprint(_Strict):
    """PEF Circular Footprint Formula (material and disposal parts) for one material."""

    mass: Amount
    A: float = Field(ge=0.0, le=1.0, description="allocation of burdens/credits (0.2–0.8)")
    R1: float = Field(ge=0.0, le=1.0, description="recycled content")
    R2: float = Field(ge=0.0, le=1.0, description="recycling output rate at end of life")
    R3: float = Field(0.0, ge=0.0, le=1.0, description="energy recovery rate")
    Qsin_Qp: float = Field(1.0, gt=0.0, le=1.0, description="quality ratio of recycled input")
    Qsout_Qp: float = Field(1.0, gt=0.0, le=1.0, description="quality ratio of recycled output")
    Ev: str = Field(description="factor id: virgin material production")
    Erecycled: str = Field(description="factor id: recycling of recycled input")
    ErecyclingEoL: str = Field(description="factor id: recycling at end of life")
    Ev_star: str | None = Field(None, description="factor id: virgin material displaced")
    ED: str | None = Field(None, description="factor id: disposal")

    @model_validator(mode="after")
    def _rates(self) -> CircularFootprint:
        if self.R2 + self.R3 > 1.0 + 1e-12:
            raise ValueError("R2 + R3 must not exceed 1")
        if self.R2 + self.R3 < 1.0 and self.ED is None:
            raise ValueError("ED (disposal factor) is needed when R2 + R3 < 1")
        return self


class EndOfLife(_Strict):
    approach: Literal["cut_off", "avoided_burden", "cff"]
    credits: list[Input] = Field(
        default_factory=list, description="avoided burden: production avoided by recovery"
    )
    cff: list[CircularFootprint] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> EndOfLife:
        if self.approach == "cut_off" and (self.credits or self.cff):
            raise ValueError("the cut-off approach gives no credits and uses no CFF")
        if self.approach == "avoided_burden" and self.cff:
            raise ValueError("cff entries need approach: cff")
        if self.approach == "cff" and not self.cff:
            raise ValueError("approach cff needs at least one cff entry")
        if self.approach == "cff" and self.credits:
            raise ValueError("credits belong to approach avoided_burden")
        return self


class Process(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_.:\-]+$")
    name: str
    name_zh: str | None = None
    stage: Stage
    location: str | None = Field(None, description="ISO 3166 code or grid region")
    reference_product: Product
    co_products: list[Product] = Field(default_factory=list)
    allocation: Allocation | None = None
    inputs: list[Input] = Field(default_factory=list)
    emissions: list[Emission] = Field(default_factory=list)
    removals: list[Emission] = Field(default_factory=list)
    transport: list[Transport] = Field(default_factory=list)
    end_of_life: EndOfLife | None = None
    biogenic_carbon_content: Amount | None = Field(
        None, description="kg C per unit of reference product (BIO-02)"
    )
    packaging: bool = Field(False, description="this process makes packaging of the product")
    controlled: bool = Field(
        True, description="under the organisation's financial or operational control (DATA-01)"
    )
    comment: str | None = None

    @model_validator(mode="after")
    def _allocation(self) -> Process:
        if self.co_products and self.allocation is None:
            raise ValueError("a process with co-products needs an allocation method")
        if self.allocation is None:
            return self
        method = self.allocation.method
        products = [self.reference_product, *self.co_products]
        given = [p.allocation_factor for p in products]
        if method == "system_expansion":
            missing = [p.name for p in self.co_products if p.substitutes is None]
            if missing:
                raise ValueError(
                    "system expansion needs 'substitutes' on every co-product: "
                    + ", ".join(missing)
                )
        elif any(g is not None for g in given):
            if any(g is None for g in given):
                raise ValueError("give allocation_factor for every product or for none")
            total = sum(g for g in given if g is not None)
            if abs(total - 100.0) > 1e-6:
                raise ValueError(f"allocation factors sum to {total:g} %, not 100 % (ALLOC-02)")
        elif method == "economic" and any(p.price is None for p in products):
            raise ValueError("economic allocation needs a price on every product")
        return self


# ----------------------------------------------------------------------------------------------
# goal and scope
# ----------------------------------------------------------------------------------------------


class Goal(_Strict):
    """STUDY-01: intended application, reasons, audience, disclosure."""

    application: str
    reasons: str
    audience: str
    public: bool = False
    comparative: bool = False


class ProductInfo(_Strict):
    name: str
    name_zh: str | None = None
    model: str | None = None
    producer: str
    site: str | None = None
    cpc: str | None = Field(None, description="UN CPC code")
    hs: str | None = None
    cn_statistical_code: str | None = Field(None, description="统计用产品分类目录 code")


class ReferenceFlow(_Strict):
    """How much of which process's product fulfils one functional or declared unit."""

    process: str
    product: str | None = None
    amount: Number
    unit: str

    @field_validator("amount")
    @classmethod
    def _formula_parses(cls, v: Number) -> Number:
        if isinstance(v, str):
            expressions.parse(v)
        return v


class UnitDefinition(_Strict):
    kind: Literal["functional", "declared"]
    description: str
    quantity: float = Field(1.0, gt=0.0)
    unit: str
    reference_flow: ReferenceFlow


class StageScope(_Strict):
    included: bool
    justification: str | None = None

    @model_validator(mode="after")
    def _justified(self) -> StageScope:
        if not self.included and not (self.justification and self.justification.strip()):
            raise ValueError("an excluded stage needs a justification (SB-02)")
        return self


class Stages(_Strict):
    raw_material_acquisition: StageScope
    production: StageScope
    distribution: StageScope
    use: StageScope
    end_of_life: StageScope

    def included(self) -> list[Stage]:
        return [s for s in Stage if getattr(self, s.value).included]


class Period(_Strict):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class CutOff(_Strict):
    criterion: Literal["mass", "energy", "ghg"] = "ghg"
    per_item_percent: float = Field(1.0, ge=0.0, le=100.0)
    total_percent: float = Field(5.0, ge=0.0, le=100.0)
    excluded: list[str] = Field(default_factory=list, description="what was cut off, and why")


class StudyInfo(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_.:\-]+$")
    title: str
    product: ProductInfo
    goal: Goal
    pcr: str = Field(description="id and version of the PCR applied, or 'none' (STUDY-02)")
    result_type: Literal["CFP", "partial_CFP"]
    unit: UnitDefinition
    boundary: Literal[
        "cradle_to_grave", "cradle_to_gate", "gate_to_gate", "cradle_to_gate_with_options",
        "partial",
    ]
    stages: Stages
    reference_period: Period
    geography: str
    gwp: str = Field("AR6", description="GWP100 set: AR6 (default), AR5 or AR4")
    cut_off: CutOff = Field(default_factory=CutOff)
    practitioner: str | None = None

    @field_validator("gwp")
    @classmethod
    def _known_gwp(cls, v: str) -> str:
        from tanzuji.gwp import gwp_set

        return gwp_set(v).name

    @model_validator(mode="after")
    def _unit_matches_result(self) -> StudyInfo:
        included = set(self.stages.included())
        if self.result_type == "CFP":
            if included != set(Stage):
                raise ValueError("a CFP (cradle to grave) includes all five stages (STUDY-03)")
            if self.unit.kind != "functional":
                raise ValueError("a CFP needs a functional unit (FU-01)")
        if (self.boundary == "cradle_to_grave") != (self.result_type == "CFP"):
            raise ValueError("a CFP has boundary cradle_to_grave, and cradle_to_grave is a CFP "
                             "(STUDY-03)")
        if not included:
            raise ValueError("at least one life-cycle stage must be included")
        return self


class Parameter(_Strict):
    """A named value; ``value`` for an independent one, ``formula`` for a derived one."""

    value: float | None = None
    formula: str | None = None
    unit: str | None = None
    uncertainty: Uncertainty | None = None
    pedigree: Pedigree | None = None
    description: str | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _one_definition(self) -> Parameter:
        if (self.value is None) == (self.formula is None):
            raise ValueError("give exactly one of value or formula")
        if self.formula is not None:
            expressions.parse(self.formula)
            if self.uncertainty or self.pedigree:
                raise ValueError("a derived parameter's uncertainty comes from its inputs")
        if self.uncertainty is not None and self.pedigree is not None:
            raise ValueError("give either uncertainty or pedigree, not both")
        return self


class Electricity(_Strict):
    """Which official Chinese electricity factors ``electricity:`` shorthands resolve to."""

    kind: Literal["carbon_footprint_factor", "co2_emission_factor"] = "carbon_footprint_factor"
    year: int | None = Field(None, description="data year; default the latest shipped")


class BackgroundDatabase(_Strict):
    """A unit-process database in matrix form (``.npz`` arrays + ``.json`` sidecar)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    file: str = Field(description="path of the .npz file, relative to the study file")


class Background(_Strict):
    """Where background data comes from: factor tables, databases, factor-database releases."""

    factor_tables: list[str] = Field(
        default_factory=list, description="CSV files of factors, relative to the study file"
    )
    databases: list[BackgroundDatabase] = Field(
        default_factory=list, description="unit-process databases solved with the study"
    )
    releases: list[str] = Field(
        default_factory=list,
        description="factor-database releases the study draws factors from, e.g. "
        "'starter@1' (a dataset without @N means its newest release, recorded in the result)",
    )
    electricity: Electricity = Field(default_factory=Electricity)


class Study(_Strict):
    """A whole study file."""

    format: Literal["tanzuji-study/1"] = "tanzuji-study/1"
    study: StudyInfo
    background: Background = Field(default_factory=Background)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    processes: list[Process] = Field(min_length=1)

    @field_validator("parameters")
    @classmethod
    def _names(cls, v: dict[str, Parameter]) -> dict[str, Parameter]:
        for name in v:
            if (not name.isidentifier() or name in expressions.FUNCTIONS
                    or name in expressions.CONSTANTS):
                raise ValueError(f"parameter name {name!r} must be a plain identifier, not a "
                                 "function or constant of the formula language")
        return v

    @model_validator(mode="after")
    def _unique_ids(self) -> Study:
        seen: set[str] = set()
        for p in self.processes:
            if p.id in seen:
                raise ValueError(f"process id {p.id!r} is used twice")
            seen.add(p.id)
        return self

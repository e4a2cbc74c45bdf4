"""The PCR format: a product category rule as a versioned, machine-readable rule set.

A PCR tightens the general rule (GB/T 24067-2024 / ISO 14067, the checklist of
``docs/rules.md``) for one product category: it fixes the unit, the boundary, the stages and
processes that must be modelled, the cut-off thresholds, allocation and end-of-life methods,
how electricity is modelled, the GWP set, data requirements and plausible ranges. The JSON
Schema published as ``rules/pcr.schema.json`` (``tanzuji pcr schema``) is generated from these
classes.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from tanzuji.gwp import gwp_set
from tanzuji.model.study import Stage
from tanzuji.units import UnitError, conversion_factor, parse_unit


def _known_unit(text: str) -> str:
    try:
        parse_unit(text)
    except UnitError as exc:
        raise ValueError(str(exc)) from None
    return text


UnitText = Annotated[str, AfterValidator(_known_unit)]

FORMAT_VERSION = "tanzuji-pcr/1"

Boundary = Literal[
    "cradle_to_grave", "cradle_to_gate", "gate_to_gate", "cradle_to_gate_with_options", "partial"
]
FactorKind = Literal["carbon_footprint_factor", "co2_emission_factor"]
GeographyLevel = Literal["national", "grid_region", "province", "site"]
AllocationMethod = Literal["system_expansion", "physical", "economic"]
EndOfLifeMethod = Literal["cut_off", "avoided_burden", "cff"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Strict):
    """A document the rule is taken from; ``url`` where one was seen."""

    title: str
    url: str | None = None
    note: str | None = Field(None, description="what was taken from it, and how sure it is")


class Scope(_Strict):
    """Which products the rule covers, by classification code (prefix match)."""

    description: str
    cpc: list[str] = Field(default_factory=list, description="UN CPC code prefixes")
    cn_statistical: list[str] = Field(
        default_factory=list, description="统计用产品分类目录 code prefixes"
    )
    hs: list[str] = Field(default_factory=list, description="HS code prefixes")
    excludes: list[str] = Field(default_factory=list, description="products out of scope")


class UnitRule(_Strict):
    """The functional or declared unit a study must use."""

    kind: Literal["functional", "declared"]
    quantity: float = Field(1.0, gt=0.0)
    unit: UnitText
    description: str


class BoundaryRule(_Strict):
    result_type: Literal["CFP", "partial_CFP"]
    allowed: list[Boundary] = Field(min_length=1, description="boundary types a study may use")
    required_stages: list[Stage] = Field(min_length=1)
    excluded_stages: list[Stage] = Field(
        default_factory=list, description="stages the rule leaves out (e.g. use of an EV battery)"
    )

    @model_validator(mode="after")
    def _disjoint(self) -> BoundaryRule:
        both = set(self.required_stages) & set(self.excluded_stages)
        if both:
            raise ValueError("a stage cannot be both required and excluded: "
                             + ", ".join(sorted(s.value for s in both)))
        return self


class MandatoryProcess(_Strict):
    """A process the model must contain, recognised by its aliases (case-insensitive
    substrings of a process id, name or Chinese name, or of an input's name or factor id)."""

    id: str = Field(pattern=r"^[a-z0-9_\-]+$")
    name_en: str
    name_zh: str
    stage: Stage
    aliases: list[str] = Field(min_length=1)
    primary_data: bool = Field(
        False, description="its activity data must be primary (site) data (DATA-01)"
    )


class CutOffRule(_Strict):
    criterion: Literal["mass", "energy", "ghg"] = "ghg"
    per_item_percent: float = Field(ge=0.0, le=100.0)
    total_percent: float = Field(ge=0.0, le=100.0)

    @model_validator(mode="after")
    def _ordered(self) -> CutOffRule:
        if self.per_item_percent > self.total_percent:
            raise ValueError("per_item_percent must not exceed total_percent")
        return self


class AllocationRule(_Strict):
    methods: list[AllocationMethod] = Field(
        min_length=1, description="allocation methods allowed for multi-output processes"
    )
    end_of_life: list[EndOfLifeMethod] = Field(
        min_length=1, description="recycling and end-of-life approaches allowed (ALLOC-04)"
    )
    note: str | None = None


class ElectricityRule(_Strict):
    """How purchased electricity is modelled (ELEC-01 … ELEC-04)."""

    geography: GeographyLevel = Field(description="level of the location-based grid factor")
    factor_kinds: list[FactorKind] = Field(
        min_length=1, description="official factor kinds allowed; CO2-only ones draw ELEC-01"
    )
    contractual_instruments: bool = Field(
        description="green-power trading, certificates and PPAs may replace the grid mix"
    )
    note: str | None = None


class DataRule(_Strict):
    primary_for_controlled: bool = Field(
        True, description="processes under the company's control use primary data (DATA-01)"
    )
    reference_period: Literal["calendar_year", "twelve_months", "any"] = "calendar_year"
    min_primary_share: float | None = Field(
        None, ge=0.0, le=100.0, description="least share of the result from primary data, %"
    )


class DataQualityRule(_Strict):
    """Least data quality: the contribution-weighted PEF-style DQR of the lines that make up
    ``coverage_percent`` of the result (1 best … 5 worst)."""

    max_dqr: float = Field(ge=1.0, le=5.0)
    coverage_percent: float = Field(80.0, gt=0.0, le=100.0)


class Range(_Strict):
    min: float
    max: float
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class InputRange(Range):
    """Plausible kg CO2e per unit from the lines whose label, factor or process matches."""

    name: str
    aliases: list[str] = Field(min_length=1)


class Ranges(_Strict):
    """Plausible values in kg CO2e per functional or declared unit (DATA-05 outliers)."""

    result: Range | None = None
    inputs: list[InputRange] = Field(default_factory=list)


class GradeScale(_Strict):
    """How a footprint is graded (分级) against its category: by where it falls in the
    category's distribution (``percentile``, default quintiles) or against fixed values the
    rule sets (``absolute``, kg CO2e per declared unit). The first letter is the best."""

    name: str = Field("quintiles", description="shown with every grade")
    method: Literal["percentile", "absolute"] = "percentile"
    letters: list[str] = Field(default_factory=lambda: ["A", "B", "C", "D", "E"], min_length=2)
    percentiles: list[float] = Field(
        default_factory=lambda: [20.0, 40.0, 60.0, 80.0],
        description="percentile boundaries between the letters (method percentile), ascending")
    thresholds: list[float] | None = Field(
        None, description="kg CO2e per declared unit between the letters (method absolute), "
                          "ascending")

    @model_validator(mode="after")
    def _consistent(self) -> GradeScale:
        bounds = self.thresholds if self.method == "absolute" else self.percentiles
        if bounds is None:
            raise ValueError("an absolute scale needs thresholds")
        if len(bounds) != len(self.letters) - 1:
            raise ValueError(f"{len(self.letters)} letters need {len(self.letters) - 1} "
                             f"boundaries, not {len(bounds)}")
        if any(b <= a for a, b in pairwise(bounds)):
            raise ValueError("the boundaries must be strictly ascending")
        if self.method == "percentile" and not all(0.0 < b < 100.0 for b in bounds):
            raise ValueError("percentile boundaries lie between 0 and 100")
        if len(set(self.letters)) != len(self.letters):
            raise ValueError("grade letters must be unique")
        return self


class BenchmarkRule(_Strict):
    """Which published factors make the category's distribution, and its grade scale.

    A factor of kind ``carbon_footprint_factor`` counts when its id matches one of ``factors``
    (shell patterns, as written), its English or Chinese name one of ``names`` (shell
    patterns, any case), or a classification code starts with one of ``codes``; ``exclude``
    removes ids or names again (any case)."""

    unit: UnitText = Field(description="declared unit the distribution is expressed in")
    factors: list[str] = Field(default_factory=list,
                               description="factor id patterns, matched as written")
    names: list[str] = Field(default_factory=list, description="factor name patterns")
    codes: list[str] = Field(default_factory=list, description="CPC/HS/统计 code prefixes")
    exclude: list[str] = Field(default_factory=list, description="id or name patterns")
    min_platform_count: int = Field(
        3, ge=2, description="certified platform results shown only from this many on (k)")
    scale: GradeScale = Field(default_factory=GradeScale)


class ReportSection(_Strict):
    id: str
    title_zh: str
    title_en: str


class PCR(_Strict):
    """One product category rule."""

    format: Literal["tanzuji-pcr/1"] = "tanzuji-pcr/1"
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    version: str = Field(pattern=r"^\d+(\.\d+)*$")
    title_zh: str
    title_en: str
    standard: str = Field(description="the standard or guide the rule implements")
    names: list[str] = Field(
        default_factory=list,
        description="other ways a study's `pcr` field may name it (short titles, ids)",
    )
    qualifiers: dict[str, str] = Field(
        default_factory=dict, description="e.g. route: BF-BOF (matched in the study's text)"
    )
    sources: list[Source] = Field(min_length=1)
    scope: Scope
    unit: UnitRule
    boundary: BoundaryRule
    mandatory_processes: list[MandatoryProcess] = Field(default_factory=list)
    cut_off: CutOffRule | None = Field(
        None, description="None: the rule sets no numbers, the study's own criteria apply"
    )
    allocation: AllocationRule
    electricity: ElectricityRule
    gwp: str = Field("AR6", description="GWP100 set the result must use")
    data: DataRule = Field(default_factory=DataRule)
    data_quality: DataQualityRule | None = None
    ranges: Ranges = Field(default_factory=Ranges)
    report_sections: list[ReportSection] = Field(default_factory=list)
    benchmark: BenchmarkRule | None = Field(
        None, description="the category's distribution and grade scale (benchmarking, 分级)")

    @field_validator("gwp")
    @classmethod
    def _known_gwp(cls, v: str) -> str:
        return gwp_set(v).name

    @model_validator(mode="after")
    def _consistent(self) -> PCR:
        ids = [p.id for p in self.mandatory_processes]
        if len(ids) != len(set(ids)):
            raise ValueError("mandatory process ids must be unique")
        if self.boundary.result_type == "CFP" and self.unit.kind != "functional":
            raise ValueError("a CFP needs a functional unit (FU-01)")
        stages = set(self.boundary.required_stages)
        for p in self.mandatory_processes:
            if p.stage not in stages:
                raise ValueError(f"mandatory process {p.id!r} is in stage {p.stage.value}, "
                                 "which is not a required stage")
        if self.benchmark is not None:
            try:
                conversion_factor(self.benchmark.unit, self.unit.unit)
            except UnitError:
                raise ValueError(f"benchmark unit {self.benchmark.unit!r} does not convert to "
                                 f"the rule's unit {self.unit.unit!r}") from None
        return self

    @property
    def ref(self) -> str:
        """``id@version``, the way a study names this rule."""
        return f"{self.id}@{self.version}"

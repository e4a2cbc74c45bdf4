"""What the factor database records: one version of a factor or of a unit process.

The fields follow "What the factor DB must record" (identity, product and codes, unit and
boundary, geography and time, technology, value with GHG breakdown and biogenic content,
uncertainty, method, data quality, provenance, rights, lineage). Every importer produces
these records and every exporter writes them, so the formats only differ in how they spell
the same fields. Values are kg CO2e (or kg of each gas) per ONE ``unit`` of the product.

``FLAT_COLUMNS`` is the column order of the CSV and Excel formats: nested fields are
flattened (``provenance.publisher`` -> ``publisher``, ``dqr.reliability`` ->
``dqr_reliability``) and the gas breakdown takes one column per gas (``CO2``, ``CH4``, ...).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tanzuji.gwp import GWPError, canonical_gas, gwp_set
from tanzuji.units import UnitError, parse_unit

Kind = Literal["carbon_footprint_factor", "co2_emission_factor"]
OriginName = Literal["fossil", "biogenic", "dluc", "aircraft"]
GeographyLevel = Literal["global", "country", "region", "grid_region", "province", "city",
                         "site"]
Distribution = Literal["lognormal", "normal", "triangular", "uniform"]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:\-/+]*$"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Provenance(_Record):
    """Where a value comes from, precisely enough that a reviewer can find it again."""

    source: str | None = Field(None, description="full citation of the document")
    publisher: str | None = None
    document: str | None = Field(None, description="title of the report, paper or dataset")
    announcement: str | None = Field(None, description="official announcement number")
    table: str | None = Field(None, description="table, page or figure holding the value")
    url: str | None = None
    sample_size: int | None = Field(None, ge=0)
    developer: str | None = Field(None, description="who compiled the dataset")
    published: dt.date | None = None


class Quality(_Record):
    """Data-quality scores, 1 (best) .. 5, on the five ecoinvent pedigree dimensions."""

    reliability: int = Field(ge=1, le=5)
    completeness: int = Field(ge=1, le=5)
    temporal: int = Field(ge=1, le=5)
    geographical: int = Field(ge=1, le=5)
    technological: int = Field(ge=1, le=5)


class Spread(_Record):
    """Uncertainty of the value (lognormal: ``gsd``; normal: ``sd``; others: min/mode/max)."""

    distribution: Distribution
    gsd: float | None = Field(None, gt=1.0)
    sd: float | None = Field(None, ge=0.0)
    min: float | None = None
    mode: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _parameters(self) -> Spread:
        need = {"lognormal": ("gsd",), "normal": ("sd",), "triangular": ("min", "max"),
                "uniform": ("min", "max")}[self.distribution]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.distribution} distribution needs {', '.join(missing)}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not exceed max")
        return self

    @property
    def sigma(self) -> float:
        """Spread of ln(value) for Monte Carlo (a lognormal with this sigma)."""
        if self.gsd is not None:
            return math.log(self.gsd)
        return 0.0


class FactorRecord(_Record):
    """One version of one background factor."""

    id: str = Field(pattern=ID_PATTERN, max_length=200)
    name_en: str = Field(min_length=1)
    name_zh: str | None = None
    unit: str = Field(description="the value is per one of this unit (pint syntax)")
    declared_unit: str | None = Field(None, description="e.g. '1 t of hot-rolled coil'")
    value: float | None = Field(None, description="kg CO2e per unit, as published")
    gwp: str | None = Field(None, description="GWP set the publisher used for value")
    gases: dict[str, float] = Field(default_factory=dict, description="kg gas per unit")
    origin: OriginName = "fossil"
    biogenic_carbon: float | None = Field(None, ge=0.0, description="kg C per unit")
    kind: Kind = "carbon_footprint_factor"
    boundary: str | None = None
    geography: str | None = None
    geography_level: GeographyLevel | None = None
    year: int | None = Field(None, ge=1900, le=2100, description="data (reference) year")
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    technology: str | None = None
    cpc: str | None = None
    hs: str | None = None
    cn_stat_code: str | None = Field(None, description="统计用产品分类目录 code")
    uncertainty: Spread | None = None
    method: str | None = Field(None, description="standard the value follows")
    pcr: str | None = None
    dqr: Quality | None = None
    provenance: Provenance = Field(default_factory=Provenance)
    licence: str | None = None
    supersedes: str | None = Field(None, description="id of the factor this one replaces")
    comment: str | None = None

    @field_validator("unit")
    @classmethod
    def _unit(cls, text: str) -> str:
        try:
            parse_unit(text)
        except UnitError as exc:
            raise ValueError(str(exc)) from None
        return text.strip()

    @field_validator("gwp")
    @classmethod
    def _gwp(cls, text: str | None) -> str | None:
        if text is None or not text.strip():
            return None
        try:
            return gwp_set(text.strip()).name
        except GWPError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("gases")
    @classmethod
    def _gases(cls, gases: dict[str, float]) -> dict[str, float]:
        out: dict[str, float] = {}
        for gas, amount in gases.items():
            try:
                name = canonical_gas(gas)
            except GWPError as exc:
                raise ValueError(str(exc)) from None
            if not math.isfinite(amount):
                raise ValueError(f"{gas}: amount must be finite")
            out[name] = out.get(name, 0.0) + amount
        return dict(sorted(out.items()))  # one order, so equal records serialise equally

    @model_validator(mode="after")
    def _has_value(self) -> FactorRecord:
        if self.value is None and not self.gases:
            raise ValueError("give a value (kg CO2e per unit) or a breakdown by gas")
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError("value must be finite")
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            raise ValueError("valid_from is after valid_until")
        return self

    def co2e(self, gwp: str = "AR6") -> float:
        """kg CO2e per unit: the gas breakdown characterised with ``gwp`` when there is one,
        else the published value (which used the publisher's own GWP set)."""
        if self.gases:
            table = gwp_set(gwp)
            return sum(amount * table.factor(gas, non_fossil=self.origin in ("biogenic", "dluc"))
                       for gas, amount in self.gases.items())
        assert self.value is not None
        return self.value


Direction = Literal["output", "input", "emission", "removal"]


class ExchangeRecord(_Record):
    """One line of a unit process: its product, an input, or a greenhouse-gas flow."""

    direction: Direction
    name: str
    amount: float
    unit: str
    process: str | None = Field(None, description="input: id of the supplying process")
    factor: str | None = Field(None, description="input: id of a factor instead")
    gas: str | None = Field(None, description="emission/removal: the gas")
    origin: OriginName = "fossil"
    uncertainty: Spread | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ExchangeRecord:
        if self.direction in ("emission", "removal"):
            if self.gas is None:
                raise ValueError(f"an {self.direction} needs a gas")
            try:
                canonical_gas(self.gas)
            except GWPError as exc:
                raise ValueError(str(exc)) from None
        if self.direction == "input" and self.process is None and self.factor is None:
            raise ValueError("an input links to a process or a factor")
        return self


class ProcessRecord(_Record):
    """One version of a unit process, solved by the engine as background technosphere."""

    id: str = Field(pattern=ID_PATTERN, max_length=200)
    name_en: str = Field(min_length=1)
    name_zh: str | None = None
    reference_product: str
    unit: str
    geography: str | None = None
    year: int | None = Field(None, ge=1900, le=2100)
    technology: str | None = None
    exchanges: list[ExchangeRecord]
    provenance: Provenance = Field(default_factory=Provenance)
    licence: str | None = None
    comment: str | None = None

    @model_validator(mode="after")
    def _one_output(self) -> ProcessRecord:
        outputs = [e for e in self.exchanges if e.direction == "output"]
        if len(outputs) != 1:
            raise ValueError(f"a unit process has exactly one reference output, "
                             f"found {len(outputs)}")
        if outputs[0].amount == 0:
            raise ValueError("the reference output amount is zero")
        return self


# the flat (CSV / Excel) spelling of FactorRecord, in column order; gas columns follow
FLAT_COLUMNS = (
    "id", "name_en", "name_zh", "unit", "declared_unit", "value", "gwp", "origin",
    "biogenic_carbon", "kind", "boundary", "geography", "geography_level", "year", "valid_from",
    "valid_until", "technology", "cpc", "hs", "cn_stat_code",
    "distribution", "gsd", "sd", "min", "mode", "max",
    "method", "pcr",
    "dqr_reliability", "dqr_completeness", "dqr_temporal", "dqr_geographical",
    "dqr_technological",
    "source", "publisher", "document", "announcement", "table", "url", "sample_size",
    "developer", "published", "licence", "supersedes", "comment",
)

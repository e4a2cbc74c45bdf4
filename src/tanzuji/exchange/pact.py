"""The PACT Technical Specifications v3.0 data model (ProductFootprint and its parts).

Written by hand from the v3.0.3 specification's data model; a "Separate Derivative" of the PACT
Technical Specifications, © World Business Council for Sustainable Development (see NOTICE).
JSON names are camelCase aliases. Decimals travel as JSON strings in plain notation
(``"12.5"``, never ``1.25e1``); dates as ISO 8601 in UTC (``…Z``); identifiers as URNs.

The models enforce what the spec's schema enforces (types, decimal signs, patterns, one
geography at most), so every schema-valid PCF loads. The rules only the prose states (e.g.
``otherOperatorName`` exactly for ``Other``, which the spec's own examples break) and the PACT
Methodology's reporting rules are listed by :func:`methodology_problems`: a host can warn, and
Tanzuji refuses to publish a PCF that breaks one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic.alias_generators import to_camel

SPEC_VERSION = "3.0.3"

_DECIMAL = re.compile(r"[+-]?\d+(\.\d+)?")


def _parse_decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, str):
        if not _DECIMAL.fullmatch(value):
            raise ValueError(f"{value!r} is not a PACT decimal: digits with an optional sign and "
                             "fraction, no exponent (e.g. '12.5')")
        number = Decimal(value)
    else:
        raise ValueError("a PACT decimal is a JSON string such as '12.5', not a JSON number")
    if not number.is_finite():
        raise ValueError("a PACT decimal must be finite")
    return number


def format_decimal(value: Decimal) -> str:
    """Plain notation, no exponent, and never ``-0``."""
    text = format(value, "f")
    return text[1:] if text.startswith("-") and value.is_zero() else text


def decimal(value: float, digits: int = 6) -> Decimal:
    """A float as a decimal with ``digits`` significant digits (no binary-float noise)."""
    try:
        number = Decimal(repr(float(value)))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a finite number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    if number.is_zero():
        return Decimal(0)
    exponent = number.adjusted() - digits + 1
    return number.quantize(Decimal(1).scaleb(exponent)).normalize()


def _bound(test: Callable[[Decimal], bool], text: str) -> Callable[[Decimal], Decimal]:
    def check(value: Decimal) -> Decimal:
        if not test(value):
            raise ValueError(f"must be {text}")
        return value

    return check


_decimal_schema = WithJsonSchema({"type": "string", "format": "decimal",
                                  "pattern": _DECIMAL.pattern})
_serialize = PlainSerializer(format_decimal, return_type=str, when_used="always")

PactDecimal = Annotated[Decimal, BeforeValidator(_parse_decimal), _serialize, _decimal_schema]
PositiveOrZeroDecimal = Annotated[
    Decimal, BeforeValidator(_parse_decimal), AfterValidator(_bound(lambda d: d >= 0, ">= 0")),
    _serialize, _decimal_schema,
]
NegativeOrZeroDecimal = Annotated[
    Decimal, BeforeValidator(_parse_decimal), AfterValidator(_bound(lambda d: d <= 0, "<= 0")),
    _serialize, _decimal_schema,
]
PositiveNonZeroDecimal = Annotated[
    Decimal, BeforeValidator(_parse_decimal), AfterValidator(_bound(lambda d: d > 0, "> 0")),
    _serialize, _decimal_schema,
]
DqrDecimal = Annotated[
    Decimal, BeforeValidator(_parse_decimal),
    AfterValidator(_bound(lambda d: 1 <= d <= 5, "between 1 and 5")), _serialize, _decimal_schema,
]

#: RFC 8141: ``urn:<NID>:<NSS>``; the spec's schema only asks for the ``urn:`` prefix.
Urn = Annotated[str, StringConstraints(pattern=r"^[uU][rR][nN]:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$")]
NonEmptyString = Annotated[str, StringConstraints(min_length=1)]


def _utc_text(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


DateTime = Annotated[AwareDatetime, PlainSerializer(_utc_text, return_type=str)]


def _unique(values: list[Any] | None) -> list[Any] | None:
    if values is not None and len(set(map(str, values))) != len(values):
        raise ValueError("items must be unique")
    return values


UrnList = Annotated[list[Urn], Field(min_length=1), AfterValidator(_unique)]
NonEmptyStrings = Annotated[list[NonEmptyString], Field(min_length=1), AfterValidator(_unique)]
IpccSets = Annotated[list[Annotated[str, StringConstraints(pattern=r"^AR\d+$")]],
                     Field(min_length=1), AfterValidator(_unique)]


class DeclaredUnit(StrEnum):
    liter = "liter"
    kilogram = "kilogram"
    cubic_meter = "cubic meter"
    kilowatt_hour = "kilowatt hour"
    megajoule = "megajoule"
    ton_kilometer = "ton kilometer"
    square_meter = "square meter"
    piece = "piece"
    hour = "hour"
    megabit_second = "megabit second"


class Status(StrEnum):
    active = "Active"
    deprecated = "Deprecated"


class RegionOrSubregion(StrEnum):
    """UN M49 regions and sub-regions the spec allows for ``geographyRegionOrSubregion``."""

    africa = "Africa"
    americas = "Americas"
    asia = "Asia"
    europe = "Europe"
    oceania = "Oceania"
    australia_and_new_zealand = "Australia and New Zealand"
    central_asia = "Central Asia"
    eastern_asia = "Eastern Asia"
    eastern_europe = "Eastern Europe"
    latin_america_and_the_caribbean = "Latin America and the Caribbean"
    melanesia = "Melanesia"
    micronesia = "Micronesia"
    northern_africa = "Northern Africa"
    northern_america = "Northern America"
    northern_europe = "Northern Europe"
    polynesia = "Polynesia"
    south_eastern_asia = "South-eastern Asia"
    southern_asia = "Southern Asia"
    southern_europe = "Southern Europe"
    sub_saharan_africa = "Sub-Saharan Africa"
    western_asia = "Western Asia"
    western_europe = "Western Europe"


class RuleOperator(StrEnum):
    pef = "PEF"
    epd_international = "EPD International"
    other = "Other"


class VerificationCoverage(StrEnum):
    calculation_model = "PCF calculation model"
    program = "PCF program"
    product_level = "product level"


#: Values ``crossSectoralStandards`` SHOULD use; hosts must accept others too.
CROSS_SECTORAL_STANDARDS = ("ISO14067", "ISO14083", "ISO14040-44", "GHGP-Product", "PEF",
                            "PACT-1.0", "PACT-2.0", "PACT-3.0", "PAS2050")


class _Pact(BaseModel):
    # unknown properties are kept: the spec's schema allows them (e.g. v2's ``version``)
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow",
                              use_enum_values=False)

    def to_json(self) -> dict[str, Any]:
        """The JSON document: camelCase names, decimal strings, undefined fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class ProductOrSectorSpecificRule(_Pact):
    operator: RuleOperator
    rule_names: NonEmptyStrings
    other_operator_name: NonEmptyString | None = None


class EmissionFactorSource(_Pact):
    name: NonEmptyString
    version: NonEmptyString


class DataQualityIndicators(_Pact):
    technological_dqr: DqrDecimal = Field(alias="technologicalDQR")
    geographical_dqr: DqrDecimal = Field(alias="geographicalDQR")
    temporal_dqr: DqrDecimal = Field(alias="temporalDQR")


class Verification(_Pact):
    coverage: VerificationCoverage | None = None
    provider_name: str | None = None
    completed_at: DateTime | None = None
    standard_name: str | None = None
    comments: str | None = None


class DataModelExtension(_Pact):
    spec_version: str
    data_schema: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")]
    documentation: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")] \
        | None = None
    data: dict[str, Any]


class CarbonFootprint(_Pact):
    """``pcf``: every emission is per ``declaredUnitAmount`` of ``declaredUnitOfMeasurement``."""

    declared_unit_of_measurement: DeclaredUnit
    declared_unit_amount: PositiveNonZeroDecimal
    product_mass_per_declared_unit: PactDecimal
    reference_period_start: DateTime
    reference_period_end: DateTime
    geography_region_or_subregion: RegionOrSubregion | None = None
    geography_country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    geography_country_subdivision: Annotated[
        str, StringConstraints(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")] | None = None
    boundary_processes_description: str | None = None
    pcf_excluding_biogenic_uptake: PactDecimal
    pcf_including_biogenic_uptake: PactDecimal
    fossil_carbon_content: PositiveOrZeroDecimal
    biogenic_carbon_content: PositiveOrZeroDecimal | None = None
    recycled_carbon_content: PositiveOrZeroDecimal | None = None
    fossil_ghg_emissions: PositiveOrZeroDecimal
    land_use_change_ghg_emissions: PositiveOrZeroDecimal | None = None
    land_carbon_leakage: PositiveOrZeroDecimal | None = None
    land_management_fossil_ghg_emissions: PositiveOrZeroDecimal | None = None
    land_management_biogenic_co2_emissions: PositiveOrZeroDecimal | None = Field(
        None, alias="landManagementBiogenicCO2Emissions")
    land_management_biogenic_co2_removals: NegativeOrZeroDecimal | None = Field(
        None, alias="landManagementBiogenicCO2Removals")
    biogenic_co2_uptake: NegativeOrZeroDecimal | None = Field(None, alias="biogenicCO2Uptake")
    biogenic_non_co2_emissions: PositiveOrZeroDecimal | None = Field(
        None, alias="biogenicNonCO2Emissions")
    land_area_occupation: PositiveOrZeroDecimal | None = None
    aircraft_ghg_emissions: PositiveOrZeroDecimal | None = None
    packaging_emissions_included: bool | None = None
    packaging_ghg_emissions: PositiveOrZeroDecimal | None = None
    packaging_biogenic_carbon_content: PositiveOrZeroDecimal | None = None
    outbound_logistics_ghg_emissions: PositiveOrZeroDecimal | None = None
    ccs_technological_co2_capture_included: bool | None = Field(
        None, alias="ccsTechnologicalCO2CaptureIncluded")
    ccs_technological_co2_capture: NegativeOrZeroDecimal | None = Field(
        None, alias="ccsTechnologicalCO2Capture")
    technological_co2_capture_origin: str | None = Field(
        None, alias="technologicalCO2CaptureOrigin")
    technological_co2_removals: NegativeOrZeroDecimal | None = Field(
        None, alias="technologicalCO2Removals")
    ccu_carbon_content: PositiveOrZeroDecimal | None = None
    ccu_calculation_approach: Literal["Cut-off", "Credit"] | None = None
    ccu_credit_certification: Annotated[
        str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")] | None = None
    ipcc_characterization_factors: IpccSets
    cross_sectoral_standards: NonEmptyStrings
    product_or_sector_specific_rules: list[ProductOrSectorSpecificRule] | None = None
    exempted_emissions_percent: PactDecimal
    exempted_emissions_description: str | None = None
    allocation_rules_description: str | None = None
    secondary_emission_factor_sources: Annotated[
        list[EmissionFactorSource], Field(min_length=1)] | None = None
    primary_data_share: PactDecimal | None = None
    dqi: DataQualityIndicators | None = None
    verification: Verification | None = None

    @model_validator(mode="after")
    def _structure(self) -> CarbonFootprint:
        geographies = [self.geography_region_or_subregion, self.geography_country,
                       self.geography_country_subdivision]
        if sum(g is not None for g in geographies) > 1:
            raise ValueError("give at most one of geographyRegionOrSubregion, geographyCountry "
                             "and geographyCountrySubdivision")
        if self.reference_period_end < self.reference_period_start:
            raise ValueError("referencePeriodEnd is before referencePeriodStart")
        return self


class ProductFootprint(_Pact):
    """One PCF. Any change makes a new PCF with a new ``id``; only ``status`` may change."""

    id: UUID
    spec_version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+(-\d{8})?$")]
    preceding_pf_ids: Annotated[list[UUID], Field(min_length=1),
                                AfterValidator(_unique)] | None = None
    created: DateTime
    status: Status
    validity_period_start: DateTime | None = None
    validity_period_end: DateTime | None = None
    company_name: NonEmptyString
    company_ids: UrnList
    product_description: str
    product_ids: UrnList
    product_classifications: UrnList | None = None
    product_name_company: NonEmptyString
    comment: str | None = None
    pcf: CarbonFootprint
    extensions: list[DataModelExtension] | None = None

    @model_validator(mode="after")
    def _validity(self) -> ProductFootprint:
        start, end = self.validity_period_start, self.validity_period_end
        if start is not None and end is not None and end < start:
            raise ValueError("validityPeriodEnd is before validityPeriodStart")
        return self

    def validity(self) -> tuple[dt.datetime, dt.datetime]:
        """The validity period; undefined means three years from ``referencePeriodEnd``."""
        ref_end = self.pcf.reference_period_end
        start = self.validity_period_start or ref_end
        return start, self.validity_period_end or add_years(ref_end, 3)


def add_years(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def methodology_problems(pf: ProductFootprint) -> list[str]:
    """Rules of the spec's prose and the PACT Methodology v3 that the schema does not enforce;
    empty when all hold."""
    pcf = pf.pcf
    problems = []
    for i, rule in enumerate(pcf.product_or_sector_specific_rules or []):
        if (rule.operator == RuleOperator.other) != (rule.other_operator_name is not None):
            problems.append(f"pcf.productOrSectorSpecificRules[{i}].otherOperatorName is given "
                            "exactly when operator is 'Other'")
    if pcf.packaging_emissions_included is False and pcf.packaging_ghg_emissions is not None:
        problems.append("pcf.packagingGhgEmissions must be undefined when "
                        "packagingEmissionsIncluded is false")
    uptake = pcf.biogenic_co2_uptake or Decimal(0)
    if pcf.pcf_including_biogenic_uptake != pcf.pcf_excluding_biogenic_uptake + uptake:
        problems.append("pcf.pcfIncludingBiogenicUptake must equal pcfExcludingBiogenicUptake "
                        "+ biogenicCO2Uptake")
    parts = [pcf.fossil_ghg_emissions, pcf.land_use_change_ghg_emissions,
             pcf.land_management_biogenic_co2_emissions,
             pcf.land_management_biogenic_co2_removals, pcf.technological_co2_removals,
             pcf.ccs_technological_co2_capture, pcf.biogenic_non_co2_emissions]
    if pcf.pcf_excluding_biogenic_uptake != sum((p for p in parts if p is not None), Decimal(0)):
        problems.append("pcf.pcfExcludingBiogenicUptake must be the sum of fossilGhgEmissions, "
                        "landUseChangeGhgEmissions, landManagementBiogenicCO2Emissions and "
                        "-Removals, technologicalCO2Removals, ccsTechnologicalCO2Capture and "
                        "biogenicNonCO2Emissions")
    if pcf.packaging_emissions_included is None:
        problems.append("pcf.packagingEmissionsIncluded is a SHALL field")
    if pcf.ccs_technological_co2_capture_included is None:
        problems.append("pcf.ccsTechnologicalCO2CaptureIncluded is a SHALL field")
    if pcf.primary_data_share is None:
        problems.append("pcf.primaryDataShare is a SHALL field")
    elif not 0 <= pcf.primary_data_share <= 100:
        problems.append("pcf.primaryDataShare is a percentage between 0 and 100")
    if not 0 <= pcf.exempted_emissions_percent <= 100:
        problems.append("pcf.exemptedEmissionsPercent is a percentage between 0 and 100")
    start, end = pf.validity()
    if start < pcf.reference_period_end:
        problems.append("validityPeriodStart must not be before pcf.referencePeriodEnd")
    if end > add_years(pcf.reference_period_end, 3):
        problems.append("validityPeriodEnd must be at most 3 years after pcf.referencePeriodEnd")
    return problems

"""A calculated study as a PACT v3 ProductFootprint.

Every number comes from the result; every identifier from the study or the declaration info.
What PACT needs and neither holds (company and product URNs, fossil carbon content, the
share of exclusions that were not screened, the product mass of a non-mass unit) is refused
by name, never guessed; the share of screened cut-off inputs is computed. A unit
PACT lacks (kW) is declared through the reference flow that makes it (1.72 pieces per kW).

Biogenic CO2 follows the PACT Methodology: ``pcfExcludingBiogenicUptake`` is fossil (aircraft
included) + dLUC + biogenic non-CO2 gases, and ``biogenicCO2Uptake`` is the net biogenic CO2
of the study when it is an uptake. Biogenic CO2 emitted without a modelled uptake (biomass
fuel) is outside both PCF values; the comment then gives the ISO 14067 total beside them.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter, ValidationError

from tanzuji.declare.info import field_path
from tanzuji.declare.source import Declarable
from tanzuji.exchange.pact import (
    SPEC_VERSION,
    CarbonFootprint,
    DataQualityIndicators,
    DeclaredUnit,
    EmissionFactorSource,
    ProductFootprint,
    ProductOrSectorSpecificRule,
    RegionOrSubregion,
    RuleOperator,
    Status,
    Urn,
    Verification,
    add_years,
    decimal,
    methodology_problems,
)
from tanzuji.model.errors import Problem, StudyError
from tanzuji.units import UnitError, conversion_factor

DIGITS = 6  # significant digits of the decimals sent

_urn = TypeAdapter(Urn)

# PACT unit → the pint unit it means; energy and volume pick by the study's own spelling
_PACT_UNITS: list[tuple[DeclaredUnit, str]] = [
    (DeclaredUnit.kilogram, "kg"),
    (DeclaredUnit.kilowatt_hour, "kWh"),
    (DeclaredUnit.megajoule, "MJ"),
    (DeclaredUnit.liter, "L"),
    (DeclaredUnit.cubic_meter, "m3"),
    (DeclaredUnit.square_meter, "m2"),
    (DeclaredUnit.ton_kilometer, "tkm"),
    (DeclaredUnit.piece, "piece"),
    (DeclaredUnit.hour, "h"),
]


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def declared_unit(unit: str, quantity: float) -> tuple[DeclaredUnit, Decimal] | None:
    """The PACT unit and amount for ``quantity`` ``unit``; None when PACT has no such unit."""
    for pact_unit, pint_unit in _PACT_UNITS:
        if pact_unit == DeclaredUnit.kilowatt_hour and "Wh" not in unit:
            continue
        if pact_unit == DeclaredUnit.liter and not re.search(r"(^|[^A-Za-z])[mh]?[lL]", unit):
            continue
        try:
            factor = conversion_factor(unit, pint_unit)
        except UnitError:
            continue
        return pact_unit, decimal(quantity * factor, DIGITS)
    return None


def _geography(code: str) -> dict[str, str] | None:
    if re.fullmatch(r"[A-Z]{2}", code):
        return {"geography_country": code}
    if re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", code):
        return {"geography_country_subdivision": code}
    if code in {r.value for r in RegionOrSubregion}:
        return {"geography_region_or_subregion": code}
    if code.upper() in ("GLO", "GLOBAL", "WORLD"):
        return {}
    return None


def _urns(d: Declarable, field: str, values: list[str], problems: list[Problem]) -> list[str]:
    for i, value in enumerate(values):
        try:
            _urn.validate_python(value)
        except ValidationError:
            problems.append(d.info_problem(f"{field}[{i}]", f"{value!r} is not a URN "
                                           "(urn:<namespace>:<id>, e.g. urn:pact:example.com:"
                                           "product-id:123)"))
    return values


def _boundary_text(d: Declarable) -> str:
    info = d.study.study
    kind = "CFP (cradle to grave)" if info.result_type == "CFP" else \
        f"Partial CFP ({info.boundary.replace('_', ' ')})"
    parts = [f"{kind}, per GB/T 24067-2024 / ISO 14067:2018."]
    for stage in ("raw_material_acquisition", "production", "distribution", "use",
                  "end_of_life"):
        scope = getattr(info.stages, stage)
        name = stage.replace("_", " ")
        if scope.included:
            parts.append(f"Included: {name}.")
        else:
            parts.append(f"Excluded: {name} ({scope.justification}).")
    return " ".join(parts)


def _allocation_text(d: Declarable) -> str:
    parts = []
    for p in d.study.processes:
        if p.allocation is not None:
            basis = f" ({p.allocation.basis})" if p.allocation.basis else ""
            parts.append(f"{p.id}: {p.allocation.method.replace('_', ' ')}{basis}")
        if p.end_of_life is not None:
            parts.append(f"{p.id}: end of life {p.end_of_life.approach.replace('_', ' ')}")
    return "; ".join(parts) if parts else "No multi-output processes: no allocation needed."


def _factor_sources(d: Declarable) -> list[EmissionFactorSource]:
    seen: dict[tuple[str, str], EmissionFactorSource] = {}
    for f in d.result.provenance.factors:
        name = str(f.get("source") or f.get("id") or "")
        if name:
            version = str(f["year"]) if f.get("year") is not None else "not stated"
            seen.setdefault((name, version), EmissionFactorSource(name=name, version=version))
    for db in d.result.provenance.databases:  # a database file, or a database release
        name = str(db["id"])
        version = str(db.get("release") or str(db.get("file", "-")).rsplit("/", 1)[-1])
        seen.setdefault((name, version), EmissionFactorSource(name=name, version=version))
    for release in d.result.provenance.releases:
        name, _, version = release.partition("@")
        seen.setdefault((name, version), EmissionFactorSource(name=name, version=version or "-"))
    return list(seen.values())


def _rules(d: Declarable) -> list[ProductOrSectorSpecificRule] | None:
    pcr, operator = d.study.study.pcr, d.info.pcr_operator
    if pcr.strip().lower() == "none" or not operator:
        return None
    if operator in (RuleOperator.pef.value, RuleOperator.epd_international.value):
        return [ProductOrSectorSpecificRule(operator=RuleOperator(operator), rule_names=[pcr])]
    return [ProductOrSectorSpecificRule(operator=RuleOperator.other, rule_names=[pcr],
                                        other_operator_name=operator)]


def _unit(d: Declarable, problems: list[Problem]) -> tuple[DeclaredUnit, Decimal, str]:
    """PACT unit and amount, and a note when they are the reference flow's (e.g. per kW)."""
    info = d.study.study.unit
    unit = declared_unit(info.unit, info.quantity)
    if unit is not None:
        return (*unit, "")
    flow_amount, flow_unit = d.result.reference_flow.amount, d.result.reference_flow.unit
    unit = declared_unit(flow_unit, flow_amount)
    if unit is not None:
        return (*unit, f" PACT has no unit for {info.quantity:g} {info.unit}: the footprint is "
                       f"per the reference flow, {flow_amount:.6g} {flow_unit}, which makes one "
                       f"{info.kind} unit.")
    problems.append(d.study_problem(
        "study.unit.unit", f"PACT has no declared unit for {info.unit!r} nor for the reference "
        f"flow's {flow_unit!r}: it knows " + ", ".join(u.value for u in DeclaredUnit)))
    return DeclaredUnit.piece, Decimal(1), ""


def _facts(d: Declarable, unit: tuple[DeclaredUnit, Decimal],
           problems: list[Problem]) -> dict[str, Any]:
    """What the study and the info file must give; a problem for each that is missing."""
    info, facts = d.study.study, d.info
    per = f"{info.unit.quantity:g} {info.unit.unit}"
    out: dict[str, Any] = {}
    if unit[0] == DeclaredUnit.kilogram:
        out["product_mass_per_declared_unit"] = unit[1]
    elif facts.product_mass_per_declared_unit is not None:
        out["product_mass_per_declared_unit"] = decimal(facts.product_mass_per_declared_unit,
                                                        DIGITS)
    else:
        problems.append(d.info_problem(
            "product_mass_per_declared_unit", f"PACT needs productMassPerDeclaredUnit: kg of "
            f"product per {per} (0 for energy, logistics and services)"))
    geography = _geography(info.geography)
    if geography is None:
        problems.append(d.study_problem(
            "study.geography", f"{info.geography!r} is not an ISO 3166 country (CN) or "
            "subdivision (CN-JS) code, nor a UN region PACT knows"))
    else:
        out.update(geography)
    if facts.fossil_carbon_content is None:
        problems.append(d.info_problem("fossil_carbon_content", "PACT needs fossilCarbonContent"
                                       f": kg C of fossil origin per {per}"))
    else:
        out["fossil_carbon_content"] = decimal(facts.fossil_carbon_content, DIGITS)
    screened = d.result.cut_off
    if not d.study.study.cut_off.excluded:  # everything cut off was screened: computed
        share = screened.total_share if screened is not None else 0.0
        out["exempted_emissions_percent"] = decimal(share, DIGITS)
    elif facts.exempted_emissions_percent is None:
        problems.append(d.info_problem("exempted_emissions_percent", "PACT needs "
                                       "exemptedEmissionsPercent: study.cut_off.excluded lists "
                                       "items that were not screened, so their share is not "
                                       "computed (screen them as cut_off inputs, or estimate)"))
    else:
        out["exempted_emissions_percent"] = decimal(facts.exempted_emissions_percent, DIGITS)
    return out


def _emissions(d: Declarable, problems: list[Problem]) -> dict[str, Any]:
    """The PCF values (see the module docstring for biogenic CO2)."""
    r = d.result
    s = r.biogenic_split
    fossil = decimal(r.fossil + r.aircraft, DIGITS)
    dluc = decimal(r.dluc, DIGITS)
    other_biogenic = decimal(s.other_gases, DIGITS)
    uptake = decimal(min(s.co2_emissions + s.co2_removals, 0.0), DIGITS)
    for value, field in ((fossil, "fossilGhgEmissions"), (dluc, "landUseChangeGhgEmissions"),
                         (other_biogenic, "biogenicNonCO2Emissions")):
        if value < 0:
            problems.append(d.study_problem("processes", f"pcf.{field} would be {value} kg CO2e"
                                            ": PACT allows no net credit there"))
    out: dict[str, Any] = dict(
        pcf_excluding_biogenic_uptake=fossil + dluc + other_biogenic,
        pcf_including_biogenic_uptake=fossil + dluc + other_biogenic + uptake,
        fossil_ghg_emissions=fossil, land_use_change_ghg_emissions=dluc,
        biogenic_co2_uptake=uptake, biogenic_non_co2_emissions=other_biogenic,
        aircraft_ghg_emissions=decimal(r.aircraft, DIGITS),
        biogenic_carbon_content=decimal(r.biogenic_carbon_content, DIGITS),
        packaging_emissions_included=s.packaging is not None,
        ccs_technological_co2_capture_included=False,
    )
    if s.packaging is not None:
        if s.packaging < 0:
            problems.append(d.study_problem("processes", "pcf.packagingGhgEmissions would be "
                                            "negative: PACT allows no credit there"))
        out["packaging_ghg_emissions"] = decimal(s.packaging, DIGITS)
        out["packaging_biogenic_carbon_content"] = decimal(
            r.biogenic_carbon_content_packaging, DIGITS)
    if d.study.study.stages.distribution.included:
        out["outbound_logistics_ghg_emissions"] = decimal(r.by_stage["distribution"], DIGITS)
    return out


def _quality(d: Declarable) -> dict[str, Any]:
    """DQI (from the info file, else the result's pedigree scores where they cover enough of
    the footprint) and verification (from the info file)."""
    out: dict[str, Any] = {}
    stated = d.result.data_quality
    q = d.info.data_quality or (stated if stated is not None and stated.declarable else None)
    if q is not None:
        out["dqi"] = DataQualityIndicators(
            technological_dqr=decimal(q.technological, 3),
            geographical_dqr=decimal(q.geographical, 3), temporal_dqr=decimal(q.temporal, 3))
    v = d.info.verification
    if v.status != "not_verified":
        out["verification"] = Verification(
            coverage=v.coverage, provider_name=v.body,
            completed_at=_midnight(v.completed) if v.completed else None,
            standard_name=v.standard,
            comments=v.status + (f", certificate {v.certificate_number}"
                                 if v.certificate_number else ""))
    return out


def _comment(d: Declarable, unit_note: str) -> str:
    info, r = d.study.study, d.result
    s = r.biogenic_split
    text = (f"Calculated with Tanzuji {r.provenance.software_version} from study {info.id} "
            f"(model sha256 {r.provenance.model_sha256}); {info.title}. PCR: {info.pcr}."
            + unit_note)
    net_biogenic_co2 = s.co2_emissions + s.co2_removals
    if net_biogenic_co2 > 0:
        text += (f" The ISO 14067 total of {decimal(r.total, DIGITS)} kg CO2e also counts "
                 f"{decimal(net_biogenic_co2, DIGITS)} kg biogenic CO2 emitted without a "
                 "modelled uptake; PACT leaves it out of both PCF values.")
    return text


def product_footprint(d: Declarable, *, created: dt.datetime | None = None,
                      pf_id: uuid.UUID | None = None) -> ProductFootprint:
    """The study's result as a PACT v3 ProductFootprint; StudyError names what is missing."""
    info, facts = d.study.study, d.info
    problems: list[Problem] = []
    unit, amount, unit_note = _unit(d, problems)
    known = _facts(d, (unit, amount), problems)
    emissions = _emissions(d, problems)
    if not facts.company_ids:
        problems.append(d.info_problem("company_ids", "PACT needs companyIds: one or more URNs "
                                       "of the data owner (e.g. urn:uuid:…)"))
    if not facts.product_ids:
        problems.append(d.info_problem("product_ids", "PACT needs productIds: one or more "
                                       "product URNs (e.g. urn:gtin:…)"))
    company_ids = _urns(d, "company_ids", facts.company_ids, problems)
    product_ids = _urns(d, "product_ids", facts.product_ids, problems)
    classifications = _urns(d, "product_classifications", facts.product_classifications,
                            problems)
    if info.product.cpc:
        classifications = [f"urn:pact:productclassification:un-cpc:{info.product.cpc}",
                           *classifications]
    if problems:
        raise StudyError(problems)

    ref_end = _midnight(info.reference_period.end + dt.timedelta(days=1))  # exclusive
    try:
        pcf = CarbonFootprint(
            declared_unit_of_measurement=unit, declared_unit_amount=amount,
            reference_period_start=_midnight(info.reference_period.start),
            reference_period_end=ref_end,
            boundary_processes_description=_boundary_text(d),
            ipcc_characterization_factors=[d.result.provenance.gwp],
            cross_sectoral_standards=facts.cross_sectoral_standards,
            product_or_sector_specific_rules=_rules(d),
            exempted_emissions_description="; ".join(info.cut_off.excluded) or None,
            allocation_rules_description=_allocation_text(d),
            secondary_emission_factor_sources=_factor_sources(d) or None,
            primary_data_share=decimal(d.result.primary_data_share, 4),
            **known, **emissions, **_quality(d),
        )
        pf = ProductFootprint(
            id=pf_id or uuid.uuid4(), spec_version=SPEC_VERSION,
            created=created or dt.datetime.now(dt.UTC).replace(microsecond=0),
            status=Status.active,
            validity_period_start=_midnight(facts.valid_from) if facts.valid_from else ref_end,
            validity_period_end=_midnight(facts.valid_until) if facts.valid_until
            else add_years(ref_end, 3),
            company_name=info.product.producer, company_ids=company_ids,
            product_description=info.title, product_ids=product_ids,
            product_classifications=classifications or None,
            product_name_company=info.product.name, comment=_comment(d, unit_note), pcf=pcf,
        )
    except ValidationError as exc:
        raise StudyError([Problem("pact", e["msg"].removeprefix("Value error, "), d.study_file,
                                  None, field_path(e["loc"]))
                          for e in exc.errors(include_url=False)]) from None
    rules = methodology_problems(pf)
    if rules:  # only the validity comes from the user; the rest would be a bug here
        fields = {"validityPeriodStart": "valid_from", "validityPeriodEnd": "valid_until"}
        raise StudyError([
            d.info_problem(next(f for key, f in fields.items() if m.startswith(key)), m)
            if m.startswith(tuple(fields)) else Problem("pact", m, d.study_file)
            for m in rules])
    return pf

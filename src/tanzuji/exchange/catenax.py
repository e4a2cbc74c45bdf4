"""A calculated study as the Catena-X PCF aspect (``urn:samm:io.catenax.pcf:7.0.0#Pcf``).

The aspect follows the PACT v2 data model with Catena-X and TFS extensions; it is built from
the same PACT v3 footprint as ``--format pact`` (:func:`from_result.product_footprint`), so
both carry the same numbers, plus what 7.0.0 asks beyond PACT v3 (the UN CPC code, the
partial/full flag, the waste-incineration allocation, a UN region). What 7.0.0 cannot express
(a unit it lacks, AR4, exempted emissions above 5 %) is refused by name, never bent.
Numbers are JSON numbers in this model (PACT v3 sends decimal strings).
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from tanzuji.declare.source import Declarable
from tanzuji.exchange.from_result import product_footprint
from tanzuji.exchange.pact import ProductFootprint, RuleOperator
from tanzuji.model.errors import Problem, StudyError

ASPECT = "urn:samm:io.catenax.pcf:7.0.0#Pcf"
SCHEMA = "catenax-pcf-7.0.0.schema.json"
SPEC_VERSION = "2.0.0"  # the PACT data model 7.0.0 is written against
CO2_PER_C = 44.0 / 12.0

_UNITS = {"liter", "kilogram", "cubic meter", "kilowatt hour", "megajoule", "ton kilometer",
          "square meter", "piece"}
_STANDARDS = {"ISO14067": "ISO Standard 14067", "ISO14040-44": "ISO Standard 14044",
              "GHGP-Product": "GHG Protocol Product Standard", "PEF": "PEF",
              "PAS2050": "PAS 2050", "PACT-1.0": "Pathfinder v1", "PACT-2.0": "Pathfinder v2"}
_WASTE = {"cut_off": "cut-off", "avoided_burden": "system expansion"}
# UN M49 sub-region of the countries (and their ISO 3166-2 subdivisions) this platform meets
# most; any other geography must be a UN region already
_EASTERN_ASIA = {"CN", "HK", "MO", "TW", "JP", "KR", "KP", "MN"}
GB_T_24067 = {"extWBCSD_operator": "Other",
              "productOrSectorSpecificRules": [{"ruleName": "GB/T 24067-2024"}],
              "extWBCSD_otherOperatorName": "SAC (Standardization Administration of China)"}


@cache
def schema() -> dict[str, Any]:
    """The JSON schema of the aspect shipped with Tanzuji (adapted from the CC-BY-4.0 model)."""
    text = (resources.files("tanzuji.exchange") / "schemas" / SCHEMA).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _region(pcf: Any) -> str | None:
    if pcf.geography_region_or_subregion is not None:
        return str(pcf.geography_region_or_subregion.value)
    code = pcf.geography_country or (pcf.geography_country_subdivision or "")[:2] or None
    if code is None:
        return "Global"
    return "Eastern Asia" if code in _EASTERN_ASIA else None


def _rules(pf: ProductFootprint) -> list[dict[str, Any]]:
    rules = [GB_T_24067]
    for rule in pf.pcf.product_or_sector_specific_rules or []:
        entry: dict[str, Any] = {
            "extWBCSD_operator": rule.operator.value,
            "productOrSectorSpecificRules": [{"ruleName": n} for n in rule.rule_names]}
        if rule.operator == RuleOperator.other and rule.other_operator_name:
            entry["extWBCSD_otherOperatorName"] = rule.other_operator_name
        rules.append(entry)
    return rules


def _waste(d: Declarable, problems: list[Problem]) -> str:
    approaches = {p.end_of_life.approach for p in d.study.processes
                  if p.end_of_life is not None}
    unknown = sorted(approaches - set(_WASTE))
    if unknown:
        problems.append(d.study_problem("processes", f"Catena-X 7.0.0 knows the allocation "
                                        f"approaches cut-off and system expansion, not "
                                        f"{', '.join(unknown)}"))
    return "system expansion" if "avoided_burden" in approaches else "cut-off"


def _partial_full(d: Declarable, problems: list[Problem]) -> str:
    info = d.study.study
    if info.result_type == "CFP":
        return "Cradle-to-grave"
    if info.boundary == "cradle_to_gate":
        return "Cradle-to-gate"
    problems.append(d.study_problem("study.boundary", f"Catena-X 7.0.0 declares cradle-to-gate "
                                    f"or cradle-to-grave footprints, not {info.boundary}"))
    return "Cradle-to-gate"


def _dqr(pf: ProductFootprint) -> dict[str, float] | None:
    """The DQRs when all fit the model's 1..3 scale (PACT v3 uses 1..5); else left out."""
    dqi = pf.pcf.dqi
    if dqi is None:
        return None
    scores = {"technologicalDQR": dqi.technological_dqr, "geographicalDQR": dqi.geographical_dqr,
              "temporalDQR": dqi.temporal_dqr}
    if any(v > 3 for v in scores.values()):
        return None
    return {k: float(v) for k, v in scores.items()}


def _pcf(d: Declarable, pf: ProductFootprint, problems: list[Problem]) -> dict[str, Any]:
    pcf = pf.pcf
    unit = pcf.declared_unit_of_measurement.value
    if unit not in _UNITS:
        problems.append(d.study_problem("study.unit.unit", f"Catena-X 7.0.0 has no declared "
                                        f"unit {unit!r}: it knows {', '.join(sorted(_UNITS))}"))
    gwp = pcf.ipcc_characterization_factors[0]
    if gwp not in ("AR5", "AR6"):
        problems.append(d.study_problem("study.gwp", f"Catena-X 7.0.0 accepts GWP sets AR5 and "
                                        f"AR6, not {gwp}"))
    if pcf.exempted_emissions_percent > 5:
        problems.append(d.info_problem("exempted_emissions_percent", "Catena-X 7.0.0 allows at "
                                       "most 5 % exempted emissions"))
    region = _region(pcf)
    if region is None:
        problems.append(d.study_problem("study.geography", "Catena-X 7.0.0 needs the UN "
                                        "region of the geography; give the study a UN region "
                                        "or a country of Eastern Asia"))
    dates = pf.to_json()["pcf"]
    biogenic_c = float(pcf.biogenic_carbon_content or 0)
    fossil_c = float(pcf.fossil_carbon_content)
    out: dict[str, Any] = {
        "declaredUnit": unit, "unitaryProductAmount": float(pcf.declared_unit_amount),
        "productMassPerDeclaredUnit": float(pcf.product_mass_per_declared_unit),
        "exemptedEmissionsPercent": float(pcf.exempted_emissions_percent),
        "exemptedEmissionsDescription": pcf.exempted_emissions_description,
        "boundaryProcessesDescription": pcf.boundary_processes_description,
        "geographyCountry": pcf.geography_country,
        "geographyCountrySubdivision": pcf.geography_country_subdivision,
        "geographyRegionOrSubregion": region,
        "referencePeriodStart": dates["referencePeriodStart"],
        "referencePeriodEnd": dates["referencePeriodEnd"],
        "crossSectoralStandardsUsed": [
            {"crossSectoralStandard": s} for s in dict.fromkeys(
                _STANDARDS.get(x, "Other") for x in pcf.cross_sectoral_standards)],
        "productOrSectorSpecificRules": _rules(pf),
        "extWBCSD_characterizationFactors": gwp,
        "extWBCSD_allocationRulesDescription": pcf.allocation_rules_description,
        "extTFS_allocationWasteIncineration": _waste(d, problems),
        "primaryDataShare": _number(pcf.primary_data_share),
        "secondaryEmissionFactorSources": [
            {"secondaryEmissionFactorSource": f"{s.name} ({s.version})"}
            for s in pcf.secondary_emission_factor_sources or []],
        "dataQualityRating": _dqr(pf),
        "extWBCSD_packagingEmissionsIncluded": bool(pcf.packaging_emissions_included),
        "extWBCSD_packagingGhgEmissions": _number(pcf.packaging_ghg_emissions),
        "pcfExcludingBiogenic": float(pcf.pcf_excluding_biogenic_uptake),
        "pcfIncludingBiogenic": float(pcf.pcf_including_biogenic_uptake),
        "fossilGhgEmissions": float(pcf.fossil_ghg_emissions),
        "biogenicCarbonEmissionsOtherThanCO2": _number(pcf.biogenic_non_co2_emissions),
        "biogenicCarbonWithdrawal": -biogenic_c * CO2_PER_C if biogenic_c else 0.0,
        "dlucGhgEmissions": _number(pcf.land_use_change_ghg_emissions),
        "aircraftGhgEmissions": _number(pcf.aircraft_ghg_emissions),
        "distributionStagePcfExcludingBiogenic": _number(pcf.outbound_logistics_ghg_emissions),
        "carbonContentTotal": fossil_c + biogenic_c,
        "extWBCSD_fossilCarbonContent": fossil_c,
        "carbonContentBiogenic": biogenic_c,
    }
    return {k: v for k, v in out.items() if v is not None}


def pcf_aspect(d: Declarable, pf: ProductFootprint | None = None) -> dict[str, Any]:
    """The study's result as a Catena-X PCF 7.0.0 aspect; StudyError names what is missing.
    ``pf`` is the PACT footprint to derive it from (default: made now, new id)."""
    footprint = pf or product_footprint(d)
    doc = footprint.to_json()
    problems: list[Problem] = []
    cpc = d.study.study.product.cpc
    if not cpc:
        problems.append(d.study_problem("study.product.cpc", "Catena-X 7.0.0 needs the UN CPC "
                                        "code of the product"))
    aspect: dict[str, Any] = {
        "id": doc["id"], "specVersion": SPEC_VERSION,
        "partialFullPcf": _partial_full(d, problems), "version": 0,
        "created": doc["created"], "extWBCSD_pfStatus": doc["status"],
        "validityPeriodStart": doc.get("validityPeriodStart"),
        "validityPeriodEnd": doc.get("validityPeriodEnd"), "comment": doc.get("comment"),
        "companyName": doc["companyName"], "companyIds": doc["companyIds"],
        "productDescription": doc["productDescription"], "productIds": doc["productIds"],
        "extWBCSD_productCodeCpc": cpc or "", "productName": doc["productNameCompany"],
        "pcf": _pcf(d, footprint, problems),
    }
    if footprint.preceding_pf_ids:
        aspect["precedingPfIds"] = [{"id": str(i)} for i in footprint.preceding_pf_ids]
    if problems:
        raise StudyError(problems)
    return {k: v for k, v in aspect.items() if v is not None}

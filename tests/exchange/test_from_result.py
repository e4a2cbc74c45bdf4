"""A calculated study as a PACT ProductFootprint: valid, round-tripping, never invented."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from tanzuji.declare.source import load
from tanzuji.exchange.from_result import declared_unit, product_footprint
from tanzuji.exchange.pact import DeclaredUnit, ProductFootprint, methodology_problems
from tanzuji.model.errors import StudyError
from tests.conftest import WriteStudy
from tests.declare.examples import EXAMPLES, INFO, NAMES, declarable, full_cfp_study
from tests.exchange.schemas import errors


@pytest.mark.parametrize("name", NAMES)
def test_examples_validate_against_pact_v3_and_round_trip(name: str) -> None:
    d = declarable(name)
    pf = product_footprint(d)
    doc = pf.to_json()
    assert errors(doc) == []
    assert ProductFootprint.model_validate(doc) == pf
    assert methodology_problems(pf) == []
    assert doc["specVersion"] == "3.0.3" and doc["status"] == "Active"
    assert doc["companyName"] == d.study.study.product.producer
    assert doc["pcf"]["ipccCharacterizationFactors"] == ["AR6"]
    assert doc["pcf"]["geographyCountrySubdivision"] == d.study.study.geography
    assert "Partial CFP" in doc["pcf"]["boundaryProcessesDescription"]
    assert doc["pcf"]["referencePeriodEnd"] == "2025-01-01T00:00:00Z"  # exclusive end
    assert doc["pcf"]["productOrSectorSpecificRules"] == [{
        "operator": "Other", "ruleNames": [d.study.study.pcr],
        "otherOperatorName": "Example PCR operator"}]
    assert doc["validityPeriodStart"] == "2025-03-15T00:00:00Z"
    assert doc["pcf"]["verification"]["providerName"] == "Example Certification Body"


def test_battery_totals_and_units() -> None:
    d = declarable("lfp-battery-pack.yaml")
    pcf = product_footprint(d).pcf
    assert pcf.declared_unit_of_measurement == DeclaredUnit.kilowatt_hour
    assert pcf.declared_unit_amount == 1
    # no biogenic CO2 emitted, only the pallet's uptake: including = the ISO 14067 total
    assert float(pcf.pcf_including_biogenic_uptake) == pytest.approx(d.result.total, rel=1e-5)
    assert float(pcf.biogenic_co2_uptake or 0) == pytest.approx(d.result.biogenic_removals,
                                                                rel=1e-5)
    assert pcf.packaging_emissions_included is True
    assert pcf.packaging_ghg_emissions is not None and pcf.packaging_ghg_emissions > 0
    assert float(pcf.outbound_logistics_ghg_emissions or 0) == pytest.approx(
        d.result.by_stage["distribution"], rel=1e-5)
    assert float(pcf.primary_data_share or 0) == pytest.approx(d.result.primary_data_share,
                                                               rel=1e-3)


def test_cement_biogenic_co2_without_uptake_is_outside_the_pact_values() -> None:
    d = declarable("portland-cement.yaml")
    pf = product_footprint(d)
    pcf = pf.pcf
    assert pcf.declared_unit_of_measurement == DeclaredUnit.kilogram
    assert pcf.declared_unit_amount == 1000 and pcf.product_mass_per_declared_unit == 1000
    assert pcf.biogenic_co2_uptake == 0
    assert float(pcf.biogenic_non_co2_emissions or 0) == pytest.approx(0.19764, rel=1e-6)
    expected = d.result.total - d.result.biogenic_split.co2_emissions
    assert float(pcf.pcf_including_biogenic_uptake) == pytest.approx(expected, rel=1e-5)
    assert pf.comment is not None and "biogenic CO2 emitted without a modelled uptake" in pf.comment


def test_every_category_of_a_full_cfp(write_study: WriteStudy, tmp_path: Path) -> None:
    path = write_study(full_cfp_study(geography="CN"))
    info = tmp_path / "info.yaml"
    info.write_text(yaml.safe_dump({
        "company_ids": ["urn:uuid:0b0e9b6a-1d57-4f5e-9c1d-3f1ad2f0a001"],
        "product_ids": ["urn:pact:example.com:product-id:W-1"],
        "fossil_carbon_content": 0, "exempted_emissions_percent": 0,
        "pcr_operator": "PEF"}))
    created = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
    pf = product_footprint(load(path, info), created=created)
    doc = pf.to_json()
    assert errors(doc) == []
    pcf = doc["pcf"]
    assert pcf["geographyCountry"] == "CN"
    assert pcf["fossilGhgEmissions"] == "4"  # steel 2 + aircraft 2
    assert pcf["aircraftGhgEmissions"] == "2"
    assert pcf["landUseChangeGhgEmissions"] == "0.3"
    assert pcf["biogenicNonCO2Emissions"] == "0.27"
    assert pcf["biogenicCO2Uptake"] == "-1.5"  # 2 taken up, 0.5 emitted
    assert pcf["pcfExcludingBiogenicUptake"] == "4.57"
    assert pcf["pcfIncludingBiogenicUptake"] == "3.07"  # the ISO 14067 total
    assert "Included: use" in pcf["boundaryProcessesDescription"]
    assert pcf["boundaryProcessesDescription"].startswith("CFP (cradle to grave)")
    assert doc["created"] == "2025-05-01T00:00:00Z"
    assert "productOrSectorSpecificRules" not in pcf  # the study's PCR is "none"


def test_exempted_share_is_the_computed_share_of_screened_inputs(
        write_study: WriteStudy, tmp_path: Path) -> None:
    doc = full_cfp_study(geography="CN")
    # 0.1 kg more steel screened and cut off: 0.2 of a complete 3.27 kg CO2e
    doc["processes"][0]["inputs"].append(
        {"factor": "steel", "amount": 0.1, "unit": "kg", "cut_off": True})
    info = tmp_path / "info.yaml"
    info.write_text(yaml.safe_dump({
        "company_ids": ["urn:uuid:0b0e9b6a-1d57-4f5e-9c1d-3f1ad2f0a001"],
        "product_ids": ["urn:pact:example.com:product-id:W-1"], "fossil_carbon_content": 0}))
    pcf = product_footprint(load(write_study(doc), info)).to_json()["pcf"]
    assert float(pcf["exemptedEmissionsPercent"]) == pytest.approx(100 * 0.2 / 3.27, rel=1e-6)
    assert pcf["pcfIncludingBiogenicUptake"] == "3.07"


def test_missing_facts_are_named_not_invented() -> None:
    d = declarable("steel-bf-bof-hot-rolled.yaml", with_info=False)
    with pytest.raises(StudyError) as caught:
        product_footprint(d)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"company_ids", "product_ids", "fossil_carbon_content",
                      "exempted_emissions_percent"}
    assert all("steel-bf-bof-hot-rolled.declaration.yaml" in str(p.file)
               for p in caught.value.problems)


def test_unit_pact_lacks_goes_through_the_reference_flow() -> None:
    pf = product_footprint(declarable("pv-module.yaml"))  # per kW: PACT has no power unit
    assert pf.pcf.declared_unit_of_measurement == DeclaredUnit.piece
    assert pf.pcf.declared_unit_amount == Decimal("1.72414")  # 1000 W / 580 W modules
    assert pf.comment is not None and "per the reference flow" in pf.comment


def test_unit_pact_does_not_know_is_refused(write_study: WriteStudy) -> None:
    doc = full_cfp_study()
    doc["study"]["unit"].update(unit="kW", description="1 kW of widget")
    doc["processes"][0]["reference_product"]["unit"] = "m"
    doc["study"]["unit"]["reference_flow"]["unit"] = "m"
    with pytest.raises(StudyError) as caught:
        product_footprint(load(write_study(doc)))
    problem = next(p for p in caught.value.problems if p.field == "study.unit.unit")
    assert "'kW'" in problem.message and "'m'" in problem.message
    assert problem.line is not None and problem.file is not None


def test_bad_urn_and_missing_mass_are_named(write_study: WriteStudy, tmp_path: Path) -> None:
    doc = full_cfp_study()
    doc["study"]["unit"].update(unit="piece", description="1 widget")
    doc["processes"][0]["reference_product"]["unit"] = "piece"
    doc["study"]["unit"]["reference_flow"]["unit"] = "piece"
    path = write_study(doc)
    info = tmp_path / "info.yaml"
    info.write_text(yaml.safe_dump({
        "company_ids": ["ACME"], "product_ids": ["urn:gtin:4712345060507"],
        "fossil_carbon_content": 0, "exempted_emissions_percent": 1}))
    with pytest.raises(StudyError) as caught:
        product_footprint(load(path, info))
    fields = {p.field for p in caught.value.problems}
    assert fields == {"company_ids[0]", "product_mass_per_declared_unit"}


@pytest.mark.parametrize(("unit", "quantity", "pact", "amount"), [
    ("kg", 1, DeclaredUnit.kilogram, "1"), ("t", 1, DeclaredUnit.kilogram, "1000"),
    ("kWh", 1, DeclaredUnit.kilowatt_hour, "1"), ("MWh", 1, DeclaredUnit.kilowatt_hour, "1000"),
    ("MJ", 1, DeclaredUnit.megajoule, "1"), ("GJ", 2, DeclaredUnit.megajoule, "2000"),
    ("L", 1, DeclaredUnit.liter, "1"), ("m3", 1, DeclaredUnit.cubic_meter, "1"),
    ("m2", 1, DeclaredUnit.square_meter, "1"), ("tkm", 1, DeclaredUnit.ton_kilometer, "1"),
    ("piece", 1, DeclaredUnit.piece, "1"), ("h", 1, DeclaredUnit.hour, "1"),
])
def test_declared_units(unit: str, quantity: float, pact: DeclaredUnit, amount: str) -> None:
    assert declared_unit(unit, quantity) == (pact, Decimal(amount))


def test_units_pact_lacks() -> None:
    assert declared_unit("kW", 1) is None
    assert declared_unit("m", 1) is None


def test_validity_beyond_three_years_is_refused(tmp_path: Path) -> None:
    info = yaml.safe_load(INFO.read_text(encoding="utf-8"))
    info.update(valid_from="2024-06-01", valid_until="2030-01-01")
    path = tmp_path / "info.yaml"
    path.write_text(yaml.safe_dump(info), encoding="utf-8")
    with pytest.raises(StudyError) as caught:
        product_footprint(load(EXAMPLES / "portland-cement.yaml", path))
    assert {p.field for p in caught.value.problems} == {"valid_from", "valid_until"}
    assert all(p.file == str(path) for p in caught.value.problems)

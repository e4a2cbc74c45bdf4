"""A study input on a received supplier footprint: resolved in accounting, counted as primary
data, its PCF id, data quality and verification carried into the result."""

from __future__ import annotations

import pytest

from tanzuji.accounting.calculate import calculate
from tanzuji.accounting.supplier import dqr_sigma, load_supplier_factors, used_footprints
from tanzuji.engine.uncertainty import pedigree_sigma
from tanzuji.exchange.pact import ProductFootprint
from tanzuji.model.errors import StudyError
from tanzuji.model.study import Study
from tanzuji.store.supply_db import SupplyDB
from tests.conftest import WriteStudy, study_dict
from tests.supply.fake_host import footprint


def study(factor: str) -> dict[str, object]:
    return study_dict([{
        "id": "part", "name": "part", "stage": "production",
        "reference_product": {"name": "part", "unit": "kg"},
        "inputs": [{"factor": factor, "amount": 2, "unit": "kg"},
                   {"factor": "steel", "amount": 1, "unit": "kg"}],
    }])


def test_a_supplier_footprint_is_primary_data(supply: SupplyDB,
                                              write_study: WriteStudy) -> None:
    first = ProductFootprint.model_validate(footprint("urn:gtin:1"))
    supply.receive("steelco", first, by="t", customer_id="acme")
    result = calculate(write_study(study("supplier:steelco/urn:gtin:1")))
    # 2 kg x 2.5 kg CO2e/kg from the supplier + 1 kg steel x 2.0 from the factor table
    assert result.total == pytest.approx(2 * 2.5 + 2.0)
    assert result.primary_data_share == pytest.approx(100 * 5.0 / 7.0)
    [used] = [f for f in result.provenance.factors if f["id"] == "supplier:steelco/urn:gtin:1"]
    assert str(used["source"]).startswith(f"PACT footprint {first.id} from steelco")
    assert "primary data share 40 %" in str(used["source"])
    assert "DQR technological 2, temporal 1, geographical 2" in str(used["source"])
    assert "verified by CB1 (product level)" in str(used["source"])
    pinned = used_footprints(result.provenance.factors)
    assert pinned == {"supplier:steelco/urn:gtin:1": str(first.id)}
    # a newer version arrives: the old one is superseded, a recalculation takes the new one
    newer = ProductFootprint.model_validate(
        footprint("urn:gtin:1", preceding=[str(first.id)], value="1.5"))
    supply.receive("steelco", newer, by="t", customer_id="acme")
    assert supply.superseding(pinned.values()) == {str(first.id): str(newer.id)}
    again = calculate(write_study(study("supplier:steelco/urn:gtin:1")))
    assert again.total == pytest.approx(2 * 1.5 + 2.0)
    # a PCF id pins that exact version
    exact = calculate(write_study(study(f"supplier:steelco/{first.id}")))
    assert exact.total == pytest.approx(2 * 2.5 + 2.0)


def test_unknown_supplier_references_name_the_input(supply: SupplyDB,
                                                    write_study: WriteStudy) -> None:
    with pytest.raises(StudyError) as caught:
        calculate(write_study(study("supplier:nobody/urn:gtin:1")))
    [problem] = caught.value.problems
    assert problem.field == "processes[0].inputs[0].factor"
    assert "no footprint received from 'nobody'" in problem.message
    with pytest.raises(StudyError, match="supplier:<partner>/"):
        calculate(write_study(study("supplier:steelco")))


def test_data_quality_becomes_the_spread() -> None:
    good = {"technologicalDQR": "1", "temporalDQR": "1", "geographicalDQR": "1"}
    poor = {"technologicalDQR": "2.5", "temporalDQR": "4", "geographicalDQR": "3"}
    assert dqr_sigma(None, True) == 0.0
    assert dqr_sigma(good, True) == pytest.approx(pedigree_sigma((1, 1, 1, 1, 1), 0.0006))
    assert dqr_sigma(poor, False) == pytest.approx(pedigree_sigma((2, 1, 4, 3, 3), 0.0006))
    assert dqr_sigma(poor, False) > dqr_sigma(poor, True) > dqr_sigma(good, True)
    assert dqr_sigma({"technologicalDQR": "x"}, True) == 0.0


def test_resolution_can_be_limited_to_one_customer(supply: SupplyDB) -> None:
    mine = ProductFootprint.model_validate(footprint("urn:gtin:5", value="1.0"))
    theirs = ProductFootprint.model_validate(footprint("urn:gtin:5", value="9.0"))
    supply.receive("parts", mine, by="t", customer_id="acme")
    supply.receive("parts", theirs, by="t", customer_id="other")
    doc = study_dict([{"id": "p", "name": "p", "stage": "production",
                       "reference_product": {"name": "p", "unit": "kg"},
                       "inputs": [{"factor": "supplier:parts/urn:gtin:5", "amount": 1,
                                   "unit": "kg"}]}])
    study = Study.model_validate(doc)
    [factor] = load_supplier_factors(study, "s.yaml", supply, customer="acme").values()
    assert factor.co2e == 1.0
    with pytest.raises(StudyError, match="no footprint received from 'parts'"):
        load_supplier_factors(study, "s.yaml", supply, customer="nobody")


def test_a_supplier_footprint_keeps_its_origins_apart(supply: SupplyDB,
                                                      write_study: WriteStudy) -> None:
    """PACT counts aircraft inside the fossil emissions; dLUC and biogenic non-CO2 come apart:
    the customer's result reports each in its own GB/T 24067 category."""
    doc = footprint("urn:gtin:5", value="3.6")
    doc["pcf"].update(fossilGhgEmissions="3.0", aircraftGhgEmissions="0.5",
                      landUseChangeGhgEmissions="0.4", biogenicNonCO2Emissions="0.2")
    supply.receive("steelco", ProductFootprint.model_validate(doc), by="t", customer_id="acme")
    result = calculate(write_study(study("supplier:steelco/urn:gtin:5")))
    # 2 kg: fossil (3.0 - 0.5 aircraft) x 2 + 1 kg steel x 2.0 from the factor table
    assert result.total == pytest.approx(2 * 3.6 + 2.0)
    assert result.fossil == pytest.approx(2 * 2.5 + 2.0)
    assert result.aircraft == pytest.approx(2 * 0.5)
    assert result.dluc == pytest.approx(2 * 0.4)
    assert result.biogenic_emissions == pytest.approx(2 * 0.2)
    # parts that exceed the total cannot be split: the whole counts as fossil, and says so
    bad = footprint("urn:gtin:6", value="1.0")
    bad["pcf"].update(landUseChangeGhgEmissions="2.0")
    supply.receive("steelco", ProductFootprint.model_validate(bad), by="t", customer_id="acme")
    whole = calculate(write_study(study("supplier:steelco/urn:gtin:6")))
    assert whole.fossil == pytest.approx(2 * 1.0 + 2.0) and whole.dluc == 0
    [used] = [f for f in whole.provenance.factors if f["id"] == "supplier:steelco/urn:gtin:6"]
    assert "all counted as fossil" in str(used["source"])

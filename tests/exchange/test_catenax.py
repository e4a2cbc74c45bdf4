"""The Catena-X PCF aspect 7.0.0: valid against the schema adapted from the published model,
the same numbers as the PACT footprint it derives from, refusals named by field."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from tanzuji.cli import app
from tanzuji.exchange.catenax import ASPECT, pcf_aspect, schema
from tanzuji.exchange.from_result import product_footprint
from tanzuji.model.errors import StudyError
from tests.declare.examples import EXAMPLES, INFO, NAMES, declarable


def schema_errors(doc: dict[str, Any]) -> list[str]:
    checker = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in checker.iter_errors(doc)]


def test_schema_is_the_7_0_0_aspect() -> None:
    doc = schema()
    jsonschema.Draft202012Validator.check_schema(doc)
    assert doc["x-samm-aspect-model-urn"] == ASPECT
    assert "CC-BY-4.0" in doc["$comment"]


WITH_CPC = ["portland-cement.yaml", "steel-bf-bof-hot-rolled.yaml"]


def test_every_example_is_considered() -> None:
    assert set(NAMES) == {*WITH_CPC, "lfp-battery-pack.yaml", "pv-module.yaml"}


@pytest.mark.parametrize("name", WITH_CPC)
def test_examples_are_valid_aspects(name: str) -> None:
    d = declarable(name)
    pf = product_footprint(d)
    aspect = pcf_aspect(d, pf)
    assert schema_errors(aspect) == []
    pcf, pact = aspect["pcf"], pf.pcf
    assert aspect["id"] == str(pf.id) and aspect["extWBCSD_pfStatus"] == "Active"
    assert aspect["extWBCSD_productCodeCpc"] == d.study.study.product.cpc
    assert pcf["pcfExcludingBiogenic"] == float(pact.pcf_excluding_biogenic_uptake)
    assert pcf["pcfIncludingBiogenic"] == float(pact.pcf_including_biogenic_uptake)
    assert pcf["fossilGhgEmissions"] == float(pact.fossil_ghg_emissions)
    assert pcf["extWBCSD_characterizationFactors"] == "AR6"
    assert pcf["geographyRegionOrSubregion"] == "Eastern Asia"
    assert pcf["productOrSectorSpecificRules"][0]["productOrSectorSpecificRules"] == [
        {"ruleName": "GB/T 24067-2024"}]
    assert {"crossSectoralStandard": "ISO Standard 14067"} in pcf["crossSectoralStandardsUsed"]
    assert pcf["biogenicCarbonWithdrawal"] == pytest.approx(
        -float(pact.biogenic_carbon_content or 0) * 44 / 12)


def test_a_boundary_catena_x_lacks_is_refused() -> None:
    with pytest.raises(StudyError) as caught:
        pcf_aspect(declarable("lfp-battery-pack.yaml"))  # cradle to gate with options
    assert [p.field for p in caught.value.problems] == ["study.boundary"]


def test_a_product_without_cpc_is_refused() -> None:
    with pytest.raises(StudyError) as caught:
        pcf_aspect(declarable("pv-module.yaml"))
    assert "study.product.cpc" in {p.field for p in caught.value.problems}


def test_refusals_name_the_field() -> None:
    d = declarable("portland-cement.yaml")
    info = d.info.model_copy(update={"exempted_emissions_percent": 7.5})
    cpc_less = d.study.study.product.model_copy(update={"cpc": None})
    study = d.study.model_copy(update={"study": d.study.study.model_copy(
        update={"product": cpc_less, "geography": "FR"})})
    with pytest.raises(StudyError) as caught:
        pcf_aspect(replace(d, info=info, study=study))
    fields = {p.field for p in caught.value.problems}
    assert {"exempted_emissions_percent", "study.product.cpc", "study.geography"} <= fields


def test_declare_cli() -> None:
    result = CliRunner().invoke(app, ["declare", str(EXAMPLES / "portland-cement.yaml"),
                                      "--info", str(INFO), "--format", "catenax"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert schema_errors(doc) == [] and doc["partialFullPcf"] == "Cradle-to-gate"

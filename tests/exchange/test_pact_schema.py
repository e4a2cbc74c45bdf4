"""The schema copy is the published one, and the model speaks the schema's whole vocabulary."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from tanzuji.exchange.pact import (
    CarbonFootprint,
    DataQualityIndicators,
    ProductFootprint,
    ProductOrSectorSpecificRule,
    Verification,
)
from tests.exchange.schemas import CONFORMANCE, components, spec_dir, validator


def test_conformance_schema_is_the_published_blob() -> None:
    data = CONFORMANCE.read_bytes()
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    assert blob == "afe81f57a524d84491c256bf191e7cca9051f390"
    assert "World Business Council" in (CONFORMANCE.parent / "LICENSE").read_text()


def _aliases(model: type[BaseModel]) -> set[str]:
    return {f.alias or name for name, f in model.model_fields.items()}


@pytest.mark.parametrize(("model", "name"), [
    (ProductFootprint, "ProductFootprint"), (CarbonFootprint, "CarbonFootprint"),
    (ProductOrSectorSpecificRule, "ProductOrSectorSpecificRule"),
    (DataQualityIndicators, "DataQualityIndicators"), (Verification, "Verification"),
])
def test_model_has_every_schema_property(model: type[BaseModel], name: str) -> None:
    schema = components(CONFORMANCE)["schemas"][name]
    assert _aliases(model) == set(schema["properties"])
    required = {f.alias or n for n, f in model.model_fields.items() if f.is_required()}
    assert required == set(schema.get("required", []))


def _spec_examples() -> list[str]:
    root = spec_dir()
    folder = root / "wbcsd-data-exchange-protocol/spec/v3/examples" if root else None
    return sorted(str(p) for p in folder.glob("example-*.json")) if folder else []


@pytest.mark.skipif(not _spec_examples(), reason="WBCSD spec examples not on this machine")
@pytest.mark.parametrize("path", _spec_examples())
def test_spec_examples_load_and_round_trip(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    pf = ProductFootprint.model_validate(doc)
    again = pf.to_json()
    assert not list(validator(CONFORMANCE).iter_errors(again))
    assert ProductFootprint.model_validate(again) == pf
    assert again["pcf"]["pcfExcludingBiogenicUptake"] == doc["pcf"]["pcfExcludingBiogenicUptake"]


def test_notice_reproduces_section_5() -> None:
    root = spec_dir()
    licence = root / "wbcsd-data-exchange-protocol/LICENSE.md" if root else None
    notice = (Path(__file__).resolve().parents[2] / "NOTICE").read_text(encoding="utf-8")
    assert "Separate Derivative" in notice and "World Business Council" in notice
    if licence is None or not licence.is_file():
        pytest.skip("WBCSD licence text not on this machine")
    text = licence.read_text(encoding="utf-8")
    section = text[text.index("5         Disclaimer"):text.index("6         Term")].rstrip()
    assert section in notice

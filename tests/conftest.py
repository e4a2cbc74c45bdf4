"""Shared helpers: write small studies and factor tables for known-answer tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

FACTORS = """id,name,unit,co2e,origin,source
steel,steel,kg,2.0,fossil,test value
transport:road,road freight,tkm,0.1,fossil,test value
transport:air,air freight,tkm,1.0,fossil,test value
"""


def study_dict(processes: list[dict[str, Any]], **info: Any) -> dict[str, Any]:
    """A minimal valid partial-CFP study around ``processes``; the first one is the product."""
    first = processes[0]
    ref_unit = first["reference_product"]["unit"]
    doc: dict[str, Any] = {
        "study": {
            "id": "test-study",
            "title": "test",
            "product": {"name": "widget", "producer": "ACME"},
            "goal": {"application": "test", "reasons": "test", "audience": "test"},
            "pcr": "none",
            "result_type": "partial_CFP",
            "unit": {
                "kind": "declared",
                "description": f"1 {ref_unit} of widget",
                "unit": ref_unit,
                "reference_flow": {"process": first["id"], "amount": 1, "unit": ref_unit},
            },
            "boundary": "cradle_to_gate",
            "stages": {
                "raw_material_acquisition": {"included": True},
                "production": {"included": True},
                "distribution": {"included": False, "justification": "not in scope"},
                "use": {"included": False, "justification": "not in scope"},
                "end_of_life": {"included": False, "justification": "not in scope"},
            },
            "reference_period": {"start": "2024-01-01", "end": "2024-12-31"},
            "geography": "CN-JS",
        },
        "background": {"factor_tables": ["factors.csv"]},
        "processes": processes,
    }
    doc["study"].update(info)
    return doc


WriteStudy = Callable[..., Path]


@pytest.fixture(autouse=True)
def _own_signing_key(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys made by a test go to a folder of its own, never to ./var/keys."""
    monkeypatch.setenv("TANZUJI_KEY_DIR", str(tmp_path_factory.mktemp("keys")))


@pytest.fixture
def write_study(tmp_path: Path) -> WriteStudy:
    """Write a study (dict or text) plus the test factor table; return the study's path."""

    def write(doc: dict[str, Any] | str, factors: str = FACTORS, name: str = "study.yaml") -> Path:
        (tmp_path / "factors.csv").write_text(factors, encoding="utf-8")
        path = tmp_path / name
        text = doc if isinstance(doc, str) else yaml.safe_dump(doc, sort_keys=False,
                                                               allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write

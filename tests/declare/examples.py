"""The example studies and declaration info shared by the declaration and exchange tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from tanzuji.declare.source import Declarable, load
from tests.conftest import study_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
INFO = Path(__file__).parent / "data" / "full.declaration.yaml"
NAMES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


@cache
def declarable(name: str, with_info: bool = True) -> Declarable:
    """An example, calculated once per test session (a Declarable is immutable)."""
    return load(EXAMPLES / name, INFO if with_info else None)


def full_cfp_study(**info: Any) -> dict[str, Any]:
    """A cradle-to-grave CFP with every REP-02 category (known answers in the tests).

    1 kg steel (2.0 fossil) + 2 tkm air (2.0 aircraft) + 0.5 kg biogenic CO2 - 2 kg biogenic
    CO2 taken up + 0.01 kg biogenic CH4 (0.27) + 0.3 kg CO2 from dLUC = 3.07 kg CO2e.
    """
    process = {
        "id": "make", "name": "make widget", "stage": "production",
        "reference_product": {"name": "widget", "unit": "kg"},
        "inputs": [{"factor": "steel", "amount": 1, "unit": "kg"}],
        "transport": [{"mode": "air", "tkm": 2}],
        "emissions": [
            {"gas": "CO2", "origin": "biogenic", "amount": 0.5, "unit": "kg"},
            {"gas": "CH4", "origin": "biogenic", "amount": 0.01, "unit": "kg"},
            {"gas": "CO2", "origin": "dluc", "amount": 0.3, "unit": "kg"},
        ],
        "removals": [{"gas": "CO2", "origin": "biogenic", "amount": 2, "unit": "kg"}],
    }
    doc = study_dict([process], result_type="CFP", boundary="cradle_to_grave", **info)
    doc["study"]["unit"]["kind"] = "functional"
    doc["study"]["stages"] = {s: {"included": True} for s in (
        "raw_material_acquisition", "production", "distribution", "use", "end_of_life")}
    return doc

"""One calculated example shared by the report tests (Monte Carlo and sensitivity on)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tanzuji.accounting.calculate import calculate, open_study
from tanzuji.accounting.result import StudyResult
from tanzuji.model.study import Study

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STEEL = EXAMPLES / "steel-bf-bof-hot-rolled.yaml"
#: Factors for end-of-life studies with the Circular Footprint Formula.
CFF_FACTORS = "id,name,unit,co2e\nsteel,virgin,kg,2.0\nrec,recycling,kg,0.5\ndisp,landfill,kg,0.1\n"


@pytest.fixture(scope="session")
def steel() -> tuple[StudyResult, Study]:
    """The steel example: co-products (allocation alternatives), CH4, 18 parameters."""
    return calculate(STEEL, iterations=300, seed=3, sensitivity=True), open_study(STEEL).study

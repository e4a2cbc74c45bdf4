"""The four example studies, loaded and calculated once, and a way to check crafted variants."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tanzuji.accounting.calculate import calculate
from tanzuji.accounting.result import StudyResult
from tanzuji.model.loader import LineMap, load_study
from tanzuji.model.study import Study
from tanzuji.rules import check_study, find_pcr, get_pcr
from tanzuji.rules.findings import Finding

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = {
    "battery": "lfp-battery-pack.yaml",
    "cement": "portland-cement.yaml",
    "pv": "pv-module.yaml",
    "steel": "steel-bf-bof-hot-rolled.yaml",
}


@dataclass
class Example:
    study: Study
    lines: LineMap
    result: StudyResult

    def check(self, study: Callable[[Study], object] | None = None,
              result: Callable[[StudyResult], object] | None = None,
              pcr: str | None = "auto") -> list[Finding]:
        """Findings (without the items to confirm) for a copy of the study and result changed
        in place by ``study`` and ``result``; ``pcr``: an id, ``auto`` (study.pcr) or None."""
        s = self.study.model_copy(deep=True)
        r = self.result.model_copy(deep=True)
        if study is not None:
            study(s)
        if result is not None:
            result(r)
        rule = find_pcr(s) if pcr == "auto" else (get_pcr(pcr) if pcr else None)
        return check_study(s, r, rule, self.lines, confirm=False)


@pytest.fixture(scope="session")
def examples() -> dict[str, Example]:
    out = {}
    for key, name in NAMES.items():
        study, lines = load_study(EXAMPLES / name)
        result = calculate(EXAMPLES / name, iterations=50, seed=1, sensitivity=True)
        out[key] = Example(study, lines, result)
    return out

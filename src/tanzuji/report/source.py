"""Where a report's numbers come from: a study calculated now (with Monte Carlo and
sensitivity), or a result saved as JSON with its study (:mod:`tanzuji.accounting.stored`)."""

from __future__ import annotations

from pathlib import Path

from tanzuji.accounting.result import StudyResult
from tanzuji.accounting.stored import result_and_study
from tanzuji.model.errors import Problem, StudyError
from tanzuji.model.study import Study


def report_inputs(path: Path, study: Path | None = None, iterations: int = 1000,
                  seed: int = 0) -> tuple[StudyResult, Study]:
    """The result and its study: calculated with Monte Carlo and sensitivity, or loaded."""
    result, sf = result_and_study(path, study, iterations=iterations, seed=seed,
                                  sensitivity=True)
    if result.sensitivity is None:
        raise StudyError([Problem(
            "SENS-01", "the result has no sensitivity analysis (SENS-01), which the report must "
            "contain; save it with `tanzuji calc STUDY --sensitivity --mc N --out FILE`",
            str(path), None, "sensitivity")])
    return result, sf.study

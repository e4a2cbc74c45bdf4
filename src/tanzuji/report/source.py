"""Where a report's numbers come from: a study calculated now, or a result saved as JSON.

A saved result carries numbers only; the words (goal, justifications, names) come from its
study file, which must be the very version the result was computed from (same SHA-256).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from tanzuji.accounting.calculate import calculate, open_study
from tanzuji.accounting.result import StudyResult
from tanzuji.model.errors import Problem, StudyError
from tanzuji.model.study import Study


def is_result_file(path: Path) -> bool:
    """A JSON document with a ``provenance`` object is a saved result, not a study."""
    if path.suffix.lower() != ".json":
        return False
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False  # the study loader reports what is wrong with it
    return isinstance(doc, dict) and isinstance(doc.get("provenance"), dict)


def load_result(path: Path) -> StudyResult:
    try:
        return StudyResult.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise StudyError([
            Problem("result", e["msg"], str(path), None, ".".join(str(x) for x in e["loc"]))
            for e in exc.errors()
        ]) from None


def report_inputs(path: Path, study: Path | None = None, iterations: int = 1000,
                  seed: int = 0) -> tuple[StudyResult, Study]:
    """The result and its study: calculated with Monte Carlo and sensitivity, or loaded."""
    if not is_result_file(path):
        if study is not None:
            raise StudyError([Problem("usage", "--study is only used with a saved result "
                                               "(JSON); a study file is calculated directly",
                                      str(path))])
        result = calculate(path, iterations=iterations, seed=seed, sensitivity=True)
        return result, open_study(path).study
    result = load_result(path)
    if study is None:
        raise StudyError([Problem(
            "usage", "a saved result needs the study it was computed from: add --study FILE",
            str(path))])
    if result.sensitivity is None:
        raise StudyError([Problem(
            "SENS-01", "the result has no sensitivity analysis (SENS-01), which the report must "
            "contain; "
            "save it with `tanzuji calc STUDY --sensitivity --mc N --out FILE`", str(path), None,
            "sensitivity")])
    sf = open_study(study)
    if sf.sha256 != result.provenance.model_sha256:
        raise StudyError([Problem(
            "provenance", f"the result was computed from another version of the study or its "
            f"factor tables (result {result.provenance.model_sha256[:12]}…, study file "
            f"{sf.sha256[:12]}…); recalculate it", str(study), None, "provenance.model_sha256")])
    return result, sf.study

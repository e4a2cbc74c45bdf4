"""A result saved as JSON (``tanzuji calc --out``), read back with the study it came from.

Reports and declarations take either a study, calculated on the spot, or a saved result.
A saved result carries the numbers; the words (goal, justifications, names) come from its
study file, which must be the very version the result was computed from (same SHA-256 of the
study and its factor tables), so nothing is mixed from two versions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tanzuji.accounting.calculate import StudyFile, calculate, open_study
from tanzuji.accounting.result import StudyResult
from tanzuji.model.errors import Problem, StudyError


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


def result_and_study(path: Path, study: Path | None = None,
                     **calculation: Any) -> tuple[StudyResult, StudyFile]:
    """``path`` is a study (calculated with ``calculation``, e.g. iterations, sensitivity)
    or a saved result whose study ``study`` names; either way the result and its study."""
    if not is_result_file(path):
        if study is not None:
            raise StudyError([Problem("usage", "--study is only used with a saved result "
                                               "(JSON); a study file is calculated directly",
                                      str(path))])
        return calculate(path, **calculation), open_study(path)
    result = load_result(path)
    if study is None:
        raise StudyError([Problem(
            "usage", "a saved result needs the study it was computed from: add --study FILE",
            str(path))])
    sf = open_study(study)
    if sf.sha256 != result.provenance.model_sha256:
        raise StudyError([Problem(
            "provenance", f"the result was computed from another version of the study or its "
            f"factor tables (result {result.provenance.model_sha256[:12]}…, study file "
            f"{sf.sha256[:12]}…); recalculate it", str(study), None, "provenance.model_sha256")])
    return result, sf

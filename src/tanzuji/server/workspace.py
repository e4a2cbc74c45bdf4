"""A stored study written back to a private folder for the services that read files
(validation, checks, reports, declarations), with problems named by the uploaded file names."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from tanzuji.accounting.calculate import StudyFile, open_study
from tanzuji.accounting.result import StudyResult
from tanzuji.accounting.stored import result_and_study
from tanzuji.jobs.tasks import StudyInput, materialised
from tanzuji.model.errors import Problem, StudyError
from tanzuji.store.platform_db import PlatformDB


def study_input(db: PlatformDB, study_id: int) -> StudyInput:
    filename, content, files = db.study_content(study_id)
    return StudyInput(filename, {**files, filename: content})


def _relative(problem: Problem, root: Path) -> Problem:
    if problem.file and problem.file.startswith(str(root)):
        return replace(problem, file=problem.file[len(str(root)):].lstrip("/\\"))
    return problem


@contextmanager
def relative_problems(root: Path) -> Iterator[None]:
    """Re-raise StudyErrors with file names relative to the study's folder."""
    try:
        yield
    except StudyError as exc:
        raise StudyError([_relative(p, root) for p in exc.problems]) from None


def validate(db: PlatformDB, study_id: int) -> list[Problem]:
    """The problems that stop the study from compiling (empty when it is valid)."""
    with materialised(study_input(db, study_id)) as path:
        try:
            open_study(path).compile()
        except StudyError as exc:
            return [_relative(p, path.parent) for p in exc.problems]
    return []


@contextmanager
def with_result(db: PlatformDB, study_id: int,
                result: dict[str, Any]) -> Iterator[tuple[StudyResult, StudyFile, Path]]:
    """The stored result read back with its study (same SHA-256), in a private folder."""
    with (materialised(study_input(db, study_id)) as path, relative_problems(path.parent),
          tempfile.TemporaryDirectory(prefix="tanzuji-result-") as tmp):
        saved = Path(tmp) / "result.json"
        saved.write_text(json.dumps(result), encoding="utf-8")
        loaded, sf = result_and_study(saved, path)
        yield loaded, sf, saved

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

from tanzuji.accounting import supplier
from tanzuji.accounting.calculate import StudyFile, open_study
from tanzuji.accounting.result import StudyResult
from tanzuji.accounting.stored import result_and_study
from tanzuji.jobs.tasks import StudyInput, materialised
from tanzuji.model.errors import Problem, StudyError
from tanzuji.model.loader import load_study
from tanzuji.store.platform_db import PlatformDB
from tanzuji.store.supply_db import SupplyDB


def study_input(db: PlatformDB, study_id: int) -> StudyInput:
    """The stored study and its files, with the supplier footprints it names resolved among
    those its own organisation received (accounting/supplier.py: the snapshot travels with
    the study to every worker and case file, so no other organisation's footprint is used)."""
    filename, content, files = db.study_content(study_id)
    found = StudyInput(filename, {**files, filename: content})
    if supplier.PREFIX.encode() not in content:
        return found
    record = db.study(study_id)
    assert record is not None
    with materialised(found) as path:
        try:
            study, _ = load_study(path)
        except StudyError:
            return found  # validation reports the study's own problems
    shipped = supplier.snapshot(study, SupplyDB(db.engine), record["organisation_id"])
    if shipped is None:
        return found
    return StudyInput(filename, {**found.files, supplier.SNAPSHOT: shipped})


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

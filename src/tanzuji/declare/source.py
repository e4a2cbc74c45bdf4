"""Everything a declaration is made from: the study, its result, and the declaration info.

The result is a study calculated here (the same path as ``tanzuji calc``) or a result saved
with ``tanzuji calc --out`` together with its study (:mod:`tanzuji.accounting.stored`); every
number of a declaration comes from that result.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from tanzuji.accounting.result import StudyResult
from tanzuji.accounting.stored import result_and_study
from tanzuji.declare.info import DeclarationInfo, default_info_path, load_info
from tanzuji.model.errors import Problem
from tanzuji.model.loader import LineMap
from tanzuji.model.study import Study


@dataclass(frozen=True)
class Declarable:
    study_file: str
    study: Study
    lines: LineMap
    result: StudyResult
    info: DeclarationInfo
    info_file: str | None

    def declaration_id(self) -> str:
        """The info file's id, else the study id and the model hash (same model, same id)."""
        return self.info.declaration_id or (
            f"{self.study.study.id}-{self.result.provenance.model_sha256[:12]}")

    def issued(self) -> dt.date:
        return self.info.issued or dt.datetime.now(dt.UTC).date()

    def rounded(self, value: float) -> float:
        """``value`` to the declaration's significant digits."""
        if value == 0 or not math.isfinite(value):
            return value
        digits = self.info.significant_digits - 1 - math.floor(math.log10(abs(value)))
        return round(value, digits)

    def study_problem(self, field: str, message: str) -> Problem:
        """A problem located at a field of the study file, e.g. ``study.pcr``."""
        path = tuple(field.split("."))
        return Problem("declaration", message, self.study_file, self.lines.line_for(path), field)

    def info_problem(self, field: str, message: str) -> Problem:
        """A problem with a field the declaration info file must give."""
        file = self.info_file or str(default_info_path(self.study_file))
        where = "" if self.info_file else " (no declaration info file was found)"
        return Problem("declaration-info", message + where, file, None, field)


def load(source: str | Path, info: str | Path | None = None,
         study: str | Path | None = None) -> Declarable:
    """A declarable result: ``source`` is a study (calculated now) or a saved result whose
    study is ``study``; the declaration info is ``info``, else the file beside the study."""
    result, sf = result_and_study(Path(source), Path(study) if study is not None else None)
    path = Path(info) if info is not None else default_info_path(sf.path)
    if info is not None or path.is_file():
        facts, info_file = load_info(path), str(path)
    else:
        facts, info_file = DeclarationInfo(), None
    return Declarable(str(sf.path), sf.study, sf.lines, result, facts, info_file)

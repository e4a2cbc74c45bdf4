"""Everything a declaration is made from: the study, its result, and the declaration info.

The study is calculated here once (same path as ``tanzuji calc``), and the solution is read
for the few splits the result does not carry: biogenic CO2 apart from other biogenic gases
(PACT), and the burden of the packaging processes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tanzuji.accounting.calculate import build_result, open_study
from tanzuji.accounting.result import StudyResult
from tanzuji.accounting.solve import Solution, solve
from tanzuji.declare.info import DeclarationInfo, default_info_path, load_info
from tanzuji.model.errors import Problem
from tanzuji.model.loader import LineMap
from tanzuji.model.study import Origin, Study


@dataclass(frozen=True)
class Splits:
    """kg CO2e per functional or declared unit, from the solution."""

    biogenic_co2_emissions: float
    biogenic_co2_removals: float  # negative
    biogenic_other: float  # biogenic gases other than CO2, net
    packaging: float  # ``packaging: true`` processes with what they buy in, less biogenic CO2
    has_packaging: bool
    reference_flow: tuple[float, str]  # how much of the product makes one unit, in its unit


@dataclass(frozen=True)
class Declarable:
    study_file: str
    study: Study
    lines: LineMap
    result: StudyResult
    splits: Splits
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


def splits(sol: Solution) -> Splits:
    system, comp = sol.system, sol.compiled
    per_flow = np.asarray(system.biosphere() @ sol.supply) * system.characterization
    co2_in = co2_out = other = 0.0
    for flow, value in zip(comp.flows, per_flow, strict=True):
        if flow.origin != Origin.biogenic:
            continue
        if flow.gas != "CO2":
            other += float(value)
        elif flow.removal:
            co2_out += float(value)
        else:
            co2_in += float(value)
    biogenic_co2 = np.array([f.origin == Origin.biogenic and f.gas == "CO2" for f in comp.flows])
    # kg CO2e of biogenic CO2 each activity emits (+) or takes up (-) itself
    own_co2 = ((system.characterization * biogenic_co2) @ system.biosphere()) * sol.supply
    packaging_ids = {p.id for p in comp.study.processes if p.packaging}
    packaging = sum(float(sol.contributions[i] - own_co2[i])
                    for i, act in enumerate(comp.activities) if act.process_id in packaging_ids)
    # the functional-unit activity's one input is the reference flow (compile_reference_flow)
    column = system.technosphere().tocsc()[:, comp.demand_activity].tocoo()
    supplier, amount = next((int(r), -float(v)) for r, v in zip(column.row, column.data,
                                                                strict=True)
                            if r != comp.demand_activity)
    return Splits(co2_in, co2_out, other, packaging, bool(packaging_ids),
                  (amount, comp.activities[supplier].unit))


def load(study: str | Path, info: str | Path | None = None) -> Declarable:
    """Calculate ``study`` and read its declaration info (``info``, else the default file)."""
    sf = open_study(study)
    sol = solve(sf.compile())
    result = build_result(sf, sol)
    path = Path(info) if info is not None else default_info_path(study)
    if info is not None or path.is_file():
        facts, info_file = load_info(path), str(path)
    else:
        facts, info_file = DeclarationInfo(), None
    return Declarable(str(study), sf.study, sf.lines, result, splits(sol), facts, info_file)

"""Solve a compiled study: supply, adjoint and direct contributions of every activity."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tanzuji.engine.linalg import Factorization, Ordering, SingularSystemError
from tanzuji.engine.system import MatrixSystem
from tanzuji.model.compile import CompiledStudy
from tanzuji.model.errors import Problem, StudyError

FloatArray = npt.NDArray[np.float64]


@dataclass
class Solution:
    """One deterministic solution of a study (or of one set of node values)."""

    compiled: CompiledStudy
    system: MatrixSystem
    factorization: Factorization
    supply: FloatArray  # activity levels s, A s = f
    adjoint: FloatArray  # y, A^T y = h: kg CO2e per unit of each product, whole supply chain
    direct: FloatArray  # h = c^T B: kg CO2e emitted per unit of each activity
    total: float

    @property
    def contributions(self) -> FloatArray:
        """kg CO2e per functional unit attributed to each foreground activity (sums to the
        total): its own emissions plus the whole burden of what it buys from background
        databases (``-A_ij s_j y_i`` for every background input ``i``)."""
        comp = self.compiled
        n_fg = comp.n_foreground
        own = (self.direct * self.supply)[:n_fg].copy()
        if comp.background:
            rows, cols = comp.tech_rows, comp.tech_cols
            links = (rows >= n_fg) & (cols < n_fg)
            np.add.at(own, cols[links], -self.system.tech_values[links] * self.supply[cols[links]]
                      * self.adjoint[rows[links]])
        return own


def build_system(compiled: CompiledStudy, tech: FloatArray, bio: FloatArray) -> MatrixSystem:
    return MatrixSystem(
        n_activities=compiled.n_activities, n_flows=len(compiled.flows),
        tech_rows=compiled.tech_rows, tech_cols=compiled.tech_cols, tech_values=tech,
        bio_rows=compiled.bio_rows, bio_cols=compiled.bio_cols, bio_values=bio,
        characterization=compiled.characterization,
    )


def solve(compiled: CompiledStudy, node_values: FloatArray | None = None,
          ordering: Ordering | None = None) -> Solution:
    """Solve the study with its stated values (or ``node_values``, shape (1, n_nodes))."""
    values = compiled.node_values() if node_values is None else node_values
    tech, bio = compiled.evaluate(compiled.env(values))
    system = build_system(compiled, tech[0], bio[0])
    try:
        fact = Factorization(system.technosphere(), ordering=ordering)
    except SingularSystemError as exc:
        names = sorted({compiled.label(i) for i in exc.activities})
        raise StudyError([Problem(
            "singular",
            f"the product system cannot be solved: {exc}. Processes involved: "
            + "; ".join(names[:20]) + (" …" if len(names) > 20 else "")
            + ". Check for a process whose inputs include at least as much of its own "
            "product as it makes, or a product amount of zero.",
            compiled.file,
        )]) from None
    demand = np.zeros(system.n_activities)
    demand[compiled.demand_activity] = 1.0
    supply = fact.solve(demand)
    direct = system.characterized_row()
    adjoint = fact.solve_transposed(direct)
    if not (np.all(np.isfinite(supply)) and np.all(np.isfinite(adjoint))):
        raise StudyError([Problem("singular", "the product system has no finite solution "
                                  "(a loop produces less than it consumes)", compiled.file)])
    return Solution(compiled, system, fact, supply, adjoint, direct, float(direct @ supply))

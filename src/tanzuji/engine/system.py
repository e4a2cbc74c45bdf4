"""The engine's input: a product system as coordinate arrays, the form every source compiles to.

Conventions (the same as bw2calc and ``shared/bench/gen_system.py``):

* technosphere ``A[product, activity]``; product ``i`` is made by activity ``i``; production is
  positive on the diagonal, inputs negative. Supply ``s`` solves ``A s = f``.
* biosphere ``B[flow, activity]``, emissions positive, removals negative; ``g = B s``.
* characterisation ``c[flow]`` in kg CO2e per unit of flow; score ``c . g``.

Duplicate coordinates are summed. A study, a matrix-form database and the benchmark system all
become a :class:`MatrixSystem`, so one engine solves them all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class MatrixSystem:
    """A product system in coordinate form (see the module docstring for the conventions)."""

    n_activities: int
    n_flows: int
    tech_rows: IntArray
    tech_cols: IntArray
    tech_values: FloatArray
    bio_rows: IntArray
    bio_cols: IntArray
    bio_values: FloatArray
    characterization: FloatArray

    def __post_init__(self) -> None:
        n, m = self.n_activities, self.n_flows
        for name in ("tech_rows", "tech_cols", "tech_values"):
            if getattr(self, name).shape != self.tech_rows.shape:
                raise ValueError(f"{name} has a different length from tech_rows")
        for name in ("bio_rows", "bio_cols", "bio_values"):
            if getattr(self, name).shape != self.bio_rows.shape:
                raise ValueError(f"{name} has a different length from bio_rows")
        if self.characterization.shape != (m,):
            raise ValueError(f"characterization must have {m} entries, one per flow")
        if self.tech_rows.size and (
            min(self.tech_rows.min(), self.tech_cols.min()) < 0
            or max(self.tech_rows.max(), self.tech_cols.max()) >= n
        ):
            raise ValueError(f"technosphere index out of range 0..{n - 1}")
        if self.bio_rows.size and (
            self.bio_rows.min() < 0
            or self.bio_rows.max() >= m
            or self.bio_cols.min() < 0
            or self.bio_cols.max() >= n
        ):
            raise ValueError("biosphere index out of range")

    def technosphere(self, values: FloatArray | None = None) -> sparse.csr_matrix:
        """``A`` as CSR; pass ``values`` (same order as ``tech_values``) for a sampled matrix."""
        v = self.tech_values if values is None else values
        return sparse.csr_matrix(
            (v, (self.tech_rows, self.tech_cols)), shape=(self.n_activities, self.n_activities)
        )

    def biosphere(self, values: FloatArray | None = None) -> sparse.csr_matrix:
        """``B`` as CSR; pass ``values`` (same order as ``bio_values``) for a sampled matrix."""
        v = self.bio_values if values is None else values
        return sparse.csr_matrix(
            (v, (self.bio_rows, self.bio_cols)), shape=(self.n_flows, self.n_activities)
        )

    def characterized_row(self, bio_values: FloatArray | None = None) -> FloatArray:
        """``h = c^T B``: kg CO2e emitted directly per unit of each activity."""
        v = self.bio_values if bio_values is None else bio_values
        return np.bincount(
            self.bio_cols, weights=v * self.characterization[self.bio_rows],
            minlength=self.n_activities,
        ).astype(np.float64)

    def demand_vector(self, demand: dict[int, float]) -> FloatArray:
        f = np.zeros(self.n_activities)
        for index, amount in demand.items():
            f[index] += amount
        return f

"""A small random product system with supply loops, written as a matrix file for tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import spsolve

from tanzuji.matrixfile import save_matrix_file

N_FLOWS = 6  # CO2, CH4, N2O and three flows without a GWP


def generate(n: int, seed: int, n_demands: int = 1) -> dict[str, np.ndarray[Any, Any]]:
    """Arrays of a random system: each activity buys from up to 4 earlier ones, and one in
    ten also from a later one (loops); column sums stay below 0.8, so ``A`` is invertible."""
    rng = np.random.default_rng(seed)
    rows, cols = [], []
    for j in range(1, n):
        k = int(rng.integers(1, min(j, 4) + 1))
        rows.extend(rng.choice(j, size=k, replace=False).tolist())
        cols.extend([j] * k)
    for j in rng.choice(n, size=n // 10, replace=False):
        i = int(rng.integers(0, n))
        if i != j:
            rows.append(i)
            cols.append(int(j))
    key = np.unique(np.array(cols, dtype=np.int64) * n + np.array(rows, dtype=np.int64))
    c, r = np.divmod(key, n)
    raw = rng.uniform(0.1, 1.0, size=r.size)
    raw *= rng.uniform(0.3, 0.8, size=n)[c] / np.bincount(c, weights=raw, minlength=n)[c]
    b_cols = np.repeat(np.arange(n), 2)
    b_rows = np.concatenate([np.zeros(n, dtype=np.int64),
                             rng.integers(1, N_FLOWS, size=n)]).reshape(2, n).T.ravel()
    diag = np.arange(n)
    return {
        "tech_row": np.concatenate([diag, r]).astype(np.int32),
        "tech_col": np.concatenate([diag, c]).astype(np.int32),
        "tech_amount": np.concatenate([np.ones(n), -raw]),
        "tech_sigma": np.concatenate([np.zeros(n), np.full(r.size, 0.1)]).astype(np.float32),
        "bio_row": b_rows.astype(np.int32),
        "bio_col": b_cols.astype(np.int32),
        "bio_amount": rng.lognormal(0.0, 1.0, size=2 * n),
        "bio_sigma": np.full(2 * n, 0.2, dtype=np.float32),
        "cf_flow": np.array([0, 1, 2], dtype=np.int32),
        "cf_value": np.array([1.0, 29.8, 273.0]),
        "demand_activity": rng.choice(n, size=n_demands, replace=False).astype(np.int32),
        "demand_amount": rng.uniform(0.5, 5.0, size=n_demands),
    }


def write(directory: Path, n: int = 300, seed: int = 3, n_demands: int = 1,
          stem: str = "bg") -> tuple[Path, np.ndarray[Any, Any]]:
    """Write the system with activity labels ``activity <i>``; return it and every activity's
    kg CO2e per unit (``y = A^-T c^T B``, solved independently with scipy)."""
    arrays = generate(n, seed, n_demands)
    labels = [{"name": f"activity {i}", "unit": "kg"} for i in range(n)]
    path = save_matrix_file(directory / f"{stem}.npz", arrays, n, N_FLOWS, labels)
    a = sparse.csc_matrix((arrays["tech_amount"], (arrays["tech_row"], arrays["tech_col"])),
                          shape=(n, n))
    cf = np.zeros(N_FLOWS)
    cf[arrays["cf_flow"]] = arrays["cf_value"]
    h = np.bincount(arrays["bio_col"], weights=arrays["bio_amount"] * cf[arrays["bio_row"]],
                    minlength=n)
    return path, np.asarray(spsolve(a.T.tocsc(), h))

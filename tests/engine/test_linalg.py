"""Known answers and structure for the block-triangular sparse LU."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from tanzuji.engine.linalg import Factorization, SingularSystemError, block_triangular_ordering


def _random_system(n: int, seed: int, loops: int) -> sparse.csr_matrix:
    """I - T with mostly upstream inputs and a few back edges that close loops."""
    rng = np.random.default_rng(seed)
    rows, cols = [], []
    for j in range(1, n):
        k = rng.integers(1, 4)
        rows += list(rng.integers(0, j, size=k))
        cols += [j] * k
    for _ in range(loops):
        j = int(rng.integers(0, n // 4))
        rows.append(int(rng.integers(j + 1, n)))
        cols.append(j)
    t = sparse.csr_matrix((rng.random(len(rows)), (rows, cols)), shape=(n, n))
    colsum = np.asarray(t.sum(axis=0)).ravel()
    t = t @ sparse.diags(0.8 / np.maximum(colsum, 1.0))
    return (sparse.identity(n) - t).tocsr()


@pytest.mark.parametrize("loops", [0, 3, 40])
def test_solutions_match_dense(loops: int) -> None:
    a = _random_system(120, seed=loops, loops=loops)
    fact = Factorization(a)
    dense = a.toarray()
    b = np.random.default_rng(1).random((120, 3))
    np.testing.assert_allclose(fact.solve(b), np.linalg.solve(dense, b), rtol=1e-10)
    np.testing.assert_allclose(
        fact.solve_transposed(b[:, 0]), np.linalg.solve(dense.T, b[:, 0]), rtol=1e-10
    )


def test_ordering_is_block_upper_triangular() -> None:
    a = _random_system(200, seed=7, loops=25)
    order = block_triangular_ordering(a)
    assert sorted(order.perm.tolist()) == list(range(200))
    p = a[order.perm][:, order.perm].tocoo()
    seg_of = np.empty(200, dtype=int)
    for k, seg in enumerate(order.segments):
        seg_of[seg] = k
    # every coupling between segments goes from a supplier segment to a later consumer one
    assert np.all(seg_of[p.row] <= seg_of[p.col])
    assert any(order.cyclic)


def test_two_process_loop_by_hand() -> None:
    # electricity (0) needs 0.1 kWh per kWh of itself via coal (1); coal needs 0.05 kWh per kg
    a = sparse.csr_matrix([[1.0, -0.05], [-0.4, 1.0]])
    fact = Factorization(a)
    s = fact.solve([1.0, 0.0])
    det = 1.0 - 0.05 * 0.4
    np.testing.assert_allclose(s, [1.0 / det, 0.4 / det])


def test_singular_names_activities() -> None:
    a = sparse.csr_matrix([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, -1.0, 1.0]])
    with pytest.raises(SingularSystemError) as err:
        Factorization(a)
    assert 1 in err.value.activities

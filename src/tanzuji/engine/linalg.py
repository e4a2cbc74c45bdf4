"""Sparse LU of a technosphere matrix, arranged so that supply chains cost almost nothing.

Real supply chains are mostly acyclic: only a few activities (electricity, transport, fuels,
markets) close loops. We therefore

1. split the activities into strongly connected components (SCCs) and order them topologically,
   suppliers first, so the permuted matrix is block upper triangular;
2. inside every cyclic SCC, pick a small feedback vertex set (activities whose removal leaves
   the block acyclic), order the rest topologically and put the feedback set last: with that
   ordering the block's LU needs no fill-reducing ordering and fills in only where the loops
   close (measured on the 20,000-activity benchmark system: 5,921-activity SCC, 288 feedback
   activities, fill 7x, 0.02 s, against 0.9 s and fill 36x for COLAMD on the same block);
3. factorise every diagonal segment (a run of acyclic activities, or one cyclic SCC) on its own
   with SuperLU in that natural order. The couplings between segments stay as sparse blocks
   applied by block back-substitution, so nothing downstream of a loop ever fills in.

The same factorisation answers ``A x = b`` (one or many demands) and ``A^T y = h`` (the
adjoint: the footprint of one unit of every product from a single solve).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Share of a cyclic block's remaining cycle members removed per round of the feedback-set search.
_FVS_BATCH = 0.02
#: Diagonal pivots are kept unless smaller than this share of the column's largest entry.
_DIAG_PIVOT_THRESHOLD = 1e-3
#: Relative residual above which a segment is refactorised with partial pivoting and COLAMD.
_RESIDUAL_TOLERANCE = 1e-9


class SingularSystemError(ValueError):
    """The technosphere matrix cannot be solved; ``activities`` are the indices at fault."""

    def __init__(self, message: str, activities: list[int]) -> None:
        super().__init__(message)
        self.activities = activities


@dataclass(frozen=True)
class Ordering:
    """A block upper-triangular permutation of a technosphere matrix.

    ``perm[k]`` is the original index of the activity at position ``k``; segment ``i`` spans
    positions ``bounds[i]:bounds[i + 1]`` and ``cyclic[i]`` tells whether it is a loop block.
    """

    perm: IntArray
    bounds: tuple[int, ...]
    cyclic: tuple[bool, ...]

    @property
    def segments(self) -> list[slice]:
        return [slice(a, b) for a, b in zip(self.bounds[:-1], self.bounds[1:], strict=True)]

    @property
    def largest_cycle(self) -> int:
        sizes = [s.stop - s.start for s, c in zip(self.segments, self.cyclic, strict=True) if c]
        return max(sizes, default=0)


def _pattern(matrix: sparse.spmatrix | sparse.sparray) -> sparse.csr_matrix:
    """Boolean supplier -> consumer graph of a square matrix, diagonal removed."""
    g = sparse.csr_matrix(matrix, copy=True)
    g.setdiag(0)
    g.eliminate_zeros()
    g.data = np.ones_like(g.data, dtype=np.int8)
    return g


def _topological_components(graph: sparse.csr_matrix) -> tuple[int, IntArray]:
    """SCC labels renumbered so that every edge goes from a lower to a higher label."""
    n_comp, labels = connected_components(graph, directed=True, connection="strong")
    labels = labels.astype(np.int64)
    rows, cols = graph.nonzero()
    between = labels[rows] != labels[cols]
    # SciPy's Pearce algorithm numbers components in reverse topological order; flip it, and
    # check rather than trust it, since it is not part of SciPy's documented contract.
    labels = (n_comp - 1) - labels
    if np.any(labels[rows[between]] > labels[cols[between]]):
        labels = _kahn_relabel(graph, labels, n_comp)
    return int(n_comp), labels


def _kahn_relabel(graph: sparse.csr_matrix, labels: IntArray, n_comp: int) -> IntArray:
    rows, cols = graph.nonzero()
    between = labels[rows] != labels[cols]
    cond = sparse.csr_matrix(
        (np.ones(int(between.sum())), (labels[rows[between]], labels[cols[between]])),
        shape=(n_comp, n_comp),
    )
    indeg = np.diff(cond.tocsc().indptr).tolist()
    indptr, indices = cond.indptr.tolist(), cond.indices.tolist()
    queue = [c for c in range(n_comp) if indeg[c] == 0]
    rank = np.empty(n_comp, dtype=np.int64)
    pos = 0
    while queue:
        u = queue.pop()
        rank[u] = pos
        pos += 1
        for v in indices[indptr[u] : indptr[u + 1]]:
            indeg[v] -= 1
            if indeg[v] == 0:
                queue.append(v)
    return rank[labels]


def _feedback_set(graph: sparse.csr_matrix) -> npt.NDArray[np.bool_]:
    """Greedy feedback vertex set: repeatedly drop the members with most loops through them."""
    removed = np.zeros(graph.shape[0], dtype=bool)
    while True:
        keep = np.flatnonzero(~removed)
        sub = graph[keep][:, keep]
        _, labels = connected_components(sub, directed=True, connection="strong")
        in_cycle = np.bincount(labels)[labels] > 1
        if not in_cycle.any():
            return removed
        members = np.flatnonzero(in_cycle)
        core = sub[members][:, members]
        score = np.asarray(core.sum(axis=0)).ravel() * np.asarray(core.sum(axis=1)).ravel()
        k = max(1, int(_FVS_BATCH * members.size))
        removed[keep[members[np.argsort(-score, kind="stable")[:k]]]] = True


def block_triangular_ordering(matrix: sparse.spmatrix | sparse.sparray) -> Ordering:
    """Order activities suppliers-first, with loops grouped and their feedback sets last."""
    graph = _pattern(matrix)
    n = graph.shape[0]
    n_comp, labels = _topological_components(graph)
    sizes = np.bincount(labels, minlength=n_comp)
    by_comp = np.argsort(labels, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    pieces: list[IntArray] = []
    bounds, cyclic = [0], []
    pos = 0
    for comp in np.flatnonzero(sizes > 1):
        # the acyclic run before this loop block
        run = by_comp[pos : starts[comp]]
        if run.size:
            pieces.append(run)
            bounds.append(int(starts[comp]))
            cyclic.append(False)
        members = by_comp[starts[comp] : starts[comp + 1]]
        sub = graph[members][:, members]
        fvs = _feedback_set(sub)
        rest = np.flatnonzero(~fvs)
        _, rest_labels = _topological_components(sub[rest][:, rest])
        order = rest[np.argsort(rest_labels, kind="stable")]
        pieces.append(np.concatenate([members[order], members[np.flatnonzero(fvs)]]))
        pos = int(starts[comp + 1])
        bounds.append(pos)
        cyclic.append(True)
    if pos < n:
        pieces.append(by_comp[pos:])
        bounds.append(n)
        cyclic.append(False)
    perm = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
    return Ordering(perm.astype(np.int64), tuple(bounds), tuple(cyclic))


class _Segment:
    """LU of one diagonal block; falls back to COLAMD with partial pivoting when needed."""

    def __init__(self, block: sparse.csc_matrix, cyclic: bool) -> None:
        self.transposed = False
        try:
            self.lu = splu(
                block,
                permc_spec="NATURAL",
                diag_pivot_thresh=_DIAG_PIVOT_THRESHOLD if cyclic else 0.0,
            )
            if cyclic and not self._accurate(block):
                raise RuntimeError("inaccurate")
        except RuntimeError:
            # Factorise B^T: technosphere matrices fill in far less transposed.
            self.lu = splu(block.T.tocsc(), permc_spec="COLAMD")
            self.transposed = True

    def _accurate(self, block: sparse.csc_matrix) -> bool:
        b = np.random.default_rng(0).random(block.shape[0])
        x = self.lu.solve(b)
        residual = float(np.linalg.norm(block @ x - b)) / max(float(np.linalg.norm(b)), 1e-300)
        return bool(np.isfinite(residual) and residual < _RESIDUAL_TOLERANCE)

    def solve(self, b: FloatArray, transposed: bool) -> FloatArray:
        trans = "T" if transposed != self.transposed else "N"
        return np.asarray(self.lu.solve(b, trans=trans))

    @property
    def nnz(self) -> int:
        return int(self.lu.L.nnz + self.lu.U.nnz)


class Factorization:
    """Factorised technosphere matrix: ``solve`` for demands, ``solve_transposed`` for the adjoint.

    Pass the ``ordering`` of an earlier factorisation of a matrix with the same sparsity pattern
    (a Monte Carlo sample, a scenario) to skip the structural analysis.
    """

    def __init__(
        self, matrix: sparse.spmatrix | sparse.sparray, ordering: Ordering | None = None
    ) -> None:
        a = sparse.csr_matrix(matrix, dtype=np.float64)
        if a.shape[0] != a.shape[1]:
            raise SingularSystemError(f"technosphere matrix is not square: {a.shape}", [])
        self.n = int(a.shape[0])
        _check_structure(a)
        self.ordering = ordering or block_triangular_ordering(a)
        perm = self.ordering.perm
        p = a[perm][:, perm].tocsr()
        self._segments: list[_Segment] = []
        self._rows: list[sparse.csr_matrix] = []  # P[seg, after seg]
        self._cols: list[sparse.csr_matrix] = []  # P[before seg, seg]^T
        for seg, cyc in zip(self.ordering.segments, self.ordering.cyclic, strict=True):
            block = p[seg, seg].tocsc()
            try:
                self._segments.append(_Segment(block, cyc))
            except RuntimeError as exc:
                members = sorted(int(i) for i in perm[seg])
                raise SingularSystemError(
                    f"technosphere matrix is singular ({exc}); the loop or chain involves "
                    f"{len(members)} activities",
                    members,
                ) from exc
            self._rows.append(p[seg, seg.stop :].tocsr())
            self._cols.append(p[: seg.start, seg].T.tocsr())

    @property
    def nnz(self) -> int:
        """Non-zeros in all LU factors (a measure of fill)."""
        return sum(s.nnz for s in self._segments)

    def solve(self, b: npt.ArrayLike) -> FloatArray:
        """Supply vector(s) ``x`` with ``A x = b``; ``b`` of shape (n,) or (n, k)."""
        bp = np.asarray(b, dtype=np.float64)[self.ordering.perm]
        x = np.empty_like(bp)
        segs = self.ordering.segments
        for k in range(len(segs) - 1, -1, -1):
            seg = segs[k]
            rhs = bp[seg] - self._rows[k] @ x[seg.stop :] if seg.stop < self.n else bp[seg]
            x[seg] = self._segments[k].solve(rhs, transposed=False)
        return self._unpermute(x)

    def solve_transposed(self, h: npt.ArrayLike) -> FloatArray:
        """Adjoint ``y`` with ``A^T y = h``: ``y[i]`` is the score of one unit of product ``i``."""
        hp = np.asarray(h, dtype=np.float64)[self.ordering.perm]
        y = np.empty_like(hp)
        for k, seg in enumerate(self.ordering.segments):
            rhs = hp[seg] - self._cols[k] @ y[: seg.start] if seg.start > 0 else hp[seg]
            y[seg] = self._segments[k].solve(rhs, transposed=True)
        return self._unpermute(y)

    def _unpermute(self, xp: FloatArray) -> FloatArray:
        out = np.empty_like(xp)
        out[self.ordering.perm] = xp
        return out


def _check_structure(a: sparse.csr_matrix) -> None:
    """Name the activities that make the matrix singular for structural reasons."""
    diag = a.diagonal()
    empty_cols = np.flatnonzero(np.diff(a.tocsc().indptr) == 0)
    empty_rows = np.flatnonzero(np.diff(a.indptr) == 0)
    bad = sorted(set(empty_cols.tolist()) | set(empty_rows.tolist()))
    if bad:
        raise SingularSystemError(
            f"technosphere matrix is singular: {len(bad)} activities have no exchanges at all",
            bad,
        )
    zero_diag = np.flatnonzero(diag == 0)
    if zero_diag.size:
        raise SingularSystemError(
            f"technosphere matrix is singular: {zero_diag.size} activities produce nothing "
            "of their reference product",
            zero_diag.tolist(),
        )

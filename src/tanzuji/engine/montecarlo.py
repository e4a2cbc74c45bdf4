"""Monte Carlo over a :class:`~tanzuji.engine.system.MatrixSystem`: sample, solve, score.

Two paths, picked per run from where the uncertainty sits:

PARTITIONED (the usual PCF case: uncertain foreground data on a certain background). Let F be
the activities whose columns carry uncertainty (an uncertain technosphere input or an
uncertain emission with a non-zero characterisation factor), the demanded activities and the
grouped activities (below), closed downstream (every activity that directly or transitively
consumes a product of F). Nothing in F supplies the rest G, so ``A_FG = 0`` and, with
``y_G = A_GG^-T h_G`` solved once,

    score = h'_F . s_F,   A_FF s_F = f_F,   h'_F = h_F - A_GF^T y_G

where only ``A_FF``, ``A_GF`` and ``h_F`` are random (the demand lies in F, so ``f_G = 0``).
Every draw therefore costs one small solve. Up to ``dense_foreground`` activities, a block of
draws is solved at once: F is put in block upper-triangular order (as in
:mod:`~tanzuji.engine.linalg`) and back-substituted row by row, each row one vectorised
operation over the draws, with a batched ``np.linalg.solve`` for each loop block; beyond
that, each draw gets a sparse factorisation.

FULL (uncertainty reaches deep into the background, e.g. ecoinvent's own lognormals). Every
draw solves the whole sampled system, warm-started from the deterministic solution with
BiCGSTAB and a Jacobi preconditioner. Measured on the 20,000-activity benchmark system (2
cores, the same 20 sampled matrices, relative residual 1e-8): BiCGSTAB + Jacobi 8.2 ms per
draw (7-8 iterations); BiCGSTAB preconditioned by the deterministic matrix's
:class:`~tanzuji.engine.linalg.Factorization` 14.2 ms (3-4 iterations, but each applies the
LU twice); restarted GMRES with the same LU 17.5 ms; a fresh factorisation reusing the
ordering 48 ms. On the demand's pruned supply chain (below): 3.6, 6.0, 8.1 and 23 ms. Other
runs on the shared machine were up to 1.6x slower, in the same order. The cheap
preconditioner wins: the sampled matrices stay close enough to the deterministic one that a
few matrix-vector products converge, and one LU application costs as much as ten of them.
``python bench/engine.py --solver-study`` repeats the comparison. A draw whose BiCGSTAB
breaks down or stalls, or whose true residual or estimated score error (``|y0 . r|`` with the
deterministic adjoint ``y0``, one dot product, against the sum of absolute contributions) is
too large, is solved directly (``Factorization(A, ordering=mean.ordering)``) and counted in
``fallbacks``.

GROUPS (life-cycle stages). ``groups[j] = g >= 0`` puts activity j in group g; ``-1`` leaves
it ungrouped (a background database activity). A grouped activity's contribution is
``s_j * (h_j - sum over ungrouped i of A_ij y_i)`` with ``y = A_UU^-T h_U`` over the ungrouped
activities U of the draw: its direct emissions plus the burden of everything it buys from
the ungrouped background, i.e. what a PCF stage breakdown shows. The groups add up to the
score (the demand must be grouped) and mean the same on both paths. On the partitioned path
the attribution is free when the ungrouped activities are certain (they are G); on the full
path with an uncertain background it costs one more BiCGSTAB solve per draw (transposed).
Group every activity to get plain direct contributions ``s_j * h_j``; note that grouped
activities always join F, so mark background activities -1 to keep the partitioned path.

Both paths first PRUNE the system to the demand's supply chain (the activities that the
demand draws on directly or transitively): outside it the supply is exactly zero whatever
the draw, so those exchanges cannot change the score and are neither sampled nor solved. On
the benchmark system this leaves 5,924 of 20,000 activities for demand 0. Biosphere entries
whose flow has a zero characterisation factor are not sampled either, for the same reason
(45 of the 50 benchmark flows, 81 % of the biosphere entries). The sampled values are
written into a fixed CSR structure through a precomputed COO->CSR order; samplers that offer
``subset`` (as :class:`DistributionSampler` does) draw them directly in that order.

Conventions: lognormal amounts have their deterministic value as the *median*
(stats_arrays/ecoinvent), and the score is a convex function of the inputs of supply loops,
so the Monte Carlo mean exceeds the deterministic score (by 15 % on the benchmark system);
report the median, mean and interval (:meth:`MonteCarloResult.summary`), not the
deterministic score as "the mean". Same seed and same arguments give identical results;
a different ``block_size`` changes the order of the draws and so the individual scores.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt
from scipy import sparse

from tanzuji.engine.linalg import (
    Factorization,
    Ordering,
    SingularSystemError,
    block_triangular_ordering,
)
from tanzuji.engine.system import MatrixSystem
from tanzuji.engine.uncertainty import Distributions, Summary, summarize

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Draws per block (vectorised sampling; solved together on the partitioned path).
DEFAULT_BLOCK_SIZE = 128
#: Largest foreground (activities) for which the partitioned path is chosen automatically.
DEFAULT_MAX_FOREGROUND = 1000
#: Foregrounds up to this size are solved a block of draws at once, as dense matrices.
DEFAULT_DENSE_FOREGROUND = 300
#: The dense partitioned path keeps at most this many bytes of foreground matrices per block.
_DENSE_BLOCK_BYTES = 64 * 2**20
#: The full path keeps at most this many bytes of sampled values per block (two blocks live).
_FULL_BLOCK_BYTES = 16 * 2**20
#: BiCGSTAB stops at this relative residual ...
_RTOL = 1e-8
#: ... and a draw is re-solved directly when its estimated relative score error exceeds this.
_SCORE_TOLERANCE = 1e-6
_MAX_ITERATIONS = 100


@runtime_checkable
class Sampler(Protocol):
    """Draws of the technosphere and biosphere values of a :class:`MatrixSystem`.

    Entries outside the masks must always be drawn at the system's own values: the engine
    relies on the masks to decide what is certain. On the full path ``sample`` is called from
    a worker thread (one call at a time, in a fixed order, so results stay reproducible).
    """

    @property
    def uncertain_tech(self) -> BoolArray:
        """Mask over the technosphere entries (``system.tech_values``) that vary."""
        ...

    @property
    def uncertain_bio(self) -> BoolArray:
        """Mask over the biosphere entries (``system.bio_values``) that vary."""
        ...

    def sample(self, rng: np.random.Generator, size: int) -> tuple[FloatArray, FloatArray]:
        """``size`` draws: technosphere ``(size, n_tech)`` and biosphere ``(size, n_bio)``."""
        ...


@runtime_checkable
class SubsetSampler(Sampler, Protocol):
    """A sampler that can draw only some entries, in a given order (saves time and memory)."""

    def subset(self, tech_index: IntArray, bio_index: IntArray) -> Sampler:
        """A sampler over ``tech_values[tech_index]`` and ``bio_values[bio_index]``."""
        ...


@dataclass(frozen=True, eq=False)
class DistributionSampler:
    """Independent draws from per-entry :class:`Distributions` (single-precision variates)."""

    tech: Distributions
    bio: Distributions
    float32: bool = True

    @property
    def uncertain_tech(self) -> BoolArray:
        return self.tech.uncertain

    @property
    def uncertain_bio(self) -> BoolArray:
        return self.bio.uncertain

    def sample(self, rng: np.random.Generator, size: int) -> tuple[FloatArray, FloatArray]:
        return (self.tech.sample(rng, size, self.float32),
                self.bio.sample(rng, size, self.float32))

    def subset(self, tech_index: IntArray, bio_index: IntArray) -> DistributionSampler:
        return DistributionSampler(self.tech.take(tech_index), self.bio.take(bio_index),
                                   self.float32)


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Scores per draw, and per group of activities (columns add up to ``scores``).

    ``method`` is "partitioned-dense", "partitioned-sparse" or "full"; ``fallbacks`` counts
    draws the full path had to solve directly; ``deterministic_score`` is the score of the
    system's own values (the lognormal medians, hence below the mean); ``solved_activities``
    is the size of the system solved per draw; ``mean_solver_iterations`` the BiCGSTAB
    iterations per draw (0 for direct solves).
    """

    scores: FloatArray
    group_scores: FloatArray
    method: str
    fallbacks: int
    deterministic_score: float
    solved_activities: int
    mean_solver_iterations: float

    def summary(self) -> Summary:
        return summarize(self.scores)

    def group_summary(self) -> list[Summary]:
        return [summarize(self.group_scores[:, g]) for g in range(self.group_scores.shape[1])]


# --------------------------------------------------------------------------------------------
# structure
# --------------------------------------------------------------------------------------------


def _closure(adjacency: sparse.csr_matrix, start: BoolArray, allowed: BoolArray,
             limit: int | None) -> BoolArray | None:
    """Nodes reachable from ``start`` through ``allowed`` ones; None once above ``limit``."""
    seen = start & allowed
    frontier = np.flatnonzero(seen)
    indptr, indices = adjacency.indptr, adjacency.indices
    while frontier.size:
        if limit is not None and np.count_nonzero(seen) > limit:
            return None
        starts, stops = indptr[frontier], indptr[frontier + 1]
        lengths = stops - starts
        total = int(lengths.sum())
        if not total:
            break
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        nxt = indices[offsets + np.arange(total)]
        nxt = np.unique(nxt[allowed[nxt] & ~seen[nxt]])
        seen[nxt] = True
        frontier = nxt
    if limit is not None and np.count_nonzero(seen) > limit:
        return None
    return seen


def _positions(mask: BoolArray) -> IntArray:
    """Map from original index to position among the ``mask`` members (-1 outside)."""
    pos = np.full(mask.size, -1, dtype=np.int64)
    pos[mask] = np.arange(np.count_nonzero(mask))
    return pos


class _Scatter:
    """Sums the values of COO entries into slots (duplicates add), vectorised over draws."""

    def __init__(self, slots: IntArray, n_slots: int) -> None:
        self.order = np.argsort(slots, kind="stable")
        sorted_slots = slots[self.order]
        steps = np.diff(sorted_slots) > 0
        self.unique = bool(steps.all())
        self.slots = np.unique(sorted_slots)
        self.starts = np.flatnonzero(np.r_[True, steps]) if slots.size else np.zeros(0, np.int64)
        self.n_slots = n_slots

    def values(self, ordered: FloatArray) -> FloatArray:
        """``ordered``: draws of the entries in ``self.order``; returns ``(size, n_slots)``."""
        summed = ordered if self.unique else np.add.reduceat(ordered, self.starts, axis=1)
        if self.slots.size == self.n_slots:
            return summed
        out = np.zeros((ordered.shape[0], self.n_slots))
        out[:, self.slots] = summed
        return out


def _draw(sampler: Sampler, sub: Sampler | None, tech_index: IntArray, bio_index: IntArray,
          rng: np.random.Generator, size: int) -> tuple[FloatArray, FloatArray]:
    """Draws of the chosen entries only, through ``subset`` where the sampler has it."""
    if sub is not None:
        tech, bio = sub.sample(rng, size)
        return tech, bio
    tech, bio = sampler.sample(rng, size)
    return tech[:, tech_index], bio[:, bio_index]


def _group_matrix(groups: IntArray | None, index: IntArray, n_groups: int) -> sparse.csr_matrix:
    """``(n_groups, len(index))`` indicator summing contributions by group (-1: none)."""
    if groups is None or n_groups == 0:
        return sparse.csr_matrix((n_groups, index.size))
    g = groups[index]
    keep = np.flatnonzero(g >= 0)
    return sparse.csr_matrix((np.ones(keep.size), (g[keep], keep)), shape=(n_groups, index.size))


def _diagonal_positions(a: sparse.csr_matrix) -> IntArray:
    """Positions of the diagonal in ``a.data`` (canonical CSR); every row must have one."""
    rows = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
    diag = np.flatnonzero(a.indices == rows)
    if diag.size != a.shape[0]:
        missing = np.setdiff1d(np.arange(a.shape[0]), rows[diag])
        raise SingularSystemError("activities without a production exchange",
                                  missing.tolist())
    return diag


def _bicgstab(a: sparse.csr_matrix, b: FloatArray, x0: FloatArray, dinv: FloatArray | None,
              tol: float) -> tuple[FloatArray, int] | None:
    """Right-Jacobi-preconditioned BiCGSTAB from ``x0``; None on breakdown or no convergence.

    In-place vector updates and squared norms: with ~8 iterations of ~15 vector operations
    each, temporaries would cost nearly as much as the two matrix-vector products.
    """
    tol2 = tol * tol
    x = x0.copy()
    r = b - a @ x
    if float(r @ r) <= tol2:
        return x, 0
    rhat = r.copy()
    rho = float(rhat @ r)
    p = r.copy()
    tmp = np.empty_like(x)
    for it in range(1, _MAX_ITERATIONS + 1):
        ph = p if dinv is None else np.multiply(dinv, p)
        v = a @ ph
        denom = float(rhat @ v)
        if denom == 0.0 or rho == 0.0:
            return None
        alpha = rho / denom
        r -= np.multiply(v, alpha, out=tmp)
        x += np.multiply(ph, alpha, out=tmp)
        if float(r @ r) <= tol2:
            return x, it
        sh = r if dinv is None else np.multiply(dinv, r)
        t = a @ sh
        tt = float(t @ t)
        if tt == 0.0:
            return None
        omega = float(t @ r) / tt
        x += np.multiply(sh, omega, out=tmp)
        r -= np.multiply(t, omega, out=tmp)
        if float(r @ r) <= tol2:
            return x, it
        if omega == 0.0:
            return None
        rho_new = float(rhat @ r)
        beta = (rho_new / rho) * (alpha / omega)
        rho = rho_new
        p -= np.multiply(v, omega, out=tmp)
        p *= beta
        p += r
    return None


# --------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------


def monte_carlo(
    system: MatrixSystem,
    demand: FloatArray,
    sampler: Sampler,
    iterations: int,
    seed: int,
    groups: IntArray | None = None,
    n_groups: int = 0,
    block_size: int = DEFAULT_BLOCK_SIZE,
    progress: Callable[[int], None] | None = None,
    *,
    method: Literal["auto", "partitioned", "full"] = "auto",
    max_foreground: int = DEFAULT_MAX_FOREGROUND,
    dense_foreground: int = DEFAULT_DENSE_FOREGROUND,
    prune: bool = True,
) -> MonteCarloResult:
    """Scores of ``iterations`` draws of ``system`` for ``demand`` (see the module docstring).

    ``groups[j]`` in ``0..n_groups-1`` assigns activity ``j`` to a group (a life-cycle stage),
    ``-1`` leaves it ungrouped (its burden goes to the grouped activities that buy from it);
    ``progress`` is called with the number of draws done after every block. ``method`` forces
    a path; ``auto`` takes the partitioned one when the foreground closure has at most
    ``max_foreground`` activities. ``prune=False`` samples and solves the whole system even
    outside the demand's supply chain (only useful to measure what pruning saves).
    """
    n = system.n_activities
    f = np.asarray(demand, dtype=np.float64)
    if f.shape != (n,):
        raise ValueError(f"demand must have {n} entries, one per activity; got {f.shape}")
    if not np.isfinite(f).all():
        raise ValueError("demand has non-finite entries")
    if iterations < 1:
        raise ValueError(f"iterations must be >= 1, got {iterations}")
    if block_size < 1:
        raise ValueError(f"block_size must be >= 1, got {block_size}")
    if method not in ("auto", "partitioned", "full"):
        raise ValueError(f"unknown method {method!r}")
    unc_tech = np.asarray(sampler.uncertain_tech, dtype=bool)
    unc_bio = np.asarray(sampler.uncertain_bio, dtype=bool)
    if unc_tech.shape != system.tech_values.shape:
        raise ValueError(f"sampler covers {unc_tech.size} technosphere entries, the system has "
                         f"{system.tech_values.size}")
    if unc_bio.shape != system.bio_values.shape:
        raise ValueError(f"sampler covers {unc_bio.size} biosphere entries, the system has "
                         f"{system.bio_values.size}")
    support = f != 0
    grp: IntArray | None = None
    if groups is not None:
        grp = np.asarray(groups, dtype=np.int64)
        if grp.shape != (n,):
            raise ValueError(f"groups must have {n} entries, one per activity; got {grp.shape}")
        bad = np.flatnonzero((grp < -1) | (grp >= n_groups))
        if bad.size:
            raise ValueError(f"activity {bad[0]}: group {grp[bad[0]]} is outside "
                             f"-1..{n_groups - 1}")
        lost = np.flatnonzero(support & (grp < 0))
        if lost.size and n_groups:
            raise ValueError(f"demanded activity {lost[0]} is ungrouped (-1): its burden "
                             "would belong to no group")
    elif n_groups:
        raise ValueError("n_groups given without groups")
    if not support.any():
        return MonteCarloResult(np.zeros(iterations), np.zeros((iterations, n_groups)),
                                "empty demand", 0, 0.0, 0, 0.0)

    rows, cols = system.tech_rows, system.tech_cols
    # an exchange is structural if it is non-zero now or may become so in a draw
    struct = (system.tech_values != 0) | unc_tech
    off = struct & (rows != cols)
    down = sparse.csr_matrix((np.ones(int(off.sum()), dtype=np.int8), (rows[off], cols[off])),
                             shape=(n, n))
    everything = np.ones(n, dtype=bool)
    chain = _closure(down.T.tocsr(), support, everything, None) if prune else everything
    assert chain is not None
    cf = system.characterization[system.bio_rows]
    scored_bio = (cf != 0) & chain[system.bio_cols]
    tech_in = struct & chain[cols]
    grouped = grp >= 0 if grp is not None and n_groups else np.zeros(n, dtype=bool)

    foreground: BoolArray | None = None
    if method != "full":
        seeds = support | grouped
        seeds[cols[unc_tech & tech_in]] = True
        seeds[system.bio_cols[unc_bio & scored_bio]] = True
        limit = max_foreground if method == "auto" else None
        foreground = _closure(down, seeds, chain, limit)
    rng = np.random.default_rng(seed)
    attribute = grp if n_groups else None
    if foreground is not None:
        part = _Partitioned(system, f, sampler, chain, foreground, tech_in, scored_bio,
                            attribute, n_groups, dense_foreground)
        return part.run(rng, iterations, block_size, progress)
    full = _Full(system, f, sampler, chain, tech_in, scored_bio, attribute, n_groups)
    return full.run(rng, iterations, block_size, progress)


# --------------------------------------------------------------------------------------------
# partitioned path
# --------------------------------------------------------------------------------------------


class _Partitioned:
    """Certain background solved once (adjoint), uncertain foreground solved per draw."""

    def __init__(self, system: MatrixSystem, f: FloatArray, sampler: Sampler, chain: BoolArray,
                 foreground: BoolArray, tech_in: BoolArray, scored_bio: BoolArray,
                 groups: IntArray | None, n_groups: int, dense_limit: int) -> None:
        rows, cols = system.tech_rows, system.tech_cols
        background = chain & ~foreground
        self.f_idx = np.flatnonzero(foreground)
        g_idx = np.flatnonzero(background)
        n_f = self.f_idx.size
        pos_f, pos_g = _positions(foreground), _positions(background)
        cf = system.characterization[system.bio_rows]

        # background adjoint y_G = A_GG^-T h_G, once
        gg = tech_in & background[cols]
        if np.any(foreground[rows[gg]]):  # cannot happen for a downstream-closed foreground
            raise AssertionError("foreground supplies the background")
        y_g = np.zeros(g_idx.size)
        if g_idx.size:
            a_gg = sparse.csr_matrix(
                (system.tech_values[gg], (pos_g[rows[gg]], pos_g[cols[gg]])),
                shape=(g_idx.size, g_idx.size),
            )
            bg = scored_bio & background[system.bio_cols]
            h_g = np.bincount(pos_g[system.bio_cols[bg]],
                              weights=system.bio_values[bg] * cf[bg], minlength=g_idx.size)
            try:
                y_g = Factorization(a_gg).solve_transposed(h_g)
            except SingularSystemError as exc:
                raise SingularSystemError(f"background: {exc}",
                                          [int(g_idx[i]) for i in exc.activities]) from exc

        # foreground entries: A_FF, A_GF and the scored emissions of F
        in_f = tech_in & foreground[cols]
        ff = np.flatnonzero(in_f & foreground[rows])
        # put F in block upper-triangular order (suppliers first, loops grouped), so that a
        # draw is solved by back-substitution rather than a dense LU
        pattern = sparse.csr_matrix(
            (np.ones(ff.size), (pos_f[rows[ff]], pos_f[cols[ff]])), shape=(n_f, n_f))
        order = block_triangular_ordering(pattern)
        self.f_idx = self.f_idx[order.perm]
        pos_f = _positions(foreground)
        pos_f[self.f_idx] = np.arange(n_f)
        self.segments = list(zip(order.segments, order.cyclic, strict=True))
        gf = np.flatnonzero(in_f & background[rows])
        fb = np.flatnonzero(scored_bio & foreground[system.bio_cols])
        self.n_ff = ff.size
        self.tech_index = np.concatenate([ff, gf])
        self.bio_index = fb
        # h'_F = [bio values, A_GF values] @ M, with weights cf and -y_G[row]
        weights = np.concatenate([cf[fb], -y_g[pos_g[rows[gf]]]])
        m_cols = np.concatenate([pos_f[system.bio_cols[fb]], pos_f[cols[gf]]])
        self.m_t = sparse.csr_matrix((weights, (m_cols, np.arange(weights.size))),
                                     shape=(n_f, weights.size))
        self.dense = n_f <= dense_limit
        key = pos_f[rows[ff]] * n_f + pos_f[cols[ff]]
        uniq = np.unique(key)
        self.pattern = sparse.csr_matrix(
            (np.ones(uniq.size), (uniq // n_f, uniq % n_f)), shape=(n_f, n_f))
        self.pattern.sort_indices()
        try:
            _diagonal_positions(self.pattern)
        except SingularSystemError as exc:
            raise SingularSystemError(str(exc), [int(self.f_idx[i]) for i in exc.activities]
                                      ) from exc
        if self.dense:
            self.scatter = _Scatter(key, n_f * n_f)
            # the inputs of every row from later rows, for back-substitution
            self.upper = [c[c > i] for i, c in enumerate(np.split(self.pattern.indices,
                                                                  self.pattern.indptr[1:-1]))]
        else:  # CSR data of A_FF in row-major key order, refactorised per draw
            self.scatter = _Scatter(np.searchsorted(uniq, key), uniq.size)
            self.ordering = Ordering(np.arange(n_f, dtype=np.int64), order.bounds, order.cyclic)
        self.f_f = f[self.f_idx]
        self.n_f = n_f
        self.n_groups = n_groups
        self.groups_t = _group_matrix(groups, self.f_idx, n_groups)
        # ungrouped activities that the closure pulled into F (an uncertain background):
        # their burden per draw needs the adjoint of their own block, A_KK^T y_K = h'_K
        self.k_idx = (np.flatnonzero(groups[self.f_idx] < 0) if groups is not None
                      else np.zeros(0, dtype=np.int64))
        self.sampler = sampler
        self.sub = (sampler.subset(self.tech_index, self.bio_index)
                    if isinstance(sampler, SubsetSampler) else None)
        det_tech = system.tech_values[self.tech_index][None, :]
        det_bio = system.bio_values[self.bio_index][None, :]
        self.deterministic = float(self._solve(det_tech, det_bio)[0][0])

    def _solve(self, tech: FloatArray, bio: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Scores ``(size,)`` and foreground contributions ``(size, n_f)`` of a block."""
        size = tech.shape[0]
        vals_ff = tech[:, : self.n_ff]
        w = np.concatenate([bio, tech[:, self.n_ff :]], axis=1)
        h_f = np.asarray(self.m_t @ w.T).T  # (size, n_f)
        slots = self.scatter.values(vals_ff[:, self.scatter.order])
        k = self.k_idx
        attribute = bool(self.n_groups and k.size)
        if self.dense:
            mats = slots.reshape(size, self.n_f, self.n_f)
            try:
                s_f = self._back_substitute(mats)
                if attribute:
                    a_kk = mats[:, k][:, :, k]
                    y_k = np.linalg.solve(a_kk.transpose(0, 2, 1), h_f[:, k, None])[:, :, 0]
            except np.linalg.LinAlgError as exc:
                raise SingularSystemError("a sampled foreground matrix is singular",
                                          self.f_idx.tolist()) from exc
            adjust = np.einsum("bk,bkj->bj", y_k, mats[:, k, :]) if attribute else None
        else:
            s_f = np.empty((size, self.n_f))
            adjust = np.empty((size, self.n_f)) if attribute else None
            a = self.pattern.copy()
            for i in range(size):
                a.data = slots[i]
                s_f[i] = Factorization(a, ordering=self.ordering).solve(self.f_f)
                if adjust is not None:
                    rows_k = a[k]
                    y_k = Factorization(rows_k[:, k]).solve_transposed(h_f[i, k])
                    adjust[i] = rows_k.T @ y_k
        if not np.isfinite(s_f).all():
            raise SingularSystemError("a sampled foreground matrix is singular",
                                      self.f_idx.tolist())
        scores = np.einsum("bj,bj->b", h_f, s_f)
        if not self.n_groups:
            return scores, h_f * s_f
        if adjust is not None:
            h_f = h_f - adjust
            h_f[:, k] = 0.0
        return scores, h_f * s_f

    def _back_substitute(self, mats: FloatArray) -> FloatArray:
        """Solve ``mats[b] s[b] = f_F`` for a block of block upper-triangular matrices.

        Acyclic runs go row by row, each row one vectorised operation over the draws (the
        cost grows with the non-zeros, not with n³); a loop block is one batched dense solve.
        Measured with the 50-process benchmark foreground: 24 µs per draw for a dense LU of
        the whole matrix, 5-8 µs this way (whole draws: 45 against 12-13 µs).
        """
        size = mats.shape[0]
        s = np.zeros((size, self.n_f))
        with np.errstate(divide="ignore", invalid="ignore"):
            for seg, cyclic in reversed(self.segments):
                if cyclic:
                    rhs = self.f_f[seg] - np.einsum("bij,bj->bi", mats[:, seg, seg.stop :],
                                                    s[:, seg.stop :])
                    s[:, seg] = np.linalg.solve(mats[:, seg, seg], rhs[:, :, None])[:, :, 0]
                    continue
                for i in range(seg.stop - 1, seg.start - 1, -1):
                    c = self.upper[i]
                    if c.size:
                        rhs_i = self.f_f[i] - np.einsum("bj,bj->b", mats[:, i, c], s[:, c])
                        s[:, i] = rhs_i / mats[:, i, i]
                    else:
                        s[:, i] = self.f_f[i] / mats[:, i, i]
        return s

    def run(self, rng: np.random.Generator, iterations: int, block_size: int,
            progress: Callable[[int], None] | None) -> MonteCarloResult:
        scores = np.empty(iterations)
        group_scores = np.empty((iterations, self.n_groups))
        done = 0
        if self.dense:  # a block holds size * n_f^2 matrix entries
            block_size = max(1, min(block_size, _DENSE_BLOCK_BYTES // (8 * self.n_f**2 or 1)))
        while done < iterations:
            size = min(block_size, iterations - done)
            tech, bio = _draw(self.sampler, self.sub, self.tech_index, self.bio_index, rng, size)
            block_scores, contrib = self._solve(tech, bio)
            scores[done : done + size] = block_scores
            if self.n_groups:
                group_scores[done : done + size] = np.asarray(self.groups_t @ contrib.T).T
            done += size
            if progress is not None:
                progress(done)
        kind = "partitioned-dense" if self.dense else "partitioned-sparse"
        return MonteCarloResult(scores, group_scores, kind, 0, self.deterministic, self.n_f, 0.0)


# --------------------------------------------------------------------------------------------
# full path
# --------------------------------------------------------------------------------------------


class _Full:
    """Every draw solves the (pruned) sampled system with warm-started BiCGSTAB + Jacobi."""

    def __init__(self, system: MatrixSystem, f: FloatArray, sampler: Sampler, chain: BoolArray,
                 tech_in: BoolArray, scored_bio: BoolArray, groups: IntArray | None,
                 n_groups: int) -> None:
        rows, cols = system.tech_rows, system.tech_cols
        self.idx = np.flatnonzero(chain)
        m = self.idx.size
        pos = _positions(chain)
        entries = np.flatnonzero(tech_in)
        key = pos[rows[entries]] * m + pos[cols[entries]]
        order = np.argsort(key, kind="stable")
        self.tech_index = entries[order]  # drawn directly in CSR order
        key = key[order]
        uniq, starts = np.unique(key, return_index=True)
        self.unique = uniq.size == key.size
        self.starts = starts
        self.a = sparse.csr_matrix((np.ones(uniq.size), (uniq // m, uniq % m)), shape=(m, m))
        self.a.sort_indices()
        self.a.data = self._csr_data(system.tech_values[self.tech_index][None, :])[0]
        self.diag = _diagonal_positions(self.a)
        # which CSR slots vary between draws
        varies = np.zeros(uniq.size, dtype=bool)
        varies[np.searchsorted(uniq, key)[sampler.uncertain_tech[self.tech_index]]] = True
        # a certain unit diagonal (the usual normalisation) makes Jacobi the identity
        self.unit_diagonal = bool(np.all(self.a.data[self.diag] == 1.0)
                                  and not varies[self.diag].any())
        self.bio_index = np.flatnonzero(scored_bio)
        bio_cols = pos[system.bio_cols[self.bio_index]]
        cf = system.characterization[system.bio_rows[self.bio_index]]
        self.h_t = sparse.csr_matrix((cf, (bio_cols, np.arange(self.bio_index.size))),
                                     shape=(m, self.bio_index.size))
        self.f = f[self.idx]
        self.f_norm = float(np.linalg.norm(self.f))
        self.mean = Factorization(self.a)
        self.x0 = self.mean.solve(self.f)
        h0 = np.asarray(self.h_t @ system.bio_values[self.bio_index])
        self.y0 = self.mean.solve_transposed(h0)
        self.deterministic = float(h0 @ self.x0)
        self.n_groups = n_groups
        self.groups_t = _group_matrix(groups, self.idx, n_groups)
        self.sampler = sampler
        self.sub = (sampler.subset(self.tech_index, self.bio_index)
                    if isinstance(sampler, SubsetSampler) else None)
        self.fallbacks = 0
        self.iterations = 0
        self.ungrouped = (np.flatnonzero(groups[self.idx] < 0) if groups is not None
                          else np.zeros(0, dtype=np.int64))
        if self.ungrouped.size:
            bio_unc = sampler.uncertain_bio[self.bio_index]
            self._setup_attribution(h0, varies, bio_unc, bio_cols)

    def _setup_attribution(self, h0: FloatArray, varies: BoolArray, bio_unc: BoolArray,
                           bio_cols: IntArray) -> None:
        """Structures for the adjoint of the ungrouped block U: ``A_UU^T y_U = h_U``."""
        m = self.idx.size
        in_u = np.zeros(m, dtype=bool)
        in_u[self.ungrouped] = True
        pos_u = _positions(in_u)
        n_u = self.ungrouped.size
        row_of = np.repeat(np.arange(m), np.diff(self.a.indptr))
        col_of = self.a.indices
        uu = np.flatnonzero(in_u[row_of] & in_u[col_of])
        tkey = pos_u[col_of[uu]] * n_u + pos_u[row_of[uu]]  # A_UU^T in row-major order
        order = np.argsort(tkey)
        self.ut_pos = uu[order]
        tkey = tkey[order]
        self.ut = sparse.csr_matrix((self.a.data[self.ut_pos], (tkey // n_u, tkey % n_u)),
                                    shape=(n_u, n_u))
        self.ut_diag = _diagonal_positions(self.ut)
        # inputs of grouped activities from ungrouped ones: their burden y_i moves to the buyer
        uf = np.flatnonzero(in_u[row_of] & ~in_u[col_of])
        self.uf_pos, self.uf_row, self.uf_col = uf, pos_u[row_of[uf]], col_of[uf]
        self.ut_fact = Factorization(self.ut)
        self.yu0 = self.ut_fact.solve(h0[self.ungrouped])
        self.u_certain = not (varies[self.ut_pos].any() or bio_unc[in_u[bio_cols]].any())

    def _csr_data(self, ordered: FloatArray) -> FloatArray:
        return ordered if self.unique else np.add.reduceat(ordered, self.starts, axis=1)

    def _solve_one(self, a: sparse.csr_matrix, h: FloatArray) -> FloatArray:
        x: FloatArray | None = None
        dinv = None if self.unit_diagonal else 1.0 / a.data[self.diag]
        if dinv is None or np.isfinite(dinv).all():
            found = _bicgstab(a, self.f, self.x0, dinv, _RTOL * self.f_norm)
            if found is not None:
                x, its = found
                r = self.f - a @ x  # the true residual, not the recursion's
                # score error h.(x - x*) = y.r, estimated with the deterministic adjoint y0 and
                # measured against the sum of absolute contributions (robust to cancellation)
                scale = float(np.abs(h) @ np.abs(x))
                error = abs(float(self.y0 @ r))
                if (np.linalg.norm(r) <= 10 * _RTOL * self.f_norm
                        and np.isfinite(scale) and error <= _SCORE_TOLERANCE * scale):
                    self.iterations += its
                    return x
        self.fallbacks += 1
        return Factorization(a, ordering=self.mean.ordering).solve(self.f)

    def _ungrouped_burden(self, data: FloatArray, h: FloatArray) -> FloatArray:
        """``y_U`` of one draw: the score of one unit of every ungrouped product."""
        if self.u_certain:
            return self.yu0
        ut = self.ut.copy()
        ut.data = data[self.ut_pos]
        b = h[self.ungrouped]
        dinv = 1.0 / ut.data[self.ut_diag]
        tol = _RTOL * max(float(np.linalg.norm(b)), 1e-300)
        found = _bicgstab(ut, b, self.yu0, dinv, tol) if np.isfinite(dinv).all() else None
        if found is not None and np.linalg.norm(b - ut @ found[0]) <= 10 * tol:
            return found[0]
        self.fallbacks += 1
        return Factorization(ut, ordering=self.ut_fact.ordering).solve(b)

    def run(self, rng: np.random.Generator, iterations: int, block_size: int,
            progress: Callable[[int], None] | None) -> MonteCarloResult:
        scores = np.empty(iterations)
        group_scores = np.empty((iterations, self.n_groups))
        per_draw = 8 * (self.tech_index.size + self.bio_index.size)
        block = max(1, min(block_size, _FULL_BLOCK_BYTES // max(per_draw, 1)))
        a = self.a.copy()
        sizes = [block] * (iterations // block) + ([iterations % block] if iterations % block
                                                    else [])

        def draw(size: int) -> tuple[FloatArray, FloatArray]:
            tech, bio = _draw(self.sampler, self.sub, self.tech_index, self.bio_index, rng, size)
            return self._csr_data(tech), np.asarray(self.h_t @ bio.T).T

        done = 0
        # draw the next block in a second thread while this one is solved: NumPy's generators
        # and exp and SciPy's mat-vec release the GIL. Measured on the benchmark (2 cores,
        # interleaved runs): 2.2-2.3 ms per draw against 3.2-3.8 ms without; no gain unpruned,
        # where both halves are limited by memory bandwidth.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(draw, sizes[0])
            for i, size in enumerate(sizes):
                data, h = pending.result()
                if i + 1 < len(sizes):
                    pending = pool.submit(draw, sizes[i + 1])
                self._solve_block(a, data, h, scores, group_scores, done)
                done += size
                if progress is not None:
                    progress(done)
        mean_its = self.iterations / max(iterations - self.fallbacks, 1)
        return MonteCarloResult(scores, group_scores, "full", self.fallbacks, self.deterministic,
                                int(self.idx.size), mean_its)

    def _solve_block(self, a: sparse.csr_matrix, data: FloatArray, h: FloatArray,
                     scores: FloatArray, group_scores: FloatArray, done: int) -> None:
        size = h.shape[0]
        x = np.empty_like(h)
        for k in range(size):
            a.data = data[k]
            x[k] = self._solve_one(a, h[k])
        scores[done : done + size] = np.einsum("bj,bj->b", h, x)
        if not self.n_groups:
            return
        if self.ungrouped.size:
            h = h.copy()
            for k in range(size):
                y_u = self._ungrouped_burden(data[k], h[k])
                h[k] -= np.bincount(self.uf_col, weights=data[k][self.uf_pos] * y_u[self.uf_row],
                                    minlength=h.shape[1])
            h[:, self.ungrouped] = 0.0
        group_scores[done : done + size] = np.asarray(self.groups_t @ (h * x).T).T

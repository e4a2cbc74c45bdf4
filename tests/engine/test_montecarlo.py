"""Monte Carlo: known answers, reproducibility, and the partitioned and full paths agreeing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.linalg import spsolve

from tanzuji.engine import montecarlo as mc
from tanzuji.engine.montecarlo import (
    DistributionSampler,
    MonteCarloResult,
    Sampler,
    monte_carlo,
)
from tanzuji.engine.system import MatrixSystem
from tanzuji.engine.uncertainty import Distributions, lognormal_mean

FloatArray = mc.FloatArray
BoolArray = mc.BoolArray


def _system(tech: list[tuple[int, int, float]], bio: list[tuple[int, int, float]], n: int,
            cf: list[float]) -> MatrixSystem:
    t = np.array(tech, dtype=float).reshape(-1, 3)
    b = np.array(bio, dtype=float).reshape(-1, 3)
    return MatrixSystem(
        n, len(cf), t[:, 0].astype(np.int64), t[:, 1].astype(np.int64), t[:, 2],
        b[:, 0].astype(np.int64), b[:, 1].astype(np.int64), b[:, 2], np.array(cf),
    )


def _two_process() -> tuple[MatrixSystem, DistributionSampler]:
    """Activity 1 (the product) takes ``a`` units of product 0, median 2, sigma 0.3.

    Activity 0 emits 1 kg CO2 per unit, activity 1 emits 0.5 kg: score = a + 0.5.
    """
    system = _system([(0, 0, 1.0), (1, 1, 1.0), (0, 1, -2.0)], [(0, 0, 1.0), (0, 1, 0.5)], 2,
                     [1.0])
    sampler = DistributionSampler(
        Distributions.lognormal(system.tech_values, [0.0, 0.0, 0.3]),
        Distributions.certain(system.bio_values),
    )
    return system, sampler


def _within(result: MonteCarloResult, expected: float, k: float = 4.0) -> None:
    s = result.summary()
    se = s["sd"] / math.sqrt(s["n"])
    assert abs(s["mean"] - expected) < k * se, (s, expected)


@pytest.mark.parametrize("method", ["partitioned", "full"])
def test_two_process_mean_is_the_analytic_lognormal_mean(method: str) -> None:
    system, sampler = _two_process()
    result = monte_carlo(system, np.array([0.0, 1.0]), sampler, 20_000, seed=1,
                         method=method)  # type: ignore[arg-type]
    assert result.method.startswith(method)
    assert result.deterministic_score == pytest.approx(2.5)
    # E[a] = 2 exp(0.3^2 / 2): the MC mean exceeds the deterministic 2.5 (median convention)
    _within(result, lognormal_mean(2.0, 0.3) + 0.5)
    assert result.summary()["median"] == pytest.approx(2.5, rel=0.01)


def test_groups_mean_the_same_on_both_paths() -> None:
    system, sampler = _two_process()
    f = np.array([0.0, 1.0])
    for method in ("partitioned", "full"):
        # every activity grouped: direct contributions; activity 1 emits its 0.5 kg itself
        direct = monte_carlo(system, f, sampler, 500, seed=3, groups=np.array([0, 1]),
                             n_groups=2, method=method)  # type: ignore[arg-type]
        assert direct.method.startswith(method)
        np.testing.assert_allclose(direct.group_scores[:, 1], 0.5)
        np.testing.assert_allclose(direct.group_scores[:, 0], direct.scores - 0.5)
        # activity 0 ungrouped: its burden goes to its buyer, activity 1
        bought = monte_carlo(system, f, sampler, 500, seed=3, groups=np.array([-1, 1]),
                             n_groups=2, method=method)  # type: ignore[arg-type]
        np.testing.assert_allclose(bought.group_scores[:, 0], 0.0)
        np.testing.assert_allclose(bought.group_scores[:, 1], bought.scores, rtol=1e-7)
        assert len(bought.group_summary()) == 2


def test_a_certain_grouped_supplier_keeps_its_own_burden() -> None:
    # product 2 buys 1 of part 1 (certain, 1 kg CO2) and emits 2 kg with a normal sd of 0.1;
    # part 1 buys 0.5 of the ungrouped background 0 (2 kg each)
    system = _system([(0, 0, 1.0), (1, 1, 1.0), (2, 2, 1.0), (1, 2, -1.0), (0, 1, -0.5)],
                     [(0, 0, 2.0), (0, 1, 1.0), (0, 2, 2.0)], 3, [1.0])
    bio = Distributions(np.array([0, 0, 2]), system.bio_values, np.array([math.nan, math.nan,
                        0.1]), np.full(3, math.nan), np.full(3, math.nan))
    sampler = DistributionSampler(Distributions.certain(system.tech_values), bio)
    for method in ("partitioned", "full"):
        r = monte_carlo(system, np.array([0.0, 0.0, 1.0]), sampler, 2000, seed=1,
                        groups=np.array([-1, 0, 1]), n_groups=2,
                        method=method)  # type: ignore[arg-type]
        np.testing.assert_allclose(r.group_scores[:, 0], 2.0, rtol=1e-7)  # 1 + 0.5 * 2
        assert r.group_summary()[1]["sd"] == pytest.approx(0.1, rel=0.1)


def _loop_system(seed: int, n: int = 8) -> tuple[MatrixSystem, DistributionSampler]:
    """Activities with supply loops, every exchange and emission lognormal."""
    rng = np.random.default_rng(seed)
    tech = [(i, i, 1.0) for i in range(n)]
    for j in range(1, n):
        for i in rng.choice(j, size=min(j, 2), replace=False):
            tech.append((int(i), j, -float(rng.uniform(0.1, 0.6))))
    tech += [(6, 1, -0.2), (5, 2, -0.1)]  # loops 1 -> ... -> 6 -> 1 and 2 -> ... -> 5 -> 2
    for j in range(10, n - 5, 9):  # more loops further down a longer chain
        tech.append((j + 4, j, -0.05))
    bio = [(int(rng.integers(0, 3)), j, float(rng.uniform(0.1, 2.0))) for j in range(n)]
    bio += [(3, j, 1.0) for j in range(n)]  # a flow without a characterisation factor
    system = _system(tech, bio, n, [1.0, 29.8, 273.0, 0.0])
    t_sig = np.where(system.tech_rows == system.tech_cols, 0.0, 0.25)
    sampler = DistributionSampler(
        Distributions.lognormal(system.tech_values, t_sig),
        Distributions.lognormal(system.bio_values, np.full(system.bio_values.size, 0.2)),
    )
    return system, sampler


def test_partitioned_and_full_paths_agree_on_a_loop() -> None:
    system, sampler = _loop_system(0)
    f = np.zeros(8)
    f[7] = 1.0
    exact = system.characterized_row() @ spsolve(system.technosphere().tocsc(), f)
    part = monte_carlo(system, f, sampler, 4000, seed=11)
    full = monte_carlo(system, f, sampler, 4000, seed=12, method="full", block_size=7)
    assert part.method == "partitioned-dense" and full.method == "full"
    assert part.deterministic_score == pytest.approx(exact, rel=1e-10)
    assert full.deterministic_score == pytest.approx(exact, rel=1e-10)
    a, b = part.summary(), full.summary()
    z = (a["mean"] - b["mean"]) / math.hypot(a["sd"] / math.sqrt(a["n"]),
                                             b["sd"] / math.sqrt(b["n"]))
    assert abs(z) < 4
    assert full.fallbacks == 0 and full.mean_solver_iterations > 0


@pytest.mark.parametrize("n", [8, 60])
def test_each_draw_is_solved_exactly(n: int) -> None:
    """Replay the draws of a custom sampler and solve them directly, on both paths."""
    system, inner = _loop_system(1, n)
    f = np.zeros(n)
    f[n - 1] = 2.0

    class Recording:
        def __init__(self) -> None:
            self.drawn: list[tuple[FloatArray, FloatArray]] = []

        @property
        def uncertain_tech(self) -> BoolArray:
            return inner.uncertain_tech

        @property
        def uncertain_bio(self) -> BoolArray:
            return inner.uncertain_bio

        def sample(self, rng: np.random.Generator, size: int) -> tuple[FloatArray, FloatArray]:
            tech, bio = inner.sample(rng, size)
            self.drawn.append((tech, bio))
            return tech, bio

    for method in ("partitioned", "full"):
        rec = Recording()
        assert isinstance(rec, Sampler) and not isinstance(rec, mc.SubsetSampler)
        result = monte_carlo(system, f, rec, 10, seed=4, block_size=4,
                             method=method)  # type: ignore[arg-type]
        tech = np.concatenate([t for t, _ in rec.drawn])
        bio = np.concatenate([b for _, b in rec.drawn])
        expected = [
            system.characterized_row(bio[k]) @ spsolve(system.technosphere(tech[k]).tocsc(), f)
            for k in range(10)
        ]
        # the full path stops BiCGSTAB at a relative residual of 1e-8
        np.testing.assert_allclose(result.scores, expected,
                                   rtol=1e-10 if method == "partitioned" else 1e-7)


def test_same_seed_same_scores_and_different_seed_different_scores() -> None:
    system, sampler = _loop_system(2)
    f = np.zeros(8)
    f[6] = 1.0
    for method in ("partitioned", "full"):
        a = monte_carlo(system, f, sampler, 300, seed=5, method=method)  # type: ignore[arg-type]
        b = monte_carlo(system, f, sampler, 300, seed=5, method=method)  # type: ignore[arg-type]
        c = monte_carlo(system, f, sampler, 300, seed=6, method=method)  # type: ignore[arg-type]
        assert np.array_equal(a.scores, b.scores)
        assert not np.array_equal(a.scores, c.scores)


def test_uncertain_ungrouped_background_is_attributed_alike_on_every_path() -> None:
    """Ungrouped activities 0-3 are uncertain; replay the same draws on all three solvers."""
    system, inner = _loop_system(6)
    f = np.zeros(8)
    f[7] = 1.0
    groups = np.array([-1, -1, -1, -1, 0, 1, 1, 2])

    class Plain:  # no ``subset``: every path draws the same full arrays from the seed
        uncertain_tech = inner.uncertain_tech
        uncertain_bio = inner.uncertain_bio

        def sample(self, rng: np.random.Generator, size: int) -> tuple[FloatArray, FloatArray]:
            return inner.sample(rng, size)

    runs = [
        monte_carlo(system, f, Plain(), 40, seed=2, groups=groups, n_groups=3, block_size=8,
                    method=method, dense_foreground=dense)  # type: ignore[arg-type]
        for method, dense in (("partitioned", 300), ("partitioned", 0), ("full", 300))
    ]
    assert [r.method for r in runs] == ["partitioned-dense", "partitioned-sparse", "full"]
    for r in runs:
        np.testing.assert_allclose(r.group_scores.sum(axis=1), r.scores, rtol=1e-7)
        np.testing.assert_allclose(r.scores, runs[0].scores, rtol=1e-7)
        np.testing.assert_allclose(r.group_scores, runs[0].group_scores, rtol=1e-6, atol=1e-9)
    assert np.all(runs[0].group_scores > 0)


def test_sparse_foreground_matches_dense_foreground() -> None:
    system, sampler = _loop_system(3)
    f = np.zeros(8)
    f[7] = 1.0
    dense = monte_carlo(system, f, sampler, 200, seed=8)
    sparse_fg = monte_carlo(system, f, sampler, 200, seed=8, dense_foreground=0)
    assert sparse_fg.method == "partitioned-sparse"
    np.testing.assert_allclose(sparse_fg.scores, dense.scores, rtol=1e-10)


def test_fallback_to_direct_solves_gives_the_same_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    system, sampler = _loop_system(4)
    f = np.zeros(8)
    f[7] = 1.0
    normal = monte_carlo(system, f, sampler, 50, seed=9, method="full")
    monkeypatch.setattr(mc, "_MAX_ITERATIONS", 0)  # BiCGSTAB gives up at once
    forced = monte_carlo(system, f, sampler, 50, seed=9, method="full")
    assert forced.fallbacks == 50 and normal.fallbacks == 0
    np.testing.assert_allclose(forced.scores, normal.scores, rtol=1e-9)


def test_auto_takes_the_full_path_above_max_foreground() -> None:
    system, sampler = _loop_system(5)
    f = np.zeros(8)
    f[7] = 1.0
    assert monte_carlo(system, f, sampler, 5, seed=0, max_foreground=2).method == "full"


def test_uncertainty_outside_the_supply_chain_or_without_cf_changes_nothing() -> None:
    # 0 -> 1 is the product; activity 2 is unrelated; flow 1 has no characterisation factor
    system = _system(
        [(0, 0, 1.0), (1, 1, 1.0), (2, 2, 1.0), (0, 1, -3.0), (0, 2, -5.0)],
        [(0, 0, 2.0), (1, 1, 4.0), (0, 2, 7.0)],
        3, [1.0, 0.0],
    )
    sampler = DistributionSampler(
        Distributions.lognormal(system.tech_values, [0, 0, 0, 0, 0.5]),
        Distributions.lognormal(system.bio_values, [0, 0.5, 0.5]),
    )
    f = np.array([0.0, 1.0, 0.0])
    for method in ("partitioned", "full"):
        for prune in (True, False):
            r = monte_carlo(system, f, sampler, 20, seed=1, method=method,  # type: ignore[arg-type]
                            prune=prune)
            np.testing.assert_allclose(r.scores, 6.0, rtol=1e-12)


def test_normal_emission_is_unbiased_and_progress_is_reported() -> None:
    system = _system([(0, 0, 1.0)], [(0, 0, 10.0)], 1, [1.0])
    sampler = DistributionSampler(
        Distributions.certain(system.tech_values),
        Distributions(np.array([2]), np.array([10.0]), np.array([1.0]), np.array([math.nan]),
                      np.array([math.nan])),
    )
    seen: list[int] = []
    r = monte_carlo(system, np.array([1.0]), sampler, 10_000, seed=2, block_size=3000,
                    progress=seen.append)
    assert seen == [3000, 6000, 9000, 10_000]
    _within(r, 10.0)
    assert r.summary()["sd"] == pytest.approx(1.0, rel=0.03)


def test_bad_arguments() -> None:
    system, sampler = _two_process()
    f = np.array([0.0, 1.0])
    with pytest.raises(ValueError, match="demand must have 2 entries"):
        monte_carlo(system, np.ones(3), sampler, 10, seed=0)
    with pytest.raises(ValueError, match="iterations"):
        monte_carlo(system, f, sampler, 0, seed=0)
    with pytest.raises(ValueError, match="activity 1: group 5"):
        monte_carlo(system, f, sampler, 10, seed=0, groups=np.array([0, 5]), n_groups=2)
    with pytest.raises(ValueError, match="demanded activity 1 is ungrouped"):
        monte_carlo(system, f, sampler, 10, seed=0, groups=np.array([0, -1]), n_groups=2)
    small = DistributionSampler(Distributions.certain([1.0]), Distributions.certain([1.0, 1.0]))
    with pytest.raises(ValueError, match="sampler covers 1 technosphere entries"):
        monte_carlo(system, f, small, 10, seed=0)


def test_zero_demand_scores_zero() -> None:
    system, sampler = _two_process()
    r = monte_carlo(system, np.zeros(2), sampler, 4, seed=0)
    assert np.array_equal(r.scores, np.zeros(4))


def test_singular_sample_is_reported() -> None:
    # a loop whose gain can exceed one: 0 <-> 1 with inputs of median 1 and wide spread
    system = _system([(0, 0, 1.0), (1, 1, 1.0), (1, 0, -1.0), (0, 1, -1.0)], [(0, 0, 1.0)], 2,
                     [1.0])
    matrix = sparse.csr_matrix(system.technosphere())
    assert abs(np.linalg.det(matrix.toarray())) < 1e-12
    sampler = DistributionSampler(Distributions.certain(system.tech_values),
                                  Distributions.lognormal(system.bio_values, [0.1]))
    with pytest.raises(ValueError, match="singular"):
        monte_carlo(system, np.array([1.0, 0.0]), sampler, 5, seed=0)

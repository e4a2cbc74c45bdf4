#!/usr/bin/env python
"""Engine benchmark: tanzuji's engine against bw2calc 3.x on the same 20,000-activity system.

The system is ``shared/bench/gen_system.py``'s synthetic ecoinvent-like product system
(generated once into ``bench/data/``). Each engine runs in its own interpreter, so neither's
solver choice leaks into the other (bw2calc picks pypardiso at import time when it can).

Tasks (times are medians of ``--repeat`` runs unless said otherwise):

(a) first footprint of demand 0. Ours: MatrixSystem from the COO arrays, CSR, ordering,
    factorisation, solve, score. Peer: ``LCA`` construction, ``lci()``, ``lcia()``.
(b) 100 further demands. Ours: reuse the factorisation (loop or one multi-RHS solve, the faster).
    Peer: ``MultiLCA`` (ratio "b"; it builds and factorises itself), also its reuse loop
    ``lca.lcia(demand=...)`` and ``FastScoresOnlyMultiLCA`` forward.
(c) footprint of every activity. Ours: factorisation from scratch plus ONE transposed solve.
    Peer: ``FastScoresOnlyMultiLCA(direction="adjoint")`` over the 100 demands, from construction.
(d) Monte Carlo, every exchange uncertain (lognormal, the file's sigmas), demand 0. Ours: the
    full path, ``--mc`` draws, timed including its setup. Peer: ``IterativeLCA``, ``--peer-mc``
    draws after its first solve. Ratio of per-draw times; the means must agree (z).
(e) foreground Monte Carlo: a fixed-seed 50-process foreground (lognormal on all its exchanges
    and emissions, one small loop) on the certain 20k background: our draws per second.

``python bench/engine.py`` prints a table; ``--json`` prints one JSON object on the last line:
``{"ratios": {"a", "b", "c", "d"}, "foreground_mc_iterations_per_s", "max_rel_diff",
"peak_rss_mb", ...}``. Ratios are peer time / our time (> 1: we are faster).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ID_OFFSET = 1000  # bw2calc activity/product ids = index + ID_OFFSET
FLOW_OFFSET = 1_000_000  # bw2calc biosphere flow ids = index + FLOW_OFFSET
TARGETS = {"a": 2.0, "b": 1.0, "c": 2.0, "d": 5.0, "foreground": 1000.0, "peak_rss_mb": 2048.0}

Json = dict[str, Any]


def timer() -> float:
    return time.perf_counter()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any, list[float]]:
    """Median wall time of ``repeat`` calls, the last result, and every time."""
    times, out = [], None
    for _ in range(repeat):
        t = timer()
        out = fn()
        times.append(timer() - t)
    return statistics.median(times), out, times


def versions() -> Json:
    import importlib.metadata as md

    out: Json = {"python": platform.python_version(), "machine": platform.machine(),
                 "cpus": os.cpu_count(), "platform": platform.platform()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                out["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    for pkg in ("tanzuji", "numpy", "scipy", "bw2calc", "bw_processing", "matrix_utils",
                "pypardiso", "mkl"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = None
    return out


def summarize(scores: Any) -> Json:
    a = np.asarray(scores, dtype=float)
    return {"n": int(a.size), "mean": float(a.mean()),
            "sd": float(a.std(ddof=1)) if a.size > 1 else 0.0,
            "median": float(np.median(a)), "p2_5": float(np.percentile(a, 2.5)),
            "p97_5": float(np.percentile(a, 97.5))}


def max_rel(a: Any, b: Any) -> float:
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(x - y) / np.maximum(np.abs(y), 1e-300)))


def import_gen_system(shared: Path) -> ModuleType:
    if not (shared / "gen_system.py").is_file():
        raise SystemExit(f"gen_system.py not found in {shared}; pass --shared PATH")
    sys.path.insert(0, str(shared))
    return importlib.import_module("gen_system")


# --------------------------------------------------------------------------------------------
# the 50-process foreground of task (e)
# --------------------------------------------------------------------------------------------


def foreground_system(system: Any, tech_sigma: Any, bio_sigma: Any, k: int = 50,
                      seed: int = 2024) -> tuple[Any, Any, Any, Any]:
    """The background made certain plus ``k`` uncertain foreground processes on top of it.

    Foreground process j takes 1-3 inputs from earlier foreground processes, 1-3 from random
    background activities and emits CO2, CH4 and an uncharacterised flow; every one of these is
    lognormal (sigma 0.05-0.4). Every process feeds a later one, so the root (the last) draws on
    all of them, and processes 30 and 31 supply each other (a small loop).
    Returns (system, sampler, demand, groups): four stages of the foreground, the background
    ungrouped (-1) so that its burden is attributed to the foreground processes buying it.
    """
    from tanzuji.engine.montecarlo import DistributionSampler
    from tanzuji.engine.system import MatrixSystem
    from tanzuji.engine.uncertainty import Distributions

    rng = np.random.default_rng(seed)
    n0 = system.n_activities
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    sig: list[float] = []

    def add(i: int, j: int, value: float, sigma: float) -> None:
        rows.append(i)
        cols.append(j)
        vals.append(value)
        sig.append(sigma)

    consumed = np.zeros(k, dtype=bool)
    for j in range(k):
        add(n0 + j, n0 + j, 1.0, 0.0)
        if j:
            for i in rng.choice(j, size=min(j, int(rng.integers(1, 4))), replace=False):
                add(n0 + int(i), n0 + j, -float(rng.uniform(0.05, 0.8)),
                    float(rng.uniform(0.05, 0.3)))
                consumed[i] = True
        for b in rng.integers(0, n0, size=int(rng.integers(1, 4))):
            add(int(b), n0 + j, -float(rng.uniform(0.1, 5.0)), float(rng.uniform(0.05, 0.3)))
    for i in np.flatnonzero(~consumed[: k - 1]):
        add(n0 + int(i), n0 + int(rng.integers(i + 1, k)), -float(rng.uniform(0.05, 0.8)),
            float(rng.uniform(0.05, 0.3)))
    add(n0 + 30, n0 + 31, -0.5, 0.1)
    add(n0 + 31, n0 + 30, -0.02, 0.2)  # the loop 30 <-> 31
    b_rows: list[int] = []
    b_cols: list[int] = []
    b_vals: list[float] = []
    b_sig: list[float] = []
    for j in range(k):
        for flow, scale in ((0, 1.0), (1, 0.01), (10, 1.0)):
            b_rows.append(flow)
            b_cols.append(n0 + j)
            b_vals.append(float(rng.uniform(0.01, 1.0)) * scale)
            b_sig.append(float(rng.uniform(0.1, 0.4)))

    fg = MatrixSystem(
        n0 + k, system.n_flows,
        np.concatenate([system.tech_rows, rows]).astype(np.int64),
        np.concatenate([system.tech_cols, cols]).astype(np.int64),
        np.concatenate([system.tech_values, vals]),
        np.concatenate([system.bio_rows, b_rows]).astype(np.int64),
        np.concatenate([system.bio_cols, b_cols]).astype(np.int64),
        np.concatenate([system.bio_values, b_vals]),
        system.characterization,
    )
    sampler = DistributionSampler(
        Distributions.lognormal(fg.tech_values, np.concatenate([np.zeros(tech_sigma.size), sig])),
        Distributions.lognormal(fg.bio_values, np.concatenate([np.zeros(bio_sigma.size), b_sig])),
    )
    demand = np.zeros(n0 + k)
    demand[n0 + k - 1] = 1.0
    groups = np.full(n0 + k, -1, dtype=np.int64)  # background: burden goes to its buyers
    groups[n0:] = np.arange(k) * 4 // k
    return fg, sampler, demand, groups


# --------------------------------------------------------------------------------------------
# our engine
# --------------------------------------------------------------------------------------------


def run_ours(args: argparse.Namespace) -> Json:
    from tanzuji.engine.linalg import Factorization
    from tanzuji.engine.montecarlo import DistributionSampler, monte_carlo
    from tanzuji.engine.system import MatrixSystem
    from tanzuji.engine.uncertainty import Distributions
    from tanzuji.matrixfile import load_matrix_file

    res: Json = {"engine": "tanzuji", "versions": versions()}
    t = timer()
    loaded, demands, tech_sigma, bio_sigma = load_matrix_file(args.file)
    res["load_verify_s"] = timer() - t
    n = loaded.n_activities
    dem = [next(iter(d)) for d in demands[: args.demands]]
    d0 = dem[0]

    # (a) first footprint from the COO arrays
    def first() -> tuple[Factorization, float]:
        system = MatrixSystem(
            loaded.n_activities, loaded.n_flows, loaded.tech_rows, loaded.tech_cols,
            loaded.tech_values, loaded.bio_rows, loaded.bio_cols, loaded.bio_values,
            loaded.characterization,
        )
        fact = Factorization(system.technosphere())
        f = np.zeros(n)
        f[d0] = 1.0
        return fact, float(system.characterized_row() @ fact.solve(f))

    t_a, (fact, score0), runs = median_time(first, args.repeat)
    res["a"] = {"total_s": t_a, "runs_s": runs, "score": score0, "lu_nnz": fact.nnz,
                "largest_loop": fact.ordering.largest_cycle}

    # (b) 100 further demands, reusing the factorisation
    h = loaded.characterized_row()

    def loop() -> list[float]:
        out = []
        for d in dem:
            f = np.zeros(n)
            f[d] = 1.0
            out.append(float(h @ fact.solve(f)))
        return out

    def multi() -> list[float]:
        rhs = np.zeros((n, len(dem)))
        rhs[dem, np.arange(len(dem))] = 1.0
        return [float(v) for v in h @ fact.solve(rhs)]

    def adjoint() -> list[float]:
        y = fact.solve_transposed(h)
        return [float(y[d]) for d in dem]

    t_loop, scores_loop, _ = median_time(loop, args.repeat)
    t_multi, scores_multi, _ = median_time(multi, args.repeat)
    t_adj, scores_adj, _ = median_time(adjoint, args.repeat)
    best = "loop" if t_loop <= t_multi else "multi-RHS"
    res["b"] = {"loop_s": t_loop, "multi_rhs_s": t_multi, "best_s": min(t_loop, t_multi),
                "best": best, "adjoint_s": t_adj, "scores": scores_loop,
                "max_rel_diff_multi_vs_loop": max_rel(scores_multi, scores_loop),
                "max_rel_diff_adjoint_vs_loop": max_rel(scores_adj, scores_loop)}

    # (c) every activity: factorisation from scratch + one transposed solve
    def every() -> Any:
        system = MatrixSystem(
            loaded.n_activities, loaded.n_flows, loaded.tech_rows, loaded.tech_cols,
            loaded.tech_values, loaded.bio_rows, loaded.bio_cols, loaded.bio_values,
            loaded.characterization,
        )
        return Factorization(system.technosphere()).solve_transposed(system.characterized_row())

    t_c, y_all, runs = median_time(every, args.repeat)
    res["c"] = {"total_s": t_c, "runs_s": runs, "scores_at_demands": [float(y_all[d]) for d in dem],
                "n_scores": int(y_all.size)}

    # sampling cost, float32 against float64 variates (all entries, as bw2calc samples them)
    rng = np.random.default_rng(0)
    tech_d = Distributions.lognormal(loaded.tech_values, tech_sigma)
    bio_d = Distributions.lognormal(loaded.bio_values, bio_sigma)
    sampling = {}
    for label, f32 in (("float64", False), ("float32", True)):
        t = timer()
        for _ in range(4):
            tech_d.sample(rng, 16, f32)
            bio_d.sample(rng, 16, f32)
        sampling[f"{label}_ms_per_draw"] = 1000 * (timer() - t) / 64
    res["sampling_all_entries"] = sampling

    # (d) Monte Carlo with every exchange uncertain: the full path
    sampler = DistributionSampler(tech_d, bio_d)
    f0 = np.zeros(n)
    f0[d0] = 1.0
    for key, iters, prune in (("d", args.mc, True), ("d_unpruned", args.mc_unpruned, False)):
        if iters <= 0:
            continue
        t = timer()
        r = monte_carlo(loaded, f0, sampler, iters, seed=args.seed, prune=prune)
        total = timer() - t
        res[key] = {"iterations": iters, "total_s": total,
                    "per_iteration_ms": 1000 * total / iters, "method": r.method,
                    "fallbacks": r.fallbacks, "mean_solver_iterations": r.mean_solver_iterations,
                    "solved_activities": r.solved_activities,
                    "deterministic_score": r.deterministic_score, "summary": summarize(r.scores)}

    # (e) the 50-process foreground on the certain background
    fg, fg_sampler, fg_demand, groups = foreground_system(loaded, tech_sigma, bio_sigma)
    t = timer()
    setup = monte_carlo(fg, fg_demand, fg_sampler, 1, seed=args.seed, groups=groups, n_groups=4)
    t_setup = timer() - t
    t = timer()
    r = monte_carlo(fg, fg_demand, fg_sampler, args.fg_mc, seed=args.seed, groups=groups,
                    n_groups=4)
    total = timer() - t
    check = monte_carlo(fg, fg_demand, fg_sampler, args.fg_check, seed=args.seed + 1,
                        method="full")
    sa, sb = summarize(r.scores), summarize(check.scores)
    z = (sa["mean"] - sb["mean"]) / math.hypot(sa["sd"] / math.sqrt(sa["n"]),
                                               sb["sd"] / math.sqrt(sb["n"]))
    res["e"] = {"iterations": args.fg_mc, "total_s": total,
                "iterations_per_s": args.fg_mc / total,
                "setup_and_one_draw_s": t_setup,
                "steady_iterations_per_s": (args.fg_mc - 1) / max(total - t_setup, 1e-9),
                "method": r.method, "foreground_activities": r.solved_activities,
                "deterministic_score": r.deterministic_score, "summary": sa,
                "group_means": [g["mean"] for g in r.group_summary()],
                "max_group_sum_error": float(np.abs(r.group_scores.sum(1) - r.scores).max()),
                "full_path_check": {"iterations": args.fg_check, "summary": sb, "z": z},
                "setup_method": setup.method}

    if args.solver_study:
        res["solver_study"] = solver_study(loaded, sampler, f0, args.seed)
    res["peak_rss_mb"] = peak_rss_mb()
    return res


def _solver_cases(fact: Any, b: Any, x0: Any) -> dict[str, Callable[[Any], Any]]:
    """The candidates: iterative solvers warm-started from ``x0``, and refactorisation."""
    from scipy import sparse
    from scipy.sparse.linalg import LinearOperator, bicgstab, gmres

    from tanzuji.engine.linalg import Factorization

    lu = LinearOperator((b.size, b.size), matvec=fact.solve)
    return {
        "bicgstab_jacobi": lambda a: bicgstab(a, b, x0=x0, rtol=1e-8, maxiter=1000,
                                              M=sparse.diags(1.0 / a.diagonal()))[0],
        "bicgstab_mean_lu": lambda a: bicgstab(a, b, x0=x0, rtol=1e-8, maxiter=1000, M=lu)[0],
        "gmres_mean_lu": lambda a: gmres(a, b, x0=x0, rtol=1e-8, restart=30, maxiter=1000,
                                         M=lu)[0],
        "refactorise": lambda a: Factorization(a, ordering=fact.ordering).solve(b),
    }


def solver_study(system: Any, sampler: Any, f: Any, seed: int, draws: int = 20) -> Json:
    """Per-draw solve times of the candidate full-path solvers on the same sampled matrices."""
    from scipy import sparse

    from tanzuji.engine.linalg import Factorization
    from tanzuji.engine.montecarlo import _closure

    rows, cols = system.tech_rows, system.tech_cols
    off = rows != cols
    up = sparse.csr_matrix((np.ones(int(off.sum())), (cols[off], rows[off])),
                           shape=(system.n_activities,) * 2)
    out: Json = {}
    tech, _ = sampler.sample(np.random.default_rng(seed), draws)
    for label, keep in (("full", np.ones(system.n_activities, dtype=bool)),
                        ("pruned", _closure(up, f != 0, np.ones(f.size, dtype=bool), None))):
        idx = np.flatnonzero(keep)
        mean = system.technosphere()[idx][:, idx].tocsr()
        fact = Factorization(mean)
        b = f[idx]
        x0 = fact.solve(b)
        mats = [system.technosphere(tech[k])[idx][:, idx].tocsr() for k in range(draws)]
        cases = _solver_cases(fact, b, x0)
        res: Json = {"activities": int(idx.size)}
        for name, solve in cases.items():
            t = timer()
            worst = 0.0
            for a in mats:
                x = solve(a)
                worst = max(worst, float(np.linalg.norm(a @ x - b) / np.linalg.norm(b)))
            res[name] = {"ms_per_draw": 1000 * (timer() - t) / draws, "max_rel_residual": worst}
        out[label] = res
    return out


# --------------------------------------------------------------------------------------------
# the peer: bw2calc
# --------------------------------------------------------------------------------------------


def bw_datapackage(arrays: dict[str, Any], seed: int) -> Any:
    """In-memory bw_processing datapackage: technosphere, biosphere, GWP100 characterisation.

    Technosphere values go in as positive amounts with a ``flip`` flag for inputs (as bw2data
    writes them); uncertainty as stats_arrays lognormal (type 2, ``loc = ln|amount|``).
    """
    import bw_processing as bwp

    dp = bwp.create_datapackage(name="pcf-bench", seed=seed)

    def lognormal(amount: Any, sigma: Any) -> Any:
        arr = np.zeros(amount.size, dtype=bwp.UNCERTAINTY_DTYPE)
        for name in ("scale", "shape", "minimum", "maximum"):
            arr[name] = np.nan
        unc = sigma > 0
        arr["uncertainty_type"] = np.where(unc, 2, 0)
        arr["loc"] = np.where(unc, np.log(np.abs(amount)), np.abs(amount))
        arr["scale"] = np.where(unc, sigma, np.nan)
        arr["negative"] = False
        return arr

    def indices(rows: Any, cols: Any, row_offset: int, col_offset: int) -> Any:
        idx = np.empty(rows.size, dtype=bwp.INDICES_DTYPE)
        idx["row"] = rows.astype(np.int64) + row_offset
        idx["col"] = cols.astype(np.int64) + col_offset
        return idx

    amount = arrays["tech_amount"]
    dp.add_persistent_vector(
        matrix="technosphere_matrix", name="technosphere",
        indices_array=indices(arrays["tech_row"], arrays["tech_col"], ID_OFFSET, ID_OFFSET),
        data_array=np.abs(amount), flip_array=amount < 0,
        distributions_array=lognormal(amount, arrays["tech_sigma"]),
    )
    dp.add_persistent_vector(
        matrix="biosphere_matrix", name="biosphere",
        indices_array=indices(arrays["bio_row"], arrays["bio_col"], FLOW_OFFSET, ID_OFFSET),
        data_array=arrays["bio_amount"],
        distributions_array=lognormal(arrays["bio_amount"], arrays["bio_sigma"]),
    )
    dp.add_persistent_vector(
        matrix="characterization_matrix", name="gwp100",
        indices_array=indices(arrays["cf_flow"], np.zeros_like(arrays["cf_flow"]), FLOW_OFFSET, 0),
        data_array=arrays["cf_value"], identifier=["GWP100"],
    )
    return dp


def run_peer(args: argparse.Namespace) -> Json:
    warnings.simplefilter("ignore")
    try:
        import bw2calc as bc
    except ImportError as exc:
        return {"error": f"bw2calc is not importable: {exc}"}
    res: Json = {"engine": "bw2calc", "versions": versions(),
                 "flags": {"PYPARDISO": bc.PYPARDISO, "UMFPACK": bc.UMFPACK}}
    with np.load(args.file) as npz:
        arrays = {k: npz[k] for k in npz.files}
    t = timer()
    dp = bw_datapackage(arrays, args.seed)
    res["datapackage_s"] = timer() - t
    dem = [int(d) + ID_OFFSET for d in arrays["demand_activity"][: args.demands]]
    d0 = dem[0]

    def first() -> Any:
        lca = bc.LCA({d0: 1.0}, data_objs=[dp])
        lca.lci()
        lca.lcia()
        return lca

    t_a, lca, runs = median_time(first, args.repeat)
    res["a"] = {"total_s": t_a, "runs_s": runs, "score": float(lca.score)}

    def loop(obj: Any = lca) -> list[float]:
        if not bc.PYPARDISO:
            obj.decompose_technosphere()  # pypardiso keeps its own factorisation
        out = []
        for d in dem:
            obj.lcia(demand={d: 1.0})
            out.append(float(obj.score))
        return out

    cfg = {"impact_categories": [("GWP100",)]}
    fus = {f"d{i}": {d: 1.0} for i, d in enumerate(dem)}

    def multi() -> list[float]:
        m = bc.MultiLCA(demands=fus, method_config=cfg, data_objs=[dp])
        m.lci()
        m.lcia()
        return [float(m.scores[(("GWP100",), f"d{i}")]) for i in range(len(dem))]

    def fast(direction: str) -> Callable[[], list[float]]:
        def run() -> list[float]:
            fs = bc.FastScoresOnlyMultiLCA(demands=fus, method_config=cfg, data_objs=[dp],
                                           direction=direction)
            arr = fs.calculate()
            return [float(arr.sel(processes=f"d{i}").values.ravel()[0])
                    for i in range(len(dem))]
        return run

    t_loop, scores_loop, _ = median_time(loop, args.repeat)
    t_multi, scores_multi, _ = median_time(multi, args.repeat)
    res["b"] = {"multilca_s": t_multi, "loop_s": t_loop, "scores": scores_loop,
                "max_rel_diff_multilca_vs_loop": max_rel(scores_multi, scores_loop)}
    if bc.PYPARDISO or bc.UMFPACK:
        t_fwd, scores_fwd, _ = median_time(fast("forward"), args.repeat)
        t_adj, scores_adj, runs = median_time(fast("adjoint"), args.repeat)
        res["b"]["fastscores_forward_s"] = t_fwd
        res["b"]["max_rel_diff_fastscores_vs_loop"] = max_rel(scores_fwd, scores_loop)
        res["c"] = {"fastscores_adjoint_s": t_adj, "runs_s": runs, "scores": scores_adj}

    if args.peer_mc > 0:
        t = timer()
        mc = bc.IterativeLCA({d0: 1.0}, data_objs=[dp], use_distributions=True,
                             seed_override=args.seed)
        mc.lci()
        mc.lcia()
        setup = timer() - t
        scores = []
        t = timer()
        for _ in range(args.peer_mc):
            next(mc)
            scores.append(float(mc.score))
        loop_s = timer() - t
        res["d"] = {"class": "IterativeLCA", "iterations": args.peer_mc, "setup_s": setup,
                    "loop_s": loop_s, "per_iteration_ms": 1000 * loop_s / args.peer_mc,
                    "summary": summarize(scores),
                    "solver_stats": {k: int(v) for k, v in mc.solver_stats.items()}}
    res["peak_rss_mb"] = peak_rss_mb()
    return res


# --------------------------------------------------------------------------------------------
# orchestration
# --------------------------------------------------------------------------------------------


def run_worker(kind: str, args: argparse.Namespace, data_file: Path) -> Json:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind,
           "--file", str(data_file), "--seed", str(args.seed), "--demands", str(args.demands),
           "--repeat", str(args.repeat), "--mc", str(args.mc), "--mc-unpruned",
           str(args.mc_unpruned), "--peer-mc", str(args.peer_mc), "--fg-mc", str(args.fg_mc),
           "--fg-check", str(args.fg_check)]
    if args.solver_study:
        cmd.append("--solver-study")
    print(f"running {kind} ...", file=sys.stderr, flush=True)
    t = timer()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, env=env,
                          check=False)
    if proc.returncode != 0:
        print(proc.stderr[-4000:], file=sys.stderr)
        return {"error": f"{kind} worker failed with exit code {proc.returncode}"}
    out: Json = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall_s"] = timer() - t
    print(f"  {kind} done in {out['wall_s']:.0f} s", file=sys.stderr, flush=True)
    return out


def compare(ours: Json, peer: Json | None) -> Json:
    """Ratios (peer / ours), score agreement and the Monte Carlo z."""
    out: Json = {"ratios": {"a": None, "b": None, "c": None, "d": None}}
    diffs = {"ours_multi_vs_loop": ours["b"]["max_rel_diff_multi_vs_loop"],
             "ours_adjoint_vs_loop": ours["b"]["max_rel_diff_adjoint_vs_loop"],
             "ours_every_activity_vs_loop": max_rel(ours["c"]["scores_at_demands"],
                                                    ours["b"]["scores"])}
    if peer and "error" not in peer:
        ratios = out["ratios"]
        ratios["a"] = peer["a"]["total_s"] / ours["a"]["total_s"]
        ratios["b"] = peer["b"]["multilca_s"] / ours["b"]["best_s"]
        out["ratio_b_vs_peer_reuse_loop"] = peer["b"]["loop_s"] / ours["b"]["best_s"]
        diffs["a_score"] = max_rel([ours["a"]["score"]], [peer["a"]["score"]])
        diffs["b_scores"] = max_rel(ours["b"]["scores"], peer["b"]["scores"])
        if "c" in peer:
            ratios["c"] = peer["c"]["fastscores_adjoint_s"] / ours["c"]["total_s"]
            diffs["c_scores"] = max_rel(ours["c"]["scores_at_demands"], peer["c"]["scores"])
        if "d" in peer and "d" in ours:
            ratios["d"] = peer["d"]["per_iteration_ms"] / ours["d"]["per_iteration_ms"]
            if "d_unpruned" in ours:
                out["ratio_d_unpruned"] = (peer["d"]["per_iteration_ms"]
                                           / ours["d_unpruned"]["per_iteration_ms"])
            a, b = ours["d"]["summary"], peer["d"]["summary"]
            out["mc_mean_z"] = (a["mean"] - b["mean"]) / math.hypot(
                a["sd"] / math.sqrt(a["n"]), b["sd"] / math.sqrt(b["n"]))
    out["rel_diffs"] = diffs
    out["max_rel_diff"] = max(diffs.values())
    return out


def fmt_s(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{1000 * v:.1f} ms" if v < 1 else f"{v:.2f} s"


def table(ours: Json, peer: Json | None, cmp: Json) -> str:
    r = cmp["ratios"]
    p = peer if peer and "error" not in peer else None

    def ratio(key: str) -> str:
        return "-" if r.get(key) is None else f"{r[key]:.1f}x"

    rows = [("task", "tanzuji", "bw2calc", "ratio (peer/ours)")]
    rows.append(("(a) first footprint, demand 0", fmt_s(ours["a"]["total_s"]),
                 fmt_s(p["a"]["total_s"]) if p else "-", ratio("a")))
    rows.append(("(b) 100 more demands", f"{fmt_s(ours['b']['best_s'])} ({ours['b']['best']})",
                 f"{fmt_s(p['b']['multilca_s'])} MultiLCA" if p else "-", ratio("b")))
    if p:
        rows.append(("    peer reuse loop / FastScores fwd", "",
                     f"{fmt_s(p['b']['loop_s'])} / {fmt_s(p['b'].get('fastscores_forward_s'))}",
                     f"{cmp['ratio_b_vs_peer_reuse_loop']:.1f}x vs loop"))
    rows.append(("(c) every activity (adjoint)", fmt_s(ours["c"]["total_s"]),
                 fmt_s(p["c"]["fastscores_adjoint_s"]) if p and "c" in p else "-", ratio("c")))
    if "d" in ours:
        d = ours["d"]
        pd = p["d"] if p and "d" in p else None
        rows.append((f"(d) MC per draw ({d['iterations']} / "
                     f"{pd['iterations'] if pd else 0} draws)",
                     f"{d['per_iteration_ms']:.2f} ms", f"{pd['per_iteration_ms']:.1f} ms"
                     if pd else "-", ratio("d")))
    if "d_unpruned" in ours:
        rows.append(("    without supply-chain pruning",
                     f"{ours['d_unpruned']['per_iteration_ms']:.2f} ms", "",
                     f"{cmp['ratio_d_unpruned']:.1f}x" if "ratio_d_unpruned" in cmp else "-"))
    e = ours["e"]
    rows.append(("(e) foreground MC (50 processes)", f"{e['iterations_per_s']:.0f} draws/s",
                 "", ""))
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    lines = []
    for k, row in enumerate(rows):
        lines.append("| " + " | ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True))
                     + " |")
        if k == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines.append("")
    lines.append(f"max relative score difference: {cmp['max_rel_diff']:.2e}")
    if "mc_mean_z" in cmp:
        lines.append(f"MC means: ours {ours['d']['summary']['mean']:.4f} vs peer "
                     f"{p['d']['summary']['mean']:.4f} (z = {cmp['mc_mean_z']:.2f})"
                     if p else "")
    lines.append(f"peak RSS (ours): {ours['peak_rss_mb']:.0f} MB")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description="tanzuji engine vs bw2calc benchmark")
    ap.add_argument("--json", action="store_true", help="end with one JSON object on stdout")
    ap.add_argument("--n", type=int, default=20000, help="activities of the synthetic system")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--demands", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3, help="runs of (a)-(c); medians reported")
    ap.add_argument("--mc", type=int, default=1000, help="our Monte Carlo draws for (d)")
    ap.add_argument("--mc-unpruned", type=int, default=200,
                    help="draws of (d) without supply-chain pruning (0: skip)")
    ap.add_argument("--peer-mc", type=int, default=200, help="bw2calc IterativeLCA draws")
    ap.add_argument("--fg-mc", type=int, default=10000, help="foreground Monte Carlo draws")
    ap.add_argument("--fg-check", type=int, default=300,
                    help="full-path draws that check the foreground result")
    ap.add_argument("--skip-peer", action="store_true", help="do not run bw2calc")
    ap.add_argument("--solver-study", action="store_true",
                    help="also time the candidate Monte Carlo solvers")
    ap.add_argument("--shared", default=str(REPO / ".." / "shared" / "bench"),
                    help="folder holding gen_system.py")
    ap.add_argument("--data-dir", default=str(HERE / "data"))
    ap.add_argument("--timeout", type=int, default=3600)
    ap.add_argument("--worker", choices=["ours", "peer"], help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        res = run_ours(args) if args.worker == "ours" else run_peer(args)
        print(json.dumps(res))
        return

    gen = import_gen_system(Path(args.shared).resolve())
    data_dir = Path(args.data_dir)
    data_file = data_dir / f"{gen.stem_for(args.n, args.seed)}.npz"
    if not data_file.exists():
        print(f"generating {data_file} ...", file=sys.stderr, flush=True)
    gen.load_or_generate(data_dir, args.n, args.seed)

    ours = run_worker("ours", args, data_file)
    if "error" in ours:
        raise SystemExit(ours["error"])
    peer: Json | None = None
    message = None
    if args.skip_peer:
        message = "bw2calc skipped (--skip-peer): ratios are null"
    else:
        peer = run_worker("peer", args, data_file)
        if "error" in peer:
            message = f"{peer['error']}: ratios are null (install with pip install -e '.[bench]')"
    cmp = compare(ours, peer)
    if message:
        print(message, file=sys.stderr)
    report = table(ours, peer, cmp)
    result: Json = {
        "ratios": cmp["ratios"],
        "foreground_mc_iterations_per_s": ours["e"]["iterations_per_s"],
        "max_rel_diff": cmp["max_rel_diff"],
        "peak_rss_mb": ours["peak_rss_mb"],
        "peer_peak_rss_mb": peer.get("peak_rss_mb") if peer else None,
        "mc_mean_z": cmp.get("mc_mean_z"),
        "ratio_b_vs_peer_reuse_loop": cmp.get("ratio_b_vs_peer_reuse_loop"),
        "ratio_d_unpruned": cmp.get("ratio_d_unpruned"),
        "ms_per_draw": {"ours_full_path": ours.get("d", {}).get("per_iteration_ms"),
                        "ours_unpruned": ours.get("d_unpruned", {}).get("per_iteration_ms"),
                        "peer_iterative_lca": (peer or {}).get("d", {}).get("per_iteration_ms")},
        "message": message,
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "versions": {"ours": ours["versions"], "peer": (peer or {}).get("versions")},
    }
    ratios = cmp["ratios"]
    result["targets_met"] = {
        **{k: (ratios[k] >= TARGETS[k]) if ratios[k] is not None else None for k in "abcd"},
        "foreground": result["foreground_mc_iterations_per_s"] >= TARGETS["foreground"],
        "peak_rss": result["peak_rss_mb"] < TARGETS["peak_rss_mb"],
    }
    details = {"ours": ours, "peer": peer, "comparison": cmp}
    results_dir = HERE / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "engine_latest.json").write_text(json.dumps({**result, **details}, indent=1))
    if args.json:
        print(report, file=sys.stderr)
        print(json.dumps(result))
    else:
        print(report)
        print(f"(full results in {results_dir / 'engine_latest.json'})")


if __name__ == "__main__":
    main()

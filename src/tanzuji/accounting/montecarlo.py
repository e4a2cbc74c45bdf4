"""Monte Carlo for a study: sample every uncertain number the user wrote, solve with the engine.

Parameters and literal amounts are drawn together (one draw of a parameter feeds every formula
that uses it), formulas are evaluated on whole blocks of draws, and the engine solves them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from tanzuji.accounting.result import STAGES, Histogram, Summary, Uncertainty
from tanzuji.accounting.solve import Solution
from tanzuji.engine.montecarlo import monte_carlo
from tanzuji.engine.uncertainty import Distributions
from tanzuji.engine.uncertainty import Summary as EngineSummary
from tanzuji.model.compile import CompiledStudy
from tanzuji.model.errors import Problem, StudyError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class StudySampler:
    """Implements the engine's ``Sampler``: draws nodes, evaluates the entries' terms."""

    def __init__(self, compiled: CompiledStudy) -> None:
        self.compiled = compiled
        nodes = compiled.nodes
        try:
            self.nodes = Distributions(
                np.array([n.kind for n in nodes], dtype=np.int64),
                np.array([n.value for n in nodes]), np.array([n.a for n in nodes]),
                np.array([n.b for n in nodes]), np.array([n.c for n in nodes]),
            )
        except ValueError as exc:
            index = int(str(exc).split(":")[0].removeprefix("entry "))
            node = nodes[index]
            raise StudyError([Problem("uncertainty", str(exc).split(":", 1)[1].strip(),
                                      compiled.file, node.line, node.path)]) from None
        uncertain = {i for i, flag in enumerate(self.nodes.uncertain) if flag}
        tech_deps, bio_deps = compiled.entry_deps()
        self._tech = np.array([bool(d & uncertain) for d in tech_deps], dtype=bool)
        self._bio = np.array([bool(d & uncertain) for d in bio_deps], dtype=bool)

    @property
    def uncertain_tech(self) -> BoolArray:
        return self._tech

    @property
    def uncertain_bio(self) -> BoolArray:
        return self._bio

    def sample(self, rng: np.random.Generator, size: int) -> tuple[FloatArray, FloatArray]:
        draws = self.nodes.sample(rng, size)
        return self.compiled.evaluate(self.compiled.env(draws))

    def subset(self, tech_index: IntArray, bio_index: IntArray) -> _Subset:
        """Draw only the entries the engine solves (background databases stay untouched)."""
        return _Subset(self, np.asarray(tech_index), np.asarray(bio_index))


class _Subset:
    """The draws of some entries of a :class:`StudySampler`, in the engine's order."""

    def __init__(self, parent: StudySampler, tech_index: IntArray, bio_index: IntArray) -> None:
        comp = parent.compiled
        self.parent = parent
        self.tech = self._split(tech_index, len(comp.tech_terms), comp.static_tech)
        self.bio = self._split(bio_index, len(comp.bio_terms), comp.static_bio)
        self._tech = parent.uncertain_tech[tech_index]
        self._bio = parent.uncertain_bio[bio_index]

    @staticmethod
    def _split(index: IntArray, n_terms: int, static: FloatArray
               ) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
        is_term = index < n_terms
        return (np.flatnonzero(is_term), index[is_term], np.flatnonzero(~is_term),
                static[index[~is_term] - n_terms])

    @property
    def uncertain_tech(self) -> BoolArray:
        return self._tech

    @property
    def uncertain_bio(self) -> BoolArray:
        return self._bio

    def sample(self, rng: np.random.Generator, size: int) -> tuple[FloatArray, FloatArray]:
        comp = self.parent.compiled
        env = comp.env(self.parent.nodes.sample(rng, size))
        tech_split, bio_split = self.tech, self.bio
        tech = np.empty((size, tech_split[0].size + tech_split[2].size))
        tech[:, tech_split[0]] = comp.term_values(comp.tech_terms, comp.tech_sources,
                                                  tech_split[1], env)
        tech[:, tech_split[2]] = tech_split[3]
        bio = np.empty((size, bio_split[0].size + bio_split[2].size))
        bio[:, bio_split[0]] = comp.term_values(comp.bio_terms, comp.bio_sources,
                                                bio_split[1], env)
        bio[:, bio_split[2]] = bio_split[3]
        return tech, bio


def _summary(values: EngineSummary) -> Summary:
    return Summary(mean=values["mean"], median=values["median"], sd=values["sd"],
                   p2_5=values["p2_5"], p97_5=values["p97_5"])


def histogram(scores: FloatArray, bins: int = 30) -> Histogram:
    """Bin the draws between their 0.5 and 99.5 percentiles (long tails would flatten a chart)."""
    lo, hi = (float(v) for v in np.percentile(scores, [0.5, 99.5]))
    if hi <= lo:  # a certain or nearly certain result
        lo, hi = lo - max(abs(lo), 1.0) * 1e-6, hi + max(abs(hi), 1.0) * 1e-6
    counts, edges = np.histogram(scores, bins=bins, range=(lo, hi))
    return Histogram(edges=edges.tolist(), counts=counts.tolist(),
                     below=int(np.count_nonzero(scores < lo)),
                     above=int(np.count_nonzero(scores > hi)))


def run_monte_carlo(compiled: CompiledStudy, sol: Solution, iterations: int, seed: int,
                    progress: Callable[[int], None] | None = None) -> Uncertainty:
    sampler = StudySampler(compiled)
    # background database activities are never their own group: the partitioned solve
    # attributes their burden to the foreground process that buys from them
    groups = np.full(compiled.n_activities, -1, dtype=np.int64)
    groups[: compiled.n_foreground] = [STAGES.index(a.stage.value) for a in compiled.activities]
    demand = np.zeros(compiled.n_activities)
    demand[compiled.demand_activity] = 1.0
    result = monte_carlo(sol.system, demand, sampler, iterations, seed, groups=groups,
                         n_groups=len(STAGES), progress=progress)
    overall = result.summary()
    per_stage = result.group_summary()
    return Uncertainty(
        **_summary(overall).model_dump(),
        iterations=iterations, seed=seed, method=result.method, deterministic=sol.total,
        by_stage={stage: _summary(s) for stage, s in zip(STAGES, per_stage, strict=True)},
        histogram=histogram(result.scores),
    )

"""Compile a study into the engine's coordinate arrays.

Every number the user wrote becomes a *node* (a literal amount or an independent parameter,
with its uncertainty); every matrix entry is a small product of nodes, formulas, unit factors
and allocation shares. Evaluating the entries for a block of node values gives one
deterministic system (one row) or a block of Monte Carlo draws at once, so uncertainty,
sensitivity and alternatives all reuse this one description.

Activities: one per product of each process (co-products split by allocation; system
expansion keeps one activity and credits the substitute). A background factor is folded into
the biosphere column of the process that uses it (quantity x kg of each gas per unit), so the
direct contribution of a process already holds the burden of what it buys in: that is the
stage attribution GB/T 24067 reports, and Monte Carlo and sensitivity see it for free.
Flows: one per (gas, origin, emission/removal); factors given only as CO2e become a ``CO2e``
flow.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tanzuji.engine.uncertainty import (
    CERTAIN,
    LOGNORMAL,
    NORMAL,
    TRIANGULAR,
    UNIFORM,
    pedigree_sigma,
)
from tanzuji.gwp import GWPError, canonical_gas, gwp_set
from tanzuji.matrixfile import MatrixFileError
from tanzuji.model import expressions
from tanzuji.model.background import CO2E as CO2E  # re-exported: breakdown reads it here
from tanzuji.model.background import Database, load_database
from tanzuji.model.errors import Problem, StudyError
from tanzuji.model.factors import (
    CO2_ONLY,
    Factor,
    official_electricity_factors,
    read_factor_table,
    resolve_electricity,
)
from tanzuji.model.loader import LineMap
from tanzuji.model.release_processes import (
    ReleaseProcessError,
    ReleaseProcesses,
    release_database,
)
from tanzuji.model.study import (
    Amount,
    DataKind,
    Emission,
    Input,
    Lognormal,
    Normal,
    Origin,
    Parameter,
    Pedigree,
    Process,
    Product,
    Stage,
    Study,
    Transport,
    Triangular,
    Uniform,
)
from tanzuji.units import UnitError, conversion_factor

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


FUNCTIONAL_UNIT = "functional_unit"  # key of the activity that consumes the reference flow


# ----------------------------------------------------------------------------------------------
# nodes and terms
# ----------------------------------------------------------------------------------------------


@dataclass
class Node:
    """One number the user wrote: a literal amount or an independent parameter."""

    path: str
    line: int | None
    value: float
    kind: int = CERTAIN
    a: float = 0.0  # lognormal sigma | normal sd | triangular/uniform min
    b: float = math.nan  # triangular mode
    c: float = 0.0  # triangular/uniform max
    data: DataKind = DataKind.secondary
    evidence: str | None = None
    parameter: str | None = None

    @property
    def uncertain(self) -> bool:
        return self.kind != CERTAIN


@dataclass
class Env:
    """Values of every node for ``k`` draws, plus every parameter (derived ones included)."""

    nodes: FloatArray  # (k, n_nodes)
    params: dict[str, Any]


@dataclass
class Term:
    """A factor of a matrix entry, with the nodes it depends on."""

    fn: Callable[[Env], Any]
    deps: frozenset[int] = frozenset()

    def __mul__(self, other: Term) -> Term:
        f, g = self.fn, other.fn
        return Term(lambda env: f(env) * g(env), self.deps | other.deps)

    def __truediv__(self, other: Term) -> Term:
        f, g = self.fn, other.fn
        return Term(lambda env: f(env) / g(env), self.deps | other.deps)

    def __neg__(self) -> Term:
        f = self.fn
        return Term(lambda env: -f(env), self.deps)


def const(value: float) -> Term:
    return Term(lambda env: value)


@dataclass(frozen=True)
class Activity:
    """One product of one process (co-products split by allocation are activities of their own)."""

    key: str
    label: str
    unit: str
    stage: Stage
    process_id: str
    product: str


@dataclass(frozen=True)
class Flow:
    gas: str
    origin: Origin
    removal: bool = False

    @property
    def label(self) -> str:
        return f"{self.gas} {self.origin.value}{' removal' if self.removal else ''}"


@dataclass(frozen=True)
class Source:
    """Where a matrix entry comes from in the study file, and whether it is site data."""

    path: str
    line: int | None
    label: str
    data: DataKind = DataKind.secondary


@dataclass(frozen=True)
class BackgroundBlock:
    """A unit-process database placed after the foreground, at ``offset`` in the system."""

    database: Database
    offset: int

    @property
    def size(self) -> int:
        return self.database.system.n_activities


@dataclass
class CompiledStudy:
    study: Study
    file: str
    activities: list[Activity]
    flows: list[Flow]
    characterization: FloatArray
    nodes: list[Node]
    tech_rows: IntArray
    tech_cols: IntArray
    tech_terms: list[Term]
    tech_sources: list[Source | None]
    bio_rows: IntArray
    bio_cols: IntArray
    bio_terms: list[Term]
    bio_sources: list[Source]
    demand_activity: int  # the functional-unit activity; the demand is always 1 of it
    parameter_defs: dict[str, str | float]
    param_nodes: dict[str, int]
    factors_used: dict[str, Factor]
    biogenic_carbon: list[tuple[int, Term, bool]]  # (activity, kg C per unit, packaging)
    notes: list[Problem] = field(default_factory=list)
    factor_sources: list[tuple[Source, str]] = field(default_factory=list)
    background: list[BackgroundBlock] = field(default_factory=list)
    # certain entries of background databases, after the term entries in tech/bio order
    static_tech: FloatArray = field(default_factory=lambda: np.zeros(0))
    static_bio: FloatArray = field(default_factory=lambda: np.zeros(0))

    @property
    def n_activities(self) -> int:
        """Foreground activities (``activities``) followed by every background database."""
        return len(self.activities) + sum(b.size for b in self.background)

    @property
    def n_foreground(self) -> int:
        return len(self.activities)

    def label(self, index: int) -> str:
        """Name of any activity, foreground or background."""
        if index < len(self.activities):
            return self.activities[index].label
        block = next(b for b in self.background if b.offset <= index < b.offset + b.size)
        return block.database.label(index - block.offset)

    def unit(self, index: int) -> str | None:
        if index < len(self.activities):
            return self.activities[index].unit
        block = next(b for b in self.background if b.offset <= index < b.offset + b.size)
        return block.database.unit(index - block.offset)

    # -- evaluation --------------------------------------------------------------------------

    def node_values(self) -> FloatArray:
        return np.array([[n.value for n in self.nodes]], dtype=np.float64).reshape(1, -1)

    def env(self, node_values: FloatArray) -> Env:
        base = {name: node_values[:, i] for name, i in self.param_nodes.items()}
        try:
            params = expressions.evaluate_parameters(self.parameter_defs, base)
        except expressions.ExpressionError as exc:
            raise StudyError([Problem("parameter", str(exc), self.file)]) from None
        return Env(node_values, params)

    def term_values(self, terms: list[Term], sources: list[Source | None] | list[Source],
                    index: IntArray, env: Env) -> FloatArray:
        """Values ``(k, len(index))`` of some terms for the ``k`` draws in ``env``.

        A formula that fails on a draw (a division by zero, say) names its line in the file.
        """
        out = np.empty((env.nodes.shape[0], index.size))
        for pos, i in enumerate(index.tolist()):
            try:
                out[:, pos] = terms[i].fn(env)
            except expressions.ExpressionError as exc:
                src = sources[i]
                raise StudyError([Problem(
                    "formula", str(exc), self.file, src.line if src else None,
                    src.path if src else None,
                )]) from None
        return out

    def evaluate(self, env: Env) -> tuple[FloatArray, FloatArray]:
        """(tech values (k, n_tech), bio values (k, n_bio)) for the ``k`` draws in ``env``."""
        k = env.nodes.shape[0]
        tech = self.term_values(self.tech_terms, self.tech_sources,
                                np.arange(len(self.tech_terms)), env)
        bio = self.term_values(self.bio_terms, self.bio_sources,
                               np.arange(len(self.bio_terms)), env)
        if self.static_tech.size:
            tech = np.hstack([tech, np.broadcast_to(self.static_tech, (k, self.static_tech.size))])
        if self.static_bio.size:
            bio = np.hstack([bio, np.broadcast_to(self.static_bio, (k, self.static_bio.size))])
        return tech, bio

    def uncertain_nodes(self) -> list[int]:
        return [i for i, n in enumerate(self.nodes) if n.uncertain]

    def entry_deps(self) -> tuple[list[frozenset[int]], list[frozenset[int]]]:
        """Nodes each entry depends on (background entries depend on none)."""
        none: frozenset[int] = frozenset()
        return ([t.deps for t in self.tech_terms] + [none] * self.static_tech.size,
                [t.deps for t in self.bio_terms] + [none] * self.static_bio.size)


# ----------------------------------------------------------------------------------------------
# the compiler
# ----------------------------------------------------------------------------------------------


def _uncertainty_fields(
    value: float, uncertainty: Any, pedigree: Pedigree | None
) -> tuple[int, float, float, float]:
    if pedigree is not None:
        scores = (pedigree.reliability, pedigree.completeness, pedigree.temporal,
                  pedigree.geographical, pedigree.technological)
        sigma = pedigree_sigma(scores, pedigree.basic_sigma2)
        return (LOGNORMAL if sigma > 0 else CERTAIN), sigma, math.nan, 0.0
    if uncertainty is None:
        return CERTAIN, 0.0, math.nan, 0.0
    if isinstance(uncertainty, Lognormal):
        if uncertainty.sigma is not None:
            return LOGNORMAL, float(uncertainty.sigma), math.nan, 0.0
        return LOGNORMAL, math.log(uncertainty.gsd or 1.0), math.nan, 0.0
    if isinstance(uncertainty, Normal):
        return NORMAL, uncertainty.sd, math.nan, 0.0
    if isinstance(uncertainty, Triangular):
        mode = uncertainty.mode if uncertainty.mode is not None else value
        if not uncertainty.min <= mode <= uncertainty.max:
            raise ValueError(f"the amount {value:g} lies outside the triangular range")
        return TRIANGULAR, uncertainty.min, mode, uncertainty.max
    if isinstance(uncertainty, Uniform):
        if not uncertainty.min <= value <= uncertainty.max:
            raise ValueError(f"the amount {value:g} lies outside the uniform range")
        return UNIFORM, uncertainty.min, math.nan, uncertainty.max
    raise TypeError(type(uncertainty))


class _Compiler:
    def __init__(self, study: Study, lines: LineMap | None, file: str, base_dir: Path,
                 factor_map: dict[str, str] | None = None,
                 release_factors: dict[str, Factor] | None = None,
                 flagged: dict[str, str] | None = None,
                 release_processes: dict[str, ReleaseProcesses] | None = None,
                 screening: bool = False) -> None:
        self.study = study
        self.screening = screening
        self.release_processes = release_processes or {}
        self.factor_map = factor_map or {}
        self.flagged = flagged or {}
        self.lines = lines
        self.file = file
        self.base_dir = base_dir
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.nodes: list[Node] = []
        self.activities: list[Activity] = []
        self.activity_index: dict[str, int] = {}
        self.flows: list[Flow] = []
        self.flow_index: dict[Flow, int] = {}
        self.tech: list[tuple[int, int, Term, Source | None]] = []
        self.bio: list[tuple[int, int, Term, Source]] = []
        self.factors: dict[str, Factor] = {**official_electricity_factors(),
                                           **(release_factors or {})}
        self.factors_used: dict[str, Factor] = {}
        self.gwp = gwp_set(study.study.gwp)
        self.param_nodes: dict[str, int] = {}
        self.parameter_defs: dict[str, str | float] = {}
        self.biogenic: list[tuple[int, Term, bool]] = []
        self.factor_nodes: dict[str, int] = {}
        self.factor_sources: list[tuple[Source, str]] = []
        self.term_cache: dict[tuple[str | int, ...], Term] = {}
        self.databases: dict[str, Database] = {}
        self.failed_releases: set[str] = set()
        self.bg_links: list[tuple[str, int, int, Term, Source]] = []

    # -- locations and problems ----------------------------------------------------------------

    def line(self, path: tuple[str | int, ...]) -> int | None:
        return self.lines.line_for(path) if self.lines else None

    def error(self, code: str, message: str, path: tuple[str | int, ...]) -> None:
        problem = Problem(code, message, self.file, self.line(path), _fmt(path))
        if problem not in self.problems:  # co-product columns compile the same exchange twice
            self.problems.append(problem)

    def note(self, code: str, message: str, path: tuple[str | int, ...]) -> None:
        problem = Problem(code, message, self.file, self.line(path), _fmt(path))
        if problem not in self.notes:
            self.notes.append(problem)

    # -- nodes ------------------------------------------------------------------------------------

    def node_term(self, amount: float | str, path: tuple[str | int, ...], spec: Any = None,
                  pedigree: Pedigree | None = None, data: DataKind = DataKind.secondary,
                  evidence: str | None = None) -> Term:
        """A term for a number or a formula; literal numbers become nodes (one per path, so
        an exchange shared by several co-products is drawn once)."""
        if path in self.term_cache:
            return self.term_cache[path]
        term = self._new_node_term(amount, path, spec, pedigree, data, evidence)
        self.term_cache[path] = term
        return term

    def _new_node_term(self, amount: float | str, path: tuple[str | int, ...], spec: Any,
                       pedigree: Pedigree | None, data: DataKind, evidence: str | None) -> Term:
        if isinstance(amount, str):
            text = amount
            unknown = expressions.names(text) - set(self.study.parameters)
            if unknown:
                self.error("formula", f"formula {text!r} uses unknown parameter(s) "
                           f"{', '.join(sorted(unknown))}", path)
                return const(0.0)
            deps = frozenset(self._param_deps(text))
            return Term(lambda env: expressions.evaluate(text, env.params), deps)
        try:
            kind, a, b, c = _uncertainty_fields(float(amount), spec, pedigree)
        except ValueError as exc:
            self.error("uncertainty", str(exc), path)
            kind, a, b, c = CERTAIN, 0.0, math.nan, 0.0
        index = len(self.nodes)
        self.nodes.append(Node(_fmt(path), self.line(path), float(amount), kind, a, b, c,
                               data, evidence))
        return Term(lambda env: env.nodes[:, index], frozenset({index}))

    def amount_term(self, amt: Amount, path: tuple[str | int, ...]) -> Term:
        return self.node_term(amt.amount, path, amt.uncertainty, amt.pedigree, amt.data,
                              amt.evidence)

    def _param_deps(self, text: str, seen: frozenset[str] = frozenset()) -> set[int]:
        deps: set[int] = set()
        for name in expressions.names(text):
            if name in seen:
                continue
            if name in self.param_nodes:
                deps.add(self.param_nodes[name])
            else:
                definition = self.study.parameters.get(name)
                if definition is not None and definition.formula is not None:
                    deps |= self._param_deps(definition.formula, seen | {name})
        return deps

    def convert(self, source: str, target: str, path: tuple[str | int, ...]) -> float | None:
        try:
            return conversion_factor(source, target)
        except UnitError as exc:
            self.error("unit", str(exc), path)
            return None

    # -- activities and flows ---------------------------------------------------------------------

    def add_activity(self, activity: Activity) -> int:
        self.activity_index[activity.key] = len(self.activities)
        self.activities.append(activity)
        return len(self.activities) - 1

    def flow(self, gas: str, origin: Origin, removal: bool = False) -> int:
        f = Flow(gas, origin, removal)
        if f not in self.flow_index:
            self.flow_index[f] = len(self.flows)
            self.flows.append(f)
        return self.flow_index[f]

    def characterization(self) -> FloatArray:
        out = np.zeros(len(self.flows))
        for i, f in enumerate(self.flows):
            out[i] = 1.0 if f.gas == CO2E else self.gwp.factor(
                f.gas, non_fossil=f.origin in (Origin.biogenic, Origin.dluc)
            )
        return out

    # -- the whole study --------------------------------------------------------------------------

    def run(self) -> CompiledStudy:
        self.load_factor_tables()
        self.load_databases()
        self.compile_parameters()
        products = self.declare_process_activities()
        for i, proc in enumerate(self.study.processes):
            self.compile_process(i, proc, products)
        demand_activity = self.compile_reference_flow()
        blocks, static_tech, static_bio = self.attach_backgrounds()
        if self.problems:
            raise StudyError(self.problems)
        compiled = CompiledStudy(
            study=self.study, file=self.file, activities=self.activities, flows=self.flows,
            characterization=self.characterization(), nodes=self.nodes,
            tech_rows=np.concatenate([np.array([t[0] for t in self.tech], dtype=np.int64),
                                      self.static_rows[0]]),
            tech_cols=np.concatenate([np.array([t[1] for t in self.tech], dtype=np.int64),
                                      self.static_cols[0]]),
            tech_terms=[t[2] for t in self.tech], tech_sources=[t[3] for t in self.tech],
            bio_rows=np.concatenate([np.array([b[0] for b in self.bio], dtype=np.int64),
                                     self.static_rows[1]]),
            bio_cols=np.concatenate([np.array([b[1] for b in self.bio], dtype=np.int64),
                                     self.static_cols[1]]),
            bio_terms=[b[2] for b in self.bio], bio_sources=[b[3] for b in self.bio],
            demand_activity=demand_activity,
            parameter_defs=self.parameter_defs, param_nodes=self.param_nodes,
            factors_used=self.factors_used, biogenic_carbon=self.biogenic, notes=self.notes,
            factor_sources=self.factor_sources, background=blocks,
            static_tech=static_tech, static_bio=static_bio,
        )
        return compiled

    def load_factor_tables(self) -> None:
        for i, name in enumerate(self.study.background.factor_tables):
            path = (self.base_dir / name).resolve()
            try:
                table = read_factor_table(path)
            except StudyError as exc:
                self.problems.extend(exc.problems)
                continue
            for fid, factor in table.items():
                if fid in self.factors and self.factors[fid].file != factor.file:
                    self.error("factor-table", f"factor id {fid!r} in {path} is already "
                               "defined elsewhere", ("background", "factor_tables", i))
                self.factors[fid] = factor

    def compile_parameters(self) -> None:
        for name, p in self.study.parameters.items():
            self.compile_parameter(name, p)

    def compile_parameter(self, name: str, p: Parameter) -> None:
        path: tuple[str | int, ...] = ("parameters", name)
        if p.formula is not None:
            unknown = expressions.names(p.formula) - set(self.study.parameters)
            if unknown:
                self.error("formula", f"formula {p.formula!r} uses unknown parameter(s) "
                           f"{', '.join(sorted(unknown))}", path)
            self.parameter_defs[name] = p.formula
            return
        assert p.value is not None
        self.node_term(p.value, path, p.uncertainty, p.pedigree)
        node = len(self.nodes) - 1
        self.nodes[node].parameter = name
        self.param_nodes[name] = node
        self.parameter_defs[name] = p.value

    # -- processes -------------------------------------------------------------------------------

    def declare_process_activities(self) -> dict[tuple[str, str], tuple[int, Product]]:
        """Create the activity of every (process, product) before linking inputs to them."""
        products: dict[tuple[str, str], tuple[int, Product]] = {}
        for proc in self.study.processes:
            split = proc.allocation is not None and proc.allocation.method != "system_expansion"
            outputs = [proc.reference_product, *(proc.co_products if split else [])]
            for product in outputs:
                key = f"process:{proc.id}" + ("" if product is proc.reference_product
                                             else f"#{product.name}")
                label = proc.name if not proc.co_products else f"{proc.name} — {product.name}"
                idx = self.add_activity(Activity(
                    key=key, label=label, unit=product.unit, stage=proc.stage,
                    process_id=proc.id, product=product.name,
                ))
                products[(proc.id, product.name)] = (idx, product)
        return products

    def compile_process(self, i: int, proc: Process,
                        products: dict[tuple[str, str], tuple[int, Product]]) -> None:
        base: tuple[str | int, ...] = ("processes", i)
        if proc.stage not in self.study.study.stages.included():
            self.error("SB-02", f"process {proc.id!r} belongs to stage {proc.stage.value}, which "
                       "the study excludes from its boundary", (*base, "stage"))
        ref = self.study.study.unit.reference_flow
        if (proc.biogenic_carbon_content is not None and not proc.packaging
                and proc.id != ref.process):
            self.note("BIO-02", f"the biogenic carbon content of {proc.id!r} is not reported: "
                      "the product's content is read from the process that makes the reference "
                      "flow, and from packaging processes", (*base, "biogenic_carbon_content"))
        outputs = [(proc.reference_product, (*base, "reference_product"))]
        split = proc.allocation is not None and proc.allocation.method != "system_expansion"
        if split:
            outputs += [(p, (*base, "co_products", j)) for j, p in enumerate(proc.co_products)]
        product_terms = {p.name: self.node_term(p.amount, (*path, "amount")) for p, path in outputs}
        shares = self.allocation_shares(proc, base, outputs, product_terms) if split else {
            proc.reference_product.name: const(1.0)}
        for product, _path in outputs:
            col = products[(proc.id, product.name)][0]
            # production exchange: the product's output amount on the diagonal
            self.tech.append((col, col, product_terms[product.name], None))
            share = shares[product.name]
            self.compile_exchanges(proc, base, col, share, products)
        if proc.allocation is not None and proc.allocation.method == "system_expansion":
            col = products[(proc.id, proc.reference_product.name)][0]
            for j, co in enumerate(proc.co_products):
                assert co.substitutes is not None
                path = (*base, "co_products", j, "substitutes")
                self.link_input(co.substitutes, path, col, const(1.0), products, credit=True,
                                label=f"avoided: {co.name}")
        if proc.biogenic_carbon_content is not None:
            amt = proc.biogenic_carbon_content
            path = (*base, "biogenic_carbon_content")
            conv = self.convert(amt.unit, "kg", path)
            col = products[(proc.id, proc.reference_product.name)][0]
            if conv is not None:
                self.biogenic.append((col, self.amount_term(amt, path) * const(conv),
                                      proc.packaging))

    def allocation_shares(self, proc: Process, base: tuple[str | int, ...],
                          outputs: list[tuple[Product, tuple[str | int, ...]]],
                          amounts: dict[str, Term]) -> dict[str, Term]:
        assert proc.allocation is not None
        alloc = proc.allocation
        if all(p.allocation_factor is not None for p, _ in outputs):
            return {p.name: const((p.allocation_factor or 0.0) / 100.0) for p, _ in outputs}
        weights: dict[str, Term] = {}
        for p, path in outputs:
            if alloc.method == "economic":
                weights[p.name] = amounts[p.name] * const(p.price or 0.0)
            else:
                basis = alloc.basis or proc.reference_product.unit
                conv = self.convert(p.unit, basis, (*path, "unit"))
                if conv is None:
                    return {q.name: const(0.0) for q, _ in outputs}
                weights[p.name] = amounts[p.name] * const(conv)
        terms = list(weights.values())
        deps = frozenset().union(*(t.deps for t in terms))

        def total(env: Env) -> Any:
            return sum(t.fn(env) for t in terms)

        total_term = Term(total, deps)
        return {name: w / total_term for name, w in weights.items()}

    def compile_exchanges(self, proc: Process, base: tuple[str | int, ...], col: int,
                          share: Term, products: dict[tuple[str, str], tuple[int, Product]]
                          ) -> None:
        for j, inp in enumerate(proc.inputs):
            if inp.cut_off and not self.screening:
                continue
            self.link_input(inp, (*base, "inputs", j), col, share, products)
        for j, em in enumerate(proc.emissions):
            self.add_emission(em, (*base, "emissions", j), col, share, removal=False)
        for j, rem in enumerate(proc.removals):
            self.add_emission(rem, (*base, "removals", j), col, share, removal=True)
        for j, tr in enumerate(proc.transport):
            self.add_transport(tr, (*base, "transport", j), col, share)
        eol = proc.end_of_life
        if eol is not None:
            for j, credit in enumerate(eol.credits):
                self.link_input(credit, (*base, "end_of_life", "credits", j), col, share,
                                products, credit=True)
            for j, cff in enumerate(eol.cff):
                self.add_cff(cff, (*base, "end_of_life", "cff", j), col, share)

    def link_input(self, inp: Input, path: tuple[str | int, ...], col: int, share: Term,
                   products: dict[tuple[str, str], tuple[int, Product]], credit: bool = False,
                   label: str | None = None) -> None:
        """Add the technosphere entry of an input (or, with ``credit``, an avoided product)."""
        if inp.process is not None:
            proc = next((p for p in self.study.processes if p.id == inp.process), None)
            if proc is None:
                self.error("link", f"input links to unknown process {inp.process!r}",
                           (*path, "process"))
                return
            product_name = inp.product or proc.reference_product.name
            found = products.get((proc.id, product_name))
            if found is None:
                names = [proc.reference_product.name, *(p.name for p in proc.co_products)]
                why = (" (its co-products are handled by system expansion; link what they "
                       "substitute instead)" if product_name in names else "")
                self.error("link", f"process {proc.id!r} has no linkable product "
                           f"{product_name!r}{why}", (*path, "product"))
                return
            row, product = found
            conv = self.convert(inp.unit, product.unit, (*path, "unit"))
            if conv is None:
                return
            sign = 1.0 if credit else -1.0
            term = self.amount_term(inp, (*path, "amount")) * const(sign * conv) * share
            what = label or inp.name or f"{proc.name} — {product_name}"
            self.tech.append((row, col, term, Source(_fmt(path), self.line(path), what,
                                                     inp.data)))
            return
        if inp.activity is not None:
            self.link_background(inp, path, col, share, credit, label)
            return
        assert inp.factor is not None
        factor = self.resolve_factor(inp.factor, (*path, "factor"))
        if factor is None:
            return
        conv = self.convert(inp.unit, factor.unit, (*path, "unit"))
        if conv is None:
            return
        sign = -1.0 if credit else 1.0
        term = self.amount_term(inp, (*path, "amount")) * const(sign * conv) * share
        what = label or inp.name or factor.name
        self.use_factor(factor, term, col, Source(_fmt(path), self.line(path), what, inp.data))

    def load_databases(self) -> None:
        for i, spec in enumerate(self.study.background.databases):
            path = (self.base_dir / spec.file).resolve()
            where: tuple[str | int, ...] = ("background", "databases", i, "file")
            if spec.id in self.databases:
                self.error("background", f"database id {spec.id!r} is used twice", where)
                continue
            if spec.id in self.release_processes:
                self.error("background", f"database id {spec.id!r} is also a pinned release's "
                           "dataset; `activity:` links could not tell them apart",
                           ("background", "databases", i, "id"))
                continue
            try:
                self.databases[spec.id] = load_database(spec.id, path)
            except (MatrixFileError, OSError, ValueError) as exc:
                self.error("background", str(exc), where)

    def link_background(self, inp: Input, path: tuple[str | int, ...], col: int, share: Term,
                        credit: bool, label: str | None) -> None:
        assert inp.activity is not None
        db_id, _, ref = inp.activity.partition(":")
        rp = self.release_processes.get(db_id)
        if db_id not in self.databases and rp is not None and not rp.processes:
            self.error("link", f"activity {inp.activity!r}: release {rp.release} holds no unit "
                       "processes (link its factors with 'factor:')", (*path, "activity"))
            return
        db = self.databases.get(db_id) or self.release_database(db_id)
        if db_id in self.failed_releases:
            return  # its processes are already reported at the pin
        if db is None or not ref:
            known = [*self.databases, *self.release_processes]
            self.error("link", f"activity {inp.activity!r}: give '<database id>:<activity>' "
                       f"with a database declared under background.databases or the dataset "
                       f"of a release pinned under background.releases "
                       f"({', '.join(dict.fromkeys(known)) or 'none declared'})",
                       (*path, "activity"))
            return
        try:
            index = db.activity(ref)
        except KeyError as exc:
            self.error("link", str(exc.args[0]), (*path, "activity"))
            return
        conv: float | None = 1.0
        unit = db.unit(index)
        if unit:
            conv = self.convert(inp.unit, unit, (*path, "unit"))
        if conv is None:
            return
        sign = 1.0 if credit else -1.0
        term = self.amount_term(inp, (*path, "amount")) * const(sign * conv) * share
        source = Source(_fmt(path), self.line(path), label or inp.name or db.label(index),
                        inp.data)
        self.bg_links.append((db_id, index, col, term, source))

    def release_database(self, dataset: str) -> Database | None:
        """The unit processes of the pinned release of ``dataset`` as a database, built once;
        each exchange that cannot be placed is a problem at the pin."""
        rp = self.release_processes.get(dataset)
        if rp is None:
            return None
        where: tuple[str | int, ...] = ("background", "releases", rp.pin)
        try:
            db = release_database(rp, self.gwp)
        except ReleaseProcessError as exc:
            for message in exc.messages:
                self.error("release", message, where)
            self.failed_releases.add(dataset)
            return None
        self.databases[dataset] = db
        return db

    def attach_backgrounds(self) -> tuple[list[BackgroundBlock], FloatArray, FloatArray]:
        """Place every linked database after the foreground; its entries are certain."""
        blocks: list[BackgroundBlock] = []
        offset = len(self.activities)
        rows_t, cols_t, vals_t = [], [], []
        rows_b, cols_b, vals_b = [], [], []
        used = {link[0] for link in self.bg_links}
        for db_id, db in self.databases.items():
            if db_id not in used:
                continue
            blocks.append(BackgroundBlock(db, offset))
            s = db.system
            rows_t.append(s.tech_rows + offset)
            cols_t.append(s.tech_cols + offset)
            vals_t.append(s.tech_values)
            flow_ids = np.full(s.n_flows, -1, dtype=np.int64)
            scale = np.ones(s.n_flows)
            for k in range(s.n_flows):
                named = db.flow(k)
                if named is not None and named[0] != CO2E:
                    try:
                        self.gwp.factor(named[0])
                    except GWPError as exc:
                        self.error("gas", f"database {db_id!r}: {exc}", ("background",))
                        continue
                if named is not None:
                    flow_ids[k] = self.flow(*named)
                elif s.characterization[k] != 0:  # unnamed: keep the database's own CO2e
                    flow_ids[k] = self.flow(CO2E, Origin.fossil)
                    scale[k] = s.characterization[k]
            keep = flow_ids[s.bio_rows] >= 0
            rows_b.append(flow_ids[s.bio_rows[keep]])
            cols_b.append(s.bio_cols[keep] + offset)
            vals_b.append(s.bio_values[keep] * scale[s.bio_rows[keep]])
            for link_db, index, col, term, source in self.bg_links:
                if link_db == db_id:
                    self.tech.append((offset + index, col, term, source))
            offset += s.n_activities
        empty = np.zeros(0, dtype=np.int64)
        self.static_rows = (np.concatenate(rows_t) if rows_t else empty,
                            np.concatenate(rows_b) if rows_b else empty)
        self.static_cols = (np.concatenate(cols_t) if cols_t else empty,
                            np.concatenate(cols_b) if cols_b else empty)
        return (blocks, np.concatenate(vals_t) if vals_t else np.zeros(0),
                np.concatenate(vals_b) if vals_b else np.zeros(0))

    def resolve_factor(self, fid: str, path: tuple[str | int, ...]) -> Factor | None:
        if fid.startswith("electricity:"):
            setting = self.study.background.electricity
            try:
                fid = resolve_electricity(fid.split(":", 1)[1], setting.kind, setting.year)
            except KeyError as exc:
                self.error("link", str(exc.args[0]), path)
                return None
        fid = self.factor_map.get(fid, fid)
        factor = self.factors.get(fid)
        if factor is None:
            self.error("link", f"unknown factor {fid!r}: not in the study's factor tables, "
                       "its pinned releases, nor among the shipped official factors", path)
            return None
        if fid not in self.factors_used:
            self.factors_used[fid] = factor
            if fid in self.flagged:
                self.note("FACTOR-FLAG", f"factor {fid!r} is flagged by the factor database's "
                          f"cross-validation: {self.flagged[fid]}", path)
            if factor.kind == CO2_ONLY:
                self.note("ELEC-01", f"factor {fid!r} is a CO2-only emission factor: it misses "
                          "upstream supply and non-CO2 gases; GB/T 24067 asks for life-cycle "
                          "(carbon-footprint) factors", path)
            if factor.co2e is not None and not factor.gases and factor.gwp not in (
                    None, self.gwp.name):
                self.note("GWP-02", f"factor {fid!r} was characterised with {factor.gwp}, the "
                          f"study uses {self.gwp.name}: sets are mixed in this result", path)
        return factor

    def factor_multiplier(self, factor: Factor) -> Term:
        """The factor's own uncertainty: one lognormal draw shared by every use of it."""
        if factor.sigma <= 0:
            return const(1.0)
        if factor.id not in self.factor_nodes:
            self.factor_nodes[factor.id] = len(self.nodes)
            self.nodes.append(Node(f"factor {factor.id}", factor.line, 1.0, LOGNORMAL,
                                   factor.sigma, evidence=factor.source))
        index = self.factor_nodes[factor.id]
        return Term(lambda env: env.nodes[:, index], frozenset({index}))

    def use_factor(self, factor: Factor, quantity: Term, col: int, source: Source,
                   aircraft: bool = False) -> None:
        """Fold ``quantity`` (in the factor's unit, negative for a credit) of a background
        factor into the consuming activity's biosphere column, gas by gas."""
        origin = Origin.aircraft if aircraft else factor.origin
        scaled = quantity * self.factor_multiplier(factor)
        if factor.gases:
            for gas, kg in factor.gases.items():
                try:
                    self.gwp.factor(gas)
                except GWPError as exc:
                    self.error("gas", f"factor {factor.id!r}: {exc}", ("background",))
                    continue
                self.bio.append((self.flow(gas, origin), col, scaled * const(kg), source))
        elif factor.parts:
            for part, kg_co2e in factor.parts.items():
                flow = self.flow(CO2E, Origin.aircraft if aircraft else part)
                self.bio.append((flow, col, scaled * const(kg_co2e), source))
        elif factor.co2e is not None:
            self.bio.append((self.flow(CO2E, origin), col, scaled * const(factor.co2e), source))
        self.factor_sources.append((source, factor.id))

    def add_emission(self, em: Emission, path: tuple[str | int, ...], col: int, share: Term,
                     removal: bool) -> None:
        try:
            gas = canonical_gas(em.gas)
            if gas == "CH4_fossil" or gas == "CH4_nonfossil":
                gas = "CH4"
            self.gwp.factor(gas)
        except GWPError as exc:
            self.error("gas", str(exc), (*path, "gas"))
            return
        origin = em.origin or Origin.fossil
        conv = self.convert(em.unit, "kg", (*path, "unit"))
        if conv is None:
            return
        sign = -1.0 if removal else 1.0
        term = self.amount_term(em, (*path, "amount")) * const(sign * conv) * share
        label = f"{'removal' if removal else 'emission'} {gas} ({origin.value})"
        self.bio.append((self.flow(gas, origin, removal), col, term,
                         Source(_fmt(path), self.line(path), label, em.data)))

    def add_transport(self, tr: Transport, path: tuple[str | int, ...], col: int,
                      share: Term) -> None:
        fid = tr.factor or f"transport:{tr.mode}"
        factor = self.resolve_factor(fid, (*path, "factor"))
        if factor is None:
            return
        conv = self.convert("tkm", factor.unit, (*path, "factor"))
        if conv is None:
            return
        if tr.tkm is not None:
            tkm = self.node_term(tr.tkm, (*path, "tkm"), tr.uncertainty, tr.pedigree, tr.data,
                                 tr.evidence)
        else:
            assert tr.mass is not None and tr.distance is not None
            to_t = self.convert(tr.mass.unit, "t", (*path, "mass", "unit"))
            to_km = self.convert(tr.distance.unit, "km", (*path, "distance", "unit"))
            if to_t is None or to_km is None:
                return
            tkm = (self.amount_term(tr.mass, (*path, "mass", "amount")) * const(to_t)
                   * self.amount_term(tr.distance, (*path, "distance", "amount"))
                   * const(to_km))
        self.use_factor(factor, tkm * const(conv) * share, col,
                        Source(_fmt(path), self.line(path), f"transport by {tr.mode}", tr.data),
                        aircraft=tr.mode == "air")

    def add_cff(self, cff: Any, path: tuple[str | int, ...], col: int, share: Term) -> None:
        """PEF Circular Footprint Formula, material and disposal parts, as factor inputs."""
        a, r1, r2, r3 = cff.A, cff.R1, cff.R2, cff.R3
        coefficients = {
            "Ev": (1 - r1) + r1 * (1 - a) * cff.Qsin_Qp,
            "Erecycled": r1 * a,
            "ErecyclingEoL": (1 - a) * r2,
            "Ev_star": -(1 - a) * r2 * cff.Qsout_Qp,
            "ED": 1 - r2 - r3,
        }
        mass = self.amount_term(cff.mass, (*path, "mass", "amount"))
        for name, coefficient in coefficients.items():
            fid = getattr(cff, name) if name != "Ev_star" else (cff.Ev_star or cff.Ev)
            if fid is None or coefficient == 0:
                continue
            factor = self.resolve_factor(fid, (*path, name))
            if factor is None:
                continue
            conv = self.convert(cff.mass.unit, factor.unit, (*path, "mass", "unit"))
            if conv is None:
                continue
            self.use_factor(factor, mass * const(coefficient * conv) * share, col,
                            Source(_fmt((*path, name)), self.line((*path, name)),
                                   f"CFF {name}: {factor.name}", cff.mass.data))

    def compile_reference_flow(self) -> int:
        """Add the functional-unit activity: it consumes the reference flow of the product.

        Making the reference flow an ordinary (possibly uncertain, formula-driven) input means
        the demand is always one functional unit, and Monte Carlo samples it like any amount.
        """
        info = self.study.study
        ref = info.unit.reference_flow
        path: tuple[str | int, ...] = ("study", "unit", "reference_flow")
        proc = next((p for p in self.study.processes if p.id == ref.process), None)
        if proc is None:
            self.error("link", f"reference flow names unknown process {ref.process!r}",
                       (*path, "process"))
            return 0
        product = ref.product or proc.reference_product.name
        key = f"process:{proc.id}" + ("" if product == proc.reference_product.name
                                     else f"#{product}")
        if key not in self.activity_index:
            self.error("link", f"process {proc.id!r} has no linkable product {product!r}",
                       (*path, "product"))
            return 0
        supplier = self.activity_index[key]
        conv = self.convert(ref.unit, self.activities[supplier].unit, (*path, "unit"))
        fu = self.add_activity(Activity(
            key=FUNCTIONAL_UNIT, label=info.unit.description,
            unit=f"{info.unit.quantity:g} {info.unit.unit}", stage=proc.stage,
            process_id=FUNCTIONAL_UNIT, product=info.unit.description,
        ))
        self.tech.append((fu, fu, const(1.0), None))
        amount = self.node_term(ref.amount, (*path, "amount"))
        self.tech.append((supplier, fu, amount * const(-(conv or 0.0)),
                          Source(_fmt(path), self.line(path), "reference flow")))
        return fu


def _fmt(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def compile_study(study: Study, lines: LineMap | None = None, file: str = "<study>",
                  base_dir: Path | None = None, gwp: str | None = None,
                  factor_map: dict[str, str] | None = None,
                  release_factors: dict[str, Factor] | None = None,
                  flagged: dict[str, str] | None = None,
                  release_processes: dict[str, ReleaseProcesses] | None = None,
                  screening: bool = False) -> CompiledStudy:
    """Compile a validated study; raise StudyError listing every dangling link, bad unit, …

    ``gwp`` overrides the study's GWP set (AR6, AR5, AR4); ``factor_map`` replaces factor ids
    (after ``electricity:`` shorthands are resolved), for methodological alternatives.
    ``release_factors`` are the factors of the factor-database releases the study pins, and
    ``flagged`` the quality findings on some of them (a study using one gets a note);
    ``release_processes`` the unit processes of those releases, by dataset id, which the
    study's ``activity:`` links use as background databases. Inputs marked ``cut_off`` are
    left out, unless ``screening`` asks for the complete system that measures them.
    """
    if gwp is not None:
        try:
            name = gwp_set(gwp).name
        except GWPError as exc:
            raise StudyError([Problem("gwp", str(exc), file, None, "gwp")]) from None
        info = study.study.model_copy(update={"gwp": name})
        study = study.model_copy(update={"study": info})
    return _Compiler(study, lines, file, base_dir or Path("."), factor_map, release_factors,
                     flagged, release_processes, screening).run()

"""Sensitivity analysis (SENS-01): exchanges, parameters and methodological alternatives.

* Exchanges: the exact elasticity of the total to every amount, from the derivative of the
  linear system (d score / d A_ij = -y_i s_j, d score / d B_kj = c_k s_j): one forward and one
  adjoint solve give all of them, so nothing significant is skipped for lack of time.
* Parameters: one at a time, each independent parameter moved to its 2.5 / 97.5 percentiles
  when it has an uncertainty, by ±10 % otherwise, and the study recomputed.
* Alternatives: the same study under other GWP sets, other allocation methods for its
  multi-output processes, other end-of-life models (cut-off 100:0, 50:50, avoided burden 0:100
  through the CFF's A), other official electricity factors, and its own cut-off criteria
  applied to the modelled inventory (a screening of what the thresholds could leave out).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from tanzuji.accounting.breakdown import line_items
from tanzuji.accounting.result import Alternative, SensitivityItem
from tanzuji.accounting.solve import Solution, solve
from tanzuji.engine.uncertainty import LOGNORMAL, NORMAL, TRIANGULAR, UNIFORM
from tanzuji.gwp import GWP_SETS
from tanzuji.model.compile import CompiledStudy, Node
from tanzuji.model.errors import StudyError
from tanzuji.model.factors import official_electricity_factors
from tanzuji.model.study import Allocation, EndOfLife, Study

#: Keep exchanges whose elasticity is at least this (0.1 % per %), up to ``limit``.
_SIGNIFICANT = 1e-3


def exchange_elasticities(sol: Solution, limit: int = 25) -> list[SensitivityItem]:
    comp = sol.compiled
    total = sol.total
    if total == 0:
        return []
    per: dict[str, float] = defaultdict(float)
    where: dict[str, tuple[int | None, str]] = {}
    s, y = sol.supply, sol.adjoint
    tech = sol.system.tech_values
    for e, src in enumerate(comp.tech_sources):
        if src is None:  # production exchanges: scale by the output amount instead
            continue
        row, col = comp.tech_rows[e], comp.tech_cols[e]
        per[src.path] += float(-y[row] * s[col] * tech[e]) / total
        where[src.path] = (src.line, src.label)
    c = comp.characterization
    bio = sol.system.bio_values
    for e, src in enumerate(comp.bio_sources):
        flow, col = comp.bio_rows[e], comp.bio_cols[e]
        per[src.path] += float(c[flow] * s[col] * bio[e]) / total
        where[src.path] = (src.line, src.label)
    ranked = sorted((kv for kv in per.items() if abs(kv[1]) >= _SIGNIFICANT),
                    key=lambda kv: -abs(kv[1]))[:limit]
    return [SensitivityItem(kind="exchange", path=p, line=where[p][0], label=where[p][1],
                            elasticity=v) for p, v in ranked]


def _bounds(node: Node) -> tuple[float, float]:
    """2.5 / 97.5 percentiles of a node's distribution, or ±10 % without one."""
    v = node.value
    if node.kind == LOGNORMAL and node.a > 0:
        f = float(np.exp(1.959963984540054 * node.a))
        return v / f, v * f
    if node.kind == NORMAL and node.a > 0:
        return v - 1.959963984540054 * node.a, v + 1.959963984540054 * node.a
    if node.kind == UNIFORM and node.c > node.a:
        w = node.c - node.a
        return node.a + 0.025 * w, node.a + 0.975 * w
    if node.kind == TRIANGULAR and node.c > node.a:
        lo, hi = node.a, node.c
        mode = node.b if np.isfinite(node.b) else v
        dist = stats.triang((mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
        return float(dist.ppf(0.025)), float(dist.ppf(0.975))
    return 0.9 * v, 1.1 * v


def parameter_sensitivity(sol: Solution) -> list[SensitivityItem]:
    comp = sol.compiled
    base = comp.node_values()
    items = []
    for name, index in comp.param_nodes.items():
        node = comp.nodes[index]
        lo, hi = _bounds(node)
        results = []
        for value in (lo, hi):
            vals = base.copy()
            vals[0, index] = value
            try:
                results.append(solve(comp, vals, sol.factorization.ordering).total)
            except StudyError:
                results.append(float("nan"))
        dv = (hi - lo) / node.value if node.value else 0.0
        elasticity = ((results[1] - results[0]) / sol.total) / dv if dv and sol.total else 0.0
        items.append(SensitivityItem(
            kind="parameter", path=f"parameters.{name}", line=node.line, label=name,
            elasticity=elasticity, low=results[0], high=results[1], low_value=lo, high_value=hi,
        ))
    items.sort(key=lambda it: -abs(it.elasticity))
    return items


@dataclass
class _Variant:
    choice: str
    name: str
    changes: dict[str, Any]  # keyword arguments for ``recompile``


def alternatives(sol: Solution, recompile: Callable[..., CompiledStudy]) -> list[Alternative]:
    """Totals under other methodological choices; ``recompile(study=…, gwp=…, factor_map=…)``."""
    comp = sol.compiled
    study = comp.study
    variants: list[_Variant] = []
    for gwp in GWP_SETS:
        if gwp != study.study.gwp:
            variants.append(_Variant("gwp", f"GWP100 {gwp}", {"gwp": gwp}))
    for pid, method, changed in _allocation_variants(study):
        variants.append(_Variant("allocation", f"{pid}: {method}", {"study": changed}))
    for name, changed in _end_of_life_variants(study):
        variants.append(_Variant("end_of_life", name, {"study": changed}))
    for name, mapping in _electricity_variants(comp):
        variants.append(_Variant("electricity", name, {"factor_map": mapping}))
    out = []
    for v in variants:
        try:
            total = solve(recompile(**v.changes)).total
        except StudyError:
            continue  # the alternative cannot be computed with the data given
        out.append(_alternative(v.choice, v.name, total, sol.total))
    cut = _cut_off_screening(sol)
    if cut is not None:
        out.append(cut)
    return out


def _alternative(choice: str, name: str, total: float, base: float) -> Alternative:
    diff = total - base
    return Alternative(choice=choice, name=name, total=total, difference=diff,
                       relative_difference=100.0 * diff / base if base else 0.0)


def _end_of_life_variants(study: Study) -> list[tuple[str, Study]]:
    """The whole study under each other end-of-life model its data supports.

    CFF materials move along the formula's A (1 = cut-off 100:0, 0.5 = 50:50, 0 = avoided
    burden 0:100); avoided-burden credits are dropped for the cut-off model."""
    models = [("cut-off (100:0)", 1.0), ("50:50", 0.5), ("avoided burden (0:100)", 0.0)]
    out = []
    for name, a in models:
        changed = False
        processes = []
        for proc in study.processes:
            eol = proc.end_of_life
            if eol is not None and (eol.cff or eol.credits):
                changed |= any(a != c.A for c in eol.cff) or (a == 1.0 and bool(eol.credits))
                cff = [c.model_copy(update={"A": a}) for c in eol.cff]
                credits = [] if a == 1.0 else eol.credits
                approach = "cff" if cff else "avoided_burden" if credits else "cut_off"
                eol = EndOfLife(approach=approach, credits=credits, cff=cff)
                proc = proc.model_copy(update={"end_of_life": eol})
            processes.append(proc)
        if changed:
            out.append((f"end of life: {name}",
                        study.model_copy(update={"processes": processes})))
    return out


def _cut_off_screening(sol: Solution) -> Alternative | None:
    """The study's own cut-off criteria applied to its modelled lines, smallest first.

    Lines under the per-item threshold are dropped while their sum stays within the total
    threshold: the change shows how much the stated criteria can leave out (CUT-01, CUT-03)."""
    cut = sol.compiled.study.study.cut_off
    dropped = 0.0
    share = 0.0
    count = 0
    for item in sorted(line_items(sol), key=lambda it: abs(it.share)):
        if abs(item.share) >= cut.per_item_percent or share + abs(item.share) > cut.total_percent:
            break
        dropped += item.value
        share += abs(item.share)
        count += 1
    if not count:
        return None
    name = (f"cut-off criteria applied to the inventory: {count} lines under "
            f"{cut.per_item_percent:g} % each, {cut.total_percent:g} % in all, left out")
    return _alternative("cut_off", name, sol.total - dropped, sol.total)


def _allocation_variants(study: Study) -> list[tuple[str, str, Study]]:
    out = []
    for i, proc in enumerate(study.processes):
        if not proc.co_products or proc.allocation is None:
            continue
        products = [proc.reference_product, *proc.co_products]
        options: list[Allocation] = []
        if proc.allocation.method != "physical":
            options.append(Allocation(method="physical", basis=proc.allocation.basis or "kg"))
        if proc.allocation.method != "economic" and all(p.price is not None for p in products):
            options.append(Allocation(method="economic"))
        if proc.allocation.method != "system_expansion" and all(
                p.substitutes is not None for p in proc.co_products):
            options.append(Allocation(method="system_expansion"))
        for alloc in options:
            stripped = [p.model_copy(update={"allocation_factor": None}) for p in products]
            new_proc = proc.model_copy(update={
                "allocation": alloc, "reference_product": stripped[0],
                "co_products": stripped[1:],
            })
            processes = list(study.processes)
            processes[i] = new_proc
            label = alloc.method + (f" ({alloc.basis})" if alloc.basis else "")
            out.append((proc.id, label, study.model_copy(update={"processes": processes})))
    return out


def _electricity_variants(comp: CompiledStudy) -> list[tuple[str, dict[str, str]]]:
    generation = {"coal", "gas", "hydro", "nuclear", "wind", "pv", "csp", "biomass",
                  "td-excl-losses", "td-incl-losses"}
    used = [fid for fid in comp.factors_used
            if fid.startswith("cn-elec-") and fid.rsplit(":", 1)[1] not in generation]
    if not used:
        return []
    table = official_electricity_factors()

    def latest(prefix: str, item: str) -> str | None:
        ids = sorted((f for f in table if f.startswith(prefix) and f.endswith(":" + item)),
                     key=lambda f: table[f].year or 0)
        return ids[-1] if ids else None

    options = [
        ("national carbon-footprint factor (latest)", latest("cn-elec-cf:", "national")),
        ("national grid CO2 emission factor (latest, CO2 only)",
         latest("cn-elec-co2:", "national")),
        ("national CO2 factor excl. market-traded non-fossil (residual-like, CO2 only)",
         latest("cn-elec-co2:", "national-excl-traded-nonfossil")),
    ]
    geography = comp.study.study.geography
    provincial = latest("cn-elec-co2:", geography)
    if provincial:
        options.append((f"provincial grid CO2 emission factor {geography} (CO2 only)",
                        provincial))
    out = []
    for name, target in options:
        if target is None or set(used) == {target}:
            continue
        out.append((f"electricity: {name} = {table[target].co2e or table[target].gases['CO2']}",
                    dict.fromkeys(used, target)))
    return out

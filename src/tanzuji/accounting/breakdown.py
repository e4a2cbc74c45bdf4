"""Break a solution down: stages, gases, reporting categories, line items, hot spots, tree."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection
from typing import Any

import numpy as np

from tanzuji.accounting.result import (
    STAGES,
    BiogenicSplit,
    DataQuality,
    LineItem,
    ProcessContribution,
    ReferenceFlow,
    TreeNode,
)
from tanzuji.accounting.solve import Solution
from tanzuji.model.compile import CO2E, FUNCTIONAL_UNIT, Source
from tanzuji.model.study import Origin, Study


def _share(value: float, total: float) -> float:
    return 100.0 * value / total if total else 0.0


def by_stage(sol: Solution) -> dict[str, float]:
    out = dict.fromkeys(STAGES, 0.0)
    for act, value in zip(sol.compiled.activities, sol.contributions, strict=True):
        out[act.stage.value] += float(value)
    return out


def _flow_values(sol: Solution) -> np.ndarray:
    """kg CO2e per flow: c_k * (B s)_k."""
    s = sol.system
    inventory = s.biosphere() @ sol.supply
    return np.asarray(inventory) * s.characterization


def by_gas(sol: Solution) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for flow, value in zip(sol.compiled.flows, _flow_values(sol), strict=True):
        if flow.gas == "CH4":
            key = "CH4_nonfossil" if flow.origin in (Origin.biogenic, Origin.dluc) else "CH4_fossil"
        elif flow.gas == CO2E:
            key = "CO2e_unresolved"  # factors published only as a CO2e total
        else:
            key = flow.gas
        out[key] += float(value)
    return dict(sorted(out.items(), key=lambda kv: -abs(kv[1])))


def categories(sol: Solution) -> dict[str, float]:
    """REP-02 categories; they are disjoint and add up to the total."""
    out = dict.fromkeys(("fossil", "biogenic_emissions", "biogenic_removals", "dluc",
                         "aircraft"), 0.0)
    for flow, value in zip(sol.compiled.flows, _flow_values(sol), strict=True):
        if flow.origin == Origin.biogenic:
            out["biogenic_removals" if flow.removal else "biogenic_emissions"] += float(value)
        else:
            out[flow.origin.value] += float(value)
    return out


def line_items(sol: Solution, carried: Collection[str] = ()) -> list[LineItem]:
    """Every emission, removal and background input line, with its contribution.

    A background factor is folded into its consumer's biosphere column, and an input from a
    background database carries that activity's whole supply chain (``-A_ij s_j y_i``), so
    these lines partition the total exactly. The inputs named in ``carried`` (paths) carry
    their supply chain even from a foreground process: what leaving them out would remove
    (cut-off screening); such lines overlap the others.
    """
    comp = sol.compiled
    values: dict[str, float] = defaultdict(float)
    first: dict[str, tuple[Source, int]] = {}
    c = comp.characterization
    bio_values = sol.system.bio_values
    for e, src in enumerate(comp.bio_sources):
        col = int(comp.bio_cols[e])
        values[src.path] += float(bio_values[e] * c[comp.bio_rows[e]] * sol.supply[col])
        first.setdefault(src.path, (src, col))
    n_fg = comp.n_foreground
    for e, tsrc in enumerate(comp.tech_sources):
        row, col = int(comp.tech_rows[e]), int(comp.tech_cols[e])
        if tsrc is None or (row < n_fg and tsrc.path not in carried):
            continue
        values[tsrc.path] += float(-sol.system.tech_values[e] * sol.supply[col]
                                   * sol.adjoint[row])
        first.setdefault(tsrc.path, (tsrc, col))
    total = sol.total
    items = []
    for path, value in values.items():
        src, col = first[path]
        act = comp.activities[col]
        items.append(LineItem(
            path=path, line=src.line, label=src.label, process=act.process_id,
            stage=act.stage.value, value=value, share=_share(value, total),
            data=src.data.value,
        ))
    items.sort(key=lambda it: -abs(it.value))
    return items


def primary_data_share(items: list[LineItem]) -> float:
    """Share of the footprint (by absolute contribution) that rests on primary data."""
    gross = sum(abs(i.value) for i in items)
    primary = sum(abs(i.value) for i in items if i.data == "primary")
    return 100.0 * primary / gross if gross else 0.0


_PATH_STEP = re.compile(r"(\w+)\[(\d+)\]")
PEDIGREE_SCORES = ("reliability", "completeness", "temporal", "geographical", "technological")


def _stated_at(study: Study, path: str) -> Any:
    """The study element a line's path names (``processes[4].inputs[1]``), or None."""
    node: Any = study
    for name, index in _PATH_STEP.findall(path):
        items = getattr(node, name, None)
        if not isinstance(items, list) or int(index) >= len(items):
            return None
        node = items[int(index)]
    return node


def data_quality(study: Study, items: list[LineItem]) -> DataQuality | None:
    """Each pedigree score averaged over the lines whose input, emission or transport states
    one, weighted by the absolute contribution; None when no line states any."""
    gross = sum(abs(i.value) for i in items)
    sums = dict.fromkeys(PEDIGREE_SCORES, 0.0)
    weight = 0.0
    for item in items:
        pedigree = getattr(_stated_at(study, item.path), "pedigree", None)
        if pedigree is None or not item.value:
            continue
        weight += abs(item.value)
        for score in PEDIGREE_SCORES:
            sums[score] += abs(item.value) * getattr(pedigree, score)
    if not weight:
        return None
    return DataQuality(**{k: v / weight for k, v in sums.items()},
                       coverage=100.0 * weight / gross)


def hotspots(sol: Solution, limit: int = 10) -> list[ProcessContribution]:
    per: dict[str, float] = defaultdict(float)
    names: dict[str, tuple[str, str]] = {}
    process_names = {p.id: p.name for p in sol.compiled.study.processes}
    for act, value in zip(sol.compiled.activities, sol.contributions, strict=True):
        if act.process_id == FUNCTIONAL_UNIT:
            continue
        per[act.process_id] += float(value)
        names[act.process_id] = (process_names[act.process_id], act.stage.value)
    ranked = sorted(per.items(), key=lambda kv: -abs(kv[1]))[:limit]
    return [ProcessContribution(process=pid, name=names[pid][0], stage=names[pid][1],
                                value=v, share=_share(v, sol.total)) for pid, v in ranked]


def biogenic_carbon(sol: Solution) -> tuple[float, float]:
    """kg C per functional unit in the product and in its packaging."""
    comp = sol.compiled
    env = comp.env(comp.node_values())
    product = packaging = 0.0
    demand_col = comp.demand_activity
    # the product is what the functional unit consumes directly
    a = sol.system.technosphere().tocsc()
    direct_use = -a[:, demand_col].toarray().ravel()
    for col, term, is_packaging in comp.biogenic_carbon:
        per_unit = float(np.asarray(term.fn(env)).ravel()[0])
        if is_packaging:
            packaging += per_unit * float(sol.supply[col] * a[col, col])
        else:
            product += per_unit * max(float(direct_use[col]), 0.0)
    return product, packaging


def supply_tree(sol: Solution, cutoff: float = 0.01, max_depth: int = 8,
                max_nodes: int = 400) -> TreeNode:
    """Unroll the supply chain from the functional unit, cumulative values from the adjoint.

    Branches below ``cutoff`` of the total are merged into one "other" node per parent, so the
    tree stays drawable; loops are unrolled up to ``max_depth``.
    """
    comp = sol.compiled
    a = sol.system.technosphere().tocsc()
    c = comp.characterization
    total = sol.total
    budget = [max_nodes]
    bio_by_col: dict[int, list[int]] = defaultdict(list)
    for e, col in enumerate(comp.bio_cols):
        bio_by_col[int(col)].append(e)
    n_terms = len(comp.bio_sources)

    def bio_label(e: int) -> str:
        if e < n_terms:
            return comp.bio_sources[e].label
        return f"direct emissions: {comp.flows[comp.bio_rows[e]].label}"

    def node(col: int, amount: float, depth: int) -> TreeNode:
        level = amount / a[col, col]
        value = float(sol.adjoint[col] * amount)
        kind = "process" if col < comp.n_foreground else "background"
        tn = TreeNode(name=comp.label(col), kind=kind, amount=amount, unit=comp.unit(col),
                      value=value, share=_share(value, total))
        budget[0] -= 1
        if depth >= max_depth or budget[0] <= 0:
            return tn
        children: list[TreeNode] = []
        other = 0.0
        start, end = a.indptr[col], a.indptr[col + 1]
        for row, v in zip(a.indices[start:end], a.data[start:end], strict=True):
            if row == col:
                continue
            child_amount = float(-v * level)
            child_value = float(sol.adjoint[row] * child_amount)
            if abs(child_value) < cutoff * abs(total) or budget[0] <= 0:
                other += child_value
            else:
                children.append(node(int(row), child_amount, depth + 1))
        direct: dict[str, float] = defaultdict(float)
        for e in bio_by_col.get(col, []):
            direct[bio_label(e)] += float(
                sol.system.bio_values[e] * c[comp.bio_rows[e]] * level)
        for label, v in direct.items():
            if abs(v) < cutoff * abs(total):
                other += v
            else:
                budget[0] -= 1
                children.append(TreeNode(name=label, kind="emission", value=v,
                                         share=_share(v, total)))
        if other:
            children.append(TreeNode(name="other (below cut-off)", kind="other", value=other,
                                     share=_share(other, total)))
        children.sort(key=lambda t: -abs(t.value))
        tn.children = children
        return tn

    return node(comp.demand_activity, 1.0, 0)


def reference_flow(sol: Solution) -> ReferenceFlow:
    """The functional-unit activity's one input: how much of the product makes one unit."""
    comp, system = sol.compiled, sol.system
    column = system.technosphere().tocsc()[:, comp.demand_activity].tocoo()
    supplier, amount = next((int(r), -float(v)) for r, v in zip(column.row, column.data,
                                                                strict=True)
                            if r != comp.demand_activity)
    return ReferenceFlow(amount=amount, unit=comp.activities[supplier].unit)


def biogenic_split(sol: Solution) -> BiogenicSplit:
    """Biogenic CO2 emitted and taken up, other biogenic gases, and the packaging burden."""
    system, comp = sol.system, sol.compiled
    per_flow = np.asarray(system.biosphere() @ sol.supply) * system.characterization
    co2_in = co2_out = other = 0.0
    for flow, value in zip(comp.flows, per_flow, strict=True):
        if flow.origin != Origin.biogenic:
            continue
        if flow.gas != "CO2":
            other += float(value)
        elif flow.removal:
            co2_out += float(value)
        else:
            co2_in += float(value)
    packaging_ids = {p.id for p in comp.study.processes if p.packaging}
    packaging = None
    if packaging_ids:
        biogenic_co2 = np.array([f.origin == Origin.biogenic and f.gas == "CO2"
                                 for f in comp.flows])
        # kg CO2e of biogenic CO2 each activity emits (+) or takes up (-) itself
        own_co2 = ((system.characterization * biogenic_co2) @ system.biosphere()) * sol.supply
        packaging = sum(float(sol.contributions[i] - own_co2[i])
                        for i, act in enumerate(comp.activities)
                        if act.process_id in packaging_ids)
    return BiogenicSplit(co2_emissions=co2_in, co2_removals=co2_out, other_gases=other,
                         packaging=packaging)

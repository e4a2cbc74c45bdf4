"""Weak links: which stages and processes separate a product from the best quartile of its
category.

The comparison group is the best quartile of the certified platform results (enlarged until
it holds the rule's k different companies, so that no single company's breakdown can be read
back). Stages compare directly; processes are compared through the PCR's mandatory processes,
recognised by their aliases in each result's hot spots (the ten largest processes), since
process ids differ from study to study. Certified results that the platform holds only as a
total enter the group's total but not its breakdown, and the answer says so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tanzuji.rules.pcr import PCR


@dataclass(frozen=True)
class Member:
    """One certified result, per declared unit; breakdowns None where only the total is held."""

    total: float
    by_stage: dict[str, float] | None
    by_process: dict[str, float] | None
    party: str = ""  # the company, to count distinct ones only


@dataclass(frozen=True)
class Gap:
    kind: str  # stage or process
    key: str
    name_en: str
    name_zh: str
    value: float  # the product's, kg CO2e per declared unit
    best: float  # the best-quartile mean
    difference: float  # value − best
    share_of_total: float  # difference as % of the product's total
    relative: float | None  # difference as % of the best-quartile mean


@dataclass(frozen=True)
class Note:
    """Why the comparison is limited, in both languages of the pages."""

    code: str
    en: str
    zh: str


@dataclass(frozen=True)
class WeakLinks:
    total: float
    best_total: float | None
    group_size: int  # certified results in the comparison group
    with_breakdown: int  # of which have a stage breakdown
    gaps: tuple[Gap, ...] = ()
    notes: tuple[Note, ...] = field(default_factory=tuple)


def by_process(pcr: PCR, hotspots: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Hot-spot values summed per mandatory process of the rule (first alias that matches)."""
    out: dict[str, float] = {}
    for h in hotspots:
        text = f"{h.get('process', '')} {h.get('name', '')}".casefold()
        for mp in pcr.mandatory_processes:
            if any(a.casefold() in text for a in mp.aliases):
                out[mp.id] = out.get(mp.id, 0.0) + float(h.get("value") or 0.0)
                break
    return out


def _parties(members: Sequence[Member]) -> int:
    return len({m.party for m in members})


def best_group(members: Sequence[Member], k: int) -> list[Member]:
    """The best quartile by total, enlarged (next best first) until it holds ``k`` different
    companies; all of them when there are fewer."""
    ranked = sorted(members, key=lambda m: m.total)
    if not ranked:
        return []
    cut = float(np.percentile([m.total for m in ranked], 25))
    size = sum(1 for m in ranked if m.total <= cut)
    while size < len(ranked) and _parties(ranked[:size]) < k:
        size += 1
    return ranked[:size]


def _gap(kind: str, key: str, names: tuple[str, str], value: float, best: float,
         total: float) -> Gap:
    diff = value - best
    return Gap(kind, key, names[0], names[1], value, best, diff,
               100.0 * diff / total if total else 0.0,
               100.0 * diff / best if best else None)


def weak_links(pcr: PCR, total: float, stages: dict[str, float], processes: dict[str, float],
               members: Sequence[Member], k: int) -> WeakLinks:
    """The product (per declared unit) against the best group of ``members``, largest gaps
    first; nothing is compared when fewer than ``k`` results could be grouped."""
    if _parties(members) < k:
        return WeakLinks(total, None, 0, 0, notes=(Note(
            "too_few_results",
            f"certified results of fewer than {k} companies under this rule: no anonymous "
            "comparison yet", f"该规则下的认证结果来自不足 {k} 家企业：暂无匿名对比"),))
    group = best_group(members, k)
    best_total = float(np.mean([m.total for m in group]))
    detailed = [m for m in group if m.by_stage is not None]
    notes: list[Note] = []
    if len(detailed) < len(group):
        missing = len(group) - len(detailed)
        notes.append(Note(
            "totals_only", f"{missing} of the {len(group)} best results are held as totals "
            "only: the breakdown compares the others",
            f"最优的 {len(group)} 个结果中有 {missing} 个只有总量：分阶段对比只用其余结果"))
    if _parties(detailed) < k:
        notes.append(Note(
            "too_few_breakdowns", f"the best results with a stage breakdown come from fewer "
            f"than {k} companies: only the totals are compared",
            f"最优结果中有分阶段数据的不足 {k} 家企业：只对比总量"))
        return WeakLinks(total, best_total, len(group), len(detailed), notes=tuple(notes))
    gaps: list[Gap] = []
    for stage in sorted(set(stages) | {s for m in detailed for s in m.by_stage or {}}):
        best = float(np.mean([(m.by_stage or {}).get(stage, 0.0) for m in detailed]))
        value = stages.get(stage, 0.0)
        if value or best:
            gaps.append(_gap("stage", stage, (stage.replace("_", " "), stage), value, best,
                             total))
    for mp in pcr.mandatory_processes:
        values = [(m.by_process or {}).get(mp.id) for m in detailed]
        if mp.id not in processes and all(v is None for v in values):
            continue
        best = float(np.mean([v or 0.0 for v in values]))
        gaps.append(_gap("process", mp.id, (mp.name_en, mp.name_zh),
                         processes.get(mp.id, 0.0), best, total))
    gaps.sort(key=lambda g: -g.difference)
    return WeakLinks(total, best_total, len(group), len(detailed), tuple(gaps), tuple(notes))

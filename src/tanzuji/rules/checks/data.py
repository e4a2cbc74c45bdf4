"""Data and data quality, ranges, allocation and end of life (DATA, ALLOC)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tanzuji.model import expressions
from tanzuji.model.study import DataKind, Pedigree, Stage
from tanzuji.rules.checks.base import Context, matches, rule
from tanzuji.rules.checks.scope import mandatory_lines
from tanzuji.rules.findings import Finding


def _parameters(ctx: Context, amount: Any) -> list[Any]:
    """The parameters a formula amount rests on, through derived parameters."""
    value = getattr(amount, "amount", None)
    if not isinstance(value, str):
        return []
    params = ctx.study.parameters
    seen: set[str] = set()
    todo = list(expressions.names(value))
    while todo:
        name = todo.pop()
        if name in seen or name not in params:
            continue
        seen.add(name)
        if params[name].formula:
            todo.extend(expressions.names(params[name].formula or ""))
    return [params[n] for n in sorted(seen)]


def has_source(ctx: Context, amount: Any) -> bool:
    return bool(getattr(amount, "source", None)) or any(
        p.source for p in _parameters(ctx, amount))


def has_quality(ctx: Context, amount: Any) -> bool:
    """Whether a line carries any data-quality information: pedigree, a distribution, its
    evidence or source (on itself or on the parameters of its formula)."""
    own = any(getattr(amount, k, None) for k in ("pedigree", "uncertainty", "evidence", "source"))
    return own or any(p.pedigree or p.uncertainty or p.source for p in _parameters(ctx, amount))


def pedigree(ctx: Context, amount: Any) -> Pedigree | None:
    """The line's pedigree, or the worst pedigree among its formula's parameters."""
    own: Pedigree | None = getattr(amount, "pedigree", None)
    if own is not None:
        return own
    found = [p.pedigree for p in _parameters(ctx, amount) if p.pedigree is not None]
    return max(found, key=dqr) if found else None


def dqr(p: Pedigree) -> float:
    """PEF-style DQR from pedigree scores: technological, geographical, temporal and
    reliability (for precision), averaged."""
    return (p.technological + p.geographical + p.temporal + p.reliability) / 4.0


@rule("DATA-01", "E", "primary data where the company has control", "受控过程采用初级数据")
def primary_data(ctx: Context) -> Iterator[Finding]:
    """Significant input lines (activity data) of controlled processes, and of the processes
    the PCR wants primary data for, must be primary. Emission lines computed from activity data
    with published emission factors are not judged here."""
    per_item, _, _ = ctx.cut_off_thresholds
    need_primary: dict[str, str] = {}
    if ctx.pcr is not None:
        for m in ctx.pcr.mandatory_processes:
            if m.primary_data:
                for where in mandatory_lines(ctx, m.aliases)[0]:
                    need_primary.setdefault(where, m.name_en)
    everywhere = ctx.pcr is None or ctx.pcr.data.primary_for_controlled
    for where, p, inp in ctx.inputs():
        item = ctx.line_items.get(where)
        if inp.data != DataKind.secondary or inp.process is not None or item is None \
                or abs(item.share) < per_item:
            continue
        if where in need_primary:
            yield ctx.finding(f"PCR 要求“{need_primary[where]}”采用初级（现场）数据，此输入占结果 "
                              f"{item.share:.1f} % 却为次级数据",
                              f"the PCR asks for primary (site) data for '{need_primary[where]}'; "
                              f"this input makes {item.share:.1f} % of the result but is "
                              "secondary", where)
        elif p.controlled and everywhere:
            yield ctx.finding(
                f"受控过程 {p.id} 的输入占结果 {item.share:.1f} %，却使用次级数据",
                f"an input of process {p.id}, under the company's control, makes "
                f"{item.share:.1f} % of the result but uses secondary data", where)
    need = ctx.pcr.data.min_primary_share if ctx.pcr is not None else None
    if need is not None and ctx.result.primary_data_share < need:
        yield ctx.finding(f"初级数据占比 {ctx.result.primary_data_share:.1f} %，PCR 要求至少 "
                          f"{need:g} %",
                          f"the primary data share is {ctx.result.primary_data_share:.1f} %; the "
                          f"PCR asks for at least {need:g} %", "result.primary_data_share")


@rule("DATA-02", "W", "secondary data sourced", "次级数据注明来源")
def secondary_sources(ctx: Context) -> Iterator[Finding]:
    per_item, _, _ = ctx.cut_off_thresholds
    for where, _p, item in ctx.amounts():
        line = ctx.line_items.get(where)
        if item.data == DataKind.secondary and line is not None \
                and abs(line.share) >= per_item and not has_source(ctx, item):
            yield ctx.finding(f"次级数据（占结果 {line.share:.1f} %）未注明来源、版本与年份",
                              f"secondary data ({line.share:.1f} % of the result) without its "
                              "source, version and year", where)
    for f in ctx.result.provenance.factors:
        if not f.get("source") or not f.get("year"):
            yield ctx.finding(f"背景因子 {f['id']} 未注明来源或年份",
                              f"background factor {f['id']} records no source or year",
                              f"background: {f['id']}")


@rule("DATA-03", "E", "data-quality indicators on significant lines", "主要数据带有数据质量信息")
def quality_indicators(ctx: Context) -> Iterator[Finding]:
    for line in ctx.significant():
        item = ctx.at(line.path)
        if item is not None and not has_quality(ctx, item):
            yield ctx.finding(f"占结果 {line.share:.1f} % 的数据没有任何数据质量信息（谱系、分布、"
                              "证据或来源）",
                              f"a line making {line.share:.1f} % of the result carries no data-"
                              "quality information (pedigree, distribution, evidence or source)",
                              line.path)


@rule("DATA-04", "W", "data-quality score as the PCR asks", "数据质量评分满足 PCR")
def quality_score(ctx: Context) -> Iterator[Finding]:
    if ctx.pcr is None or ctx.pcr.data_quality is None:
        return
    rule_dq = ctx.pcr.data_quality
    weighted = weight = 0.0
    for line in ctx.significant(rule_dq.coverage_percent):
        ped = pedigree(ctx, ctx.at(line.path))
        if ped is None:
            yield ctx.finding("主要数据没有谱系评分，无法计算数据质量评分（DQR）",
                              "a significant line has no pedigree scores, so its data-quality "
                              "rating (DQR) cannot be computed", line.path)
            continue
        weighted += abs(line.value) * dqr(ped)
        weight += abs(line.value)
    if weight and weighted / weight > rule_dq.max_dqr:
        score = weighted / weight
        yield ctx.finding(f"按贡献加权的 DQR 为 {score:.2f}，PCR 要求不高于 {rule_dq.max_dqr:g}",
                          f"the contribution-weighted DQR is {score:.2f}; the PCR asks for at "
                          f"most {rule_dq.max_dqr:g}", "result.contributions")


@rule("DATA-05", "E", "values in plausible ranges", "数值在合理范围内")
def ranges(ctx: Context) -> Iterator[Finding]:
    if ctx.pcr is None:
        return
    r = ctx.pcr.ranges
    total = ctx.result.total
    if r.result is not None and not r.result.min <= total <= r.result.max:
        yield ctx.finding(f"结果 {total:.4g} 超出 PCR 的合理范围 {r.result.min:g}–{r.result.max:g}"
                          "：请核实（质量与能量平衡、单位）",
                          f"the result {total:.4g} lies outside the PCR's plausible range "
                          f"{r.result.min:g}–{r.result.max:g}: verify it (mass and energy "
                          "balance, units)", "result.total", "W")
    for rng in r.inputs:
        lines = [it for it in ctx.result.contributions
                 if matches(rng.aliases, it.label, it.process, _factor(ctx, it.path))]
        if not lines:
            continue
        value = sum(it.value for it in lines)
        if not rng.min <= value <= rng.max:
            yield ctx.finding(f"“{rng.name}”贡献 {value:.4g}，超出合理范围 {rng.min:g}–{rng.max:g}",
                              f"'{rng.name}' contributes {value:.4g}, outside the plausible "
                              f"range {rng.min:g}–{rng.max:g}", lines[0].path, "W")


def _factor(ctx: Context, path: str) -> str | None:
    return getattr(ctx.at(path), "factor", None)


@rule("DATA-06", "W", "primary data traceable to evidence", "初级数据可追溯到证据")
def evidence(ctx: Context) -> Iterator[Finding]:
    for where, _p, item in ctx.amounts():
        if item.data == DataKind.primary and not item.evidence:
            yield ctx.finding("初级数据未注明证据（计量记录、发票、物料清单、生产记录）",
                              "primary data without evidence (meter reading, invoice, BOM, "
                              "production log)", where)


@rule("ALLOC-01", "E", "allocation hierarchy followed", "遵循分配优先顺序")
def allocation_method(ctx: Context) -> Iterator[Finding]:
    allowed = ctx.pcr.allocation.methods if ctx.pcr is not None else None
    for where, p in ctx.processes():
        a = p.allocation
        if a is None:
            continue
        if a.method != "system_expansion" and not (a.justification or "").strip():
            yield ctx.finding(f"过程 {p.id} 采用 {a.method} 分配而未说明为何不能避免分配",
                              f"process {p.id} allocates by {a.method} without justifying why "
                              "allocation could not be avoided", f"{where}.allocation")
        if allowed is not None and a.method not in allowed:
            yield ctx.finding(f"PCR 不允许 {a.method} 分配（允许：{', '.join(allowed)}）",
                              f"the PCR does not allow {a.method} allocation (allowed: "
                              f"{', '.join(allowed)})", f"{where}.allocation.method")


@rule("ALLOC-03", "W", "one allocation procedure, with sensitivity", "分配程序一致并做敏感性分析")
def allocation_consistency(ctx: Context) -> Iterator[Finding]:
    used = {p.allocation.method for p in ctx.study.processes if p.allocation is not None}
    if len(used) > 1:
        yield ctx.finding(f"研究中使用了多种分配方法（{', '.join(sorted(used))}）：请说明理由",
                          f"several allocation procedures are used ({', '.join(sorted(used))}): "
                          "justify them", "processes")
    sens = ctx.result.sensitivity
    if used and sens is not None and not any(a.choice == "allocation" for a in sens.alternatives):
        yield ctx.finding("没有分配方法的敏感性分析", "no sensitivity analysis of the allocation "
                          "procedure", "result.sensitivity.alternatives")


@rule("ALLOC-04", "E", "end-of-life approach as the PCR", "寿命终止方法符合 PCR")
def end_of_life(ctx: Context) -> Iterator[Finding]:
    declared = [(w, p) for w, p in ctx.processes() if p.end_of_life is not None]
    if Stage.end_of_life in ctx.study.study.stages.included() and not declared:
        yield ctx.finding("包含寿命终止阶段，但没有过程声明回收与寿命终止方法（end_of_life）",
                          "the end-of-life stage is included but no process declares its "
                          "recycling and end-of-life approach (end_of_life)",
                          "study.stages.end_of_life")
    if ctx.pcr is None:
        return
    allowed = ctx.pcr.allocation.end_of_life
    for where, p in declared:
        assert p.end_of_life is not None
        if p.end_of_life.approach not in allowed:
            yield ctx.finding(f"寿命终止方法 {p.end_of_life.approach} 不符合 PCR（允许："
                              f"{', '.join(allowed)}）",
                              f"end-of-life approach {p.end_of_life.approach} is not one the PCR "
                              f"allows ({', '.join(allowed)})", f"{where}.end_of_life.approach")

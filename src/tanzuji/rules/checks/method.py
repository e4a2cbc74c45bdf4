"""Impact assessment and interpretation: biogenic carbon, aircraft, offsets, GWP, hot spots,
sensitivity, uncertainty, review and comparisons (BIO, AIR, OFFSET, GWP, INT, SENS, UNC, CR,
DECL)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from tanzuji.rules.checks.base import Context, rule
from tanzuji.rules.checks.electricity import electricity_lines
from tanzuji.rules.findings import Finding

_AIR = re.compile(r"transport:air|air[ -]?freight|air cargo|空运|航空货运", re.IGNORECASE)
_OFFSET = re.compile(r"offset|carbon credit|\bCCERs?\b|\bVCUs?\b|\bVERs?\b|抵消|碳信用|"
                     r"核证自愿减排|碳汇交易", re.IGNORECASE)


@rule("BIO-01", "E", "removals negative, emissions positive", "清除计为负、排放计为正")
def signs(ctx: Context) -> Iterator[Finding]:
    for where, p in ctx.processes():
        for kind in ("emissions", "removals"):
            for j, em in enumerate(getattr(p, kind)):
                if isinstance(em.amount, int | float) and em.amount < 0:
                    yield ctx.finding(f"{kind} 的数量应为正值（清除由 removals 表示为负贡献）",
                                      f"{kind} amounts are positive (a removal is written under "
                                      "removals and counts negative)", f"{where}.{kind}[{j}]")
    r = ctx.result
    if r.biogenic_removals > 1e-12 or r.biogenic_emissions < -1e-12:
        yield ctx.finding("生物源清除须为负值、生物源排放须为正值",
                          "biogenic removals must count negative and biogenic emissions positive",
                          "result.biogenic_removals")


@rule("BIO-02", "E", "biogenic carbon content reported", "报告生物源碳含量")
def biogenic_content(ctx: Context) -> Iterator[Finding]:
    info = ctx.study.study
    if info.result_type != "partial_CFP":
        return
    ref = info.unit.reference_flow.process
    ref_declares = any(p.id == ref and p.biogenic_carbon_content is not None
                       for p in ctx.study.processes)
    for where, p in ctx.processes():
        if not any(r.origin == "biogenic" for r in p.removals):
            continue
        if p.packaging and p.biogenic_carbon_content is None:
            yield ctx.finding(f"包装过程 {p.id} 吸收了生物源碳，却未报告包装的生物源碳含量",
                              f"packaging process {p.id} takes up biogenic carbon but reports no "
                              "biogenic carbon content", where)
        elif not p.packaging and not ref_declares:
            yield ctx.finding("产品体系吸收了生物源碳，部分碳足迹须报告产品的生物源碳含量"
                              f"（在 {ref} 上填写 biogenic_carbon_content）",
                              "the product system takes up biogenic carbon: a partial CFP reports "
                              f"the product's biogenic carbon content (biogenic_carbon_content "
                              f"on {ref})", where)


@rule("AIR-01", "E", "aircraft emissions reported apart", "航空运输排放单独报告")
def aircraft(ctx: Context) -> Iterator[Finding]:
    for where, _p, inp in ctx.inputs():
        text = " ".join(x for x in (inp.name, inp.factor, inp.activity) if x)
        if _AIR.search(text):
            yield ctx.finding("空运以普通输入建模，不会单独报告：请写为 transport，mode: air",
                              "air freight is modelled as a plain input and is not reported "
                              "apart: write it under transport with mode: air", where)


@rule("OFFSET-01", "E", "no offsets subtracted", "不扣减抵消量")
def offsets(ctx: Context) -> Iterator[Finding]:
    for item in ctx.result.contributions:
        line = ctx.at(item.path)
        text = " ".join(x for x in (item.label, getattr(line, "factor", None),
                                    getattr(line, "comment", None)) if x)
        if item.value < 0 and _OFFSET.search(text):
            yield ctx.finding("碳足迹中扣减了抵消量或碳信用：抵消只能在碳足迹之外说明",
                              "an offset or carbon credit is subtracted from the footprint; "
                              "offsets may only be mentioned outside the CFP", item.path)


@rule("GWP-01", "E", "GWP set as required", "采用规定的 GWP 值")
def gwp_set(ctx: Context) -> Iterator[Finding]:
    used = ctx.result.provenance.gwp
    if ctx.pcr is not None and used != ctx.pcr.gwp:
        yield ctx.finding(f"结果采用 {used}，PCR 规定 GWP100 {ctx.pcr.gwp}",
                          f"the result uses {used}; the PCR requires GWP100 {ctx.pcr.gwp}",
                          "study.gwp")
    elif ctx.pcr is None and used != "AR6":
        yield ctx.finding(f"结果采用 {used}；除非方案另有规定，应采用最新的 IPCC AR6",
                          f"the result uses {used}; use the latest IPCC set (AR6) unless a "
                          "scheme pins another", "study.gwp", "W")


@rule("GWP-02", "W", "GWP sets not mixed", "不混用 GWP 值")
def gwp_mixed(ctx: Context) -> Iterator[Finding]:
    for note in ctx.result.notes:
        if note.code == "GWP-02":
            yield ctx.finding(f"背景因子采用了与研究不同的 GWP 值：{note.message}",
                              note.message, note.field or "background")


@rule("GWP-03", "E", "kg CO2e per unit, by gas and stage", "按气体与阶段分解的 kg CO2e")
def breakdown(ctx: Context) -> Iterator[Finding]:
    r = ctx.result
    tolerance = 1e-6 * max(1.0, abs(r.total))
    for name, parts in (("by_stage", r.by_stage), ("by_gas", r.by_gas)):
        if not parts or not math.isclose(sum(parts.values()), r.total, abs_tol=tolerance):
            yield ctx.finding(f"结果的 {name} 分解与总量不符", f"the result's {name} breakdown "
                              "does not add up to the total", f"result.{name}")
    if not r.unit.startswith("kg CO2e per"):
        yield ctx.finding("结果单位须为每功能（声明）单位的 kg CO2e",
                          "the result must be in kg CO2e per functional or declared unit",
                          "result.unit")


@rule("INT-01", "E", "hot spots identified", "识别重要问题（热点）")
def hotspots(ctx: Context) -> Iterator[Finding]:
    if not ctx.result.hotspots or not ctx.result.contributions:
        yield ctx.finding("结果没有识别热点（过程与输入的贡献）",
                          "the result identifies no hot spots (process and input contributions)",
                          "result.hotspots")


@rule("SENS-01", "E", "sensitivity of methodological choices", "方法选择的敏感性分析")
def sensitivity(ctx: Context) -> Iterator[Finding]:
    sens = ctx.result.sensitivity
    if sens is None:
        yield ctx.finding("未做敏感性分析（tanzuji calc --sensitivity）",
                          "no sensitivity analysis was run (tanzuji calc --sensitivity)",
                          "result.sensitivity")
        return
    if not sens.exchanges:
        yield ctx.finding("敏感性分析没有涵盖重要输入", "the sensitivity analysis covers no "
                          "significant inputs", "result.sensitivity.exchanges")
    choices = {a.choice for a in sens.alternatives}
    if electricity_lines(ctx) and "electricity" not in choices:
        yield ctx.finding("未分析电力因子选择的敏感性", "the choice of electricity factor has no "
                          "sensitivity analysis", "result.sensitivity.alternatives")
    if "gwp" not in choices:
        yield ctx.finding("未分析 GWP 值选择的敏感性", "the choice of GWP set has no sensitivity "
                          "analysis", "result.sensitivity.alternatives")


@rule("UNC-01", "W", "uncertainty assessed", "不确定性评估")
def uncertainty(ctx: Context) -> Iterator[Finding]:
    if ctx.result.uncertainty is None:
        yield ctx.finding("未做定量不确定性分析（tanzuji calc --mc N）",
                          "no quantitative uncertainty assessment (tanzuji calc --mc N)",
                          "result.uncertainty")


@rule("CR-01", "W", "critical review for public or comparative use", "公开或比较用途需鉴定性评审")
def critical_review(ctx: Context) -> Iterator[Finding]:
    goal = ctx.study.study.goal
    if goal.public or goal.comparative:
        yield ctx.finding("结果将公开或用于比较：需按 ISO/TS 14071 进行鉴定性评审",
                          "the results go to the public or into comparisons: a critical review "
                          "per ISO/TS 14071 is needed", "study.goal")


@rule("DECL-02", "E", "comparisons only under one PCR", "仅在同一 PCR 下比较")
def comparisons(ctx: Context) -> Iterator[Finding]:
    if ctx.study.study.goal.comparative and ctx.pcr is None:
        yield ctx.finding("用于比较的结果须基于同一 PCR、功能单位与边界；研究未采用规则库中的 PCR",
                          "comparisons need the same PCR, unit and boundary; the study applies "
                          "no PCR of the library", "study.goal.comparative")

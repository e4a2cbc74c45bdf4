"""Goal, unit, boundary and the PCR's scope and mandatory processes (STUDY, FU, SB, PCR)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tanzuji.model.study import Stage
from tanzuji.rules.checks.base import Context, matches, rule
from tanzuji.rules.findings import Finding
from tanzuji.rules.library import load_library, names_rule
from tanzuji.units import UnitError, conversion_factor

STAGE_ZH = {
    Stage.raw_material_acquisition: "原材料获取", Stage.production: "生产",
    Stage.distribution: "分销", Stage.use: "使用", Stage.end_of_life: "寿命终止",
}
CAPITAL_GOODS = ("capital good", "资本货物", "资本品", "infrastructure", "基础设施",
                 "固定资产")


@rule("STUDY-01", "E", "goal stated", "研究目的明确")
def goal(ctx: Context) -> Iterator[Finding]:
    g = ctx.study.study.goal
    for name in ("application", "reasons", "audience"):
        if not getattr(g, name).strip():
            yield ctx.finding(f"研究目的缺少 {name}（预期应用、理由、目标受众）",
                              f"the goal leaves {name} blank (intended application, reasons, "
                              "audience)", f"study.goal.{name}")


@rule("STUDY-02", "E", "PCR named", "注明所用产品种类规则")
def pcr_named(ctx: Context) -> Iterator[Finding]:
    text = ctx.study.study.pcr.strip()
    if not text:
        yield ctx.finding("未注明所用的产品种类规则（PCR）或标准；没有时写 none",
                          "the PCR or product standard applied is not named; write 'none' if "
                          "there is none", "study.pcr")
        return
    if text.casefold() == "none":
        codes = _codes(ctx)
        for r in load_library().values():
            if _in_scope(r.scope.cpc, codes["cpc"]) or _in_scope(r.scope.hs, codes["hs"]) \
                    or _in_scope(r.scope.cn_statistical, codes["cn"]):
                yield ctx.finding(
                    f"产品属于 PCR {r.ref}（{r.title_zh}）的范围，但研究写了 none",
                    f"the product is in the scope of PCR {r.ref} ({r.title_en}) but the study "
                    "names none", "study.pcr", "W")
        return
    if not re.search(r"\d", text):
        yield ctx.finding("PCR 名称缺少编号或版本（如 GB/T 44905-2024）",
                          "the PCR is named without a number or version (e.g. GB/T 44905-2024)",
                          "study.pcr")
    if ctx.pcr is None:
        yield ctx.finding("study.pcr 所指的规则不在规则库中：只检查通用规则",
                          "the PCR named in study.pcr is not in the library: only the general "
                          "rule is checked", "study.pcr", "I")
    elif not names_rule(text, ctx.pcr):
        yield ctx.finding(f"所检查的 PCR {ctx.pcr.ref} 与 study.pcr 所写的不一致",
                          f"the study is checked against PCR {ctx.pcr.ref}, which study.pcr "
                          "does not name", "study.pcr", "W")
    else:
        rid, _, version = text.partition("@")
        if rid == ctx.pcr.id and version and version != ctx.pcr.version:
            yield ctx.finding(f"study.pcr 指定版本 {version}，规则库中为 {ctx.pcr.version}",
                              f"study.pcr names version {version}; the library holds "
                              f"{ctx.pcr.version}", "study.pcr", "W")


@rule("PCR-00", "I", "no PCR: general rule only", "无 PCR：仅适用通用规则")
def no_pcr(ctx: Context) -> Iterator[Finding]:
    if ctx.study.study.pcr.strip().casefold() == "none":
        yield ctx.finding("研究未采用 PCR：按 GB/T 24067 通用规则检查",
                          "the study applies no PCR: it is checked against the general rule of "
                          "GB/T 24067 only", "study.pcr")


@rule("STUDY-03", "E", "result type as the PCR", "结果类型符合 PCR")
def result_type(ctx: Context) -> Iterator[Finding]:
    info = ctx.study.study
    included = set(info.stages.included())
    if info.result_type == "CFP" and included != set(Stage):
        yield ctx.finding("完整碳足迹（CFP）须包含全部五个阶段",
                          "a CFP includes all five life-cycle stages", "study.result_type")
    if ctx.pcr is not None and info.result_type != ctx.pcr.boundary.result_type:
        yield ctx.finding(f"PCR 要求结果类型 {ctx.pcr.boundary.result_type}，研究为 "
                          f"{info.result_type}",
                          f"the PCR asks for result type {ctx.pcr.boundary.result_type}, the "
                          f"study gives {info.result_type}", "study.result_type")


@rule("FU-01", "E", "functional unit where required", "需要时采用功能单位")
def functional_unit(ctx: Context) -> Iterator[Finding]:
    info = ctx.study.study
    if info.result_type == "CFP" and info.unit.kind != "functional":
        yield ctx.finding("完整碳足迹须采用功能单位", "a CFP needs a functional unit",
                          "study.unit.kind")
    elif ctx.pcr is not None and ctx.pcr.unit.kind == "functional" \
            and info.unit.kind != "functional":
        yield ctx.finding(f"PCR 规定功能单位：{ctx.pcr.unit.description}",
                          f"the PCR fixes a functional unit: {ctx.pcr.unit.description}",
                          "study.unit.kind")


@rule("FU-03", "W", "unit as the PCR fixes it", "单位与 PCR 一致")
def unit_matches(ctx: Context) -> Iterator[Finding]:
    if ctx.pcr is None:
        return
    want, have = ctx.pcr.unit, ctx.study.study.unit
    try:
        same = abs(have.quantity * conversion_factor(have.unit, want.unit) - want.quantity) \
            <= 1e-9 * want.quantity
    except UnitError:
        same = False
    if not same:
        yield ctx.finding(
            f"单位为 {have.quantity:g} {have.unit}，PCR 规定 {want.quantity:g} {want.unit}"
            f"（{want.description}）",
            f"the unit is {have.quantity:g} {have.unit}; the PCR fixes {want.quantity:g} "
            f"{want.unit} ({want.description})", "study.unit")


@rule("SB-01", "E", "boundary type as the PCR", "系统边界类型符合 PCR")
def boundary(ctx: Context) -> Iterator[Finding]:
    if ctx.pcr is not None and ctx.study.study.boundary not in ctx.pcr.boundary.allowed:
        allowed = ", ".join(ctx.pcr.boundary.allowed)
        yield ctx.finding(f"系统边界 {ctx.study.study.boundary} 不符合 PCR（允许：{allowed}）",
                          f"boundary {ctx.study.study.boundary} is not one the PCR allows "
                          f"({allowed})", "study.boundary")


@rule("SB-02", "E", "stages as the PCR requires", "生命周期阶段符合 PCR")
def stages(ctx: Context) -> Iterator[Finding]:
    info = ctx.study.study
    included = set(info.stages.included())
    if ctx.pcr is not None:
        for s in ctx.pcr.boundary.required_stages:
            if s not in included:
                yield ctx.finding(f"PCR 要求包含“{STAGE_ZH[s]}”阶段",
                                  f"the PCR requires stage {s.value}",
                                  f"study.stages.{s.value}")
        for s in ctx.pcr.boundary.excluded_stages:
            if s in included:
                yield ctx.finding(f"PCR 排除“{STAGE_ZH[s]}”阶段，研究却包含了它",
                                  f"the PCR excludes stage {s.value}, the study includes it",
                                  f"study.stages.{s.value}")
    modelled = {p.stage for p in ctx.study.processes}
    for s in included - modelled:
        yield ctx.finding(f"“{STAGE_ZH[s]}”阶段标为包含，但没有任何过程属于它（结果为 0）",
                          f"stage {s.value} is marked included but no process belongs to it "
                          "(its result is 0)", f"study.stages.{s.value}", "W")


@rule("SB-03", "W", "capital goods stated", "说明资本货物等的取舍")
def capital_goods(ctx: Context) -> Iterator[Finding]:
    info = ctx.study.study
    texts = [*info.cut_off.excluded,
             *(getattr(info.stages, s.value).justification or "" for s in Stage),
             *(f"{p.name} {p.name_zh or ''} {p.comment or ''}" for p in ctx.study.processes)]
    if not matches(CAPITAL_GOODS, *texts):
        yield ctx.finding("未说明资本货物、员工通勤和研发是否包含在内",
                          "the study does not say whether capital goods, employee commuting and "
                          "R&D are included or excluded", "study.cut_off.excluded")


@rule("SB-04", "E", "reference period as the PCR", "数据时间范围符合 PCR")
def reference_period(ctx: Context) -> Iterator[Finding]:
    period = ctx.study.study.reference_period
    days = (period.end - period.start).days + 1
    need = ctx.pcr.data.reference_period if ctx.pcr is not None else "any"
    calendar = (period.start.month, period.start.day, period.end.month, period.end.day) \
        == (1, 1, 12, 31) and period.start.year == period.end.year
    if need == "calendar_year" and not calendar:
        yield ctx.finding(f"PCR 要求一个完整日历年的数据，参考期为 {period.start} 至 {period.end}",
                          f"the PCR asks for one full calendar year of data; the reference "
                          f"period is {period.start} to {period.end}", "study.reference_period")
    elif need == "twelve_months" and days < 365:
        yield ctx.finding(f"PCR 要求至少 12 个月的数据，参考期只有 {days} 天",
                          f"the PCR asks for at least 12 months of data; the reference period "
                          f"has {days} days", "study.reference_period")


@rule("SB-05", "I", "use and end-of-life scenarios sourced", "使用与寿命终止情景注明来源")
def scenarios(ctx: Context) -> Iterator[Finding]:
    for where, p, item in ctx.amounts():
        if p.stage in (Stage.use, Stage.end_of_life) and not (
                item.source or item.evidence or item.comment):
            yield ctx.finding("使用或寿命终止情景的数据未注明来源（标准、制造商数据或统计）",
                              "a use or end-of-life scenario amount gives no source (standard, "
                              "manufacturer data, statistics)", where)


@rule("SB-06", "W", "geography of each process", "各过程的地理范围")
def geography(ctx: Context) -> Iterator[Finding]:
    for where, p in ctx.processes():
        if not p.location:
            yield ctx.finding(f"过程 {p.id} 未注明地理位置（location）",
                              f"process {p.id} records no geography (location)", where)


def _codes(ctx: Context) -> dict[str, str | None]:
    product = ctx.study.study.product
    return {"cpc": product.cpc, "hs": product.hs, "cn": product.cn_statistical_code}


def _clean(code: str) -> str:
    return re.sub(r"[\s.\-]", "", code)


def _in_scope(prefixes: list[str], code: str | None) -> bool:
    return bool(code) and any(_clean(code or "").startswith(_clean(p)) for p in prefixes)


@rule("PCR-01", "W", "product in the PCR's scope", "产品在 PCR 范围内")
def product_scope(ctx: Context) -> Iterator[Finding]:
    if ctx.pcr is None:
        return
    scope = ctx.pcr.scope
    codes = _codes(ctx)
    for key, field, prefixes in (("cpc", "cpc", scope.cpc), ("hs", "hs", scope.hs),
                                 ("cn", "cn_statistical_code", scope.cn_statistical)):
        code = codes[key]
        if code and prefixes and not _in_scope(prefixes, code):
            yield ctx.finding(f"产品编码 {code} 不在 PCR 范围内（{', '.join(prefixes)}）",
                              f"product code {code} is outside the PCR's scope "
                              f"({', '.join(prefixes)})", f"study.product.{field}")


@rule("PCR-02", "E", "mandatory processes modelled", "PCR 规定的必需过程已建模")
def mandatory_processes(ctx: Context) -> Iterator[Finding]:
    if ctx.pcr is None:
        return
    for m in ctx.pcr.mandatory_processes:
        lines, linked = mandatory_lines(ctx, m.aliases)
        if linked or any(ctx.line_items[p].value != 0 for p in lines if p in ctx.line_items):
            continue
        where = f"{ctx.pcr.ref}: {m.id}"
        if lines:
            yield ctx.finding(f"必需过程“{m.name_zh}”已建模但对结果没有贡献",
                              f"mandatory process '{m.name_en}' is modelled but contributes "
                              "nothing to the result", where)
        elif matches(m.aliases, *ctx.study.study.cut_off.excluded):
            yield ctx.finding(f"必需过程“{m.name_zh}”被列为取舍项：PCR 不允许排除它",
                              f"mandatory process '{m.name_en}' is listed as cut off; the PCR "
                              "does not allow leaving it out", where)
        else:
            yield ctx.finding(f"缺少 PCR 规定的必需过程“{m.name_zh}”"
                              f"（别名：{', '.join(m.aliases)}）",
                              f"mandatory process '{m.name_en}' is missing (aliases: "
                              f"{', '.join(m.aliases)})", where)


def mandatory_lines(ctx: Context, aliases: list[str]) -> tuple[list[str], bool]:
    """Paths of the lines that model a mandatory process (every line of a process whose id or
    name matches, or an input line whose name, factor or activity matches), and whether a
    matching process also buys from other processes of the study."""
    found: list[str] = []
    linked = False
    for where, p in ctx.processes():
        if matches(aliases, p.id, p.name, p.name_zh):
            found.extend(f"{where}.{kind}[{k}]" for kind in ("inputs", "emissions", "removals",
                                                            "transport")
                         for k in range(len(getattr(p, kind))))
            linked = linked or any(i.process is not None for i in p.inputs)
            continue
        found.extend(f"{where}.inputs[{k}]" for k, i in enumerate(p.inputs)
                     if matches(aliases, i.name, i.factor, i.activity))
    return found, linked

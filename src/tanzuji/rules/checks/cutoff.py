"""Cut-off: criteria stated, thresholds as the PCR sets them, exclusions estimated (CUT)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tanzuji.rules.checks.base import Context, matches, rule
from tanzuji.rules.checks.scope import CAPITAL_GOODS
from tanzuji.rules.findings import Finding

# An estimate written into an exclusion: "est. < 1 %", "~ 1-2 %", "约 0.5 %", "≈ 3 kg CO2e".
# A percentage "of" something other than the result ("2 % of cell mass") is not a GHG share.
_ESTIMATE = re.compile(
    r"(?P<op>est\.?|estimated|估算|估计|约|~|≈|<=|<|≤)\s*"
    r"(?P<a>\d+(?:\.\d+)?)(?:\s*[-–~至]\s*(?P<b>\d+(?:\.\d+)?))?\s*"
    r"(?P<unit>%|kg\s*CO2e?)"
    r"(?!\s*of\s+(?!(?:the\s+)?(?:result|total|cfp|footprint|pcf)))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Estimate:
    """Share of the result an excluded item is estimated at, as a range in percent."""

    low: float
    high: float


def estimate(text: str, total: float) -> Estimate | None:
    """The estimate written into one exclusion, in percent of ``total`` (kg CO2e per unit).

    ``< x`` reads as 0 to x; a range ``a-b`` as a to b; several estimates as their widest
    span. Estimates in kg CO2e are turned into shares of the computed result."""
    spans: list[tuple[float, float]] = []
    for m in _ESTIMATE.finditer(text):
        a = float(m["a"])
        b = float(m["b"]) if m["b"] else a
        if not m["unit"].startswith("%"):
            if not total:
                continue
            a, b = 100.0 * a / abs(total), 100.0 * b / abs(total)
        low = 0.0 if m["op"] in ("<", "<=", "≤") else min(a, b)
        spans.append((low, max(a, b)))
    if not spans:
        return None
    return Estimate(max(s[0] for s in spans), max(s[1] for s in spans))


@rule("CUT-01", "E", "cut-off criteria stated", "明确取舍准则")
def criteria(ctx: Context) -> Iterator[Finding]:
    if "cut_off" not in ctx.study.study.model_fields_set:
        yield ctx.finding("未说明取舍准则（依据与阈值）：请填写 study.cut_off",
                          "the cut-off criteria (basis and thresholds) are not stated: fill in "
                          "study.cut_off", "study")


@rule("CUT-02", "E", "cut-off within the thresholds", "取舍在阈值之内")
def thresholds(ctx: Context) -> Iterator[Finding]:
    c = ctx.study.study.cut_off
    want = ctx.pcr.cut_off if ctx.pcr is not None else None
    if want is not None:
        if c.per_item_percent > want.per_item_percent or c.total_percent > want.total_percent:
            yield ctx.finding(
                f"取舍阈值（单项 {c.per_item_percent:g} %，合计 {c.total_percent:g} %）宽于 PCR "
                f"（{want.per_item_percent:g} %，{want.total_percent:g} %）",
                f"the cut-off thresholds (each {c.per_item_percent:g} %, together "
                f"{c.total_percent:g} %) are looser than the PCR's ({want.per_item_percent:g} %, "
                f"{want.total_percent:g} %)", "study.cut_off")
        if c.criterion != want.criterion:
            yield ctx.finding(f"取舍依据为 {c.criterion}，PCR 规定 {want.criterion}",
                              f"the cut-off criterion is {c.criterion}; the PCR sets "
                              f"{want.criterion}", "study.cut_off.criterion", "W")
    elif ctx.pcr is None and c.total_percent > 5.0:
        yield ctx.finding(f"合计取舍阈值 {c.total_percent:g} % 超过通行的 5 %（PACT、PAS 2050）",
                          f"the total cut-off threshold {c.total_percent:g} % exceeds the usual "
                          "5 % (PACT, PAS 2050)", "study.cut_off.total_percent", "W")
    per_item, total, whose = ctx.cut_off_thresholds
    lows = highs = 0.0
    for i, text in enumerate(c.excluded):
        est = estimate(text, ctx.result.total)
        if est is None:
            continue
        lows, highs = lows + est.low, highs + est.high
        where = f"study.cut_off.excluded[{i}]"
        if est.low > per_item:
            yield ctx.finding(f"排除项估计占结果 {est.low:g} % 以上，超过单项阈值 {per_item:g} %"
                              f"（{whose}）",
                              f"an excluded item is estimated at {est.low:g} % or more of the "
                              f"result, above the per-item threshold {per_item:g} % ({whose})",
                              where)
        elif est.high > per_item:
            yield ctx.finding(f"排除项估计可达结果的 {est.high:g} %，可能超过单项阈值 "
                              f"{per_item:g} %：请筛查或纳入模型",
                              f"an excluded item is estimated at up to {est.high:g} % of the "
                              f"result and may exceed the per-item threshold {per_item:g} %: "
                              "screen it or model it", where, "W")
    if lows > total:
        yield ctx.finding(f"排除项合计估计至少 {lows:g} %，超过合计阈值 {total:g} %（{whose}）",
                          f"the excluded items together are estimated at {lows:g} % or more, "
                          f"above the total threshold {total:g} % ({whose})",
                          "study.cut_off.excluded")
    elif highs > total:
        yield ctx.finding(f"排除项合计估计可达 {highs:g} %，可能超过合计阈值 {total:g} %",
                          f"the excluded items together are estimated at up to {highs:g} %, "
                          f"which may exceed the total threshold {total:g} %",
                          "study.cut_off.excluded", "W")


@rule("CUT-03", "W", "exclusions estimated by screening", "排除项经筛查估算")
def screening(ctx: Context) -> Iterator[Finding]:
    for i, text in enumerate(ctx.study.study.cut_off.excluded):
        if matches(CAPITAL_GOODS, text) or estimate(text, ctx.result.total) is not None:
            continue
        yield ctx.finding("排除项没有估算其对结果的贡献（如“est. < 1 %”或“≈ 2 kg CO2e”）",
                          "an excluded item carries no screening estimate of its share of the "
                          "result (write e.g. 'est. < 1 %' or '≈ 2 kg CO2e')",
                          f"study.cut_off.excluded[{i}]")

"""Cut-off: criteria stated, thresholds as the PCR sets them, exclusions screened (CUT).

What was cut off is measured, not declared: inputs marked ``cut_off: true`` are solved with
the complete system and their shares of it (``result.cut_off``) checked against the
thresholds; an exclusion written only as text is a warning until it is screened that way."""

from __future__ import annotations

from collections.abc import Iterator

from tanzuji.rules.checks.base import Context, matches, rule
from tanzuji.rules.checks.scope import CAPITAL_GOODS
from tanzuji.rules.findings import Finding


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
    screened = ctx.result.cut_off
    if screened is None:
        return
    per_item, total, whose = ctx.cut_off_thresholds
    for item in screened.items:
        if abs(item.share) > per_item:
            yield ctx.finding(
                f"取舍项“{item.label}”占完整结果的 {item.share:.2g} %，超过单项阈值 "
                f"{per_item:g} %（{whose}）：应纳入计算",
                f"the cut-off input '{item.label}' is {item.share:.2g} % of the complete "
                f"result, above the per-item threshold {per_item:g} % ({whose}): include it",
                item.path)
    if abs(screened.total_share) > total:
        yield ctx.finding(
            f"取舍项合计占完整结果的 {screened.total_share:.2g} %，超过合计阈值 {total:g} %"
            f"（{whose}）",
            f"the cut-off inputs together are {screened.total_share:.2g} % of the complete "
            f"result, above the total threshold {total:g} % ({whose})", "study.cut_off")


@rule("CUT-03", "W", "exclusions estimated by screening", "排除项经筛查估算")
def screening(ctx: Context) -> Iterator[Finding]:
    for i, text in enumerate(ctx.study.study.cut_off.excluded):
        if matches(CAPITAL_GOODS, text):
            continue  # excluded by default (SB-03)
        yield ctx.finding("排除项未经筛查计算：请以 cut_off: true 的输入建模（可用次级数据），"
                          "以便计算其贡献",
                          "an excluded item is not screened: model it as an input with "
                          "cut_off: true (secondary data will do) so that its share is "
                          "computed", f"study.cut_off.excluded[{i}]")

"""Rules a program cannot judge: listed for the author (or reviewer) to confirm."""

from __future__ import annotations

from tanzuji.model.study import Stage
from tanzuji.rules.findings import Finding
from tanzuji.rules.pcr import PCR

# rule id, what to confirm (zh, en), where
ITEMS: list[tuple[str, str, str, str]] = [
    ("STUDY-01", "目的与范围适合预期应用和受众",
     "the goal and scope suit the intended application and audience", "study.goal"),
    ("SB-02", "排除的阶段和过程不会显著改变总体结论",
     "the stages and processes left out do not change the overall conclusions", "study.stages"),
    ("DATA-05", "已用质量平衡与能量平衡核对数据",
     "the data were validated with mass and energy balances", "processes"),
    ("INT-02", "已做完整性、一致性与敏感性检查，并在解释中讨论",
     "completeness, consistency and sensitivity checks were done and are discussed",
     "interpretation"),
    ("INT-03", "报告说明了局限与结论，并声明仅涉及气候变化",
     "the report states limitations and conclusions, and that only climate change is addressed",
     "report"),
    ("LUC-01", "已评估直接土地利用变化（dLUC，IPCC 方法，20 年分摊）",
     "direct land-use change (dLUC, IPCC methods, spread over 20 years) was assessed",
     "processes"),
    ("LUC-02", "间接土地利用变化（iLUC）未计入碳足迹",
     "indirect land-use change (iLUC) is not included in the CFP", "processes"),
    ("LUC-03", "土壤碳变化（如不属于 dLUC）单独报告",
     "soil carbon change, where not part of dLUC, is reported apart", "report"),
    ("TIME-01", "排放与清除的时间效应未计入碳足迹",
     "timing effects of emissions and removals are not included in the CFP", "report"),
    ("REP-01", "报告包含 GB/T 24067 要求的全部内容",
     "the report holds every item GB/T 24067 asks for", "report"),
    ("REP-03", "报告中的数字均由模型生成，未手工录入",
     "every number in the report comes from the model, none typed in by hand", "report"),
    ("DECL-03", "声明不含基于抵消的“碳中和”说法",
     "the declaration makes no offset-based 'carbon neutral' claim", "declaration"),
]


def confirmations(stages: list[Stage], pcr: PCR | None) -> list[Finding]:
    """What the author must confirm for this study, with the PCR's own report sections."""
    out = [Finding(rule=rid, severity="I", message_zh=zh, message_en=en,
                   location=where, confirm=True) for rid, zh, en, where in ITEMS]
    if Stage.use in stages or Stage.end_of_life in stages:
        out.append(Finding(rule="SB-05", severity="I",
                           message_zh="使用与寿命终止情景有据可查，备选情景的影响已报告",
                           message_en="use and end-of-life scenarios are sourced and the effect "
                           "of alternatives is reported", location="processes",
                           confirm=True))
    if pcr is not None:
        out.extend(Finding(rule="REP-01", severity="I",
                           message_zh=f"报告包含 PCR 要求的章节“{s.title_zh}”",
                           message_en=f"the report has the section the PCR asks for: "
                           f"{s.title_en}", location=f"{pcr.ref}: report_sections.{s.id}",
                           confirm=True) for s in pcr.report_sections)
    return out

"""The number on a label in plain words (zh/en), for consumers: what making one unit emitted,
how it compares with the category's median, what the grade means, what the boundary covers."""

from __future__ import annotations

from tanzuji.benchmark.assess import Assessment

BOUNDARY: dict[str, tuple[str, str]] = {
    "cradle_to_gate": (
        "从原材料开采、运输到工厂出厂为止（原材料获取与生产阶段），不含使用和废弃。",
        "from extracting the raw materials to the factory gate (raw material acquisition and "
        "production); use and disposal are not included."),
    "cradle_to_grave": (
        "覆盖全生命周期：原材料获取、生产、分销、使用和废弃处置。",
        "the whole life cycle: raw materials, production, distribution, use and disposal."),
    "gate_to_gate": ("仅包括工厂内的生产过程。", "only the production inside the factory."),
}


def _number(v: float) -> str:
    return f"{v:,.3g}" if abs(v) < 100 else f"{v:,.0f}"


def plain_words(a: Assessment, product_en: str, product_zh: str | None,
                boundary: str | None) -> dict[str, str]:
    """The explanation in Chinese and English: one short paragraph each."""
    unit = a.category.rule.unit
    value = _number(a.value)
    zh = [f"生产 1 {unit}{product_zh or product_en}约排放 {value} kg 二氧化碳当量（CO2e）"]
    en = [f"Making 1 {unit} of this {product_en} emitted about {value} kg CO2e"]
    if a.below_median_percent is not None:
        pct = abs(a.below_median_percent)
        if a.below_median_percent >= 0.5:
            zh.append(f"，比同类产品中位数低约 {pct:.0f}%")
            en.append(f", about {pct:.0f} % below the category median")
        elif a.below_median_percent <= -0.5:
            zh.append(f"，比同类产品中位数高约 {pct:.0f}%")
            en.append(f", about {pct:.0f} % above the category median")
        else:
            zh.append("，与同类产品中位数相当")
            en.append(", about the category median")
    zh.append("。")
    en.append(".")
    if a.grade is not None:
        letters = a.grade.letters
        zh.append(f"等级 {a.grade.letter}（{letters[0]} 最好，{letters[-1]} 最差，"
                  f"依据同类 {a.grade.n} 个数值）。")
        en.append(f" Grade {a.grade.letter} ({letters[0]} best to {letters[-1]} worst, "
                  f"from {a.grade.n} values of the category).")
    if boundary:
        key = boundary.replace("-", "_")
        if key in BOUNDARY:
            zh.append("计算范围：" + BOUNDARY[key][0])
            en.append(" The number covers " + BOUNDARY[key][1])
    return {"zh": "".join(zh), "en": "".join(en)}

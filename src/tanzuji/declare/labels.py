"""The declaration's words in Chinese and English (GB/T 24067-2024 terms for the Chinese)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]

DESIGNATION: dict[Lang, dict[str, str]] = {
    "en": {"CFP": "Carbon footprint of a product (CFP)",
           "partial_CFP": "Partial carbon footprint of a product (partial CFP)"},
    "zh": {"CFP": "产品碳足迹", "partial_CFP": "产品部分碳足迹"},
}

STAGE: dict[Lang, dict[str, str]] = {
    "en": {"raw_material_acquisition": "Raw material acquisition", "production": "Production",
           "distribution": "Distribution", "use": "Use", "end_of_life": "End of life"},
    "zh": {"raw_material_acquisition": "原材料获取", "production": "生产",
           "distribution": "分销", "use": "使用", "end_of_life": "寿命终止"},
}

BOUNDARY: dict[Lang, dict[str, str]] = {
    "en": {"cradle_to_grave": "cradle to grave", "cradle_to_gate": "cradle to gate",
           "gate_to_gate": "gate to gate",
           "cradle_to_gate_with_options": "cradle to gate with options",
           "partial": "selected stages"},
    "zh": {"cradle_to_grave": "从摇篮到坟墓", "cradle_to_gate": "从摇篮到大门",
           "gate_to_gate": "从大门到大门",
           "cradle_to_gate_with_options": "从摇篮到大门（含可选阶段）",
           "partial": "部分阶段"},
}

VERIFICATION: dict[Lang, dict[str, str]] = {
    "en": {"not_verified": "Not verified", "verified": "Verified", "certified": "Certified"},
    "zh": {"not_verified": "未经核查", "verified": "已核查", "certified": "已认证"},
}

UNIT_KIND: dict[Lang, dict[str, str]] = {
    "en": {"functional": "Functional unit", "declared": "Declared unit"},
    "zh": {"functional": "功能单位", "declared": "声明单位"},
}


def statements(lang: Lang, partial: bool, excluded: list[str]) -> list[str]:
    """What every declaration says (ISO 14067 / GB/T 24067; DECL-02, DECL-03, INT-03)."""
    if lang == "zh":
        out = ["本声明仅涉及气候变化这一影响类别。",
               "碳足迹中未扣除任何碳抵消或碳信用；本声明不构成“碳中和”声明。"]
        if partial:
            out.append(f"这是产品部分碳足迹，不包括：{'、'.join(excluded)}；不得作为完整的产品碳足迹"
                       "使用或与之比较。")
        out.append("产品之间的比较仅在采用相同的产品种类规则、功能单位和系统边界时有效。")
        return out
    out = ["This declaration addresses climate change only.",
           "No offsets or credits are subtracted; this is not a carbon-neutrality claim."]
    if partial:
        out.append(f"This is a partial CFP. It does not cover: {', '.join(excluded)}. It must "
                   "not be used or compared as a full CFP.")
    out.append("Products may be compared only under the same PCR, functional or declared unit "
               "and system boundary.")
    return out


TEXT: dict[Lang, dict[str, str]] = {
    "en": {
        "declaration": "Declaration", "issued": "Issued", "product": "Product",
        "model": "Model", "producer": "Producer", "site": "Site", "value": "Result",
        "per": "per", "boundary": "System boundary", "stages": "Life-cycle stages",
        "included": "included", "excluded": "excluded", "share": "Share",
        "reported_apart": "Reported separately", "fossil": "Fossil GHG emissions",
        "biogenic_emissions": "Biogenic GHG emissions",
        "biogenic_removals": "Biogenic CO2 removals", "dluc": "Direct land-use change",
        "aircraft": "Aircraft transport", "biogenic_carbon_content": "Biogenic carbon content",
        "biogenic_carbon_content_packaging": "Biogenic carbon content of packaging",
        "reference_period": "Reference period", "pcr": "Product category rules",
        "standards": "Standards", "gwp": "Characterisation factors",
        "primary_data_share": "Share of primary data", "validity": "Valid",
        "validity_default": "(default: 3 years after the reference period)",
        "verification": "Verification", "certificate": "Certificate",
        "public_report": "Public report", "no_public_report": "not published",
        "provenance": "Calculated with Tanzuji", "model_hash": "model SHA-256",
        "to": "to", "body": "by",
    },
    "zh": {
        "declaration": "声明编号", "issued": "发布日期", "product": "产品",
        "model": "型号规格", "producer": "生产者", "site": "生产地点", "value": "结果",
        "per": "每", "boundary": "系统边界", "stages": "生命周期阶段",
        "included": "包括", "excluded": "不包括", "share": "占比",
        "reported_apart": "单独报告", "fossil": "化石温室气体排放",
        "biogenic_emissions": "生物源温室气体排放", "biogenic_removals": "生物源CO2清除",
        "dluc": "直接土地利用变化", "aircraft": "航空运输",
        "biogenic_carbon_content": "生物源碳含量",
        "biogenic_carbon_content_packaging": "包装的生物源碳含量",
        "reference_period": "数据时间范围",
        "pcr": "产品种类规则", "standards": "依据标准", "gwp": "特征化因子",
        "primary_data_share": "初级数据占比", "validity": "有效期",
        "validity_default": "（默认：数据时间范围结束后3年）",
        "verification": "核查/认证", "certificate": "证书编号",
        "public_report": "公开报告", "no_public_report": "未公开",
        "provenance": "由碳足迹（Tanzuji）计算", "model_hash": "模型 SHA-256",
        "to": "至", "body": "机构",
    },
}

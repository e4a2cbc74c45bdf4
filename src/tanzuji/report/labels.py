"""The zh/en label catalogue of the report: every fixed word and sentence, in both languages.

Sentences carry ``{name}`` placeholders that the context fills with numbers from the result,
so translations never hold a number of their own.
"""

from __future__ import annotations

LANGS = ("zh", "en")

_CATALOGUE: dict[str, tuple[str, str]] = {
    # document
    "report_title": ("CFP study report", "产品碳足迹研究报告"),
    "standard_line": (
        "Carbon footprint of a product per GB/T 24067-2024 / ISO 14067:2018",
        "依据 GB/T 24067-2024 / ISO 14067:2018 的产品碳足迹量化",
    ),
    "generated_from": (
        "Every number in this report is generated from the stored calculation result "
        "(study hash {sha}); none is typed by hand.",
        "本报告中的全部数值均由已存储的计算结果自动生成（研究文件哈希 {sha}），无手工录入。",
    ),
    "contents": ("Contents", "目录"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "none": ("none", "无"),
    "not_calculated": ("not calculated", "未计算"),
    "not_applicable": ("not applicable", "不适用"),
    # summary
    "sec_summary": ("Summary", "摘要"),
    "product": ("Product", "产品"),
    "model": ("Model / specification", "型号/规格"),
    "producer": ("Producer", "生产者"),
    "site": ("Production site", "生产地点"),
    "codes": ("Classification codes", "分类代码"),
    "study_id": ("Study id", "研究编号"),
    "practitioner": ("Practitioner", "研究执行方"),
    "result": ("Result", "结果"),
    "result_type": ("Result type", "结果类型"),
    "CFP": ("CFP (cradle to grave)", "产品碳足迹（从摇篮到坟墓）"),
    "partial_CFP": ("partial CFP", "部分产品碳足迹"),
    "mc_interval": ("95 % interval (Monte Carlo)", "95 % 区间（蒙特卡洛）"),
    # goal
    "sec_goal": ("Goal of the study", "研究目的"),
    "application": ("Intended application", "预期应用"),
    "reasons": ("Reasons for the study", "开展研究的理由"),
    "audience": ("Target audience", "目标受众"),
    "public": ("Results disclosed to the public", "结果是否向公众公开"),
    "comparative": ("Used in comparative assertions", "是否用于比较性声明"),
    # scope
    "sec_scope": ("Scope", "范围"),
    "sec_unit": ("Functional or declared unit and reference flow", "功能单位或声明单位及基准流"),
    "unit_kind": ("Kind of unit", "单位类型"),
    "functional": ("functional unit", "功能单位"),
    "declared": ("declared unit", "声明单位"),
    "unit_description": ("Definition", "定义"),
    "unit_quantity": ("Quantity", "数量"),
    "reference_flow": ("Reference flow", "基准流"),
    "reference_flow_text": (
        "{amount} {unit} of “{product}” from process “{process}”",
        "来自过程“{process}”的“{product}” {amount} {unit}",
    ),
    "sec_boundary": ("System boundary", "系统边界"),
    "boundary_type": ("Boundary", "边界类型"),
    "cradle_to_grave": ("cradle to grave", "从摇篮到坟墓"),
    "cradle_to_gate": ("cradle to gate", "从摇篮到大门"),
    "gate_to_gate": ("gate to gate", "从大门到大门"),
    "cradle_to_gate_with_options": ("cradle to gate with options", "从摇篮到大门（含选项）"),
    "partial": ("partial (stages listed)", "部分（所列阶段）"),
    "stage": ("Life-cycle stage", "生命周期阶段"),
    "included": ("Included", "是否纳入"),
    "justification": ("Justification", "理由"),
    "processes_in_stage": ("Processes", "过程"),
    "omitted": ("Omitted processes and data", "被省略的过程和数据"),
    "omitted_see": ("the {n} processes and data left out are listed, with their "
                    "justification, under the cut-off criteria (3.5).",
                    "被省略的 {n} 项过程和数据及其理由列于取舍准则（3.5）中。"),
    "omitted_none": ("The study lists no omitted processes or data.",
                     "研究未列出被省略的过程或数据。"),
    "sec_period": ("Time period and geography", "时间范围与地理范围"),
    "reference_period": ("Reference period of the data", "数据基准期"),
    "period_text": ("{start} to {end} ({days} days)", "{start} 至 {end}（{days} 天）"),
    "geography": ("Geography", "地理范围"),
    "sec_pcr": ("PCR and supplementary requirements", "产品种类规则及补充要求"),
    "pcr": ("Product category rules (CFP-PCR)", "产品种类规则（CFP-PCR）"),
    "pcr_none": ("No PCR applies; the general rules of GB/T 24067-2024 are used.",
                 "未采用产品种类规则，采用 GB/T 24067-2024 的通用要求。"),
    "standards": ("Standards applied", "所依据的标准"),
    "standards_text": (
        "GB/T 24067-2024 (ISO 14067:2018), GB/T 24040 / GB/T 24044 (ISO 14040 / 14044)",
        "GB/T 24067-2024（ISO 14067:2018）、GB/T 24040 / GB/T 24044（ISO 14040 / 14044）",
    ),
    "sec_cutoff": ("Cut-off criteria", "取舍准则"),
    "cutoff_criterion": ("Criterion", "准则"),
    "cutoff_mass": ("mass", "质量"),
    "cutoff_energy": ("energy", "能量"),
    "cutoff_ghg": ("GHG significance", "温室气体显著性"),
    "cutoff_thresholds": ("Thresholds", "阈值"),
    "cutoff_text": ("each excluded item under {per} %, all together at most {total} %",
                    "单项排除不超过 {per} %，合计不超过 {total} %"),
    "cutoff_excluded": ("Cut off", "被取舍的内容"),
    "cutoff_screened": ("Inputs screened and cut off (computed on the complete system)",
                        "经筛查计算后取舍的输入（按完整系统计算）"),
    "cutoff_screened_text": (
        "Together {share} of the complete result ({complete} kg CO2e per unit with them, "
        "{total} without).",
        "合计占完整结果的 {share}（纳入时为每单位 {complete} kg CO2e，取舍后为 {total}）。"),
    "cutoff_unscreened": ("Excluded without screening", "未经筛查计算的排除项"),
    "sec_allocation": ("Allocation procedures", "分配程序"),
    "allocation_none": ("No process of the study has co-products: no allocation was needed.",
                        "本研究中没有含共生产品的过程，无需分配。"),
    "process": ("Process", "过程"),
    "co_products": ("Co-products", "共生产品"),
    "method": ("Method", "方法"),
    "basis": ("Basis", "基准"),
    "physical": ("physical relationship", "物理关系分配"),
    "economic": ("economic value", "经济价值分配"),
    "system_expansion": ("system expansion (substitution)", "系统扩展（替代）"),
    "eol_approach": ("End-of-life and recycling approach", "废弃及回收处理方法"),
    "eol_none": (
        "No process models end-of-life credits or the Circular Footprint Formula: recycled "
        "content and recovery follow the cut-off (100:0) approach.",
        "没有过程建模废弃阶段的抵扣或循环足迹公式：再生含量与回收按截断法（100:0）处理。",
    ),
    "cut_off": ("cut-off (100:0)", "截断法（100:0）"),
    "avoided_burden": ("avoided burden", "避免负担法"),
    "cff": ("Circular Footprint Formula (CFF)", "循环足迹公式（CFF）"),
    "sec_ghg": ("Greenhouse gases considered", "所考虑的温室气体"),
    "gas": ("Greenhouse gas", "温室气体"),
    "gwp100": ("GWP100 (kg CO2e/kg)", "GWP100（kg CO2e/kg）"),
    "CO2e_unresolved": ("GHG as published in CO2e by background factors (not split by gas)",
                        "背景因子以 CO2e 发布的温室气体（未按气体拆分）"),
    "CH4_fossil": ("CH4, fossil", "CH4（化石来源）"),
    "CH4_nonfossil": ("CH4, non-fossil", "CH4（非化石来源）"),
    "as_published": ("as published", "按来源发布值"),
    "sec_gwp": ("Characterisation factors", "特征化因子"),
    "gwp_text": (
        "GWP100 of the IPCC {set} ({report}); the result is in kg CO2e. Methane is split by "
        "origin (fossil {ch4f}, non-fossil {ch4n} kg CO2e/kg).",
        "采用 IPCC {set}（{report}）的 100 年全球变暖潜势（GWP100），结果单位为 kg CO2e。"
        "甲烷按来源区分（化石来源 {ch4f}，非化石来源 {ch4n} kg CO2e/kg）。",
    ),
    "AR6": ("Sixth Assessment Report, 2021", "第六次评估报告，2021"),
    "AR5": ("Fifth Assessment Report, 2013", "第五次评估报告，2013"),
    "AR4": ("Fourth Assessment Report, 2007", "第四次评估报告，2007"),
    "sec_scenarios": ("Use profile and end-of-life scenarios", "使用情景与废弃情景"),
    "scenario_excluded": ("Excluded from the boundary: {why}", "未纳入系统边界：{why}"),
    "scenario_modelled": ("Modelled by: {processes}", "建模过程：{processes}"),
    "scenario_none": ("Included, but no process of the study belongs to this stage.",
                      "已纳入，但研究中没有属于该阶段的过程。"),
    # inventory
    "sec_inventory": ("Inventory: data", "清单：数据"),
    "sec_data": ("Data collection and data sources", "数据收集与数据来源"),
    "location": ("Location", "地点"),
    "controlled": ("Under the organisation's control", "受组织控制"),
    "amounts": ("Amounts", "数据项"),
    "primary": ("primary", "初级"),
    "secondary": ("secondary", "次级"),
    "primary_count": ("Primary", "初级数据"),
    "evidence_count": ("With evidence", "附证据"),
    "factors_used": ("Background factors used", "所用背景因子"),
    "factor_id": ("Factor", "因子"),
    "source": ("Source", "来源"),
    "year": ("Year", "年份"),
    "kind": ("Kind", "类别"),
    "carbon_footprint_factor": ("carbon-footprint factor", "碳足迹因子"),
    "co2_emission_factor": ("CO2 emission factor", "二氧化碳排放因子"),
    "factor_tables": ("Factor tables", "因子表"),
    "databases": ("Unit-process databases", "单元过程数据库"),
    "releases": ("Factor-database releases", "因子数据库发布版本"),
    "sec_quality": ("Data quality and share of primary data", "数据质量与初级数据占比"),
    "primary_share": ("Share of primary data", "初级数据占比"),
    "primary_share_text": (
        "{share} of the result (by absolute contribution) rests on primary (site) data.",
        "结果中（按贡献绝对值计）{share} 基于初级（现场）数据。",
    ),
    "dq_method": (
        "Data quality is scored with the pedigree matrix (1 best to 5 worst) where the study "
        "gives one, and rated on the PEF scale (≤ 1.5 excellent, ≤ 2 very good, ≤ 3 good, "
        "≤ 4 fair, > 4 poor).",
        "数据质量采用谱系矩阵评分（1 为最好，5 为最差），并按 PEF 等级评定"
        "（≤ 1.5 优秀，≤ 2 很好，≤ 3 良好，≤ 4 一般，> 4 较差）。",
    ),
    "pedigree_scores": ("Pedigree scores R / C / T / G / Te",
                        "谱系评分 可靠性/完整性/时间/地理/技术"),
    "with_uncertainty": ("Amounts with a distribution or pedigree of their own",
                         "自带分布或谱系评分的数据项"),
    "rating": ("Rating", "评级"),
    "rating_excellent": ("excellent", "优秀"),
    "rating_very_good": ("very good", "很好"),
    "rating_good": ("good", "良好"),
    "rating_fair": ("fair", "一般"),
    "rating_poor": ("poor", "较差"),
    "no_pedigree": ("no pedigree given", "未给出谱系评分"),
    "sec_electricity": ("Treatment of electricity", "电力的处理"),
    "electricity_setting": (
        "Official Chinese electricity factors: {kind}, data year {year}.",
        "采用中国官方电力因子：{kind}，数据年份 {year}。",
    ),
    "latest": ("latest shipped", "最新内置"),
    "electricity_cf": (
        "Carbon-footprint (life-cycle) factors cover fuel supply, generation and "
        "transmission and distribution losses (ELEC-01).",
        "电力碳足迹（全生命周期）因子涵盖燃料供应、发电及输配电损耗（ELEC-01）。",
    ),
    "electricity_co2": (
        "CO2 emission factors cover CO2 from generation only; the study was flagged "
        "(ELEC-01) and the life-cycle factor is shown as an alternative below.",
        "二氧化碳排放因子仅涵盖发电环节的 CO2；本研究已被标记（ELEC-01），"
        "下文方法学敏感性分析给出了采用全生命周期因子的结果。",
    ),
    "electricity_none": ("The study uses no official grid electricity factor.",
                         "本研究未使用官方电网电力因子。"),
    "value": ("Value", "数值"),
    # results
    "sec_results": ("Results", "结果"),
    "total": ("Carbon footprint", "碳足迹"),
    "per_unit": ("kg CO2e per {unit}", "kg CO2e/{unit}"),
    "sec_stages": ("Contribution of the life-cycle stages", "各生命周期阶段的贡献"),
    "share": ("Share", "占比"),
    "interval_95": ("95 % interval", "95 % 区间"),
    "raw_material_acquisition": ("Raw material acquisition", "原材料获取"),
    "production": ("Production", "生产"),
    "distribution": ("Distribution", "分销"),
    "use": ("Use", "使用"),
    "end_of_life": ("End of life", "生命末期"),
    "stage_excluded": ("excluded", "未纳入"),
    "sec_categories": ("GHG emissions and removals reported separately",
                       "单独报告的温室气体排放和清除"),
    "category": ("Category", "类别"),
    "fossil": ("Fossil GHG emissions and removals (net)", "化石温室气体排放和清除（净值）"),
    "biogenic_emissions": ("Biogenic GHG emissions", "生物源温室气体排放"),
    "biogenic_removals": ("Biogenic GHG removals", "生物源温室气体清除"),
    "dluc": ("Direct land-use change (dLUC)", "直接土地利用变化（dLUC）"),
    "aircraft": ("Aircraft transport", "航空运输"),
    "iluc": ("Indirect land-use change (iLUC)", "间接土地利用变化（iLUC）"),
    "soil_carbon": ("Soil carbon change", "土壤碳变化"),
    "timing": ("Effect of the timing of emissions", "排放时间效应"),
    "biogenic_carbon_content": ("Biogenic carbon content of the product (kg C)",
                                "产品中的生物源碳含量（kg C）"),
    "biogenic_carbon_packaging": ("Biogenic carbon content of the packaging (kg C)",
                                  "包装中的生物源碳含量（kg C）"),
    "categories_note": (
        "The first five lines add up to the total. iLUC, soil carbon change and timing effects "
        "are not part of the CFP; they were not calculated.",
        "前五行之和等于总量。间接土地利用变化、土壤碳变化和排放时间效应不计入产品碳足迹，本研究未计算。",
    ),
    "sec_gases": ("Result by greenhouse gas", "按温室气体分列的结果"),
    "sec_hotspots": ("Significant unit processes (hot spots)", "重要单元过程（热点）"),
    "hotspots_note": (
        "Each process with what it buys from background factors and databases; the bars are "
        "ranked, the line is the cumulative share.",
        "各过程含其所购背景因子和数据库的贡献；柱状为排序，折线为累计占比。",
    ),
    "rank": ("Rank", "排名"),
    "cumulative": ("Cumulative", "累计"),
    "sec_lines": ("Largest inputs and emissions", "最大的输入与排放"),
    "line": ("Line", "行号"),
    "item": ("Item", "项目"),
    "data": ("Data", "数据"),
    "sec_sankey": ("Supply chain", "供应链"),
    "item_emission": ("emission {gas} ({origin})", "{gas} 排放（{origin}）"),
    "item_removal": ("removal {gas} ({origin})", "{gas} 清除（{origin}）"),
    "item_transport": ("transport by {mode}", "{mode}运输"),
    "item_avoided": ("avoided: {what}", "避免：{what}"),
    "origin_fossil": ("fossil", "化石"),
    "origin_biogenic": ("biogenic", "生物源"),
    "origin_dluc": ("dluc", "直接土地利用变化"),
    "origin_aircraft": ("aircraft", "航空"),
    "mode_road": ("road", "公路"),
    "mode_rail": ("rail", "铁路"),
    "mode_sea": ("sea", "海运"),
    "mode_inland_waterway": ("inland_waterway", "内河"),
    "mode_air": ("air", "航空"),
    "mode_pipeline": ("pipeline", "管道"),
    "sankey_note": (
        "Cumulative contributions flowing into the product; small branches are grouped as "
        "“others”, credits are red.",
        "流向产品的累计贡献；较小的分支合并为“其他”，抵扣以红色显示。",
    ),
    "other_small": ("others", "其他"),
    # interpretation
    "sec_interpretation": ("Interpretation", "结果解释"),
    "sec_sensitivity": ("Sensitivity analysis", "敏感性分析"),
    "sens_methods": ("Methodological choices (SENS-01)", "方法学选择（SENS-01）"),
    "sens_none": ("Sensitivity analysis was not run for this result.",
                  "本结果未进行敏感性分析。"),
    "choice": ("Choice", "选择"),
    "alternative": ("Alternative", "备选方案"),
    "difference": ("Difference", "差异"),
    "choice_allocation": ("Allocation", "分配方法"),
    "choice_end_of_life": ("End-of-life model", "废弃阶段模型"),
    "choice_electricity": ("Electricity factor", "电力因子"),
    "choice_cut_off": ("Cut-off", "取舍准则"),
    "choice_gwp": ("GWP set", "GWP 值集"),
    "alt_none_allocation": (
        "No multi-output process has data for another allocation method "
        "(prices, physical basis or substitutes).",
        "没有多产出过程具备其他分配方法所需的数据（价格、物理基准或替代品）。",
    ),
    "alt_none_end_of_life": (
        "No process models end-of-life credits or the CFF, so the end-of-life model cannot "
        "change the result.",
        "没有过程建模废弃阶段抵扣或循环足迹公式，废弃阶段模型的选择不影响结果。",
    ),
    "alt_none_electricity": ("The study uses no official grid electricity factor to swap.",
                             "本研究未使用可替换的官方电网电力因子。"),
    "alt_none_cut_off": ("No modelled line falls under the cut-off thresholds.",
                         "没有已建模的清单行低于取舍阈值。"),
    "alt_none_gwp": ("No other GWP set could be computed.", "无法计算其他 GWP 值集。"),
    "cut_off_alt_note": (
        "Cut-off: the study's own criteria applied to its modelled lines, smallest first, "
        "show how much the thresholds can leave out; the omitted items listed above are not "
        "modelled and are not in this figure.",
        "取舍准则：将研究自身的取舍准则由小到大应用于已建模的清单行，以显示阈值可能遗漏的量；"
        "上文所列被省略的内容未建模，不包含在此数值中。",
    ),
    "sens_parameters": ("Parameters", "参数"),
    "sens_parameters_note": (
        "Each parameter moved alone to the ends of its 95 % range (±10 % without one).",
        "每个参数单独取其 95 % 区间端点（无不确定性时取 ±10 %）。",
    ),
    "parameter": ("Parameter", "参数"),
    "low_high": ("Low – high value", "低值 – 高值"),
    "total_low_high": ("Total at low – high", "低值/高值时的总量"),
    "elasticity": ("Elasticity", "弹性系数"),
    "tornado_low": ("total at the low value", "取低值时的总量"),
    "tornado_high": ("total at the high value", "取高值时的总量"),
    "sens_exchanges": ("Inventory amounts (elasticities)", "清单数据（弹性系数）"),
    "sens_exchanges_note": (
        "Per cent change of the total per per cent change of the amount, exact from the "
        "linear system.",
        "数据变化 1 % 时总量变化的百分比，由线性方程组精确求得。",
    ),
    "sec_uncertainty": ("Uncertainty analysis", "不确定性分析"),
    "mc_text": (
        "Monte Carlo simulation with {n} draws (seed {seed}, {method}) of every amount and "
        "parameter that has a distribution or a pedigree score.",
        "对所有给定分布或谱系评分的数据和参数进行了 {n} 次蒙特卡洛模拟"
        "（随机种子 {seed}，{method}）。",
    ),
    "mean": ("Mean", "均值"),
    "median": ("Median", "中位数"),
    "sd": ("Standard deviation", "标准差"),
    "deterministic": ("Deterministic result", "确定性结果"),
    "p2_5": ("2.5 %", "2.5 %"),
    "p97_5": ("97.5 %", "97.5 %"),
    "mc_outside": ("{n} draws outside the chart's range are not drawn.",
                   "有 {n} 次抽样超出图示范围，未绘出。"),
    "mc_lognormal": (
        "Lognormal amounts use their stated value as the median, so the Monte Carlo mean lies "
        "above the deterministic result when spreads are large.",
        "对数正态分布的数据以其给定值为中位数，因此离散程度较大时蒙特卡洛均值会高于确定性结果。",
    ),
    "unc_none": (
        "No quantitative uncertainty analysis was run for this result (qualitative only): the "
        "data quality assessment above describes the reliability of the data.",
        "本结果未进行定量不确定性分析（仅定性）：上文的数据质量评价说明了数据的可靠性。",
    ),
    "sec_conclusions": ("Interpretation, conclusions and limitations", "结果解释、结论与局限性"),
    "significant_issues": ("Significant issues", "重要问题"),
    "issue_stage": ("The {stage} stage contributes {share} of the total.",
                    "{stage}阶段贡献了总量的 {share}。"),
    "issue_hotspots": ("{n} processes make up {share} of the total: {names}.",
                       "{n} 个过程合计占总量的 {share}：{names}。"),
    "issue_line": ("The largest single item is “{label}” ({share}).",
                   "最大的单项为“{label}”（{share}）。"),
    "checks": ("Completeness, consistency and sensitivity checks", "完整性、一致性与敏感性检查"),
    "check_completeness": (
        "Completeness: {stages} of 5 stages are included; {omitted} items are cut off and "
        "listed above.",
        "完整性：纳入 5 个阶段中的 {stages} 个；{omitted} 项内容被取舍并已在上文列出。",
    ),
    "check_consistency": (
        "Consistency: one GWP set ({gwp}) for every gas; background factors of data years "
        "{years}.",
        "一致性：所有气体采用同一 GWP 值集（{gwp}）；背景因子数据年份为 {years}。",
    ),
    "check_sensitivity": (
        "Sensitivity: the methodological choice with the largest effect is “{name}” "
        "({change}).",
        "敏感性：影响最大的方法学选择为“{name}”（{change}）。",
    ),
    "check_sensitivity_none": ("Sensitivity: no methodological alternative was computed.",
                               "敏感性：未计算方法学备选方案。"),
    "check_uncertainty": (
        "Uncertainty: the 95 % interval is {low} to {high} ({rel_low} / {rel_high} from the "
        "deterministic result).",
        "不确定性：95 % 区间为 {low} 至 {high}（相对确定性结果 {rel_low} / {rel_high}）。",
    ),
    "conclusions": ("Conclusions", "结论"),
    "conclusion_text": (
        "The {result_type} of {product} is {total} {unit} ({boundary}, GWP100 {gwp}).",
        "{product}的{result_type}为 {total} {unit}（{boundary}，GWP100 {gwp}）。",
    ),
    "conclusion_partial": (
        "As a partial CFP it must not be presented as the footprint of the whole life cycle "
        "(DECL-02).",
        "作为部分产品碳足迹，不得表述为全生命周期碳足迹（DECL-02）。",
    ),
    "limitations": ("Limitations", "局限性"),
    "limit_climate": (
        "Only climate change is assessed; other environmental impacts are not.",
        "仅评价气候变化，未评价其他环境影响。",
    ),
    "limit_offsets": ("Offsets and credits are not subtracted from the result.",
                      "结果中未扣除碳抵消或碳信用。"),
    "limit_cutoff": ("Items cut off (listed above) are not quantified.",
                     "被取舍的内容（见上文）未被量化。"),
    "limit_secondary": (
        "{share} of the result rests on secondary data, whose representativeness is limited "
        "to the sources cited.",
        "结果中 {share} 基于次级数据，其代表性受所引用来源的限制。",
    ),
    "limit_note": ("{code}: {message}", "{code}：{message}"),
    "sec_value_choices": ("Value choices and their justification", "价值选择及其理由"),
    "decision": ("Decision", "决定"),
    "vc_gwp": ("GWP set", "GWP 值集"),
    "vc_gwp_latest": ("The latest IPCC assessment (GWP-01).",
                      "采用最新的 IPCC 评估报告（GWP-01）。"),
    "vc_gwp_other": ("An older set, as the PCR or scheme requires (GWP-02).",
                     "按产品种类规则或方案要求采用较早的值集（GWP-02）。"),
    "vc_boundary": ("System boundary", "系统边界"),
    "vc_allocation": ("Allocation", "分配"),
    "vc_eol": ("End-of-life model", "废弃阶段模型"),
    "vc_electricity": ("Electricity factors", "电力因子"),
    "vc_cutoff": ("Cut-off", "取舍"),
    "vc_cutoff_text": (
        "Criteria and thresholds are stated as CUT-01 requires (1 % per item and 5 % in all is "
        "the common PCR default, CUT-02); their effect is screened in the sensitivity "
        "analysis (6.1).",
        "按 CUT-01 的要求说明准则与阈值（单项 1 %、合计 5 % 为常见的产品种类规则默认值，"
        "CUT-02）；其影响在敏感性分析（6.1）中筛查。",
    ),
    "vc_data": ("Primary data", "初级数据"),
    "vc_data_text": (
        "Processes under the organisation's control use primary data (DATA-01); others "
        "secondary data from the sources listed.",
        "受组织控制的过程采用初级数据（DATA-01）；其他过程采用所列来源的次级数据。",
    ),
    "vc_no_justification": ("no justification given in the study", "研究中未给出理由"),
    "sec_review": ("Critical review", "鉴定性评审"),
    "review_none": (
        "No critical review (ISO/TS 14071) is recorded for this study. A review is needed "
        "before the results are disclosed to the public or used in comparisons (CR-01).",
        "本研究未记录鉴定性评审（ISO/TS 14071）。结果向公众公开或用于比较之前需进行评审（CR-01）。",
    ),
    "review_required": ("The goal states public or comparative use: a review is required.",
                        "研究目的涉及公开或比较性使用：须进行评审。"),
    "sec_climate_only": ("Scope of the impact assessment", "影响评价范围"),
    "climate_only": (
        "This study addresses climate change only, the single impact category of a CFP. It "
        "does not assess other environmental impacts, and its result does not support claims "
        "about overall environmental superiority.",
        "本研究仅涉及气候变化这一产品碳足迹的唯一影响类别，不评价其他环境影响，"
        "其结果不能用于支持整体环境优越性的声明。",
    ),
    "sec_provenance": ("Provenance", "数据溯源"),
    "model_sha256": ("Study and factor tables (SHA-256)", "研究文件及因子表（SHA-256）"),
    "software": ("Software", "软件"),
    "computed_at": ("Computed at", "计算时间"),
    "gwp_set": ("GWP set", "GWP 值集"),
    "notes": ("Notes from the calculation", "计算提示"),
}


def catalogue(lang: str) -> dict[str, str]:
    """All labels in one language (``zh`` or ``en``)."""
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; choose zh or en")
    index = 0 if lang == "en" else 1
    return {key: texts[index] for key, texts in _CATALOGUE.items()}

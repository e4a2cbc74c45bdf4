"""Build what the report template shows, from a StudyResult and the study it was computed from.

Numbers come from the result only; the study supplies the words a practitioner wrote (goal,
justifications, names) and the data-collection facts (which amounts are primary, pedigree
scores). Element keys (``REP-01:…``, ``REP-02:…``, ``SENS-01:…``) mark each mandatory report
element in the HTML so that it can be checked by parsing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from tanzuji.accounting.result import StudyResult, TreeNode
from tanzuji.gwp import gwp_set
from tanzuji.model.factors import official_electricity_factors
from tanzuji.model.study import Amount, Pedigree, Process, Study, Transport
from tanzuji.report import charts
from tanzuji.report.labels import catalogue

#: REP-01 (ISO 14067 7.3) elements, in report order.
REP_01 = ("fu", "boundary", "period", "pcr", "cut_off", "allocation", "ghgs",
          "characterisation", "scenarios", "data_sources", "data_quality", "electricity",
          "significant_processes", "sensitivity", "uncertainty", "interpretation",
          "value_choices", "review", "climate_only")
#: REP-02 items reported separately (the first five always; the rest when calculated).
REP_02 = ("stages", "fossil", "biogenic_emissions", "biogenic_removals", "dluc", "aircraft")
REP_02_IF_CALCULATED = ("iluc", "soil_carbon", "timing", "stored_carbon")
#: SENS-01 methodological choices.
SENS_01 = ("allocation", "end_of_life", "electricity", "cut_off")

ELECTRICITY_PREFIX = "cn-elec-"


def num(value: float | None) -> str:
    """A result number: four significant digits, thousands separated, no exponent if avoidable."""
    if value is None:
        return "–"
    if value == 0:
        return "0"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    if abs(value) >= 1e-3:
        return f"{value:,.4g}"
    return f"{value:.3e}"


def pct(value: float, signed: bool = False) -> str:
    return f"{value:+.1f} %" if signed else f"{value:.1f} %"


@dataclass
class Row:
    """A table row: cells already formatted, plus an optional element key."""

    cells: list[str]
    key: str | None = None


@dataclass
class Context:
    lang: str
    labels: dict[str, str]
    result: StudyResult
    study: Study

    @property
    def unit(self) -> str:
        """The result's unit, "kg CO2e per 1 t", in the report's language."""
        per = self.result.unit.removeprefix("kg CO2e per ").strip()
        return self.text("per_unit", unit=per)

    def text(self, key: str, **values: object) -> str:
        return self.labels[key].format(**values)


def build(result: StudyResult, study: Study, lang: str) -> dict[str, Any]:
    """The template's variables."""
    ctx = Context(lang, catalogue(lang), result, study)
    names = {p.id: _name(p, lang) for p in study.processes}
    info = study.study
    product = (info.product.name_zh if lang == "zh" and info.product.name_zh
               else info.product.name)
    return {
        "lang": lang, "L": ctx.labels, "r": result, "s": study, "info": info,
        "product": product, "num": num, "pct": pct,
        "unit": ctx.unit,
        "generated": ctx.text("generated_from", sha=result.provenance.model_sha256[:16]),
        "summary": _summary(ctx, product),
        "goal": _goal(ctx),
        "scope": _scope(ctx, names),
        "inventory": _inventory(ctx, names),
        "results": _results(ctx, names),
        "sensitivity": _sensitivity(ctx),
        "uncertainty": _uncertainty(ctx),
        "interpretation": _interpretation(ctx, product, names),
        "value_choices": _value_choices(ctx, names),
        "review": _review(ctx),
        "provenance": _provenance(ctx),
    }


def _name(p: Process, lang: str) -> str:
    return p.name_zh if lang == "zh" and p.name_zh else p.name


def _stage(ctx: Context, stage: str) -> str:
    return ctx.labels.get(stage, stage)


_GENERATED = (
    (re.compile(r"^(?P<kind>emission|removal) (?P<gas>\S+) \((?P<origin>\w+)\)$"), "item"),
    (re.compile(r"^transport by (?P<mode>\w+)$"), "item_transport"),
    (re.compile(r"^avoided: (?P<what>.+)$"), "item_avoided"),
)


def item_label(ctx: Context, label: str) -> str:
    """An inventory line's label; the ones the calculation generates, in the report's language."""
    if label == "reference flow":
        return ctx.labels["reference_flow"]
    for pattern, key in _GENERATED:
        m = pattern.match(label)
        if m is None:
            continue
        parts = m.groupdict()
        if "origin" in parts:
            return ctx.text(f"item_{parts['kind']}", gas=parts["gas"],
                            origin=ctx.labels.get(f"origin_{parts['origin']}", parts["origin"]))
        if "mode" in parts:
            return ctx.text(key, mode=ctx.labels.get(f"mode_{parts['mode']}", parts["mode"]))
        return ctx.text(key, what=parts["what"])
    return label


def _yes(ctx: Context, flag: bool) -> str:
    return ctx.labels["yes" if flag else "no"]


# ----------------------------------------------------------------------------------------------
# summary, goal and scope
# ----------------------------------------------------------------------------------------------


def _summary(ctx: Context, product: str) -> list[Row]:
    r, info, L = ctx.result, ctx.study.study, ctx.labels
    rows = [
        Row([L["product"], product]),
        Row([L["producer"], info.product.producer]),
        Row([L["study_id"], info.id]),
        Row([L["result_type"], L[r.result_type]]),
        Row([L["total"], f"{num(r.total)} {ctx.unit}"]),
        Row([L["boundary_type"], L[info.boundary]]),
        Row([L["gwp_set"], f"GWP100 {r.provenance.gwp}"]),
        Row([L["pcr"], info.pcr]),
        Row([L["primary_share"], pct(r.primary_data_share)]),
    ]
    if info.product.model:
        rows.insert(1, Row([L["model"], info.product.model]))
    if info.product.site:
        rows.insert(3, Row([L["site"], info.product.site]))
    codes = [f"{k.upper()} {v}" for k, v in (("cpc", info.product.cpc), ("hs", info.product.hs),
                                              ("cn", info.product.cn_statistical_code)) if v]
    if codes:
        rows.insert(3, Row([L["codes"], ", ".join(codes)]))
    if info.practitioner:
        rows.append(Row([L["practitioner"], info.practitioner]))
    if r.uncertainty:
        rows.append(Row([L["mc_interval"],
                         f"{num(r.uncertainty.p2_5)} – {num(r.uncertainty.p97_5)}"]))
    return rows


def _goal(ctx: Context) -> list[Row]:
    g, L = ctx.study.study.goal, ctx.labels
    return [Row([L["application"], g.application]), Row([L["reasons"], g.reasons]),
            Row([L["audience"], g.audience]), Row([L["public"], _yes(ctx, g.public)]),
            Row([L["comparative"], _yes(ctx, g.comparative)])]


def _scope(ctx: Context, names: dict[str, str]) -> dict[str, Any]:
    info, L = ctx.study.study, ctx.labels
    unit = info.unit
    flow = unit.reference_flow
    proc = next(p for p in ctx.study.processes if p.id == flow.process)
    product_name = flow.product or proc.reference_product.name
    by_stage: dict[str, list[str]] = {}
    for p in ctx.study.processes:
        by_stage.setdefault(p.stage.value, []).append(names[p.id])
    stages = []
    for stage in ctx.result.by_stage:
        scope = getattr(info.stages, stage)
        stages.append(Row([_stage(ctx, stage), _yes(ctx, scope.included),
                           scope.justification or "", "; ".join(by_stage.get(stage, []))]))
    days = (info.reference_period.end - info.reference_period.start).days + 1
    cut = info.cut_off
    screened = ctx.result.cut_off
    gwp = gwp_set(ctx.result.provenance.gwp)
    gases = []
    for gas in ctx.result.by_gas:
        value = L["as_published"] if gas == "CO2e_unresolved" else f"{gwp.values.get(gas, 0):g}"
        gases.append(Row([L.get(gas, gas), value]))
    return {
        "unit": [
            Row([L["unit_kind"], L[unit.kind]]),
            Row([L["unit_description"], unit.description]),
            Row([L["unit_quantity"], f"{unit.quantity:g} {unit.unit}"]),
            Row([L["reference_flow"], ctx.text(
                "reference_flow_text", amount=flow.amount, unit=flow.unit, product=product_name,
                process=names[proc.id])]),
        ],
        "boundary": L[info.boundary],
        "stages": stages,
        "omitted": cut.excluded,
        "screened": [Row([it.label, names.get(it.process, it.process), num(it.value),
                          pct(it.share)]) for it in screened.items] if screened else [],
        "screened_text": ctx.text(
            "cutoff_screened_text", share=pct(screened.total_share),
            complete=num(screened.complete_total), total=num(ctx.result.total)
        ) if screened else "",
        "period": ctx.text("period_text", start=info.reference_period.start.isoformat(),
                           end=info.reference_period.end.isoformat(), days=days),
        "geography": info.geography,
        "pcr": info.pcr if info.pcr.strip().lower() != "none" else L["pcr_none"],
        "cut_off": [
            Row([L["cutoff_criterion"], L[f"cutoff_{cut.criterion}"]]),
            Row([L["cutoff_thresholds"], ctx.text("cutoff_text", per=f"{cut.per_item_percent:g}",
                                                  total=f"{cut.total_percent:g}")]),
        ],
        "allocation": [
            Row([names[p.id], ", ".join(c.name for c in p.co_products),
                 L[p.allocation.method], p.allocation.basis or "",
                 p.allocation.justification or L["vc_no_justification"]])
            for p in ctx.study.processes if p.allocation is not None
        ],
        "end_of_life": [Row([names[p.id], L[p.end_of_life.approach]])
                        for p in ctx.study.processes if p.end_of_life is not None],
        "gases": gases,
        "gwp": ctx.text("gwp_text", set=gwp.name, report=L[gwp.name],
                        ch4f=f"{gwp.values['CH4_fossil']:g}",
                        ch4n=f"{gwp.values['CH4_nonfossil']:g}"),
        "scenarios": [Row([_stage(ctx, stage), _scenario(ctx, stage, by_stage)])
                      for stage in ("use", "end_of_life")],
    }


def _scenario(ctx: Context, stage: str, by_stage: dict[str, list[str]]) -> str:
    scope = getattr(ctx.study.study.stages, stage)
    if not scope.included:
        return ctx.text("scenario_excluded", why=scope.justification)
    if not by_stage.get(stage):
        return ctx.labels["scenario_none"]
    return ctx.text("scenario_modelled", processes="; ".join(by_stage[stage]))


# ----------------------------------------------------------------------------------------------
# inventory
# ----------------------------------------------------------------------------------------------


def _amounts(p: Process) -> Iterator[Amount | Transport]:
    yield from p.inputs
    yield from p.emissions
    yield from p.removals
    yield from p.transport


_RATINGS = ((1.5, "rating_excellent"), (2.0, "rating_very_good"), (3.0, "rating_good"),
            (4.0, "rating_fair"))


def _rating(score: float) -> str:
    return next((key for limit, key in _RATINGS if score <= limit), "rating_poor")


def _pedigree_mean(scores: list[Pedigree]) -> tuple[list[float], float]:
    fields = ("reliability", "completeness", "temporal", "geographical", "technological")
    means = [sum(getattr(s, f) for s in scores) / len(scores) for f in fields]
    return means, sum(means) / len(means)


def _inventory(ctx: Context, names: dict[str, str]) -> dict[str, Any]:
    L, prov = ctx.labels, ctx.result.provenance
    processes, quality = [], []
    for p in ctx.study.processes:
        items = list(_amounts(p))
        primary = sum(1 for a in items if a.data.value == "primary")
        evidence = sum(1 for a in items if a.evidence)
        processes.append(Row([names[p.id], _stage(ctx, p.stage.value), p.location or "",
                              _yes(ctx, p.controlled), str(len(items)), str(primary),
                              str(evidence)]))
        pedigrees = [a.pedigree for a in items if a.pedigree is not None]
        uncertain = sum(1 for a in items if a.pedigree is not None or a.uncertainty is not None)
        if pedigrees:
            means, overall = _pedigree_mean(pedigrees)
            scores = " / ".join(f"{m:.1f}" for m in means)
            rating = f"{overall:.2f} ({L[_rating(overall)]})"
        else:
            scores, rating = L["no_pedigree"], ""
        quality.append(Row([names[p.id], f"{uncertain} / {len(items)}", scores, rating]))
    factors = [Row([str(f["id"]), str(f.get("source") or ""), str(f.get("year") or ""),
                    L.get(str(f.get("kind")), str(f.get("kind") or ""))])
               for f in prov.factors]
    return {
        "processes": processes,
        "factors": factors,
        "factor_tables": ctx.study.background.factor_tables,
        "databases": [f"{d['id']} ({d['file']}, {d['activities']})" for d in prov.databases],
        "releases": prov.releases,
        "primary_share": ctx.text("primary_share_text",
                                  share=pct(ctx.result.primary_data_share)),
        "quality": quality,
        "electricity": _electricity(ctx),
    }


def _electricity(ctx: Context) -> dict[str, Any]:
    L = ctx.labels
    setting = ctx.study.background.electricity
    table = official_electricity_factors()
    rows = []
    for f in ctx.result.provenance.factors:
        fid = str(f["id"])
        if not fid.startswith(ELECTRICITY_PREFIX):
            continue
        factor = table.get(fid)
        value = ""
        if factor is not None:
            amount = factor.co2e if factor.co2e is not None else factor.gases.get("CO2")
            gas = "CO2e" if factor.co2e is not None else "CO2"
            value = f"{amount:g} kg {gas}/{factor.unit}"
        rows.append(Row([fid, value, str(f.get("source") or ""), str(f.get("year") or "")]))
    notes = [f"{n.code}: {n.message}" for n in ctx.result.notes if n.code.startswith("ELEC")]
    return {
        "setting": ctx.text("electricity_setting", kind=L[setting.kind],
                            year=setting.year or L["latest"]),
        "explanation": L["electricity_cf" if setting.kind == "carbon_footprint_factor"
                         else "electricity_co2"] if rows else L["electricity_none"],
        "factors": rows,
        "notes": notes,
    }


# ----------------------------------------------------------------------------------------------
# results
# ----------------------------------------------------------------------------------------------


def _results(ctx: Context, names: dict[str, str]) -> dict[str, Any]:
    r, L = ctx.result, ctx.labels
    unc = r.uncertainty
    stages = []
    for stage, value in r.by_stage.items():
        included = getattr(ctx.study.study.stages, stage).included
        interval = (f"{num(unc.by_stage[stage].p2_5)} – {num(unc.by_stage[stage].p97_5)}"
                    if unc and stage in unc.by_stage and included else "")
        stages.append(Row([_stage(ctx, stage), num(value) if included else L["stage_excluded"],
                           pct(_share(value, r.total)) if included else "", interval]))
    categories = [Row([L[key], num(getattr(r, key)), pct(_share(getattr(r, key), r.total))], key)
                  for key in REP_02[1:]]
    optional = [Row([L[key], L["not_calculated"], ""], key) for key in REP_02_IF_CALCULATED[:3]]
    optional.append(Row([L["biogenic_carbon_content"], num(r.biogenic_carbon_content), ""],
                        "stored_carbon"))
    optional.append(Row([L["biogenic_carbon_packaging"],
                         num(r.biogenic_carbon_content_packaging), ""]))
    by_id = {p.id: p for p in ctx.study.processes}
    hotspots, cumulative = [], 0.0
    for i, h in enumerate(r.hotspots, 1):
        cumulative += abs(h.share)
        hotspots.append(Row([str(i), names.get(h.process, h.name), _stage(ctx, h.stage),
                             num(h.value), pct(h.share), pct(cumulative)]))
    lines = [Row([str(item.line or ""), item_label(ctx, item.label),
                  names.get(item.process, item.process) if item.process in by_id
                  else item.process, L.get(item.data, item.data), num(item.value),
                  pct(item.share)])
             for item in r.contributions[:15]]
    included = [(s, v) for s, v in r.by_stage.items()
                if getattr(ctx.study.study.stages, s).included]
    return {
        "stages": stages,
        "stage_chart": Markup(charts.bar_chart([(_stage(ctx, s), v) for s, v in included], num,
                                               L["sec_stages"])),
        "categories": categories,
        "optional": optional,
        "category_chart": Markup(charts.bar_chart(
            [(L[k], getattr(r, k)) for k in REP_02[1:]], num, L["sec_categories"])),
        "gases": [Row([L.get(g, g), num(v), pct(_share(v, r.total))])
                  for g, v in r.by_gas.items()],
        "hotspots": hotspots,
        "pareto": Markup(charts.pareto_chart([h.value for h in r.hotspots], num,
                                             L["sec_hotspots"])) if r.hotspots else None,
        "lines": lines,
        "sankey": Markup(charts.sankey_chart(_flow(r.tree, ctx, names), num, L["sec_sankey"])),
    }


def _share(value: float, total: float) -> float:
    return 100.0 * value / total if total else 0.0


def _flow(node: TreeNode, ctx: Context, names: dict[str, str]) -> charts.Flow:
    """The result's supply tree with names in the report's language."""
    name = item_label(ctx, node.name)
    if node.kind == "other":
        name = ctx.labels["other_small"]
    for p in ctx.study.processes:  # co-products are labelled "process — product"
        if node.name == p.name or node.name.startswith(f"{p.name} — "):
            name = names[p.id] + node.name[len(p.name):]
    return charts.Flow(name, node.value, [_flow(c, ctx, names) for c in node.children])


# ----------------------------------------------------------------------------------------------
# sensitivity and uncertainty
# ----------------------------------------------------------------------------------------------


def _sensitivity(ctx: Context) -> dict[str, Any] | None:
    sens, L, r = ctx.result.sensitivity, ctx.labels, ctx.result
    if sens is None:
        return None
    groups = []
    for choice in (*SENS_01, "gwp"):
        rows = [Row([a.name, num(a.total), num(a.difference),
                     pct(a.relative_difference, signed=True)])
                for a in sens.alternatives if a.choice == choice]
        groups.append({"key": choice, "title": L[f"choice_{choice}"], "rows": rows,
                       "empty": L[f"alt_none_{choice}"]})
    params = [p for p in sens.parameters if p.low is not None and p.high is not None]
    described = {name: p.description for name, p in ctx.study.parameters.items()}
    parameters = [Row([p.label, described.get(p.label) or "",
                       f"{num(p.low_value)} – {num(p.high_value)}",
                       f"{num(p.low)} – {num(p.high)}", f"{p.elasticity:+.3f}"])
                  for p in params[:15]]
    tornado = None
    if params:
        tornado = Markup(charts.tornado_chart(
            [(p.label, p.low or 0.0, p.high or 0.0) for p in params[:12]], r.total, num,
            L["sens_parameters"], (L["tornado_low"], L["tornado_high"])))
    exchanges = [Row([str(e.line or ""), item_label(ctx, e.label), f"{e.elasticity:+.3f}"])
                 for e in sens.exchanges[:12]]
    return {"groups": groups, "parameters": parameters, "tornado": tornado,
            "exchanges": exchanges}


def _uncertainty(ctx: Context) -> dict[str, Any] | None:
    u, L = ctx.result.uncertainty, ctx.labels
    if u is None:
        return None
    rows = [Row([L["deterministic"], num(u.deterministic)]), Row([L["mean"], num(u.mean)]),
            Row([L["median"], num(u.median)]), Row([L["sd"], num(u.sd)]),
            Row([L["interval_95"], f"{num(u.p2_5)} – {num(u.p97_5)}"])]
    chart, outside = None, 0
    if u.histogram is not None:
        h = u.histogram
        markers = [(L["deterministic"], u.deterministic), ("2.5 %", u.p2_5),
                   ("97.5 %", u.p97_5), (L["median"], u.median)]
        chart = Markup(charts.histogram_chart(h.edges, h.counts, markers, num,
                                              L["sec_uncertainty"]))
        outside = h.below + h.above
    return {"text": ctx.text("mc_text", n=u.iterations, seed=u.seed, method=u.method),
            "rows": rows, "chart": chart,
            "outside": ctx.text("mc_outside", n=outside) if outside else None}


# ----------------------------------------------------------------------------------------------
# interpretation, value choices, review, provenance
# ----------------------------------------------------------------------------------------------


def _interpretation(ctx: Context, product: str, names: dict[str, str]) -> dict[str, Any]:
    r, L, info = ctx.result, ctx.labels, ctx.study.study
    issues = []
    if r.by_stage and r.total:
        stage, value = max(r.by_stage.items(), key=lambda kv: abs(kv[1]))
        issues.append(ctx.text("issue_stage", stage=_stage(ctx, stage),
                               share=pct(_share(value, r.total))))
    picked, cumulative = [], 0.0
    for h in r.hotspots:
        picked.append(names.get(h.process, h.name))
        cumulative += abs(h.share)
        if cumulative >= 80.0:
            break
    if picked:
        issues.append(ctx.text("issue_hotspots", n=len(picked), share=pct(cumulative),
                               names="; ".join(picked)))
    if r.contributions:
        top = r.contributions[0]
        issues.append(ctx.text("issue_line", label=item_label(ctx, top.label),
                               share=pct(top.share)))
    years = sorted({int(y) for f in r.provenance.factors
                    if isinstance(y := f.get("year"), int | str) and str(y).isdigit()})
    checks = [
        ctx.text("check_completeness", stages=len(info.stages.included()),
                 omitted=len(info.cut_off.excluded)),
        ctx.text("check_consistency", gwp=r.provenance.gwp,
                 years=f"{years[0]}–{years[-1]}" if years else L["none"]),
    ]
    methodological = [a for a in (r.sensitivity.alternatives if r.sensitivity else [])
                      if a.choice != "gwp"]
    if methodological:
        top_alt = max(methodological, key=lambda a: abs(a.relative_difference))
        checks.append(ctx.text("check_sensitivity", name=top_alt.name,
                               change=pct(top_alt.relative_difference, signed=True)))
    else:
        checks.append(L["check_sensitivity_none"])
    if r.uncertainty and r.total:
        u = r.uncertainty
        checks.append(ctx.text("check_uncertainty", low=num(u.p2_5), high=num(u.p97_5),
                               rel_low=pct(_share(u.p2_5 - r.total, r.total), signed=True),
                               rel_high=pct(_share(u.p97_5 - r.total, r.total), signed=True)))
    conclusions = [ctx.text("conclusion_text", result_type=L[r.result_type], product=product,
                            total=num(r.total), unit=ctx.unit, boundary=L[info.boundary],
                            gwp=r.provenance.gwp)]
    if r.result_type == "partial_CFP":
        conclusions.append(L["conclusion_partial"])
    limitations = [L["limit_climate"], L["limit_offsets"]]
    if info.cut_off.excluded:
        limitations.append(L["limit_cutoff"])
    limitations.append(ctx.text("limit_secondary", share=pct(100.0 - r.primary_data_share)))
    counted = Counter(f"{n.code}: {n.message}" for n in r.notes)
    limitations += [f"{text} (×{k})" if k > 1 else text for text, k in counted.items()]
    return {"issues": issues, "checks": checks, "conclusions": conclusions,
            "limitations": limitations}


def _value_choices(ctx: Context, names: dict[str, str]) -> list[Row]:
    L, info, r = ctx.labels, ctx.study.study, ctx.result
    none = L["vc_no_justification"]
    rows = [Row([L["vc_gwp"], f"GWP100 {r.provenance.gwp}",
                 L["vc_gwp_latest" if r.provenance.gwp == "AR6" else "vc_gwp_other"]])]
    excluded = [f"{_stage(ctx, s)}: {getattr(info.stages, s).justification}"
                for s in r.by_stage if not getattr(info.stages, s).included]
    rows.append(Row([L["vc_boundary"], L[info.boundary], "; ".join(excluded) or info.pcr]))
    for p in ctx.study.processes:
        if p.allocation is not None:
            rows.append(Row([L["vc_allocation"], f"{names[p.id]}: {L[p.allocation.method]}",
                             p.allocation.justification or none]))
    eol = [f"{names[p.id]}: {L[p.end_of_life.approach]}" for p in ctx.study.processes
           if p.end_of_life is not None]
    eol_scope = info.stages.end_of_life
    rows.append(Row([L["vc_eol"], "; ".join(eol) or L["cut_off"],
                     eol_scope.justification or (none if eol else L["eol_none"])]))
    setting = ctx.study.background.electricity
    rows.append(Row([L["vc_electricity"], L[setting.kind],
                     L["electricity_cf" if setting.kind == "carbon_footprint_factor"
                       else "electricity_co2"]]))
    cut = info.cut_off
    rows.append(Row([L["vc_cutoff"], L[f"cutoff_{cut.criterion}"] + ": " + ctx.text(
        "cutoff_text", per=f"{cut.per_item_percent:g}", total=f"{cut.total_percent:g}"),
        L["vc_cutoff_text"]]))
    rows.append(Row([L["vc_data"], pct(r.primary_data_share), L["vc_data_text"]]))
    return rows


def _review(ctx: Context) -> list[str]:
    goal = ctx.study.study.goal
    texts = [ctx.labels["review_none"]]
    if goal.public or goal.comparative:
        texts.append(ctx.labels["review_required"])
    return texts


def _provenance(ctx: Context) -> list[Row]:
    p, L = ctx.result.provenance, ctx.labels
    computed = dt.datetime.fromisoformat(p.computed_at).strftime("%Y-%m-%d %H:%M UTC")
    rows = [Row([L["study_id"], p.study_id]), Row([L["model_sha256"], p.model_sha256]),
            Row([L["software"], f"tanzuji {p.software_version}"]),
            Row([L["gwp_set"], p.gwp]), Row([L["computed_at"], computed])]
    if p.releases:
        rows.append(Row([L["releases"], ", ".join(p.releases)]))
    return rows

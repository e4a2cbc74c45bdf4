"""Each check fires on a crafted study that breaks it, and stays quiet where the examples
keep the rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tanzuji.accounting.result import CutOffScreening, LineItem, Note, StudyResult
from tanzuji.model.study import Allocation, EndOfLife, Pedigree, Stage, StageScope, Study
from tanzuji.rules import RULES
from tanzuji.rules.findings import has_errors

from .conftest import Example

Edit = Callable[[Any], object]


def _set(path: str, value: Any) -> Edit:
    """An edit that sets one attribute along a dotted path (``processes.6.allocation``)."""
    def edit(obj: Any) -> None:
        *head, last = path.split(".")
        for part in head:
            obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
        if last.isdigit():
            obj[int(last)] = value
        else:
            setattr(obj, last, value)
    return edit


def _all(*edits: Edit) -> Edit:
    def edit(obj: Any) -> None:
        for e in edits:
            e(obj)
    return edit


def _add_excluded(text: str) -> Edit:
    return lambda s: s.study.cut_off.excluded.append(text)


def _screened(*shares: float) -> Callable[[StudyResult], None]:
    """A result whose inputs marked cut_off come to ``shares`` (percent of the complete total)."""
    def edit(r: StudyResult) -> None:
        complete = r.total / (1 - sum(shares) / 100)
        items = [LineItem(path=f"processes[0].inputs[{i}]", line=None, label=f"item {i}",
                          process="p", stage="production", value=complete * x / 100, share=x,
                          data="secondary") for i, x in enumerate(shares)]
        r.cut_off = CutOffScreening(complete_total=complete, total_share=sum(shares),
                                    items=items)
    return edit


def _drop_cut_off(s: Study) -> None:
    s.study.model_fields_set.discard("cut_off")


def _no_allocation_alternative(r: StudyResult) -> None:
    assert r.sensitivity is not None
    r.sensitivity.alternatives = [a for a in r.sensitivity.alternatives
                                  if a.choice != "allocation"]


def _offset_line(r: StudyResult) -> None:
    r.contributions.append(LineItem(path="processes[0].removals[0]", line=None,
                                    label="CCER carbon offset bought", process="coking-coal-supply",
                                    stage="raw_material_acquisition", value=-50.0, share=-2.4,
                                    data="secondary"))


def _no_sources(r: StudyResult) -> None:
    for f in r.provenance.factors:
        if str(f["id"]).startswith("cn-elec"):
            f["source"] = None


# rule → (example, study edit, result edit, PCR ("auto" = the one study.pcr names), where)
CASES: dict[str, tuple[str, Edit | None, Edit | None, str | None, str]] = {
    "STUDY-01": ("cement", _set("study.goal.application", "  "), None, "auto",
                 "study.goal.application"),
    "STUDY-02": ("cement", _set("study.pcr", ""), None, "auto", "study.pcr"),
    "PCR-00": ("cement", _set("study.pcr", "none"), None, None, "study.pcr"),
    "STUDY-03": ("cement", _set("study.result_type", "CFP"), None, "auto", "study.result_type"),
    "FU-01": ("battery", _set("study.unit.kind", "declared"), None, "auto", "study.unit.kind"),
    "FU-03": ("cement", _set("study.unit.unit", "kg"), None, "auto", "study.unit"),
    "SB-01": ("cement", _set("study.boundary", "gate_to_gate"), None, "auto", "study.boundary"),
    "SB-02": ("cement", _set("study.stages.raw_material_acquisition",
                             StageScope(included=False, justification="bought-in clinker")),
              None, "auto", "study.stages.raw_material_acquisition"),
    "SB-03": ("steel", _set("study.cut_off.excluded", ["Refractories (est. < 1 %)"]), None,
              "auto", "study.cut_off.excluded"),
    "SB-04": ("steel", _set("study.reference_period.start", dt.date(2024, 3, 1)), None, "auto",
              "study.reference_period"),
    "SB-05": ("battery", _all(_set("processes.7.stage", Stage.use),
                              _set("processes.7.inputs.0.comment", None)),
              None, "auto", "processes[7].inputs[0]"),
    "SB-06": ("steel", _set("processes.0.location", None), None, "auto", "processes[0]"),
    "PCR-01": ("cement", _set("study.product.cpc", "99999"), None, "auto", "study.product.cpc"),
    "PCR-02": ("steel", _all(_set("processes.7.id", "steelshop"), _set("processes.7.name_zh", None),
                             _set("processes.7.name", "Steel shop and caster")),
               None, "auto", "steel-bf-bof@1.0: bof"),
    "CUT-01": ("cement", _drop_cut_off, None, "auto", "study"),
    "CUT-02": ("cement", None, _screened(3.0), "auto", "processes[0].inputs[0]"),
    "CUT-03": ("cement", _add_excluded("Lubricants and greases"), None, "auto",
               "study.cut_off.excluded[4]"),
    "DATA-01": ("steel", _set("processes.5.inputs.4.data", "secondary"), None, "auto",
                "processes[5].inputs[4]"),
    "DATA-02": ("steel", _set("processes.2.inputs.0.source", None), None, "auto",
                "processes[2].inputs[0]"),
    "DATA-03": ("steel", _all(_set("processes.2.inputs.0.source", None),
                              _set("processes.2.inputs.0.uncertainty", None)),
                None, "auto", "processes[2].inputs[0]"),
    "DATA-04": ("battery", _set("processes.5.inputs.6.pedigree", Pedigree(
        reliability=5, completeness=5, temporal=5, geographical=5, technological=5)), None,
        "eu-battery-cfb-ev", "result.contributions"),
    "DATA-05": ("steel", None, _set("total", 9000.0), "auto", "result.total"),
    "DATA-06": ("steel", _set("processes.6.inputs.1.evidence", None), None, "auto",
                "processes[6].inputs[1]"),
    "ALLOC-01": ("steel", _set("processes.6.allocation", Allocation(method="physical")), None,
                 "auto", "processes[6].allocation"),
    "ALLOC-03": ("steel", None, _no_allocation_alternative, "auto",
                 "result.sensitivity.alternatives"),
    "ALLOC-04": ("cement", _set("processes.5.end_of_life", EndOfLife(approach="avoided_burden")),
                 None, "auto", "processes[5].end_of_life.approach"),
    "ELEC-01": ("steel", _set("processes.8.inputs.2.factor", "cn-elec-co2:2023:national"), None,
                "auto", "processes[8].inputs[2]"),
    "ELEC-02": ("steel", _all(_set("processes.8.inputs.2.factor", "cn-elec-cf:2024:wind"),
                              _set("processes.8.inputs.2.evidence", None)),
                None, "auto", "processes[8].inputs[2]"),
    "ELEC-03": ("steel", _all(_set("processes.8.inputs.2.factor", "cn-elec-cf:2024:wind"),
                              _set("processes.8.inputs.2.evidence", "GEC serials 1-900")),
                None, "auto", "processes[6].inputs[5]"),
    "ELEC-04": ("pv", _set("processes.0.inputs.1.factor", "cn-elec-co2:2023:CN-JS"), None,
                "auto", "processes[0].inputs[1]"),
    "ELEC-05": ("steel", None, _no_sources, "auto", "processes[8].inputs[2]"),
    "BIO-01": ("cement", _set("processes.4.emissions.3.amount", -0.5), None, "auto",
               "processes[4].emissions[3]"),
    "BIO-02": ("battery", _set("processes.7.biogenic_carbon_content", None), None, "auto",
               "processes[7]"),
    "AIR-01": ("steel", _set("processes.2.inputs.0.factor", "transport:air"), None, "auto",
               "processes[2].inputs[0]"),
    "OFFSET-01": ("steel", None, _offset_line, "auto", "processes[0].removals[0]"),
    "GWP-01": ("steel", None, _set("provenance.gwp", "AR5"), "auto", "study.gwp"),
    "GWP-02": ("steel", None, lambda r: r.notes.append(Note(
        code="GWP-02", message="factor 'x' was characterised with AR5, the study uses AR6",
        field="processes[2].inputs[0].factor")), "auto", "processes[2].inputs[0].factor"),
    "GWP-03": ("steel", None, lambda r: r.by_stage.update(production=0.0), "auto",
               "result.by_stage"),
    "INT-01": ("steel", None, _set("hotspots", []), "auto", "result.hotspots"),
    "SENS-01": ("steel", None, _set("sensitivity", None), "auto", "result.sensitivity"),
    "UNC-01": ("steel", None, _set("uncertainty", None), "auto", "result.uncertainty"),
    "CR-01": ("steel", _set("study.goal.public", True), None, "auto", "study.goal"),
    "DECL-02": ("steel", _set("study.goal.comparative", True), None, None,
                "study.goal.comparative"),
}


def test_every_check_has_a_case() -> None:
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_check_fires_on_a_crafted_study(examples: dict[str, Example], rule: str) -> None:
    name, study_edit, result_edit, pcr, where = CASES[rule]
    ex = examples[name]
    before = {(f.rule, f.location) for f in ex.check(pcr=pcr)}
    assert (rule, where) not in before
    findings = ex.check(study_edit, result_edit, pcr)
    hits = [f for f in findings if f.rule == rule and f.location == where]
    assert hits, [(f.rule, f.location) for f in findings if f.rule == rule]
    f = hits[0]
    assert f.severity in ("E", "W", "I") and f.message_en and f.message_zh
    assert f.message_zh != f.message_en
    if where.startswith(("study.", "processes")):
        assert f.line is not None and f.line > 1


@pytest.mark.parametrize("name", ["battery", "cement", "pv", "steel"])
def test_examples_have_no_errors_against_their_pcr(examples: dict[str, Example],
                                                   name: str) -> None:
    findings = examples[name].check()
    assert not has_errors(findings), [(f.rule, f.location, f.message_en) for f in findings
                                      if f.severity == "E"]


def test_pcr_tightens_the_general_rule(examples: dict[str, Example]) -> None:
    """Checked against the EU battery rule, the cradle-to-gate battery study misses the
    end-of-life stage and recycling, and its data quality cannot be rated."""
    findings = examples["battery"].check(pcr="eu-battery-cfb-ev")
    assert {"SB-02", "PCR-02"} <= {f.rule for f in findings if f.severity == "E"}
    assert "DATA-04" in {f.rule for f in findings if f.severity == "W"}


def test_mandatory_process_listed_as_cut_off(examples: dict[str, Example]) -> None:
    edit = _all(_set("processes.7.id", "steelshop"), _set("processes.7.name", "Steel shop"),
                _set("processes.7.name_zh", None),
                _add_excluded("BOF converter gases (est. < 1 %)"))
    findings = examples["steel"].check(edit)
    assert any(f.rule == "PCR-02" and "cut off" in f.message_en for f in findings)


def test_cut_off_is_checked_on_the_computed_shares(examples: dict[str, Example]) -> None:
    assert not [f for f in examples["cement"].check(result=_screened(0.4, 0.9))
                if f.rule == "CUT-02"]
    by = {(f.rule, f.location, f.severity)
          for f in examples["cement"].check(result=_screened(0.5, 3.0, 0.9, 0.9, 0.9))}
    assert ("CUT-02", "processes[0].inputs[1]", "E") in by  # 3 % > 1 % per item
    assert ("CUT-02", "processes[0].inputs[0]", "E") not in by
    assert ("CUT-02", "study.cut_off", "E") in by  # 6.2 % > 5 % together


def test_electricity_rules_follow_the_pcr(examples: dict[str, Example]) -> None:
    pv = examples["pv"].check()
    assert {f.severity for f in pv if f.rule == "ELEC-01"} == {"W"}  # the PCR allows CO2 factors
    steel = examples["steel"].check(_set("processes.8.inputs.2.factor", "cn-elec-cf:2024:wind"),
                                    pcr="cn-electricity")
    assert any(f.rule == "ELEC-02" and "does not allow" in f.message_en for f in steel)


def test_residual_factor_is_only_a_warning(examples: dict[str, Example]) -> None:
    edit = _all(_set("processes.8.inputs.2.factor", "cn-elec-cf:2024:wind"),
                _set("processes.8.inputs.2.evidence", "GEC serials 1-900"),
                *(_set(f"processes.{i}.inputs.{j}.factor",
                       "cn-elec-co2:2023:national-excl-traded-nonfossil")
                  for i, j in ((4, 1), (5, 6), (6, 5), (7, 5))))
    findings = examples["steel"].check(edit)
    assert not [f for f in findings if f.rule in ("ELEC-02", "ELEC-03")]
    assert {f.severity for f in findings if f.rule == "ELEC-01"} == {"W"}


def test_docs_list_every_rule() -> None:
    from .conftest import EXAMPLES

    text = (EXAMPLES.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    for rid in RULES:
        assert f"| {rid} |" in text, rid


def test_product_in_a_pcr_scope_but_none_named(examples: dict[str, Example]) -> None:
    findings = examples["steel"].check(_set("study.pcr", "none"), pcr=None)
    scoped = [f for f in findings if f.rule == "STUDY-02"]
    assert {f.severity for f in scoped} == {"W"}
    assert any("steel-bf-bof@1.0" in f.message_en for f in scoped)


def test_pcr_asks_primary_data_for_a_mandatory_process(examples: dict[str, Example]) -> None:
    findings = examples["steel"].check(_set("processes.6.inputs.1.data", "secondary"))
    hit = [f for f in findings if f.rule == "DATA-01" and f.location == "processes[6].inputs[1]"]
    assert hit and "blast furnace" in hit[0].message_en and hit[0].severity == "E"


def test_study_names_another_version(examples: dict[str, Example]) -> None:
    findings = examples["steel"].check(_set("study.pcr", "steel-bf-bof@2.1"))
    assert any(f.rule == "STUDY-02" and "version 2.1" in f.message_en for f in findings)

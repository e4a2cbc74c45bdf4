"""The HTML report holds every REP-01, REP-02 and SENS-01 element, with the result's numbers."""

from __future__ import annotations

import pytest

from tanzuji.accounting.calculate import calculate, open_study
from tanzuji.accounting.result import StudyResult
from tanzuji.model.study import Study
from tanzuji.report.context import REP_01, REP_02, SENS_01, num, pct
from tanzuji.report.labels import catalogue
from tanzuji.report.render import render_html
from tests.accounting.test_known_answers import proc
from tests.conftest import WriteStudy, study_dict
from tests.report.conftest import CFF_FACTORS
from tests.report.elements import Elements

Example = tuple[StudyResult, Study]


@pytest.fixture(scope="module", params=["zh", "en"])
def rendered(request: pytest.FixtureRequest, steel: Example) -> tuple[str, Elements, str]:
    result, study = steel
    html = render_html(result, study, request.param)
    return request.param, Elements(html), html


def test_every_mandatory_element_is_present_and_filled(rendered: tuple[str, Elements, str]
                                                       ) -> None:
    _, found, _ = rendered
    keys = ([f"REP-01:{k}" for k in REP_01] + [f"REP-02:{k}" for k in REP_02]
            + [f"SENS-01:{k}" for k in SENS_01])
    missing = [k for k in keys if not found.text.get(k, "").strip()]
    assert not missing
    assert all(found.count[k] == 1 for k in keys)


def test_rep02_numbers_come_from_the_result(rendered: tuple[str, Elements, str],
                                            steel: Example) -> None:
    _, found, _ = rendered
    result, study = steel
    for stage, value in result.by_stage.items():
        if getattr(study.study.stages, stage).included:
            assert num(value) in found.text["REP-02:stages"]
            assert pct(100 * value / result.total) in found.text["REP-02:stages"]
    for key in REP_02[1:]:
        assert num(getattr(result, key)) in found.text[f"REP-02:{key}"]
    for key in ("iluc", "soil_carbon", "timing", "stored_carbon"):
        assert found.text[f"REP-02:{key}"].strip()


def test_sens01_alternatives(rendered: tuple[str, Elements, str], steel: Example) -> None:
    lang, found, _ = rendered
    result, _ = steel
    assert result.sensitivity is not None
    alternatives = result.sensitivity.alternatives
    for choice in ("allocation", "electricity", "cut_off"):
        rows = [a for a in alternatives if a.choice == choice]
        assert rows, choice  # the steel example has data for each of these
        for a in rows:
            text = found.text[f"SENS-01:{choice}"]
            assert a.name in text and num(a.total) in text
            assert pct(a.relative_difference, signed=True) in text
    # no process of the steel example models end-of-life credits: the report says so
    assert not [a for a in alternatives if a.choice == "end_of_life"]
    assert catalogue(lang)["alt_none_end_of_life"] in found.text["SENS-01:end_of_life"]


def test_interpretation_uncertainty_and_hot_spots(rendered: tuple[str, Elements, str],
                                                  steel: Example) -> None:
    lang, found, html = rendered
    result, _ = steel
    labels = catalogue(lang)
    assert result.uncertainty is not None
    u = found.text["REP-01:uncertainty"]
    assert num(result.uncertainty.p2_5) in u and num(result.uncertainty.p97_5) in u
    for h in result.hotspots:
        assert num(h.value) in found.text["REP-01:significant_processes"]
    assert labels["climate_only"] in found.text["REP-01:climate_only"]
    assert labels["review_none"] in found.text["REP-01:review"]
    assert num(result.total) in found.text["REP-01:interpretation"]
    assert result.provenance.model_sha256 in html
    # stages, categories, Pareto, Sankey, tornado and histogram
    assert found.tags["svg"] == 6


def test_language(rendered: tuple[str, Elements, str]) -> None:
    lang, _, html = rendered
    if lang == "zh":
        assert '<html lang="zh-CN">' in html and "产品碳足迹研究报告" in html
        assert "敏感性分析" in html
    else:
        assert '<html lang="en">' in html and "CFP study report" in html
        assert "敏感性分析" not in html


def test_no_number_is_typed_into_the_template(steel: Example) -> None:
    result, study = steel
    changed = result.model_copy(update={"total": 98765.4321, "fossil": 4321.987})
    found = Elements(render_html(changed, study, "en"))
    assert "98,765" in found.text["REP-01:interpretation"]
    assert "4,322" in found.text["REP-02:fossil"]


def test_without_uncertainty_or_sensitivity_the_report_says_so(steel: Example) -> None:
    result, study = steel
    bare = result.model_copy(update={"uncertainty": None, "sensitivity": None})
    labels = catalogue("en")
    found = Elements(render_html(bare, study, "en"))
    assert labels["unc_none"] in found.text["REP-01:uncertainty"]
    assert labels["sens_none"] in found.text["REP-01:sensitivity"]


def test_a_cradle_to_grave_study_with_end_of_life_models(write_study: WriteStudy) -> None:
    stages = {s: {"included": True} for s in ("raw_material_acquisition", "production",
                                              "distribution", "use", "end_of_life")}
    doc = study_dict([
        proc("kettle", inputs=[{"process": "boiling", "amount": 1, "unit": "kg"},
                               {"process": "disposal", "amount": 1, "unit": "kg"}],
             emissions=[{"gas": "CO2", "amount": 2, "unit": "kg"}]),
        proc("boiling", stage="use", name_zh="烧水",
             emissions=[{"gas": "CO2", "amount": 5, "unit": "kg"}]),
        proc("disposal", stage="end_of_life", name_zh="回收处理", end_of_life={
            "approach": "cff",
            "cff": [{"mass": {"amount": 1, "unit": "kg"}, "A": 0.2, "R1": 0.3, "R2": 0.5,
                     "Ev": "steel", "Erecycled": "rec", "ErecyclingEoL": "rec",
                     "ED": "disp"}]}),
    ], result_type="CFP", boundary="cradle_to_grave", stages=stages)
    doc["study"]["unit"]["kind"] = "functional"
    path = write_study(doc, factors=CFF_FACTORS)
    result = calculate(path, sensitivity=True)
    study = open_study(path).study
    zh = Elements(render_html(result, study, "zh"))
    assert "烧水" in zh.text["REP-01:scenarios"] and "回收处理" in zh.text["REP-01:scenarios"]
    assert "部分产品碳足迹" not in zh.text["REP-01:interpretation"]
    en = Elements(render_html(result, study, "en"))
    eol = en.text["SENS-01:end_of_life"]
    assert result.sensitivity is not None
    for a in result.sensitivity.alternatives:
        if a.choice == "end_of_life":
            assert a.name in eol and num(a.total) in eol
    assert "cut-off (100:0)" in eol and "50:50" in eol and "avoided burden (0:100)" in eol
    assert catalogue("en")["alt_none_allocation"] in en.text["SENS-01:allocation"]
    assert catalogue("en")["unc_none"] in en.text["REP-01:uncertainty"]
    assert "Circular Footprint Formula" in en.text["REP-01:allocation"]


def test_screened_cut_off_inputs_are_reported_with_their_computed_share(
        write_study: WriteStudy) -> None:
    doc = study_dict([proc("widget", name_zh="小部件", inputs=[
        {"factor": "steel", "amount": 1, "unit": "kg"},
        {"factor": "steel", "amount": 0.05, "unit": "kg", "cut_off": True,
         "name": "packaging strap"}], emissions=[{"gas": "CO2", "amount": 10, "unit": "kg"}])])
    doc["study"]["cut_off"] = {"excluded": ["Labels and glue (not screened)"]}
    path = write_study(doc)
    result = calculate(path, sensitivity=True)
    found = Elements(render_html(result, open_study(path).study, "en"))
    text = found.text["REP-01:cut_off"]
    assert result.cut_off is not None
    assert pct(result.cut_off.total_share) in text and num(result.cut_off.complete_total) in text
    assert "Labels and glue" in text and catalogue("en")["cutoff_unscreened"] in text

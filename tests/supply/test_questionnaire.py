"""The Excel questionnaire: locked labels, open answer cells, data validation, both languages;
reading back names every problem by cell; the answers become a valid PACT v3 footprint."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from tanzuji.exchange.pact import methodology_problems
from tanzuji.exchange.questionnaire import (
    INSTRUCTIONS,
    SHEET,
    QuestionnaireError,
    defaults,
    make_questionnaire,
    read_form,
    read_questionnaire,
    to_footprint,
)
from tests.supply.questionnaires import ANSWERS, fill

REQUEST = {"id": "req-1", "product_ids": ["urn:gtin:1"], "product_name": "bracket"}


def test_the_workbook_locks_all_but_the_answers() -> None:
    wb = load_workbook(io.BytesIO(make_questionnaire(REQUEST, "zh")))
    assert wb.sheetnames == [INSTRUCTIONS, SHEET]
    ws = wb[SHEET]
    assert ws.protection.sheet and wb[INSTRUCTIONS].protection.sheet
    rows = {r[0].value: r for r in ws.iter_rows(min_row=3)}
    assert rows["request_id"][2].value == "req-1" and rows["request_id"][2].protection.locked
    assert not rows["pcf_total"][2].protection.locked and rows["pcf_total"][1].protection.locked
    assert rows["pcf_total"][1].value.startswith("碳足迹总量")
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    unit = rules[rows["declared_unit"][2].coordinate]
    assert unit.type == "list" and "kilogram" in unit.formula1
    dqr = rules[rows["temporal_dqr"][2].coordinate]
    assert (dqr.type, dqr.formula1, dqr.formula2) == ("decimal", "1.0", "5.0")
    english = load_workbook(io.BytesIO(make_questionnaire(REQUEST, "en")))[SHEET]
    assert english["B16"].value.startswith("Fossil GHG emissions")


def test_answers_become_a_valid_footprint() -> None:
    answers = read_questionnaire(fill(make_questionnaire(REQUEST)), "req-1")
    pf = to_footprint(answers)
    assert methodology_problems(pf) == []
    doc = pf.to_json()
    assert doc["productIds"] == ["urn:gtin:1"]
    assert doc["pcf"]["pcfExcludingBiogenicUptake"] == "3.2"
    assert doc["pcf"]["biogenicNonCO2Emissions"] == "0.2"
    assert doc["pcf"]["referencePeriodEnd"] == "2026-01-01T00:00:00Z"  # end day included
    assert doc["pcf"]["dqi"] == {"technologicalDQR": "2", "temporalDQR": "1",
                                 "geographicalDQR": "2"}
    assert doc["pcf"]["verification"]["providerName"] == "CB1"
    assert "raw materials 2" in doc["comment"] and "a" * 64 in doc["comment"]


@pytest.mark.parametrize(("changes", "where"), [
    ({"pcf_total": 4}, "Footprint!C15 (pcf_total)"),
    ({"stage_production": 3}, "Footprint!C23 (stages)"),
    ({"reference_period_end": "2024-01-01"}, "Footprint!C13 (reference_period_end)"),
    ({"company_id": "ACME-1"}, "Footprint!C8 (company_id)"),
    ({"evidence_sha256_1": "abc"}, "Footprint!C38 (evidence_sha256_1)"),
    ({"declared_unit": "barrel"}, "Footprint!C9 (declared_unit)"),
])
def test_problems_are_named_by_cell(changes: dict[str, object], where: str) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        read_questionnaire(fill(make_questionnaire(REQUEST), **changes), "req-1")
    assert str(caught.value).startswith(where)


def test_every_missing_answer_is_listed_at_once() -> None:
    with pytest.raises(QuestionnaireError) as caught:
        read_questionnaire(make_questionnaire(REQUEST), "req-1")
    assert len(caught.value.problems) == 12
    with pytest.raises(QuestionnaireError, match="not an Excel"):
        read_questionnaire(b"PK\x03\x04 broken")


def test_the_web_form_is_checked_the_same_way() -> None:
    values = {k: str(v) for k, v in (defaults(REQUEST) | ANSWERS).items()}
    assert read_form(values, "req-1")["pcf_total"] == read_questionnaire(
        fill(make_questionnaire(REQUEST)), "req-1")["pcf_total"]
    with pytest.raises(QuestionnaireError) as caught:
        read_form(values | {"primary_data_share": "101"}, "req-1")
    [problem] = caught.value.problems
    assert (problem.sheet, problem.cell, problem.field) == ("form", None, "primary_data_share")

"""Loan reduction paths (met, missed, no certified result, pending) and the trend of
certified footprints."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from tanzuji.finance.rules import Certified, LoanTerms, evaluate, trend

TODAY = dt.date(2026, 11, 23)


def cert(number: str, value: float, issued: dt.date, status: str = "valid",
         pcr: str = "cement-en16908@1.0", model: str = "P.O 42.5") -> Certified:
    return Certified(number, pcr, model, value, "kg CO2e/t", issued, status)


def terms(**changes: object) -> LoanTerms:
    return LoanTerms.model_validate({
        "reference": "L1", "borrower_id": "acme", "pcr_id": "cement-en16908",
        "baseline_value": 1000.0, "baseline_year": 2022, "reduction_percent": 10.0,
        "start_year": 2023, "end_year": 2027, **changes})


def test_a_percent_path_year_by_year() -> None:
    certified = [cert("A", 905.0, dt.date(2023, 5, 1)),   # target 900: missed
                 cert("B", 800.0, dt.date(2024, 5, 1)),   # target 810: met
                 cert("C", 700.0, dt.date(2025, 5, 1), status="withdrawn"),  # not counted
                 cert("D", 720.0, dt.date(2026, 3, 1))]   # target 656.1: missed
    path = evaluate(terms(), certified, TODAY)
    assert [(y.year, y.state, y.certificate) for y in path] == [
        (2023, "missed", "A"), (2024, "met", "B"), (2025, "no_result", None),
        (2026, "missed", "D"), (2027, "pending", None)]
    assert path[1].target == pytest.approx(810.0)


def test_targets_per_year_and_the_newest_certificate_of_a_year() -> None:
    loan = terms(reduction_percent=None, targets={2023: 950, 2024: 900}, end_year=2024,
                 product_model="P.O 42.5")
    certified = [cert("A1", 990.0, dt.date(2023, 2, 1)), cert("A2", 940.0, dt.date(2023, 9, 1)),
                 cert("X", 100.0, dt.date(2024, 1, 1), model="P.I 52.5"),
                 cert("Y", 100.0, dt.date(2024, 1, 1), pcr="steel-eaf@1.0")]
    assert [(y.state, y.certified) for y in evaluate(loan, certified, TODAY)] == [
        ("met", 940.0), ("no_result", None)]


def test_terms_refuse_an_unclear_path() -> None:
    for bad in ({"targets": {2023: 1.0}},                       # both kinds of path
                {"reduction_percent": None},                      # neither
                {"reduction_percent": None, "targets": {2023: 900}},  # a year without target
                {"start_year": 2021},                             # before the baseline
                {"end_year": 2060}):                              # too long
        with pytest.raises(ValidationError):
            terms(**bad)


def test_trend_by_category_and_model() -> None:
    series = trend([cert("B", 900.0, dt.date(2024, 5, 1)), cert("A", 1000.0, dt.date(2023, 5, 1)),
                    cert("W", 500.0, dt.date(2024, 8, 1), status="withdrawn"),
                    cert("C", 810.0, dt.date(2025, 5, 1)),
                    cert("S", 3.0, dt.date(2025, 1, 1), pcr="steel-eaf@1.0", model="rebar")])
    assert [(t["pcr"], t["product_model"]) for t in series] == [
        ("cement-en16908@1.0", "P.O 42.5"), ("steel-eaf@1.0", "rebar")]
    points = series[0]["points"]
    assert [p["certificate"] for p in points] == ["A", "B", "W", "C"]
    assert points[1]["change_percent"] == pytest.approx(-10.0)
    # a withdrawn value is shown but not taken as the level the next one is compared with
    assert points[3]["change_percent"] == pytest.approx(-10.0)

"""Procurement criteria outcomes: each criterion's pass or fail and its reason, the status of
a certificate on a closing date, and certificate numbers read from pasted text or a CSV."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from tanzuji.procurement.rules import CertificateFacts, Criteria, parse_numbers, screen, status_on

CLOSING = dt.date(2026, 6, 30)


def criteria(**changes: object) -> Criteria:
    return Criteria.model_validate({"name": "Lot 1", "pcr_id": "steel-bf-bof",
                                    "max_value": 2000.0, "closing_date": CLOSING, **changes})


def facts(**changes: object) -> CertificateFacts:
    base: dict[str, object] = {
        "number": "CB-1", "found": True, "status": "valid", "pcr_id": "steel-bf-bof@1.0",
        "value": 1900.0, "unit": "kg CO2e/t", "labelled": True, "primary_data_share": 60.0,
        "dqr": 2.0}
    return CertificateFacts(**{**base, **changes})  # type: ignore[arg-type]


def failed(result: object) -> list[str]:
    return [o.criterion for o in result.outcomes if not o.passed]  # type: ignore[attr-defined]


def test_a_bid_within_every_criterion_passes() -> None:
    result = screen(criteria(label_required=True, min_primary_share=50, max_dqr=3), facts())
    assert result.passed and failed(result) == []
    assert [o.criterion for o in result.outcomes] == [
        "certificate", "pcr", "max_value", "label", "primary_data", "dqr"]


@pytest.mark.parametrize(("changes", "criterion", "en", "zh"), [
    ({"value": 2100.0}, "max_value", "over the limit 2000", "超过上限"),
    ({"status": "suspended"}, "certificate", "suspended on the closing date", "暂停"),
    ({"status": "withdrawn"}, "certificate", "withdrawn", "撤销"),
    ({"status": "not_issued"}, "certificate", "not issued", "尚未颁发"),
    ({"pcr_id": "steel-eaf@1.0"}, "pcr", "steel-eaf@1.0", "steel-eaf@1.0"),
    ({"unit": "kg CO2e/kg"}, "max_value", "cannot be compared", "无法比较"),
    ({"labelled": False}, "label", "No carbon footprint label", "未签发"),
    ({"primary_data_share": 40.0}, "primary_data", "below 50", "低于"),
    ({"primary_data_share": None}, "primary_data", "no primary-data share", "没有"),
    ({"dqr": 3.5}, "dqr", "above 3", "高于"),
    ({"dqr": None}, "dqr", "no data quality rating", "没有"),
])
def test_each_failing_criterion_says_why(changes: dict[str, object], criterion: str, en: str,
                                         zh: str) -> None:
    rules = criteria(label_required=True, min_primary_share=50, max_dqr=3,
                     unit="kg CO2e/t")
    result = screen(rules, facts(**changes))
    assert not result.passed and failed(result) == [criterion]
    outcome = next(o for o in result.outcomes if o.criterion == criterion)
    assert en in outcome.en and zh in outcome.zh


def test_an_unknown_certificate_fails_on_that_alone() -> None:
    result = screen(criteria(label_required=True), CertificateFacts("NOPE", found=False))
    assert failed(result) == ["certificate"] and len(result.outcomes) == 1
    assert "No certificate NOPE" in result.outcomes[0].en


def test_a_pcr_with_a_version_must_match_it() -> None:
    assert screen(criteria(pcr_id="steel-bf-bof@1.0"), facts()).passed
    assert failed(screen(criteria(pcr_id="steel-bf-bof@2.0"), facts())) == ["pcr"]


def test_criteria_refuse_nonsense() -> None:
    for bad in ({"max_value": 0}, {"name": "  "}, {"min_primary_share": 120},
                {"max_dqr": 0.5}, {"closing_date": "soon"}):
        with pytest.raises(ValidationError):
            criteria(**bad)


def test_status_on_the_closing_date() -> None:
    issued, until = dt.date(2025, 1, 10), dt.date(2027, 1, 9)
    events = [(dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC), "valid"),
              (dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), "suspended"),
              (dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC), "valid")]
    today = dt.date(2026, 11, 23)

    def on(day: dt.date, current: str = "valid") -> str:
        return status_on(events, issued, until, current, day, today)

    assert on(dt.date(2025, 1, 9)) == "not_issued"
    assert on(dt.date(2026, 2, 28)) == "valid"
    assert on(dt.date(2026, 3, 1)) == "suspended"  # suspended during that day
    assert on(dt.date(2026, 5, 2)) == "valid"
    assert on(dt.date(2026, 12, 31), "withdrawn") == "withdrawn"  # a later closing: now
    assert on(dt.date(2027, 2, 1)) == "expired"


def test_certificate_numbers_from_text_or_csv() -> None:
    pasted = "CB-1\n\"CB-2\";CB-3\n  CB-1 \nCB-4\tCB-5 CB-6\n"
    assert parse_numbers(pasted) == ["CB-1", "CB-2", "CB-3", "CB-4", "CB-5", "CB-6"]
    csv = "bidder,Certificate\nACME,CB-1\nBeta,\"CB-2\"\nGamma\n"
    assert parse_numbers(csv) == ["CB-1", "CB-2"]
    assert parse_numbers("证书编号\nCB-9") == ["CB-9"]
    assert parse_numbers(" \n") == []

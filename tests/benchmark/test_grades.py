"""Percentiles, thresholds, letters and k-anonymity of the category distribution."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tanzuji.benchmark.distribution import FACTOR, PLATFORM, Distribution, Point, with_k_anonymity
from tanzuji.benchmark.grades import grade, letter_for, thresholds
from tanzuji.rules.pcr import GradeScale


def dist(*values: float) -> Distribution:
    return Distribution("x", "kg CO2e per t", tuple(Point(v, FACTOR, f"f{v}") for v in values))


def test_percentile_of_counts_ties_half() -> None:
    d = dist(10, 20, 30, 40)
    assert d.percentile_of(5) == 0.0
    assert d.percentile_of(20) == pytest.approx(37.5)  # 1 below, 1 equal, of 4
    assert d.percentile_of(45) == 100.0
    assert dist().percentile_of(1) is None


def test_quintile_thresholds_interpolate_linearly() -> None:
    d = dist(100, 200, 300, 400, 500, 600)
    # numpy type 7: position p/100 * (n - 1) between order statistics
    assert thresholds(GradeScale(), d) == pytest.approx((200, 300, 400, 500))
    assert d.summary() == pytest.approx(
        {"min": 100, "p25": 225, "median": 350, "p75": 475, "max": 600})


@pytest.mark.parametrize(("value", "letter"), [
    (50, "A"), (200, "A"), (200.1, "B"), (350, "C"), (500, "D"), (501, "E"), (9e9, "E")])
def test_lower_footprint_is_the_better_letter(value: float, letter: str) -> None:
    g = grade(value, dist(100, 200, 300, 400, 500, 600), GradeScale())
    assert g is not None
    assert g.letter == letter
    assert g.n == 6 and g.sources == ((FACTOR, 6),) and g.scale == "quintiles"


def test_too_few_values_give_no_percentile_grade_but_an_absolute_one() -> None:
    assert grade(10, dist(5, 20), GradeScale()) is None
    absolute = GradeScale(name="rule", method="absolute", letters=["1", "2", "3"],
                          thresholds=[600, 800])
    g = grade(700, dist(), absolute)
    assert g is not None
    assert (g.letter, g.thresholds, g.percentile, g.n) == ("2", (600, 800), None, 0)
    assert letter_for(801, (600, 800), ["1", "2", "3"]) == "3"


@pytest.mark.parametrize("bad", [
    {"method": "absolute"},
    {"method": "absolute", "thresholds": [1, 2]},
    {"percentiles": [20, 10, 60, 80]},
    {"percentiles": [0, 40, 60, 80]},
    {"letters": ["A", "A"], "percentiles": [50]},
])
def test_inconsistent_scales_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        GradeScale.model_validate(bad)


def test_platform_results_only_from_k_companies_on() -> None:
    published = [Point(700, FACTOR, "cpcd")]
    few = with_k_anonymity("c", "kg CO2e per t", published, [(600, "a"), (650, "b")], k=3)
    assert few.n == 1 and few.withheld == 2 and few.sources == {FACTOR: 1}
    one_company = with_k_anonymity("c", "kg CO2e per t", published,
                                   [(600, "a"), (650, "a"), (680, "b")], k=3)
    assert one_company.withheld == 3
    enough = with_k_anonymity("c", "kg CO2e per t", published,
                              [(600, "a"), (650, "b"), (680, "c")], k=3)
    assert enough.n == 4 and enough.withheld == 0
    assert enough.sources == {FACTOR: 1, PLATFORM: 3}
    assert all(p.label is None for p in enough.points if p.source == PLATFORM)

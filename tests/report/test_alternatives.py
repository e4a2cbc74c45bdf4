"""What the report needs from accounting: end-of-life and cut-off alternatives (SENS-01), and
the binned Monte Carlo draws for the histogram. Expected numbers are worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from tanzuji.accounting.calculate import calculate
from tanzuji.accounting.montecarlo import histogram
from tanzuji.accounting.result import StudyResult
from tests.accounting.test_known_answers import include, proc
from tests.conftest import WriteStudy, study_dict
from tests.report.conftest import CFF_FACTORS


def alternatives(result: StudyResult, choice: str) -> dict[str, float]:
    assert result.sensitivity is not None
    return {a.name: a.total for a in result.sensitivity.alternatives if a.choice == choice}


def test_avoided_burden_against_cut_off(write_study: WriteStudy) -> None:
    doc = include(study_dict([
        proc("make", emissions=[{"gas": "CO2", "amount": 3, "unit": "kg"}],
             inputs=[{"process": "scrap", "amount": 1, "unit": "kg"}]),
        proc("scrap", stage="end_of_life", end_of_life={
            "approach": "avoided_burden",
            "credits": [{"factor": "steel", "amount": 0.5, "unit": "kg"}]}),
    ]), "end_of_life")
    r = calculate(write_study(doc), sensitivity=True)
    assert r.total == pytest.approx(3.0 - 1.0)
    # without the credit (cut-off 100:0) only the 3 kg CO2 remain; A does not apply here
    assert alternatives(r, "end_of_life") == {"end of life: cut-off (100:0)": pytest.approx(3.0)}


def test_circular_footprint_formula_along_a(write_study: WriteStudy) -> None:
    doc = include(study_dict([proc("eol", stage="end_of_life", end_of_life={
        "approach": "cff",
        "cff": [{"mass": {"amount": 1, "unit": "kg"}, "A": 0.2, "R1": 0.3, "R2": 0.5,
                 "Ev": "steel", "Erecycled": "rec", "ErecyclingEoL": "rec", "ED": "disp"}]})]),
        "end_of_life")
    r = calculate(write_study(doc, factors=CFF_FACTORS), sensitivity=True)

    def cff(a: float, r1: float = 0.3, r2: float = 0.5) -> float:
        return ((1 - r1) * 2.0 + r1 * (a * 0.5 + (1 - a) * 2.0)
                + (1 - a) * r2 * (0.5 - 2.0) + (1 - r2) * 0.1)

    assert r.total == pytest.approx(cff(0.2))
    assert alternatives(r, "end_of_life") == {
        "end of life: cut-off (100:0)": pytest.approx(cff(1.0)),
        "end of life: 50:50": pytest.approx(cff(0.5)),
        "end of life: avoided burden (0:100)": pytest.approx(cff(0.0)),
    }


def test_cut_off_screening_drops_the_smallest_lines(write_study: WriteStudy) -> None:
    # lines of 90, 4, 0.9, 0.6, 0.5 and 4 kg CO2: total 100; under 1 % each and 5 % in all,
    # 0.5 + 0.6 + 0.9 = 2.0 can be left out
    emissions = [{"gas": "CO2", "amount": v, "unit": "kg"} for v in (90, 4, 0.9, 0.6, 0.5, 4)]
    r = calculate(write_study(study_dict([proc("x", emissions=emissions)])), sensitivity=True)
    (name, total), = alternatives(r, "cut_off").items()
    assert total == pytest.approx(98.0)
    assert "3 lines under 1 % each, 5 % in all" in name


def test_no_cut_off_alternative_when_nothing_is_small(write_study: WriteStudy) -> None:
    doc = study_dict([proc("x", emissions=[{"gas": "CO2", "amount": 1, "unit": "kg"}])])
    assert alternatives(calculate(write_study(doc), sensitivity=True), "cut_off") == {}


def test_histogram_counts_every_draw() -> None:
    draws = np.random.default_rng(1).lognormal(0.0, 0.5, 2000)
    h = histogram(draws, bins=20)
    assert len(h.counts) == 20 and len(h.edges) == 21
    assert sum(h.counts) + h.below + h.above == 2000
    assert h.edges[0] == pytest.approx(np.percentile(draws, 0.5))
    certain = histogram(np.full(50, 3.0))
    assert sum(certain.counts) == 50 and certain.edges[0] < 3.0 < certain.edges[-1]


def test_monte_carlo_keeps_a_histogram(write_study: WriteStudy) -> None:
    doc = study_dict([proc("x", emissions=[{"gas": "CO2", "amount": 1, "unit": "kg",
                                            "uncertainty": {"distribution": "normal",
                                                            "sd": 0.1}}])])
    r = calculate(write_study(doc), iterations=400, seed=2)
    assert r.uncertainty is not None and r.uncertainty.histogram is not None
    h = r.uncertainty.histogram
    assert sum(h.counts) + h.below + h.above == 400

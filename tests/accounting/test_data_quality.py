"""The inventory's data quality: pedigree scores averaged over the lines that state them,
weighted by their contribution, and declared only where they cover enough of the footprint."""

from __future__ import annotations

import dataclasses

import pytest

from tanzuji.accounting.calculate import calculate
from tanzuji.accounting.result import DataQuality
from tanzuji.exchange.from_result import product_footprint
from tanzuji.server.api.studies import declared_quality
from tests.conftest import WriteStudy, study_dict
from tests.declare.examples import declarable

GOOD = {"reliability": 1, "completeness": 2, "temporal": 1, "geographical": 2,
        "technological": 3}
POOR = {"reliability": 3, "completeness": 4, "temporal": 5, "geographical": 4,
        "technological": 5}


def study(steel_pedigree: dict[str, int] | None, road_pedigree: dict[str, int] | None
          ) -> dict[str, object]:
    steel: dict[str, object] = {"factor": "steel", "amount": 3, "unit": "kg"}  # 6 kg CO2e
    road: dict[str, object] = {"factor": "transport:road", "amount": 20, "unit": "tkm"}  # 2
    if steel_pedigree:
        steel["pedigree"] = steel_pedigree
    if road_pedigree:
        road["pedigree"] = road_pedigree
    return study_dict([{"id": "part", "name": "part", "stage": "production",
                        "reference_product": {"name": "part", "unit": "kg"},
                        "inputs": [steel, road]}])


def test_scores_are_weighted_by_contribution(write_study: WriteStudy) -> None:
    result = calculate(write_study(study(GOOD, POOR)))
    q = result.data_quality
    assert q is not None and q.coverage == pytest.approx(100.0)
    # steel 6 of 8 kg CO2e, road 2 of 8
    assert q.technological == pytest.approx((6 * 3 + 2 * 5) / 8)
    assert q.temporal == pytest.approx((6 * 1 + 2 * 5) / 8)
    assert q.dqr == pytest.approx((q.technological + q.temporal + q.geographical) / 3)
    assert q.declarable


def test_a_small_covered_part_is_not_declared(write_study: WriteStudy) -> None:
    partly = calculate(write_study(study(None, GOOD))).data_quality
    assert partly is not None and partly.coverage == pytest.approx(25.0)
    assert not partly.declarable
    assert declared_quality(partly.model_dump())["dqr"] is None
    assert calculate(write_study(study(None, None))).data_quality is None
    assert declared_quality(None) == {"data_quality": None, "dqr": None}


def test_declared_footprint_and_pact_read_the_scores(write_study: WriteStudy) -> None:
    result = calculate(write_study(study(GOOD, GOOD)))
    assert result.data_quality is not None
    declared = declared_quality(result.data_quality.model_dump())
    assert declared["dqr"] == pytest.approx(round((3 + 1 + 2) / 3, 2))
    # PACT's dqi: the info file's ratings first, else the result's where declarable
    example = declarable("steel-bf-bof-hot-rolled.yaml")  # shared: copied, never changed
    quality = DataQuality(reliability=1, completeness=1, temporal=2, geographical=1,
                          technological=4, coverage=80)
    d = dataclasses.replace(example, result=example.result.model_copy(
        update={"data_quality": quality}))
    from_info = product_footprint(d).to_json()["pcf"]["dqi"]
    without = dataclasses.replace(d, info=d.info.model_copy(update={"data_quality": None}))
    from_result = product_footprint(without).to_json()["pcf"]["dqi"]
    assert from_result == {"technologicalDQR": "4", "geographicalDQR": "1",
                           "temporalDQR": "2"}
    assert from_info != from_result

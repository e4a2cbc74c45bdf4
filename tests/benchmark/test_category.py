"""The category distribution from the database: published factors by pattern, certified
results anonymised from k on, units converted, and grade_for as other services call it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tanzuji.benchmark import BenchmarkError, category, grade_for
from tanzuji.benchmark.distribution import FACTOR, PLATFORM
from tanzuji.store.benchmark_db import published_factors
from tanzuji.store.db import make_engine, upgrade
from tanzuji.store.factor_db import FactorDB
from tanzuji.store.seed import init_database
from tests.benchmark.helpers import certify, parties


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    upgrade(eng)
    init_database(FactorDB(eng))
    parties(eng)
    yield eng
    eng.dispose()


def test_published_factors_by_id_pattern_with_unit_conversion(engine: Engine) -> None:
    cat = category(engine, "cn-aluminium-electrolytic")
    values = sorted(p.value for p in cat.distribution.points)
    # the per-kg ingot factor (16.38 kg CO2e/kg) enters as 16 380 kg CO2e/t
    assert values == pytest.approx([15100, 15800, 16380, 20300])
    assert cat.distribution.unit == "kg CO2e per t"
    assert all(p.source == FACTOR and p.label for p in cat.distribution.points)


def test_id_patterns_exact_prefix_and_wildcards(engine: Engine) -> None:
    def ids(*patterns: str) -> list[str]:
        return [f.factor_id for f in published_factors(engine, factors=patterns)]

    assert ids("cpcd:41121B0012021A") == ["cpcd:41121B0012021A"]
    assert ids("iai:primary-aluminium:*") == ["iai:primary-aluminium:global-2021",
                                             "iai:primary-aluminium:global-2022"]
    assert ids("cpcd:41121?0012021A") == ["cpcd:41121B0012021A"]
    assert ids("cpcd:4122*X00*2022A") == ["cpcd:41221X0012022A", "cpcd:41223X0012022A"]
    assert ids() == []


def test_exclusions_and_name_patterns(engine: Engine) -> None:
    elec = category(engine, "cn-electricity")
    labels = " ".join(p.label or "" for p in elec.distribution.points)
    assert elec.distribution.n == 8 and ":national" not in labels and ":td-" not in labels
    pv = category(engine, "cn-pv-module@1.0")
    assert sorted(p.value for p in pv.distribution.points) == pytest.approx(
        [427.98, 474.24, 500.55])


def test_certified_results_are_anonymous_and_counted_from_k(engine: Engine) -> None:
    certify(engine, [600.0, 650.0], prefix="K")
    cat = category(engine, "cement-en16908")
    assert cat.distribution.n == 1 and cat.distribution.withheld == 2
    assert grade_for(engine, "cement-en16908", 700) is None  # 1 value: no quintiles
    certify(engine, [680.0], prefix="L")
    cat = category(engine, "cement-en16908")
    assert cat.distribution.sources == {FACTOR: 1, PLATFORM: 3}
    assert [p.label for p in cat.distribution.points if p.source == PLATFORM] == [None] * 3
    g = grade_for(engine, "cement-en16908", 600)
    assert g is not None and g.letter == "A" and g.n == 4
    assert dict(g.sources) == {FACTOR: 1, PLATFORM: 3}


def test_one_companys_certificates_count_once(engine: Engine) -> None:
    certify(engine, [600.0, 650.0, 680.0], prefix="ONE", applicants=["acme"] * 3)
    cat = category(engine, "cement-en16908")
    assert cat.distribution.withheld == 3 and cat.distribution.sources == {FACTOR: 1}


def test_certificates_in_another_unit_are_converted(engine: Engine) -> None:
    certify(engine, [0.6, 0.65, 0.7], prefix="KG", unit="kg CO2e per 1 kg")
    values = sorted(p.value for p in category(engine, "cement-en16908").distribution.points
                    if p.source == PLATFORM)
    assert values == pytest.approx([600, 650, 700])
    per_kg = grade_for(engine, "cement-en16908", 0.6, unit="kg CO2e per 1 kg")
    assert per_kg is not None and per_kg == grade_for(engine, "cement-en16908", 600)
    assert grade_for(engine, "cement-en16908", 0.6, unit="kg CO2e per 1 kWh") is None


def test_rules_without_benchmark_or_unknown(engine: Engine) -> None:
    with pytest.raises(BenchmarkError, match="defines no benchmark"):
        category(engine, "cn-notebook-computer")
    with pytest.raises(BenchmarkError, match="no PCR"):
        category(engine, "no-such-rule")
    assert grade_for(engine, "no-such-rule", 1.0) is None
    # the library only, by id: never a file of that name; an older version grades as now
    with pytest.raises(BenchmarkError, match="no PCR"):
        category(engine, "src/tanzuji/rules/library/cement-en16908.yaml")
    assert category(engine, "cement-en16908@0.9").pcr.id == "cement-en16908"

"""Weak links against the best quartile: grouping, anonymity, totals-only results."""

from __future__ import annotations

import pytest

from tanzuji.benchmark.weaklinks import Member, best_group, by_process, weak_links
from tanzuji.rules.library import get_pcr

CEMENT = get_pcr("cement-en16908")


def member(total: float, clinker: float | None = None, party: str | None = None) -> Member:
    company = party or f"co{total:g}"
    if clinker is None:
        return Member(total, None, None, company)
    return Member(total, {"production": clinker + 50, "raw_material_acquisition":
                          total - clinker - 50}, {"clinker": clinker}, company)


def test_best_group_is_the_quartile_but_at_least_k_companies() -> None:
    members = [member(v) for v in range(100, 2100, 100)]  # 20 results of 20 companies
    assert [m.total for m in best_group(members, 3)] == [100, 200, 300, 400, 500]
    assert [m.total for m in best_group(members[:6], 3)] == [100, 200, 300]
    # one company's three best results do not make a group of three
    same = [member(100, party="x"), member(110, party="x"), member(120, party="x"),
            *members[2:8]]
    assert [m.total for m in best_group(same, 3)] == [100, 110, 120, 300, 400]


def test_hot_spots_map_to_the_rules_mandatory_processes() -> None:
    spots = [{"process": "kiln", "name": "Clinker burning", "value": 500.0},
             {"process": "mill", "name": "Cement grinding", "value": 30.0},
             {"process": "quarry", "name": "Limestone quarry", "value": 5.0}]
    assert by_process(CEMENT, spots) == {"clinker": 500.0, "cement-grinding": 30.0}


def test_the_stages_and_processes_that_separate_the_product() -> None:
    members = [member(600, 450), member(620, 460), member(640, 470), member(900, 700)]
    wl = weak_links(CEMENT, 800.0, {"production": 650.0, "raw_material_acquisition": 150.0},
                    {"clinker": 600.0}, members, k=3)
    assert wl.group_size == 3 and wl.with_breakdown == 3
    assert wl.best_total == pytest.approx(620)
    top = wl.gaps[0]
    assert (top.kind, top.key) == ("stage", "production")
    assert top.best == pytest.approx(510) and top.difference == pytest.approx(140)
    assert top.share_of_total == pytest.approx(17.5)
    clinker = next(g for g in wl.gaps if g.key == "clinker")
    assert clinker.difference == pytest.approx(140) and clinker.name_zh.startswith("熟料")


def test_too_few_results_or_breakdowns_say_so() -> None:
    none = weak_links(CEMENT, 800, {}, {}, [member(600, 450, "a"), member(610, 450, "a"),
                                            member(620, 450, "b")], k=3)
    assert none.best_total is None and not none.gaps and "fewer than 3" in none.notes[0].en
    totals = weak_links(CEMENT, 800, {}, {}, [member(600), member(610), member(650, 500)],
                        k=3)
    assert totals.best_total == pytest.approx(620) and not totals.gaps
    assert [n.code for n in totals.notes] == ["totals_only", "too_few_breakdowns"]
    assert "只对比总量" in totals.notes[1].zh

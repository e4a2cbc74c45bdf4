"""A product against its category: the value per declared unit, its grade, the distribution
and (for a study with a stage breakdown) the weak links."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine

from tanzuji.accounting.result import StudyResult
from tanzuji.benchmark.category import BenchmarkError, Category, category
from tanzuji.benchmark.grades import Grade, grade
from tanzuji.benchmark.units import BenchmarkUnitError, convert_footprint
from tanzuji.benchmark.weaklinks import Member, WeakLinks, by_process, weak_links
from tanzuji.model.study import Study
from tanzuji.rules.library import find_pcr


@dataclass(frozen=True)
class Assessment:
    category: Category
    value: float  # kg CO2e per the rule's declared unit
    grade: Grade | None
    median: float | None
    below_median_percent: float | None  # positive: better than the median
    weak: WeakLinks | None = None


def _in_unit(value: float, unit: str, declared: str, field: str) -> float:
    try:
        return convert_footprint(value, unit, declared)
    except BenchmarkUnitError as exc:
        raise BenchmarkError(str(exc), field) from None


def assess_value(engine: Engine, pcr_id: str, value: float, unit: str,
                 on: dt.date | None = None) -> Assessment:
    """A footprint stated in ``unit`` (``kg CO2e per 1 t``) against the rule's category."""
    cat = category(engine, pcr_id, on)
    v = _in_unit(value, unit, cat.rule.unit, "unit")
    return _assessment(cat, v)


def _assessment(cat: Category, v: float, weak: WeakLinks | None = None) -> Assessment:
    dist = cat.distribution
    median = dist.summary().get("median")
    below = None if not median else 100.0 * (median - v) / median
    return Assessment(cat, v, grade(v, dist, cat.rule.scale), median, below, weak)


def assess_study(engine: Engine, study: Study, result: StudyResult,
                 on: dt.date | None = None) -> Assessment:
    """A study's result under the PCR it names, with the weak links against the best
    quartile of the certified results."""
    pcr = find_pcr(study)
    if pcr is None:
        raise BenchmarkError("the study names no PCR of the library: it has no category",
                             "study.pcr")
    cat = category(engine, pcr.id, on, breakdowns=True)
    rule = cat.rule
    scale = _in_unit(1.0, result.unit, rule.unit, "unit")
    members = []
    for c in cat.certified:
        try:
            f = convert_footprint(1.0, c.unit, rule.unit)
        except BenchmarkUnitError:
            continue  # already listed in cat.skipped
        members.append(Member(
            c.value * f,
            None if c.by_stage is None else {k: v * f for k, v in c.by_stage.items()},
            None if c.hotspots is None else {
                k: v * f for k, v in by_process(pcr, c.hotspots).items()},
            c.party))
    hot = [h.model_dump() for h in result.hotspots]
    weak = weak_links(pcr, result.total * scale,
                      {k: v * scale for k, v in result.by_stage.items()},
                      {k: v * scale for k, v in by_process(pcr, hot).items()},
                      members, rule.min_platform_count)
    return _assessment(cat, result.total * scale, weak)


def as_dict(a: Assessment) -> dict[str, Any]:
    """The assessment as plain data (JSON), the way the API and the pages show it: platform
    points as values only."""
    cat, dist = a.category, a.category.distribution
    weak = None
    if a.weak is not None:
        weak = {"total": a.weak.total, "best_total": a.weak.best_total,
                "group_size": a.weak.group_size, "with_breakdown": a.weak.with_breakdown,
                "gaps": [asdict(g) for g in a.weak.gaps],
                "notes": [asdict(n) for n in a.weak.notes]}
    return {
        "pcr": cat.pcr.ref, "pcr_title_en": cat.pcr.title_en, "pcr_title_zh": cat.pcr.title_zh,
        "unit": dist.unit, "declared_unit": cat.rule.unit, "value": a.value,
        "grade": None if a.grade is None else asdict(a.grade),
        "median": a.median, "below_median_percent": a.below_median_percent,
        "distribution": {
            "n": dist.n, "sources": dist.sources, "withheld_platform_results": dist.withheld,
            "min_platform_count": cat.rule.min_platform_count, "summary": dist.summary(),
            "points": [{"value": p.value, "source": p.source, "label": p.label}
                       for p in sorted(dist.points, key=lambda p: p.value)]},
        "weak_links": weak, "skipped": list(cat.skipped),
    }

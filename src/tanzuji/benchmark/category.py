"""A PCR's category distribution from the database, in the rule's declared unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from tanzuji.benchmark.distribution import FACTOR, Distribution, Point, with_k_anonymity
from tanzuji.benchmark.units import BenchmarkUnitError, convert_footprint, per_unit
from tanzuji.rules.library import load_library
from tanzuji.rules.pcr import PCR, BenchmarkRule
from tanzuji.store.benchmark_db import CertifiedResult, certified_results, published_factors


class BenchmarkError(ValueError):
    """A rule that has no benchmark, or a value that cannot be compared with it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Category:
    """A rule, its benchmark section, its distribution and the certified results behind the
    platform points (for the weak-links comparison; never shown one by one)."""

    pcr: PCR
    rule: BenchmarkRule
    distribution: Distribution
    certified: tuple[CertifiedResult, ...]
    skipped: tuple[str, ...]  # published factors whose unit does not convert, with why


def rule_of(pcr_id: str) -> tuple[PCR, BenchmarkRule]:
    """The shipped rule (``id`` or ``id@version``) and its benchmark section.

    Only the library is consulted (never a file of that name), and by id: a certificate
    issued under an earlier version of the rule is graded in the category as it is now."""
    lib = load_library()
    rid = pcr_id.strip().partition("@")[0]
    if rid not in lib:
        raise BenchmarkError(f"no PCR {rid!r} in the library; known: {', '.join(sorted(lib))}",
                             "pcr")
    pcr = lib[rid]
    if pcr.benchmark is None:
        raise BenchmarkError(f"the PCR {pcr.id} defines no benchmark", "pcr")
    return pcr, pcr.benchmark


def category(engine: Engine, pcr_id: str, on: dt.date | None = None, *,
             breakdowns: bool = False) -> Category:
    """Published factors and certified results of the rule, converted to its declared unit;
    platform results appear only from ``min_platform_count`` on. ``breakdowns`` also reads
    the certified results' stage and process breakdowns (for weak links)."""
    pcr, rule = rule_of(pcr_id)
    points: list[Point] = []
    skipped: list[str] = []
    for f in published_factors(engine, factors=rule.factors, names=rule.names,
                               codes=rule.codes, exclude=rule.exclude):
        try:
            points.append(Point(per_unit(f.value, f.unit, rule.unit), FACTOR,
                                f"{f.factor_id} {f.name_en}"))
        except BenchmarkUnitError as exc:
            skipped.append(f"{f.factor_id}: {exc}")
    certified = tuple(certified_results(engine, pcr.id, on, breakdowns=breakdowns))
    values = []
    for c in certified:
        try:
            values.append((convert_footprint(c.value, c.unit, rule.unit), c.party))
        except BenchmarkUnitError as exc:
            skipped.append(f"a certified result: {exc}")
    dist = with_k_anonymity(pcr.id, f"kg CO2e per {rule.unit}", points, values,
                            rule.min_platform_count)
    return Category(pcr, rule, dist, certified, tuple(skipped))


def category_dict(cat: Category) -> dict[str, Any]:
    """The distribution and scale as plain data (platform points as values only)."""
    d = cat.distribution
    return {
        "pcr": cat.pcr.ref, "title_en": cat.pcr.title_en, "title_zh": cat.pcr.title_zh,
        "unit": d.unit, "n": d.n, "sources": d.sources, "withheld_platform_results": d.withheld,
        "min_platform_count": cat.rule.min_platform_count, "summary": d.summary(),
        "points": [{"value": p.value, "source": p.source, "label": p.label}
                   for p in sorted(d.points, key=lambda p: p.value)],
        "scale": cat.rule.scale.model_dump(), "skipped": list(cat.skipped),
    }

"""Grades (分级) A–E of a footprint against its category.

A percentile scale turns the distribution's quantiles into value thresholds (default
quintiles); an absolute scale takes the thresholds the PCR sets. Either way the first letter
whose threshold the value does not exceed is the grade, so a lower footprint is a better
letter."""

from __future__ import annotations

from dataclasses import dataclass

from tanzuji.benchmark.distribution import Distribution
from tanzuji.rules.pcr import GradeScale

# fewer published or certified values than this give no percentile-based thresholds
MIN_POINTS = 3


@dataclass(frozen=True)
class Grade:
    """A footprint's grade, with what it was measured against."""

    letter: str
    percentile: float | None  # percent of the category with a lower footprint
    scale: str  # the scale's name (e.g. quintiles)
    thresholds: tuple[float, ...]  # upper bound of each letter but the last, per declared unit
    n: int  # values in the distribution
    sources: tuple[tuple[str, int], ...]  # (source, count)
    method: str = "percentile"
    unit: str = ""
    letters: tuple[str, ...] = ("A", "B", "C", "D", "E")


def thresholds(scale: GradeScale, dist: Distribution) -> tuple[float, ...] | None:
    """The value boundaries between the letters, or None when the category has too few
    values for a percentile scale."""
    if scale.method == "absolute":
        assert scale.thresholds is not None  # the model requires them
        return tuple(scale.thresholds)
    if dist.n < MIN_POINTS:
        return None
    return dist.quantiles(scale.percentiles)


def letter_for(value: float, bounds: tuple[float, ...], letters: list[str]) -> str:
    for bound, letter in zip(bounds, letters, strict=False):
        if value <= bound:
            return letter
    return letters[-1]


def grade(value: float, dist: Distribution, scale: GradeScale) -> Grade | None:
    """The grade of ``value`` (kg CO2e per declared unit), or None when it cannot be given."""
    bounds = thresholds(scale, dist)
    if bounds is None:
        return None
    return Grade(
        letter=letter_for(value, bounds, scale.letters),
        percentile=dist.percentile_of(value), scale=scale.name, thresholds=bounds,
        n=dist.n, sources=tuple(dist.sources.items()), method=scale.method, unit=dist.unit,
        letters=tuple(scale.letters))

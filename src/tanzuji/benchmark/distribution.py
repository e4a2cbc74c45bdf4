"""A category's distribution of footprints per declared unit, and where a value falls in it.

Pure numbers: the points come from the store (published factors, certified platform results),
already converted to the rule's declared unit. Quantiles use linear interpolation between the
order statistics (numpy's default, Hyndman-Fan type 7), so that a handful of published values
still gives usable boundaries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FACTOR = "factor_database"
PLATFORM = "certified_platform"


@dataclass(frozen=True)
class Point:
    """One footprint of the category: a published factor (``label`` names it) or a certified
    platform result (``label`` is None: never the company or the study)."""

    value: float
    source: str
    label: str | None = None


@dataclass(frozen=True)
class Distribution:
    pcr_id: str
    unit: str  # "kg CO2e per <declared unit>"
    points: tuple[Point, ...]
    withheld: int = 0  # platform results kept back because fewer than k were certified

    @property
    def n(self) -> int:
        return len(self.points)

    @property
    def values(self) -> np.ndarray:
        return np.sort(np.array([p.value for p in self.points], dtype=float))

    @property
    def sources(self) -> dict[str, int]:
        return dict(sorted(Counter(p.source for p in self.points).items()))

    def quantiles(self, percents: Sequence[float]) -> tuple[float, ...]:
        """Values at the given percents (0–100); empty distributions have none."""
        if not self.points:
            raise ValueError("an empty distribution has no quantiles")
        return tuple(float(q) for q in np.percentile(self.values, list(percents)))

    def percentile_of(self, value: float) -> float | None:
        """Percent of the category with a lower footprint (ties count half): 0 is the best."""
        if not self.points:
            return None
        v = self.values
        below = float(np.sum(v < value))
        equal = float(np.sum(v == value))
        return 100.0 * (below + 0.5 * equal) / len(v)

    def summary(self) -> dict[str, float]:
        """Minimum, quartiles, median and maximum (empty for an empty distribution)."""
        if not self.points:
            return {}
        q = self.quantiles([0, 25, 50, 75, 100])
        return dict(zip(("min", "p25", "median", "p75", "max"), q, strict=True))


def with_k_anonymity(pcr_id: str, unit: str, published: Sequence[Point],
                     certified: Sequence[tuple[float, str]], k: int) -> Distribution:
    """The distribution, with the certified platform results (value, company) only when they
    come from at least ``k`` different companies: fewer could be traced back to the one or
    two behind them. The companies are counted, never kept."""
    shown = len({party for _, party in certified}) >= k
    platform = tuple(Point(v, PLATFORM) for v, _ in sorted(certified)) if shown else ()
    return Distribution(pcr_id, unit, (*published, *platform),
                        withheld=0 if shown else len(certified))

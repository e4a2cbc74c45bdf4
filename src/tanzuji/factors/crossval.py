"""Cross-validation of factors: compare each factor with its peers and flag suspects.

A published factor is rarely wrong in isolation; it is wrong next to the other factors for
the same product. These checks find the usual mistakes of transcription before a factor is
used: a value 1000x off (kg vs t, g vs kg, kWh vs MWh), a value far from its class, an
implausible magnitude for its unit, a negative value that is not a removal. They only
flag: a reviewer decides. Pure functions, deterministic order.

A *product class* is the CPC code when a factor has one, else its normalised English name;
values are compared per canonical (pint base) unit, within one dimension and one kind.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from tanzuji.factors.record import FactorRecord
from tanzuji.units import UnitError, conversion_factor, parse_unit

FlagCode = Literal["outlier", "unit_suspect", "out_of_range", "negative"]

MIN_CLASS = 4  # members a class needs before robust statistics mean anything
UNIT_STEP = 3.0  # log10 of 1000: the step between kg and t, g and kg, kWh and MWh
UNIT_TOLERANCE = 0.5  # |log10 difference - 3k| within this looks like a unit slip

# kg CO2e per one reference unit that a factor can plausibly have, by unit family
RANGES: dict[str, tuple[str, float, float]] = {
    "mass": ("kg", 1e-4, 1e3),
    "electricity": ("kWh", 0.0, 2.0),
    "energy": ("MJ", 0.0, 0.5),
    "freight": ("tkm", 1e-4, 5.0),
}
_REMOVAL_WORDS = ("removal", "credit", "uptake", "sequestration", "sequestered", "avoided",
                  "negative emission", "offset", "carbon sink", "碳汇", "移除", "抵消", "固碳",
                  "吸收", "减排量")


@dataclass(frozen=True)
class Flag:
    """One suspicion about one factor, for a reviewer."""

    factor_id: str
    code: FlagCode
    message: str
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Comparison:
    """A factor next to its peers (same product, geography, kind, year ± 1), in its unit."""

    factor_id: str
    unit: str
    value: float
    n: int
    min: float
    median: float
    max: float
    deviation: float | None  # (value - median) / |median| of the others; None if median 0
    peers: tuple[str, ...]


def normalise_name(name: str) -> str:
    """Case and blanks do not make a different product."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def product_class(factor: FactorRecord) -> str:
    """``cpc:<code>`` when the factor has a CPC code, else ``name:<normalised name>``."""
    if factor.cpc and factor.cpc.strip():
        return f"cpc:{factor.cpc.strip()}"
    return f"name:{normalise_name(factor.name_en)}"


@lru_cache(maxsize=1024)
def _canonical(unit: str) -> tuple[float, str]:
    """(how many base units one ``unit`` is, the base unit's name)."""
    quantity = (1.0 * parse_unit(unit)).to_base_units()
    return float(quantity.magnitude), str(quantity.units)


def _per_canonical(factor: FactorRecord) -> tuple[float, str]:
    size, base = _canonical(factor.unit)
    return factor.co2e() / size, base


def _same_product(a: FactorRecord, b: FactorRecord) -> bool:
    if a.cpc and b.cpc:
        return a.cpc.strip() == b.cpc.strip()
    return normalise_name(a.name_en) == normalise_name(b.name_en)


def _close_years(a: int | None, b: int | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1


def spread(factors: Sequence[FactorRecord]) -> list[Comparison]:
    """For each factor with peers: how the peers' values (in its unit) are spread."""
    buckets: dict[tuple[str, str | None], list[FactorRecord]] = defaultdict(list)
    for f in factors:
        buckets[(f.kind, f.geography)].append(f)
    out: list[Comparison] = []
    for f in sorted(factors, key=lambda r: r.id):
        values: list[float] = []
        peers: list[str] = []
        for other in buckets[(f.kind, f.geography)]:
            if other is f or other.id == f.id or not _same_product(f, other):
                continue
            if not _close_years(f.year, other.year):
                continue
            try:
                per_unit = other.co2e() * conversion_factor(f.unit, other.unit)
            except UnitError:
                continue
            values.append(per_unit)
            peers.append(other.id)
        if not values:
            continue
        median = statistics.median(values)
        value = f.co2e()
        out.append(Comparison(
            factor_id=f.id, unit=f.unit, value=value, n=len(values), min=min(values),
            median=median, max=max(values),
            deviation=(value - median) / abs(median) if median else None,
            peers=tuple(sorted(peers)),
        ))
    return out


@dataclass(frozen=True)
class _Member:
    factor: FactorRecord
    log_value: float  # log10 of kg CO2e per base unit


_Classes = dict[tuple[str, str, str], list[_Member]]


def _classes(factors: Iterable[FactorRecord]) -> _Classes:
    """Positive-valued factors by (product class, kind, base unit)."""
    out: dict[tuple[str, str, str], list[_Member]] = defaultdict(list)
    for f in factors:
        value, base = _per_canonical(f)
        if value > 0 and math.isfinite(value):
            out[(product_class(f), f.kind, base)].append(_Member(f, math.log10(value)))
    return out


def _in_unit(log_value: float, factor: FactorRecord) -> float:
    """A log10 per-base-unit value back in kg CO2e per the factor's own unit."""
    return 10 ** log_value * _canonical(factor.unit)[0]


def check(factors: Sequence[FactorRecord]) -> list[Flag]:
    """Every flag of :func:`outliers` and :func:`unit_suspects`, grouping the factors once."""
    classes = _classes(factors)
    return _ordered([*_outliers(classes), *_unit_suspects(classes, factors)])


def outliers(factors: Sequence[FactorRecord], threshold: float = 3.5) -> list[Flag]:
    """Robust z-scores (Iglewicz & Hoaglin): |0.6745 (x - median) / MAD| > ``threshold`` on
    log10 values within a product class of at least ``MIN_CLASS`` members."""
    return _ordered(_outliers(_classes(factors), threshold))


def _outliers(classes: _Classes, threshold: float = 3.5) -> list[Flag]:
    flags: list[Flag] = []
    for (klass, _kind, _base), members in classes.items():
        if len(members) < MIN_CLASS:
            continue
        logs = [m.log_value for m in members]
        median = statistics.median(logs)
        mad = statistics.median(abs(x - median) for x in logs)
        if mad > 0:
            scale = mad / 0.6745
        else:  # more than half identical: fall back on the mean absolute deviation
            mean_ad = statistics.fmean(abs(x - median) for x in logs)
            scale = 1.253314 * mean_ad
        if scale == 0:
            continue
        for m in members:
            z = (m.log_value - median) / scale
            if abs(z) <= threshold:
                continue
            f = m.factor
            middle = _in_unit(median, f)
            flags.append(Flag(f.id, "outlier", (
                f"{f.co2e():.4g} kg CO2e/{f.unit} is an outlier among {len(members)} factors "
                f"of {klass}: robust z = {z:.2f} (median {middle:.4g} kg CO2e/{f.unit})"),
                {"class": klass, "z": z, "median": middle, "unit": f.unit,
                 "value": f.co2e(), "n": len(members), "threshold": threshold}))
    return flags


def _ratio_text(steps: int) -> str:
    ratio = 1000 ** abs(steps)
    return f"x{ratio}" if steps > 0 else f"x1/{ratio}"


@lru_cache(maxsize=1024)
def _family(unit: str) -> str | None:
    """Which plausibility range applies: by dimension, and kWh-like vs MJ-like energy."""
    dims = parse_unit(unit).dimensionality
    for family, (ref, _low, _high) in RANGES.items():
        if dims == parse_unit(ref).dimensionality:
            if family in ("electricity", "energy"):
                return "electricity" if "wh" in unit.lower() else "energy"
            return family
    return None


def _is_removal(f: FactorRecord) -> bool:
    if f.origin == "biogenic":
        return True
    text = " ".join(t for t in (f.name_en, f.name_zh, f.comment, f.boundary) if t).casefold()
    return any(word in text for word in _REMOVAL_WORDS)


def _medians_without_each(members: Sequence[_Member]) -> list[float]:
    """For each member, the median of the others' log values, in O(n log n): drop the
    member's own place from the sorted values and read the middle of what is left."""
    values = sorted(m.log_value for m in members)
    rank = {id(m): i for i, m in enumerate(sorted(members, key=lambda m: m.log_value))}
    n = len(values) - 1  # how many others

    def at(k: int, skip: int) -> float:
        return values[k if k < skip else k + 1]

    out = []
    for m in members:
        skip = rank[id(m)]
        middle = at(n // 2, skip)
        out.append(middle if n % 2 else (at(n // 2 - 1, skip) + middle) / 2)
    return out


def unit_suspects(factors: Sequence[FactorRecord]) -> list[Flag]:
    """Values orders of magnitude off: a x1000 step from the class, a magnitude no factor of
    its unit has, or a negative value that is not a removal or credit."""
    return _ordered(_unit_suspects(_classes(factors), factors))


def _unit_suspects(classes: _Classes, factors: Sequence[FactorRecord]) -> list[Flag]:
    flags: list[Flag] = []
    for (klass, _kind, _base), members in classes.items():
        if len(members) < 3:
            continue  # needs at least two others to have a median that means something
        for m, median in zip(members, _medians_without_each(members), strict=True):
            diff = m.log_value - median
            steps = round(diff / UNIT_STEP)
            if steps == 0 or abs(diff - steps * UNIT_STEP) > UNIT_TOLERANCE:
                continue
            f = m.factor
            middle = _in_unit(median, f)
            flags.append(Flag(f.id, "unit_suspect", (
                f"looks like a unit error: {_ratio_text(steps)} off, check unit "
                f"({f.co2e():.4g} kg CO2e/{f.unit} against a median of {middle:.4g} for "
                f"{len(members) - 1} other factors of {klass})"),
                {"class": klass, "ratio": 10 ** diff, "steps": steps, "median": middle,
                 "unit": f.unit, "value": f.co2e(), "n": len(members) - 1}))
    for f in factors:
        value = f.co2e()
        if value < 0:
            if not _is_removal(f):
                flags.append(Flag(f.id, "negative", (
                    f"negative value {value:.4g} kg CO2e/{f.unit}, but the factor is not "
                    "marked as a removal or credit (origin biogenic, or say so in its name)"),
                    {"value": value, "unit": f.unit}))
            continue
        family = _family(f.unit)
        if family is None:
            continue
        ref, low, high = RANGES[family]
        per_ref = value * conversion_factor(ref, f.unit)
        if not low <= per_ref <= high:
            flags.append(Flag(f.id, "out_of_range", (
                f"{per_ref:.4g} kg CO2e/{ref} is outside the plausible range {low:g} .. "
                f"{high:g} kg CO2e/{ref} for a factor per {family} unit: check value and unit"),
                {"value": per_ref, "unit": ref, "low": low, "high": high,
                 "family": family}))
    return flags


def _ordered(flags: list[Flag]) -> list[Flag]:
    return sorted(flags, key=lambda f: (f.factor_id, f.code, f.message))

"""Footprints per some unit, converted to a PCR's declared unit with ``tanzuji.units``.

A certificate or a result states its unit as ``kg CO2e per 1 t``; a factor as a plain unit
(its value is kg CO2e per that unit). Units that do not convert (per kWh against per t) are
refused, never guessed."""

from __future__ import annotations

import re

from tanzuji.units import UnitError, conversion_factor

_PER = re.compile(
    r"^\s*(?P<mass>kg|g|t)\s*CO2\s*-?\s*e(q)?\s*(?:per|/)\s*(?P<qty>[0-9.eE+-]+)?\s*(?P<unit>.+?)\s*$",
    re.IGNORECASE)
_MASS = {"g": 0.001, "kg": 1.0, "t": 1000.0}


class BenchmarkUnitError(ValueError):
    """A footprint whose unit cannot be expressed per the category's declared unit."""


def split_per_unit(text: str) -> tuple[float, str, float]:
    """``kg CO2e per 1 t`` → (kg CO2e per mass unit, reference unit, reference quantity)."""
    m = _PER.match(text)
    if m is None:
        raise BenchmarkUnitError(f"{text!r} is not a footprint unit such as 'kg CO2e per 1 t'")
    qty = float(m["qty"]) if m["qty"] else 1.0
    if qty <= 0:
        raise BenchmarkUnitError(f"{text!r}: the reference quantity must be positive")
    return _MASS[m["mass"].lower()], m["unit"], qty


def per_unit(value: float, unit: str, declared: str) -> float:
    """kg CO2e per one ``unit`` → kg CO2e per one ``declared`` unit."""
    try:
        return value * conversion_factor(declared, unit)
    except UnitError as exc:
        raise BenchmarkUnitError(f"a footprint per {unit} cannot be compared per {declared}: "
                                 f"{exc}") from None


def convert_footprint(value: float, unit_text: str, declared: str) -> float:
    """A footprint stated with ``unit_text`` (``kg CO2e per 1 t``, ``kg CO2e/kg``) as kg CO2e
    per one ``declared`` unit."""
    mass, unit, qty = split_per_unit(unit_text)
    return per_unit(value * mass / qty, unit, declared)

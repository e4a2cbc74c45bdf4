"""Unit spellings found in published datasets, normalised with pint.

Chinese datasets write ``千克``, ``公吨``, ``千瓦时``; ecoinvent writes ``metric ton*km`` and
``unit``; value strings carry their own unit (``12.3 kgCO2e/千克``). Every importer turns
them into one canonical spelling through :func:`normalise_unit` and
:func:`parse_value_with_unit`, so that the same product from two sources can be compared.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tanzuji.units import UnitError, conversion_factor, parse_unit

# spelling -> pint unit; checked case-insensitively after stripping blanks
_ALIASES = {
    "千克": "kg", "公斤": "kg", "克": "g", "吨": "t", "公吨": "t", "tonne": "t",
    "tonnes": "t", "metricton": "t", "metric ton": "t", "ton": "t",
    "千瓦时": "kWh", "度": "kWh", "kwh": "kWh", "mwh": "MWh", "gwh": "GWh",
    "兆焦": "MJ", "mj": "MJ", "吉焦": "GJ", "gj": "GJ", "太焦": "TJ", "tj": "TJ", "kj": "kJ",
    "立方米": "m3", "方": "m3", "标准立方米": "Nm3", "标方": "Nm3", "nm3": "Nm3",
    "升": "l", "litre": "l", "liter": "l",
    "吨公里": "tkm", "吨·公里": "tkm", "t*km": "tkm", "t·km": "tkm", "tkm": "tkm",
    "metricton*km": "tkm", "metric ton*km": "tkm", "tonne*km": "tkm", "tonne km": "tkm",
    "人公里": "pkm", "person*km": "pkm", "pkm": "pkm", "passenger*km": "pkm",
    "个": "piece", "件": "piece", "台": "piece", "只": "piece", "unit": "piece",
    "item(s)": "piece", "items": "piece", "pcs": "piece", "piece": "piece", "p": "piece",
    "平方米": "m2", "m2": "m2", "m²": "m2", "米": "m", "千米": "km", "公里": "km",
    "千瓦": "kW", "kw": "kW", "kwp": "kW", "瓦": "W", "wp": "W",
}
_ALIASES_FOLDED = {k.replace(" ", "").lower(): v for k, v in _ALIASES.items()}

# CO2e mass units a value may be given in, as kg CO2e
_CO2E_UNITS = {
    "kgco2e": 1.0, "kgco2eq": 1.0, "kgco2-eq": 1.0, "kgco2": 1.0, "kg": 1.0,
    "gco2e": 1e-3, "gco2eq": 1e-3, "gco2": 1e-3, "g": 1e-3,
    "tco2e": 1e3, "tco2eq": 1e3, "tco2": 1e3, "t": 1e3,
    "千克二氧化碳当量": 1.0, "千克co2e": 1.0, "克二氧化碳当量": 1e-3, "吨二氧化碳当量": 1e3,
    "吨co2e": 1e3, "mgco2e": 1e-6,
}

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


@lru_cache(maxsize=2048)
def normalise_unit(text: str) -> str:
    """Canonical spelling of a unit (``公吨`` -> ``t``); raises UnitError when unknown."""
    raw = text.strip()
    if not raw:
        raise UnitError("empty unit")
    folded = raw.replace(" ", "").lower()
    unit = _ALIASES_FOLDED.get(folded, raw)
    parse_unit(unit)
    return unit


def value_scale(value_unit: str) -> float:
    """kg CO2e in one ``value_unit`` (``tCO2e`` -> 1000); raises UnitError when unknown."""
    key = value_unit.replace(" ", "").replace("₂", "2").replace("_", "").lower()
    if key in _CO2E_UNITS:
        return _CO2E_UNITS[key]
    raise UnitError(f"unknown unit of a CO2e value {value_unit!r} (use kgCO2e, gCO2e or tCO2e)")


def parse_value_with_unit(text: str) -> tuple[float, str]:
    """``'12.3 kgCO2e / 千克'`` -> ``(12.3, 'kg')``: kg CO2e per canonical unit.

    A denominator with a number (``/ 1000 kg``) is divided out; the value is rescaled from the
    numerator's CO2e unit to kg CO2e.
    """
    match = _NUMBER.match(text)
    if not match or not match.group(2):
        raise UnitError(f"expected a number followed by a unit such as 'kgCO2e/kg', "
                        f"got {text!r}")
    number, rest = float(match.group(1)), match.group(2)
    if "/" not in rest:
        raise UnitError(f"{text!r}: the unit must be 'CO2e unit / product unit'")
    top, bottom = (part.strip() for part in rest.split("/", 1))
    scale = value_scale(top)
    per = _NUMBER.match(bottom)
    amount = 1.0
    if per and per.group(2):
        amount, bottom = float(per.group(1)), per.group(2)
        if amount == 0:
            raise UnitError(f"{text!r}: zero amount in the denominator")
    return number * scale / amount, normalise_unit(bottom)


def rescale(value: float, unit: str, target: str) -> float:
    """The same factor per ``target`` instead of per ``unit`` (per t -> per kg divides by 1000)."""
    return value * conversion_factor(target, unit) if target != unit else value


__all__ = ["UnitError", "normalise_unit", "parse_value_with_unit", "rescale", "value_scale"]

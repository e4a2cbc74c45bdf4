"""Units of measure, via one shared pint registry with the few units LCA practice adds."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pint

ureg: pint.UnitRegistry[Any] = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
# Counted things (a battery pack, a module, a car) and freight work; pint knows t, km, kWh, W.
ureg.define("piece = [count] = pcs = item = unit_item")
ureg.define("tkm = tonne * kilometer = t_km")
ureg.define("pkm = [passenger_distance]")
# Normal cubic metre (gas at 0 °C, 101.325 kPa), as Chinese energy statistics count natural gas.
ureg.define("normal_cubic_meter = meter ** 3 = Nm3")

# "m3", "m³", "km2": the way units are written in data sheets
_POWER = re.compile(r"(?<![A-Za-z_])(m|cm|mm|dm|km)([23])(?![0-9])")


class UnitError(ValueError):
    """A unit pint does not know, or two units that do not convert into each other."""


@lru_cache(maxsize=1024)
def parse_unit(text: str) -> Any:
    """Parse a unit such as ``kg``, ``t*km``, ``kWh`` or ``m**3``."""
    cleaned = text.strip().replace("·", "*").replace("³", "3").replace("²", "2")
    cleaned = _POWER.sub(r"\1**\2", cleaned)
    if not cleaned:
        raise UnitError("empty unit")
    try:
        quantity = ureg.parse_expression(cleaned)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
        raise UnitError(f"unknown unit {text!r}") from exc
    except Exception as exc:  # pint raises assorted errors for malformed text
        raise UnitError(f"cannot read unit {text!r}: {exc}") from exc
    if not isinstance(quantity, pint.Quantity) or quantity.magnitude != 1:
        raise UnitError(f"{text!r} is not a unit")
    return quantity.units


@lru_cache(maxsize=4096)
def conversion_factor(source: str, target: str) -> float:
    """How many ``target`` units one ``source`` unit is (kg -> t gives 0.001)."""
    src, dst = parse_unit(source), parse_unit(target)
    try:
        return float((1.0 * src).to(dst).magnitude)
    except pint.errors.DimensionalityError:
        raise UnitError(
            f"{source!r} cannot be converted to {target!r} "
            f"({src.dimensionality} vs {dst.dimensionality})"
        ) from None

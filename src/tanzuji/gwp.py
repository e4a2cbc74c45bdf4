"""GWP100 characterisation factors from the IPCC assessment reports (AR6 default, AR5, AR4).

Values come from the packaged ``data/ipcc_gwp100_selected.csv`` (CC0 openclimatedata
``globalwarmingpotentials`` 0.13.2 plus IPCC AR6 WGI Table 7.15 for fossil and non-fossil CH4).
Methane is split by origin (rule BIO-03): fossil 29.8 / non-fossil 27.0 in AR6, 30 / 28 in AR5;
AR4 has one value (25) for both.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

GWP_SETS = ("AR6", "AR5", "AR4")
DEFAULT_GWP_SET = "AR6"


class GWPError(ValueError):
    """Unknown GWP set or gas."""


@dataclass(frozen=True)
class GWPSet:
    name: str
    values: dict[str, float]  # species key -> kg CO2e per kg

    def factor(self, gas: str, non_fossil: bool = False) -> float:
        """GWP100 of ``gas``; for CH4 pass whether it is of non-fossil (biogenic, dLUC) origin."""
        key = canonical_gas(gas)
        if key == "CH4":
            key = "CH4_nonfossil" if non_fossil else "CH4_fossil"
        try:
            return self.values[key]
        except KeyError:
            raise GWPError(f"no {self.name} GWP100 for gas {gas!r}") from None


@lru_cache(maxsize=1)
def _table() -> list[dict[str, str]]:
    path = resources.files("tanzuji") / "data" / "ipcc_gwp100_selected.csv"
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for row in _table():
        key = row["species_key"]
        for alias in (key, row["common_name"], key.replace("HFC", "HFC-")):
            out[alias.upper().replace(" ", "")] = key
    return out


def known_gases() -> list[str]:
    """Species keys users may write (CH4 is split by origin automatically)."""
    split = ("CH4_fossil", "CH4_nonfossil")
    return [r["species_key"] for r in _table() if r["species_key"] not in split]


@lru_cache(maxsize=512)
def canonical_gas(gas: str) -> str:
    """Map a user's spelling (``HFC-134a``, ``hfc134a``, ``c-C4F8``) to the table's key."""
    aliases = _aliases()
    key = gas.strip().upper().replace(" ", "")
    if key in aliases:
        return aliases[key]
    key = key.replace("-", "")
    for alias, canonical in aliases.items():
        if alias.replace("-", "") == key:
            return canonical
    raise GWPError(f"unknown greenhouse gas {gas!r}; known: {', '.join(known_gases())}")


@lru_cache(maxsize=len(GWP_SETS))
def gwp_set(name: str) -> GWPSet:
    """The GWP100 set ``AR6``, ``AR5`` or ``AR4`` (case-insensitive)."""
    label = name.strip().upper()
    if label not in GWP_SETS:
        raise GWPError(f"unknown GWP set {name!r}; choose one of {', '.join(GWP_SETS)}")
    values: dict[str, float] = {}
    for row in _table():
        text = row[f"{label}_GWP100"].strip()
        if text:
            values[row["species_key"]] = float(text)
    if label == "AR4":  # AR4 gives one methane value for every origin
        values["CH4_fossil"] = values["CH4_nonfossil"] = values["CH4"]
    return GWPSet(label, values)

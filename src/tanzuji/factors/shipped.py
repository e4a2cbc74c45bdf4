"""The data Tanzuji ships: official Chinese electricity factors and the curated starter set.

Ids of the electricity factors (what studies write):

* ``cn-elec-cf:<year>:<item>`` life-cycle carbon-footprint factors, kg CO2e/kWh, items
  ``national``, ``coal``, ``gas``, ``hydro``, ``nuclear``, ``wind``, ``pv``, ``csp``,
  ``biomass``, ``td-excl-losses``, ``td-incl-losses``;
* ``cn-elec-co2:<year>:<item>`` operational CO2 emission factors, kg CO2/kWh, items
  ``national``, ``national-excl-traded-nonfossil``, ``national-fossil``, the grid regions
  ``north``, ``northeast``, ``east``, ``central``, ``northwest``, ``south``, ``southwest``,
  and provinces by ISO 3166-2 code (``CN-JS``).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from tanzuji.factors.record import FactorRecord, Provenance

ELECTRICITY_DATASET = "cn-electricity"
STARTER_DATASET = "starter"

_CF_ITEMS = {
    "national average electricity carbon footprint": "national",
    "coal-fired generation": "coal",
    "gas-fired generation": "gas",
    "hydropower": "hydro",
    "nuclear": "nuclear",
    "wind": "wind",
    "solar PV": "pv",
    "concentrated solar (CSP)": "csp",
    "biomass": "biomass",
    "transmission & distribution, excluding line losses": "td-excl-losses",
    "transmission & distribution, including line losses": "td-incl-losses",
}
_CO2_NATIONAL = {
    "grid_average_all_generation": "national",
    "national_average_excluding_market_traded_nonfossil": "national-excl-traded-nonfossil",
    "national_fossil_generation_average": "national-fossil",
}
_REGIONS = {
    "North China grid": "north", "Northeast China grid": "northeast", "East China grid": "east",
    "Central China grid": "central", "Northwest China grid": "northwest",
    "South China (CSG) grid": "south", "Southwest China grid": "southwest",
}
_LICENCE = "Chinese government announcement: official statistics, free to use with attribution"
_ELECTRICITY_CPC = "17100"  # UN CPC 2.1: electrical energy


def _rows(name: str) -> list[dict[str, str]]:
    with (resources.files("tanzuji") / "data" / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _provenance(row: dict[str, str]) -> Provenance:
    checked = row.get("independent_cross_check", "")
    return Provenance(
        source=f"{row['announcement']}, published {row['published_date']}",
        publisher=row["publisher"], document=row["announcement"],
        announcement=row["announcement"], table="announcement table",
        published=dt.date.fromisoformat(row["published_date"]),
        developer=f"transcribed from {row['primary_transcription_source']}; "
                  f"cross-checked: {checked or 'none'}",
    )


@lru_cache(maxsize=1)
def electricity_factors() -> tuple[FactorRecord, ...]:
    """Every official Chinese electricity factor, both kinds, every published year."""
    out: list[FactorRecord] = []
    for row in _rows("cn_electricity_carbon_footprint_factors.csv"):
        item = _CF_ITEMS[row["item_en"]]
        year = int(row["data_year"])
        out.append(FactorRecord(
            id=f"cn-elec-cf:{year}:{item}", name_en=f"electricity, {row['item_en']}",
            name_zh=row["item_zh"], unit="kWh", value=float(row["value"]),
            kind="carbon_footprint_factor", boundary="cradle_to_gate",
            geography="CN", geography_level="country", year=year, cpc=_ELECTRICITY_CPC,
            technology=None if item == "national" else item,
            method=row["life_cycle_basis"], provenance=_provenance(row), licence=_LICENCE,
        ))
    for row in _rows("cn_grid_electricity_co2_factors.csv"):
        level = row["level"]
        if level == "national":
            item, geo_level = _CO2_NATIONAL[row["factor_type"]], "country"
        elif level == "regional":
            item, geo_level = _REGIONS[row["region_en"]], "grid_region"
        else:
            item, geo_level = row["iso_3166_2"], "province"
        year = int(row["data_year"])
        out.append(FactorRecord(
            id=f"cn-elec-co2:{year}:{item}",
            name_en=f"grid electricity CO2 emission factor, {row['region_en']}",
            name_zh=f"{row['region_zh']}电网平均二氧化碳排放因子", unit="kWh",
            gases={"CO2": float(row["value"])}, kind="co2_emission_factor",
            boundary="generation_operational", geography=row["iso_3166_2"] or f"CN-grid:{item}",
            geography_level=geo_level, year=year, cpc=_ELECTRICITY_CPC,
            method=row["accounting_basis"], provenance=_provenance(row), licence=_LICENCE,
        ))
    return tuple(out)


@dataclass(frozen=True)
class ShippedDataset:
    id: str
    title: str
    publisher: str
    licence: str
    description: str


DATASETS = (
    ShippedDataset(
        ELECTRICITY_DATASET,
        "Official Chinese electricity factors (全国电力碳足迹因子与电网排放因子)",
        "MEE, NBS & NEA", _LICENCE,
        "Life-cycle carbon-footprint factors of electricity (2023, 2024) and operational grid "
        "CO2 emission factors (2021-2023; national, grid regions, provinces), as announced.",
    ),
    ShippedDataset(
        STARTER_DATASET, "Tanzuji starter factors (published, citable sources)",
        "Tanzuji", "per factor: see each factor's licence",
        "A curated set of published factors for materials, fuels, transport and energy "
        "carriers the key PCRs need; every value cites its document and table.",
    ),
)


def starter_file() -> str:
    """Path of the shipped starter CSV (read with the CSV importer)."""
    return str(resources.files("tanzuji") / "data" / "factors" / "starter.csv")

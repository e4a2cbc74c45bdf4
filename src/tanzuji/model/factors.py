"""Background factors: the study's factor tables (CSV) and the shipped official electricity factors.

A factor is the cradle-to-gate (or as stated) footprint of one unit of something bought in. It
is either one CO2e value (``co2e``, computed by its publisher with the GWP set named in
``gwp``) or a breakdown by gas in kg per unit (columns named after gases: ``CO2``, ``CH4``,
``N2O``, ``SF6``, ``CF4``, …), which the study's own GWP set characterises. ``origin`` says
which reporting category the emissions belong to (fossil, biogenic, dluc, aircraft).

Shipped factor ids (MEE announcements in ``data/``, built by :mod:`tanzuji.factors.shipped`):

* ``cn-elec-cf:<year>:<item>`` life-cycle carbon-footprint factors, kg CO2e/kWh, items
  ``national``, ``coal``, ``gas``, ``hydro``, ``nuclear``, ``wind``, ``pv``, ``csp``, ``biomass``,
  ``td-excl-losses``, ``td-incl-losses``;
* ``cn-elec-co2:<year>:<item>`` operational CO2 emission factors, kg CO2/kWh, items
  ``national``, ``national-excl-traded-nonfossil``, ``national-fossil``, the grid regions
  ``north``, ``northeast``, ``east``, ``central``, ``northwest``, ``south``, ``southwest``, and
  provinces by ISO 3166-2 code (``CN-JS``);
* ``electricity:<where>``: a shorthand resolved with the study's ``background.electricity``
  setting (carbon-footprint factors by default; see :func:`resolve_electricity`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tanzuji.factors.formats.csvfile import read_csv
from tanzuji.factors.record import FactorRecord
from tanzuji.factors.shipped import electricity_factors
from tanzuji.model.errors import Problem, StudyError
from tanzuji.model.study import Origin

CARBON_FOOTPRINT = "carbon_footprint_factor"
CO2_ONLY = "co2_emission_factor"


@dataclass(frozen=True)
class Factor:
    id: str
    name: str
    unit: str
    origin: Origin = Origin.fossil
    co2e: float | None = None  # kg CO2e per unit, as published
    # kg CO2e per unit by origin where the value comes split (a supplier's footprint: fossil,
    # dLUC, aircraft, biogenic non-CO2), so the study reports each apart; they sum to co2e
    parts: dict[Origin, float] = field(default_factory=dict)
    gwp: str | None = None  # the set the publisher used for co2e
    gases: dict[str, float] = field(default_factory=dict)  # kg gas per unit
    kind: str = CARBON_FOOTPRINT
    geography: str | None = None
    year: int | None = None
    source: str | None = None
    sigma: float = 0.0  # lognormal spread of ln(value); 0 = certain
    file: str | None = None
    line: int | None = None


@lru_cache(maxsize=1)
def official_electricity_factors() -> dict[str, Factor]:
    """Every shipped official Chinese electricity factor, by id (see factors.shipped)."""
    return {r.id: factor_from_record(r, None, None) for r in electricity_factors()}


def resolve_electricity(where: str, kind: str, year: int | None) -> str:
    """Id of the official factor an ``electricity:<where>`` shorthand stands for.

    Carbon-footprint factors are published nationally and per generation type only; a province
    or grid region therefore needs ``kind: co2_emission_factor`` (and then draws ELEC-01).
    """
    prefix = "cn-elec-cf" if kind == CARBON_FOOTPRINT else "cn-elec-co2"
    table = official_electricity_factors()
    item = "national" if where.upper() in ("CN", "CHINA", "NATIONAL") else where
    years = sorted(
        {f.year for f in table.values() if f.id.startswith(prefix + ":") and f.year}, reverse=True
    )
    chosen = year if year is not None else years[0]
    fid = f"{prefix}:{chosen}:{item}"
    if fid not in table:
        known = sorted({i.split(":")[2] for i in table if i.startswith(f"{prefix}:{chosen}:")})
        hint = ""
        if chosen not in years:
            hint = f" (no {kind} is published for {chosen})"
        elif kind == CARBON_FOOTPRINT and item not in known:
            hint = (" (carbon-footprint factors are published for China as a whole and per "
                    "generation type; provincial and regional grids have CO2 emission factors "
                    "only: set background.electricity.kind: co2_emission_factor)")
        raise KeyError(
            f"no official {kind} for {where!r} in {chosen}{hint}; "
            f"available: {', '.join(known)}; years: {', '.join(map(str, years))}"
        )
    return fid


def read_factor_table(path: Path) -> dict[str, Factor]:
    """Read a factor CSV; every problem names the file, line and column.

    Rows are read by the factor database's flat CSV dialect
    (:mod:`tanzuji.factors.formats.flat`), so a study table and a database export are one
    format; a study table may leave out names (the id is used).
    """
    parsed = read_csv(path, name_defaults_to_id=True)
    name = str(path)
    if parsed.problems:
        raise StudyError([
            Problem("factor-table", p.reason, p.file,
                    p.row if isinstance(p.row, int) else None, p.field)
            for p in parsed.problems
        ])
    out: dict[str, Factor] = {}
    for record, row in zip(parsed.factors, parsed.factor_rows, strict=True):
        out[record.id] = factor_from_record(record, name, row if isinstance(row, int) else None)
    return out


def factor_from_record(record: FactorRecord, file: str | None, line: int | None,
                       release: str | None = None) -> Factor:
    """The study's view of a database record (the uncertainty as a lognormal sigma); a
    factor from a release names it in its source."""
    source = record.provenance.source or record.provenance.document
    if release is not None:
        source = f"{source} [{release}]" if source else f"[{release}]"
    return Factor(
        id=record.id, name=record.name_en, unit=record.unit, origin=Origin(record.origin),
        co2e=record.value, gwp=record.gwp, gases=dict(record.gases), kind=record.kind,
        geography=record.geography, year=record.year, source=source,
        sigma=record.uncertainty.sigma if record.uncertainty else 0.0, file=file, line=line,
    )

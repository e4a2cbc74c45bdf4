"""Received supplier footprints as a study's primary data.

A study input names one with ``factor: supplier:<source>/<key>``: ``source`` is the PACT
partner's name (or the on-platform supplier organisation's id) and ``key`` a product id (its
newest active version received) or a PCF id (exactly that version). The footprint is resolved
here, like factor-database releases are (:mod:`tanzuji.accounting.releases`), so the model
layer never touches storage: it becomes a :class:`~tanzuji.model.factors.Factor` whose source
names the PCF id, the partner, the version received, its primary data share, DQRs and
verification, its DQRs become the factor's uncertainty (:func:`dqr_sigma`, so Monte Carlo
carries them), and the input is counted as primary data (the supplier measured it).

The result's ``provenance.factors`` thus records which PCF each ``supplier:`` factor came from;
:func:`used_footprints` reads it back, so a newer version arriving later can flag the study
for recalculation.

On the platform a study may use only the footprints its own organisation received: the server
resolves the references for the study's owner once (:func:`snapshot`) and ships the answer
beside the study as :data:`SNAPSHOT`, which every later read prefers to the database. A job on
a remote worker, a certification body's recomputation and a report thus use exactly those
versions, and never another organisation's footprints.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from tanzuji.engine.uncertainty import pedigree_sigma
from tanzuji.model.errors import Problem, StudyError
from tanzuji.model.factors import Factor
from tanzuji.model.study import DataKind, Origin, Study
from tanzuji.store.supply_db import SupplyDB, SupplyError

PREFIX = "supplier:"
SNAPSHOT = ".tanzuji-supplier-footprints.json"  # reference -> footprint, beside the study
# PACT declared units → the study's pint units
UNITS = {"liter": "L", "kilogram": "kg", "cubic meter": "m**3", "kilowatt hour": "kWh",
         "megajoule": "MJ", "ton kilometer": "tkm", "square meter": "m**2", "piece": "piece",
         "hour": "h"}
_PF_IN_SOURCE = re.compile(r"^PACT footprint ([0-9a-f-]{36})")


def references(study: Study) -> list[tuple[str, tuple[str | int, ...]]]:
    """Every ``supplier:`` factor the study's inputs name, with the input's path."""
    out: list[tuple[str, tuple[str | int, ...]]] = []
    for i, process in enumerate(study.processes):
        for j, inp in enumerate(process.inputs):
            if inp.factor is not None and inp.factor.startswith(PREFIX):
                out.append((inp.factor, ("processes", i, "inputs", j, "factor")))
    return out


def mark_primary(study: Study) -> Study:
    """The study with every input on a supplier footprint counted as primary data."""
    if not references(study):
        return study
    copy = study.model_copy(deep=True)
    for process in copy.processes:
        for inp in process.inputs:
            if inp.factor is not None and inp.factor.startswith(PREFIX):
                inp.data = DataKind.primary
    return copy


def _text(value: Any) -> str:
    return "" if value is None else str(value)


BASIC_SIGMA2 = 0.0006  # the study format's default basic variance of a pedigree


def dqr_sigma(dqi: Mapping[str, Any] | None, verified: bool) -> float:
    """The footprint's data quality as a lognormal spread: its technological, temporal and
    geographical DQRs (rounded up: PACT allows 1.5) as pedigree scores, completeness 1
    (a declared product total), reliability 1 when verified and 2 when not; no DQI, no
    spread (0)."""
    if not dqi:
        return 0.0
    try:
        tech, temporal, geo = (min(5, max(1, math.ceil(float(dqi[k])))) for k in (
            "technologicalDQR", "temporalDQR", "geographicalDQR"))
    except (KeyError, TypeError, ValueError):
        return 0.0
    return pedigree_sigma((1 if verified else 2, 1, temporal, geo, tech), BASIC_SIGMA2)


def origin_parts(pcf: Mapping[str, Any], amount: Decimal) -> dict[Origin, float]:
    """kg CO2e per declared unit by origin, so that GB/T 24067's categories stay apart in the
    customer's study: aircraft (``aircraftGhgEmissions``, which PACT counts inside the fossil
    emissions), dLUC, biogenic non-CO2, and fossil as the rest of ``pcfExcludingBiogenicUptake``
    (land-management emissions, which the engine does not model apart, stay in it). Empty
    when the parts given exceed the total: the footprint then counts as fossil, as a whole."""
    def part(name: str) -> Decimal:
        given = pcf.get(name)
        return max(Decimal(str(given)), Decimal(0)) if given is not None else Decimal(0)

    split = {Origin.aircraft: part("aircraftGhgEmissions"),
             Origin.dluc: part("landUseChangeGhgEmissions"),
             Origin.biogenic: part("biogenicNonCO2Emissions")}
    fossil = Decimal(str(pcf["pcfExcludingBiogenicUptake"])) - sum(split.values())
    if fossil < 0:
        return {}
    split[Origin.fossil] = fossil
    return {origin: float(v / amount) for origin, v in split.items() if v}


def footprint_factor(factor_id: str, footprint: Mapping[str, Any]) -> Factor:
    """A received footprint (store view) as a factor per one declared unit."""
    document = footprint["document"]
    pcf = document["pcf"]
    unit = UNITS.get(pcf["declaredUnitOfMeasurement"])
    if unit is None:
        raise ValueError(f"declared unit {pcf['declaredUnitOfMeasurement']!r} has no study "
                         "unit")
    amount = Decimal(pcf["declaredUnitAmount"])
    value = Decimal(pcf["pcfExcludingBiogenicUptake"]) / amount
    parts = origin_parts(pcf, amount)
    dqi = footprint.get("dqi") or {}
    verification = footprint.get("verification")
    notes = [f"PACT footprint {footprint['pf_id']} from {footprint['source']} (received "
             f"{_text(footprint['received_at'])[:10]})"]
    if footprint.get("primary_data_share") is not None:
        notes.append(f"primary data share {footprint['primary_data_share']:g} %")
    if dqi:
        notes.append(f"DQR technological {dqi.get('technologicalDQR')}, temporal "
                     f"{dqi.get('temporalDQR')}, geographical {dqi.get('geographicalDQR')}")
    if verification:
        notes.append(f"verified by {verification.get('providerName') or 'a third party'}"
                     f" ({verification.get('coverage') or 'coverage not stated'})")
    else:
        notes.append("not verified")
    if not parts and value > 0:
        notes.append("its parts do not add up to the total: all counted as fossil")
    sets = pcf.get("ipccCharacterizationFactors") or []
    return Factor(
        id=factor_id, name=_text(document.get("productNameCompany")) or factor_id, unit=unit,
        co2e=float(value), gwp=sets[0] if sets else None,
        geography=pcf.get("geographyCountry") or pcf.get("geographyCountrySubdivision")
        or pcf.get("geographyRegionOrSubregion"),
        year=int(str(pcf["referencePeriodEnd"])[:4]), source="; ".join(notes), parts=parts,
        sigma=dqr_sigma(dqi, bool(verification)))


def snapshot(study: Study, database: SupplyDB, customer: str) -> bytes | None:
    """The footprints the study's ``supplier:`` references mean among those ``customer``
    received, as the JSON of :data:`SNAPSHOT` (None when the study has none). A reference that
    does not resolve is left out, so reading the snapshot names it as missing."""
    refs = references(study)
    if not refs:
        return None
    found: dict[str, Any] = {}
    for ref, _ in refs:
        source, sep, key = ref[len(PREFIX):].partition("/")
        if ref in found or not sep or not source or not key:
            continue
        try:
            found[ref] = database.resolve(source, key, customer)
        except SupplyError:
            continue
    return json.dumps(found, default=str, sort_keys=True).encode()


def load_supplier_factors(study: Study, file: str, database: SupplyDB | None = None,
                          customer: str | None = None) -> dict[str, Factor]:
    """The factors of every ``supplier:`` reference of the study: from the :data:`SNAPSHOT`
    beside the study file when there is one, else from the database (with ``customer``: only
    among the footprints that organisation received). A StudyError names each input whose
    footprint cannot be found."""
    refs = references(study)
    if not refs:
        return {}
    beside = Path(file).parent / SNAPSHOT
    shipped: dict[str, Any] | None = None
    if beside.is_file():
        shipped = json.loads(beside.read_text(encoding="utf-8"))
    problems: list[Problem] = []
    out: dict[str, Factor] = {}
    db: SupplyDB | None = None
    if shipped is None:
        try:
            db = database or SupplyDB.open(migrate=False)
        except SupplyError as exc:
            raise StudyError([Problem("supplier", str(exc), file, None,
                                      _field(refs[0][1]))]) from None
    for ref, path in refs:
        if ref in out:
            continue
        source, sep, key = ref[len(PREFIX):].partition("/")
        if not sep or not source or not key:
            problems.append(Problem("supplier", f"{ref!r}: write supplier:<partner>/<product "
                                    "id or PCF id>", file, None, _field(path)))
            continue
        try:
            if shipped is None:
                assert db is not None
                view = db.resolve(source, key, customer)
            elif ref in shipped:
                view = shipped[ref]
            else:
                raise SupplyError(f"your organisation has received no footprint from "
                                  f"{source!r} for {key!r}", "factor", "not_found")
            out[ref] = footprint_factor(ref, view)
        except (SupplyError, ValueError) as exc:
            problems.append(Problem("supplier", f"{ref}: {exc}", file, None, _field(path)))
    if problems:
        raise StudyError(problems)
    return out


def _field(path: tuple[str | int, ...]) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")


def used_footprints(provenance_factors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """``supplier:`` factor id → PCF id, read from a result's ``provenance.factors``."""
    out = {}
    for f in provenance_factors:
        fid, source = str(f.get("id") or ""), str(f.get("source") or "")
        found = _PF_IN_SOURCE.match(source)
        if fid.startswith(PREFIX) and found:
            out[fid] = found.group(1)
    return out

"""Which elementary flows are greenhouse gases, under ecoinvent/openLCA, ILCD/EF and Chinese names.

The three LCA exchange formats name the same flow differently ("Carbon dioxide, fossil",
"carbon dioxide (fossil)", "二氧化碳（化石）") and put the origin into the name and the
aircraft / resource distinction into the compartment. :func:`classify` turns a flow into
``(gas, origin, direction)`` so every reader sums the same gases the same way; a flow that is
not a Kyoto greenhouse gas (or goes to water or soil) is ``None``.

:class:`Dataset` and :func:`build` are the part the three readers share after that: the
factor-versus-process rule, the origin split and the linking of inputs (see :func:`build`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from tanzuji.factors.formats import Parsed, RowProblem
from tanzuji.factors.record import ExchangeRecord, FactorRecord, OriginName, ProcessRecord, Spread
from tanzuji.gwp import GWPError, canonical_gas

GasDirection = Literal["emission", "removal"]


class GhgFlow(NamedTuple):
    gas: str  # canonical key of tanzuji.gwp (CO2, CH4, N2O, SF6, HFC134a, CF4...)
    origin: OriginName
    direction: GasDirection


# flows that carry an already characterised amount (kg CO2e), written by write_jsonld
CO2E_FLOW_NAMES = frozenset({
    "carbon dioxide equivalent", "carbon dioxide equivalents", "co2 eq", "co2-eq", "co2e",
    "co2 equivalent", "kg co2 eq", "二氧化碳当量",
})

_CAS = {
    "124-38-9": "CO2", "74-82-8": "CH4", "10024-97-2": "N2O", "2551-62-4": "SF6",
    "7783-54-2": "NF3", "75-73-0": "CF4", "76-16-4": "C2F6", "76-19-7": "C3F8",
    "115-25-3": "cC4F8", "355-25-9": "C4F10", "678-26-2": "C5F12", "355-42-0": "C6F14",
    "75-46-7": "HFC23", "75-10-5": "HFC32", "593-53-3": "HFC41", "354-33-6": "HFC125",
    "359-35-3": "HFC134", "811-97-2": "HFC134a", "430-66-0": "HFC143", "420-46-2": "HFC143a",
    "75-37-6": "HFC152a", "431-89-0": "HFC227ea", "690-39-1": "HFC236fa",
    "460-73-1": "HFC245fa", "406-58-6": "HFC365mfc", "138495-42-8": "HFC4310mee",
}

_BASE = {  # names whose qualifier (", fossil", "(biogenic)") says the origin
    "carbon dioxide": "CO2", "co2": "CO2", "二氧化碳": "CO2",
    "methane": "CH4", "ch4": "CH4", "甲烷": "CH4",
}

_NAMES = {
    "CO2": ("carbon dioxide", "co2", "二氧化碳"),
    "CH4": ("methane", "ch4", "甲烷"),
    "N2O": ("dinitrogen monoxide", "nitrous oxide", "dinitrogen oxide", "n2o", "一氧化二氮",
            "氧化亚氮"),
    "SF6": ("sulfur hexafluoride", "sulphur hexafluoride", "sf6", "六氟化硫"),
    "NF3": ("nitrogen fluoride", "nitrogen trifluoride", "nf3", "三氟化氮"),
    "CF4": ("tetrafluoromethane", "methane, tetrafluoro-", "perfluoromethane",
            "carbon tetrafluoride", "cf4", "四氟化碳", "四氟甲烷", "全氟甲烷"),
    "C2F6": ("hexafluoroethane", "ethane, hexafluoro-", "perfluoroethane", "c2f6", "六氟乙烷",
             "全氟乙烷"),
    "C3F8": ("octafluoropropane", "propane, perfluoro-", "perfluoropropane", "c3f8",
             "八氟丙烷", "全氟丙烷"),
    "cC4F8": ("octafluorocyclobutane", "cyclobutane, octafluoro-", "perfluorocyclobutane",
              "c-c4f8", "八氟环丁烷"),
    "C4F10": ("perfluorobutane", "butane, perfluoro-", "decafluorobutane", "c4f10", "全氟丁烷"),
    "C5F12": ("perfluoropentane", "pentane, perfluoro-", "dodecafluoropentane", "c5f12"),
    "C6F14": ("perfluorohexane", "hexane, perfluoro-", "tetradecafluorohexane", "c6f14"),
    "HFC23": ("trifluoromethane", "methane, trifluoro-", "三氟甲烷"),
    "HFC32": ("difluoromethane", "methane, difluoro-", "二氟甲烷"),
    "HFC41": ("fluoromethane", "methane, fluoro-", "methane, monofluoro-", "一氟甲烷"),
    "HFC125": ("pentafluoroethane", "ethane, pentafluoro-", "五氟乙烷"),
    "HFC134": ("1,1,2,2-tetrafluoroethane", "ethane, 1,1,2,2-tetrafluoro-"),
    "HFC134a": ("1,1,1,2-tetrafluoroethane", "ethane, 1,1,1,2-tetrafluoro-", "四氟乙烷"),
    "HFC143": ("1,1,2-trifluoroethane", "ethane, 1,1,2-trifluoro-"),
    "HFC143a": ("1,1,1-trifluoroethane", "ethane, 1,1,1-trifluoro-", "三氟乙烷"),
    "HFC152a": ("1,1-difluoroethane", "ethane, 1,1-difluoro-", "二氟乙烷"),
    "HFC227ea": ("1,1,1,2,3,3,3-heptafluoropropane", "propane, 1,1,1,2,3,3,3-heptafluoro-"),
    "HFC236fa": ("1,1,1,3,3,3-hexafluoropropane", "propane, 1,1,1,3,3,3-hexafluoro-"),
    "HFC245fa": ("1,1,1,3,3-pentafluoropropane", "propane, 1,1,1,3,3-pentafluoro-"),
    "HFC365mfc": ("1,1,1,3,3-pentafluorobutane", "butane, 1,1,1,3,3-pentafluoro-"),
    "HFC4310mee": ("pentane, 2,3-dihydroperfluoro-",),
}
_NAME_TO_GAS = {name: gas for gas, names in _NAMES.items() for name in names}

# refrigerant / PFC codes that are not "HFC-<code>" in tanzuji.gwp
_PFC_CODES = {"14": "CF4", "116": "C2F6", "218": "C3F8", "318": "cC4F8", "c318": "cC4F8",
              "3110": "C4F10", "4112": "C5F12", "5114": "C6F14"}
_CODE = re.compile(r"(?<![a-z])(hfc|pfc|rc|r)[\s-]?(c?\d[\d-]*[a-z]{0,3})(?![a-z0-9])")

_SPLIT = re.compile(r"^(.*?)\s*[(（](.*)[)）]\s*$")


def _fold(text: str) -> str:
    return " ".join(text.strip().lower().replace("，", ",").split())


def _normal_cas(cas: str | None) -> str | None:
    if not cas:
        return None
    parts = cas.strip().split("-")
    if len(parts) != 3:
        return None
    return "-".join([parts[0].lstrip("0") or "0", *parts[1:]])


def _split(name: str) -> tuple[str, str]:
    """'carbon dioxide, fossil' / 'carbon dioxide (fossil)' -> ('carbon dioxide', 'fossil')."""
    match = _SPLIT.match(name)
    if match:
        return match.group(1).strip(" ,"), match.group(2).strip()
    if "," in name:
        base, rest = name.split(",", 1)
        return base.strip(), rest.strip()
    return name, ""


def _qualifier(qual: str) -> tuple[OriginName, GasDirection] | None:
    """Origin (and removal) spelled in a CO2/CH4 name; None when the words mean another gas."""
    if "in air" in qual or "from air" in qual or "空气中" in qual:
        return "biogenic", "removal"
    if "to soil or biomass" in qual:
        return "dluc", "removal"
    if any(w in qual for w in ("non-fossil", "non fossil", "biogenic", "biotic", "生物")):
        return "biogenic", "emission"
    if any(w in qual for w in ("soil or biomass", "land use", "land transformation", "土地")) \
            or re.search(r"\bluc\b", qual):
        return "dluc", "emission"
    if qual in ("", "unspecified", "total") or "fossil" in qual or "化石" in qual:
        return "fossil", "emission"
    return None


def _code_gas(name: str) -> str | None:
    for match in _CODE.finditer(name):
        prefix, code = match.group(1), match.group(2).replace("-", "")
        if prefix in ("pfc", "r", "rc") or code in _PFC_CODES:
            gas = _PFC_CODES.get(code if prefix != "rc" else "c" + code)
            if gas:
                return gas
        try:
            return canonical_gas(f"HFC{code}")
        except GWPError:
            continue
    return None


def _other_gas(name: str) -> str | None:
    if name in _NAME_TO_GAS:
        return _NAME_TO_GAS[name]
    # 'Ethane, 1,1,1,2-tetrafluoro-, HFC-134a': the code wins, else the name without it
    gas = _code_gas(name)
    if gas:
        return gas
    trimmed = _CODE.sub("", name).strip(" ,")
    return _NAME_TO_GAS.get(trimmed)


def _is_resource(compartment: str) -> bool:
    return any(w in compartment for w in ("resource", "资源", "in air", "from air"))


def _not_air(compartment: str) -> bool:
    air = any(w in compartment for w in ("air", "atmosphere", "stratosphere", "大气", "空气"))
    other = any(w in compartment for w in ("water", "soil", "ground", "水", "土壤"))
    return other and not air


def classify(name: str, compartment: str | None = None, cas: str | None = None,
             is_input: bool | None = None) -> GhgFlow | None:
    """``(gas, origin, direction)`` of an elementary flow, or None when it is no GHG flow.

    ``compartment`` is the category path or compartment/subcompartment in any spelling
    ("air/lower stratosphere + upper troposphere", "Emissions/Emissions to air/...",
    "natural resource/in air"); ``is_input`` marks a resource taken from nature.
    """
    folded = _fold(name)
    where = _fold(compartment or "")
    base, qual = _split(folded)
    gas = _BASE.get(base)
    origin_dir = _qualifier(qual) if gas else None
    if gas is None or origin_dir is None:
        gas = _other_gas(folded) or _CAS.get(_normal_cas(cas) or "")
        if gas is None:
            return None
        origin_dir = _qualifier(qual) if gas in ("CO2", "CH4") else None
        origin_dir = origin_dir or ("fossil", "emission")
    origin, direction = origin_dir
    if direction == "emission" and (is_input or _is_resource(where)):
        if gas != "CO2":
            return None  # other gases taken from nature are no removal of interest
        origin, direction = "biogenic", "removal"
    if direction == "emission" and _not_air(where):
        return None
    if direction == "emission" and "stratosphere" in where:
        origin = "aircraft"
    return GhgFlow(gas, origin, direction)


def is_co2e_flow(name: str) -> bool:
    """A flow that already holds kg CO2e (not a gas): becomes the factor's ``value``."""
    return _fold(name) in CO2E_FLOW_NAMES




# ---- what the readers share after classification -------------------------------------------

@dataclass
class GasLine:
    """One GHG exchange of a dataset (amount in kg of the gas, as written)."""

    flow: GhgFlow
    name: str
    amount: float
    spread: Spread | None = None
    extra: dict[str, Any] | None = None  # ExchangeRecord fields that override (JSON-LD marker)


@dataclass
class Link:
    """One technosphere input; ``provider`` is the record id of its supplier, if known."""

    name: str
    amount: float
    unit: str
    provider: str | None
    where: str
    spread: Spread | None = None
    extra: dict[str, Any] | None = None


@dataclass
class Dataset:
    """A dataset as every reader sees it, before the factor-versus-process decision."""

    id: str
    file: str
    row: str | None
    product: str
    unit: str
    amount: float
    fields: dict[str, Any]  # FactorRecord metadata: name_en, geography, provenance...
    gases: list[GasLine] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    co2e: float | None = None  # published kg CO2e (a CO2e flow or an LCIA result)
    co2e_spread: Spread | None = None
    block: dict[str, Any] | None = None  # record fields a writer stored (JSON-LD)
    as_process: bool = False


def _problem(ds: Dataset, exc: Exception, field_name: str | None = None) -> RowProblem:
    text = str(exc).replace("\n", "; ")
    return RowProblem(ds.file, ds.row, field_name, text)


def _per_unit(amount: float, ds: Dataset) -> float:
    return amount / abs(ds.amount)


def _factor_records(ds: Dataset) -> list[FactorRecord]:
    base: dict[str, Any] = {"id": ds.id, "unit": ds.unit, **ds.fields}
    by_origin: dict[OriginName, dict[str, float]] = {}
    for line in ds.gases:
        signed = -abs(line.amount) if line.flow.direction == "removal" else line.amount
        gases = by_origin.setdefault(line.flow.origin, {})
        gases[line.flow.gas] = gases.get(line.flow.gas, 0.0) + _per_unit(signed, ds)
    co2e = None if ds.co2e is None else _per_unit(ds.co2e, ds)
    if ds.block is not None:  # written by us: one record, the block says what has no slot
        merged: dict[str, float] = {}
        for gases in by_origin.values():
            for gas, amount in gases.items():
                merged[gas] = merged.get(gas, 0.0) + amount
        data = {**base, **ds.block, "gases": merged}
        if not merged and co2e is not None:
            data["value"] = co2e
        return [FactorRecord.model_validate(data)]
    spreads = [s for s in [*(line.spread for line in ds.gases), ds.co2e_spread] if s]
    one = len(ds.gases) + (ds.co2e is not None) == 1 and len(spreads) == 1
    spread = spreads[0] if one and spreads[0].distribution == "lognormal" else None
    if not by_origin:
        if co2e is None:
            raise ValueError("no greenhouse-gas exchange and no climate-change result")
        return [FactorRecord.model_validate({**base, "value": co2e, "uncertainty": spread})]
    origins = sorted(by_origin, key=lambda o: -sum(abs(v) for v in by_origin[o].values()))
    if len(origins) == 1:
        return [FactorRecord.model_validate({**base, "gases": by_origin[origins[0]],
                                             "origin": origins[0], "value": co2e,
                                             "uncertainty": spread})]
    out = []
    for origin in origins:
        note = (f"origin split: the {origin} part of dataset {ds.id} "
                f"({' + '.join(origins)}); use all parts together")
        comment = "\n".join(x for x in (base.get("comment"), note) if x)
        out.append(FactorRecord.model_validate({**base, "id": f"{ds.id}:{origin}",
                                                "gases": by_origin[origin], "origin": origin,
                                                "comment": comment}))
    return out


def _exchange(native: dict[str, Any], extra: dict[str, Any] | None) -> ExchangeRecord:
    data = {**native, **(extra or {})}
    data["amount"], data["name"] = native["amount"], native["name"]
    return ExchangeRecord.model_validate(data)


def _process_record(ds: Dataset, split: Mapping[str, list[str]], factor_ids: set[str],
                    problems: list[RowProblem]) -> ProcessRecord:
    exchanges = [ExchangeRecord(direction="output", name=ds.product, amount=ds.amount,
                                unit=ds.unit)]
    for link in ds.links:
        if link.provider is None:
            problems.append(RowProblem(ds.file, link.where, "provider",
                                       f"input {link.name!r} links to no known provider; "
                                       "left out of the process"))
            continue
        native: dict[str, Any] = {"direction": "input", "name": link.name,
                                  "amount": link.amount, "unit": link.unit,
                                  "uncertainty": link.spread}
        if link.extra and ("process" in link.extra or "factor" in link.extra):
            exchanges.append(_exchange(native, link.extra))  # the writer named the link
            continue
        for part in split.get(link.provider, []):
            exchanges.append(_exchange({**native, "factor": part}, link.extra))
        if link.provider not in split:
            key = "factor" if link.provider in factor_ids else "process"
            exchanges.append(_exchange({**native, key: link.provider}, link.extra))
    for line in ds.gases:
        exchanges.append(_exchange({"direction": line.flow.direction, "name": line.name,
                                    "amount": line.amount, "unit": "kg",
                                    "gas": line.flow.gas, "origin": line.flow.origin,
                                    "uncertainty": line.spread}, line.extra))
    if ds.co2e is not None:
        problems.append(RowProblem(ds.file, ds.row, "co2e", "a unit process cannot hold a "
                                   "kg CO2e flow (no gas); left out of the process"))
    keep = {k: v for k, v in ds.fields.items() if k in ProcessRecord.model_fields}
    data: dict[str, Any] = {"id": ds.id, "reference_product": ds.product, "unit": ds.unit,
                            **keep, **(ds.block or {}), "exchanges": exchanges}
    return ProcessRecord.model_validate(data)


def build(datasets: list[Dataset], parsed: Parsed) -> None:
    """Turn datasets into records: the factor-versus-process rule shared by all readers.

    A dataset with no technosphere input becomes FactorRecords (kg of each gas per one unit of
    its reference product); one whose gases have several origins is split into one record per
    origin (``<id>:fossil``, ``<id>:biogenic``...) because a FactorRecord has one origin and
    lumping biogenic or dLUC CO2 into fossil CO2 would misstate the GB/T 24067 split. A dataset
    with inputs becomes a ProcessRecord; an input supplied by a split dataset becomes one input
    per part, so no part is lost.
    """
    split: dict[str, list[str]] = {}
    factor_ids: set[str] = set()
    for ds in datasets:
        if ds.links or ds.as_process:
            continue
        try:
            records = _factor_records(ds)
        except ValueError as exc:
            parsed.problems.append(_problem(ds, exc))
            continue
        for record in records:
            parsed.add_factor(record, ds.row)
            factor_ids.add(record.id)
        if len(records) > 1:
            split[ds.id] = [r.id for r in records]
    for ds in datasets:
        if not (ds.links or ds.as_process):
            continue
        try:
            parsed.add_process(_process_record(ds, split, factor_ids, parsed.problems), ds.row)
        except ValueError as exc:
            parsed.problems.append(_problem(ds, exc))

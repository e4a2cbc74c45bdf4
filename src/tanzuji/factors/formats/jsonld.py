"""openLCA JSON-LD zips: read processes as factors / unit processes, write records back.

Why: openLCA is the common free tool for LCA data, and its JSON-LD zip (olca-schema 2) is how
databases move between openLCA and us. Reading uses the ``olca_schema`` typed classes and
its ``zipio`` reader; a member that does not parse, or a bad exchange, is a RowProblem naming
``archive!processes/<id>.json`` and the JSON path (``exchanges[3].amount``).

Reading: a process whose only product/waste exchange is its quantitative reference becomes
FactorRecords (see :func:`elementary.build` for the origin split), one with technosphere inputs
(linked by ``defaultProvider``, else by the process producing the same flow) a ProcessRecord.
Ids are ``olca:<@id>``. Metadata: name, location code, documentation (valid from / until ->
year, technology description, data set owner -> publisher, data generator -> developer,
publication -> source, review details), category and description -> comment.

Writing: each FactorRecord becomes an LCI-result process and each ProcessRecord a unit process,
with product flows, GHG elementary flows in ecoinvent naming ("Carbon dioxide, fossil",
"Methane, non-fossil", "Carbon dioxide, in air"...), locations, actors and sources, and unit
refs from openLCA's reference units (other units get a unit group of their own). A factor with
only a ``value`` gets one elementary output of the flow "carbon dioxide equivalent" (kg), which
the reader turns back into ``value``; openLCA LCIA methods do not characterise it, so map it
in openLCA if needed. What JSON-LD has no slot for is kept as JSON after ``tanzuji-record:``
in the documentation's ``dataTreatmentDescription`` (the record, less gases and exchanges) and
after ``tanzuji:`` in each exchange's ``description`` (gas, origin, direction, link,
uncertainty); when present these win over the native fields, so write -> read gives equal
records. Ids of written entities are UUIDv5 of the record ids (stable across exports).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import olca_schema as o  # type: ignore[import-untyped, unused-ignore]
from olca_schema import units as olca_units  # type: ignore[import-untyped, unused-ignore]
from olca_schema import zipio  # type: ignore[import-untyped, unused-ignore]

from tanzuji.factors.formats import Parsed, RowProblem
from tanzuji.factors.formats.common import Ctx, drop_none
from tanzuji.factors.formats.elementary import (
    Dataset,
    GasLine,
    GhgFlow,
    Link,
    build,
    classify,
    is_co2e_flow,
)
from tanzuji.factors.record import ExchangeRecord, FactorRecord, ProcessRecord, Spread

RECORD_MARK = "tanzuji-record:"
EXCHANGE_MARK = "tanzuji:"
_NS = uuid.UUID("6f1c3d52-1b0e-5a7e-9a37-7a6e7a6e7a6e")
CO2E_FLOW = "carbon dioxide equivalent"


def _marked(text: Any, mark: str) -> dict[str, Any] | None:
    """The JSON after ``mark`` in a text, or None (raises ValueError on bad JSON)."""
    if not isinstance(text, str) or not text.startswith(mark):
        return None
    data = json.loads(text[len(mark):])
    if not isinstance(data, dict):
        raise ValueError(f"{mark} must be followed by a JSON object")
    return data


# ---- reading ----------------------------------------------------------------------------

@dataclass
class _Archive:
    reader: Any
    path: Path
    problems: list[RowProblem]
    cache: dict[tuple[str, str], Any] = field(default_factory=dict)

    def entity(self, kind: Any, folder: str, uid: Any) -> Any:
        """An entity by id, or None (a broken member is reported once)."""
        if not isinstance(uid, str):
            return None
        key = (folder, uid)
        if key not in self.cache:
            try:
                self.cache[key] = self.reader.read(kind, uid)
            except Exception as exc:  # any broken member is a problem, not a crash
                self.cache[key] = None
                self.problems.append(RowProblem(f"{self.path}!{folder}/{uid}.json", None,
                                                None, f"cannot read: {exc}"))
        return self.cache[key]


def _number(ctx: Ctx, value: Any, row: str, name: str) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        ctx.bad(row, name, f"not a number: {value!r}")
        return None
    return ctx.number(repr(float(value)), row, name)


def _spread(ctx: Ctx, unc: Any, row: str) -> Spread | None:
    if unc is None or unc.distribution_type is None:
        return None
    kind = unc.distribution_type.value
    if kind == "LOG_NORMAL_DISTRIBUTION":
        return ctx.spread({"distribution": "lognormal", "gsd": unc.geom_sd}, row)
    if kind == "NORMAL_DISTRIBUTION":
        return ctx.spread({"distribution": "normal", "sd": unc.sd}, row)
    name = "triangular" if kind == "TRIANGLE_DISTRIBUTION" else "uniform"
    return ctx.spread({"distribution": name, "min": unc.minimum, "mode": unc.mode,
                       "max": unc.maximum}, row)


def _date(ctx: Ctx, text: Any, name: str) -> dt.date | None:
    return ctx.date(text if isinstance(text, str) else None, "processDocumentation", name)


def _metadata(ctx: Ctx, arc: _Archive, proc: Any) -> dict[str, Any]:
    doc = proc.process_documentation or o.ProcessDocumentation()
    start = _date(ctx, doc.valid_from, "validFrom")
    end = _date(ctx, doc.valid_until, "validUntil")
    geography = None
    if proc.location is not None:
        loc = arc.entity(o.Location, "locations", proc.location.id)
        geography = (loc.code if loc is not None else None) or proc.location.name
    comments = [x for x in (proc.description,) if x]
    comments += [f"Review: {r.details}" for r in doc.reviews or [] if r.details]
    if proc.category:
        comments.append(f"category: {proc.category}")

    def name(ref: Any) -> str | None:
        return ref.name if ref is not None and ref.name else None

    return drop_none({
        "name_en": proc.name or None, "geography": geography,
        "year": stamp.year if (stamp := end or start) else None,
        "valid_from": start, "valid_until": end,
        "technology": doc.technology_description or None,
        "comment": "\n".join(comments) or None,
        "provenance": drop_none({"document": ctx.file, "developer": name(doc.data_generator),
                                 "publisher": name(doc.data_set_owner),
                                 "source": name(doc.publication)}),
    })


def _block(ctx: Ctx, proc: Any) -> dict[str, Any] | None:
    doc = proc.process_documentation
    try:
        return _marked(doc.data_treatment_description if doc else None, RECORD_MARK)
    except ValueError as exc:
        ctx.bad("processDocumentation.dataTreatmentDescription", None,
                f"ignored a bad {RECORD_MARK} block: {exc}")
        return None


@dataclass
class _Read:
    ds: Dataset
    ref_flow: str | None
    pending: list[tuple[Link, str | None, str | None]]  # link, provider @id, flow @id


def _exchange_mark(ctx: Ctx, ex: Any, row: str) -> dict[str, Any] | None:
    try:
        return _marked(ex.description, EXCHANGE_MARK)
    except ValueError as exc:
        ctx.bad(row, "description", f"ignored a bad {EXCHANGE_MARK} note: {exc}")
        return None


def _dataset(ctx: Ctx, arc: _Archive, proc: Any, record_id: str) -> _Read | None:
    block = _block(ctx, proc)
    ds = Dataset(id=record_id, file=ctx.file, row=None, product="", unit="", amount=0.0,
                 fields=_metadata(ctx, arc, proc))
    if block is not None:
        ds.as_process = block.pop("record", "factor") == "process"
        ds.block = block
    ref_flow: str | None = None
    pending: list[tuple[Link, str | None, str | None]] = []
    byproducts: list[str] = []
    for i, ex in enumerate(proc.exchanges or []):
        row = f"exchanges[{i}]"
        ref = ex.flow
        if ref is None:
            ctx.bad(row, "flow", "exchange without a flow")
            continue
        flow = arc.entity(o.Flow, "flows", ref.id)
        name = ref.name or (flow.name if flow is not None else None) or str(ref.id)
        ftype = (flow.flow_type if flow is not None else None) or ref.flow_type
        kind = ftype.value if ftype is not None else "PRODUCT_FLOW"
        amount = _number(ctx, ex.amount, row, "amount")
        mark = _exchange_mark(ctx, ex, row)
        if amount is None:
            continue
        unit_name = ex.unit.name if ex.unit is not None else None
        unit_name = _FROM_OLCA_UNIT.get(unit_name or "", unit_name)
        if ex.is_quantitative_reference:
            unit = ctx.unit(unit_name, f"{row}.unit")
            if unit is None:
                return None
            ds.product, ds.unit, ds.amount, ref_flow = name, unit, amount, ref.id
            continue
        spread = _spread(ctx, ex.uncertainty, f"{row}.uncertainty")
        extra = {"uncertainty": mark["uncertainty"]} if mark and "uncertainty" in mark else None
        if kind == "ELEMENTARY_FLOW":
            kg = ctx.kg(amount, unit_name, f"{row}.unit")
            if kg is None:
                continue
            if mark and "gas" in mark:
                ghg: GhgFlow | None = GhgFlow(mark["gas"], mark.get("origin", "fossil"),
                                              mark.get("direction", "emission"))
            elif is_co2e_flow(name):
                ds.co2e, ds.co2e_spread = (ds.co2e or 0.0) + kg, spread
                continue
            else:
                category = (flow.category if flow is not None else None) or ref.category
                ghg = classify(name, category, flow.cas if flow is not None else None,
                               bool(ex.is_input))
            if ghg is not None:
                ds.gases.append(GasLine(ghg, name, kg, spread, extra))
            continue
        if bool(ex.is_input) == (kind == "WASTE_FLOW"):
            byproducts.append(name)
            continue
        unit = ctx.unit(unit_name, f"{row}.unit")
        if unit is None:
            continue
        if ex.is_avoided_product:
            amount = -amount
        if mark and ("process" in mark or "factor" in mark):
            extra = {**(extra or {}), **{k: mark[k] for k in ("process", "factor") if k in mark}}
        link = Link(name, amount, unit, None, row, spread, extra)
        provider = ex.default_provider.id if ex.default_provider is not None else None
        pending.append((link, provider, ref.id))
    if ref_flow is None:
        ctx.bad("exchanges", "isQuantitativeReference", "no quantitative reference exchange")
        return None
    if ds.amount == 0:
        ctx.bad("exchanges", "amount", "the quantitative reference amount is zero")
        return None
    ds.fields.setdefault("name_en", ds.product)
    if byproducts:
        note = "co-products not recorded: " + ", ".join(byproducts)
        ds.fields["comment"] = "\n".join(x for x in (ds.fields.get("comment"), note) if x)
    return _Read(ds, ref_flow, pending)


def _guarded(ctx: Ctx, arc: _Archive, proc: Any, record_id: str) -> _Read | None:
    """:func:`_dataset`, with content of an unexpected JSON type reported, not raised."""
    try:
        return _dataset(ctx, arc, proc, record_id)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        ctx.bad(None, None, f"unexpected content: {exc}")
        return None


def _record_id(ctx: Ctx, proc: Any, uid: str) -> str:
    block = _block(Ctx(ctx.file, []), proc)
    if block and isinstance(block.get("id"), str):
        return str(block["id"])
    return f"olca:{uid}"


def read_jsonld(path: str | Path) -> Parsed:
    """Read the processes of an openLCA JSON-LD zip into factor and process records."""
    path = Path(path)
    parsed = Parsed()
    try:
        reader = zipio.ZipReader(path)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        parsed.problems.append(RowProblem(str(path), None, None,
                                          f"not a readable JSON-LD zip: {exc}"))
        return parsed
    with reader:
        arc = _Archive(reader, path, parsed.problems)
        procs: list[tuple[Ctx, Any, str]] = []
        for uid in reader.ids_of(o.Process):
            proc = arc.entity(o.Process, "processes", uid)
            if proc is not None:
                ctx = Ctx(f"{path}!processes/{uid}.json", parsed.problems)
                procs.append((ctx, proc, _record_id(ctx, proc, uid)))
        ids = {proc.id: rid for _, proc, rid in procs}
        reads = [r for ctx, proc, rid in procs if (r := _guarded(ctx, arc, proc, rid))]
    makers: dict[str, list[str]] = {}
    for r in reads:
        if r.ref_flow:
            makers.setdefault(r.ref_flow, []).append(r.ds.id)
    for r in reads:
        for link, provider, flow_id in r.pending:
            if provider in ids:
                link.provider = ids[provider]
            elif link.extra and ("process" in link.extra or "factor" in link.extra):
                link.provider = link.extra.get("process") or link.extra.get("factor")
            elif len(found := makers.get(flow_id or "", [])) == 1:
                link.provider = found[0]
            r.ds.links.append(link)
    if not reads and not parsed.problems:
        parsed.problems.append(RowProblem(str(path), None, None, "no process in the zip"))
    build([r.ds for r in reads], parsed)
    return parsed


# ---- writing ----------------------------------------------------------------------------

_OLCA_UNIT = {"tkm": "t*km", "piece": "Item(s)", "pkm": "p*km"}
_FROM_OLCA_UNIT = {"p*km": "pkm"}  # openLCA names normalise_unit does not know
_CATEGORY = {"air": "Elementary flows/Emission to air/unspecified",
             "aircraft": "Elementary flows/Emission to air/lower stratosphere + upper "
                         "troposphere",
             "resource": "Elementary flows/Resource/in air",
             "soil": "Elementary flows/Emission to soil/unspecified"}
_GAS_NAMES = {
    "N2O": "Dinitrogen monoxide", "SF6": "Sulfur hexafluoride", "NF3": "Nitrogen fluoride",
    "CF4": "Methane, tetrafluoro-, R-14", "C2F6": "Ethane, hexafluoro-, HFC-116",
    "C3F8": "Propane, perfluoro-", "cC4F8": "Cyclobutane, octafluoro-, PFC-318",
    "C4F10": "Butane, perfluoro-", "C5F12": "Pentane, perfluoro-", "C6F14": "Hexane, perfluoro-",
}
_ORIGIN_WORD = {"fossil": "fossil", "aircraft": "fossil", "biogenic": "non-fossil",
                "dluc": "from soil or biomass stock"}


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "|".join(parts)))


def _gas_flow(gas: str, origin: str, direction: str) -> tuple[str, str, bool]:
    """(flow name, category, is_input) in ecoinvent naming for a GHG exchange."""
    if direction == "removal" and gas == "CO2":
        if origin == "dluc":
            return "Carbon dioxide, to soil or biomass stock", _CATEGORY["soil"], False
        return "Carbon dioxide, in air", _CATEGORY["resource"], True
    category = _CATEGORY["aircraft" if origin == "aircraft" else "air"]
    if gas in ("CO2", "CH4"):
        base = "Carbon dioxide" if gas == "CO2" else "Methane"
        return f"{base}, {_ORIGIN_WORD[origin]}", category, False
    name = _GAS_NAMES.get(gas) or ("HFC-" + gas[3:] if gas.startswith("HFC") else gas)
    return name, category, direction == "removal"


class _Writer:
    def __init__(self, writer: Any) -> None:
        self.w = writer
        self.done: set[str] = set()

    def once(self, entity: Any) -> None:
        if entity.id not in self.done:
            self.done.add(entity.id)
            self.w.write(entity)

    def units(self, unit: str) -> tuple[Any, Any]:
        """(unit ref, flow property ref); a unit openLCA lacks gets its own unit group."""
        name = _OLCA_UNIT.get(unit, unit)
        unit_ref, prop_ref = olca_units.unit_ref(name), olca_units.property_ref(name)
        if unit_ref is not None and prop_ref is not None:
            return unit_ref, prop_ref
        group_id, prop_id = _uid("unit-group", name), _uid("flow-property", name)
        unit_entity = o.Unit(id=_uid("unit", name), name=name, conversion_factor=1.0,
                             is_ref_unit=True)
        prop_ref = o.Ref(ref_type=o.RefType.FlowProperty, id=prop_id, name=f"Amount in {name}")
        group_ref = o.Ref(ref_type=o.RefType.UnitGroup, id=group_id, name=f"Units of {name}")
        self.once(o.UnitGroup(id=group_id, name=f"Units of {name}", units=[unit_entity],
                              default_flow_property=prop_ref))
        self.once(o.FlowProperty(id=prop_id, name=f"Amount in {name}", unit_group=group_ref,
                                 flow_property_type=o.FlowPropertyType.PHYSICAL_QUANTITY))
        return o.Ref(ref_type=o.RefType.Unit, id=unit_entity.id, name=name), prop_ref

    def flow(self, name: str, unit: str, kind: Any, category: str | None = None) -> Any:
        _, prop = self.units(unit)
        flow = o.Flow(id=_uid("flow", kind.value, name, unit, category or ""), name=name,
                      flow_type=kind, category=category, flow_properties=[
                          o.FlowPropertyFactor(conversion_factor=1.0, flow_property=prop,
                                               is_ref_flow_property=True)])
        self.once(flow)
        ref = flow.to_ref()
        ref.flow_type = kind
        return ref

    def exchange(self, i: int, name: str, amount: float, unit: str, *, kind: Any,
                 is_input: bool, category: str | None = None, note: dict[str, Any] | None = None,
                 spread: Spread | None = None, provider: str | None = None,
                 reference: bool = False) -> Any:
        unit_ref, prop_ref = self.units(unit)
        ex = o.Exchange(internal_id=i, amount=amount, flow=self.flow(name, unit, kind, category),
                        unit=unit_ref, flow_property=prop_ref, is_input=is_input,
                        is_quantitative_reference=reference, uncertainty=_olca_spread(spread,
                                                                                      amount))
        if provider is not None:
            ex.default_provider = o.Ref(ref_type=o.RefType.Process, id=_uid("process", provider))
        if note:
            ex.description = EXCHANGE_MARK + json.dumps(note, ensure_ascii=False)
        return ex

    def actor(self, name: str | None) -> Any:
        if not name:
            return None
        actor = o.Actor(id=_uid("actor", name), name=name)
        self.once(actor)
        return actor.to_ref()

    def process(self, record: FactorRecord | ProcessRecord, exchanges: list[Any],
                block: dict[str, Any]) -> None:
        prov = record.provenance
        doc = o.ProcessDocumentation(
            technology_description=record.technology,
            data_generator=self.actor(prov.developer), data_set_owner=self.actor(prov.publisher),
            data_treatment_description=RECORD_MARK + json.dumps(block, ensure_ascii=False))
        if isinstance(record, FactorRecord):
            doc.valid_from = record.valid_from.isoformat() if record.valid_from else None
            doc.valid_until = record.valid_until.isoformat() if record.valid_until else None
        if prov.source:
            source = o.Source(id=_uid("source", prov.source), name=prov.source, url=prov.url)
            self.once(source)
            doc.publication = source.to_ref()
        location = None
        if record.geography:
            loc = o.Location(id=_uid("location", record.geography), name=record.geography,
                             code=record.geography)
            self.once(loc)
            location = loc.to_ref()
        kind = o.ProcessType.LCI_RESULT if isinstance(record, FactorRecord) else \
            o.ProcessType.UNIT_PROCESS
        self.once(o.Process(id=_uid("process", record.id), name=record.name_en,
                            process_type=kind, location=location, description=record.comment,
                            exchanges=exchanges, process_documentation=doc,
                            last_internal_id=len(exchanges), tags=["tanzuji"]))


def _olca_spread(spread: Spread | None, amount: float) -> Any:
    if spread is None:
        return None
    kinds = {"lognormal": "LOG_NORMAL_DISTRIBUTION", "normal": "NORMAL_DISTRIBUTION",
             "triangular": "TRIANGLE_DISTRIBUTION", "uniform": "UNIFORM_DISTRIBUTION"}
    return o.Uncertainty(distribution_type=o.UncertaintyType.get(kinds[spread.distribution]),
                         geom_mean=abs(amount) if spread.gsd else None, geom_sd=spread.gsd,
                         mean=amount if spread.sd is not None else None, sd=spread.sd,
                         minimum=spread.min, mode=spread.mode, maximum=spread.max)


def _gas_exchange(w: _Writer, i: int, e: ExchangeRecord | tuple[str, float, str]) -> Any:
    if isinstance(e, tuple):
        gas, amount, origin = e
        direction, spread, unit = ("removal" if amount < 0 else "emission"), None, "kg"
        amount = abs(amount) if amount < 0 else amount
    else:
        assert e.gas is not None
        gas, amount, origin, direction, spread, unit = (e.gas, e.amount, e.origin, e.direction,
                                                        e.uncertainty, e.unit)
    name, category, is_input = _gas_flow(gas, origin, direction)
    if not isinstance(e, tuple):
        name = e.name
    note: dict[str, Any] = {"gas": gas, "origin": origin, "direction": direction}
    if spread is not None:
        note["uncertainty"] = spread.model_dump(mode="json", exclude_none=True)
    return w.exchange(i, name, amount, unit, kind=o.FlowType.ELEMENTARY_FLOW,
                      is_input=is_input, category=category, note=note, spread=spread)


def _write_factor(w: _Writer, f: FactorRecord) -> None:
    exchanges = [w.exchange(0, f.name_en, 1.0, f.unit, kind=o.FlowType.PRODUCT_FLOW,
                            is_input=False, reference=True)]
    for gas, amount in f.gases.items():
        exchanges.append(_gas_exchange(w, len(exchanges), (gas, amount, f.origin)))
    if not f.gases and f.value is not None:
        exchanges.append(w.exchange(len(exchanges), CO2E_FLOW, f.value, "kg",
                                    kind=o.FlowType.ELEMENTARY_FLOW, is_input=False,
                                    category=_CATEGORY["air"]))
    block = {"record": "factor", **f.model_dump(mode="json", exclude={"gases"},
                                                exclude_none=True)}
    w.process(f, exchanges, block)


def _write_process(w: _Writer, p: ProcessRecord) -> None:
    exchanges: list[Any] = []
    for e in p.exchanges:
        i = len(exchanges)
        if e.direction == "output":
            exchanges.append(w.exchange(i, e.name, e.amount, e.unit, reference=True,
                                        kind=o.FlowType.PRODUCT_FLOW, is_input=False,
                                        spread=e.uncertainty))
        elif e.direction == "input":
            link = {"process": e.process} if e.process else {"factor": e.factor}
            note: dict[str, Any] = dict(link)
            if e.uncertainty is not None:
                note["uncertainty"] = e.uncertainty.model_dump(mode="json", exclude_none=True)
            exchanges.append(w.exchange(i, e.name, e.amount, e.unit, is_input=True, note=note,
                                        kind=o.FlowType.PRODUCT_FLOW, spread=e.uncertainty,
                                        provider=e.process or e.factor))
        else:
            exchanges.append(_gas_exchange(w, i, e))
    block = {"record": "process", **p.model_dump(mode="json", exclude={"exchanges"},
                                                 exclude_none=True)}
    w.process(p, exchanges, block)


def write_jsonld(path: str | Path, factors: list[FactorRecord],
                 processes: list[ProcessRecord]) -> None:
    """Write records as an openLCA JSON-LD zip (replacing ``path``); see the module doc."""
    path = Path(path)
    path.unlink(missing_ok=True)
    with zipio.ZipWriter(path) as zw:
        w = _Writer(zw)
        for f in factors:
            _write_factor(w, f)
        for p in processes:
            _write_process(w, p)

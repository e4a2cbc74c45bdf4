"""ILCD / eILCD process datasets (EF, ELCD, Chinese TianGong/TIDAS): a zip or a folder.

Why: European (EF) and Chinese (TianGong) background data ship as ILCD. A process names its
flows only by UUID, so the flow datasets give the names, CAS numbers, categories and (through
the flow property and unit group datasets) the unit. Untrusted XML is read with defusedxml; a
bad element is a RowProblem naming ``archive!member``, the element path and the field.

Supported: processDataSet (namespace ``http://lca.jrc.it/ILCD/Process``) with baseName (en,
zh) and name parts, generalComment, quantitative reference, referenceYear /
dataSetValidUntil, location, technology description, review details, data generator,
owner, licence type, first data source; exchanges with resultingAmount (else meanAmount),
exchangeDirection, log-normal (relativeStandardDeviation95In = GSD², so gsd = its root),
normal (taken as 2 SD in % of the mean), triangular / uniform (minimum/maximumAmount);
product inputs linked to the process in the same archive whose reference flow they are;
LCIAResults with a climate-change / GWP result, used as ``value`` when there is no GHG
exchange. A single process XML without its flow datasets is read with the flows' short
descriptions (the reference product then needs a flow property name to know its unit).
Not supported: parameters/variables, allocation, multiple reference flows (the first is
used), per-exchange flow-property overrides, contact/source datasets beyond their names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from tanzuji.factors.formats import Parsed
from tanzuji.factors.formats.common import (
    Ctx,
    drop_none,
    lang_text,
    parse_xml,
    read_members,
)
from tanzuji.factors.formats.elementary import (
    Dataset,
    GasLine,
    Link,
    build,
    classify,
)
from tanzuji.factors.record import Spread

_ILCD = "http://lca.jrc.it/ILCD/"
P, C = f"{{{_ILCD}Process}}", f"{{{_ILCD}Common}}"
F, FP, U = f"{{{_ILCD}Flow}}", f"{{{_ILCD}FlowProperty}}", f"{{{_ILCD}UnitGroup}}"
_PROPERTY_UNITS = {  # flow property name -> unit, when its unit group is not in the archive
    "mass": "kg", "energy": "MJ", "net calorific value": "MJ", "gross calorific value": "MJ",
    "volume": "m3", "number of items": "piece", "number of pieces": "piece", "area": "m2",
    "length": "m", "mass*length": "tkm", "goods transport (mass*distance)": "tkm",
    "person transport": "pkm", "质量": "kg", "能量": "MJ", "体积": "m3", "数量": "piece",
}
_CLIMATE = ("climate change", "gwp", "global warming", "气候变化", "全球变暖")
_PARTIAL = ("biogenic", "fossil", "land use", "luluc", "生物", "化石", "土地")


@dataclass
class _Flow:
    names: list[str]
    kind: str  # "elementary", "product", "waste"
    cas: str | None
    category: str
    prop_id: str | None
    prop_name: str | None


@dataclass
class _Library:
    flows: dict[str, _Flow] = field(default_factory=dict)
    prop_group: dict[str, str] = field(default_factory=dict)  # flow property -> unit group
    group_unit: dict[str, str] = field(default_factory=dict)  # unit group -> reference unit

    def unit(self, flow: _Flow | None) -> str | None:
        if flow is None:
            return None
        group = self.prop_group.get(flow.prop_id or "")
        if group and group in self.group_unit:
            return self.group_unit[group]
        return _PROPERTY_UNITS.get((flow.prop_name or "").strip().lower())


def _uuid(root: Element, info: str, ns: str, member: str) -> str:
    text = root.findtext(f"{ns}{info}/{ns}dataSetInformation/{C}UUID")
    return (text or Path(member).stem.split("_")[0]).strip()


def _internal(parent: Element | None, tag: str, ref_id: str | None) -> Element | None:
    for item in parent.findall(tag) if parent is not None else []:
        if item.get("dataSetInternalID") == ref_id:
            return item
    return None


def _add_flow(lib: _Library, root: Element, member: str) -> None:
    info = root.find(f"{F}flowInformation/{F}dataSetInformation")
    name_el = info.find(f"{F}name") if info is not None else None
    names = [n for n in (lang_text(name_el, f"{F}baseName"),
                         lang_text(name_el, f"{F}baseName", "zh")) if n]
    kind_text = (root.findtext(f"{F}modellingAndValidation/{F}LCIMethod/{F}typeOfDataSet")
                 or "").lower()
    kind = "elementary" if "elementary" in kind_text else (
        "waste" if "waste" in kind_text else "product")
    category = "/".join((c.text or "").strip() for c in root.iter()
                        if c.tag in (f"{C}category", f"{C}class"))
    ref = root.findtext(f"{F}flowInformation/{F}quantitativeReference/"
                        f"{F}referenceToReferenceFlowProperty")
    prop = _internal(root.find(f"{F}flowProperties"), f"{F}flowProperty",
                     (ref or "0").strip())
    prop_ref = prop.find(f"{F}referenceToFlowPropertyDataSet") if prop is not None else None
    cas = info.findtext(f"{F}CASNumber") if info is not None else None
    lib.flows[_uuid(root, "flowInformation", F, member)] = _Flow(
        names, kind, cas, category,
        prop_ref.get("refObjectId") if prop_ref is not None else None,
        lang_text(prop_ref, f"{C}shortDescription"))


def _add_library(lib: _Library, root: Element, member: str) -> None:
    if root.tag == f"{F}flowDataSet":
        _add_flow(lib, root, member)
    elif root.tag == f"{FP}flowPropertyDataSet":
        group = root.find(f"{FP}flowPropertiesInformation/{FP}quantitativeReference/"
                          f"{FP}referenceToReferenceUnitGroup")
        if group is not None and group.get("refObjectId"):
            uid = _uuid(root, "flowPropertiesInformation", FP, member)
            lib.prop_group[uid] = group.get("refObjectId", "")
    elif root.tag == f"{U}unitGroupDataSet":
        ref = root.findtext(f"{U}unitGroupInformation/{U}quantitativeReference/"
                            f"{U}referenceToReferenceUnit")
        unit = _internal(root.find(f"{U}units"), f"{U}unit", (ref or "0").strip())
        if unit is not None and unit.findtext(f"{U}name"):
            uid = _uuid(root, "unitGroupInformation", U, member)
            lib.group_unit[uid] = (unit.findtext(f"{U}name") or "").strip()


def _spread(ctx: Ctx, ex: Element, row: str, amount: float) -> Spread | None:
    kind = (ex.findtext(f"{P}uncertaintyDistributionType") or "").strip().lower()
    if kind in ("", "undefined"):
        return None
    rsd_text = ex.findtext(f"{P}relativeStandardDeviation95In")
    if kind == "log-normal":
        rsd = ctx.number(rsd_text, row, "relativeStandardDeviation95In")
        if rsd is None or rsd <= 1:
            return None
        return ctx.spread({"distribution": "lognormal", "gsd": rsd ** 0.5}, row)
    if kind == "normal":
        rsd = ctx.number(rsd_text, row, "relativeStandardDeviation95In")
        return None if rsd is None else ctx.spread(
            {"distribution": "normal", "sd": abs(amount) * rsd / 100 / 2}, row)
    if kind in ("triangular", "uniform"):
        lo = ctx.number(ex.findtext(f"{P}minimumAmount"), row, "minimumAmount")
        hi = ctx.number(ex.findtext(f"{P}maximumAmount"), row, "maximumAmount")
        mode = amount if kind == "triangular" else None
        return ctx.spread({"distribution": kind, "min": lo, "mode": mode, "max": hi}, row)
    ctx.bad(row, "uncertaintyDistributionType", f"unknown distribution {kind!r}")
    return None


def _metadata(ctx: Ctx, root: Element) -> dict[str, Any]:
    info = root.find(f"{P}processInformation")
    dsi = info.find(f"{P}dataSetInformation") if info is not None else None
    name = dsi.find(f"{P}name") if dsi is not None else None
    parts = ("baseName", "treatmentStandardsRoutes", "mixAndLocationTypes",
             "functionalUnitFlowProperties")
    name_en = "; ".join(x for p in parts if (x := lang_text(name, f"{P}{p}")))
    name_zh = "; ".join(x for p in parts if (x := lang_text(name, f"{P}{p}", "zh")))
    year_text = root.findtext(f"{P}processInformation/{P}time/{C}referenceYear")
    until_text = root.findtext(f"{P}processInformation/{P}time/{C}dataSetValidUntil")
    year = ctx.number(year_text, "processInformation/time", "referenceYear", required=False)
    until = ctx.number(until_text, "processInformation/time", "dataSetValidUntil",
                       required=False)
    comments = [x for x in (lang_text(dsi, f"{C}generalComment"),) if x]
    mv = root.find(f"{P}modellingAndValidation")
    for review in mv.iterfind(f"{P}validation/{P}review") if mv is not None else []:
        details = lang_text(review, f"{C}reviewDetails")
        if details:
            comments.append(f"Review ({review.get('type', 'unspecified')}): {details}")
    admin = root.find(f"{P}administrativeInformation")
    source = mv.find(f"{P}dataSourcesTreatmentAndRepresentativeness/"
                     f"{P}referenceToDataSource") if mv is not None else None
    generator = root.find(f"{P}administrativeInformation/{P}dataGenerator/"
                          f"{C}referenceToPersonOrEntityGeneratingTheDataSet")
    owner = admin.find(f"{P}publicationAndOwnership/{C}referenceToOwnershipOfDataSet") \
        if admin is not None else None
    geo = root.find(f"{P}processInformation/{P}geography/"
                    f"{P}locationOfOperationSupplyOrProduction")
    tech = root.find(f"{P}processInformation/{P}technology")
    return drop_none({
        "name_en": name_en or None, "name_zh": name_zh or None,
        "geography": geo.get("location") if geo is not None else None,
        "year": int(year) if year is not None else None,
        "valid_until": dt.date(int(until), 12, 31) if until and 1 <= until <= 9999 else None,
        "technology": lang_text(tech, f"{P}technologyDescriptionAndIncludedProcesses"),
        "licence": admin.findtext(f"{P}publicationAndOwnership/{C}licenseType")
        if admin is not None else None,
        "comment": "\n".join(comments) or None,
        "provenance": drop_none({
            "document": ctx.file, "developer": lang_text(generator, f"{C}shortDescription"),
            "publisher": lang_text(owner, f"{C}shortDescription"),
            "source": lang_text(source, f"{C}shortDescription")}),
    })


def _climate_result(ctx: Ctx, root: Element) -> tuple[float, str] | None:
    found: list[tuple[bool, float, str]] = []
    for i, res in enumerate(root.iterfind(f"{P}LCIAResults/{P}LCIAResult"), 1):
        ref = res.find(f"{P}referenceToLCIAMethodDataSet")
        label = lang_text(ref, f"{C}shortDescription") or ""
        folded = label.lower()
        if not any(w in folded for w in _CLIMATE):
            continue
        value = ctx.number(res.findtext(f"{P}meanAmount"), f"LCIAResults/LCIAResult[{i}]",
                           "meanAmount")
        if value is not None:
            found.append((any(w in folded for w in _PARTIAL), value, label))
    found.sort(key=lambda item: item[0])  # the total before its fossil/biogenic parts
    return (found[0][1], found[0][2]) if found else None


@dataclass
class _Process:
    ds: Dataset
    ref_flow: str | None
    pending: list[tuple[Link, str]]  # input, flow UUID


def _process(ctx: Ctx, root: Element, member: str, lib: _Library) -> _Process | None:
    uid = _uuid(root, "processInformation", P, member)
    ref_id = (root.findtext(f"{P}processInformation/{P}quantitativeReference/"
                            f"{P}referenceToReferenceFlow") or "").strip()
    fields = _metadata(ctx, root)
    ds: Dataset | None = None
    ref_flow: str | None = None
    gases: list[GasLine] = []
    pending: list[tuple[Link, str]] = []
    byproducts: list[str] = []
    for i, ex in enumerate(root.iterfind(f"{P}exchanges/{P}exchange"), 1):
        row = f"exchanges/exchange[{i}]"
        ref = ex.find(f"{P}referenceToFlowDataSet")
        flow_id = ref.get("refObjectId", "") if ref is not None else ""
        flow = lib.flows.get(flow_id)
        names = flow.names if flow else []
        names = names or [lang_text(ref, f"{C}shortDescription") or flow_id or "?"]
        text = ex.findtext(f"{P}resultingAmount") or ex.findtext(f"{P}meanAmount")
        amount = ctx.number(text, row, "resultingAmount")
        is_input = (ex.findtext(f"{P}exchangeDirection") or "").strip().lower() == "input"
        if amount is None:
            continue
        if ex.get("dataSetInternalID") == ref_id:
            unit = ctx.unit(lib.unit(flow), row)
            if unit is None:
                return None
            ref_flow = flow_id
            ds = Dataset(id=f"ilcd:{uid}", file=ctx.file, row=None, product=names[0],
                         unit=unit, amount=amount, fields=fields)
            continue
        kind = flow.kind if flow else None
        if kind in (None, "elementary"):
            category, cas = (flow.category, flow.cas) if flow else ("", None)
            ghg = next((g for n in names if (g := classify(n, category, cas, is_input))), None)
            if ghg is not None and amount != 0:
                gases.append(GasLine(ghg, names[0], amount, _spread(ctx, ex, row, amount)))
            elif kind is None and ghg is None:
                ctx.bad(row, "referenceToFlowDataSet", f"flow dataset {flow_id!r} "
                        f"({names[0]!r}) not found and not a greenhouse gas; left out")
            continue
        if amount == 0:
            continue
        if is_input != (kind == "waste"):  # a product input, or waste sent to treatment
            unit = ctx.unit(lib.unit(flow), row)
            if unit is not None:
                link = Link(names[0], amount, unit, None, row, _spread(ctx, ex, row, amount))
                pending.append((link, flow_id))
        else:
            byproducts.append(names[0])
    if ds is None:
        ctx.bad("processInformation/quantitativeReference", "referenceToReferenceFlow",
                f"no exchange with dataSetInternalID {ref_id!r}")
        return None
    ds.fields.setdefault("name_en", ds.product)
    ds.gases = gases
    if byproducts:
        note = "co-products not recorded: " + ", ".join(byproducts)
        ds.fields["comment"] = "\n".join(x for x in (ds.fields.get("comment"), note) if x)
    if not gases and (result := _climate_result(ctx, root)):
        ds.co2e = result[0]
        note = f"value: LCIA result {result[1]!r}"
        ds.fields["comment"] = "\n".join(x for x in (ds.fields.get("comment"), note) if x)
    return _Process(ds, ref_flow, pending)


def _guarded(ctx: Ctx, root: Element, member: str, lib: _Library) -> _Process | None:
    try:
        return _process(ctx, root, member, lib)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:  # never raise
        ctx.bad(None, None, f"unexpected content: {exc}")
        return None


def read_ilcd(path: str | Path) -> Parsed:
    """Read every ILCD process dataset in a zip, a folder or one XML file."""
    parsed = Parsed()
    roots: list[tuple[str, str, Element]] = []
    lib = _Library()
    for label, member, data in read_members(Path(path), (".xml",), parsed.problems):
        try:
            root = parse_xml(data)
        except ValueError as exc:
            Ctx(label, parsed.problems).bad(None, None, str(exc))
            continue
        if root.tag == f"{P}processDataSet":
            roots.append((label, member, root))
        else:
            try:
                _add_library(lib, root, member)
            except (TypeError, AttributeError, KeyError, ValueError) as exc:  # never raise
                Ctx(label, parsed.problems).bad(None, None, f"unexpected content: {exc}")
    processes = [p for label, member, root in roots
                 if (p := _guarded(Ctx(label, parsed.problems), root, member, lib))]
    providers: dict[str, list[str]] = {}
    for proc in processes:
        if proc.ref_flow:
            providers.setdefault(proc.ref_flow, []).append(proc.ds.id)
    for proc in processes:
        for link, flow_id in proc.pending:
            found = providers.get(flow_id, [])
            link.provider = found[0] if len(found) == 1 else None
            proc.ds.links.append(link)
    if not roots and not parsed.problems:
        Ctx(str(path), parsed.problems).bad(None, None, "no ILCD processDataSet found")
    build([p.ds for p in processes], parsed)
    return parsed

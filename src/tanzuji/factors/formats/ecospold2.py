"""EcoSpold2 (ecoinvent v3) activity datasets: ``.spold`` files, a folder or a zip of them.

Why a reader of our own: ecoinvent ships its background data as EcoSpold2, and we only need
the reference product, the technosphere links and the greenhouse-gas elementary exchanges, with
the metadata the factor database records. XML is parsed with ``defusedxml`` (the files are
untrusted; see :mod:`.common`). Every bad element becomes a RowProblem (file,
``archive!member`` inside a zip, the element path and the attribute); datasets are then
built by :func:`elementary.build`.

Supported: activityDataset and childActivityDataset; the reference product (outputGroup 0);
inputs (inputGroup 1-5) linked by activityLinkId, else by the product's
intermediateExchangeId or name among the datasets read together; elementary exchanges
(compartment/subcompartment, CAS); lognormal (variance with pedigree preferred), normal,
triangular and uniform uncertainty; activity name (en, zh), geography shortname, timePeriod,
technology level and comment, general comment, review, dataEntryBy /
dataGeneratorAndPublication. Not supported: parameters and mathematical relations (amounts
are read as written), by-products (outputGroup 2: noted in the comment), pedigree scores
(no record-level DQR), properties, production volumes and parent/child inheritance (a child
dataset is read on its own).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from tanzuji.factors.formats import Parsed
from tanzuji.factors.formats.common import Ctx, drop_none, lang_text, parse_xml, read_members
from tanzuji.factors.formats.elementary import Dataset, GasLine, Link, build, classify
from tanzuji.factors.record import Spread

NS = "{http://www.EcoInvent.org/EcoSpold02}"
_TECH_LEVEL = {"0": "undefined", "1": "new", "2": "modern", "3": "current", "4": "old",
               "5": "outdated"}
_ACCESS = {"0": "public", "1": "licensees", "2": "results only", "3": "restricted"}


# ---- EcoSpold2 ---------------------------------------------------------------------------

def _uncertainty(ctx: Ctx, exchange: Element, row: str) -> Spread | None:
    unc = exchange.find(f"{NS}uncertainty")
    if unc is None:
        return None
    where = f"{row}/uncertainty"
    if (ln := unc.find(f"{NS}lognormal")) is not None:
        var = ln.get("varianceWithPedigreeUncertainty") or ln.get("variance")
        value = ctx.number(var, where, "lognormal/variance")
        if value is None or value <= 0:
            return None
        return ctx.spread({"distribution": "lognormal", "gsd": math.exp(math.sqrt(value))},
                          where)
    if (normal := unc.find(f"{NS}normal")) is not None:
        var = normal.get("varianceWithPedigreeUncertainty") or normal.get("variance")
        value = ctx.number(var, where, "normal/variance")
        if value is None or value < 0:
            return None
        return ctx.spread({"distribution": "normal", "sd": math.sqrt(value)}, where)
    for kind, attrs in (("triangular", ("minValue", "mostLikelyValue", "maxValue")),
                        ("uniform", ("minValue", None, "maxValue"))):
        if (el := unc.find(f"{NS}{kind}")) is not None:
            lo, mode, hi = (ctx.number(el.get(a), where, f"{kind}/{a}") if a else None
                            for a in attrs)
            return ctx.spread({"distribution": kind, "min": lo, "mode": mode, "max": hi}, where)
    return None


def _group(exchange: Element) -> tuple[str, int | None]:
    for kind in ("outputGroup", "inputGroup"):
        text = exchange.findtext(f"{NS}{kind}")
        if text is not None and text.strip().isdigit():
            return kind, int(text)
    return "", None


def _metadata(ctx: Ctx, ds_el: Element, byproducts: list[str]) -> dict[str, Any]:
    desc = ds_el.find(f"{NS}activityDescription")
    activity = desc.find(f"{NS}activity") if desc is not None else None
    geo = desc.find(f"{NS}geography") if desc is not None else None
    tech = desc.find(f"{NS}technology") if desc is not None else None
    period = desc.find(f"{NS}timePeriod") if desc is not None else None
    admin = ds_el.find(f"{NS}administrativeInformation")
    generator = admin.find(f"{NS}dataGeneratorAndPublication") if admin is not None else None
    entry = admin.find(f"{NS}dataEntryBy") if admin is not None else None
    comments: list[str] = []
    general = activity.find(f"{NS}generalComment") if activity is not None else None
    if general is not None:
        comments += [t.text.strip() for t in general.findall(f"{NS}text") if t.text]
    for review in ds_el.iterfind(f"{NS}modellingAndValidation/{NS}review"):
        details = " ".join(t.text.strip() for t in review.iterfind(f"{NS}details/{NS}text")
                           if t.text)
        comments.append(f"Review ({review.get('reviewerName', 'unnamed')}): {details}".strip())
    if byproducts:
        comments.append("by-products not recorded: " + ", ".join(byproducts))
    technology = None
    if tech is not None:
        level = _TECH_LEVEL.get(tech.get("technologyLevel", ""))
        text = " ".join(t.text.strip() for t in tech.iterfind(f"{NS}comment/{NS}text")
                        if t.text)
        technology = ": ".join(x for x in (level and f"{level} technology", text) if x) or None
    start = ctx.date(period.get("startDate") if period is not None else None,
                     "activityDescription/timePeriod", "startDate")
    end = ctx.date(period.get("endDate") if period is not None else None,
                   "activityDescription/timePeriod", "endDate")
    source = None
    if generator is not None and generator.get("publishedSourceFirstAuthor"):
        year = generator.get("publishedSourceYear")
        source = generator.get("publishedSourceFirstAuthor", "") + (f" ({year})" if year else "")
    developer = (generator.get("personName") if generator is not None else None) or (
        entry.get("personName") if entry is not None else None)
    access = generator.get("accessRestrictedTo") if generator is not None else None
    return drop_none({
        "name_en": lang_text(activity, f"{NS}activityName"),
        "name_zh": lang_text(activity, f"{NS}activityName", "zh"),
        "geography": lang_text(geo, f"{NS}shortname"),
        "year": stamp.year if (stamp := end or start) else None,
        "valid_from": start, "valid_until": end, "technology": technology,
        "licence": _ACCESS.get(access or ""),
        "comment": "\n".join(comments) or None,
        "provenance": drop_none({"document": ctx.file, "developer": developer,
                                 "source": source}),
    })


@dataclass
class _Pending:
    link: Link
    product_id: str | None
    name: str


def _dataset(ctx: Ctx, root: Element,
             pending: list[_Pending]) -> tuple[Dataset, str | None] | None:
    ds_el = root.find(f"{NS}activityDataset")
    if ds_el is None:
        ds_el = root.find(f"{NS}childActivityDataset")
    if ds_el is None:
        ctx.bad("ecoSpold", None, "no activityDataset or childActivityDataset "
                f"in namespace {NS[1:-1]}")
        return None
    activity = ds_el.find(f"{NS}activityDescription/{NS}activity")
    activity_id = activity.get("id") if activity is not None else None
    if not activity_id:
        ctx.bad("activityDescription/activity", "id", "missing activity id")
        return None
    refs: list[tuple[str, str, float, str | None]] = []
    byproducts: list[str] = []
    gases: list[GasLine] = []
    links: list[tuple[Link, str | None, str]] = []
    flow = ds_el.find(f"{NS}flowData")
    if flow is None:
        flow = Element("flowData")
    for i, ex in enumerate(flow.findall(f"{NS}intermediateExchange"), 1):
        row = f"flowData/intermediateExchange[{i}]"
        name = lang_text(ex, f"{NS}name") or ""
        amount = ctx.number(ex.get("amount"), row, "amount")
        kind, group = _group(ex)
        if amount is None or group is None:
            if group is None:
                ctx.bad(row, "outputGroup", "no inputGroup or outputGroup")
            continue
        unit = ctx.unit(lang_text(ex, f"{NS}unitName"), row)
        if unit is None:
            continue
        product_id = ex.get("intermediateExchangeId")
        if kind == "outputGroup" and group == 0:
            refs.append((name, unit, amount, product_id))
        elif amount == 0:
            continue
        elif kind == "outputGroup":
            byproducts.append(name)
        else:
            link_id = ex.get("activityLinkId")
            provider = f"ecoinvent:{link_id}_{product_id}" if link_id and product_id else None
            link = Link(name, amount, unit, provider, row, _uncertainty(ctx, ex, row))
            links.append((link, product_id, name))
    for i, ex in enumerate(flow.findall(f"{NS}elementaryExchange"), 1):
        row = f"flowData/elementaryExchange[{i}]"
        name = lang_text(ex, f"{NS}name") or ""
        comp = ex.find(f"{NS}compartment")
        where = "/".join(x for x in (lang_text(comp, f"{NS}compartment"),
                                     lang_text(comp, f"{NS}subcompartment")) if x)
        kind, _ = _group(ex)
        ghg = classify(name, where, ex.get("casNumber"), kind == "inputGroup")
        if ghg is None:
            continue
        amount = ctx.number(ex.get("amount"), row, "amount")
        kg = ctx.kg(amount, lang_text(ex, f"{NS}unitName"), row) if amount is not None else None
        if kg is not None and kg != 0:
            gases.append(GasLine(ghg, name, kg, _uncertainty(ctx, ex, row)))
    if len(refs) != 1:
        ctx.bad("flowData", "outputGroup", f"expected one reference product (outputGroup 0), "
                f"found {len(refs)}")
        return None
    product, unit, amount, product_id = refs[0]
    if amount == 0:
        ctx.bad("flowData", "amount", "the reference product amount is zero")
        return None
    ds = Dataset(id=f"ecoinvent:{activity_id}_{product_id or 'product'}", file=ctx.file,
                 row=None, product=product, unit=unit, amount=amount,
                 fields=_metadata(ctx, ds_el, byproducts), gases=gases)
    ds.fields.setdefault("name_en", product)
    for link, pid, name in links:
        ds.links.append(link)
        if link.provider is None:
            pending.append(_Pending(link, pid, name))
    return ds, product_id


def _resolve(datasets: list[Dataset], products: list[str | None],
             pending: list[_Pending]) -> None:
    """Link inputs without activityLinkId by product id, else by product name (when unique)."""
    by_key: dict[str, list[str]] = {}
    for ds, pid in zip(datasets, products, strict=True):
        for key in (f"id:{pid}" if pid else None, f"name:{ds.product.lower()}"):
            if key:
                by_key.setdefault(key, []).append(ds.id)
    for item in pending:
        for key in (f"id:{item.product_id}", f"name:{item.name.lower()}"):
            found = by_key.get(key, [])
            if len(found) == 1:
                item.link.provider = found[0]
                break


def read_ecospold2(path: str | Path) -> Parsed:
    """Read one ``.spold`` file, or every ``.spold``/``.xml`` in a folder or zip."""
    parsed = Parsed()
    datasets: list[Dataset] = []
    products: list[str | None] = []
    pending: list[_Pending] = []
    for label, _member, data in read_members(Path(path), (".spold", ".xml"), parsed.problems):
        ctx = Ctx(label, parsed.problems)
        try:
            root = parse_xml(data)
        except ValueError as exc:
            ctx.bad(None, None, str(exc))
            continue
        try:
            found = _dataset(ctx, root, pending)
        except (TypeError, AttributeError, KeyError, ValueError) as exc:  # never raise
            ctx.bad(None, None, f"unexpected content: {exc}")
            continue
        if found is not None:
            datasets.append(found[0])
            products.append(found[1])
    _resolve(datasets, products, pending)
    build(datasets, parsed)
    return parsed

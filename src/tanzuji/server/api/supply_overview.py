"""A leading firm's view of its supply chain: for each of its products (studies), the inputs
whose data come or could come from suppliers, which suppliers have sent footprints, the share
of primary data in the firm's own result, and where a supplier's own footprint would change
the result most (inputs ranked by their elasticity, else by their contribution).

Suppliers' footprints are those shared with the firm on the platform (declared footprints),
those received through supplier requests or PACT (the supplier-exchange store,
``store/supply_db.py``, which also holds the requests and their status), and those a study
already uses through ``factor: supplier:<source>/<key>`` inputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from tanzuji.server import policy
from tanzuji.server.deps import Principal, current_user, platform
from tanzuji.server.errors import forbidden, unauthenticated
from tanzuji.store.platform_db import PlatformDB
from tanzuji.store.supply_db import SupplyDB

router = APIRouter(tags=["supply"])
SUPPLIER_PREFIX = "supplier:"
TOP = 15


class SupplierInput(BaseModel):
    path: str
    label: str
    process: str
    value: float
    share: float
    data: str
    elasticity: float | None
    supplier: str | None  # the source a ``supplier:`` factor names
    shared_footprint: int | None  # the study id of a matching footprint shared with us


class Product(BaseModel):
    study_id: int
    name: str
    calculated: bool
    total: float | None
    unit: str | None
    primary_data_share: float | None
    inputs: list[SupplierInput]
    suppliers_sent: int


class SharedOut(BaseModel):
    study_id: int
    supplier: str
    name: str
    value: float | None
    unit: str | None
    primary_data_share: float | None


class RequestOut(BaseModel):
    id: str
    supplier: str | None  # an on-platform supplier organisation, or a PACT partner's name
    product_name: str
    status: str  # pending, overdue, fulfilled, rejected
    due_on: dt.date | None
    pf_id: str | None


class ReceivedOut(BaseModel):
    pf_id: str
    source: str
    product_name: str | None
    value: str | float | None
    declared_unit: str | None
    primary_data_share: float | None
    status: str
    superseded_by: str | None


class Overview(BaseModel):
    organisation: str
    shared: list[SharedOut]
    received: list[ReceivedOut]
    requests: list[RequestOut]
    products: list[Product]


def _factor_refs(content: bytes) -> dict[str, str]:
    """``processes[i].inputs[j]`` → the factor the input names, read from the study file
    (YAML or JSON); an unreadable file gives none (its result was computed from it anyway)."""
    try:
        doc = yaml.safe_load(content.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}
    refs: dict[str, str] = {}
    processes = doc.get("processes") if isinstance(doc, dict) else None
    for i, process in enumerate(processes if isinstance(processes, list) else []):
        inputs = process.get("inputs") if isinstance(process, dict) else None
        for j, item in enumerate(inputs if isinstance(inputs, list) else []):
            if isinstance(item, dict) and isinstance(item.get("factor"), str):
                refs[f"processes[{i}].inputs[{j}]"] = item["factor"]
    return refs


def _matches(label: str, shared: SharedOut) -> bool:
    """A shared footprint whose study name appears in the input's label (3 letters or more)."""
    name = shared.name.strip().lower()
    return len(name) >= 3 and name in label.lower()


def supplier_inputs(result: Mapping[str, Any], refs: Mapping[str, str],
                    shared: list[SharedOut]) -> list[SupplierInput]:
    """The study's purchased inputs (lines of ``inputs``), most influential first: by the
    absolute elasticity of the total to the input where the result holds a sensitivity
    analysis, else by the absolute contribution."""
    sensitivity = result.get("sensitivity") or {}
    elasticity = {e["path"]: e["elasticity"] for e in sensitivity.get("exchanges") or []}
    out = []
    for line in result.get("contributions") or []:
        path = str(line.get("path", ""))
        if ".inputs[" not in path:
            continue
        factor = refs.get(path, "")
        source = (factor[len(SUPPLIER_PREFIX):].split("/")[0]
                  if factor.startswith(SUPPLIER_PREFIX) else None)
        match = next((s.study_id for s in shared if _matches(str(line["label"]), s)), None)
        out.append(SupplierInput(path=path, label=line["label"], process=line["process"],
                                 value=line["value"], share=line["share"], data=line["data"],
                                 elasticity=elasticity.get(path), supplier=source,
                                 shared_footprint=match))
    out.sort(key=lambda i: -abs(i.elasticity if i.elasticity is not None else i.share / 100))
    return out[:TOP]


def _shared(db: PlatformDB, organisation: str) -> list[SharedOut]:
    return [SharedOut(study_id=s["id"], supplier=s["organisation_id"], name=s["name"],
                      value=s["declared"].get("value"), unit=s["declared"].get("unit"),
                      primary_data_share=s["declared"].get("primary_data_share"))
            for s in db.studies([], db.shared_with(organisation)) if s["declared"] is not None]


def overview(db: PlatformDB, supply: SupplyDB, organisation: str) -> Overview:
    """Everything the overview shows of ``organisation``'s supply chain."""
    shared = _shared(db, organisation)
    requests = [RequestOut(id=r["id"], supplier=r["supplier_id"] or r["partner"],
                           product_name=r["product_name"], status=r["status"],
                           due_on=r["due_on"], pf_id=r["pf_id"])
                for r in supply.requests(customer_id=organisation)]
    received = [ReceivedOut(**{k: f[k] for k in ReceivedOut.model_fields})
                for f in supply.footprints(customer_id=organisation)]
    products = []
    for study in db.studies([organisation]):
        result = db.latest_result(study["id"])
        _, content, _ = db.study_content(study["id"])
        inputs = supplier_inputs(result, _factor_refs(content), shared) if result else []
        products.append(Product(
            study_id=study["id"], name=study["name"], calculated=result is not None,
            total=None if result is None else result["total"],
            unit=None if result is None else result["unit"],
            primary_data_share=None if result is None else result["primary_data_share"],
            inputs=inputs,
            suppliers_sent=len({i.supplier or f"shared:{i.shared_footprint}" for i in inputs
                                if i.supplier or i.shared_footprint})))
    return Overview(organisation=organisation, shared=shared, received=received,
                    requests=requests, products=products)


@router.get("/supply-overview", response_model=Overview,
            summary="My products' supply chain: supplier inputs, footprints received, primary "
                    "data share, and where a supplier's footprint would matter most")
def supply_overview(request: Request,
                    user: Annotated[Principal | None, Depends(current_user)]) -> Overview:
    if user is None:
        raise unauthenticated()
    if not policy.can_see_supply_overview(user) or user.organisation_id is None:
        raise forbidden("this needs an organisation's administrator, analyst or consultant")
    db = platform(request)
    return overview(db, SupplyDB(db.engine), user.organisation_id)

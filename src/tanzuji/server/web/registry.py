"""The public face of certification: the registry search and the label page a label's QR code
opens (``<verify_url>/v/<certificate>#<payload>.<signature>``), mobile first.

The server renders the registry's record of the certificate; the page's script then sends the
whole link, fragment included (browsers never send it by themselves), to the registry API
(``GET /api/registry?q=<link>``), which checks the signature against the platform's key and
the label's value against the record."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tanzuji.benchmark.public import product_card
from tanzuji.certification import registry
from tanzuji.labels.qr import PATH
from tanzuji.server.deps import platform
from tanzuji.server.web.render import page
from tanzuji.store.certification_db import CertificationDB

router = APIRouter()


def _db(request: Request) -> CertificationDB:
    return CertificationDB(platform(request).engine)


@router.get("/registry", name="web_registry")
def registry_search(request: Request, q: str | None = None) -> Response:
    record = registry.lookup_number(_db(request), q) if q and q.strip() else None
    return page(request, "registry.html.j2", q=q or "", record=record, public_page=True)


@router.get(PATH + "{certificate}", name="web_label")
def label_page(request: Request, certificate: str) -> Response:
    record = registry.lookup_number(_db(request), certificate)
    card = product_card(platform(request).engine, certificate) if record["found"] else None
    return page(request, "label.html.j2", status=200 if record["found"] else 404,
                certificate=certificate, record=record, card=card, public_page=True)

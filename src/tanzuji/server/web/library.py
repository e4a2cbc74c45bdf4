"""The public libraries: the factor database browser (search, provenance, review history) and
the PCR library. Both show published material only, so anyone may open them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tanzuji.rules.library import load_library
from tanzuji.server.deps import platform
from tanzuji.server.web.render import error_page, page
from tanzuji.store.factor_db import FactorDB, FactorDBError

router = APIRouter()


def _year(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


@router.get("/factors", name="web_factors")
def factors(request: Request, q: str | None = None, geography: str | None = None,
            year: str | None = None, dataset: str | None = None) -> Response:
    db = FactorDB(platform(request).engine)
    hits: list[dict[str, Any]] | None = None
    error = None
    if any(v and v.strip() for v in (q, geography, year, dataset)):
        try:
            hits = db.search(q, geography=geography or None, year=_year(year),
                             dataset=dataset or None, limit=100)
        except FactorDBError as exc:
            error = str(exc)
    return page(request, "factors.html.j2", hits=hits, error=error, datasets=db.datasets(),
                query={"q": q or "", "geography": geography or "", "year": year or "",
                       "dataset": dataset or ""})


@router.get("/factors/{factor_id:path}", name="web_factor")
def factor(request: Request, factor_id: str) -> Response:
    try:
        shown = FactorDB(platform(request).engine).show(factor_id)
    except FactorDBError as exc:
        return error_page(request, 404, str(exc))
    if shown["status"] != "published":  # drafts stay with their reviewers
        return error_page(request, 404)
    shown["versions"] = [v for v in shown["versions"] if v["releases"]]
    return page(request, "factor.html.j2", f=shown)


@router.get("/pcrs", name="web_pcrs")
def pcrs(request: Request) -> Response:
    return page(request, "pcrs.html.j2", rules=sorted(load_library().values(),
                                                       key=lambda r: r.id))


@router.get("/pcrs/{pcr_id}", name="web_pcr")
def pcr(request: Request, pcr_id: str) -> Response:
    rule = load_library().get(pcr_id)
    if rule is None:
        return error_page(request, 404)
    return page(request, "pcr.html.j2", rule=rule,
                body=rule.model_dump(mode="json", exclude={"sources", "scope", "id", "version",
                                                           "title_zh", "title_en", "format"}))

"""The factor database as the public sees it: published releases, search and provenance."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from tanzuji.server.deps import platform
from tanzuji.server.errors import not_found
from tanzuji.store.factor_db import FactorDB

router = APIRouter(tags=["factors"])


class ReleaseOut(BaseModel):
    release: str
    published_at: str
    published_by: str
    factors: int
    processes: int
    sha256: str
    note: str | None


def _db(request: Request) -> FactorDB:
    return FactorDB(platform(request).engine)


@router.get("/factors", response_model=list[dict[str, Any]],
            summary="Search published factors (newest release of every dataset, or one release)")
def search(request: Request,
           q: Annotated[str | None, Query(max_length=200, description="words to match")] = None,
           kind: Annotated[str | None, Query(max_length=50)] = None,
           geography: Annotated[str | None, Query(max_length=50)] = None,
           year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
           dataset: Annotated[str | None, Query(max_length=100)] = None,
           release: Annotated[str | None, Query(max_length=120,
                                                description="e.g. starter@2")] = None,
           limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[dict[str, Any]]:
    return _db(request).search(q, kind=kind, geography=geography, year=year, dataset=dataset,
                               release=release, limit=limit)


@router.get("/factors/{factor_id}", response_model=dict[str, Any],
            summary="A published factor with its provenance chain")
def show(factor_id: str, request: Request,
         release: Annotated[str | None, Query(max_length=120)] = None) -> dict[str, Any]:
    found = _db(request).show(factor_id, release)
    found["versions"] = [v for v in found["versions"] if v["releases"]]
    if found["status"] != "published" or not found["versions"]:
        raise not_found(f"published factor {factor_id!r}", "factor_id")
    return found


@router.get("/releases", response_model=list[ReleaseOut],
            summary="Published, immutable factor releases")
def releases(request: Request,
             dataset: Annotated[str | None, Query(max_length=100)] = None
             ) -> list[dict[str, Any]]:
    return _db(request).releases(dataset)

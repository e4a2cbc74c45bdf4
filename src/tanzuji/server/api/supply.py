"""A customer's view of its suppliers: the declared footprint and its data quality, never
the inventory behind it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from tanzuji.server import policy
from tanzuji.server.api.common import StudyId, study_or_404
from tanzuji.server.deps import Principal, current_user, platform, require
from tanzuji.server.errors import forbidden, not_found, unauthenticated

router = APIRouter(tags=["supply"])


class SharedFootprint(BaseModel):
    study_id: int
    supplier: str
    name: str
    declared: dict[str, Any]


def _view(study: dict[str, Any]) -> SharedFootprint:
    return SharedFootprint(study_id=study["id"], supplier=study["organisation_id"],
                           name=study["name"], declared=study["declared"])


@router.get("/supply", response_model=list[SharedFootprint],
            summary="Footprints suppliers have shared with my organisation")
def shared(request: Request, user: Annotated[Principal, Depends(require(
        *policy.CUSTOMER_ROLES))]) -> list[SharedFootprint]:
    db = platform(request)
    if user.organisation_id is None:
        return []
    ids = db.shared_with(user.organisation_id)
    return [_view(s) for s in db.studies([], ids) if s["declared"] is not None]


@router.get("/supply/{study_id}", response_model=SharedFootprint,
            summary="A supplier's declared footprint and data quality")
def footprint(study_id: StudyId, request: Request,
              user: Annotated[Principal | None, Depends(current_user)]) -> SharedFootprint:
    db = platform(request)
    study = study_or_404(db, study_id)
    if not policy.can_see_declared(user, study["organisation_id"], db.holding_bodies(study_id),
                                   db.customers(study_id)):
        raise unauthenticated() if user is None else forbidden(
            "the supplier has not shared this footprint with your organisation")
    if study["declared"] is None:
        raise not_found(f"declared footprint for study {study_id}", "study_id")
    return _view(study)

"""A job's state, progress and result, pollable; stored, so it survives a page reload."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from tanzuji.server.api.common import readable_study
from tanzuji.server.deps import Principal, current_user, platform
from tanzuji.server.errors import forbidden, not_found, unauthenticated

router = APIRouter(tags=["jobs"])


class JobOut(BaseModel):
    id: str
    kind: str
    state: str
    progress: float
    study_id: int | None
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    created_by: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


@router.get("/jobs/{job_id}", response_model=JobOut,
            summary="A job: queued, running (progress 0..1), done (result) or failed (error)")
def job(job_id: str, request: Request,
        user: Annotated[Principal | None, Depends(current_user)]) -> dict[str, Any]:
    db = platform(request)
    found = db.job(job_id)
    if found is None:
        raise not_found(f"job {job_id}", "job_id")
    if found["study_id"] is not None:
        readable_study(db, found["study_id"], user)
    elif user is None:
        raise unauthenticated()
    elif user.organisation_id != found["organisation_id"]:
        raise forbidden()
    return found

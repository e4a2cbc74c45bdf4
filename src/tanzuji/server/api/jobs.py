"""A job's state, progress and result, pollable; stored, so it survives a page reload. A job
whose worker died is reported failed ("worker lost") and can be retried."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel

from tanzuji.server import jobs as job_runs
from tanzuji.server.api.common import editable_study, readable_study
from tanzuji.server.deps import Principal, current_user, platform, require, settings_of
from tanzuji.server.errors import ApiError, forbidden, not_found, unauthenticated

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
    heartbeat_at: dt.datetime | None = None
    retry_of: str | None = None


JobId = Annotated[str, Path(min_length=1, max_length=40)]


def _visible_job(request: Request, job_id: str, user: Principal | None) -> dict[str, Any]:
    """The job, after failing it if its worker is lost, when the caller may see it."""
    db = platform(request)
    job_runs.recover_lost_jobs(db, settings_of(request).job_timeout_seconds, job_id)
    found = db.job(job_id)
    if found is None:
        raise not_found(f"job {job_id}", "job_id")
    if found["study_id"] is not None:
        readable_study(db, found["study_id"], user)
    elif user is None:
        raise unauthenticated()
    elif user.organisation_id != found["organisation_id"]:
        raise forbidden()
    return {**found, **db.job_beat(job_id)}


@router.get("/jobs/{job_id}", response_model=JobOut,
            summary="A job: queued, running (progress 0..1), done (result) or failed (error)")
def job(job_id: JobId, request: Request,
        user: Annotated[Principal | None, Depends(current_user)]) -> dict[str, Any]:
    return _visible_job(request, job_id, user)


@router.post("/jobs/{job_id}/retry", response_model=JobOut, status_code=202,
             summary="Run a failed calculation again (a new job, linked to the old one)")
def retry(job_id: JobId, request: Request,
          user: Annotated[Principal, Depends(require())]) -> dict[str, Any]:
    found = _visible_job(request, job_id, user)
    if found["state"] != "failed":
        raise ApiError(409, "conflict", f"the job is {found['state']}; only a failed job can "
                       "be retried", "job_id")
    if found["kind"] != "calculate" or found["study_id"] is None:
        raise ApiError(409, "conflict", f"a {found['kind']} job cannot be retried", "job_id")
    db = platform(request)
    study = editable_study(db, found["study_id"], user)
    new_id = job_runs.retry(db, found, by=user.username,
                            organisation_id=study["organisation_id"])
    return _visible_job(request, new_id, user)

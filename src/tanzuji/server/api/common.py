"""What the API routers share: loading a study the caller may read or edit, and the models
of plain answers."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Path
from pydantic import BaseModel

from tanzuji.server import policy
from tanzuji.server.deps import Principal
from tanzuji.server.errors import ApiError, forbidden, not_found, unauthenticated
from tanzuji.store.platform_db import PlatformDB

StudyId = Annotated[int, Path(ge=1, le=2**31 - 1, description="a study's number")]
EvidenceId = Annotated[int, Path(ge=1, le=2**31 - 1, description="an evidence file's number")]


class ProblemOut(BaseModel):
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None


def attachment(filename: str) -> dict[str, str]:
    """A Content-Disposition header for any file name (RFC 6266, UTF-8)."""
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}


def study_or_404(db: PlatformDB, study_id: int) -> dict[str, Any]:
    study = db.study(study_id)
    if study is None:
        raise not_found(f"study {study_id}", "study_id")
    return study


def _deny(user: Principal | None) -> ApiError:
    return unauthenticated() if user is None else forbidden(
        "this study is confidential to its organisation and the body certifying it")


def readable_study(db: PlatformDB, study_id: int, user: Principal | None) -> dict[str, Any]:
    """A study whose inventory the caller may see (members, the certifying body)."""
    study = study_or_404(db, study_id)
    if not policy.can_read_study(user, study["organisation_id"], db.holding_bodies(study_id)):
        raise _deny(user)
    return study


def editable_study(db: PlatformDB, study_id: int, user: Principal | None) -> dict[str, Any]:
    study = study_or_404(db, study_id)
    if not policy.can_edit_study(user, study["organisation_id"]):
        raise _deny(user)
    return study


def latest_result(db: PlatformDB, study_id: int) -> dict[str, Any]:
    result = db.latest_result(study_id)
    if result is None:
        raise ApiError(409, "no_result", f"study {study_id} has no finished calculation; "
                       "POST /api/studies/{id}/calculate first", "study_id")
    return result

"""Evidence files (meter exports, invoices, bills of materials): uploaded with size and type
limits, stored with their SHA-256 and linked to the amount of the study they support."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from tanzuji.jobs.tasks import materialised
from tanzuji.model.loader import load_study
from tanzuji.server import workspace
from tanzuji.server.api.common import (
    EvidenceId,
    StudyId,
    attachment,
    editable_study,
    readable_study,
)
from tanzuji.server.deps import Principal, current_user, platform, settings_of
from tanzuji.server.errors import ApiError, not_found

router = APIRouter(tags=["evidence"])


class EvidenceOut(BaseModel):
    id: int
    study_id: int
    amount_path: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: dt.datetime


def _path(text: str) -> tuple[str | int, ...]:
    return tuple(int(p) if p.isdigit() else p for p in text.strip().split("."))


def check_amount_path(request: Request, study_id: int, amount_path: str) -> None:
    """The path must name a field of the study file, e.g. ``processes.0.inputs.1.amount``."""
    db = platform(request)
    with (materialised(workspace.study_input(db, study_id)) as path,
          workspace.relative_problems(path.parent)):
        _, lines = load_study(path)
    if _path(amount_path) not in lines.lines:
        raise ApiError(422, "unknown_path", f"{amount_path!r} is not a field of the study "
                       "(e.g. processes.0.inputs.1.amount)", "amount_path")


async def checked_file(request: Request, study_id: int, file: UploadFile,
                       amount_path: str) -> tuple[str, str, bytes]:
    """The upload's plain name, type and bytes once the type, size and amount path pass
    (the API and the study page share these checks); ApiError names the field at fault."""
    settings = settings_of(request)
    content_type = (file.content_type or "").split(";")[0].strip().lower()
    if content_type not in settings.evidence_types:
        raise ApiError(415, "unsupported_type", f"{file.filename}: {content_type or 'no type'}"
                       f" is not accepted; allowed: {', '.join(settings.evidence_types)}",
                       "file")
    data = await file.read(settings.max_evidence_bytes + 1)
    if len(data) > settings.max_evidence_bytes:
        raise ApiError(413, "too_large", f"{file.filename}: larger than "
                       f"{settings.max_evidence_bytes} bytes", "file")
    if not data:
        raise ApiError(422, "empty", f"{file.filename}: the file is empty", "file")
    check_amount_path(request, study_id, amount_path)
    name = PurePosixPath((file.filename or "evidence").replace("\\", "/")).name
    return name, content_type, data


@router.post("/studies/{study_id}/evidence", response_model=EvidenceOut, status_code=201,
             summary="Attach an evidence file to an amount of the study")
async def upload(study_id: StudyId, request: Request,
                 user: Annotated[Principal | None, Depends(current_user)],
                 file: Annotated[UploadFile, File()],
                 amount_path: Annotated[str, Form(min_length=1, max_length=500)]
                 ) -> dict[str, Any]:
    db = platform(request)
    editable_study(db, study_id, user)
    assert user is not None
    name, content_type, data = await checked_file(request, study_id, file, amount_path)
    return db.add_evidence(study_id, amount_path.strip(), name, content_type, data,
                           user.username)


@router.get("/studies/{study_id}/evidence", response_model=list[EvidenceOut],
            summary="The evidence files of a study")
def listing(study_id: StudyId, request: Request,
            user: Annotated[Principal | None, Depends(current_user)]) -> list[dict[str, Any]]:
    db = platform(request)
    readable_study(db, study_id, user)
    return db.evidence(study_id)


@router.get("/evidence/{evidence_id}", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}}},
            summary="Download an evidence file")
def download(evidence_id: EvidenceId, request: Request,
             user: Annotated[Principal | None, Depends(current_user)]) -> Response:
    db = platform(request)
    found = db.evidence_file(evidence_id)
    if found is None:
        raise not_found(f"evidence {evidence_id}", "evidence_id")
    view, content = found
    readable_study(db, view["study_id"], user)
    return Response(content, media_type=view["content_type"],
                    headers={**attachment(view["filename"]), "X-SHA256": view["sha256"]})

"""Studies in the database: upload (study file and its factor tables), validate, calculate as
a job, results, the footprint declared to customers, and sharing it with them."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tanzuji.accounting.result import DataQuality
from tanzuji.server import policy, workspace
from tanzuji.server.api.common import (
    ProblemOut,
    StudyId,
    attachment,
    editable_study,
    latest_result,
    readable_study,
)
from tanzuji.server.deps import Principal, current_user, platform, require, settings_of
from tanzuji.server.errors import ApiError
from tanzuji.server.jobs import start_calculation
from tanzuji.server.settings import Settings

router = APIRouter(tags=["studies"])
STUDY_SUFFIXES = (".yaml", ".yml", ".json")


class FileOut(BaseModel):
    name: str
    sha256: str
    size: int


class StudyOut(BaseModel):
    id: int
    organisation_id: str
    name: str
    filename: str
    sha256: str
    declared: dict[str, Any] | None
    created_by: str
    created_at: dt.datetime
    files: list[FileOut]


class ValidationOut(BaseModel):
    valid: bool
    problems: list[ProblemOut]


class CalculateIn(BaseModel):
    iterations: int = Field(0, ge=0, le=1_000_000, description="Monte Carlo draws (0: none)")
    seed: int = Field(0, ge=0, lt=2**63)
    gwp: str | None = Field(None, pattern="^(AR6|AR5|AR4)$")
    sensitivity: bool = False


class JobRef(BaseModel):
    job_id: str
    url: str


class ShareIn(BaseModel):
    customer_id: str = Field(min_length=1, max_length=100)


def _clean_name(name: str | None, field: str) -> str:
    rel = PurePosixPath((name or "").replace("\\", "/"))
    if not rel.parts or rel.is_absolute() or ".." in rel.parts or ":" in rel.parts[0]:
        raise ApiError(422, "invalid_name", f"{name!r}: a file name must be relative, "
                       "without '..'", field)
    return rel.as_posix()


async def _read(upload: UploadFile, limit: int, field: str) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "too_large", f"{upload.filename}: larger than {limit} bytes", field)
    return data


@router.get("/studies", response_model=list[StudyOut],
            summary="Studies I may see: my organisation's, and those my body is certifying")
def studies(request: Request,
            user: Annotated[Principal, Depends(require())]) -> list[dict[str, Any]]:
    db = platform(request)
    orgs = [user.organisation_id] if user.organisation_id and user.has(
        *policy.MEMBER_ROLES) else []
    held = db.held_studies(user.organisation_id) if user.organisation_id and user.has(
        *policy.CB_ROLES) else []
    if not orgs and not held:
        return []
    return db.studies(orgs, held)


@router.post("/studies", response_model=StudyOut, status_code=201,
             summary="Upload a study (YAML or JSON) with the factor tables it names")
async def upload(request: Request, user: Annotated[Principal, Depends(require(
                     *policy.EDITOR_ROLES))],
                 study: Annotated[UploadFile, File(description="the study file")],
                 files: Annotated[list[UploadFile] | None, File(
                     description="factor tables and other files the study reads")] = None,
                 name: Annotated[str | None, Form(max_length=300)] = None) -> dict[str, Any]:
    settings: Settings = settings_of(request)
    if user.organisation_id is None:
        raise ApiError(403, "forbidden", "a study belongs to an organisation; you have none")
    filename = _clean_name(study.filename, "study")
    if not filename.lower().endswith(STUDY_SUFFIXES):
        raise ApiError(415, "unsupported_type", f"{filename}: a study is YAML or JSON "
                       f"({', '.join(STUDY_SUFFIXES)})", "study")
    content = await _read(study, settings.max_upload_bytes, "study")
    extra: dict[str, bytes] = {}
    for upload_file in files or []:
        fname = _clean_name(upload_file.filename, "files")
        if fname == filename or fname in extra:
            raise ApiError(422, "duplicate", f"{fname}: uploaded twice", "files")
        extra[fname] = await _read(upload_file, settings.max_upload_bytes, "files")
    db = platform(request)
    study_id = db.add_study(user.organisation_id, name or PurePosixPath(filename).stem,
                            filename, content, extra, user.username)
    return readable_study(db, study_id, user)


@router.get("/studies/{study_id}", response_model=StudyOut, summary="A study's record")
def show(study_id: StudyId, request: Request,
         user: Annotated[Principal | None, Depends(current_user)]) -> dict[str, Any]:
    return readable_study(platform(request), study_id, user)


@router.get("/studies/{study_id}/files/{name:path}", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}}},
            summary="Download the study file or one of its inputs (the inventory)")
def download(study_id: StudyId, name: str, request: Request,
             user: Annotated[Principal | None, Depends(current_user)]) -> Response:
    db = platform(request)
    readable_study(db, study_id, user)
    filename, content, files = db.study_content(study_id)
    data = content if name == filename else files.get(name)
    if data is None:
        raise ApiError(404, "not_found", f"study {study_id} has no file {name!r}", "name")
    return Response(data, media_type="application/octet-stream",
                    headers=attachment(PurePosixPath(name).name))


@router.post("/studies/{study_id}/validate", response_model=ValidationOut,
             summary="Validate: problems with file, line and field")
def validate(study_id: StudyId, request: Request,
             user: Annotated[Principal | None, Depends(current_user)]) -> ValidationOut:
    db = platform(request)
    readable_study(db, study_id, user)
    problems = workspace.validate(db, study_id)
    return ValidationOut(valid=not problems,
                         problems=[ProblemOut(**p.to_dict()) for p in problems])


@router.post("/studies/{study_id}/calculate", response_model=JobRef, status_code=202,
             summary="Calculate as a job (footprint, or Monte Carlo when iterations > 0)")
def calculate(study_id: StudyId, body: CalculateIn, request: Request,
              user: Annotated[Principal | None, Depends(current_user)]) -> JobRef:
    db = platform(request)
    study = editable_study(db, study_id, user)
    assert user is not None
    job_id = start_calculation(db, study_id, iterations=body.iterations, seed=body.seed,
                               gwp=body.gwp, sensitivity=body.sensitivity, by=user.username,
                               organisation_id=study["organisation_id"])
    return JobRef(job_id=job_id, url=f"/api/jobs/{job_id}")


@router.get("/studies/{study_id}/result", response_model=dict[str, Any],
            summary="The newest result (a StudyResult, as `tanzuji calc --json`)")
def result(study_id: StudyId, request: Request,
           user: Annotated[Principal | None, Depends(current_user)]) -> dict[str, Any]:
    db = platform(request)
    readable_study(db, study_id, user)
    return latest_result(db, study_id)


def declared_quality(stated: dict[str, Any] | None) -> dict[str, Any]:
    """The result's pedigree scores, and one DQR where they cover enough of the footprint
    (what a customer and a procurement screening read)."""
    if stated is None:
        return {"data_quality": None, "dqr": None}
    quality = DataQuality.model_validate(stated)
    return {"data_quality": quality.model_dump(),
            "dqr": round(quality.dqr, 2) if quality.declarable else None}


@router.post("/studies/{study_id}/declared", response_model=StudyOut,
             summary="Declare the newest result's footprint and data quality to customers")
def declare_footprint(study_id: StudyId, request: Request,
                      user: Annotated[Principal | None, Depends(current_user)]
                      ) -> dict[str, Any]:
    db = platform(request)
    editable_study(db, study_id, user)
    res = latest_result(db, study_id)
    db.declare(study_id, {
        "product": res["product"], "value": res["total"], "unit": res["unit"],
        "functional_unit": res["functional_unit"],
        "primary_data_share": res["primary_data_share"],
        "uncertainty": None if not res.get("uncertainty") else {
            k: res["uncertainty"][k] for k in ("p2_5", "p97_5", "iterations")},
        "gwp": res["provenance"]["gwp"], "computed_at": res["provenance"]["computed_at"],
        "sha256": res["provenance"].get("model_sha256"),
        **declared_quality(res.get("data_quality")),
    })
    return readable_study(db, study_id, user)


@router.post("/studies/{study_id}/shares", response_model=dict[str, list[str]],
             summary="Share the declared footprint with a customer organisation")
def share(study_id: StudyId, body: ShareIn, request: Request,
          user: Annotated[Principal | None, Depends(current_user)]) -> dict[str, list[str]]:
    db = platform(request)
    study = editable_study(db, study_id, user)
    if study["declared"] is None:
        raise ApiError(409, "not_declared", "declare the footprint first "
                       "(POST /api/studies/{id}/declared)", "study_id")
    assert user is not None
    db.share(study_id, body.customer_id, user.username)
    return {"customers": db.customers(study_id)}

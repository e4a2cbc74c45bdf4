"""The factor database's work over the API, as ``tanzuji db`` does it: create a dataset, import
a file into its draft (all of it or nothing), submit, review, publish, diff and export.

Editors (``factor_editor``) create, import, submit and publish; reviewers (``factor_reviewer``)
review, never their own submission, and a public dataset needs two of them (the rules are
:mod:`tanzuji.factors.review`). Releases are public: anyone may diff and export them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path as FilePath
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tanzuji.factors.formats.detect import FORMATS
from tanzuji.server import jobs as job_runs
from tanzuji.server import policy
from tanzuji.server.api.common import attachment
from tanzuji.server.deps import Principal, platform, require, settings_of
from tanzuji.server.errors import ApiError
from tanzuji.store.factor_db import FactorDB, FactorDBError

router = APIRouter(tags=["factor database"])

DatasetId = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$",
                                description="a dataset id")]
ReleaseName = Annotated[str, Query(min_length=1, max_length=120, description="DATASET@N")]
Comment = Annotated[str | None, Field(default=None, max_length=4000)]
_EDIT = require("factor_editor")
_REVIEW = require("factor_reviewer")
_EITHER = require(*policy.FACTOR_ROLES)


def _db(request: Request) -> FactorDB:
    return FactorDB(platform(request).engine)


def refusal(exc: FactorDBError, upload_dir: str | None = None,
            upload_name: str | None = None) -> ApiError:
    """A factor database refusal as an API error: file problems 422 with one entry per
    problem (file, row, field, reason; the upload's name, not the server's temporary path),
    an unknown dataset or release 404, a step the review rules forbid 409 ``conflict``."""
    message = str(exc)
    if upload_dir and upload_name:
        message = message.replace(str(FilePath(upload_dir) / upload_name), upload_name)
    if exc.problems:
        problems = [{"code": "row", "message": p.reason,
                     "file": upload_name if upload_dir and upload_dir in p.file else p.file,
                     "row": p.row, "field": p.field, "reason": p.reason}
                    for p in exc.problems[:500]]
        return ApiError(422, "factor_file", message, exc.problems[0].field or "file",
                        problems=problems)
    if message.startswith("no "):
        return ApiError(404, "not_found", message)
    return ApiError(409, "conflict", message, problems=[
        {"code": "conflict", "message": message,
         "message_zh": "因子库的审核发布流程不允许此操作"}])


@contextmanager
def refusals(upload_dir: str | None = None, upload_name: str | None = None) -> Iterator[None]:
    """:func:`refusal` for the block's FactorDBError."""
    try:
        yield
    except FactorDBError as exc:
        raise refusal(exc, upload_dir, upload_name) from None


class DatasetIn(BaseModel):
    id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")
    title: str = Field(min_length=1, max_length=300)
    public: bool = Field(default=False, description="public: two reviewers must approve")
    publisher: str | None = Field(default=None, max_length=300)
    licence: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=4000)


@router.get("/datasets", response_model=list[dict[str, Any]],
            summary="Factor datasets with their review state (editors and reviewers)")
def datasets(request: Request,
             _: Annotated[Principal, Depends(_EITHER)]) -> list[dict[str, Any]]:
    return _db(request).datasets()


@router.post("/datasets", response_model=dict[str, Any], status_code=201,
             summary="Create an empty dataset (a draft)")
def create_dataset(body: DatasetIn, request: Request,
                   user: Annotated[Principal, Depends(_EDIT)]) -> dict[str, Any]:
    with refusals():
        _db(request).create_dataset(body.id, body.title, user.username, public=body.public,
                                    publisher=body.publisher, licence=body.licence,
                                    description=body.description)
    return _dataset(request, body.id)


def _dataset(request: Request, dataset_id: str) -> dict[str, Any]:
    for ds in _db(request).datasets():
        if ds["id"] == dataset_id:
            return ds
    raise ApiError(404, "not_found", f"no dataset {dataset_id!r}", "dataset_id")


@router.get("/datasets/{dataset_id}/history", response_model=list[dict[str, Any]],
            summary="A dataset's review events, oldest first")
def history(dataset_id: DatasetId, request: Request,
            _: Annotated[Principal, Depends(_EITHER)]) -> list[dict[str, Any]]:
    with refusals():
        return _db(request).history(dataset_id)


class ImportJobOut(BaseModel):
    job_id: str
    url: str


class ImportOut(BaseModel):
    dataset: str
    file: str
    format: str
    added: int
    changed: int
    unchanged: int
    withdrawn: int
    processes: int
    flags: list[dict[str, str]]


def upload_name(name: str | None) -> str:
    """A plain file name from an upload (no folders); 422 when there is none."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    if not base or base in (".", ".."):
        raise ApiError(422, "invalid_name", "the upload needs a file name", "file")
    return base


def import_upload(db: FactorDB, data: bytes, name: str, dataset: str, by: str,
                  fmt: str | None, replace: bool) -> ImportOut:
    """Import uploaded bytes under their own file name (so problems name it), in one
    transaction, for the API and the maintainers' web pages."""
    with tempfile.TemporaryDirectory(prefix="tanzuji-factors-") as tmp:
        path = FilePath(tmp) / name
        path.write_bytes(data)
        with refusals(tmp, name):
            report = db.import_file(path, dataset, by, fmt=fmt, replace=replace)
    return ImportOut(dataset=report.dataset, file=name, format=report.format,
                     added=report.added, changed=report.changed, unchanged=report.unchanged,
                     withdrawn=report.withdrawn, processes=report.processes,
                     flags=[{"factor": f.factor_id, "code": f.code, "message": f.message}
                            for f in report.flags])


def _job_error(exc: BaseException) -> dict[str, Any] | None:
    if not isinstance(exc, ApiError):
        return None
    return {"code": exc.code, "message": exc.message, "field": exc.field,
            "problems": exc.problems or []}


@router.post("/datasets/{dataset_id}/imports", response_model=ImportOut | ImportJobOut,
             status_code=201,
             responses={202: {"model": ImportJobOut,
                              "description": "a large file: imported by a job to poll"}},
             summary="Import a CSV, Excel, JSON-LD zip, EcoSpold2 or ILCD file into the draft: "
                     "all of it, or nothing (then every problem with file, row and field)")
async def import_file(dataset_id: DatasetId, request: Request, response: Response,
                      user: Annotated[Principal, Depends(_EDIT)],
                      file: Annotated[UploadFile, File(description="the factor file")],
                      format: Annotated[Literal["csv", "excel", "jsonld", "ecospold2", "ilcd"]
                                        | None, Form(description=", ".join(FORMATS))] = None,
                      replace: Annotated[bool, Form(
                          description="withdraw the dataset's factors absent from the file")
                      ] = False) -> ImportOut | ImportJobOut:
    settings = settings_of(request)
    name = upload_name(file.filename)
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise ApiError(413, "too_large", f"{name}: larger than {settings.max_upload_bytes} "
                       "bytes", "file")
    db = _db(request)
    if len(data) <= settings.factor_import_job_bytes:
        return await run_in_threadpool(import_upload, db, data, name, dataset_id, user.username,
                                       format, replace)
    _dataset(request, dataset_id)  # a job only for a dataset that exists: the 404 comes now
    job_id = job_runs.start_background(
        platform(request), "factor_import",
        {"dataset": dataset_id, "file": name, "bytes": len(data), "format": format,
         "replace": replace},
        lambda: import_upload(db, data, name, dataset_id, user.username, format,
                        replace).model_dump(),
        _job_error, by=user.username, organisation_id=user.organisation_id)
    response.status_code = 202
    return ImportJobOut(job_id=job_id, url=f"/api/jobs/{job_id}")


class CommentIn(BaseModel):
    comment: Comment = None


class ReviewIn(BaseModel):
    verdict: Literal["start", "approve", "reject", "comment"]
    comment: Comment = None


class NoteIn(BaseModel):
    note: Comment = None


@router.post("/datasets/{dataset_id}/submit", response_model=dict[str, Any],
             summary="Submit the dataset's pending changes for review")
def submit(dataset_id: DatasetId, body: CommentIn, request: Request,
           user: Annotated[Principal, Depends(_EDIT)]) -> dict[str, Any]:
    with refusals():
        _db(request).submit(dataset_id, user.username, body.comment)
    return _dataset(request, dataset_id)


@router.post("/datasets/{dataset_id}/review", response_model=dict[str, Any],
             summary="Review a submitted dataset: start, approve, reject (with a comment) or "
                     "comment; never one's own submission")
def review(dataset_id: DatasetId, body: ReviewIn, request: Request,
           user: Annotated[Principal, Depends(_REVIEW)]) -> dict[str, Any]:
    if body.verdict in ("reject", "comment") and not (body.comment or "").strip():
        raise ApiError(422, "invalid", f"a {body.verdict} needs a comment", "comment")
    with refusals():
        _db(request).review(dataset_id, user.username, body.verdict, body.comment)
    return _dataset(request, dataset_id)


@router.post("/datasets/{dataset_id}/publish", response_model=dict[str, Any], status_code=201,
             summary="Publish an approved dataset as its next numbered, immutable release")
def publish(dataset_id: DatasetId, body: NoteIn, request: Request,
            user: Annotated[Principal, Depends(_EITHER)]) -> dict[str, Any]:
    with refusals():
        name = _db(request).publish(dataset_id, user.username, body.note)
    return next(r for r in _db(request).releases(dataset_id) if r["release"] == name)


class ChangeOut(BaseModel):
    id: str
    fields: dict[str, dict[str, Any]]


class DiffOut(BaseModel):
    old: str
    new: str
    added: list[str]
    withdrawn: list[str]
    changed: list[ChangeOut]


@router.get("/releases/diff", response_model=DiffOut,
            summary="What was added, changed or withdrawn between two releases (public)")
def diff(request: Request, old: ReleaseName, new: ReleaseName) -> DiffOut:
    with refusals():
        d = _db(request).diff(old, new)
    return DiffOut(old=d.old, new=d.new, added=d.added, withdrawn=d.withdrawn,
                   changed=[ChangeOut(id=c.factor_id,
                                      fields={k: {"old": a, "new": b}
                                              for k, (a, b) in c.fields.items()})
                            for c in d.changed])


@router.get("/releases/export", response_class=Response,
            responses={200: {"content": {"text/csv": {}, "application/zip": {}}}},
            summary="Download a release as CSV or as an openLCA JSON-LD zip (public)")
def export(request: Request, release: ReleaseName,
           format: Annotated[Literal["csv", "jsonld"], Query()] = "csv") -> Response:
    db = _db(request)
    with refusals():
        name = db.resolve_release(release)
        factors = db.release_records(name)
        processes = db.release_processes(name)
    with tempfile.TemporaryDirectory(prefix="tanzuji-export-") as tmp:
        if format == "csv":
            from tanzuji.factors.formats.csvfile import write_csv
            path = FilePath(tmp) / f"{name.replace('@', '-')}.csv"
            write_csv(path, factors)
            media = "text/csv; charset=utf-8"
        else:
            from tanzuji.factors.formats.jsonld import write_jsonld
            path = FilePath(tmp) / f"{name.replace('@', '-')}.zip"
            write_jsonld(path, factors, processes)
            media = "application/zip"
        return Response(path.read_bytes(), media_type=media, headers=attachment(path.name))

"""The factor database's working pages for the people who maintain it: the datasets with
their review state, a dataset's draft (what the next release changes, the cross-validation
flags), imports that name every problem and store nothing on error, submit, review, publish
and the diff between two releases. The review rules are the store's (a reviewer never
approves their own submission, a public dataset needs two): a refusal is shown beside the
form that asked."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from tanzuji.factors.formats.excel import write_template
from tanzuji.server import policy
from tanzuji.server.api.common import attachment
from tanzuji.server.api.factor_ops import DatasetIn, import_upload, upload_name
from tanzuji.server.deps import Principal, platform, settings_of
from tanzuji.server.errors import ApiError
from tanzuji.server.web.render import error_page, need_user, page
from tanzuji.store.factor_db import FactorDB, FactorDBError

router = APIRouter()
DatasetId = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]
FORMATS = ("csv", "excel", "jsonld", "ecospold2", "ilcd")
TEMPLATE_NAME = "tanzuji-factors-template.xlsx"


def _db(request: Request) -> FactorDB:
    return FactorDB(platform(request).engine)


def _maintainer(request: Request, role: str | None = None) -> Principal | Response:
    """The caller if they maintain factors (and hold ``role`` when one is named); otherwise
    the login redirect or the 403 page."""
    user = need_user(request)
    if isinstance(user, Response):
        return user
    if not policy.can_maintain_factors(user) or (role is not None and not user.has(role)):
        return error_page(request, 403)
    return user


def _list(request: Request, user: Principal, errors: dict[str, str] | None = None,
          form: dict[str, Any] | None = None, status: int = 200) -> Response:
    return page(request, "datasets.html.j2", status=status, user=user,
                datasets=_db(request).datasets(), errors=errors or {}, form=form or {},
                can_edit=user.has("factor_editor"))


@router.get("/datasets", name="web_datasets")
def datasets(request: Request) -> Response:
    user = _maintainer(request)
    return user if isinstance(user, Response) else _list(request, user)


@router.post("/datasets", name="web_dataset_create")
def create(request: Request, id: Annotated[str, Form()] = "",
           title: Annotated[str, Form()] = "", public: Annotated[str, Form()] = "",
           publisher: Annotated[str, Form()] = "", licence: Annotated[str, Form()] = "",
           description: Annotated[str, Form()] = "") -> Response:
    user = _maintainer(request, "factor_editor")
    if isinstance(user, Response):
        return user
    form = {"id": id.strip(), "title": title.strip(), "public": bool(public),
            "publisher": publisher.strip(), "licence": licence.strip(),
            "description": description.strip()}
    try:
        body = DatasetIn.model_validate({k: (v if v != "" else None) for k, v in form.items()})
    except ValidationError as exc:
        errors = {str(e["loc"][0]) if e["loc"] else "id": str(e["msg"]) for e in exc.errors()}
        return _list(request, user, errors, form, status=422)
    try:
        _db(request).create_dataset(body.id, body.title, user.username, public=body.public,
                                    publisher=body.publisher, licence=body.licence,
                                    description=body.description)
    except FactorDBError as exc:
        return _list(request, user, {"id": str(exc)}, form, status=409)
    return RedirectResponse(request.url_for("web_dataset", dataset_id=body.id),
                            status_code=303)


@router.get("/datasets/template.xlsx", name="web_dataset_template")
def template(request: Request) -> Response:
    """The Excel template of ``tanzuji db template``: drop-downs, an example row, help."""
    user = _maintainer(request)
    if isinstance(user, Response):
        return user
    with tempfile.TemporaryDirectory(prefix="tanzuji-template-") as tmp:
        path = FilePath(tmp) / TEMPLATE_NAME
        write_template(path)
        data = path.read_bytes()
    return Response(data, headers=attachment(TEMPLATE_NAME), media_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))


def _actions(user: Principal, state: str) -> list[str]:
    """The forms to offer now: by role and review state. The store still decides (the
    submitter who also reviews, the second reviewer of a public dataset)."""
    editor, reviewer = user.has("factor_editor"), user.has("factor_reviewer")
    offered = []
    if editor and state in ("draft", "rejected", "published"):
        offered.append("import")
    if editor and state in ("draft", "rejected"):
        offered.append("submit")
    if reviewer and state in ("submitted", "under_review"):
        offered.append("review")
    if state == "approved":
        offered.append("publish")
    return offered


def _detail(request: Request, user: Principal, dataset_id: str, status: int = 200,
            **context: Any) -> Response:
    db = _db(request)
    found = next((d for d in db.datasets() if d["id"] == dataset_id), None)
    if found is None:
        return error_page(request, 404)
    releases = db.releases(dataset_id)
    old, new = request.query_params.get("old"), request.query_params.get("new")
    diff, diff_error = None, None
    if old and new:
        try:
            diff = db.diff(old, new)
        except FactorDBError as exc:
            diff_error = str(exc)
    context.setdefault("refusal", {})
    return page(request, "dataset.html.j2", status=status, user=user, d=found,
                draft=db.draft_summary(dataset_id), history=db.history(dataset_id),
                releases=releases, actions=_actions(user, found["state"]), formats=FORMATS,
                diff=diff, diff_error=diff_error, old=old or "", new=new or "",
                done=request.query_params.get("done"), **context)


@router.get("/datasets/{dataset_id}", name="web_dataset")
def dataset(request: Request, dataset_id: DatasetId) -> Response:
    user = _maintainer(request)
    return user if isinstance(user, Response) else _detail(request, user, dataset_id)


def _done(request: Request, dataset_id: str, what: str) -> Response:
    target = request.url_for("web_dataset", dataset_id=dataset_id)
    return RedirectResponse(target.include_query_params(done=what), status_code=303)


@router.post("/datasets/{dataset_id}/import", name="web_dataset_import")
async def import_file(request: Request, dataset_id: DatasetId, file: UploadFile | None = None,
                      format: Annotated[str, Form()] = "",
                      replace: Annotated[str, Form()] = "") -> Response:
    """Import into the draft, all or nothing: on error the page lists every problem."""
    user = _maintainer(request, "factor_editor")
    if isinstance(user, Response):
        return user
    limit = settings_of(request).max_upload_bytes
    try:
        if file is None or not file.filename:
            raise ApiError(422, "invalid", "choose a file to import", "file")
        if format and format not in FORMATS:
            raise ApiError(422, "invalid", f"unknown format {format!r}", "format")
        name = upload_name(file.filename)
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise ApiError(413, "too_large", f"{name}: larger than {limit} bytes", "file")
        report = await run_in_threadpool(import_upload, _db(request), data, name, dataset_id,
                                         user.username, format or None, bool(replace))
    except ApiError as exc:
        if exc.status == 404:
            return error_page(request, 404, exc.message)
        return _detail(request, user, dataset_id, status=exc.status,
                       refusal={"import": exc.message}, problems=exc.problems or [])
    return _done(request, dataset_id, f"import:{report.added}:{report.changed}:"
                                      f"{report.withdrawn}:{len(report.flags)}")


def _step(request: Request, user: Principal, dataset_id: str, form: str,
          run: Callable[[], object]) -> Response:
    """Take a review step; the store's refusal comes back beside the form that asked."""
    try:
        run()
    except FactorDBError as exc:
        if str(exc).startswith("no "):
            return error_page(request, 404, str(exc))
        return _detail(request, user, dataset_id, status=409, refusal={form: str(exc)})
    return _done(request, dataset_id, form)


@router.post("/datasets/{dataset_id}/submit", name="web_dataset_submit")
def submit(request: Request, dataset_id: DatasetId,
           comment: Annotated[str, Form(max_length=4000)] = "") -> Response:
    user = _maintainer(request, "factor_editor")
    if isinstance(user, Response):
        return user
    return _step(request, user, dataset_id, "submit", lambda: _db(request).submit(
        dataset_id, user.username, comment.strip() or None))


@router.post("/datasets/{dataset_id}/review", name="web_dataset_review")
def review(request: Request, dataset_id: DatasetId, verdict: Annotated[str, Form()] = "",
           comment: Annotated[str, Form(max_length=4000)] = "") -> Response:
    user = _maintainer(request, "factor_reviewer")
    if isinstance(user, Response):
        return user
    if verdict not in ("approve", "reject") or (verdict == "reject" and not comment.strip()):
        message = ("a rejection needs a comment" if verdict == "reject"
                   else "choose approve or reject")
        return _detail(request, user, dataset_id, status=422, refusal={"review": message})
    return _step(request, user, dataset_id, "review", lambda: _db(request).review(
        dataset_id, user.username, verdict, comment.strip() or None))


@router.post("/datasets/{dataset_id}/publish", name="web_dataset_publish")
def publish(request: Request, dataset_id: DatasetId,
            note: Annotated[str, Form(max_length=4000)] = "") -> Response:
    user = _maintainer(request)
    if isinstance(user, Response):
        return user
    return _step(request, user, dataset_id, "publish", lambda: _db(request).publish(
        dataset_id, user.username, note.strip() or None))

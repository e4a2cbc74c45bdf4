"""Study pages: upload (a file or pasted text), editing with the validation problems next to the
line and field they name, calculation as a job the page follows, and the result with charts.

A stored study is never changed in place: saving an edit stores a new study (with the same
factor tables), so every result stays tied to the exact file (SHA-256) it came from."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from tanzuji.accounting.result import StudyResult
from tanzuji.model.errors import Problem, StudyError
from tanzuji.server import policy, workspace
from tanzuji.server.api.common import readable_study
from tanzuji.server.api.evidence import checked_file
from tanzuji.server.deps import Principal, platform, settings_of
from tanzuji.server.errors import ApiError
from tanzuji.server.jobs import start_calculation
from tanzuji.server.web.benchmarking import benchmark_section
from tanzuji.server.web.charts import result_figures
from tanzuji.server.web.labels import catalogue
from tanzuji.server.web.render import error_page, lang_of, need_user, page
from tanzuji.server.web.supplier import study_recalculation

router = APIRouter()
STUDY_SUFFIXES = (".yaml", ".yml", ".json")
# a study number as the database can hold it (larger ones are refused, never a 500)
StudyId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _study(request: Request, study_id: int, user: Principal) -> dict[str, Any] | Response:
    """The study if the policy lets the caller read it, else the error page."""
    try:
        return readable_study(platform(request), study_id, user)
    except ApiError as exc:
        return error_page(request, exc.status)


def _user_study(request: Request, study_id: int) -> tuple[Principal, dict[str, Any]] | Response:
    """The logged-in caller and the study they may read, else the login or error page."""
    user = need_user(request)
    if isinstance(user, Response):
        return user
    found = _study(request, study_id, user)
    return found if isinstance(found, Response) else (user, found)


def _upload_name(name: str | None) -> str | None:
    """A plain file name from an upload (no folders), or None when there is none."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    return base or None


def table_path(study_text: str, basename: str) -> str:
    """Where the study expects an uploaded table: a browser sends only the file's own name, so
    ``steel.csv`` becomes ``factors/steel.csv`` when the study names it so."""
    named = re.search(r"(?<![\w./-])(?:[\w.-]+/)*" + re.escape(basename) + r"(?![\w.-])",
                      study_text)
    return named.group(0) if named else basename


def _studies_page(request: Request, user: Principal, errors: dict[str, str] | None = None,
                  form: dict[str, str] | None = None, status: int = 200) -> Response:
    org = user.organisation_id
    studies = platform(request).studies([org]) if org else []
    return page(request, "studies.html.j2", status=status, user=user,
                studies=[s for s in studies if policy.can_read_study(
                    user, s["organisation_id"], [])],
                can_upload=org is not None and policy.can_edit_study(user, org),
                errors=errors or {}, form=form or {"name": "", "text": ""})


@router.get("/studies", name="web_studies")
def studies(request: Request) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    if not user.has(*policy.MEMBER_ROLES):
        return error_page(request, 403)
    return _studies_page(request, user)


@router.post("/studies", name="web_study_upload")
async def upload(request: Request, name: Annotated[str, Form()] = "",
                 text: Annotated[str, Form()] = "",
                 study: UploadFile | None = None,
                 tables: list[UploadFile] | None = None) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    org = user.organisation_id
    if org is None or not policy.can_edit_study(user, org):
        return error_page(request, 403)
    words = catalogue(lang_of(request))
    limit = settings_of(request).max_upload_bytes
    errors: dict[str, str] = {}
    filename = _upload_name(study.filename if study else None)
    content = await study.read(limit + 1) if study and filename else b""
    if filename:
        if not filename.lower().endswith(STUDY_SUFFIXES):
            errors["study"] = f"{filename}: {words['study_file']}"
    elif text.strip():
        content = text.encode("utf-8")
        filename = "study.json" if text.lstrip().startswith("{") else "study.yaml"
    else:
        errors["study"] = words["study_file"]
    if len(content) > limit:
        errors["study"] = f"{filename}: > {limit} bytes"
    files: dict[str, bytes] = {}
    for table in tables or []:
        table_name = _upload_name(table.filename)
        if table_name is None:
            continue
        data = await table.read(limit + 1)
        if len(data) > limit:
            errors["tables"] = f"{table_name}: > {limit} bytes"
        files[table_path(content.decode("utf-8", errors="replace"), table_name)] = data
    if errors or filename is None:
        return _studies_page(request, user, errors, {"name": name, "text": text}, status=422)
    study_id = platform(request).add_study(org, name.strip() or PurePosixPath(filename).stem,
                                           filename, content, files, user.username)
    return RedirectResponse(request.url_for("web_study", study_id=study_id), status_code=303)


def _problems_by_place(problems: list[Problem], filename: str) -> dict[str, Any]:
    """The problems of the study file (by line, shown beside the text) and of other files."""
    in_study = [p for p in problems if p.file in (None, filename)]
    elsewhere = [p for p in problems if p.file not in (None, filename)]
    return {"problems": in_study, "other_problems": elsewhere,
            "problem_lines": sorted({p.line for p in in_study if p.line is not None})}


@router.get("/studies/{study_id}", name="web_study")
def study_page(request: Request, study_id: StudyId) -> Response:
    opened = _user_study(request, study_id)
    if isinstance(opened, Response):
        return opened
    user, found = opened
    db = platform(request)
    filename, content, _ = db.study_content(study_id)
    problems = workspace.validate(db, study_id)
    return page(request, "study.html.j2", user=user, study=found,
                text=content.decode("utf-8", errors="replace"),
                can_edit=policy.can_edit_study(user, found["organisation_id"]),
                has_result=db.latest_result(study_id) is not None,
                evidence=db.evidence(study_id), evidence_types=settings_of(request).evidence_types,
                max_evidence_mb=settings_of(request).max_evidence_bytes / 1e6,
                evidence_error=request.query_params.get("evidence_error"),
                evidence_field=request.query_params.get("evidence_field"),
                supplier_recalc=study_recalculation(request, study_id),
                **_problems_by_place(problems, filename))


@router.post("/studies/{study_id}/evidence", name="web_evidence_upload")
async def upload_evidence(request: Request, study_id: StudyId, file: UploadFile,
                          amount_path: Annotated[str, Form()] = "") -> Response:
    """Attach an evidence file to an amount, with the API's type, size and path checks; a
    refusal comes back beside the field at fault."""
    opened = _user_study(request, study_id)
    if isinstance(opened, Response):
        return opened
    user, found = opened
    if not policy.can_edit_study(user, found["organisation_id"]):
        return error_page(request, 403)
    target = request.url_for("web_study", study_id=study_id)
    try:
        if not amount_path.strip():
            raise ApiError(422, "empty", catalogue(lang_of(request))["evidence_need_path"],
                           "amount_path")
        name, content_type, data = await checked_file(request, study_id, file, amount_path)
    except ApiError as exc:
        return RedirectResponse(target.include_query_params(
            evidence_error=exc.message, evidence_field=exc.field or "file").replace(
                fragment="evidence"), status_code=303)
    platform(request).add_evidence(study_id, amount_path.strip(), name, content_type, data,
                                   user.username)
    return RedirectResponse(str(target) + "#evidence", status_code=303)


@router.post("/studies/{study_id}/edit", name="web_study_save")
def save(request: Request, study_id: StudyId, text: Annotated[str, Form()]) -> Response:
    opened = _user_study(request, study_id)
    if isinstance(opened, Response):
        return opened
    user, found = opened
    if not policy.can_edit_study(user, found["organisation_id"]):
        return error_page(request, 403)
    db = platform(request)
    filename, _, files = db.study_content(study_id)
    new_id = db.add_study(found["organisation_id"], found["name"], filename,
                          text.encode("utf-8"), files, user.username)
    return RedirectResponse(request.url_for("web_study", study_id=new_id), status_code=303)


@router.post("/studies/{study_id}/calculate", name="web_study_calculate")
def calculate(request: Request, study_id: StudyId,
              iterations: Annotated[int, Form(ge=0, le=100_000)] = 0,
              sensitivity: Annotated[bool, Form()] = False) -> Response:
    opened = _user_study(request, study_id)
    if isinstance(opened, Response):
        return opened
    user, found = opened
    if not policy.can_edit_study(user, found["organisation_id"]):
        return error_page(request, 403)
    try:
        job_id = start_calculation(platform(request), study_id, iterations=iterations, seed=0,
                                   gwp=None, sensitivity=sensitivity, by=user.username,
                                   organisation_id=found["organisation_id"])
    except StudyError as exc:
        return error_page(request, 422, str(exc))
    return RedirectResponse(request.url_for("web_job", job_id=job_id), status_code=303)


@router.get("/jobs/{job_id}", name="web_job")
def job_page(request: Request, job_id: str) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    job = platform(request).job(job_id)
    if job is None or job["study_id"] is None:
        return error_page(request, 404)
    found = _study(request, job["study_id"], user)
    if isinstance(found, Response):
        return found
    return page(request, "job.html.j2", user=user, job=job, study=found)


@router.get("/studies/{study_id}/result", name="web_result")
def result_page(request: Request, study_id: StudyId) -> Response:
    opened = _user_study(request, study_id)
    if isinstance(opened, Response):
        return opened
    user, found = opened
    stored = platform(request).latest_result(study_id)
    if stored is None:
        return RedirectResponse(request.url_for("web_study", study_id=study_id),
                                status_code=303)
    result = StudyResult.model_validate(stored)
    words = catalogue(lang_of(request))
    bench = benchmark_section(platform(request), user, found, stored, words)
    figures = {**result_figures(result, words), "chart-benchmark": bench.get("bm_figure")}
    return page(request, "result.html.j2", user=user, study=found, r=result,
                figures=figures, **bench)


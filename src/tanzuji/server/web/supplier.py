"""The supplier portal: a supplier without a PCF system sees the footprint requests its
customers sent, downloads the Excel questionnaire (zh/en), and answers by uploading it or by
the web form, or declines. Published answers reach the customer as received footprints, the
same way a PACT partner's do. A bad file stores nothing; its problems are listed by sheet,
cell and field.

Customers see the requests they sent, their status and the footprints received, with the
``supplier:`` reference a study input writes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from tanzuji.exchange import questionnaire
from tanzuji.server import policy
from tanzuji.server.api.common import attachment
from tanzuji.server.api.supply_requests import (
    MAX_QUESTIONNAIRE_BYTES,
    XLSX,
    StudySupplierFootprints,
    study_supplier_footprints,
    supply_db,
)
from tanzuji.server.deps import Principal, platform, settings_of
from tanzuji.server.pact import answers as pact_answers
from tanzuji.server.pact.host import config_of, pact_db
from tanzuji.server.web.labels import catalogue
from tanzuji.server.web.render import error_page, lang_of, need_user, page
from tanzuji.store.supply_db import SupplyError

router = APIRouter()
RequestId = Annotated[str, Path(min_length=1, max_length=64)]


def _portal(request: Request, user: Principal, status: int = 200,
            **context: Any) -> Response:
    db = supply_db(request)
    org = user.organisation_id
    incoming = db.requests(supplier_id=org) if org and user.has(*policy.MEMBER_ROLES) else []
    customer = policy.can_request_footprints(user)
    return page(request, "supplier.html.j2", status=status, user=user, incoming=incoming,
                pact=pact_requests(request, user),
                outdated=outdated_studies(request, user) if customer else [],
                sent=db.requests(customer_id=org) if customer else [],
                received=db.footprints(org) if customer else [], customer=customer,
                **context)


def outdated_studies(request: Request, user: Principal) -> list[dict[str, Any]]:
    """The caller's studies whose newest result used a supplier footprint that a newer
    version has replaced: they need recalculating."""
    platform_db, db = platform(request), supply_db(request)
    out = []
    for study in platform_db.studies([user.organisation_id] if user.organisation_id else []):
        used = study_supplier_footprints(db, platform_db.latest_result(study["id"]))
        if used.recalculation_needed:
            out.append({"id": study["id"], "name": study["name"],
                        "footprints": [f for f in used.footprints if f.superseded_by]})
    return out


def study_recalculation(request: Request, study_id: int) -> StudySupplierFootprints:
    """For the study page (``supplier_recalc`` in its context, rendered by
    ``supplier_recalc.html.j2``): whether the newest result needs recalculating."""
    return study_supplier_footprints(supply_db(request),
                                     platform(request).latest_result(study_id))


@router.get("/supplier", name="web_supplier")
def portal(request: Request, published: str | None = None) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    if user.organisation_id is None or not user.has(*policy.MEMBER_ROLES):
        return error_page(request, 403)
    return _portal(request, user, published=published)


def _answerable(request: Request, request_id: str
                ) -> tuple[Principal, dict[str, Any]] | Response:
    """The logged-in supplier member and the request they may answer, else the login or
    error page."""
    user = need_user(request)
    if isinstance(user, Response):
        return user
    try:
        found = supply_db(request).request(request_id)
    except SupplyError:
        return error_page(request, 404)
    if not policy.can_see_request(user, found["customer_id"], found["supplier_id"]):
        return error_page(request, 404)
    if not policy.can_answer_request(user, found["supplier_id"]):
        return error_page(request, 403)
    return user, found


async def _questionnaire_file(file: UploadFile | None) -> bytes | None:
    """The uploaded questionnaire's bytes; None when there is none or it is too large."""
    data = await file.read(MAX_QUESTIONNAIRE_BYTES + 1) if file is not None else b""
    return data if data and len(data) <= MAX_QUESTIONNAIRE_BYTES else None


def _request_page(request: Request, user: Principal, found: dict[str, Any],
                  problems: list[questionnaire.CellProblem] | None = None,
                  form: dict[str, Any] | None = None, status: int = 200) -> Response:
    lang = lang_of(request)
    values = {**questionnaire.defaults(found), **(form or {})}
    fields = [{"key": f.key, "label": f.zh if lang == "zh" else f.en, "required": f.required,
               "kind": f.kind, "choices": f.choices, "hint": f.hint,
               "value": "" if values.get(f.key) is None else str(values[f.key])}
              for f in questionnaire.FIELDS if f.key != "request_id"]
    return page(request, "supplier_request.html.j2", status=status, user=user, req=found,
                fields=fields, problems=problems or [],
                open=found["status"] in ("pending", "overdue"))


@router.get("/supplier/requests/{request_id}", name="web_supplier_request")
def request_page(request: Request, request_id: RequestId) -> Response:
    opened = _answerable(request, request_id)
    if isinstance(opened, Response):
        return opened
    user, found = opened
    return _request_page(request, user, found)


def _publish(request: Request, user: Principal, found: dict[str, Any],
             answers: dict[str, Any], form: dict[str, Any] | None) -> Response:
    try:
        pf = questionnaire.publish_answer(supply_db(request), found["id"], answers,
                                          user.username)
    except questionnaire.QuestionnaireError as exc:
        return _request_page(request, user, found, exc.problems, form, status=422)
    except SupplyError as exc:
        return _request_page(request, user, found, [questionnaire.CellProblem(
            "request", None, exc.field, str(exc))], form, status=409)
    return RedirectResponse(str(request.url_for("web_supplier")) + f"?published={pf.id}",
                            status_code=303)


@router.post("/supplier/requests/{request_id}/upload", name="web_supplier_upload")
async def upload(request: Request, request_id: RequestId,
                 file: UploadFile | None = None) -> Response:
    opened = _answerable(request, request_id)
    if isinstance(opened, Response):
        return opened
    user, found = opened
    data = await _questionnaire_file(file)
    words = catalogue(lang_of(request))
    if data is None:
        return _request_page(request, user, found, [questionnaire.CellProblem(
            "file", None, None, words["sup_file_needed"])], status=422)
    try:
        answers = questionnaire.read_questionnaire(data, request_id)
    except questionnaire.QuestionnaireError as exc:
        return _request_page(request, user, found, exc.problems, status=422)
    return _publish(request, user, found, answers, None)


@router.post("/supplier/requests/{request_id}/form", name="web_supplier_form")
async def form_answer(request: Request, request_id: RequestId) -> Response:
    opened = _answerable(request, request_id)
    if isinstance(opened, Response):
        return opened
    user, found = opened
    submitted = await request.form()
    values = {f.key: str(submitted.get(f.key) or "") for f in questionnaire.FIELDS}
    values["request_id"] = request_id
    try:
        answers = questionnaire.read_form(values, request_id)
    except questionnaire.QuestionnaireError as exc:
        return _request_page(request, user, found, exc.problems, values, status=422)
    return _publish(request, user, found, answers, values)


@router.post("/supplier/requests/{request_id}/decline", name="web_supplier_decline")
def decline(request: Request, request_id: RequestId,
            reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    opened = _answerable(request, request_id)
    if isinstance(opened, Response):
        return opened
    user, found = opened
    words = catalogue(lang_of(request))
    if not reason.strip():
        return _request_page(request, user, found, [questionnaire.CellProblem(
            "form", None, "reason", words["sup_reason_needed"])], status=422)
    try:
        supply_db(request).mark_rejected(request_id, {"code": "Declined",
                                                      "message": reason.strip()},
                                         user.username)
    except SupplyError as exc:
        return _request_page(request, user, found, [questionnaire.CellProblem(
            "request", None, exc.field, str(exc))], status=409)
    return RedirectResponse(request.url_for("web_supplier"), status_code=303)


# -- PACT requests to this organisation as data owner (the PACT host stores them) -------------
#
# A customer whose own system speaks PACT sends a RequestCreatedEvent to this instance; a
# supplier without a PCF system answers it here with the same questionnaire. The answer goes
# back as a RequestFulfilledEvent to the address registered for that client, exactly as the
# host's own fulfil action sends it (``server.pact.answers``); a failed delivery keeps the
# request pending.

PactRequestId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _pact_as_request(req: dict[str, Any]) -> dict[str, Any]:
    """A PACT request in the shape the questionnaire and the pages use."""
    products = list(req["criteria"].get("productId") or [])
    return {"id": f"pact-{req['id']}", "customer_id": req["client_name"],
            "supplier_id": None, "partner": None, "product_ids": products,
            "product_name": ", ".join(products) or req["event_id"],
            "comment": req["criteria"].get("comment"), "due_on": None,
            "status": req["state"], "pact_id": req["id"]}


def pact_requests(request: Request, user: Principal) -> list[dict[str, Any]]:
    org = user.organisation_id
    if org is None or not policy.can_publish_pact(user, org):
        return []
    return [_pact_as_request(r) for r in pact_db(request).requests_for(org)]


def _pact_answerable(request: Request, pact_id: int
                     ) -> tuple[Principal, dict[str, Any], dict[str, Any]] | Response:
    """The logged-in data owner's member, the PACT request and its questionnaire shape."""
    user = need_user(request)
    if isinstance(user, Response):
        return user
    org = user.organisation_id
    if org is None or not policy.can_publish_pact(user, org):
        return error_page(request, 404)
    found = next((r for r in pact_db(request).requests_for(org) if r["id"] == pact_id), None)
    if found is None:
        return error_page(request, 404)
    return user, found, _pact_as_request(found)


@router.get("/supplier/pact/{pact_id}/questionnaire", name="web_supplier_pact_questionnaire")
def pact_questionnaire(request: Request, pact_id: PactRequestId, lang: str = "en") -> Response:
    opened = _pact_answerable(request, pact_id)
    if isinstance(opened, Response):
        return opened
    shown = opened[2]
    content = questionnaire.make_questionnaire(shown, "zh" if lang == "zh" else "en")
    return Response(content, media_type=XLSX,
                    headers=attachment(f"questionnaire-pact-{pact_id}-{lang}.xlsx"))


@router.post("/supplier/pact/{pact_id}/upload", name="web_supplier_pact_upload")
async def pact_upload(request: Request, pact_id: PactRequestId,
                      file: UploadFile | None = None) -> Response:
    opened = _pact_answerable(request, pact_id)
    if isinstance(opened, Response):
        return opened
    user, req, shown = opened
    words = catalogue(lang_of(request))

    def again(problems: list[questionnaire.CellProblem], status: int) -> Response:
        return _portal(request, user, pact_problems=problems, pact_failed=pact_id,
                       status=status)

    data = await _questionnaire_file(file)
    if data is None:
        return again([questionnaire.CellProblem("file", None, None,
                                                words["sup_file_needed"])], 422)
    if req["state"] != "pending":
        return again([questionnaire.CellProblem("request", None, None,
                                                f"request {pact_id} is already "
                                                f"{req['state']}")], 409)
    try:
        pf = questionnaire.to_footprint(questionnaire.read_questionnaire(data, shown["id"]))
    except questionnaire.QuestionnaireError as exc:
        return again(exc.problems, 422)
    kind, event_data = pact_answers.fulfilled(req, [pf.to_json()])
    _, error = pact_answers.answer(config_of(request), settings_of(request).public_base_url,
                                   pact_db(request), req, kind, event_data, "fulfilled",
                                   user.username)
    if error is not None:
        return again([questionnaire.CellProblem("request", None, None, error)], 502)
    return RedirectResponse(str(request.url_for("web_supplier")) + f"?published={pf.id}",
                            status_code=303)

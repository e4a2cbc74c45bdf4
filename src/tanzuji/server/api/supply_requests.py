"""Supplier requests and received footprints (customer ↔ supplier), and the PACT partners an
organisation fetches footprints from.

A customer asks several suppliers for several products at once; an on-platform supplier
answers with the Excel questionnaire or the web form, a PACT partner through PACT. Either way
the answer lands as a received footprint, which a study uses with ``factor:
supplier:<source>/<product id>``; a study whose newest result used a footprint that a newer
version has since replaced says ``recalculation_needed``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tanzuji.accounting.supplier import used_footprints
from tanzuji.exchange import questionnaire
from tanzuji.exchange.pact_client import PactClientError, fetch_partner, send_request
from tanzuji.server import policy
from tanzuji.server.api.common import StudyId, attachment, readable_study
from tanzuji.server.deps import Principal, platform, require, settings_of
from tanzuji.server.errors import ApiError, forbidden, not_found
from tanzuji.store.supply_db import SupplyDB, SupplyError

router = APIRouter(tags=["supply"])
partners_router = APIRouter(tags=["pact"])

RequestId = Annotated[str, Path(min_length=1, max_length=64, description="a request's id")]
PartnerName = Annotated[str, Path(min_length=1, max_length=100, description="a partner's name")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_QUESTIONNAIRE_BYTES = 2 * 1024 * 1024


def supply_db(request: Request) -> SupplyDB:
    """The supply store on the server's engine, with the server's key folder."""
    return SupplyDB(platform(request).engine, settings_of(request).key_dir)


def _error(exc: SupplyError) -> ApiError:
    status = {"not_found": 404, "conflict": 409}.get(exc.code, 422)
    return ApiError(status, exc.code, str(exc), exc.field)


class RequestItem(BaseModel):
    supplier_id: str | None = Field(None, max_length=100,
                                    description="an on-platform supplier organisation")
    partner: str | None = Field(None, max_length=100, description="a PACT partner's name")
    product_ids: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        min_length=1, max_length=50)
    product_name: str | None = Field(None, max_length=300)
    comment: str | None = Field(None, max_length=2000)
    due_on: dt.date | None = None


class RequestsIn(BaseModel):
    requests: list[RequestItem] = Field(min_length=1, max_length=200)


class RequestOut(BaseModel):
    id: str
    customer_id: str | None
    supplier_id: str | None
    partner: str | None
    product_ids: list[str]
    product_name: str
    comment: str | None
    due_on: dt.date | None
    status: Literal["pending", "fulfilled", "rejected", "overdue"]
    error: dict[str, str] | None
    pf_id: str | None
    created_by: str
    created_at: dt.datetime
    answered_at: dt.datetime | None


class FootprintOut(BaseModel):
    pf_id: str
    source: str
    request_id: str | None
    product_ids: list[str]
    product_name: str | None
    company_name: str | None
    value: str | None = Field(description="pcfExcludingBiogenicUptake, kg CO2e")
    declared_unit: str | None
    declared_unit_amount: str | None
    preceding_pf_ids: list[str]
    superseded_by: str | None
    status: str
    primary_data_share: float | None
    dqi: dict[str, Any] | None
    verification: dict[str, Any] | None
    received_at: dt.datetime
    reference: str = Field(description="what a study input writes: factor: supplier:…")
    document: dict[str, Any]


class RejectIn(BaseModel):
    message: str = Field(min_length=1, max_length=2000)


class UsedFootprint(BaseModel):
    factor: str
    pf_id: str
    superseded_by: str | None


class StudySupplierFootprints(BaseModel):
    recalculation_needed: bool
    footprints: list[UsedFootprint]


def _footprint_out(view: dict[str, Any]) -> FootprintOut:
    key = view["product_ids"][0] if view["product_ids"] else view["pf_id"]
    return FootprintOut(**{k: v for k, v in view.items() if k != "customer_id"},
                        reference=f"supplier:{view['source']}/{key}")


def _visible_request(db: SupplyDB, request_id: str, user: Principal) -> dict[str, Any]:
    try:
        found = db.request(request_id)
    except SupplyError:
        raise not_found(f"request {request_id}", "request_id") from None
    if not policy.can_see_request(user, found["customer_id"], found["supplier_id"]):
        raise not_found(f"request {request_id}", "request_id")
    return found


def _answerable(db: SupplyDB, request_id: str, user: Principal) -> dict[str, Any]:
    found = _visible_request(db, request_id, user)
    if not policy.can_answer_request(user, found["supplier_id"]):
        raise forbidden("only the supplier's members answer a request")
    return found


# -- requests ----------------------------------------------------------------------------------


@router.post("/supply/requests", response_model=list[RequestOut], status_code=201,
             summary="Ask suppliers for product footprints (several at once)")
def create_requests(body: RequestsIn, request: Request,
                    user: Annotated[Principal, Depends(require(*policy.CUSTOMER_ROLES))]
                    ) -> list[dict[str, Any]]:
    if not policy.can_request_footprints(user):
        raise forbidden("requests are sent for an organisation")
    organisations = {o["id"] for o in platform(request).organisations()}
    for i, item in enumerate(body.requests):
        if item.supplier_id is not None and item.supplier_id not in organisations:
            raise not_found(f"organisation {item.supplier_id!r}", f"requests[{i}].supplier_id")
    db = supply_db(request)
    try:
        ids = db.add_requests(user.organisation_id,
                              [item.model_dump() for item in body.requests], user.username)
    except SupplyError as exc:
        raise _error(exc) from None
    source = settings_of(request).public_base_url
    for rid in ids:
        if db.request(rid)["partner"] is not None:
            try:
                send_request(db, rid, source)
            except (PactClientError, SupplyError) as exc:
                db.set_error(rid, {"code": "not_sent", "message": str(exc)})
    return [db.request(rid) for rid in ids]


@router.get("/supply/requests", response_model=list[RequestOut],
            summary="Requests my organisation sent, with their status")
def sent(request: Request,
         user: Annotated[Principal, Depends(require(*policy.CUSTOMER_ROLES))]
         ) -> list[dict[str, Any]]:
    if not policy.can_request_footprints(user):
        return []
    return supply_db(request).requests(customer_id=user.organisation_id)


@router.get("/supply/requests/incoming", response_model=list[RequestOut],
            summary="Requests customers sent to my organisation")
def incoming(request: Request,
             user: Annotated[Principal, Depends(require(*policy.MEMBER_ROLES))]
             ) -> list[dict[str, Any]]:
    if user.organisation_id is None:
        return []
    return supply_db(request).requests(supplier_id=user.organisation_id)


@router.get("/supply/requests/{request_id}", response_model=RequestOut,
            summary="One request")
def one_request(request_id: RequestId, request: Request,
                user: Annotated[Principal, Depends(require())]) -> dict[str, Any]:
    return _visible_request(supply_db(request), request_id, user)


@router.get("/supply/requests/{request_id}/questionnaire", response_class=Response,
            responses={200: {"content": {XLSX: {}}}},
            summary="The Excel questionnaire of a request (zh or en)")
def questionnaire_file(request_id: RequestId, request: Request,
                       user: Annotated[Principal, Depends(require())],
                       lang: Annotated[Literal["en", "zh"], Query()] = "en") -> Response:
    found = _visible_request(supply_db(request), request_id, user)
    content = questionnaire.make_questionnaire(found, lang)
    return Response(content, media_type=XLSX,
                    headers=attachment(f"questionnaire-{request_id[:8]}-{lang}.xlsx"))


def _publish(db: SupplyDB, request_id: str, answers: dict[str, Any],
             user: Principal) -> FootprintOut:
    try:
        pf = questionnaire.publish_answer(db, request_id, answers, user.username)
    except questionnaire.QuestionnaireError as exc:
        raise _questionnaire_error(exc) from None
    except SupplyError as exc:
        raise _error(exc) from None
    request = db.request(request_id)
    return _footprint_out(next(f for f in db.footprints(request["customer_id"])
                               if f["pf_id"] == str(pf.id)))


def _questionnaire_error(exc: questionnaire.QuestionnaireError) -> ApiError:
    first = exc.problems[0]
    return ApiError(422, "questionnaire", str(first), first.field, problems=[
        {"code": "questionnaire", "message": p.message, "sheet": p.sheet, "cell": p.cell,
         "field": p.field} for p in exc.problems])


@router.post("/supply/requests/{request_id}/questionnaire", response_model=FootprintOut,
             status_code=201, summary="Answer a request with the filled questionnaire")
async def upload_questionnaire(request_id: RequestId, request: Request,
                               user: Annotated[Principal, Depends(require())],
                               file: Annotated[UploadFile, File()]) -> FootprintOut:
    db = supply_db(request)
    _answerable(db, request_id, user)
    data = await file.read(MAX_QUESTIONNAIRE_BYTES + 1)
    if len(data) > MAX_QUESTIONNAIRE_BYTES:
        raise ApiError(413, "too_large", f"larger than {MAX_QUESTIONNAIRE_BYTES} bytes", "file")
    try:
        answers = questionnaire.read_questionnaire(data, request_id)
    except questionnaire.QuestionnaireError as exc:
        raise _questionnaire_error(exc) from None
    return _publish(db, request_id, answers, user)


@router.post("/supply/requests/{request_id}/answer", response_model=FootprintOut,
             status_code=201, summary="Answer a request with the web form's fields")
def answer_form(request_id: RequestId, request: Request,
                user: Annotated[Principal, Depends(require())],
                body: Annotated[dict[str, str | float | None], Body()]) -> FootprintOut:
    db = supply_db(request)
    found = _answerable(db, request_id, user)
    try:
        answers = questionnaire.read_form({**body, "request_id": found["id"]}, request_id)
    except questionnaire.QuestionnaireError as exc:
        raise _questionnaire_error(exc) from None
    return _publish(db, request_id, answers, user)


@router.post("/supply/requests/{request_id}/reject", response_model=RequestOut,
             summary="Decline a request, saying why")
def reject(request_id: RequestId, body: RejectIn, request: Request,
           user: Annotated[Principal, Depends(require())]) -> dict[str, Any]:
    db = supply_db(request)
    _answerable(db, request_id, user)
    try:
        db.mark_rejected(request_id, {"code": "Declined", "message": body.message},
                         user.username)
    except SupplyError as exc:
        raise _error(exc) from None
    return db.request(request_id)


# -- received footprints and the studies using them ---------------------------------------------


@router.get("/supply/footprints", response_model=list[FootprintOut],
            summary="Footprints my organisation received from suppliers")
def received(request: Request,
             user: Annotated[Principal, Depends(require(*policy.CUSTOMER_ROLES))]
             ) -> list[FootprintOut]:
    if not policy.can_request_footprints(user):
        return []
    return [_footprint_out(f) for f in supply_db(request).footprints(user.organisation_id)]


def study_supplier_footprints(db: SupplyDB, result: dict[str, Any] | None
                              ) -> StudySupplierFootprints:
    """Which received footprints a study's newest result used, and whether any has a newer
    version (then the study needs recalculating)."""
    used = used_footprints((result or {}).get("provenance", {}).get("factors", []))
    newer = db.superseding(used.values())
    items = [UsedFootprint(factor=f, pf_id=pf, superseded_by=newer.get(pf))
             for f, pf in sorted(used.items())]
    return StudySupplierFootprints(recalculation_needed=bool(newer), footprints=items)


@router.get("/studies/{study_id}/supplier-footprints", response_model=StudySupplierFootprints,
            summary="Supplier footprints the study's newest result used; recalculation needed?")
def study_footprints(study_id: StudyId, request: Request,
                     user: Annotated[Principal, Depends(require())]
                     ) -> StudySupplierFootprints:
    db = platform(request)
    readable_study(db, study_id, user)
    return study_supplier_footprints(supply_db(request), db.latest_result(study_id))


# -- PACT partners ---------------------------------------------------------------------------------


class PartnerIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[^/]+$")
    base_url: str = Field(min_length=8, max_length=500)
    client_id: str = Field(min_length=1, max_length=200)
    client_secret: str = Field(min_length=1, max_length=500)
    token_url: str | None = Field(None, max_length=500)


class PartnerOut(BaseModel):
    name: str
    base_url: str
    token_url: str | None
    client_id: str
    created_by: str
    created_at: dt.datetime


class FetchOut(BaseModel):
    received: list[str]
    known: list[str]
    fulfilled: list[str]


def _admin(user: Principal) -> None:
    if not policy.can_manage_partners(user):
        raise forbidden("PACT partners are managed by an organisation's administrators")


def _own_partner(db: SupplyDB, name: str, user: Principal) -> None:
    try:
        partner = db.partner(name)
    except SupplyError:
        raise not_found(f"partner {name!r}", "name") from None
    if partner.organisation_id != user.organisation_id:
        raise not_found(f"partner {name!r}", "name")


@partners_router.get("/pact/partners", response_model=list[PartnerOut],
                     summary="My organisation's PACT partners (never their secrets)")
def partners(request: Request, user: Annotated[Principal, Depends(require("org_admin"))]
             ) -> list[dict[str, Any]]:
    _admin(user)
    return [p.to_dict() for p in supply_db(request).partners(user.organisation_id)]


@partners_router.post("/pact/partners", response_model=PartnerOut, status_code=201,
                      summary="Add a supplier's PACT endpoint and our credentials there")
def add_partner(body: PartnerIn, request: Request,
                user: Annotated[Principal, Depends(require("org_admin"))]) -> dict[str, Any]:
    _admin(user)
    try:
        partner = supply_db(request).add_partner(
            body.name, body.base_url, body.client_id, body.client_secret, by=user.username,
            organisation_id=user.organisation_id, token_url=body.token_url)
    except SupplyError as exc:
        raise _error(exc) from None
    return partner.to_dict()


@partners_router.delete("/pact/partners/{name}", status_code=204,
                        summary="Forget a partner (what it sent stays)")
def remove_partner(name: PartnerName, request: Request,
                   user: Annotated[Principal, Depends(require("org_admin"))]) -> Response:
    _admin(user)
    db = supply_db(request)
    _own_partner(db, name, user)
    db.remove_partner(name)
    return Response(status_code=204)


@partners_router.post("/pact/partners/{name}/fetch", response_model=FetchOut,
                      summary="Fetch the partner's footprints now")
def fetch(name: PartnerName, request: Request,
          user: Annotated[Principal, Depends(require("org_admin"))]) -> FetchOut:
    _admin(user)
    db = supply_db(request)
    _own_partner(db, name, user)
    try:
        got = fetch_partner(db, name, by=user.username)
    except PactClientError as exc:
        raise ApiError(502, "partner_failed", str(exc), "name") from None
    return FetchOut(received=got.received, known=got.known, fulfilled=got.fulfilled)

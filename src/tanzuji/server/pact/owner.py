"""The data owner's PACT API under /api/pact: publish a study's footprint
(:mod:`.publishing`), list, deprecate, release to recipients, the organisation's PACT rules,
and the requests clients sent, answered with events (:mod:`.answers`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Body, Depends, Path, Request
from pydantic import BaseModel, Field

from tanzuji.server import policy
from tanzuji.server.api.common import editable_study, latest_result
from tanzuji.server.deps import Principal, platform, require, settings_of
from tanzuji.server.errors import ApiError, forbidden, not_found
from tanzuji.server.pact import answers, filters, publishing
from tanzuji.server.pact.host import config_of, pact_db
from tanzuji.store.pact_db import PactDB, PactError

router = APIRouter(prefix="/pact", tags=["PACT publications"])
Member = Annotated[Principal, Depends(require())]
PubId = Annotated[str, Path(max_length=36, description="a footprint id (UUID)")]
RequestId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class RecipientIn(BaseModel):
    kind: Literal["organisation", "client"] = "organisation"
    recipient: str = Field(min_length=1, max_length=100)


class PublishIn(BaseModel):
    study_id: int = Field(ge=1, le=2**31 - 1)
    recipients: list[RecipientIn] = Field(default_factory=list, max_length=200)
    info: dict[str, Any] | None = Field(
        None, description="declaration info (company_ids, product_ids, …) instead of the "
                          "STUDY.declaration.yaml uploaded with the study")


class PolicyIn(BaseModel):
    require_certificate: bool = False
    auto_answer: bool = False


class FulfilIn(BaseModel):
    publication_ids: list[str] = Field(min_length=1, max_length=100)


class RejectIn(BaseModel):
    code: str = Field("NotFound", min_length=1, max_length=100)
    message: str = Field(min_length=1, max_length=2000)


def _store_error(exc: PactError) -> ApiError:
    status = {"not_found": 404, "conflict": 409, "not_certified": 409}.get(exc.code, 422)
    return ApiError(status, exc.code, str(exc), exc.field)


def _own(db: PactDB, pub_id: str, user: Principal, publish: bool) -> dict[str, Any]:
    pub = db.publication(pub_id)
    if pub is None:
        raise not_found(f"publication {pub_id}", "id")
    allowed = (policy.can_publish_pact if publish else policy.can_see_pact)(
        user, pub["organisation_id"])
    if not allowed:
        raise forbidden("only the data owner's members see and manage its publications")
    return pub


@router.post("/publications", status_code=201,
             summary="Publish a study's stored result as a PACT v3 footprint (a new id; the "
                     "study's previous footprint is deprecated and named in precedingPfIds)")
def publish(body: PublishIn, request: Request, user: Member,
            tasks: BackgroundTasks) -> dict[str, Any]:
    db, store = platform(request), pact_db(request)
    study = editable_study(db, body.study_id, user)
    if not policy.can_publish_pact(user, study["organisation_id"]):
        raise forbidden("only the data owner's members publish its footprints")
    try:
        pub = publishing.publish_study(
            db, store, study, latest_result(db, body.study_id), info=body.info,
            recipients=[(r.kind, r.recipient) for r in body.recipients], by=user.username)
    except PactError as exc:
        raise _store_error(exc) from None
    announce(request, store, tasks, [pub["id"]])
    return pub


def announce(request: Request, store: PactDB, tasks: BackgroundTasks,
              pub_ids: list[str]) -> None:
    """Tell the recipients' systems after the answer is sent (PublishedEvent)."""
    tasks.add_task(answers.notify_published, config_of(request),
                   settings_of(request).public_base_url, store, pub_ids)


@router.get("/publications", summary="My organisation's PACT publications")
def publications(request: Request, user: Member) -> list[dict[str, Any]]:
    if user.organisation_id is None or not policy.can_see_pact(user, user.organisation_id):
        raise forbidden("PACT publications belong to an organisation's members")
    return pact_db(request).publications(user.organisation_id)


@router.get("/publications/{pub_id}", summary="One publication, its recipients and document")
def publication(pub_id: PubId, request: Request, user: Member) -> dict[str, Any]:
    return _own(pact_db(request), pub_id, user, publish=False)


@router.post("/publications/{pub_id}/deprecate", summary="Mark a footprint Deprecated")
def deprecate(pub_id: PubId, request: Request, user: Member) -> dict[str, Any]:
    store = pact_db(request)
    _own(store, pub_id, user, publish=True)
    try:
        return store.deprecate(pub_id, user.username)
    except PactError as exc:
        raise _store_error(exc) from None


@router.post("/publications/{pub_id}/recipients",
             summary="Release a footprint to an organisation or a PACT client")
def grant(pub_id: PubId, body: RecipientIn, request: Request, user: Member,
          tasks: BackgroundTasks) -> dict[str, Any]:
    store = pact_db(request)
    _own(store, pub_id, user, publish=True)
    try:
        granted = store.grant(pub_id, body.kind, body.recipient, user.username)
    except PactError as exc:
        raise _store_error(exc) from None
    announce(request, store, tasks, [pub_id])
    return granted


@router.delete("/publications/{pub_id}/recipients/{kind}/{recipient}",
               summary="Withdraw a recipient's access to a footprint")
def revoke(pub_id: PubId, kind: Literal["organisation", "client"],
           recipient: Annotated[str, Path(max_length=100)], request: Request,
           user: Member) -> dict[str, Any]:
    store = pact_db(request)
    _own(store, pub_id, user, publish=True)
    try:
        return store.revoke(pub_id, kind, recipient, user.username)
    except PactError as exc:
        raise _store_error(exc) from None


@router.get("/policy", summary="My organisation's PACT rules")
def get_policy(request: Request, user: Member) -> dict[str, Any]:
    if user.organisation_id is None or not policy.can_see_pact(user, user.organisation_id):
        raise forbidden("an organisation's PACT rules are seen by its members")
    return {"organisation_id": user.organisation_id,
            **pact_db(request).policy(user.organisation_id)}


@router.put("/policy", summary="My organisation's PACT rules: publish only certified results; "
            "answer requests automatically with the footprints already released")
def set_policy(body: PolicyIn, request: Request, user: Member) -> dict[str, Any]:
    if user.organisation_id is None or not policy.can_set_pact_policy(user,
                                                                      user.organisation_id):
        raise forbidden("the organisation admin sets the PACT rules")
    pact_db(request).set_policy(user.organisation_id, user.username,
                                require_certificate=body.require_certificate,
                                auto_answer=body.auto_answer)
    return {"organisation_id": user.organisation_id, **body.model_dump()}


@router.get("/requests", summary="Footprint requests PACT clients sent my organisation")
def requests(request: Request, user: Member) -> list[dict[str, Any]]:
    if user.organisation_id is None or not policy.can_see_pact(user, user.organisation_id):
        raise forbidden("requests are seen by the data owner's members")
    return pact_db(request).requests_for(user.organisation_id)


def _my_request(store: PactDB, request_id: int, user: Principal) -> dict[str, Any]:
    org = user.organisation_id
    if org is None or not policy.can_publish_pact(user, org):
        raise forbidden("the data owner's members answer requests")
    found = next((r for r in store.requests_for(org) if r["id"] == request_id), None)
    if found is None:
        raise not_found(f"request {request_id}", "request_id")
    return found


def _send(request: Request, store: PactDB, req: dict[str, Any],
          message: tuple[str, dict[str, Any]], state: str, user: Principal) -> dict[str, Any]:
    """Deliver the answer; a failed delivery leaves the request pending (502)."""
    try:
        answered, error = answers.answer(config_of(request),
                                         settings_of(request).public_base_url, store, req,
                                         *message, state, user.username)
    except PactError as exc:
        raise _store_error(exc) from None
    if error is not None:
        raise ApiError(502, "delivery_failed", f"the answer could not be delivered: {error}; "
                       "the request stays pending", "request_id")
    return answered


@router.post("/requests/{request_id}/fulfil",
             summary="Answer a request with my footprints (RequestFulfilledEvent); they are "
                     "released to the requesting client")
def fulfil(request_id: RequestId, body: FulfilIn, request: Request,
           user: Member) -> dict[str, Any]:
    store = pact_db(request)
    req = _my_request(store, request_id, user)
    if req["state"] != "pending":
        raise ApiError(409, "conflict", f"request {request_id} is already {req['state']}",
                       "request_id")
    docs = []
    for pub_id in dict.fromkeys(body.publication_ids):
        pub = store.publication(pub_id)
        if pub is None or pub["organisation_id"] != user.organisation_id:
            raise not_found(f"publication {pub_id} of your organisation", "publication_ids")
        docs.append(pub["document"])
    criteria = filters.from_event(req["criteria"])
    if not any(filters.matches(d, criteria) for d in docs):
        raise ApiError(422, "no_match", "none of these footprints meets the request's "
                       "criteria", "publication_ids")
    answered = _send(request, store, req, answers.fulfilled(req, docs), "fulfilled", user)
    for pub_id in dict.fromkeys(body.publication_ids):
        store.grant(pub_id, "client", req["client_id"], user.username)
    return answered


@router.post("/requests/{request_id}/reject", summary="Reject a request (RequestRejectedEvent)")
def reject(request_id: RequestId, request: Request, user: Member,
           body: Annotated[RejectIn, Body()]) -> dict[str, Any]:
    store = pact_db(request)
    req = _my_request(store, request_id, user)
    if req["state"] != "pending":
        raise ApiError(409, "conflict", f"request {request_id} is already {req['state']}",
                       "request_id")
    return _send(request, store, req, answers.rejected(req, body.code, body.message),
                 "rejected", user)

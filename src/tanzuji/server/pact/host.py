"""The PACT v3 host actions at the root of the app: Authenticate (``/auth/token`` and OpenID
discovery with the JWKS), ListFootprints and GetFootprint (``/3/footprints``) and Events
(``/3/events``). HTTPS only, unless ``TANZUJI_PACT_ALLOW_HTTP`` is set for local tests.

Tokens are EdDSA JWTs signed with the platform key (audience ``tanzuji-pact``); every use
checks that the client is still active, so revoking a client ends its tokens too.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from tanzuji.exchange.pact import ProductFootprint
from tanzuji.exchange.pact_client import record_answer
from tanzuji.server import policy
from tanzuji.server.api.supply_requests import supply_db
from tanzuji.server.deps import platform, settings_of
from tanzuji.server.pact import filters
from tanzuji.server.pact.answers import auto_answer
from tanzuji.server.pact.callbacks import EVENT_TYPES, events_url
from tanzuji.server.pact.config import PactConfig
from tanzuji.server.pact.errors import OAuthError, PactApiError
from tanzuji.signing import SigningKeyError, signing_key
from tanzuji.store.pact_db import ClientView, PactDB, PactError
from tanzuji.store.supply_db import SupplyError

AUDIENCE = "tanzuji-pact"
SCOPES = ("footprint:list", "footprint:read")
MAX_LIMIT = 1000

router = APIRouter(tags=["PACT v3 host"])


def config_of(request: Request) -> PactConfig:
    config: PactConfig = request.app.state.pact
    return config


def pact_db(request: Request) -> PactDB:
    return PactDB(platform(request).engine, settings_of(request).key_dir)


def _https(request: Request) -> bool:
    """The scheme uvicorn saw (X-Forwarded-Proto counts only from its trusted proxies)."""
    return request.url.scheme == "https" or config_of(request).allow_http


def https_only(request: Request) -> None:
    if not _https(request):
        raise PactApiError(400, "BadRequest", "the PACT API is served over HTTPS only")


def issuer(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


# -- Authenticate ------------------------------------------------------------------------------


def _basic(header: str) -> tuple[str, str] | None:
    if not header.lower().startswith("basic "):
        return None
    try:
        text = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = text.partition(":")
    return (client_id, secret) if sep else None


def _signing(request: Request) -> Any:
    try:
        return signing_key(settings_of(request).key_dir)
    except SigningKeyError:
        raise PactApiError(500, "InternalError", "the host has no signing key") from None


@router.post("/auth/token", summary="PACT Action Authenticate: OAuth2 client credentials "
             "(HTTP Basic client authentication, form-encoded grant_type=client_credentials)")
async def token(request: Request) -> JSONResponse:
    if not _https(request):
        raise OAuthError(400, "invalid_request", "the token endpoint is served over HTTPS only")
    if not request.headers.get("content-type", "").lower().startswith(
            "application/x-www-form-urlencoded"):
        raise OAuthError(400, "invalid_request",
                         "send the request form-encoded (application/x-www-form-urlencoded)")
    form = await request.form()
    grant = form.get("grant_type")
    if not isinstance(grant, str) or not grant:
        raise OAuthError(400, "invalid_request", "grant_type is missing")
    if grant != "client_credentials":
        raise OAuthError(400, "unsupported_grant_type",
                         "only grant_type=client_credentials is supported")
    credentials = _basic(request.headers.get("authorization", ""))
    if credentials is None:
        form_id, form_secret = form.get("client_id"), form.get("client_secret")
        if isinstance(form_id, str) and isinstance(form_secret, str):
            credentials = form_id, form_secret
    challenge = {"WWW-Authenticate": 'Basic realm="pact"'}
    if credentials is None:
        raise OAuthError(401, "invalid_client", "authenticate the client with HTTP Basic",
                         challenge)
    settings = settings_of(request)
    try:
        client = pact_db(request).authenticate(
            *credentials, request.client.host if request.client else "unknown",
            max_failures=settings.login_max_failures,
            window_seconds=settings.login_window_seconds)
    except PactError:
        raise OAuthError(429, "invalid_request", "too many failed token requests; try again "
                         "later", {"Retry-After": str(settings.login_window_seconds)}) from None
    if client is None:
        raise OAuthError(401, "invalid_client", "unknown client or wrong secret", challenge)
    seconds = config_of(request).token_minutes * 60
    now = dt.datetime.now(dt.UTC)
    claims = {"sub": client.client_id, "aud": AUDIENCE, "iss": issuer(request), "iat": now,
              "exp": now + dt.timedelta(seconds=seconds), "scope": " ".join(SCOPES),
              "jti": uuid.uuid4().hex}
    access = jwt.encode(claims, _signing(request), algorithm="EdDSA",
                        headers={"kid": _kid(request)})
    return JSONResponse({"access_token": access, "token_type": "bearer", "expires_in": seconds,
                         "scope": " ".join(SCOPES)}, headers={"Cache-Control": "no-store"})


def _raw_public(request: Request) -> bytes:
    return bytes(_signing(request).public_key().public_bytes(serialization.Encoding.Raw,
                                                             serialization.PublicFormat.Raw))


def _kid(request: Request) -> str:
    return hashlib.sha256(_raw_public(request)).hexdigest()[:16]


@router.get("/.well-known/openid-configuration",
            summary="OpenID Connect discovery of the token endpoint (PACT 2.1+)")
def discovery(request: Request) -> JSONResponse:
    https_only(request)
    base = issuer(request)
    return JSONResponse({
        "issuer": base, "token_endpoint": f"{base}/auth/token",
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "response_types_supported": ["token"], "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["EdDSA"],
        "scopes_supported": list(SCOPES),
    })


@router.get("/.well-known/jwks.json", summary="The Ed25519 key that signs PACT access tokens")
def jwks(request: Request) -> JSONResponse:
    https_only(request)
    x = base64.urlsafe_b64encode(_raw_public(request)).rstrip(b"=").decode()
    return JSONResponse({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": x,
                                   "kid": _kid(request), "use": "sig", "alg": "EdDSA"}]})


def pact_client(request: Request) -> ClientView:
    """The caller of a /3 action: HTTPS, a valid unexpired token of an active client."""
    https_only(request)
    challenge = {"WWW-Authenticate": 'Bearer realm="pact"'}
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise PactApiError(401, "BadRequest", "send a Bearer token from /auth/token", challenge)
    public = _signing(request).public_key()
    try:
        claims = jwt.decode(header[7:].strip(), public, algorithms=["EdDSA"], audience=AUDIENCE)
    except jwt.ExpiredSignatureError:
        raise PactApiError(401, "TokenExpired", "the access token has expired; get a new one",
                           challenge) from None
    except jwt.PyJWTError:
        raise PactApiError(401, "BadRequest", "the access token is invalid", challenge) from None
    client = pact_db(request).client(str(claims.get("sub")))
    if client is None or not client.active:
        raise PactApiError(401, "BadRequest", "the client of this token was revoked", challenge)
    return client


Client = Annotated[ClientView, Depends(pact_client)]


# -- ListFootprints, GetFootprint --------------------------------------------------------------


def _int(text: str, name: str, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise PactApiError(400, "BadRequest", f"{name}={text!r} is not an integer") from None
    if value < low:
        raise PactApiError(400, "BadRequest", f"{name} must be at least {low}")
    return value


@router.get("/3/footprints", summary="PACT Action ListFootprints: the footprints released to "
            "the client, filtered and paginated (Link: rel=next)")
def list_footprints(request: Request, client: Client) -> JSONResponse:
    params = request.query_params
    limit = _int(params["limit"], "limit", 1) if "limit" in params else MAX_LIMIT
    offset = _int(params["offset"], "offset", 0) if "offset" in params else 0
    try:
        criteria = filters.from_query(params.multi_items())
    except filters.FilterError as exc:
        raise PactApiError(400, "BadRequest", str(exc)) from None
    docs = [d for d in pact_db(request).visible(client) if filters.matches(d, criteria)]
    page = docs[offset:offset + min(limit, MAX_LIMIT)]
    headers = {}
    if offset + len(page) < len(docs):
        kept = [(k, v) for k, v in params.multi_items() if k != "offset"]
        target = request.url.replace(query=urlencode([*kept, ("offset", str(offset
                                                                         + len(page)))]))
        headers["Link"] = f'<{target}>; rel="next"'
    return JSONResponse({"data": page}, headers=headers)


@router.get("/3/footprints/{pf_id}", summary="PACT Action GetFootprint")
def get_footprint(pf_id: str, request: Request, client: Client) -> JSONResponse:
    try:
        key = str(uuid.UUID(pf_id))
    except ValueError:
        raise PactApiError(400, "BadRequest", f"{pf_id!r} is not a footprint id (UUID)") \
            from None
    exists, doc = pact_db(request).footprint(key, client)
    if not exists:
        raise PactApiError(404, "NotFound", f"no footprint {key}")
    if doc is None:
        raise PactApiError(403, "AccessDenied", "the data owner has not released this "
                           "footprint to you")
    return JSONResponse({"data": doc})


# -- Events ------------------------------------------------------------------------------------


def _bad(message: str) -> PactApiError:
    return PactApiError(400, "BadRequest", message)


def _envelope(body: bytes) -> dict[str, Any]:
    """A CloudEvents 1.0 structured-mode event with the fields PACT v3 requires."""
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise _bad("the body is not JSON") from None
    if not isinstance(event, dict):
        raise _bad("the event must be a JSON object")
    if event.get("specversion") != "1.0":
        raise _bad("specversion must be \"1.0\" (CloudEvents 1.0)")
    for name in ("type", "id", "source", "time"):
        if not isinstance(event.get(name), str) or not event[name].strip():
            raise _bad(f"the event needs a non-empty string {name!r}")
    try:
        filters.parse_time(event["time"], "time")
    except filters.FilterError as exc:
        raise _bad(str(exc)) from None
    if not isinstance(event.get("data"), dict):
        raise _bad("the event's data must be an object")
    if event["type"] not in EVENT_TYPES.values():
        raise _bad(f"unknown event type {event['type']!r}; this host handles "
                   + ", ".join(EVENT_TYPES.values()))
    return event


def _published(data: dict[str, Any]) -> None:
    ids = data.get("pfIds")
    if not isinstance(ids, list) or not ids:
        raise _bad("data.pfIds must be a non-empty list of footprint ids")
    for value in ids:
        try:
            uuid.UUID(str(value))
        except ValueError:
            raise _bad(f"data.pfIds: {value!r} is not a UUID") from None


def _fulfilled(data: dict[str, Any]) -> None:
    if not isinstance(data.get("requestEventId"), str):
        raise _bad("data.requestEventId must be the id of the request event")
    pfs = data.get("pfs")
    if not isinstance(pfs, list) or not pfs:
        raise _bad("data.pfs must be a non-empty list of footprints")
    for i, pf in enumerate(pfs):
        try:
            ProductFootprint.model_validate(pf)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(map(str, first["loc"]))
            raise _bad(f"data.pfs[{i}].{where}: {first['msg']}") from None


def _rejected(data: dict[str, Any]) -> None:
    if not isinstance(data.get("requestEventId"), str):
        raise _bad("data.requestEventId must be the id of the request event")
    error = data.get("error")
    if not (isinstance(error, dict) and isinstance(error.get("code"), str)
            and isinstance(error.get("message"), str)):
        raise _bad("data.error must be an object with code and message")


@router.post("/3/events", summary="PACT Action Events: CloudEvents 1.0 (structured mode, "
             "application/cloudevents+json); 200 with an empty body when accepted")
async def events(request: Request, client: Client) -> Response:
    tasks = BackgroundTasks()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/cloudevents+json", "application/json"):
        raise _bad("send the event as application/cloudevents+json")
    body = await request.body()
    if len(body) > settings_of(request).max_upload_bytes:
        raise _bad("the event is larger than this host accepts")
    event = _envelope(body)
    db, data = pact_db(request), event["data"]
    if event["type"] == EVENT_TYPES["created"]:
        try:
            criteria = filters.from_event(data)
        except filters.FilterError as exc:
            raise _bad(str(exc)) from None
        registered = events_url(client.base_url) if client.base_url else None
        if not policy.pact_source_allowed(registered, events_url(event["source"])):
            raise PactApiError(403, "AccessDenied", "the event's source is not the events "
                               "address registered for this client; the host calls back only "
                               "registered addresses")
        comment = data.get("comment")
        request_id, new = db.add_request(
            client.client_id, event["id"], event["source"],
            {**criteria.as_json(), **({"comment": comment} if isinstance(comment, str) else {})})
        if new and client.owner_id is not None and db.policy(client.owner_id)["auto_answer"]:
            tasks.add_task(auto_answer, config_of(request),
                           settings_of(request).public_base_url, db, request_id,
                           client.owner_id)
        return Response(status_code=200, background=tasks)
    check = {EVENT_TYPES["published"]: _published, EVENT_TYPES["fulfilled"]: _fulfilled,
             EVENT_TYPES["rejected"]: _rejected}[event["type"]]
    check(data)
    db.add_event(client.client_id, event["type"], event["id"], event["source"], data)
    if event["type"] != EVENT_TYPES["published"]:
        _answer_to_our_request(request, event)
    return Response(status_code=200)


def _answer_to_our_request(request: Request, event: dict[str, Any]) -> None:
    """A fulfilment or rejection of a request this platform sent goes to the customer's
    supplier requests (footprints stored, or the request marked rejected). An answer to a
    request we never sent stays only in the event log: the sender is still answered 200."""
    try:
        record_answer(supply_db(request), event)
    except SupplyError as exc:
        if exc.code != "not_found":
            raise PactApiError(400, "BadRequest", str(exc)) from None

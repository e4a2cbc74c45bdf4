"""The PACT v3 host against the spec: every action and error case, the conformance tool's
v3 test list (pact.md §7, "TCn" below) where it applies to a host, and every answer
validated against the spec's own JSON schemas."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
from fastapi.testclient import TestClient

from tanzuji.signing import signing_key
from tanzuji.store.pact_db import PactDB
from tests.exchange.schemas import CONFORMANCE, schema_files, validator
from tests.server.pact.conftest import PARTNER, PactWorld, basic

CREATED = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"
PUBLISHED = "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"
FULFILLED = "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3"
REJECTED = "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"


def schema_errors(doc: Any, name: str) -> list[str]:
    return [f"{path.name}: {e.message}" for path in schema_files()
            for e in validator(path, name).iter_errors(doc)]


def valid_list(body: dict[str, Any]) -> list[dict[str, Any]]:
    assert isinstance(body["data"], list)
    for pf in body["data"]:
        assert schema_errors(pf, "ProductFootprint") == []
    return body["data"]


def pact_error(r: Any, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code
    assert schema_errors(body, "Error") == []


def event(type_: str, data: dict[str, Any], source: str = PARTNER) -> dict[str, Any]:
    return {"specversion": "1.0", "id": str(uuid.uuid4()), "source": source,
            "time": "2026-11-23T10:00:00Z", "type": type_, "data": data}


def post_event(pact: PactWorld, doc: Any, headers: dict[str, str] | None = None,
               content_type: str = "application/cloudevents+json; charset=UTF-8") -> Any:
    return pact.https.post("/3/events", content=json.dumps(doc),
                           headers={**(headers or pact.bearer(pact.parts_client)),
                                    "Content-Type": content_type})


# -- Authenticate ------------------------------------------------------------------------------


def test_token_with_basic_auth(pact: PactWorld) -> None:  # TC1, TC18
    r = pact.https.post("/auth/token", data={"grant_type": "client_credentials"},
                        headers=basic(*pact.parts_client))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"].lower() == "bearer" and body["expires_in"] == 3600
    assert r.headers["cache-control"] == "no-store"


def test_token_with_form_credentials(pact: PactWorld) -> None:
    client_id, secret = pact.parts_client
    r = pact.https.post("/auth/token", data={"grant_type": "client_credentials",
                                             "client_id": client_id, "client_secret": secret})
    assert r.status_code == 200


@pytest.mark.parametrize("credentials", [("pact_nosuch", "x"), ("wrong-secret", None)])
def test_token_bad_credentials(pact: PactWorld, credentials: tuple[str, str | None]) -> None:
    # TC2, TC19: RFC 6749 §5.2 invalid_client
    client_id, secret = credentials
    if secret is None:
        client_id, secret = pact.parts_client[0], "not-the-secret"
    r = pact.https.post("/auth/token", data={"grant_type": "client_credentials"},
                        headers=basic(client_id, secret))
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client" and r.json()["error_description"]
    assert r.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize(("kwargs", "status", "error"), [
    ({"data": {"grant_type": "password"}}, 400, "unsupported_grant_type"),
    ({"data": {}}, 400, "invalid_request"),
    ({"json": {"grant_type": "client_credentials"}}, 400, "invalid_request"),
    ({"data": {"grant_type": "client_credentials"}, "auth": None}, 401, "invalid_client"),
    ({"data": {"grant_type": "client_credentials"},
      "headers": {"Authorization": "Basic !!!"}}, 401, "invalid_client"),
])
def test_token_request_errors(pact: PactWorld, kwargs: dict[str, Any], status: int,
                              error: str) -> None:
    if "auth" not in kwargs and "headers" not in kwargs:
        kwargs = {**kwargs, "headers": basic(*pact.parts_client)}
    kwargs.pop("auth", None)
    r = pact.https.post("/auth/token", **kwargs)
    assert (r.status_code, r.json()["error"]) == (status, error)


def test_discovery_and_jwks_verify_a_token(pact: PactWorld) -> None:
    found = pact.https.get("/.well-known/openid-configuration").json()
    assert found["issuer"] == "https://testserver"
    assert found["token_endpoint"] == "https://testserver/auth/token"
    assert "client_credentials" in found["grant_types_supported"]
    keys = pact.https.get(urlsplit(found["jwks_uri"]).path).json()["keys"]
    token = pact.token(pact.parts_client)
    key = jwt.PyJWK(keys[0])
    assert keys[0]["kid"] == jwt.get_unverified_header(token)["kid"]
    claims = jwt.decode(token, key.key, algorithms=["EdDSA"], audience="tanzuji-pact")
    assert claims["sub"] == pact.parts_client[0]


# -- plain HTTP is refused (TC9, TC10, TC11, TC17) ---------------------------------------------


def test_plain_http_fails(pact: PactWorld) -> None:
    with TestClient(pact.world.app, base_url="http://testserver") as plain:  # type: ignore[arg-type]
        _refused_over_http(pact, plain)


def _refused_over_http(pact: PactWorld, plain: TestClient) -> None:
    bearer = pact.bearer(pact.parts_client)
    r = plain.post("/auth/token", data={"grant_type": "client_credentials"},
                   headers=basic(*pact.parts_client))
    assert r.status_code == 400 and "access_token" not in r.json()
    pf_id = pact.published[1]["id"]
    forwarded = {**bearer, "X-Forwarded-Proto": "https"}  # not from a trusted proxy
    for r in (plain.get("/3/footprints", headers=bearer),
              plain.get(f"/3/footprints/{pf_id}", headers=forwarded),
              plain.post("/3/events", json=event(PUBLISHED, {"pfIds": [pf_id]}),
                         headers=bearer),
              plain.get("/.well-known/openid-configuration")):
        pact_error(r, 400, "BadRequest")


# -- bad, expired and revoked tokens (TC6, TC7, TC16) ------------------------------------------


@pytest.mark.parametrize(("method", "path"), [("GET", "/3/footprints"),
                                              ("GET", "/3/footprints/{id}"),
                                              ("POST", "/3/events")])
def test_bogus_token(pact: PactWorld, method: str, path: str) -> None:
    url = path.format(id=pact.published[1]["id"])
    for headers in ({"Authorization": "Bearer not-a-token"}, {}):
        r = pact.https.request(method, url, headers=headers, json={})
        pact_error(r, 401, "BadRequest")
        assert r.headers["www-authenticate"].startswith("Bearer")


def test_expired_token(pact: PactWorld) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    token = jwt.encode({"sub": pact.parts_client[0], "aud": "tanzuji-pact", "iat": past,
                        "exp": past + dt.timedelta(hours=1)},
                       signing_key(pact.world.settings.key_dir), algorithm="EdDSA")
    r = pact.https.get("/3/footprints", headers={"Authorization": f"Bearer {token}"})
    pact_error(r, 401, "TokenExpired")


def test_token_of_another_audience(pact: PactWorld) -> None:
    r = pact.world.as_("admin").get("/api/me")
    assert r.status_code == 200
    api = pact.https.post("/api/token", data={"grant_type": "client_credentials",
                                              "client_id": "x", "client_secret": "y"})
    assert api.status_code == 401  # the platform's own clients are not PACT clients
    token = jwt.encode({"sub": pact.parts_client[0], "aud": "tanzuji-api",
                        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)},
                       signing_key(pact.world.settings.key_dir), algorithm="EdDSA")
    r = pact.https.get("/3/footprints", headers={"Authorization": f"Bearer {token}"})
    pact_error(r, 401, "BadRequest")


def test_revoked_client(pact: PactWorld) -> None:
    store = PactDB(pact.world.db.engine, pact.world.settings.key_dir)
    client = store.add_client("Short-lived", organisation_id="parts")
    headers = pact.bearer(client)
    assert pact.https.get("/3/footprints", headers=headers).status_code == 200
    store.revoke_client(client[0])
    pact_error(pact.https.get("/3/footprints", headers=headers), 401, "BadRequest")
    r = pact.https.post("/auth/token", data={"grant_type": "client_credentials"},
                        headers=basic(*client))
    assert (r.status_code, r.json()["error"]) == (401, "invalid_client")


# -- ListFootprints and GetFootprint (TC3, TC4, TC5, TC8) -------------------------------------


def test_list_is_what_was_released(pact: PactWorld) -> None:  # TC4
    r = pact.https.get("/3/footprints", headers=pact.bearer(pact.parts_client))
    assert r.status_code == 200 and "link" not in r.headers
    data = valid_list(r.json())
    assert [pf["id"] for pf in data] == [p["id"] for p in pact.published]
    assert [pf["status"] for pf in data] == ["Deprecated", "Active"]
    assert data[1]["precedingPfIds"] == [data[0]["id"]]
    assert isinstance(data[1]["pcf"]["pcfExcludingBiogenicUptake"], str)
    assert data[1]["specVersion"] == "3.0.3"
    stranger = pact.https.get("/3/footprints", headers=pact.bearer(pact.stranger))
    assert stranger.json() == {"data": []}


def test_get_footprint(pact: PactWorld) -> None:  # TC3
    pf_id = pact.published[0]["id"]
    r = pact.https.get(f"/3/footprints/{pf_id}", headers=pact.bearer(pact.parts_client))
    assert r.status_code == 200
    assert schema_errors(r.json()["data"], "ProductFootprint") == []
    assert r.json()["data"]["id"] == pf_id and r.json()["data"]["status"] == "Deprecated"


def test_get_footprint_errors(pact: PactWorld) -> None:  # TC8
    bearer = pact.bearer(pact.parts_client)
    nil = "00000000-0000-0000-0000-000000000000"
    pact_error(pact.https.get(f"/3/footprints/{nil}", headers=bearer), 404, "NotFound")
    pact_error(pact.https.get("/3/footprints/urn:gtin:1", headers=bearer), 400, "BadRequest")
    hidden = pact.hidden["id"]
    pact_error(pact.https.get(f"/3/footprints/{hidden}", headers=bearer), 403, "AccessDenied")
    pact_error(pact.https.get(f"/3/footprints/{pact.published[0]['id']}",
                              headers=pact.bearer(pact.stranger)), 403, "AccessDenied")


def test_pagination(pact: PactWorld) -> None:  # TC5
    bearer = pact.bearer(pact.parts_client)
    r = pact.https.get("/3/footprints?limit=1&status=active&status=deprecated", headers=bearer)
    assert r.status_code == 200 and len(valid_list(r.json())) == 1
    link = r.headers["link"]
    assert link.startswith("<https://testserver/3/footprints?") and link.endswith('>; rel="next"')
    target = link[1:link.index(">")]
    seen = [r.json()["data"][0]["id"]]
    for _ in range(2):  # a pagination link can be called again
        page = pact.https.get(target, headers=bearer)
        assert page.status_code == 200 and "link" not in page.headers
        assert [pf["id"] for pf in valid_list(page.json())] == [pact.published[1]["id"]]
    seen.append(page.json()["data"][0]["id"])
    assert seen == [p["id"] for p in pact.published]


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "limit=-1", "offset=x",
                                   "validOn=yesterday", "validAfter=1&validAfter=2"])
def test_bad_list_parameters(pact: PactWorld, query: str) -> None:
    r = pact.https.get(f"/3/footprints?{query}", headers=pact.bearer(pact.parts_client))
    pact_error(r, 400, "BadRequest")


def _ids(pact: PactWorld, query: str) -> list[str]:
    r = pact.https.get(f"/3/footprints?{query}", headers=pact.bearer(pact.parts_client))
    assert r.status_code == 200, r.text
    return [pf["id"] for pf in valid_list(r.json())]


FIRST, SECOND = 0, 1


@pytest.mark.parametrize(("query", "expected"), [
    # TC20-23: the first footprint's own values
    ("productId=urn:pact:acme.example:product-id:PO-42.5", [FIRST]),
    ("productid=URN:PACT:ACME.EXAMPLE:PRODUCT-ID:PO-52.5", [SECOND]),  # case-insensitive
    ("companyId=urn:pact:acme.example:company-id:ACME", [FIRST, SECOND]),
    ("geography=CN-AH", [FIRST, SECOND]),
    ("geography=cn-ah", [FIRST, SECOND]),
    ("classification=urn:pact:productclassification:un-cpc:37440", [FIRST, SECOND]),
    # TC24-26: validity [2025-01-01, 2028-01-01]
    ("validOn=2025-01-01T00:00:00Z", [FIRST, SECOND]),
    ("validOn=2028-01-01T00:00:00Z", [FIRST, SECOND]),
    ("validAfter=2024-12-31T00:00:00Z", [FIRST, SECOND]),
    ("validBefore=2028-01-02T00:00:00Z", [FIRST, SECOND]),
    # TC27, TC28: status, and AND across criteria
    ("status=Active", [SECOND]),
    ("status=Deprecated", [FIRST]),
    ("status=Active&productId=urn:pact:acme.example:product-id:PO-52.5", [SECOND]),
    ("status=Active&productId=urn:pact:acme.example:product-id:PO-42.5", []),
    # TC29: OR within a criterion
    ("companyId=urn:pact:acme.example:company-id:ACME&companyId=urn:uuid:"
     "11111111-2222-3333-4444-555555555555&companyId=urn:pact:x:company-id:y", [FIRST, SECOND]),
    ("productId=urn:pact:acme.example:product-id:PO-42.5"
     "&productId=urn:pact:acme.example:product-id:PO-52.5", [FIRST, SECOND]),
    # TC30-39: nothing matches → an empty list, never null
    ("productId=urn:pact:null", []),
    ("companyId=urn:pact:bogus:company-id:0", []),
    ("geography=XX", []),
    ("classification=urn:pact:bogus:classification:0", []),
    ("validOn=1900-01-01T00:00:00Z", []),
    ("validAfter=2099-12-31T23:59:59Z", []),
    ("validBefore=1900-01-01T00:00:00Z", []),
    ("validAfter=2025-01-01T00:00:00Z", []),  # start > validAfter is strict
    ("validBefore=2028-01-01T00:00:00Z", []),  # end < validBefore is strict
    ("status=BogusStatus", []),
    ("status=Active&geography=XX", []),
    ("x-tanzuji-unknown=1", [FIRST, SECOND]),  # custom filters this host lacks are ignored
])
def test_filters(pact: PactWorld, query: str, expected: list[int]) -> None:
    assert _ids(pact, query) == [pact.published[i]["id"] for i in expected]


# -- Events (TC12, TC14.A, TC15, TC40) ---------------------------------------------------------


def test_request_created_is_stored_for_the_owner(pact: PactWorld) -> None:  # TC12
    created = event(CREATED, {"productId": ["urn:pact:acme.example:product-id:PO-52.5"],
                              "comment": "please"})
    assert validator(CONFORMANCE, "RequestCreatedEvent").is_valid(created)
    r = post_event(pact, created)
    assert r.status_code == 200 and r.content == b""
    assert post_event(pact, created).status_code == 200  # sent twice: stored once
    mine = [q for q in pact.world.as_("analyst").get("/api/pact/requests").json()
            if q["event_id"] == created["id"]]
    assert len(mine) == 1 and mine[0]["state"] == "pending"
    assert mine[0]["criteria"] == {"productId": ["urn:pact:acme.example:product-id:PO-52.5"],
                                   "comment": "please"}


def test_request_for_an_unknown_product_is_accepted(pact: PactWorld) -> None:  # TC14.A
    r = post_event(pact, event(CREATED, {"productId": ["urn:pact:null"]},
                               source="//partner.example/3/events"))
    assert r.status_code == 200 and r.content == b""


def test_request_from_an_unregistered_source(pact: PactWorld) -> None:
    r = post_event(pact, event(CREATED, {"productId": ["urn:pact:null"]},
                               source="https://attacker.example"))
    pact_error(r, 403, "AccessDenied")
    r = post_event(pact, event(CREATED, {}), headers=pact.bearer(pact.stranger))
    pact_error(r, 403, "AccessDenied")


def test_published_event(pact: PactWorld) -> None:  # TC15, TC40
    unknown = event(PUBLISHED, {"pfIds": ["3a6c14a7-4deb-498a-b5ea-16ce2535b576"]})
    assert validator(CONFORMANCE, "PublishedEvent").is_valid(unknown)
    r = post_event(pact, unknown)
    assert r.status_code == 200 and r.content == b""
    pact_error(post_event(pact, event(PUBLISHED, {"pfIds": ["urn:gtin:4712345060507"]})),
               400, "BadRequest")


def test_fulfilled_and_rejected_events_are_kept(pact: PactWorld) -> None:
    pf = pact.published[1]["document"]
    fulfilled = event(FULFILLED, {"requestEventId": "req-1", "pfs": [pf]})
    rejected = event(REJECTED, {"requestEventId": "req-2",
                                "error": {"code": "NotFound", "message": "none"}})
    for doc in (fulfilled, rejected):
        assert validator(CONFORMANCE, doc["type"].split(".")[-2]).is_valid(doc)
        assert post_event(pact, doc).status_code == 200
    kept = PactDB(pact.world.db.engine).events(pact.parts_client[0])
    assert {(e["type"], e["event_id"]) for e in kept} >= {(FULFILLED, fulfilled["id"]),
                                                           (REJECTED, rejected["id"])}


def _broken(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**doc, **changes}


BASE = event(PUBLISHED, {"pfIds": [str(uuid.uuid4())]})


@pytest.mark.parametrize("doc", [
    _broken(BASE, specversion="0.3"),
    {k: v for k, v in BASE.items() if k != "id"},
    {k: v for k, v in BASE.items() if k != "time"},
    _broken(BASE, time="yesterday"),
    _broken(BASE, data=[]),
    _broken(BASE, type="org.wbcsd.pathfinder.ProductFootprint.Published.v1"),
    _broken(BASE, data={}),
    event(CREATED, {"productId": "urn:pact:not-a-list"}),
    event(CREATED, {"validOn": "soon"}),
    event(FULFILLED, {"requestEventId": "r", "pfs": []}),
    event(FULFILLED, {"requestEventId": "r", "pfs": [{"id": "not a footprint"}]}),
    event(REJECTED, {"requestEventId": "r", "error": {"code": "X"}}),
    [BASE],
])
def test_invalid_events(pact: PactWorld, doc: Any) -> None:
    pact_error(post_event(pact, doc), 400, "BadRequest")


def test_event_media_type_and_body(pact: PactWorld) -> None:
    pact_error(post_event(pact, BASE, content_type="text/plain"), 400, "BadRequest")
    r = pact.https.post("/3/events", content=b"{not json",
                        headers={**pact.bearer(pact.parts_client),
                                 "Content-Type": "application/cloudevents+json"})
    pact_error(r, 400, "BadRequest")
    assert post_event(pact, BASE, content_type="application/json").status_code == 200

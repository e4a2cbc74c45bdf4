"""The PACT client: happy path against a host on loopback, and a host that misbehaves
(timeouts, 5xx, malformed JSON, schema violations, foreign links) through MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tanzuji.exchange.pact_client import (
    EVENT_CREATED,
    EVENT_FULFILLED,
    EVENT_REJECTED,
    PactClient,
    PactClientError,
    Retry,
    parse_answer,
)
from tests.supply.fake_host import CLIENT_ID, SECRET, fake_host, footprint
from tests.supply.loopback import serve

BASE = "https://partner.example"


class FakeClock:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def client_with(handler: Callable[[httpx.Request], httpx.Response], clock: FakeClock,
                attempts: int = 3) -> PactClient:
    return PactClient(BASE, CLIENT_ID, SECRET, token_url=f"{BASE}/auth/token",
                      retry=Retry(attempts=attempts, base=0.5, cap=1.5, sleep=clock),
                      transport=httpx.MockTransport(handler))


def token_or(answer: Callable[[httpx.Request], httpx.Response]
             ) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return answer(request)
    return handler


def test_happy_path_on_loopback_discovers_pages_and_requests() -> None:
    pfs = [footprint(f"urn:gtin:{i}") for i in range(5)]
    app = fake_host(pfs)
    with serve(app) as base, PactClient(base, CLIENT_ID, SECRET, allow_http=True) as client:
        listed = client.list_footprints(limit=2)
        assert [str(p.id) for p in listed] == [p["id"] for p in pfs]  # three pages
        assert client.token_url == f"{base}/oauth/token"  # from the discovery document
        assert app.state.tokens == 1  # the token is reused
        one = client.get_footprint(pfs[3]["id"])
        assert one.product_ids == ["urn:gtin:3"]
        only = client.list_footprints({"productId": ["urn:gtin:1"]})
        assert [p.product_ids for p in only] == [["urn:gtin:1"]]
        eid = client.request_footprints("https://us.example", ["urn:gtin:9"], "please")
    event = app.state.events[0]
    assert event["id"] == eid and event["type"] == EVENT_CREATED
    assert event["data"] == {"productId": ["urn:gtin:9"], "comment": "please"}
    assert event["specversion"] == "1.0" and event["source"] == "https://us.example"


def test_without_discovery_the_token_comes_from_auth_token() -> None:
    with (serve(fake_host([footprint("urn:gtin:1")], discovery=False)) as base,
          PactClient(base, CLIENT_ID, SECRET, allow_http=True) as client):
        assert len(client.list_footprints()) == 1
        assert client.token_url == f"{base}/auth/token"


def test_wrong_credentials_are_named_and_not_retried() -> None:
    clock = FakeClock()
    with (serve(fake_host([], discovery=False)) as base,
          PactClient(base, CLIENT_ID, "wrong", allow_http=True,
                     retry=Retry(sleep=clock)) as client,
          pytest.raises(PactClientError, match="refused with 401: invalid_client")):
        client.list_footprints()
    assert clock.waits == []


def test_plain_http_is_refused_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TANZUJI_PACT_ALLOW_HTTP", raising=False)
    with pytest.raises(PactClientError, match="https only"):
        PactClient("http://partner.example", "a", "b")
    monkeypatch.setenv("TANZUJI_PACT_ALLOW_HTTP", "1")
    PactClient("http://partner.example", "a", "b").close()


def test_server_errors_are_retried_with_exponential_back_off() -> None:
    calls: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) < 3:
            return httpx.Response(503)
        return httpx.Response(200, json={"data": [footprint("urn:gtin:1")]})

    clock = FakeClock()
    client = client_with(token_or(answer), clock, attempts=4)
    assert len(client.list_footprints()) == 1
    assert clock.waits == [0.5, 1.0]


def test_timeouts_give_up_after_the_bounded_attempts() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    clock = FakeClock()
    with pytest.raises(PactClientError, match=r"timeout\) \(gave up after 4 attempts"):
        client_with(token_or(answer), clock, attempts=4).list_footprints()
    assert clock.waits == [0.5, 1.0, 1.5]  # capped


def test_connection_errors_are_named() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(PactClientError, match="cannot connect"):
        client_with(token_or(answer), FakeClock(), attempts=2).get_footprint("x")


def test_malformed_json_is_retried_then_reported() -> None:
    clock = FakeClock()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b'{"data": [', headers={
            "Content-Type": "application/json"})

    with pytest.raises(PactClientError, match="not JSON"):
        client_with(token_or(answer), clock).list_footprints()
    assert clock.waits == [0.5, 1.0]


def test_a_schema_violation_names_the_field() -> None:
    bad = footprint("urn:gtin:1")
    bad["pcf"]["pcfExcludingBiogenicUptake"] = 2.5  # a JSON number, not a decimal string

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [footprint("urn:gtin:2"), bad]})

    with pytest.raises(PactClientError, match=r"data\[1\]\.pcf\.pcfExcludingBiogenicUptake"):
        client_with(token_or(answer), FakeClock(), attempts=1).list_footprints()


def test_a_next_link_to_another_host_is_not_followed() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": []}, headers={
            "Link": '<https://evil.example/3/footprints?page=2>; rel="next"'})

    with pytest.raises(PactClientError, match="another host"):
        client_with(token_or(answer), FakeClock()).list_footprints()


def test_an_expired_token_is_renewed_once() -> None:
    tokens: list[str] = []
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/token":
            tokens.append(f"t{len(tokens)}")
            return httpx.Response(200, json={"access_token": tokens[-1], "expires_in": 3600})
        seen.append(request.headers["authorization"])
        if request.headers["authorization"] == "Bearer t0":
            return httpx.Response(401, json={"code": "TokenExpired", "message": "expired"})
        return httpx.Response(200, json={"data": footprint("urn:gtin:1")})

    client = client_with(handler, FakeClock())
    assert client.get_footprint("any").product_ids == ["urn:gtin:1"]
    assert seen == ["Bearer t0", "Bearer t1"]


def answer_event(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"specversion": "1.0", "id": "e2", "source": "https://partner.example",
            "time": "2026-01-01T00:00:00Z", "type": kind, "data": data}


def test_answers_are_parsed_and_checked() -> None:
    ok = parse_answer(answer_event(EVENT_FULFILLED, {"requestEventId": "r1",
                                                     "pfs": [footprint("urn:gtin:1")]}))
    assert ok.fulfilled and ok.request_id == "r1" and len(ok.footprints) == 1
    no = parse_answer(answer_event(EVENT_REJECTED, {"requestEventId": "r1", "error": {
        "code": "NotFound", "message": "no such product"}}))
    assert not no.fulfilled and no.error == {"code": "NotFound", "message": "no such product"}
    bad = footprint("urn:gtin:1")
    del bad["pcf"]
    with pytest.raises(PactClientError, match=r"data\.pfs\[0\]\.pcf"):
        parse_answer(answer_event(EVENT_FULFILLED, {"requestEventId": "r1", "pfs": [bad]}))
    with pytest.raises(PactClientError, match="at least one"):
        parse_answer(answer_event(EVENT_FULFILLED, {"requestEventId": "r1", "pfs": []}))
    with pytest.raises(PactClientError, match="requestEventId"):
        parse_answer(json.loads('{"type": "x", "data": {}}'))


def test_retries_are_configured_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANZUJI_PACT_RETRY_ATTEMPTS", "3")
    monkeypatch.setenv("TANZUJI_PACT_RETRY_BASE", "2")
    assert list(Retry.from_env().delays()) == [2.0, 4.0]
    monkeypatch.setenv("TANZUJI_PACT_RETRY_ATTEMPTS", "many")
    with pytest.raises(PactClientError, match="whole number"):
        Retry.from_env()

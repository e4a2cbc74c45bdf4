"""Every role against every supplier-exchange endpoint (the rows of the access matrix for
issue 7's client side): the customer's staff see their requests and what arrived, the
supplier's members see and answer what was asked of them, partners are for administrators,
and nobody else learns that a request exists (404, not 403)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.conftest import ROLES, World

CUSTOMER_STAFF = {"admin": 200, "analyst": 200, "consultant": 200}


def expect(ok: dict[str, int], default: int = 403) -> dict[str, int]:
    return {role: ok.get(role, 401 if role == "anonymous" else default) for role in ROLES}


@pytest.fixture(scope="module")
def request_id(world: World) -> str:
    r = world.as_("analyst").post("/api/supply/requests", json={"requests": [
        {"supplier_id": "parts", "product_ids": ["urn:gtin:99"], "product_name": "nut"}]})
    assert r.status_code == 201, r.text
    rid: str = r.json()[0]["id"]
    return rid


MATRIX: list[tuple[str, str, dict[str, Any] | None, dict[str, int]]] = [
    ("GET", "/api/supply/requests", None, expect({**CUSTOMER_STAFF, "outsider": 200})),
    ("GET", "/api/supply/requests/incoming", None,
     expect({**CUSTOMER_STAFF, "supplier": 200, "outsider": 200})),
    ("GET", "/api/supply/requests/{rid}", None,
     expect({**CUSTOMER_STAFF, "supplier": 200}, 404)),
    ("GET", "/api/supply/requests/{rid}/questionnaire", None,
     expect({**CUSTOMER_STAFF, "supplier": 200}, 404)),
    # answering: only the supplier; an empty form is refused by name (422), not stored
    ("POST", "/api/supply/requests/{rid}/answer", {},
     expect({**dict.fromkeys(CUSTOMER_STAFF, 403), "supplier": 422}, 404)),
    ("POST", "/api/supply/requests/{rid}/reject", {"message": "not ours"},
     expect({**dict.fromkeys(CUSTOMER_STAFF, 403), "supplier": 200}, 404)),
    ("GET", "/api/supply/footprints", None, expect({**CUSTOMER_STAFF, "outsider": 200})),
    ("POST", "/api/supply/requests", {"requests": [{"supplier_id": "parts",
                                                     "product_ids": [""]}]},
     expect(dict.fromkeys([*CUSTOMER_STAFF, "outsider"], 422))),
    ("GET", "/api/studies/{acme}/supplier-footprints", None,
     expect({**CUSTOMER_STAFF, "auditor": 200, "decider": 200})),
    ("GET", "/api/pact/partners", None, expect({"admin": 200})),
    ("POST", "/api/pact/partners", {"name": "x"}, expect({"admin": 422})),
    ("DELETE", "/api/pact/partners/nobody", None, expect({"admin": 404})),
    ("POST", "/api/pact/partners/nobody/fetch", None, expect({"admin": 404})),
]


@pytest.mark.parametrize(("method", "template", "body", "statuses"), MATRIX,
                         ids=[f"{m} {t}" for m, t, _, _ in MATRIX])
def test_every_role_against_every_supply_endpoint(
        world: World, request_id: str, method: str, template: str, body: dict[str, Any] | None,
        statuses: dict[str, int]) -> None:
    path = template.format(rid=request_id, acme=world.acme_study)
    responses = {role: world.as_(role).request(method, path, json=body) for role in ROLES}
    assert {role: r.status_code for role, r in responses.items()} == statuses
    for response in responses.values():
        if response.status_code >= 400:
            assert set(response.json()) >= {"code", "message", "field"}


def test_lists_hold_only_each_partys_requests(world: World, request_id: str) -> None:
    def ids(role: str, path: str) -> list[str]:
        return [r["id"] for r in world.as_(role).get(path).json()]

    assert request_id in ids("analyst", "/api/supply/requests")
    assert request_id in ids("supplier", "/api/supply/requests/incoming")
    assert request_id not in ids("outsider", "/api/supply/requests")
    assert request_id not in ids("outsider", "/api/supply/requests/incoming")
    assert request_id not in ids("admin", "/api/supply/requests/incoming")

"""A PACT host world: the server's World (tests/server/conftest.py) with two footprints of
ACME published to the organisation ``parts`` and one to nobody, a client of ``parts``, a
client of nobody, and TestClients over https (the PACT routes refuse plain HTTP)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tanzuji.jobs.tasks import footprint
from tanzuji.server.pact.config import PactConfig
from tanzuji.server.workspace import study_input
from tanzuji.store.db import transaction
from tanzuji.store.platform_db import sha256
from tanzuji.store.tables import PlatformStudy
from tests.server.conftest import World, add_study, shared_world

# what the example study's declaration info file would give
INFO: dict[str, Any] = {
    "company_ids": ["urn:uuid:0b0e9b6a-1d57-4f5e-9c1d-3f1ad2f0a001",
                    "urn:pact:acme.example:company-id:ACME"],
    "product_ids": ["urn:pact:acme.example:product-id:PO-42.5"],
    "product_classifications": ["urn:pact:acme.example:classification:cement"],
    "fossil_carbon_content": 0.0,
    "exempted_emissions_percent": 0.5,
}
PARTNER = "https://partner.example"


class Partner:
    """The recipient's PACT endpoint, in memory (the host's only network): its token
    endpoint, accepting the credentials it issued to ACME, and its events endpoint."""

    def __init__(self) -> None:
        self.up = True
        self.events: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path == "/.well-known/openid-configuration":
            return httpx.Response(404)
        if request.url.path == "/auth/token":
            ok = request.headers.get("authorization") == basic(
                "acme-at-parts", "s3cret-at-parts")["Authorization"]
            return httpx.Response(200, json={"access_token": "t0k", "token_type": "bearer"}) \
                if ok else httpx.Response(401, json={"error": "invalid_client"})
        assert str(request.url) == f"{PARTNER}/3/events"
        assert request.headers["authorization"] == "Bearer t0k"
        assert request.headers["content-type"].startswith("application/cloudevents+json")
        self.events.append(json.loads(request.content))
        return httpx.Response(200)


@dataclass
class PactWorld:
    world: World
    https: TestClient  # no credentials, over https
    parts_client: tuple[str, str]  # released to organisation "parts"
    stranger: tuple[str, str]  # a client nobody released anything to
    published: list[dict[str, Any]]  # the two released publications, oldest first
    hidden: dict[str, Any]  # published to nobody
    partner: Partner  # PARTNER's endpoint, where events for parts_client go
    announced: list[dict[str, Any]]  # the events sent while the world was built
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)

    def token(self, client: tuple[str, str]) -> str:
        r = self.https.post("/auth/token", data={"grant_type": "client_credentials"},
                            auth=client)
        assert r.status_code == 200, r.text
        token: str = r.json()["access_token"]
        return token

    def bearer(self, client: tuple[str, str]) -> dict[str, str]:
        """A token per client, asked once (each request hashes the secret with argon2)."""
        if client not in self.tokens:
            self.tokens[client] = self.token(client)
        return {"Authorization": f"Bearer {self.tokens[client]}"}


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def publish(world: World, role: str, study_id: int, info: dict[str, Any] | None = None,
            recipients: list[dict[str, str]] | None = None) -> dict[str, Any]:
    r = world.as_(role).post("/api/pact/publications",
                             json={"study_id": study_id, "info": info or INFO,
                                   "recipients": recipients or []})
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def second_study(world: World, variant: str | None = None) -> int:
    """Another calculated study of ACME: the same file (same SHA-256, same result), or with a
    comment line ``variant`` added (a file of its own, calculated here)."""
    study = add_study(world.db, "acme", "analyst")
    result = world.db.latest_result(world.acme_study)
    if variant is not None:
        with transaction(world.db.engine) as s:
            row = s.get_one(PlatformStudy, study)
            row.content += f"\n# {variant}\n".encode()
            row.sha256 = sha256(row.content)
        result = json.loads(footprint(study_input(world.db, study)))
    job = world.db.add_job("calculate", {}, "analyst", "acme", study)
    world.db.update_job(job, state="done", progress=1.0, result=result)
    return study


def build_pact_world(world: World) -> PactWorld:
    from tanzuji.store.pact_db import PactDB

    partner = Partner()
    app: Any = world.app
    app.state.pact = PactConfig(transport=httpx.MockTransport(partner))
    store = PactDB(world.db.engine, world.settings.key_dir)
    parts = store.add_client("Parts Ltd", organisation_id="parts", owner_id="acme",
                             base_url=PARTNER, callback_client_id="acme-at-parts",
                             callback_secret="s3cret-at-parts")
    stranger = store.add_client("Stranger", base_url="https://stranger.example")
    first = publish(world, "analyst", world.acme_study,
                    recipients=[{"kind": "organisation", "recipient": "parts"}])
    # a new footprint of the same study deprecates the first and keeps its recipients
    second = publish(world, "analyst", world.acme_study, info={**INFO, "product_ids": [
        "urn:pact:acme.example:product-id:PO-52.5"]})
    hidden = publish(world, "analyst", second_study(world),
                     info={**INFO, "product_ids": ["urn:gtin:4712345060507"]})
    https = TestClient(world.app, base_url="https://testserver",  # type: ignore[arg-type]
                       raise_server_exceptions=False)
    return PactWorld(world, https, parts, stranger, [first, second], hidden, partner,
                     list(partner.events))


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory, example_result: str) -> Iterator[World]:
    """One World for the whole package (building one hashes 20 passwords); every module
    here leaves the footprints of `pact` as they were."""
    with shared_world(tmp_path_factory.mktemp("pact-world"), "pact",
                      example_result) as built:
        yield built


@pytest.fixture(scope="package")
def pact(world: World) -> Iterator[PactWorld]:
    built = build_pact_world(world)
    yield built
    built.https.close()

"""End to end between two Tanzuji instances on loopback (two uvicorn servers, two databases):
a customer on A configures supplier B as a PACT partner with credentials from
``tanzuji pact clients add`` on B and sends a footprint request; on B a supplier without a
PCF system answers it with the Excel questionnaire on the portal; B delivers the
RequestFulfilledEvent to A, A stores the footprint, and a study on A uses it as primary data.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from tanzuji.accounting.calculate import calculate
from tanzuji.cli import app as cli
from tanzuji.exchange.pact_client import EVENT_FULFILLED
from tanzuji.server.app import create_app
from tanzuji.server.csrf import form_token
from tanzuji.server.settings import Settings
from tanzuji.signing import ensure_key
from tanzuji.store.db import make_engine, upgrade
from tanzuji.store.pact_db import PactDB
from tanzuji.store.platform_db import PlatformDB
from tanzuji.store.supply_db import SupplyDB
from tests.conftest import FACTORS, study_dict
from tests.store.conftest import PG_ENV, _reset_postgres
from tests.supply.loopback import free_port, serve
from tests.supply.questionnaires import fill

PASSWORD = "correct-horse-7"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PRODUCT = "urn:gtin:4712345000017"


@dataclass
class Instance:
    url: str
    settings: Settings
    client: TestClient

    def env(self) -> dict[str, str]:
        return {"TANZUJI_DATABASE_URL": self.settings.database_url,
                "TANZUJI_KEY_DIR": str(self.settings.key_dir)}

    def login(self, user: str) -> None:
        self.client.cookies.clear()
        r = self.client.post("/api/login", json={"username": user, "password": PASSWORD})
        assert r.status_code == 200, r.text
        # what the portal's forms carry, sent as the header the CSRF guard also accepts
        self.client.headers["X-CSRF-Token"] = form_token(
            self.client.cookies[self.settings.session_cookie])


def database(tmp: Path, name: str) -> str:
    if os.environ.get(PG_ENV):
        pg = make_url(os.environ[PG_ENV])
        url = pg.set(database=f"{pg.database}_{name}").render_as_string(hide_password=False)
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp / f'{name}.db'}"


def start(stack: ExitStack, tmp: Path, name: str, org: str, kind: str,
          users: dict[str, str]) -> Instance:
    url, port = database(tmp, name), free_port()
    engine = make_engine(url)
    upgrade(engine)
    platform = PlatformDB(engine)
    platform.add_organisation(org, org.upper(), kind)
    for user, role in users.items():
        platform.add_user(user, PASSWORD, [role], org)
    engine.dispose()
    ensure_key(tmp / f"{name}-keys")
    base = f"http://127.0.0.1:{port}"
    settings = Settings(database_url=url, key_dir=tmp / f"{name}-keys",  # type: ignore[call-arg]
                        public_base_url=base)
    app = create_app(settings)
    assert stack.enter_context(serve(app, port)) == base
    return Instance(base, settings, stack.enter_context(TestClient(app)))


@pytest.fixture
def instances(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
              ) -> Iterator[tuple[Instance, Instance]]:
    monkeypatch.setenv("TANZUJI_PACT_ALLOW_HTTP", "1")  # loopback, no TLS
    monkeypatch.setenv("TANZUJI_PACT_RETRY_ATTEMPTS", "2")
    monkeypatch.setenv("TANZUJI_PACT_RETRY_BASE", "0.1")
    with ExitStack() as stack:
        a = start(stack, tmp_path, "a", "acme", "enterprise",
                  {"admin": "org_admin", "analyst": "analyst"})
        b = start(stack, tmp_path, "b", "parts", "supplier", {"sup": "supplier"})
        yield a, b


def pact_client_on(instance: Instance, monkeypatch: pytest.MonkeyPatch, args: list[str],
                   secret: str = "") -> dict[str, str]:
    for key, value in instance.env().items():
        monkeypatch.setenv(key, value)
    r = CliRunner().invoke(cli, ["pact", "clients", "add", *args, "--json"], input=secret)
    assert r.exit_code == 0, r.output
    creds: dict[str, str] = json.loads(r.output)
    return creds


def test_a_request_answered_by_questionnaire_reaches_a_study_on_the_other_instance(
        instances: tuple[Instance, Instance], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    a, b = instances
    # credentials each side issues the other: A's for B's callbacks, B's for A's client
    on_a = pact_client_on(a, monkeypatch, ["supplier-b"])
    on_b = pact_client_on(b, monkeypatch, [
        "customer-a", "--owner", "parts", "--base-url", a.url,
        "--callback-client-id", on_a["client_id"], "--callback-secret-stdin"],
        secret=on_a["client_secret"] + "\n")

    a.login("admin")
    r = a.client.post("/api/pact/partners", json={
        "name": "parts-b", "base_url": b.url, "client_id": on_b["client_id"],
        "client_secret": on_b["client_secret"]})
    assert r.status_code == 201, r.text
    a.login("analyst")
    r = a.client.post("/api/supply/requests", json={"requests": [
        {"partner": "parts-b", "product_ids": [PRODUCT], "product_name": "steel bracket"}]})
    assert r.status_code == 201, r.text
    [sent] = r.json()
    assert sent["status"] == "pending" and sent["error"] is None, sent

    # on B, the supplier answers on the portal with the questionnaire
    [incoming] = PactDB(PlatformDB.open(b.settings.database_url).engine).requests_for("parts")
    assert incoming["event_id"] == sent["id"]
    b.login("sup")
    portal = b.client.get("/supplier")
    assert f'id="pact-{incoming["id"]}"' in portal.text
    blank = b.client.get(f"/supplier/pact/{incoming['id']}/questionnaire?lang=en")
    assert blank.headers["content-type"] == XLSX
    bad = b.client.post(f"/supplier/pact/{incoming['id']}/upload",
                        files={"file": ("q.xlsx", fill(blank.content, primary_data_share=120),
                                        XLSX)})
    assert bad.status_code == 422 and "Footprint!C29" in bad.text
    answered = b.client.post(f"/supplier/pact/{incoming['id']}/upload",
                             files={"file": ("q.xlsx", fill(blank.content), XLSX)},
                             follow_redirects=False)
    assert answered.status_code == 303, answered.text

    # A's PACT host received the RequestFulfilledEvent; it lands in A's requests table
    supply_a = SupplyDB.open(a.settings.database_url)
    # A's host logged the event once and applied it to the request A sent
    assert [e["type"] for e in PactDB(supply_a.engine).events()].count(EVENT_FULFILLED) == 1
    request = supply_a.request(sent["id"])
    assert request["status"] == "fulfilled"
    [received] = supply_a.footprints("acme")
    assert received["source"] == "parts-b" and received["pf_id"] == request["pf_id"]
    assert received["primary_data_share"] == 70.0

    # a study on A uses it: primary data, the PCF id in the provenance
    (tmp_path / "factors.csv").write_text(FACTORS, encoding="utf-8")
    doc = study_dict([{"id": "frame", "name": "frame", "stage": "production",
                       "reference_product": {"name": "frame", "unit": "kg"},
                       "inputs": [{"factor": f"supplier:parts-b/{PRODUCT}", "amount": 2,
                                   "unit": "kg"}]}])
    study = tmp_path / "frame.yaml"
    study.write_text(yaml.safe_dump(doc), encoding="utf-8")
    monkeypatch.setenv("TANZUJI_DATABASE_URL", a.settings.database_url)
    result = calculate(study)
    assert result.total == pytest.approx(2 * 3.2)
    assert result.primary_data_share == pytest.approx(100.0)
    [used] = [f for f in result.provenance.factors if f["id"].startswith("supplier:")]
    assert str(used["source"]).startswith(f"PACT footprint {received['pf_id']} from parts-b")
    supply_a.engine.dispose()

"""The data owner's side: publishing (new id on every change, precedingPfIds, ledger),
certificates as verification and the organisation's certification rule, recipients, and
answering requests with events delivered to the recipient's registered address."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tanzuji.store.db import transaction
from tanzuji.store.tables import CertCase, CertCertificate, LedgerEntry
from tests.exchange.schemas import CONFORMANCE, validator
from tests.server.pact.conftest import INFO, PactWorld, Partner, publish, second_study
from tests.server.pact.test_host import CREATED, event, post_event, schema_errors


def test_chain_and_ledger(pact: PactWorld) -> None:
    first, second = pact.published
    assert second["preceding_id"] == first["id"]
    assert second["document"]["precedingPfIds"] == [first["id"]]
    assert first["id"] != second["id"]
    assert second["recipients"] == [{"kind": "organisation", "recipient": "parts"}]
    mine = pact.world.as_("analyst").get("/api/pact/publications").json()
    by_id = {p["id"]: p for p in mine}
    assert by_id[first["id"]]["status"] == "Deprecated"
    assert by_id[first["id"]]["document"]["status"] == "Deprecated"
    assert by_id[first["id"]]["deprecated_at"] is not None
    with transaction(pact.world.db.engine) as s:
        logged = {(e.action, e.object_id) for e in s.scalars(
            select(LedgerEntry).where(LedgerEntry.object_kind == "pact_publication"))}
    assert {("publish", first["id"]), ("publish", second["id"]),
            ("deprecate", first["id"])} <= logged


def test_recipients_and_deprecation(pact: PactWorld) -> None:
    analyst, hidden = pact.world.as_("analyst"), pact.hidden["id"]
    r = analyst.post(f"/api/pact/publications/{hidden}/recipients",
                     json={"kind": "client", "recipient": pact.stranger[0]})
    assert r.status_code == 200, r.text
    bearer = pact.bearer(pact.stranger)
    assert pact.https.get(f"/3/footprints/{hidden}", headers=bearer).status_code == 200
    r = analyst.delete(f"/api/pact/publications/{hidden}/recipients/client/{pact.stranger[0]}")
    assert r.status_code == 200 and r.json()["recipients"] == []
    assert pact.https.get(f"/3/footprints/{hidden}", headers=bearer).status_code == 403
    for body, status in (({"kind": "organisation", "recipient": "nosuch"}, 404),
                         ({"kind": "client", "recipient": "pact_nosuch"}, 404),
                         ({"kind": "team", "recipient": "parts"}, 422)):
        assert analyst.post(f"/api/pact/publications/{hidden}/recipients",
                            json=body).status_code == status
    assert analyst.delete(f"/api/pact/publications/{hidden}/recipients/organisation/"
                          "parts").status_code == 404
    assert analyst.post(f"/api/pact/publications/{uuid.uuid4()}/deprecate").status_code == 404


def test_publish_refusals(pact: PactWorld) -> None:
    world = pact.world
    r = world.as_("analyst").post("/api/pact/publications", json={
        "study_id": world.acme_study, "info": {**INFO, "product_ids": []}})
    assert r.status_code == 422
    assert {p["field"] for p in r.json()["problems"]} == {"product_ids"}
    r = world.as_("analyst").post("/api/pact/publications", json={
        "study_id": world.acme_study, "info": {**INFO, "fossil_carbon_content": -1}})
    assert r.status_code == 422 and r.json()["field"] == "info.fossil_carbon_content"
    # the supplier's study is not ACME's to publish, and ACME's not the supplier's
    r = world.as_("analyst").post("/api/pact/publications",
                                  json={"study_id": world.parts_study, "info": INFO})
    assert r.status_code == 403
    assert world.as_("supplier").post("/api/pact/publications", json={
        "study_id": world.acme_study, "info": INFO}).status_code == 403


def test_certificate_rule_and_verification(pact: PactWorld) -> None:
    world = pact.world
    study = second_study(world, variant="certified variant")
    sha = world.db.study(study)["sha256"]  # type: ignore[index]
    today = dt.datetime.now(dt.UTC).date()
    with transaction(world.db.engine) as s:
        s.add(CertCase(
            id="CASE-PACT", applicant_id="acme", body_id="CB1", state="certified",
            product="cement", product_model="P.O 42.5 R", unit="kg CO2e/t",
            functional_unit="1 t", boundary="cradle-to-gate", declared_value=715.0,
            tolerance_percent=5.0, study_file="portland-cement.yaml", study_sha256=sha,
            releases=[], gec_serials=[], team=[], created_by="t"))
    assert world.as_("analyst").put("/api/pact/policy",
                                    json={"require_certificate": True}).status_code == 403
    admin = world.as_("admin")
    assert admin.put("/api/pact/policy", json={"require_certificate": True}).status_code == 200
    try:
        r = world.as_("analyst").post("/api/pact/publications",
                                      json={"study_id": study, "info": INFO})
        assert (r.status_code, r.json()["code"]) == (409, "not_certified")
        with transaction(world.db.engine) as s:
            s.add(CertCertificate(
                number="CN-PCF-2026-0001", case_id="CASE-PACT", body_id="CB1",
                applicant_id="acme", product="cement", product_model="P.O 42.5 R",
                value=715.0, unit="kg CO2e/t", functional_unit="1 t",
                boundary="cradle-to-gate", issued_on=today,
                valid_until=today + dt.timedelta(days=730), status="valid",
                issued_by="decider"))
        pub = publish(world, "analyst", study)
        verification = pub["document"]["pcf"]["verification"]
        assert verification["providerName"] == "CB1"
        assert verification["coverage"] == "product level"
        assert "CN-PCF-2026-0001" in verification["comments"]
        assert pub["certificate_number"] == "CN-PCF-2026-0001"
        assert schema_errors(pub["document"], "ProductFootprint") == []
        with transaction(world.db.engine) as s:
            s.get_one(CertCertificate, "CN-PCF-2026-0001").status = "suspended"
        r = world.as_("analyst").post("/api/pact/publications",
                                      json={"study_id": study, "info": INFO})
        assert r.status_code == 409  # a suspended certificate no longer counts
    finally:
        admin.put("/api/pact/policy", json={"require_certificate": False})


@pytest.fixture
def partner(pact: PactWorld) -> Iterator[Partner]:
    """The recipient's endpoint, emptied and up."""
    pact.partner.events.clear()
    pact.partner.up = True
    yield pact.partner
    pact.partner.up = True


def _request(pact: PactWorld, product: str) -> int:
    created = event(CREATED, {"productId": [product]})
    assert post_event(pact, created).status_code == 200
    found = [q for q in pact.world.as_("admin").get("/api/pact/requests").json()
             if q["event_id"] == created["id"]]
    request_id: int = found[0]["id"]
    return request_id


def test_fulfil_sends_the_footprints(pact: PactWorld, partner: Partner) -> None:
    request_id = _request(pact, "urn:pact:acme.example:product-id:PO-52.5")
    analyst = pact.world.as_("analyst")
    r = analyst.post(f"/api/pact/requests/{request_id}/fulfil",
                     json={"publication_ids": [pact.hidden["id"]]})
    assert (r.status_code, r.json()["code"]) == (422, "no_match")
    second = pact.published[1]["id"]
    r = analyst.post(f"/api/pact/requests/{request_id}/fulfil",
                     json={"publication_ids": [second]})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "fulfilled"
    [sent] = partner.events
    assert validator(CONFORMANCE, "RequestFulfilledEvent").is_valid(sent)
    assert sent["source"] == f"{pact.world.settings.public_base_url}/3/events"
    assert sent["data"]["pfs"][0]["id"] == second
    again = analyst.post(f"/api/pact/requests/{request_id}/fulfil",
                         json={"publication_ids": [second]})
    assert again.status_code == 409


def test_reject_sends_the_error(pact: PactWorld, partner: Partner) -> None:
    request_id = _request(pact, "urn:pact:null")
    r = pact.world.as_("analyst").post(f"/api/pact/requests/{request_id}/reject",
                                       json={"message": "we do not make this product"})
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    [sent] = partner.events
    assert validator(CONFORMANCE, "RequestRejectedEvent").is_valid(sent)
    assert sent["data"]["error"] == {"code": "NotFound",
                                     "message": "we do not make this product"}


def test_undelivered_answer_stays_pending(pact: PactWorld, partner: Partner) -> None:
    request_id = _request(pact, "urn:pact:null")
    partner.up = False
    analyst = pact.world.as_("analyst")
    r = analyst.post(f"/api/pact/requests/{request_id}/reject", json={"message": "no"})
    assert (r.status_code, r.json()["code"]) == (502, "delivery_failed")
    stored = [q for q in analyst.get("/api/pact/requests").json() if q["id"] == request_id]
    assert stored[0]["state"] == "pending" and "cannot reach" in stored[0]["delivery_error"]
    partner.up = True
    assert analyst.post(f"/api/pact/requests/{request_id}/reject",
                        json={"message": "no"}).status_code == 200
    assert len(partner.events) == 1


def test_requests_of_other_organisations_stay_hidden(pact: PactWorld) -> None:
    request_id = _request(pact, "urn:pact:null")
    assert pact.world.as_("outsider").get("/api/pact/requests").json() == []
    r = pact.world.as_("outsider").post(f"/api/pact/requests/{request_id}/reject",
                                        json={"message": "no"})
    assert r.status_code == 404


def test_auto_answer(pact: PactWorld, partner: Partner) -> None:
    admin = pact.world.as_("admin")
    assert admin.put("/api/pact/policy", json={"auto_answer": True}).status_code == 200
    assert admin.get("/api/pact/policy").json()["auto_answer"] is True
    try:
        _request(pact, "urn:pact:acme.example:product-id:PO-52.5")
        _request(pact, "urn:pact:null")
    finally:
        admin.put("/api/pact/policy", json={"auto_answer": False})
    fulfilled, rejected = partner.events
    assert validator(CONFORMANCE, "RequestFulfilledEvent").is_valid(fulfilled)
    assert [pf["id"] for pf in fulfilled["data"]["pfs"]] == [pact.published[1]["id"]]
    assert validator(CONFORMANCE, "RequestRejectedEvent").is_valid(rejected)
    assert rejected["data"]["error"]["code"] == "NotFound"
    states = {q["event_id"]: q["state"] for q in admin.get("/api/pact/requests").json()}
    assert states[fulfilled["data"]["requestEventId"]] == "fulfilled"
    assert states[rejected["data"]["requestEventId"]] == "rejected"


def test_recipients_are_told_of_new_footprints(pact: PactWorld, partner: Partner) -> None:
    published = [e for e in pact.announced if e["type"].endswith("PublishedEvent.3")]
    assert [e["data"]["pfIds"] for e in published] == [[p["id"]] for p in pact.published]
    assert all(validator(CONFORMANCE, "PublishedEvent").is_valid(e) for e in published)
    r = pact.world.as_("analyst").post(f"/api/pact/publications/{pact.hidden['id']}/recipients",
                                       json={"kind": "client", "recipient": pact.stranger[0]})
    assert r.status_code == 200 and partner.events == []  # the stranger has no callback
    pact.world.as_("analyst").delete(
        f"/api/pact/publications/{pact.hidden['id']}/recipients/client/{pact.stranger[0]}")

"""The supplier-request API: bulk requests, the questionnaire round trip, the web form,
declining, received footprints and the study's recalculation flag."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from tanzuji.exchange.questionnaire import defaults
from tests.conftest import FACTORS, study_dict
from tests.server.conftest import World, wait_for
from tests.supply.questionnaires import ANSWERS, fill

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ask(world: World, *products: str, **extra: Any) -> list[dict[str, Any]]:
    r = world.as_("analyst").post("/api/supply/requests", json={"requests": [
        {"supplier_id": "parts", "product_ids": [p], "product_name": f"part {p}", **extra}
        for p in products]})
    assert r.status_code == 201, r.text
    body: list[dict[str, Any]] = r.json()
    return body


def upload(world: World, rid: str, content: bytes, role: str = "supplier") -> Any:
    return world.as_(role).post(f"/api/supply/requests/{rid}/questionnaire",
                                files={"file": ("q.xlsx", content, XLSX)})


def test_questionnaire_round_trip_publishes_a_received_footprint(world: World) -> None:
    w = world
    first, second = ask(w, "urn:gtin:1", "urn:gtin:2", due_on="2020-01-01")
    assert first["status"] == "overdue"
    incoming = w.as_("supplier").get("/api/supply/requests/incoming").json()
    assert {r["id"] for r in incoming} == {first["id"], second["id"]}
    blank = w.as_("supplier").get(f"/api/supply/requests/{first['id']}/questionnaire",
                                  params={"lang": "zh"})
    assert blank.status_code == 200 and blank.headers["content-type"] == XLSX
    # a wrong cell is named, and nothing is stored
    bad = upload(w, first["id"], fill(blank.content, temporal_dqr=7, geography_country=None))
    assert bad.status_code == 422
    cells = {(p["cell"], p["field"]) for p in bad.json()["problems"]}
    assert cells == {("C14", "geography_country"), ("C31", "temporal_dqr")}
    assert first["id"] not in {f["request_id"] for f in
                               w.as_("analyst").get("/api/supply/footprints").json()}
    # another request's file is refused
    other = upload(w, second["id"], fill(blank.content))
    assert other.status_code == 422 and other.json()["field"] == "request_id"
    ok = upload(w, first["id"], fill(blank.content))
    assert ok.status_code == 201, ok.text
    pf = ok.json()
    assert pf["reference"] == "supplier:parts/urn:gtin:1" and pf["value"] == "3.2"
    assert pf["primary_data_share"] == 70.0
    assert pf["verification"]["comments"] == "certificate CNCA-PCF-2025-0001"
    assert "a" * 64 in pf["document"]["comment"]
    mine = {r["id"]: r for r in w.as_("analyst").get("/api/supply/requests").json()}
    assert mine[first["id"]]["status"] == "fulfilled"
    assert mine[first["id"]]["pf_id"] == pf["pf_id"]
    again = upload(w, first["id"], fill(blank.content))
    assert again.status_code == 409


def test_web_form_answer_supersedes_the_earlier_version(world: World) -> None:
    w = world
    [first] = ask(w, "urn:gtin:11")
    form = {k: str(v) for k, v in (defaults(first) | ANSWERS).items()}
    r = w.as_("supplier").post(f"/api/supply/requests/{first['id']}/answer", json=form)
    assert r.status_code == 201, r.text
    old = r.json()["pf_id"]
    [later] = ask(w, "urn:gtin:11")
    wrong = w.as_("supplier").post(f"/api/supply/requests/{later['id']}/answer",
                                   json=form | {"pcf_total": "9"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "pcf_total"
    r = w.as_("supplier").post(f"/api/supply/requests/{later['id']}/answer", json=form)
    assert r.json()["preceding_pf_ids"] == [old]
    received = {f["pf_id"]: f for f in w.as_("analyst").get("/api/supply/footprints").json()}
    assert received[old]["superseded_by"] == r.json()["pf_id"]


def test_supplier_declines(world: World) -> None:
    w = world
    [req] = ask(w, "urn:gtin:21")
    r = w.as_("supplier").post(f"/api/supply/requests/{req['id']}/reject",
                               json={"message": "we do not make this"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["error"] == {"code": "Declined", "message": "we do not make this"}


def test_bad_requests_are_named(world: World) -> None:
    w = world
    r = w.as_("analyst").post("/api/supply/requests", json={"requests": [
        {"supplier_id": "nowhere", "product_ids": ["urn:gtin:1"]}]})
    assert r.status_code == 404 and r.json()["field"] == "requests[0].supplier_id"
    r = w.as_("analyst").post("/api/supply/requests", json={"requests": [
        {"product_ids": ["urn:gtin:1"]}]})
    assert r.status_code == 422 and "supplier_id or partner" in r.json()["message"]
    r = w.as_("analyst").post("/api/supply/requests", json={"requests": [
        {"partner": "unknown", "product_ids": ["urn:gtin:1"]}]})
    assert r.status_code == 404
    before = len(w.as_("analyst").get("/api/supply/requests").json())
    r = w.as_("analyst").post("/api/supply/requests", json={"requests": [
        {"supplier_id": "parts", "product_ids": ["urn:gtin:1"]}, {"product_ids": ["u:x:1"]}]})
    assert r.status_code == 422  # all or nothing
    assert len(w.as_("analyst").get("/api/supply/requests").json()) == before


def test_partner_secrets_never_leave_the_server(world: World,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANZUJI_PACT_RETRY_ATTEMPTS", "1")
    w = world
    body = {"name": "steelco", "base_url": "https://127.0.0.1:9", "client_id": "c",
            "client_secret": "top-secret-1"}
    r = w.as_("admin").post("/api/pact/partners", json=body)
    assert r.status_code == 201 and "top-secret-1" not in r.text
    listed = w.as_("admin").get("/api/pact/partners")
    assert [p["name"] for p in listed.json()] == ["steelco"]
    assert "top-secret-1" not in listed.text
    # a request to an unreachable partner is kept, with why it could not be sent
    r = w.as_("analyst").post("/api/supply/requests", json={"requests": [
        {"partner": "steelco", "product_ids": ["urn:gtin:1"]}]})
    [req] = r.json()
    assert req["status"] == "pending" and req["error"]["code"] == "not_sent"
    assert w.as_("admin").delete("/api/pact/partners/steelco").status_code == 204


def test_a_newer_version_flags_the_studies_that_used_the_old_one(world: World,
                                                                 example_result: str) -> None:
    w = world
    [first] = ask(w, "urn:gtin:31")
    form = {k: str(v) for k, v in (defaults(first) | ANSWERS).items()}
    old = w.as_("supplier").post(f"/api/supply/requests/{first['id']}/answer", json=form)
    old_id = old.json()["pf_id"]
    # the study's newest result used the first version (as calculate records it)
    result = json.loads(example_result)
    result["provenance"]["factors"].append({
        "id": "supplier:parts/urn:gtin:31", "year": 2025, "kind": "carbon_footprint_factor",
        "source": f"PACT footprint {old_id} from parts (received 2026-01-01)"})
    job = w.db.add_job("calculate", {}, "analyst", "acme", w.acme_study)
    w.db.update_job(job, state="done", progress=1.0, result=result)
    path = f"/api/studies/{w.acme_study}/supplier-footprints"
    before = w.as_("analyst").get(path).json()
    assert before == {"recalculation_needed": False, "footprints": [
        {"factor": "supplier:parts/urn:gtin:31", "pf_id": old_id, "superseded_by": None}]}
    assert 'id="recalculation-needed"' not in w.as_("analyst").get(
        f"/studies/{w.acme_study}").text
    [later] = ask(w, "urn:gtin:31")
    new = w.as_("supplier").post(f"/api/supply/requests/{later['id']}/answer", json=form)
    after = w.as_("analyst").get(path).json()
    assert after["recalculation_needed"] is True
    assert after["footprints"][0]["superseded_by"] == new.json()["pf_id"]
    portal = w.as_("analyst").get("/supplier")
    assert 'id="recalculate"' in portal.text and "supplier:parts/urn:gtin:31" in portal.text
    # the study page says so
    page = w.as_("analyst").get(f"/studies/{w.acme_study}")
    assert 'id="recalculation-needed"' in page.text and new.json()["pf_id"] in page.text


def test_a_study_uses_only_footprints_its_own_organisation_received(world: World) -> None:
    """The server resolves ``supplier:`` references for the study's owner: another
    organisation naming the same supplier and product gets a clear error, not the footprint."""
    w = world
    [asked] = ask(w, "urn:gtin:88")
    form = {k: str(v) for k, v in (defaults(asked) | ANSWERS).items()}
    answered = w.as_("supplier").post(f"/api/supply/requests/{asked['id']}/answer", json=form)
    assert answered.status_code in (200, 201), answered.text
    doc = study_dict([{
        "id": "frame", "name": "frame", "stage": "production",
        "reference_product": {"name": "frame", "unit": "kg"},
        "inputs": [{"factor": "supplier:parts/urn:gtin:88", "amount": 2, "unit": "kg"},
                   {"factor": "steel", "amount": 1, "unit": "kg"}]}])
    text = yaml.safe_dump(doc, sort_keys=False).encode()

    def calculated(role: str) -> dict[str, Any]:
        up = w.as_(role).post("/api/studies", files=[
            ("study", ("frame.yaml", text, "application/x-yaml")),
            ("files", ("factors.csv", FACTORS.encode(), "text/csv"))])
        assert up.status_code == 201, up.text
        job = w.as_(role).post(f"/api/studies/{up.json()['id']}/calculate", json={})
        assert job.status_code == 202, job.text
        return wait_for(w.as_(role), job.json()["url"])

    other = calculated("outsider")  # organisation "other" received nothing from parts
    assert other["state"] == "failed"
    assert "your organisation has received no footprint from 'parts'" in json.dumps(other)
    own = calculated("analyst")
    assert own["state"] == "done", own
    result = own["result"]
    assert isinstance(result, dict)
    # 2 kg at the supplier's 3.2 kg CO2e/kg + 1 kg of steel at 2.0
    assert result["total"] == pytest.approx(2 * 3.2 + 2.0)

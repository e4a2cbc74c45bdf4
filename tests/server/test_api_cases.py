"""A certification case driven through the API only: apply with a stored study, accept, plan,
review, inspect, a finding raised and closed, verify, decide, issue, label, the public registry,
suspension; and the errors each step gives when the workflow, the input or the caller is
wrong."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from tanzuji.store.certification_db import CertificationDB
from tanzuji.store.db import transaction
from tanzuji.store.tables import CertBody
from tests.server.conftest import PASSWORD, World

AUDITORS = [f"A{i:02d}" for i in range(1, 11)]


def qualify_cb1(world: World) -> None:
    """CB1 approved, pilot-qualified, with ten auditors and cement in its scope (set up by
    the platform's administrators, not through the API); ``decider`` is also an auditor id,
    so a team with it shows the decision-maker rule."""
    with transaction(world.db.engine) as s:
        s.execute(update(CertBody).where(CertBody.id == "CB1").values(
            cnca_approval="CNCA-R-TEST", pilot_qualified=True,
            categories=["cement-en16908", "37440"]))
    cert = CertificationDB(world.db.engine)
    for auditor in [*AUDITORS, "decider"]:
        cert.add_auditor(auditor, "CB1", f"Auditor {auditor}", True, 3.0, [], "setup")


def login(world: World, username: str, roles: tuple[str, ...], org: str) -> Any:
    from fastapi.testclient import TestClient

    world.db.add_user(username, PASSWORD, roles, org)
    client = TestClient(world.app, raise_server_exceptions=False)  # type: ignore[arg-type]
    assert client.post("/api/login", json={"username": username,
                                           "password": PASSWORD}).status_code == 200
    world.clients[username] = client
    return client


@pytest.fixture(scope="module")
def qualified(world: World) -> World:
    """The module's world, with CB1 able to take the cement case."""
    qualify_cb1(world)
    return world


def conflict(r: Any, field: str) -> None:
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["code"] == "conflict" and body["field"] == field
    assert body["problems"][0]["message_zh"]


def test_refusal_and_unknown_cases(qualified: World) -> None:
    """Runs before the full case, while acme holds no certificate for the model."""
    w = qualified
    r = w.as_("analyst").post("/api/cases", json={"study_id": w.acme_study, "body": "CB9"})
    assert r.status_code == 404 and r.json()["field"] == "body"
    r = w.as_("analyst").post("/api/cases", json={"study_id": 0, "body": "CB1"})
    assert r.status_code == 422 and r.json()["field"] == "body.study_id"
    r = w.as_("analyst").post("/api/cases", json={"study_id": w.acme_study, "body": "CB1",
                                                  "documents": {"bom": 2**31 - 1}})
    assert r.status_code == 422 and r.json()["field"] == "documents"
    # the supplier cannot apply with acme's study
    r = w.as_("supplier").post("/api/cases", json={"study_id": w.acme_study, "body": "CB1"})
    assert r.status_code == 403
    r = w.as_("decider").post("/api/cases/NO-SUCH/refuse", json={"reason": "x"})
    assert r.status_code == 404
    r = w.as_("decider").post(f"/api/cases/{w.case_id}/refuse", json={"reason": ""})
    assert r.status_code == 422 and r.json()["field"] == "body.reason"
    # the world's case is accepted already: refusing is for applications
    r = w.as_("decider").post(f"/api/cases/{w.case_id}/refuse", json={"reason": "incomplete"})
    assert r.status_code == 409


def test_a_case_from_application_to_a_suspended_certificate(
        qualified: World, monkeypatch: pytest.MonkeyPatch) -> None:
    w = qualified
    # labels are signed with the key of $TANZUJI_KEY_DIR, the server's own
    monkeypatch.setenv("TANZUJI_KEY_DIR", str(w.settings.key_dir))
    decider2 = login(w, "decider2", ("cb_decider",), "CB1")
    analyst, auditor, decider = w.as_("analyst"), w.as_("auditor"), w.as_("decider")
    w.close_case()  # the world's own case on the study: CB1 no longer sees it
    assert auditor.get(f"/api/studies/{w.acme_study}").status_code == 403

    bom = w.db.add_evidence(w.acme_study, "processes.0.inputs.0.amount", "bill.csv", "text/csv",
                            b"input,amount\nclinker,0.9\n", "analyst")["id"]
    r = analyst.post("/api/cases", json={"study_id": w.acme_study, "body": "CB1",
                                         "documents": {"bom": bom}})
    assert r.status_code == 201, r.text
    case = r.json()
    cid = case["id"]
    assert case["state"] == "applied" and case["applicant"] == "acme"
    roles = {f["role"]: f["path"] for f in case["files"]}
    assert roles["bom"] == "bill.csv"  # the applicant's own, the others drawn from the study
    assert {"study", "process_flow", "inventory"} <= set(roles)
    # the body holding the case sees the study it was filed with
    assert auditor.get(f"/api/studies/{w.acme_study}").status_code == 200
    assert w.as_("other_auditor").get(f"/api/studies/{w.acme_study}").status_code == 403
    # one open case per product model
    conflict(analyst.post("/api/cases", json={"study_id": w.acme_study, "body": "CB1"}),
             "product_model")

    assert w.as_("outsider").post(f"/api/cases/{cid}/accept", json={}).status_code == 403
    assert w.as_("other_auditor").post(f"/api/cases/{cid}/accept", json={}).status_code == 403
    conflict(auditor.post(f"/api/cases/{cid}/review", json={}), "state")
    assert auditor.post(f"/api/cases/{cid}/accept", json={"comment": "complete"}).json()[
        "state"] == "accepted"

    r = auditor.post(f"/api/cases/{cid}/plan", json={"team": ["NOBODY"], "lead": "NOBODY",
                                                     "plan": "two days"})
    assert r.status_code == 422 and r.json()["field"] == "team"
    r = auditor.post(f"/api/cases/{cid}/plan", json={"team": ["A01"], "lead": "A02",
                                                     "plan": "two days"})
    assert r.status_code == 422 and r.json()["field"] == "lead"
    r = auditor.post(f"/api/cases/{cid}/plan", json={"team": ["A01", "decider"], "lead": "A01",
                                                     "plan": "document review, then on site"})
    assert r.status_code == 200, r.text
    assert r.json()["team"] == ["A01", "decider"]
    assert decider.post(f"/api/cases/{cid}/review", json={}).status_code == 403
    assert auditor.post(f"/api/cases/{cid}/review", json={}).json()["state"] == "reviewed"
    assert auditor.post(f"/api/cases/{cid}/inspect", json={}).json()["state"] == "inspected"

    r = auditor.post(f"/api/cases/{cid}/findings", json={"severity": "grave", "text": "x"})
    assert r.status_code == 422 and r.json()["field"] == "body.severity"
    r = auditor.post(f"/api/cases/{cid}/findings",
                     json={"severity": "minor", "text": "meter calibration certificate missing"})
    assert r.status_code == 201 and r.json()["number"] == 1
    r = auditor.post(f"/api/cases/{cid}/verify")
    assert r.status_code == 200 and r.json()["passed"] is True, r.text
    conflict(decider2.post(f"/api/cases/{cid}/decision", json={"grant": True}), "findings")
    assert auditor.post(f"/api/cases/{cid}/findings/1/close",
                        json={"note": "x"}).status_code == 403
    r = analyst.post(f"/api/cases/{cid}/findings/1/close",
                     json={"note": "certificate filed"})
    assert r.status_code == 200 and not r.json()["findings"][0]["open"]
    conflict(analyst.post(f"/api/cases/{cid}/findings/1/close", json={"note": "again"}),
             "finding")

    # the decision-maker may not have been on the team
    conflict(decider.post(f"/api/cases/{cid}/decision", json={"grant": True}), "by")
    assert auditor.post(f"/api/cases/{cid}/decision", json={"grant": True}).status_code == 403
    r = decider2.post(f"/api/cases/{cid}/decision", json={"grant": True, "comment": "conforms"})
    assert r.status_code == 200 and r.json()["state"] == "granted"
    r = decider2.post(f"/api/cases/{cid}/certificate")
    assert r.status_code == 201, r.text
    number = r.json()["number"]
    assert r.json()["status"] == "valid"
    conflict(decider2.post(f"/api/cases/{cid}/certificate"), "state")

    assert w.as_("supplier").post(f"/api/certificates/{number}/labels").status_code == 403
    r = analyst.post(f"/api/certificates/{number}/labels")
    assert r.status_code == 201, r.text
    label = r.json()
    assert label["payload"]["certificate"] == number and label["svg"].startswith("<")
    public = w.as_("anonymous")
    shown = public.get(f"/api/registry/{number}").json()
    assert shown["found"] and shown["status"] == "valid" and shown["ok"]
    assert public.get("/api/registry", params={"q": label["qr_text"]}).json()["ok"]

    assert auditor.post(f"/api/certificates/{number}/status",
                        json={"action": "suspend", "reason": "x"}).status_code == 403
    r = decider.post(f"/api/certificates/{number}/status", json={"action": "suspend",
                                                                "reason": "   "})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = decider.post(f"/api/certificates/{number}/status",
                     json={"action": "suspend", "reason": "surveillance found a gap"})
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    shown = public.get(f"/api/registry/{number}").json()
    assert shown["status"] == "suspended" and not shown["ok"]
    assert shown["warnings"][0]["zh"]
    conflict(decider.post(f"/api/certificates/{number}/status",
                          json={"action": "suspend", "reason": "again"}), "status")
    conflict(analyst.post(f"/api/certificates/{number}/labels"), "certificate")
    conflict(auditor.post(f"/api/certificates/{number}/surveillance",
                          json={"conforming": True, "note": "ok"}), "certificate")
    r = decider.post(f"/api/certificates/{number}/status",
                     json={"action": "restore", "reason": "corrected"})
    assert r.json()["status"] == "valid"
    r = auditor.post(f"/api/certificates/{number}/surveillance",
                     json={"conforming": False, "note": "meter out of calibration"})
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    r = decider.post(f"/api/certificates/{number}/status",
                     json={"action": "cancel", "reason": "x", "fraud": True})
    assert r.status_code == 422 and r.json()["field"] == "fraud"  # fraud is for withdrawals
    r = decider.post(f"/api/certificates/{number}/status",
                     json={"action": "withdraw", "reason": "falsified meter data",
                           "fraud": True})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert public.get(f"/api/registry/{number}").json()["status"] == "withdrawn"
    conflict(decider.post(f"/api/certificates/{number}/status",
                          json={"action": "cancel", "reason": "x"}), "status")

    # the regulator: credit records (the fraud is one), and peer review by another body
    regulator = w.as_("regulator")
    r = regulator.post("/api/credit", json={"party_kind": "enterprise", "party": "acme",
                                            "kind": "violation", "description": "late report"})
    assert r.status_code == 201 and r.json()[-1]["description"] == "late report"
    assert any(c["fraud"] for c in r.json())
    r = regulator.post("/api/credit", json={"party_kind": "enterprise", "party": "nobody",
                                            "kind": "violation", "description": "x"})
    assert r.status_code == 404
    assert w.as_("decider").post("/api/credit", json={
        "party_kind": "enterprise", "party": "acme", "kind": "violation",
        "description": "x"}).status_code == 403
    assert regulator.get("/api/credit").status_code == 200
    with transaction(w.db.engine) as s:
        s.execute(update(CertBody).where(CertBody.id == "CB2").values(
            cnca_approval="CNCA-R-2", pilot_qualified=True))
    r = regulator.post("/api/peer-reviews", json={"reviewer_body": "CB2", "size": 1})
    assert r.status_code == 201, r.text
    assert r.json()[0]["certificate"] == number and not r.json()[0]["disagreement"]
    assert w.as_("other_auditor").post("/api/peer-reviews", json={
        "reviewer_body": "CB1", "size": 1}).status_code == 403
    # a body cannot peer-review its own certificates
    r = auditor.post("/api/peer-reviews", json={"reviewer_body": "CB1", "size": 1})
    assert r.status_code in (404, 409, 422) and r.json()["field"] == "body"

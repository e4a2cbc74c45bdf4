"""The procurement scenario end to end through the API: an officer sets criteria, screens three
bidders (one passes, one is over the limit, one is suspended), downloads the signed record and
checks it offline; every role against every procurement endpoint. Then the scenario pages
(procurement, green finance: forms with their CSRF token) and the leading firm's supply-chain
overview (API and page). One module, so one world is built for all of them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tanzuji.ledger.log import Ledger
from tanzuji.procurement.record import check_record
from tanzuji.server import csrf
from tanzuji.server.api.supply_overview import SharedOut, _factor_refs, supplier_inputs
from tanzuji.store.certification_db import CertificationDB
from tanzuji.store.supply_db import SupplyDB
from tests.procurement.certify import UNIT, certify
from tests.server.conftest import ROLES, World

TODAY = dt.datetime.now(dt.UTC).date()


def criteria(**changes: Any) -> dict[str, Any]:
    return {"name": "Cement lot 3", "pcr_id": "cement-en16908", "max_value": 800.0,
            "unit": UNIT, "label_required": False, "min_primary_share": 50.0,
            "closing_date": (TODAY + dt.timedelta(days=30)).isoformat(), **changes}


@pytest.fixture(scope="module")
def bidders(world: World) -> tuple[str, str, str]:
    """Three bidders: within the limit, over it, suspended."""
    acme = world.db.study(world.acme_study)
    assert acme is not None
    issued = TODAY - dt.timedelta(days=100)
    good = certify(world.db.engine, "CB1-PCF-A", "acme", 700.0, issued=issued,
                   study_sha256=acme["sha256"], labelled=True)
    over = certify(world.db.engine, "CB1-PCF-B", "other", 950.0, issued=issued)
    suspended = certify(world.db.engine, "CB1-PCF-C", "parts", 600.0, issued=issued)
    CertificationDB(world.db.engine).transition(suspended, "suspend", "surveillance failed",
                                                "decider")
    return good, over, suspended


def test_officer_screens_three_bidders(world: World, bidders: tuple[str, str, str]) -> None:
    good, over, suspended = bidders
    officer = world.as_("procurement")
    made = officer.post("/api/procurement/criteria", json=criteria())
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    answer = officer.post(f"/api/procurement/criteria/{cid}/screenings",
                          json={"text": f"{good}\n{over}; {suspended}\nNOPE-1"})
    assert answer.status_code == 201, answer.text
    envelope = answer.json()
    bids = {b["certificate"]: b for b in envelope["document"]["bids"]}
    assert [n for n, b in bids.items() if b["passed"]] == [good]
    failed = {n: [o["criterion"] for o in b["outcomes"] if not o["passed"]]
              for n, b in bids.items()}
    assert failed == {good: [], over: ["max_value", "primary_data"],
                      suspended: ["certificate", "primary_data"], "NOPE-1": ["certificate"]}
    reason = next(o for o in bids[suspended]["outcomes"] if o["criterion"] == "certificate")
    assert "suspended" in reason["en"] and "暂停" in reason["zh"]
    assert envelope["document"]["summary"] == {"bids": 4, "passed": 1, "failed": 3}
    assert bids[good]["facts"]["primary_data_share"] == pytest.approx(91.4, abs=0.1)

    sid = envelope["document"]["id"]
    listed = officer.get("/api/procurement/screenings").json()
    assert sid in [s["id"] for s in listed]
    record = officer.get(f"/api/procurement/screenings/{sid}/record")
    assert record.status_code == 200
    assert "attachment" in record.headers["content-disposition"]
    pem = Ledger(world.db.engine, world.settings.key_dir).public_pem()
    checked = check_record(record.json(), pem, "procurement-screening")
    assert checked.ok, checked.problems
    assert checked.proof_checked and checked.ledger_seq == envelope["ledger"]["seq"]

    tampered = json.loads(record.text)
    tampered["document"]["bids"][1]["passed"] = True
    assert not check_record(tampered, pem).ok
    online = world.as_("anonymous").post("/api/procurement/verify", json=tampered).json()
    assert online["ok"] is False and "signature" in online["problems"][0]
    assert world.as_("anonymous").post("/api/procurement/verify",
                                       json=record.json()).json()["ok"] is True


def test_label_and_closing_date(world: World, bidders: tuple[str, str, str]) -> None:
    good, over, _ = bidders
    officer = world.as_("procurement")
    # a closing date before the certificates were issued, and a label required
    cid = officer.post("/api/procurement/criteria", json=criteria(
        closing_date=(TODAY - dt.timedelta(days=200)).isoformat(), label_required=True,
        min_primary_share=None, max_value=1000.0)).json()["id"]
    bids = officer.post(f"/api/procurement/criteria/{cid}/screenings",
                        json={"certificates": [good, over]}).json()["document"]["bids"]
    assert [o["criterion"] for o in bids[0]["outcomes"] if not o["passed"]] == ["certificate"]
    assert "not issued" in bids[0]["outcomes"][0]["en"]
    assert [o["criterion"] for o in bids[1]["outcomes"] if not o["passed"]] == [
        "certificate", "label"]


def test_bad_input_is_a_clear_error(world: World) -> None:
    officer = world.as_("procurement")
    bad = officer.post("/api/procurement/criteria", json=criteria(max_value=-1))
    assert bad.status_code == 422 and bad.json()["field"].endswith("max_value")
    cid = officer.post("/api/procurement/criteria", json=criteria()).json()["id"]
    empty = officer.post(f"/api/procurement/criteria/{cid}/screenings", json={"text": " "})
    assert empty.status_code == 422 and empty.json()["field"] == "certificates"
    assert officer.get("/api/procurement/criteria/999999").status_code == 404
    assert officer.get("/api/procurement/screenings/abc123").status_code == 404


def _statuses(world: World, method: str, path: str, body: Any = None) -> dict[str, int]:
    return {role: world.as_(role).request(method, path, json=body).status_code
            for role in ROLES}


def expect(ok: dict[str, int], default: int = 403) -> dict[str, int]:
    return {role: ok.get(role, 401 if role == "anonymous" else default) for role in ROLES}


def test_every_role_against_the_procurement_endpoints(world: World) -> None:
    made = world.as_("procurement").post("/api/procurement/criteria", json=criteria())
    cid = made.json()["id"]
    sid = world.as_("procurement").post(f"/api/procurement/criteria/{cid}/screenings",
                                        json={"certificates": ["NOPE-1"]}).json()["document"]["id"]
    officer_only = expect({"procurement": 200})
    seen = expect({"procurement": 200, "regulator": 200}, default=404)
    matrix = [
        ("GET", "/api/procurement/criteria", None, officer_only),
        ("GET", f"/api/procurement/criteria/{cid}", None, officer_only),
        ("POST", "/api/procurement/criteria", criteria(), expect({"procurement": 201})),
        ("POST", f"/api/procurement/criteria/{cid}/screenings", {"certificates": ["X"]},
         expect({"procurement": 201})),
        ("GET", "/api/procurement/screenings", None, officer_only),
        ("GET", f"/api/procurement/screenings/{sid}", None, seen),
        ("GET", f"/api/procurement/screenings/{sid}/record", None, seen),
        ("POST", "/api/procurement/verify", {"format": "x"}, dict.fromkeys(ROLES, 200)),
    ]
    for method, path, body, statuses in matrix:
        assert _statuses(world, method, path, body) == statuses, (method, path)


def form_token(world: World, client: TestClient) -> str:
    return csrf.form_token(client.cookies.get(world.settings.session_cookie) or "")


def page_statuses(world: World, path: str) -> dict[str, int]:
    return {role: world.as_(role).get(path, follow_redirects=False).status_code
            for role in ROLES}


def page_expect(ok: dict[str, int]) -> dict[str, int]:
    """Pages: the anonymous are sent to log in, others refused."""
    return {role: ok.get(role, 302 if role == "anonymous" else 403) for role in ROLES}


def test_who_opens_the_pages(world: World) -> None:
    assert page_statuses(world, "/procurement") == page_expect({"procurement": 200})
    # the bank, and each organisation's administrator (to give consent)
    assert page_statuses(world, "/finance") == page_expect({"bank": 200, "admin": 200})
    assert page_statuses(world, "/finance/borrowers/acme") == page_expect({})
    nav = world.as_("procurement").get("/procurement").text
    assert 'href="http://testserver/procurement"' in nav


def test_criteria_screening_and_results(world: World) -> None:
    certify(world.db.engine, "CB1-PCF-WEB", "acme", 700.0, issued=TODAY - dt.timedelta(days=5))
    officer = world.as_("procurement")
    form = {"csrf": form_token(world, officer), "name": "Lot W", "pcr_id": "cement-en16908",
            "max_value": "-3", "closing_date": TODAY.isoformat()}
    bad = officer.post("/procurement/criteria", data=form)
    assert bad.status_code == 422 and 'id="max_value-error"' in bad.text
    made = officer.post("/procurement/criteria", data={**form, "max_value": "800"},
                        follow_redirects=False)
    assert made.status_code == 303
    criteria_url = made.headers["location"]
    screened = officer.post(criteria_url + "/screen", follow_redirects=False,
                            data={"csrf": form_token(world, officer)},
                            files={"csv": ("bids.csv", b"certificate\nCB1-PCF-WEB\nNOPE\n",
                                           "text/csv")})
    assert screened.status_code == 303
    result = officer.get(screened.headers["location"])
    assert 'data-certificate="CB1-PCF-WEB" data-passed="yes"' in result.text
    assert 'data-certificate="NOPE" data-passed="no"' in result.text
    assert officer.get(screened.headers["location"].replace("/procurement/", "/api/procurement/")
                       + "/record").status_code == 200
    empty = officer.post(criteria_url + "/screen", data={"csrf": form_token(world, officer)},
                         follow_redirects=False)
    assert "error=" in empty.headers["location"]
    # another buyer's page is not found, a screening is not shown to a bank
    assert world.as_("bank").get(screened.headers["location"]).status_code == 404


def test_consent_loan_and_borrower_page(world: World) -> None:
    certify(world.db.engine, "CB1-PCF-WEB2", "acme", 750.0,
            issued=dt.date(TODAY.year - 1, 3, 1))
    admin, bank = world.as_("admin"), world.as_("bank")
    page = admin.get("/finance")
    assert '<option value="bank1">' in page.text
    admin.post("/finance/consents", data={"csrf": form_token(world, admin), "bank_id": "bank1"})
    assert bank.get("/finance/borrowers/acme").status_code == 200
    loan = {"csrf": form_token(world, bank), "reference": "GL-W", "borrower_id": "acme",
            "pcr_id": "cement-en16908", "baseline_value": "800",
            "baseline_year": str(TODAY.year - 2), "reduction_percent": "5",
            "start_year": str(TODAY.year - 1), "end_year": str(TODAY.year)}
    bad = bank.post("/finance/loans", data={**loan, "end_year": "1999"}, follow_redirects=False)
    assert "error=" in bad.headers["location"]
    assert bank.post("/finance/loans", data=loan, follow_redirects=False).status_code == 303
    borrower = bank.get("/finance/borrowers/acme").text
    assert f'data-year="{TODAY.year - 1}" data-state="met"' in borrower
    assert 'id="chart-trend"' in borrower
    declared = bank.post("/finance/borrowers/acme/declaration",
                         data={"csrf": form_token(world, bank), "certificate": "CB1-PCF-WEB2"})
    assert declared.status_code == 200
    assert declared.json()["document"]["certificate"]["number"] == "CB1-PCF-WEB2"
    admin.post("/finance/consents", data={"csrf": form_token(world, admin), "bank_id": "bank1",
                                          "action": "revoke"})
    assert bank.get("/finance/borrowers/acme").status_code == 403


RESULT = {
    "contributions": [
        {"path": "processes[0].emissions[0]", "label": "CO2", "process": "kiln",
         "value": 500.0, "share": 70.0, "data": "primary"},
        {"path": "processes[0].inputs[0]", "label": "Coal, delivered", "process": "kiln",
         "value": 100.0, "share": 14.0, "data": "secondary"},
        {"path": "processes[0].inputs[1]", "label": "Steel balls", "process": "mill",
         "value": 60.0, "share": 8.0, "data": "secondary"},
        {"path": "processes[1].inputs[0]", "label": "Gypsum", "process": "mill",
         "value": 50.0, "share": 7.0, "data": "primary"},
    ],
    "sensitivity": {"exchanges": [
        {"path": "processes[0].inputs[1]", "elasticity": 0.3},
        {"path": "processes[0].inputs[0]", "elasticity": 0.14},
    ]},
}
STUDY = b"""processes:
  - id: kiln
    inputs:
      - {factor: coal-cn, amount: 1, unit: kg}
      - {factor: "supplier:balls-co/ball-01", amount: 1, unit: kg}
  - id: mill
    inputs:
      - {factor: gypsum, amount: 1, unit: kg}
"""


def test_inputs_ranked_by_elasticity_with_their_suppliers() -> None:
    shared = [SharedOut(study_id=9, supplier="gyp", name="Gypsum", value=1.0, unit="kg",
                        primary_data_share=80.0)]
    ranked = supplier_inputs(RESULT, _factor_refs(STUDY), shared)
    assert [i.label for i in ranked] == ["Steel balls", "Coal, delivered", "Gypsum"]
    assert [i.supplier for i in ranked] == ["balls-co", None, None]
    assert [i.shared_footprint for i in ranked] == [None, None, 9]
    # without a sensitivity analysis the contribution ranks them
    plain = supplier_inputs({"contributions": RESULT["contributions"]}, {}, [])
    assert [i.label for i in plain] == ["Coal, delivered", "Steel balls", "Gypsum"]
    assert _factor_refs(b"::: not yaml [") == {}


def test_overview_of_my_products(world: World) -> None:
    SupplyDB(world.db.engine).add_requests("acme", [
        {"supplier_id": "parts", "product_ids": ["urn:parts:clinker"],
         "product_name": "clinker", "due_on": dt.date(2020, 1, 1)}], "analyst")
    answer = world.as_("analyst").get("/api/supply-overview")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [s["supplier"] for s in body["shared"]] == ["parts"]
    assert [(r["supplier"], r["status"]) for r in body["requests"]] == [("parts", "overdue")]
    (product,) = body["products"]
    assert product["study_id"] == world.acme_study and product["calculated"]
    assert product["primary_data_share"] > 90
    shares = [abs(i["elasticity"] or i["share"] / 100) for i in product["inputs"]]
    assert shares == sorted(shares, reverse=True) and product["inputs"]
    assert all(".inputs[" in i["path"] for i in product["inputs"])
    page = world.as_("analyst").get("/supply-overview")
    assert page.status_code == 200 and 'id="supplier-requests"' in page.text
    assert "clinker" in page.text


def test_every_role_against_the_overview(world: World) -> None:
    customers = {"admin": 200, "analyst": 200, "consultant": 200, "outsider": 200}
    api = {role: world.as_(role).get("/api/supply-overview").status_code for role in ROLES}
    assert api == {role: customers.get(role, 401 if role == "anonymous" else 403)
                   for role in ROLES}
    pages = {role: world.as_(role).get("/supply-overview", follow_redirects=False).status_code
             for role in ROLES}
    assert pages == {role: customers.get(role, 302 if role == "anonymous" else 403)
                     for role in ROLES}

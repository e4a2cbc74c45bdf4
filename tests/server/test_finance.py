"""The green-finance scenario through the API: without the borrower's consent the bank sees
nothing; with it, the certified footprints, their trend, a signed declaration (checked offline)
and the assessment (JSON and Excel); a footprint-linked loan judged year by year; and every
role against every finance endpoint."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from tanzuji.ledger.log import Ledger
from tanzuji.procurement.record import check_record
from tanzuji.store.certification_db import CertificationDB
from tests.procurement.certify import certify
from tests.server.conftest import ROLES, World

THIS_YEAR = dt.datetime.now(dt.UTC).year


@pytest.fixture(scope="module")
def bank_world(world: World) -> Iterator[World]:
    """The module's world with acme's certificates; each test leaves no consent behind."""
    history(world)
    yield world


def history(world: World) -> None:
    """acme's cement certified three years running, and a withdrawn certificate."""
    engine = world.db.engine
    for year, value in ((THIS_YEAR - 3, 900.0), (THIS_YEAR - 2, 850.0),
                        (THIS_YEAR - 1, 830.0)):
        certify(engine, f"CB1-PCF-{year}", "acme", value, issued=dt.date(year, 6, 1))
    certify(engine, "CB1-PCF-W", "acme", 500.0, issued=dt.date(THIS_YEAR - 1, 9, 1))
    CertificationDB(engine).transition("CB1-PCF-W", "withdraw", "fraud found", "decider")


def loan(**changes: Any) -> dict[str, Any]:
    return {"reference": "GL-2024-001", "borrower_id": "acme", "pcr_id": "cement-en16908",
            "baseline_value": 900.0, "baseline_year": THIS_YEAR - 4, "reduction_percent": 3.0,
            "start_year": THIS_YEAR - 4, "end_year": THIS_YEAR, **changes}


def test_without_consent_the_bank_sees_nothing(bank_world: World) -> None:
    world = bank_world
    bank = world.as_("bank")
    assert bank.get("/api/finance/borrowers").json() == []
    for path in ("/api/finance/borrowers/acme/footprints",
                 "/api/finance/borrowers/acme/assessment"):
        assert bank.get(path).status_code == 403
    assert bank.post("/api/finance/borrowers/acme/declarations",
                     json={"certificate": f"CB1-PCF-{THIS_YEAR - 1}"}).status_code == 403
    made = bank.post("/api/finance/loans", json=loan())
    assert made.status_code == 201, made.text
    seen = bank.get(f"/api/finance/loans/{made.json()['id']}").json()
    assert seen["consent"] is False and seen["path"] is None
    # the borrower sees its own loan's path
    own = world.as_("analyst").get(f"/api/finance/loans/{made.json()['id']}").json()
    assert own["consent"] is True and own["path"]


def test_with_consent_trend_declaration_assessment_and_path(bank_world: World) -> None:
    world = bank_world
    assert world.as_("analyst").post("/api/finance/consents",
                                     json={"bank_id": "bank1"}).status_code == 403
    given = world.as_("admin").post("/api/finance/consents", json={"bank_id": "bank1"})
    assert given.status_code == 201 and given.json()["active"]
    bank = world.as_("bank")
    assert bank.get("/api/finance/borrowers").json() == ["acme"]

    seen = bank.get("/api/finance/borrowers/acme/footprints").json()
    assert len(seen["certificates"]) == 4
    (series,) = seen["trend"]
    points = [(p["year"], p["value"], p["status"]) for p in series["points"]]
    # a two-year certificate has expired since: still a certified result of its year
    assert points == [(THIS_YEAR - 3, 900.0, "expired"), (THIS_YEAR - 2, 850.0, "expired"),
                      (THIS_YEAR - 1, 830.0, "valid"), (THIS_YEAR - 1, 500.0, "withdrawn")]
    assert series["points"][1]["change_percent"] == (850 - 900) / 900 * 100

    number = f"CB1-PCF-{THIS_YEAR - 1}"
    declared = bank.post("/api/finance/borrowers/acme/declarations",
                         json={"certificate": number})
    assert declared.status_code == 201, declared.text
    pem = Ledger(world.db.engine, world.settings.key_dir).public_pem()
    envelope = declared.json()
    checked = check_record(envelope, pem, "green-finance-declaration")
    assert checked.ok, checked.problems
    assert envelope["document"]["certificate"]["value"] == 830.0
    forged = json.loads(declared.text)
    forged["document"]["certificate"]["value"] = 700.0
    assert not check_record(forged, pem).ok
    assert bank.post("/api/finance/borrowers/acme/declarations",
                     json={"certificate": "CB1-PCF-NONE"}).status_code == 404

    made = bank.post("/api/finance/loans", json=loan()).json()
    path = bank.get(f"/api/finance/loans/{made['id']}").json()["path"]
    states = {y["year"]: y["state"] for y in path}
    # targets 900·0.97^n from the baseline year: 873, 846.8, 821.4, 796.8 …
    assert states == {THIS_YEAR - 4: "no_result", THIS_YEAR - 3: "missed",
                      THIS_YEAR - 2: "missed", THIS_YEAR - 1: "missed", THIS_YEAR: "pending"}
    easy = bank.post("/api/finance/loans", json=loan(
        reduction_percent=None, start_year=THIS_YEAR - 3, end_year=THIS_YEAR - 1,
        baseline_year=THIS_YEAR - 3,
        targets={str(THIS_YEAR - 3): 950, str(THIS_YEAR - 2): 850,
                 str(THIS_YEAR - 1): 800})).json()
    easy_path = bank.get(f"/api/finance/loans/{easy['id']}").json()["path"]
    assert [y["state"] for y in easy_path] == ["met", "met", "missed"]

    as_json = bank.get("/api/finance/borrowers/acme/assessment")
    assert as_json.status_code == 200
    assert check_record(as_json.json(), pem, "green-finance-assessment").ok
    assessed = as_json.json()["document"]["loans"]
    assert {made["id"], easy["id"]} <= {x["id"] for x in assessed}
    workbook = bank.get("/api/finance/borrowers/acme/assessment?format=xlsx")
    book = load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames == ["Summary 摘要", "Certificates 证书", "Trend 趋势", "Loans 贷款"]
    assert book["Loans 贷款"].max_row == 1 + sum(len(x["path"]) for x in assessed)

    withdrawn = world.as_("admin").delete("/api/finance/consents/bank1")
    assert withdrawn.status_code == 200 and not withdrawn.json()["active"]
    assert bank.get("/api/finance/borrowers/acme/footprints").status_code == 403
    assert bank.get(f"/api/finance/loans/{made['id']}").json()["path"] is None
    history_rows = world.as_("admin").get("/api/finance/consents").json()
    assert not any(c["active"] for c in history_rows)


def test_bad_loans_and_consents(world: World) -> None:
    bank = world.as_("bank")
    both = bank.post("/api/finance/loans", json=loan(targets={"2025": 1.0}))
    assert both.status_code == 422
    assert bank.post("/api/finance/loans", json=loan(borrower_id="nobody")).status_code == 404
    not_a_bank = world.as_("admin").post("/api/finance/consents", json={"bank_id": "other"})
    assert not_a_bank.status_code == 422 and not_a_bank.json()["field"] == "bank_id"
    assert world.as_("admin").delete("/api/finance/consents/bank1").status_code == 404


def expect(ok: dict[str, int], default: int = 403) -> dict[str, int]:
    return {role: ok.get(role, 401 if role == "anonymous" else default) for role in ROLES}


def test_every_role_against_the_finance_endpoints(bank_world: World) -> None:
    world = bank_world
    world.as_("admin").post("/api/finance/consents", json={"bank_id": "bank1"})
    loan_id = world.as_("bank").post("/api/finance/loans", json=loan()).json()["id"]
    members = {"admin": 200, "analyst": 200, "consultant": 200}
    matrix: list[tuple[str, str, Any, dict[str, int]]] = [
        ("GET", "/api/finance/consents", None, expect({"admin": 200, "bank": 200})),
        ("GET", "/api/finance/borrowers", None, expect({"bank": 200})),
        ("GET", "/api/finance/borrowers/acme/footprints", None, expect({"bank": 200})),
        ("GET", "/api/finance/borrowers/acme/assessment", None, expect({"bank": 200})),
        ("POST", "/api/finance/borrowers/acme/declarations",
         {"certificate": f"CB1-PCF-{THIS_YEAR - 1}"}, expect({"bank": 201})),
        ("GET", "/api/finance/loans", None,
         expect({**members, "supplier": 200, "outsider": 200, "bank": 200})),
        ("GET", f"/api/finance/loans/{loan_id}", None,
         expect({**members, "bank": 200}, default=404)),
        ("POST", "/api/finance/loans", loan(), expect({"bank": 201})),
    ]
    for method, path, body, statuses in matrix:
        got = {role: world.as_(role).request(method, path, json=body).status_code
               for role in ROLES}
        assert got == statuses, (method, path)
    world.as_("admin").delete("/api/finance/consents/bank1")


def test_grades_come_from_benchmarking(bank_world: World,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The grade shown and declared is benchmarking's ``grade_for`` answer for the PCR."""
    from tanzuji.benchmark import Grade
    from tanzuji.server.api import finance

    asked: list[tuple[str, float, str | None]] = []

    def graded(engine: object, pcr_id: str, value: float, *, unit: str | None = None) -> Grade:
        asked.append((pcr_id, value, unit))
        return Grade("B", 30.0, "quintiles", (700.0, 800.0, 900.0, 1000.0), 12, (("cpcd", 12),))

    monkeypatch.setattr(finance, "grade_for", graded)
    world = bank_world
    world.as_("admin").post("/api/finance/consents", json={"bank_id": "bank1"})
    try:
        bank = world.as_("bank")
        seen = bank.get("/api/finance/borrowers/acme/footprints").json()
        assert {c["grade"]["grade"] for c in seen["certificates"]} == {"B"}
        assert [a for a in asked if a[:2] == ("cement-en16908@1.0", 830.0)]
        assert all(unit for _, _, unit in asked)  # converted from the certificate's unit
        declared = bank.post("/api/finance/borrowers/acme/declarations",
                             json={"certificate": f"CB1-PCF-{THIS_YEAR - 1}"}).json()
        assert declared["document"]["grade"]["grade"] == "B"
    finally:
        world.as_("admin").delete("/api/finance/consents/bank1")

"""Benchmarks, grades, scenarios and the public product card over HTTP: every role against
every new endpoint, the anonymity of platform results, and the widget's live status."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import update

from tanzuji.server.csrf import form_token
from tanzuji.store.certification_db import CertificationDB
from tanzuji.store.db import transaction
from tanzuji.store.tables import CertCertificate
from tests.benchmark.helpers import certify, scaled_result, stored_study
from tests.server.conftest import EXAMPLE, ROLES, World

ACME_MEMBERS = {"admin": 200, "analyst": 200, "consultant": 200}
SCENARIO = {"changes": [{"kind": "green_electricity", "instrument": "GEC", "source": "wind"}]}


def expect(ok: dict[str, int], default: int = 403) -> dict[str, int]:
    return {role: ok.get(role, 401 if role == "anonymous" else default) for role in ROLES}


PUBLIC = dict.fromkeys(ROLES, 200)


@pytest.fixture(scope="module")
def certified(world: World, example_result: str) -> list[str]:
    """Four valid cement certificates: three linked to platform studies (breakdowns), one
    held as a total only. The studies belong to another company, which must never show."""
    result = json.loads(example_result)
    content = EXAMPLE.read_bytes()
    shas = [stored_study(world.db, "other", content, scaled_result(result, f), f"v{f}")
            for f in (0.8, 0.85, 0.9)]
    total = result["total"]
    return certify(world.db.engine, [total * 0.8, total * 0.85, total * 0.9, total * 1.2],
                   prefix="BM", shas=[*shas, None])


MATRIX: list[tuple[str, str, dict[str, int]]] = [
    ("GET", "/api/studies/{acme}/benchmark", expect(ACME_MEMBERS)),
    ("POST", "/api/studies/{acme}/scenarios", expect(ACME_MEMBERS)),
    ("GET", "/api/studies/{parts}/benchmark", expect({"supplier": 200})),
    ("GET", "/api/benchmarks/cement-en16908", PUBLIC),
    ("GET", "/api/benchmarks/cement-en16908/grade?value=700", PUBLIC),
    ("GET", "/api/public/products/{cert}", PUBLIC),
    ("GET", "/widget/{cert}", PUBLIC),
    ("GET", "/widget/{cert}/embed", PUBLIC),
]


@pytest.mark.parametrize(("method", "template", "statuses"), MATRIX,
                         ids=[f"{m} {t}" for m, t, _ in MATRIX])
def test_role_matrix(world: World, certified: list[str], method: str, template: str,
                     statuses: dict[str, int]) -> None:
    path = template.format(acme=world.acme_study, parts=world.parts_study, cert=certified[0])
    got = {}
    for role in ROLES:
        client = world.as_(role)
        r = (client.post(path, json=SCENARIO) if method == "POST" else client.get(path))
        got[role] = r.status_code
    assert got == statuses


def test_study_benchmark_grade_and_weak_links(world: World, certified: list[str]) -> None:
    r = world.as_("analyst").get(f"/api/studies/{world.acme_study}/benchmark")
    assert r.status_code == 200, r.text
    bm = r.json()
    assert bm["pcr"] == "cement-en16908@1.0" and bm["unit"] == "kg CO2e per t"
    assert bm["grade"]["letter"] == "D"  # 1.0 x the example among 0.8, 0.85, 0.9, 1.2
    assert bm["distribution"]["n"] == 4
    assert {p["label"] for p in bm["distribution"]["points"]} == {None}
    weak = bm["weak_links"]
    assert weak["group_size"] == 3 and weak["with_breakdown"] == 3
    production = next(g for g in weak["gaps"] if g["key"] == "production")
    assert production["difference"] == pytest.approx(
        production["value"] * (1 - 0.85), rel=1e-6)
    text = r.text
    assert "other" not in json.dumps(bm["distribution"]) and "variant" not in text
    assert "CN-BM" not in text and "P.O 42.5-BM" not in text and "co-bm" not in text


def test_scenarios_recalculate_without_saving(world: World, certified: list[str]) -> None:
    studies_before = len(world.db.studies(["acme"], []))
    r = world.as_("analyst").post(f"/api/studies/{world.acme_study}/scenarios", json={
        "changes": [SCENARIO["changes"][0],
                    {"kind": "transport_mode", "from_mode": "road", "to_mode": "rail"}]})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["total"] < out["base_total"] and out["delta"] < 0 and out["saved"] is False
    assert out["grade"]["letter"] <= out["base_grade"]["letter"]
    assert len(out["applied"]) == 2
    assert len(world.db.studies(["acme"], [])) == studies_before


def test_a_scenario_saved_as_a_new_study(world: World, certified: list[str]) -> None:
    analyst = world.as_("analyst")
    r = analyst.post(f"/api/studies/{world.acme_study}/scenarios", json={
        **SCENARIO, "save": True, "name": "cement, wind GEC"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["saved"] is True and out["study_id"] != world.acme_study
    new = analyst.get(f"/api/studies/{out['study_id']}").json()
    assert new["name"] == "cement, wind GEC" and new["organisation_id"] == "acme"
    assert {f["name"] for f in new["files"]} >= {"factors/cn-common.csv"}
    valid = analyst.post(f"/api/studies/{out['study_id']}/validate").json()
    assert valid["valid"], valid
    original = analyst.get(f"/api/studies/{world.acme_study}/files/portland-cement.yaml")
    assert original.content == EXAMPLE.read_bytes()


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"changes": [{"kind": "scale", "input": "unobtainium", "factor": 2}]}, 422, "changes[0]"),
    ({"changes": [{"kind": "teleport"}]}, 422, None),
    ({"changes": []}, 422, None),
])
def test_bad_scenarios_are_clear(world: World, body: dict[str, Any], status: int,
                                 field: str | None) -> None:
    r = world.as_("analyst").post(f"/api/studies/{world.acme_study}/scenarios", json=body)
    assert r.status_code == status
    answer = r.json()
    assert answer["code"] and answer["message"]
    if field:
        assert answer["field"] == field


def test_category_and_grade_endpoints(world: World, certified: list[str]) -> None:
    answer = world.as_("anonymous").get("/api/benchmarks/cement-en16908")
    assert "co-bm" not in answer.text and "CN-BM" not in answer.text
    dist = answer.json()
    assert dist["n"] == 4 and dist["sources"] == {"certified_platform": 4}
    grade = world.as_("anonymous").get("/api/benchmarks/cement-en16908/grade?value=1").json()
    assert grade["letter"] == "A" and grade["n"] == 4
    missing = world.as_("anonymous").get("/api/benchmarks/cn-notebook-computer")
    assert missing.status_code == 422 and missing.json()["code"] == "no_benchmark"
    few = world.as_("anonymous").get("/api/benchmarks/steel-eaf/grade?value=900")
    assert few.status_code == 409 and few.json()["code"] == "too_few_values"


def test_public_product_card(world: World, certified: list[str]) -> None:
    r = world.as_("anonymous").get(f"/api/public/products/{certified[0]}")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "public, max-age=60"
    assert r.headers["access-control-allow-origin"] == "*"
    card = r.json()
    assert card["status"] == "valid" and card["grade"]["letter"] == "A"
    assert card["comparison"]["below_median_percent"] > 0
    assert "比同类产品中位数低" in card["explanation"]["zh"]
    assert "below the category median" in card["explanation"]["en"]
    assert card["verification_url"].endswith(f"/v/{certified[0]}")
    unknown = world.as_("anonymous").get("/api/public/products/CN-NOSUCH-9")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


def test_widget_is_self_contained_and_follows_suspension(world: World,
                                                         certified: list[str]) -> None:
    number = certified[1]
    client = world.as_("anonymous")
    r = client.get(f"/widget/{number}?lang=en")
    assert r.status_code == 200
    assert "frame-ancestors *" in r.headers["content-security-policy"]
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "public, max-age=60"
    html = r.text
    assert "<script" not in html and "<link" not in html and " src=" not in html
    assert 'data-status="valid"' in html and 'id="widget-grade"' in html
    db = CertificationDB(world.db.engine)
    db.transition(number, "suspend", "surveillance found a nonconformity", "tester")
    try:
        suspended = client.get(f"/widget/{number}?lang=en").text
        assert 'data-status="suspended"' in suspended and 'id="widget-grade"' not in suspended
        assert "suspended" in suspended
        card = client.get(f"/api/public/products/{number}").json()
        assert card["status"] == "suspended" and card["grade"] is None
    finally:
        db.transition(number, "restore", "closed", "tester")
    embed = client.get(f"/widget/{number}/embed")
    assert "&lt;iframe" in embed.text and f"/widget/{number}" in embed.text
    assert client.get("/widget/CN-NOSUCH-9").status_code == 404


def test_label_page_explains_the_number(world: World, certified: list[str]) -> None:
    page = world.as_("anonymous").get(f"/v/{certified[0]}")
    assert page.status_code == 200
    assert 'id="label-explanation"' in page.text and "同类产品中位数" in page.text


def test_result_page_section_and_scenario_form(world: World, certified: list[str]) -> None:
    analyst = world.as_("analyst")
    page = analyst.get(f"/studies/{world.acme_study}/result")
    assert page.status_code == 200
    assert 'id="benchmark"' in page.text and 'data-grade="D"' in page.text
    assert "chart-benchmark" in page.text and 'id="weak-links"' in page.text
    # the certifying body reads the result, not the benchmark
    auditor = world.as_("auditor").get(f"/studies/{world.acme_study}/result")
    assert auditor.status_code == 200 and 'id="benchmark"' not in auditor.text
    session = analyst.cookies.get(world.settings.session_cookie)
    assert session
    r = analyst.post(f"/studies/{world.acme_study}/scenarios",
                     data={"green_instrument": "GEC", "green_source": "wind",
                           "green_share": "1", "csrf": form_token(session)})
    assert r.status_code == 200, r.text
    assert 'id="scenario-result"' in r.text and 'id="scenario-after"' in r.text
    bad = analyst.post(f"/studies/{world.acme_study}/scenarios",
                       data={"scale_input": "unobtainium", "scale_factor": "2",
                             "csrf": form_token(session)})
    assert bad.status_code == 422 and 'id="scenario-error"' in bad.text


def test_widget_escapes_what_the_registry_holds(world: World, certified: list[str]) -> None:
    number = certified[2]
    with transaction(world.db.engine) as s:
        s.execute(update(CertCertificate).where(CertCertificate.number == number)
                  .values(product="<img src=x onerror=alert(1)>"))
    try:
        html = world.as_("anonymous").get(f"/widget/{number}?lang=en").text
        assert "<img" not in html and "&lt;img src=x" in html
    finally:
        with transaction(world.db.engine) as s:
            s.execute(update(CertCertificate).where(CertCertificate.number == number)
                      .values(product="Portland cement"))

"""The supplier portal: incoming requests, the questionnaire's round trip with problems named
by cell (nothing stored), the web form, declining; the customer's view of what arrived. The
browser test walks the same path in Chromium with screenshots."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tanzuji.certification.demo import APPLICANT
from tanzuji.exchange.questionnaire import defaults
from tanzuji.store.supply_db import SupplyDB
from tests.server.web.chromium import log_in, needs_chromium, shot
from tests.server.web.conftest import Site, login
from tests.supply.questionnaires import ANSWERS, fill

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def new_request(site: Site, product: str) -> dict[str, object]:
    db = SupplyDB.open(site.database_url)
    try:
        [rid] = db.add_requests(APPLICANT, [{"supplier_id": "demo-supplier",
                                             "product_ids": [product],
                                             "product_name": f"bracket {product[-2:]}"}],
                                "analyst")
        return db.request(rid)
    finally:
        db.engine.dispose()


def test_questionnaire_upload_and_customer_view(app_client: TestClient, site: Site) -> None:
    req = new_request(site, "urn:gtin:7000000000001")
    login(app_client, "supplier")
    portal = app_client.get("/supplier")
    assert portal.status_code == 200 and f'id="req-{req["id"]}"' in portal.text
    page = app_client.get(f"/supplier/requests/{req['id']}")
    assert page.status_code == 200 and "download-zh" in page.text
    blank = app_client.get(f"/api/supply/requests/{req['id']}/questionnaire?lang=zh")
    assert blank.headers["content-type"] == XLSX
    bad = app_client.post(f"/supplier/requests/{req['id']}/upload", files={
        "file": ("q.xlsx", fill(blank.content, pcf_total=5), XLSX)})
    assert bad.status_code == 422
    assert "Footprint!C15" in bad.text and "pcf_total" in bad.text
    junk = app_client.post(f"/supplier/requests/{req['id']}/upload", files={
        "file": ("q.xlsx", b"not a workbook", XLSX)})
    assert junk.status_code == 422 and "not an Excel" in junk.text
    ok = app_client.post(f"/supplier/requests/{req['id']}/upload", files={
        "file": ("q.xlsx", fill(blank.content), XLSX)})
    assert ok.status_code == 303 and "published=" in ok.headers["location"]
    login(app_client, "analyst")
    mine = app_client.get("/supplier")
    assert "supplier:demo-supplier/urn:gtin:7000000000001" in mine.text
    login(app_client, "other")  # another customer sees neither the request nor the answer
    assert app_client.get(f"/supplier/requests/{req['id']}").status_code == 404
    assert "urn:gtin:7000000000001" not in app_client.get("/supplier").text


def test_web_form_and_decline(app_client: TestClient, site: Site) -> None:
    req = new_request(site, "urn:gtin:7000000000002")
    login(app_client, "supplier")
    form = {k: str(v) for k, v in (defaults(req) | ANSWERS).items()}
    wrong = app_client.post(f"/supplier/requests/{req['id']}/form",
                            data=form | {"declared_unit": "barrel"})
    assert wrong.status_code == 422 and "declared_unit" in wrong.text
    assert 'value="Parts Co."' in wrong.text  # what was typed is kept
    ok = app_client.post(f"/supplier/requests/{req['id']}/form", data=form)
    assert ok.status_code == 303
    other = new_request(site, "urn:gtin:7000000000003")
    empty = app_client.post(f"/supplier/requests/{other['id']}/decline", data={"reason": ""})
    assert empty.status_code == 422
    declined = app_client.post(f"/supplier/requests/{other['id']}/decline",
                               data={"reason": "not our product"})
    assert declined.status_code == 303
    db = SupplyDB.open(site.database_url)
    assert db.request(str(other["id"]))["error"] == {"code": "Declined",
                                                     "message": "not our product"}
    db.engine.dispose()
    login(app_client, "citizen")
    assert app_client.get("/supplier").status_code == 403


@needs_chromium
def test_supplier_answers_in_the_browser(browser: object, server: str, site: Site,
                                         tmp_path: Path) -> None:

    req = new_request(site, "urn:gtin:7000000000004")
    page = browser.new_page(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, server, "supplier")
    page.goto(f"{server}/supplier")
    page.wait_for_selector(f"#req-{req['id']}")
    shot(page, "supplier-01-requests")
    page.click(f"#req-{req['id']} a")
    page.wait_for_selector("#download-en")
    with page.expect_download() as download:
        page.click("#download-en")
    blank = tmp_path / "blank.xlsx"
    download.value.save_as(blank)
    bad, good = tmp_path / "bad.xlsx", tmp_path / "filled.xlsx"
    bad.write_bytes(fill(blank.read_bytes(), temporal_dqr=9))
    good.write_bytes(fill(blank.read_bytes()))
    page.set_input_files("#file", str(bad))
    page.click("#upload-submit")
    page.wait_for_selector("#problems")
    assert "Footprint!C31" in page.inner_text("#problems")
    shot(page, "supplier-02-problems")
    page.set_input_files("#file", str(good))
    page.click("#upload-submit")
    page.wait_for_selector("#published")
    shot(page, "supplier-03-published")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "supplier-04-mobile")
    assert errors == []

"""In headless Chromium: the leading firm's supply-chain overview, reached from the menu, with
the requests it sent to a supplier and their status. Screenshot in var/test-artifacts/web/."""

from __future__ import annotations

from tanzuji.certification.demo import APPLICANT
from tanzuji.store.supply_db import SupplyDB
from tests.server.web.chromium import log_in, needs_chromium, shot
from tests.server.web.conftest import Site

pytestmark = needs_chromium


def test_the_overview_shows_requests_and_their_status(browser: object, server: str,
                                                      site: Site) -> None:
    supply = SupplyDB.open(site.database_url)
    try:
        supply.add_requests(APPLICANT, [{"supplier_id": "demo-supplier",
                                         "product_ids": ["urn:gtin:4712345000901"],
                                         "product_name": "overview bracket"}], "analyst")
    finally:
        supply.engine.dispose()
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    try:
        log_in(page, server, "analyst")
        page.click("nav a[href$='/supply-overview']")
        page.wait_for_selector("#supplier-requests")
        requests = page.inner_text("#supplier-requests")
        assert "overview bracket" in requests and "demo-supplier" in requests
        shot(page, "25-supply-overview")
    finally:
        page.close()

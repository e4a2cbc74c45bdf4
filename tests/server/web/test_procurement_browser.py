"""In headless Chromium: a procurement officer sets criteria, pastes the certified steel
example's number beside an unknown one and reads the screening; the applicant consents to its
bank, whose officer sees the certified footprint, its trend and a loan's path. Screenshots go
to var/test-artifacts/web/."""

from __future__ import annotations

import datetime as dt

import pytest

from tanzuji.certification.demo import APPLICANT
from tanzuji.store.certification_db import CertificationDB
from tanzuji.store.platform_db import PlatformDB
from tests.server.web.chromium import log_in, needs_chromium, shot
from tests.server.web.conftest import PASSWORD, Site

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def scenario_users(site: Site) -> dict[str, str]:
    """A public buyer's officer and a bank's officer on the web test site (once)."""
    db = PlatformDB.open(site.database_url)
    known = {o["id"] for o in db.organisations()}
    for org, kind in (("demo-buyer", "public_buyer"), ("demo-bank", "bank")):
        if org not in known:
            db.add_organisation(org, org, kind)
    users = {u.username for u in db.users()}
    for name, org, role in (("buyer", "demo-buyer", "procurement_officer"),
                            ("banker", "demo-bank", "bank")):
        if name not in users:
            db.add_user(name, PASSWORD, [role], org)
    db.engine.dispose()
    cert = CertificationDB.open(site.database_url)
    found = cert.certificate(site.certificate)
    cert.engine.dispose()
    assert found is not None
    return {"pcr": str(found["pcr"]).split("@")[0], "value": str(found["value"]),
            "unit": found["unit"]}


def test_officer_screens_bids(browser: object, server: str, site: Site,
                              scenario_users: dict[str, str]) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, server, "buyer")
    page.goto(f"{server}/procurement")
    page.fill("#name", "Steel coil tender, lot 2")
    page.fill("#pcr_id", scenario_users["pcr"])
    page.fill("#max_value", str(float(scenario_users["value"]) * 1.1))
    page.fill("#closing_date", (dt.date.today() + dt.timedelta(days=20)).isoformat())
    page.check("#label_required")
    page.click("#criteria-submit")
    page.wait_for_selector("#screen-form")
    page.fill("#certificates", f"{site.certificate}\nCN-UNKNOWN-0001")
    shot(page, "20-procurement-criteria")
    page.click("#screen-submit")
    page.wait_for_selector("#screening-results")
    passed = page.get_attribute(f"tr[data-certificate='{site.certificate}']", "data-passed")
    assert passed == "yes"
    assert page.get_attribute("tr[data-certificate='CN-UNKNOWN-0001']", "data-passed") == "no"
    assert page.locator("tr[data-certificate='CN-UNKNOWN-0001'] li.warning").count() == 1
    assert page.locator("#download-record").count() == 1
    shot(page, "21-procurement-screening")
    assert not errors, errors
    page.close()


def test_bank_sees_a_consenting_borrower(browser: object, server: str,
                                         scenario_users: dict[str, str]) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, server, "admin")  # the applicant's administrator consents
    page.goto(f"{server}/finance")
    page.select_option("#bank_id", "demo-bank")
    page.click("#consent-submit")
    page.wait_for_selector("#consents .ok")
    shot(page, "22-finance-consent")
    page.click("#logout")

    log_in(page, server, "banker")
    page.goto(f"{server}/finance")
    year = dt.date.today().year
    for field, value in (("reference", "GL-STEEL-1"), ("borrower_id", APPLICANT),
                         ("pcr_id", scenario_users["pcr"]),
                         ("baseline_value", str(float(scenario_users["value"]) * 1.2)),
                         ("baseline_year", str(year - 1)), ("reduction_percent", "4"),
                         ("start_year", str(year)), ("end_year", str(year + 2))):
        page.fill(f"#{field}", value)
    page.click("#loan-submit")
    page.wait_for_selector(f"#borrowers a:has-text('{APPLICANT}')")
    page.click(f"#borrowers a:has-text('{APPLICANT}')")
    page.wait_for_selector("#chart-trend .main-svg")
    assert page.get_attribute(f"tr[data-year='{year}']", "data-state") == "met"
    shot(page, "23-finance-borrower")
    assert not errors, errors
    page.close()

"""In headless Chromium: the result page's benchmark (grade and distribution chart), the shop
widget before and after a suspension, and the QR label page's plain-words explanation.
Screenshots go to var/test-artifacts/web/."""

from __future__ import annotations

import json

import pytest

from tanzuji.certification.demo import APPLICANT
from tanzuji.jobs.tasks import StudyInput, footprint
from tanzuji.store.certification_db import CertificationDB
from tanzuji.store.platform_db import PlatformDB
from tests.server.web.chromium import log_in, needs_chromium, shot
from tests.server.web.conftest import EXAMPLES, Site

pytestmark = needs_chromium
STEEL = EXAMPLES / "steel-bf-bof-hot-rolled.yaml"


@pytest.fixture(scope="module")
def steel_study(site: Site) -> int:
    """The steel example stored for the applicant with a finished calculation."""
    study = StudyInput.from_folder(STEEL)
    result = json.loads(footprint(study))
    db = PlatformDB.open(site.database_url)
    files = {k: v for k, v in study.files.items() if k != study.study}
    study_id = db.add_study(APPLICANT, "HRC benchmark", study.study, study.files[study.study],
                            files, "analyst")
    job = db.add_job("calculate", {}, "analyst", APPLICANT, study_id)
    db.update_job(job, state="done", progress=1.0, result=result)
    db.engine.dispose()
    return study_id


def test_result_page_shows_grade_and_distribution(browser: object, server: str,
                                                  steel_study: int) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, server, "analyst")
    page.goto(f"{server}/studies/{steel_study}/result")
    page.wait_for_selector("#chart-benchmark .main-svg")
    assert page.inner_text("#benchmark-grade") in {"A", "B", "C", "D", "E"}
    assert page.locator("#scenario-form").count() == 1
    shot(page, "20-result-benchmark")
    page.select_option("#green-instrument", "GEC")
    page.click("#scenario-run")
    page.wait_for_selector("#scenario-result")
    before = float(page.inner_text("#scenario-before").replace(",", ""))
    after = float(page.inner_text("#scenario-after").replace(",", ""))
    assert after < before
    shot(page, "21-scenario")
    assert not errors, errors
    page.close()


def test_widget_follows_a_suspension(browser: object, server: str, site: Site) -> None:
    page = browser.new_page(viewport={"width": 400, "height": 260})  # type: ignore[attr-defined]
    page.goto(f"{server}/widget/{site.certificate}?lang=en")
    assert page.get_attribute("#widget", "data-status") == "valid"
    assert page.inner_text("#widget-grade") in {"A", "B", "C", "D", "E"}
    shot(page, "22-widget-valid")
    db = CertificationDB.open(site.database_url)
    db.transition(site.certificate, "suspend", "surveillance found a nonconformity", "tester")
    try:
        page.reload()
        assert page.get_attribute("#widget", "data-status") == "suspended"
        assert "suspended" in page.inner_text("#widget-status")
        assert page.locator("#widget-grade").count() == 0
        shot(page, "23-widget-suspended")
    finally:
        db.transition(site.certificate, "restore", "nonconformity closed", "tester")
        db.engine.dispose()
    page.close()


def test_label_page_explains_the_number(browser: object, server: str, site: Site) -> None:
    phone = browser.new_context(viewport={"width": 390, "height": 844},  # type: ignore[attr-defined]
                                is_mobile=True)
    page = phone.new_page()
    page.goto(site.qr_text)
    page.wait_for_selector("#label-explanation")
    text = page.inner_text("#label-plain")
    assert "kg" in text and "中位数" in text
    shot(page, "24-label-explanation")
    phone.close()

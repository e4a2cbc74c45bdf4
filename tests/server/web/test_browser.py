"""End to end in headless Chromium (Debian's, driven by Playwright): log in, upload the steel
example, follow its calculation, see the charts, then open the public label page from the
label's QR link, before and after the certificate is suspended. Screenshots go to
var/test-artifacts/web/."""

from __future__ import annotations

from tanzuji.store.certification_db import CertificationDB
from tests.server.web.chromium import log_in, needs_chromium, shot
from tests.server.web.conftest import EXAMPLES, Site

pytestmark = needs_chromium


def test_upload_calculate_and_chart(browser: object, server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, server, "analyst")
    shot(page, "01-dashboard")

    page.goto(f"{server}/studies")
    page.fill("#name", "Hot-rolled coil")
    page.set_input_files("#study", str(EXAMPLES / "steel-bf-bof-hot-rolled.yaml"))
    page.set_input_files("#tables", [str(EXAMPLES / "factors" / "steel-bf-bof.csv"),
                                     str(EXAMPLES / "factors" / "cn-common.csv")])
    page.click("#upload-submit")
    page.wait_for_selector("#study-valid")
    assert page.inner_text("#study-name") == "Hot-rolled coil"
    shot(page, "02-study")

    page.fill("#iterations", "300")
    page.click("#calculate")
    page.wait_for_selector("#job")
    page.reload()  # the job is stored: the page picks it up again
    page.wait_for_selector("#job[data-state=done]", timeout=60_000)
    shot(page, "03-job-done")
    page.click("#job-result")
    page.wait_for_selector("#chart-stages .main-svg")
    page.wait_for_selector("#chart-sankey .main-svg")
    page.wait_for_selector("#chart-uncertainty .main-svg")
    assert float(page.inner_text("#result-total").replace(",", "")) > 0
    shot(page, "04-result-charts")

    page.click("#lang-switch")
    page.wait_for_selector("html[lang=en]")
    assert "Result" in page.inner_text("h1")
    assert not errors, errors
    page.close()


def test_validation_messages_beside_the_text(browser: object, server: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    log_in(page, server, "analyst")
    page.goto(f"{server}/studies")
    broken = (EXAMPLES / "steel-bf-bof-hot-rolled.yaml").read_text(encoding="utf-8").replace(
        "boundary: cradle_to_gate", "boundary: cradle_to_moon", 1)
    page.fill("#text", broken)
    page.click("#upload-submit")
    page.wait_for_selector("#study-problems")
    problem = page.locator("#text-problems li").first
    assert problem.get_attribute("data-field")
    assert problem.get_attribute("data-line")
    problem.locator("a").click()  # selects the line in the text
    assert page.evaluate("document.activeElement.id") == "text"
    shot(page, "05-validation")
    page.close()


def test_public_label_page_and_suspension(browser: object, server: str, site: Site) -> None:
    assert site.qr_text.startswith(f"{server}/v/")
    phone = browser.new_context(viewport={"width": 390, "height": 844},  # type: ignore[attr-defined]
                                is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(site.qr_text)
    page.wait_for_selector("#label-check[data-checked=true]")
    assert page.get_attribute("#label-check", "data-signature-valid") == "true"
    assert page.is_visible("#registry-ok")
    assert page.locator(".warning").count() == 0
    shot(page, "06-label-valid")

    db = CertificationDB.open(site.database_url)
    db.transition(site.certificate, "suspend", "surveillance found a nonconformity", "tester")
    try:
        page.reload()
        page.wait_for_selector("#label-check[data-checked=true]")
        warning = page.locator("#registry-record .warning[data-code=suspended]")
        assert "暂停" in warning.inner_text()
        assert page.locator("#label-warnings .warning[data-code=suspended]").count() == 1
        shot(page, "07-label-suspended")
        page.click("#lang-switch")
        page.wait_for_selector("html[lang=en]")
        assert "suspended" in page.inner_text("#registry-record .warning")
        shot(page, "08-label-suspended-en")
    finally:
        db.transition(site.certificate, "restore", "nonconformity closed", "tester")
        db.engine.dispose()
    phone.close()


def test_tampered_label_fails(browser: object, server: str, site: Site) -> None:
    link, _, fragment = site.qr_text.partition("#")
    fields, signature = fragment.split(".")
    forged = f"{link}#{fields}.{signature[:-4]}AAAA"
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(forged)
    page.wait_for_selector("#label-check[data-checked=true]")
    assert page.get_attribute("#label-check", "data-signature-valid") == "false"
    assert page.locator("#label-warnings .warning[data-code=signature]").count() == 1
    shot(page, "09-label-forged")
    page.close()


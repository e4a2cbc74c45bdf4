"""The pages of issue 6 and 8 in headless Chromium: a case taken from application to
certificate by the decision-maker's and the auditor's logins, the certificate suspended and
withdrawn with the public label page following, evidence upload, user management, a forged
form refused, and the regulator's dashboard with its charts and a CSV download.
Screenshots go to var/test-artifacts/web/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server.web.chromium import log_in, needs_chromium, shot
from tests.server.web.conftest import EXAMPLES, Site, applied_case

pytestmark = needs_chromium
Page = object


@pytest.fixture
def page(browser: object) -> Iterator[Page]:
    opened = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    opened.close()
    assert not errors, errors


def _step(page: Page, button: str) -> None:
    page.click(button)  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert page.locator("#case-error").count() == 0, page.inner_text("#case-error")  # type: ignore[attr-defined]


def test_case_to_certificate_then_suspended_and_withdrawn(page: Page, server: str,
                                                          site: Site) -> None:
    case = applied_case(site, "HRC-WEB-BROWSER")
    log_in(page, server, "decider")
    page.goto(f"{server}/cases/{case}")  # type: ignore[attr-defined]
    page.fill("#accept-comment", "documents complete")  # type: ignore[attr-defined]
    _step(page, "#step-accept")
    boxes = page.locator("#plan-form input[name=team]")  # type: ignore[attr-defined]
    boxes.nth(2).check()
    boxes.nth(3).check()
    lead = boxes.nth(2).get_attribute("value")
    page.select_option("#plan-lead", lead)  # type: ignore[attr-defined]
    page.fill("#plan-text", "one day on site")  # type: ignore[attr-defined]
    _step(page, "#step-plan")
    shot(page, "30-case-planned")

    log_in(page, server, "auditor")
    page.goto(f"{server}/cases/{case}")  # type: ignore[attr-defined]
    for button in ("#step-review", "#step-inspect", "#step-verify"):
        _step(page, button)
    assert page.get_attribute("#case-facts", "data-state") == "verified"  # type: ignore[attr-defined]

    log_in(page, server, "decider")
    page.goto(f"{server}/cases/{case}")  # type: ignore[attr-defined]
    _step(page, "#step-grant")
    _step(page, "#step-issue")
    assert page.get_attribute("#case-facts", "data-state") == "certified"  # type: ignore[attr-defined]
    page.click("#case-certificate")  # type: ignore[attr-defined]
    page.wait_for_selector("#cert-facts[data-status=valid]")  # type: ignore[attr-defined]
    number = page.inner_text("h1").split()[-1]  # type: ignore[attr-defined]

    page.click("#action-suspend")  # no reason: the message stands beside the field
    page.wait_for_selector("#error-suspend-reason")  # type: ignore[attr-defined]
    page.fill("#suspend-reason", "surveillance found a nonconformity")  # type: ignore[attr-defined]
    page.click("#action-suspend")  # type: ignore[attr-defined]
    page.wait_for_selector("#cert-facts[data-status=suspended]")  # type: ignore[attr-defined]
    shot(page, "31-certificate-suspended")
    page.goto(f"{server}/v/{number}")  # type: ignore[attr-defined]
    assert "暂停" in page.inner_text("#registry-record .warning")  # type: ignore[attr-defined]

    page.goto(f"{server}/certificates/{number}")  # type: ignore[attr-defined]
    page.fill("#withdraw-reason", "false meter readings")  # type: ignore[attr-defined]
    page.click("#action-withdraw")  # type: ignore[attr-defined]
    page.wait_for_selector("#cert-facts[data-status=withdrawn]")  # type: ignore[attr-defined]
    page.goto(f"{server}/v/{number}")  # type: ignore[attr-defined]
    assert "撤销" in page.inner_text("#registry-record .warning")  # type: ignore[attr-defined]
    shot(page, "32-label-withdrawn")


def test_evidence_upload(page: Page, server: str, tmp_path: object) -> None:
    log_in(page, server, "analyst")
    page.goto(f"{server}/studies")  # type: ignore[attr-defined]
    page.fill("#name", "evidence study")  # type: ignore[attr-defined]
    page.set_input_files("#study", str(EXAMPLES / "steel-bf-bof-hot-rolled.yaml"))  # type: ignore[attr-defined]
    page.set_input_files("#tables", [str(EXAMPLES / "factors" / "steel-bf-bof.csv")])  # type: ignore[attr-defined]
    page.click("#upload button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("#evidence-form")  # type: ignore[attr-defined]
    page.fill("#evidence-path", "processes.0.inputs.0.amount")  # type: ignore[attr-defined]
    page.set_input_files("#evidence-file", files=[{  # type: ignore[attr-defined]
        "name": "meter.csv", "mimeType": "text/csv", "buffer": b"kWh\n1200\n"}])
    page.click("#evidence-upload")  # type: ignore[attr-defined]
    page.wait_for_selector(".evidence-row")  # type: ignore[attr-defined]
    assert "meter.csv" in page.inner_text("#evidence")  # type: ignore[attr-defined]
    page.set_input_files("#evidence-file", files=[{  # type: ignore[attr-defined]
        "name": "tool.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ"}])
    page.fill("#evidence-path", "processes.0.inputs.0.amount")  # type: ignore[attr-defined]
    page.click("#evidence-upload")  # type: ignore[attr-defined]
    page.wait_for_selector("#evidence-file-error")  # type: ignore[attr-defined]
    shot(page, "33-evidence")


def test_user_management_and_a_forged_form(page: Page, server: str) -> None:
    log_in(page, server, "admin")
    page.click("#dash-link-web_users")  # type: ignore[attr-defined]
    page.fill("#new-username", "browser-user")  # type: ignore[attr-defined]
    page.fill("#new-password", "long-enough-password")  # type: ignore[attr-defined]
    page.check("#new-role-analyst")  # type: ignore[attr-defined]
    page.click("#user-add-submit")  # type: ignore[attr-defined]
    page.wait_for_selector("#user-browser-user[data-active=yes]")  # type: ignore[attr-defined]
    page.click("#deactivate-browser-user")  # type: ignore[attr-defined]
    page.wait_for_selector("#user-browser-user[data-active=no]")  # type: ignore[attr-defined]
    shot(page, "34-users")

    # a form whose token was replaced, as a page on another site would have to send it
    page.evaluate("document.querySelectorAll('input[name=csrf]')"  # type: ignore[attr-defined]
                  ".forEach(function (i) { i.value = 'forged'; })")
    page.fill("#new-username", "forged-user")  # type: ignore[attr-defined]
    page.check("#new-role-analyst")  # type: ignore[attr-defined]
    page.fill("#new-password", "long-enough-password")  # type: ignore[attr-defined]
    with page.expect_response(lambda r: r.request.method == "POST") as answer:  # type: ignore[attr-defined]
        page.click("#user-add-submit")  # type: ignore[attr-defined]
    assert answer.value.status == 403
    page.wait_for_selector("#error-message")  # type: ignore[attr-defined]


def test_regulator_dashboard(page: Page, server: str) -> None:
    log_in(page, server, "regulator")
    page.click("#dash-link-web_regulator")  # type: ignore[attr-defined]
    page.wait_for_selector("#chart-certificates .main-svg")  # type: ignore[attr-defined]
    assert page.locator("#chart-timeline .main-svg").count() >= 1  # type: ignore[attr-defined]
    # Chinese is drawn with the page's CJK face, not as boxes (static/site.css)
    page.evaluate("document.fonts.ready")  # type: ignore[attr-defined]
    assert page.evaluate("document.fonts.check('15px \"Tanzuji CJK\"', '碳足迹')")  # type: ignore[attr-defined]
    shot(page, "35-regulator")
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.click("#csv-certificates")  # type: ignore[attr-defined]
    path = download.value.path()
    assert path is not None
    with open(path, encoding="utf-8") as fh:
        assert fh.readline().startswith("key,issued,valid")
    page.goto(f"{server}/regulator?by=region")  # type: ignore[attr-defined]
    page.wait_for_selector("#chart-certificates .main-svg")  # type: ignore[attr-defined]
    assert "河北" in page.inner_text("#reg-certificates")  # type: ignore[attr-defined]
    shot(page, "36-regulator-region")


"""Every page for every role (FastAPI TestClient): 200, 302 to the login page or 403 as the
confidentiality policy says; plus login, language, upload and validation behaviour."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tanzuji.certification.demo import APPLICANT
from tanzuji.server.app import create_app
from tests.server.web.conftest import EXAMPLES, PASSWORD, USERS, Site, login

ROLES = [None, *USERS]  # None: nobody logged in
MEMBERS = {"admin", "analyst", "supplier", "other"}
OWNERS = {"admin", "analyst"}  # members of the organisation that owns the study
CASE_READERS = {"admin", "analyst", "auditor", "decider", "regulator"}


@pytest.fixture(scope="module")
def study(app_client: TestClient) -> Iterator[dict[str, object]]:
    """The steel example uploaded and calculated by the applicant's analyst."""
    login(app_client, "analyst")
    steel = EXAMPLES / "steel-bf-bof-hot-rolled.yaml"
    tables = [("tables", (p.name, p.read_bytes(), "text/csv")) for p in (
        EXAMPLES / "factors" / "steel-bf-bof.csv", EXAMPLES / "factors" / "cn-common.csv")]
    # a file of its own: the same bytes as a case still open would let that case's body read
    # it (policy.can_read_study), whichever test module filed the case
    content = steel.read_bytes() + b"\n# uploaded by the page tests\n"
    answer = app_client.post("/studies", data={"name": "steel"},
                             files=[("study", (steel.name, content, "text/yaml")), *tables])
    assert answer.status_code == 303, answer.text
    study_id = int(answer.headers["location"].rstrip("/").rsplit("/", 1)[1])
    answer = app_client.post(f"/studies/{study_id}/calculate", data={"iterations": "0"})
    assert answer.status_code == 303, answer.text
    job_id = answer.headers["location"].rsplit("/", 1)[1]
    for _ in range(300):
        state = app_client.get(f"/api/jobs/{job_id}").json()["state"]
        if state in ("done", "failed"):
            break
        time.sleep(0.1)
    assert state == "done"
    app_client.cookies.clear()
    yield {"id": study_id, "job": job_id}


def expected(path_kind: str, role: str | None) -> int:
    """The status the policy gives ``role`` on a page of ``path_kind``."""
    if path_kind == "public":
        return 200
    if role is None:
        return 302
    if path_kind == "home":
        return 200
    if path_kind == "studies":
        return 200 if role in MEMBERS else 403
    if path_kind == "study":
        return 200 if role in OWNERS else 403
    if path_kind == "cases":
        return 200 if role != "citizen" else 403
    if path_kind == "case":
        return 200 if role in CASE_READERS else 403
    raise AssertionError(path_kind)


PAGES = [
    ("public", "/login"), ("public", "/factors"), ("public", "/factors?q=electricity"),
    ("public", "/pcrs"), ("public", "/pcrs/steel-bf-bof"), ("public", "/registry"),
    ("public", "/registry?q={certificate}"), ("public", "/v/{certificate}"),
    ("public", "/assets/plotly.min.js"), ("public", "/static/site.css"),
    ("home", "/"), ("studies", "/studies"), ("study", "/studies/{study}"),
    ("study", "/studies/{study}/result"), ("study", "/jobs/{job}"),
    ("cases", "/cases"), ("case", "/cases/{case}"),
]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize(("kind", "path"), PAGES, ids=[p for _, p in PAGES])
def test_page_access(app_client: TestClient, site: Site, study: dict[str, object],
                     role: str | None, kind: str, path: str) -> None:
    if role is None:
        app_client.cookies.clear()
    else:
        login(app_client, role)
    url = path.format(certificate=site.certificate, case=site.case, study=study["id"],
                      job=study["job"])
    answer = app_client.get(url)
    assert answer.status_code == expected(kind, role), (role, url, answer.text[:500])
    if answer.status_code == 302:
        assert answer.headers["location"].startswith("/login?next=")
    if answer.status_code == 403:
        assert "text/html" in answer.headers["content-type"]
        assert 'id="error-message"' in answer.text


def test_result_page_has_every_chart(app_client: TestClient, study: dict[str, object]) -> None:
    login(app_client, "analyst")
    page = app_client.get(f"/studies/{study['id']}/result").text
    for chart in ("chart-stages", "chart-hotspots", "chart-sankey"):
        assert f'id="{chart}"' in page
    assert '"type": "sankey"' in page
    assert "/assets/plotly.min.js" in page
    assert f"/api/studies/{study['id']}/declaration" in page
    js = app_client.get("/assets/plotly.min.js")
    assert js.headers["content-type"].startswith("text/javascript")
    assert len(js.content) > 1_000_000
    css = app_client.get("/static/site.css").text
    assert "/assets/NotoSansSC-Regular.otf" in css  # Chinese without a system CJK font
    font = app_client.get("/assets/NotoSansSC-Regular.otf")
    assert font.status_code == 200 and font.content[:4] == b"OTTO"


def test_dashboard_shows_what_the_role_sees(app_client: TestClient, site: Site,
                                            study: dict[str, object]) -> None:
    login(app_client, "analyst")
    page = app_client.get("/").text
    assert 'id="dash-studies"' in page and f"/studies/{study['id']}" in page
    assert f"/cases/{site.case}" in page
    login(app_client, "regulator")
    page = app_client.get("/").text
    assert 'id="dash-studies"' not in page
    assert f"/cases/{site.case}" in page and site.certificate in page
    login(app_client, "other")
    page = app_client.get("/").text
    assert f"/studies/{study['id']}\"" not in page and f"/cases/{site.case}" not in page


def test_login_failure_and_rate_limit(site: Site) -> None:
    app = create_app(site.settings())
    app.state.platform.add_user("mallory", PASSWORD, ["public"], None)
    with TestClient(app, follow_redirects=False, client=("10.9.9.9", 5000)) as client:
        answer = client.post("/login", data={"username": "mallory", "password": "wrong-pass"})
        assert answer.status_code == 401
        assert 'id="login-error"' in answer.text
        statuses = [client.post("/login", data={"username": "mallory",
                                                "password": "wrong-pass"}).status_code
                    for _ in range(site.settings().login_max_failures)]
        assert statuses[-1] == 429
        limited = client.post("/login", data={"username": "mallory", "password": PASSWORD})
        assert limited.status_code == 429 and 'id="login-error"' in limited.text


def test_login_never_redirects_off_site(app_client: TestClient) -> None:
    app_client.cookies.clear()
    answer = app_client.post("/login", data={"username": "citizen", "password": PASSWORD,
                                             "next": "//evil.example/"})
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_language_cookie(app_client: TestClient, site: Site) -> None:
    app_client.cookies.clear()
    answer = app_client.get("/lang/en?next=/pcrs")
    assert answer.status_code == 302 and answer.headers["location"] == "/pcrs"
    assert "Product category rules" in app_client.get("/pcrs").text
    app_client.get("/lang/zh")
    assert "产品种类规则" in app_client.get("/pcrs").text


def test_upload_needs_a_study(app_client: TestClient) -> None:
    login(app_client, "analyst")
    answer = app_client.post("/studies", data={"name": "empty", "text": "  "})
    assert answer.status_code == 422
    assert 'id="study-error"' in answer.text and 'class="invalid"' in answer.text


def test_problems_stand_beside_their_line(app_client: TestClient) -> None:
    login(app_client, "analyst")
    text = (EXAMPLES / "steel-bf-bof-hot-rolled.yaml").read_text(encoding="utf-8")
    broken = text.replace("boundary: cradle_to_gate", "boundary: cradle_to_moon", 1)
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if "cradle_to_moon" in row)
    answer = app_client.post("/studies", data={"name": "broken", "text": broken})
    assert answer.status_code == 303
    page = app_client.get(answer.headers["location"]).text
    assert 'id="study-problems"' in page
    assert f'data-line="{line}"' in page and 'data-field="study.boundary"' in page


def test_edit_saves_a_new_version(app_client: TestClient, study: dict[str, object]) -> None:
    login(app_client, "analyst")
    original = app_client.get(f"/studies/{study['id']}").text
    assert 'id="study-valid"' in original
    text = (EXAMPLES / "steel-bf-bof-hot-rolled.yaml").read_text(encoding="utf-8")
    answer = app_client.post(f"/studies/{study['id']}/edit",
                             data={"text": text.replace("title:", "title: edited", 1)})
    assert answer.status_code == 303
    new_page = app_client.get(answer.headers["location"]).text
    assert 'id="study-valid"' in new_page  # the factor tables came along
    login(app_client, "other")
    assert app_client.post(f"/studies/{study['id']}/edit",
                           data={"text": "x"}).status_code == 403


def test_unknown_certificate_warns(app_client: TestClient) -> None:
    answer = app_client.get("/v/NO-SUCH-CERT")
    assert answer.status_code == 404
    assert 'data-code="unknown"' in answer.text


def test_label_link_checks_through_the_registry_api(app_client: TestClient,
                                                     site: Site) -> None:
    """What the label page's script asks: the QR link, fragment included."""
    page = app_client.get(f"/v/{site.certificate}").text
    assert "/api/registry?q=" in page
    body = app_client.get("/api/registry", params={"q": site.qr_text}).json()
    assert body["signature_valid"] is True and body["ok"] is True
    moved = site.qr_text.replace(f"/v/{site.certificate}", "/v/SOMETHING-ELSE")
    other = app_client.get("/api/registry", params={"q": moved}).json()
    assert other["ok"] is False and other["warnings"][0]["code"] == "signature"


def test_factor_page_shows_provenance_and_review(app_client: TestClient) -> None:
    app_client.cookies.clear()
    search = app_client.get("/factors?q=electricity").text
    assert 'id="factor-hits"' in search
    found = re.search(r'href="[^"]*/factors/([^"?]+)"', search)
    assert found is not None
    factor_id = found.group(1)
    page = app_client.get(f"/factors/{factor_id}").text
    assert 'id="factor-provenance"' in page and 'id="factor-review"' in page
    assert app_client.get("/factors/no-such-factor").status_code == 404


def test_case_page_for_applicant_and_regulator(app_client: TestClient, site: Site) -> None:
    login(app_client, "admin")
    page = app_client.get(f"/cases/{site.case}").text
    assert APPLICANT in page and site.certificate in page and 'id="case-events"' in page
    assert 'id="case-files"' in page
    login(app_client, "regulator")
    page = app_client.get(f"/cases/{site.case}").text
    assert 'id="case-events"' in page and 'id="case-files"' not in page  # no inventory


def test_no_page_fails_on_odd_numbers(app_client: TestClient) -> None:
    login(app_client, "analyst")
    for path in ("/studies/99999999999999999999999", "/studies/0/result", "/jobs/nothing",
                 "/studies/12345", "/cases/nothing", "/pcrs/nothing"):
        answer = app_client.get(path)
        assert 400 <= answer.status_code < 500, (path, answer.status_code)


def test_customer_sees_the_declared_footprint_not_the_study(app_client: TestClient) -> None:
    login(app_client, "supplier")
    cement = EXAMPLES / "portland-cement.yaml"
    tables = [("tables", (p.name, p.read_bytes(), "text/csv")) for p in (
        EXAMPLES / "factors" / "portland-cement.csv", EXAMPLES / "factors" / "cn-common.csv")]
    answer = app_client.post("/studies", data={"name": "clinker supply"}, files=[
        ("study", (cement.name, cement.read_bytes(), "text/yaml")), *tables])
    assert answer.status_code == 303
    study_id = int(answer.headers["location"].rstrip("/").rsplit("/", 1)[1])
    job_id = app_client.post(f"/studies/{study_id}/calculate",
                             data={"iterations": "0"}).headers["location"].rsplit("/", 1)[1]
    for _ in range(300):
        if app_client.get(f"/api/jobs/{job_id}").json()["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert app_client.post(f"/api/studies/{study_id}/declared").status_code == 200
    assert app_client.post(f"/api/studies/{study_id}/shares",
                           json={"customer_id": APPLICANT}).status_code == 200
    login(app_client, "admin")
    page = app_client.get("/").text
    assert 'id="dash-shared"' in page and "clinker supply" in page
    assert app_client.get(f"/studies/{study_id}").status_code == 403
    assert app_client.get(f"/studies/{study_id}/result").status_code == 403

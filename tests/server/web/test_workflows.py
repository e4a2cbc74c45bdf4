"""The pages added for issue 6 and 8 through FastAPI's TestClient: CSRF protection of forms
and of the cookie-authenticated API, a case accepted and planned from its page and its
certificate suspended, restored, withdrawn and labelled from the certificate page, evidence
upload, user management, and the regulator's dashboards, CSV and JSON twins, with every
role against every new endpoint."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from fastapi.testclient import TestClient

from tanzuji.certification import statistics
from tanzuji.certification.casefiles import recompute_total
from tanzuji.certification.demo import BODY
from tanzuji.store.certification_db import CertificationDB
from tanzuji.store.platform_db import PlatformDB
from tests.server.web.conftest import (
    CSRF_HEADER,
    EXAMPLES,
    PASSWORD,
    USERS,
    Site,
    applied_case,
    login,
)


def certify(site: Site, case: str) -> str:
    """Audit and decide a planned case in the store; returns the certificate number."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TANZUJI_KEY_DIR", str(site.key_dir))
        db = CertificationDB.open(site.database_url)
        try:
            db.review(case, "auditor")
            db.inspect(case, "auditor")
            db.verify(case, "auditor", recompute_total)
            db.decide(case, True, "decider")
            return db.issue(case, "decider")
        finally:
            db.engine.dispose()


def post(client: TestClient, url: str, expect: int = 303, **form: object) -> str:
    answer = client.post(url, data=form)
    assert answer.status_code == expect, answer.text[:400]
    return answer.headers.get("location", "")


@pytest.fixture(scope="module")
def certificate(app_client: TestClient, site: Site) -> str:
    """A case accepted and planned through its page, then certified: its certificate."""
    case = applied_case(site, "HRC-WEB-CERT")
    login(app_client, "auditor")
    assert 'id="step-accept"' not in app_client.get(f"/cases/{case}").text
    login(app_client, "decider")
    page = app_client.get(f"/cases/{case}").text
    assert 'id="step-accept"' in page and 'id="step-refuse"' in page
    assert "error=" not in post(app_client, f"/cases/{case}/steps", step="accept",
                                comment="documents complete")
    page = app_client.get(f"/cases/{case}").text
    assert 'id="plan-form"' in page and f'id="team-{BODY}-A09"' in page
    # the lead must be in the team: the message comes back beside the lead field
    where = post(app_client, f"/cases/{case}/steps", step="plan", team=[f"{BODY}-A09"],
                 lead=f"{BODY}-A10", comment="two days on site")
    assert 'id="error-plan-lead"' in app_client.get(where).text
    assert "error=" not in post(app_client, f"/cases/{case}/steps", step="plan",
                                team=[f"{BODY}-A09", f"{BODY}-A10"], lead=f"{BODY}-A09",
                                comment="two days on site")
    assert 'data-state="planned"' in app_client.get(f"/cases/{case}").text
    return certify(site, case)


def test_a_refusal_needs_a_reason_beside_its_field(app_client: TestClient, site: Site) -> None:
    case = applied_case(site, "HRC-WEB-REFUSE")
    login(app_client, "decider")
    where = post(app_client, f"/cases/{case}/steps", step="refuse", comment="")
    assert 'id="error-refuse-reason"' in app_client.get(where).text
    post(app_client, f"/cases/{case}/steps", step="refuse", comment="out of scope")
    assert 'data-state="refused"' in app_client.get(f"/cases/{case}").text


def test_certificate_suspended_restored_and_withdrawn(app_client: TestClient, site: Site,
                                                      certificate: str) -> None:
    url = f"/certificates/{certificate}"
    login(app_client, "auditor")
    page = app_client.get(url).text
    assert 'id="action-surveil"' in page and 'id="action-suspend"' not in page
    assert app_client.post(f"{url}/actions", data={"action": "suspend",
                                                   "reason": "x"}).status_code == 403
    login(app_client, "decider")
    where = post(app_client, f"{url}/actions", action="suspend", reason=" ")
    assert 'id="error-suspend-reason"' in app_client.get(where).text
    post(app_client, f"{url}/actions", action="suspend", reason="meter data under review")
    assert 'data-status="suspended"' in app_client.get(url).text
    app_client.cookies.clear()
    assert "data-status=\"suspended\"" in app_client.get(f"/v/{certificate}").text or \
        "suspended" in app_client.get(f"/v/{certificate}?lang=en").text
    login(app_client, "decider")
    post(app_client, f"{url}/actions", action="restore", reason="data confirmed")
    login(app_client, "auditor")
    where = post(app_client, f"{url}/actions", action="surveil", reason="visit")
    assert 'id="error-surveil-conforming"' in app_client.get(where).text
    post(app_client, f"{url}/actions", action="surveil", conforming="yes", reason="visit")
    login(app_client, "decider")
    post(app_client, f"{url}/actions", action="label")
    svg = app_client.get(f"{url}/label.svg")
    assert svg.status_code == 200 and svg.text.lstrip().startswith(("<?xml", "<svg"))
    png = app_client.get(f"{url}/label.png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    # (not for fraud: that would bar the shared applicant from the other tests' cases)
    post(app_client, f"{url}/actions", action="withdraw", reason="scope no longer covered")
    page = app_client.get(url).text
    assert 'data-status="withdrawn"' in page and 'id="action-restore"' not in page
    login(app_client, "admin")  # the holder sees the page and its labels, takes no action
    page = app_client.get(url).text
    assert 'id="label-svg"' in page and 'id="cert-actions"' not in page
    login(app_client, "regulator")  # the regulator sees the certificate, not the artwork
    assert app_client.get(f"{url}/label.svg").status_code == 403


def test_forms_without_the_session_token_are_refused(app_client: TestClient) -> None:
    login(app_client, "analyst")
    del app_client.headers[CSRF_HEADER]
    answer = app_client.post("/studies", data={"name": "forged", "text": "study: {}"})
    assert answer.status_code == 403 and 'id="error-message"' in answer.text
    assert app_client.post("/studies", data={"name": "forged", "text": "x",
                                             "csrf": "0" * 64}).status_code == 403
    # a session of its own, so that logging out leaves the shared one alone
    own = TestClient(app_client.app, follow_redirects=False)
    assert own.post("/login", data={"username": "analyst",
                                    "password": PASSWORD}).status_code == 303
    assert own.post("/logout").status_code == 403
    page = own.get("/studies").text
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert own.post("/logout", data={"csrf": token}).status_code == 303


def test_login_from_another_site_is_refused(app_client: TestClient) -> None:
    app_client.cookies.clear()
    app_client.headers.pop(CSRF_HEADER, None)
    answer = app_client.post("/login", data={"username": "analyst", "password": PASSWORD},
                             headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403


def test_the_cookie_api_needs_this_sites_origin(app_client: TestClient, site: Site) -> None:
    login(app_client, "analyst")
    del app_client.headers[CSRF_HEADER]
    evil = app_client.post("/api/studies/1/declared", headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403 and evil.json()["code"] == "forbidden"
    referer = app_client.post("/api/studies/1/declared",
                              headers={"Referer": "https://evil.example/page"})
    assert referer.status_code == 403
    own = app_client.get("/api/studies", headers={"Origin": "https://evil.example"})
    assert own.status_code == 200  # reading is not a forgery risk
    same = app_client.post("/api/studies/999999/declared",
                           headers={"Origin": str(app_client.base_url)})
    assert same.status_code != 403


def test_evidence_uploaded_listed_and_checked(app_client: TestClient) -> None:
    login(app_client, "analyst")
    answer = app_client.post("/studies", data={"name": "evidence"}, files=[
        ("study", ("steel.yaml", (EXAMPLES / "steel-bf-bof-hot-rolled.yaml").read_bytes())),
        ("tables", ("steel-bf-bof.csv",
                    (EXAMPLES / "factors" / "steel-bf-bof.csv").read_bytes()))])
    study = answer.headers["location"].rstrip("/").split("/")[-1]
    url = f"/studies/{study}/evidence"
    bad = app_client.post(url, data={"amount_path": "processes.0.inputs.0.amount"},
                          files={"file": ("a.exe", b"MZ", "application/x-msdownload")})
    assert 'id="evidence-file-error"' in app_client.get(bad.headers["location"]).text
    bad = app_client.post(url, data={"amount_path": "processes.99.nothing"},
                          files={"file": ("meter.csv", b"kWh\n12\n", "text/csv")})
    assert 'id="evidence-path-error"' in app_client.get(bad.headers["location"]).text
    ok = app_client.post(url, data={"amount_path": "processes.0.inputs.0.amount"},
                         files={"file": ("meter.csv", b"kWh\n12\n", "text/csv")})
    assert ok.status_code == 303 and "evidence_error" not in ok.headers["location"]
    page = app_client.get(f"/studies/{study}").text
    assert "meter.csv" in page and "processes.0.inputs.0.amount" in page
    assert len(page.split('class="evidence-row"')) == 2
    assert hashlib.sha256(b"kWh\n12\n").hexdigest() in page
    login(app_client, "other")
    assert app_client.post(url, data={"amount_path": "processes.0.inputs.0.amount"},
                           files={"file": ("m.csv", b"1", "text/csv")}).status_code == 403


def test_admin_manages_the_users_of_the_organisation(app_client: TestClient,
                                                     site: Site) -> None:
    login(app_client, "admin")
    page = app_client.get("/users").text
    assert 'id="user-analyst"' in page and 'id="user-auditor"' not in page
    assert 'value="regulator"' not in page  # a role of another kind of party
    refused = app_client.post("/users", data={"username": "newbie", "password": PASSWORD,
                                              "roles": ["regulator"]})
    assert refused.status_code == 422 and 'id="error-roles"' in refused.text
    short = app_client.post("/users", data={"username": "newbie", "password": "short",
                                            "roles": ["analyst"]})
    assert short.status_code == 422 and 'id="error-password"' in short.text
    post(app_client, "/users", username="newbie", password=PASSWORD, name="New Bie",
         roles=["analyst"])
    post(app_client, "/users/newbie/roles", roles=["analyst", "consultant"])
    db = PlatformDB.open(site.database_url)
    try:
        found = db.user_by_name("newbie")
        assert found is not None and set(found.roles) == {"analyst", "consultant"}
    finally:
        db.engine.dispose()
    post(app_client, "/users/newbie/deactivate")
    assert 'data-active="no"' in app_client.get("/users").text.split('id="user-newbie"')[1][:40]
    assert app_client.post("/users/admin/deactivate").status_code == 422
    assert app_client.post("/users/auditor/deactivate").status_code == 404
    fresh = TestClient(app_client.app, follow_redirects=False)
    assert fresh.post("/login", data={"username": "newbie",
                                      "password": PASSWORD}).status_code == 401


def test_regulator_dashboards_csv_and_api(app_client: TestClient, certificate: str) -> None:
    login(app_client, "regulator")
    for by in statistics.DIMENSIONS:
        page = app_client.get(f"/regulator?by={by}")
        assert page.status_code == 200 and 'id="chart-certificates"' in page.text
    page = app_client.get("/regulator?by=region").text
    assert "河北" in page or "Hebei" in page  # the demo site is in Tangshan, Hebei
    answer = app_client.get("/regulator/certificates.csv?by=body")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    demo = next(r for r in rows if r["key"] == BODY)
    assert int(demo["issued"]) >= 2 and int(demo["withdrawn"]) >= 0
    assert app_client.get("/regulator/nothing.csv").status_code == 404
    api = app_client.get("/api/statistics/certificates", params={"by": "body"}).json()
    assert {r["key"]: r["issued"] for r in api}[BODY] == int(demo["issued"])
    assert app_client.get("/api/statistics/flags?by=pcr").status_code == 200
    assert app_client.get("/api/statistics/nothing").status_code == 422
    assert app_client.get("/api/statistics").status_code == 200  # the older summary stays


NEW_PAGES = ["/regulator", "/regulator/timeline.csv", "/users", "/api/statistics/timeline",
             "/certificates/{cert}", "/certificates/{cert}/label.svg"]
CERTIFICATE_READERS = {"admin", "analyst", "auditor", "decider", "regulator"}
LABEL_READERS = {"admin", "analyst", "auditor", "decider"}


def expected(role: str, path: str) -> int:
    if path.startswith("/certificates/"):
        readers = LABEL_READERS if path.endswith(".svg") else CERTIFICATE_READERS
        return 200 if role in readers else 403
    if path == "/users":
        return 200 if role == "admin" else 403
    return 200 if role == "regulator" else 403


@pytest.mark.parametrize("role", ["anonymous", *USERS])
@pytest.mark.parametrize("path", NEW_PAGES)
def test_who_may_open_the_new_pages(app_client: TestClient, site: Site, role: str,
                                    path: str) -> None:
    url = path.format(cert=site.certificate)
    if role == "anonymous":
        app_client.cookies.clear()
        app_client.headers.pop(CSRF_HEADER, None)
        want = 401 if path.startswith("/api/") else 302
    else:
        login(app_client, role)
        want = expected(role, path)
    assert app_client.get(url).status_code == want


@pytest.mark.parametrize(("role", "path"), [
    ("analyst", "/users"), ("auditor", "/users/analyst/deactivate"),
    ("admin", "/certificates/NOPE/actions"), ("regulator", "/users")])
def test_others_cannot_post_to_the_new_forms(app_client: TestClient, role: str,
                                             path: str) -> None:
    login(app_client, role)
    assert app_client.post(path, data={"action": "suspend", "reason": "x",
                                       "username": "x", "roles": ["analyst"]}
                           ).status_code in (403, 404)


def test_provinces_are_read_from_site_texts() -> None:
    assert statistics.province_of("Tangshan, Hebei") == "CN-HE"
    assert statistics.province_of(None, "江苏常州某厂") == "CN-JS"
    assert statistics.province_of("plant CN-SN") == "CN-SN"
    assert statistics.province_of("Shaanxi") == "CN-SN" and statistics.province_of("Shanxi") \
        == "CN-SX"
    assert statistics.province_of("somewhere") == statistics.UNKNOWN
    assert len(statistics.provinces()) == 34


def test_values_are_escaped_in_pages(app_client: TestClient, site: Site) -> None:
    login(app_client, "auditor")
    page = app_client.get(f"/cases/{site.case}", params={"error": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text

"""The factor datasets' working pages: create a public dataset, import a CSV (a bad one names
every problem and stores nothing), submit, two reviewers other than the submitter approve, the
editor publishes and the release appears in the public browser; a reviewer who submitted is
refused beside the form; every role against every new page; and, in Chromium, an upload that
raises quality flags (screenshot 40-datasets.png)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tanzuji.store.platform_db import PlatformDB
from tests.server.web.chromium import log_in, needs_chromium, shot
from tests.server.web.conftest import PASSWORD, USERS, Site, login

HEADER = ("id,name_en,name_zh,unit,value,kind,geography,year,cpc,source,publisher,table,"
          "licence,supersedes\n")
ROWS = [
    "h7:steel,h7 hot-rolled coil,热轧卷板,t,2100,carbon_footprint_factor,CN,2022,41121,"
    "Report A,Assoc A,Table 3,CC BY 4.0,",
    "h7:cement,h7 Portland cement,硅酸盐水泥,t,740,carbon_footprint_factor,CN-JS,2021,3744,"
    "Paper C,Journal C,Table 2,CC BY 4.0,",
]
# a value no factor per tonne can have: cross-validation flags it out of range
ODD = ("h7:odd,h7 odd slab,异常板坯,t,9000000,carbon_footprint_factor,CN,2022,41122,"
       "Report B,Assoc B,Table 4,CC BY 4.0,")
# factor user -> roles (no organisation: the factor database is the platform's own)
FACTOR_USERS = {"fedit": ["factor_editor"], "frev1": ["factor_reviewer"],
                "frev2": ["factor_reviewer"], "fboth": ["factor_editor", "factor_reviewer"]}


def csv_body(rows: list[str], name: str = "factors.csv") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, (HEADER + "\n".join(rows) + "\n").encode(), "text/csv")}


@pytest.fixture(scope="module")
def factor_users(site: Site) -> list[str]:
    """Editors and reviewers of factor datasets on the web test site (once)."""
    db = PlatformDB.open(site.database_url)
    known = {u.username for u in db.users()}
    for name, roles in FACTOR_USERS.items():
        if name not in known:
            db.add_user(name, PASSWORD, roles, None)
    db.engine.dispose()
    return list(FACTOR_USERS)


def as_(client: TestClient, user: str) -> None:
    """Log in as ``user`` and read the pages in English."""
    login(client, user)
    client.cookies.set("tanzuji_lang", "en")


def create(client: TestClient, dataset: str, public: bool = True) -> None:
    form = {"id": dataset, "title": f"Dataset {dataset}", "licence": "CC BY 4.0"}
    answer = client.post("/datasets", data={**form, **({"public": "1"} if public else {})})
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].endswith(f"/datasets/{dataset}")


def test_import_review_publish(app_client: TestClient, factor_users: list[str]) -> None:
    c = app_client
    as_(c, "fedit")
    assert "/datasets" in c.get("/").text  # the navigation opens the datasets
    create(c, "h7-web")
    again = c.post("/datasets", data={"id": "h7-web", "title": "again"})
    assert again.status_code == 409 and "exists already" in again.text
    bad_id = c.post("/datasets", data={"id": "no spaces", "title": "x"})
    assert bad_id.status_code == 422 and 'id="ds-id-error"' in bad_id.text

    # a bad file: every problem with file, row and field; nothing stored
    bad = [ROWS[0].replace(",2100,", ",lots,"), ROWS[1].replace(",t,", ",,")]
    r = c.post("/datasets/h7-web/import", files=csv_body(bad, "bad.csv"))
    assert r.status_code == 422, r.text
    problems = re.findall(r"<tr><td class=\"mono\">bad\.csv</td><td>(\d+)</td>"
                          r"<td class=\"mono\">(\w+)</td><td>([^<]+)</td>", r.text)
    assert {field for _, field, _ in problems} >= {"value", "unit"}
    assert "tanzuji-factors-" not in r.text
    page = c.get("/datasets/h7-web").text
    assert "0 added, 0 changed, 0 withdrawn" in page
    no_file = c.post("/datasets/h7-web/import", data={"format": "csv"})
    assert no_file.status_code == 422 and 'id="import-error"' in no_file.text

    r = c.post("/datasets/h7-web/import", files=csv_body([*ROWS, ODD]), data={"format": "csv"})
    assert r.status_code == 303 and "done=import%3A3%3A0%3A0%3A1" in r.headers["location"]
    page = c.get(r.headers["location"]).text
    assert "Imported: 3 added" in page and "3 added, 0 changed, 0 withdrawn" in page
    flags = page.split('id="draft-flags"')[1].split("</table>")[0]
    assert "h7:odd" in flags and "out_of_range" in flags and "h7:steel" not in flags
    assert 'id="submit-form"' in page and 'id="review-form"' not in page

    assert c.post("/datasets/h7-web/publish", data={}).status_code == 409  # not approved
    assert c.post("/datasets/h7-web/submit", data={"comment": "first"}).status_code == 303
    assert c.post("/datasets/h7-web/review", data={"verdict": "approve"}).status_code == 403

    as_(c, "frev1")
    page = c.get("/datasets/h7-web").text
    assert "submitted" in page and 'id="review-form"' in page and 'id="import-form"' not in page
    r = c.post("/datasets/h7-web/review", data={"verdict": "reject"})
    assert r.status_code == 422 and 'id="review-error"' in r.text
    assert c.post("/datasets/h7-web/review", data={"verdict": "approve"}).status_code == 303
    again = c.post("/datasets/h7-web/review", data={"verdict": "approve"})
    assert again.status_code == 409 and 'id="review-error"' in again.text  # counts once
    refused = c.post("/datasets/h7-web/publish", data={})  # a public dataset needs two
    assert refused.status_code == 409 and 'id="publish-error"' in refused.text
    assert "under review" in refused.text

    as_(c, "frev2")
    assert c.post("/datasets/h7-web/review", data={"verdict": "approve",
                                                   "comment": "sources checked"}
                  ).status_code == 303
    as_(c, "fedit")
    page = c.get("/datasets/h7-web").text
    assert 'id="publish-form"' in page and "sources checked" in page
    r = c.post("/datasets/h7-web/publish", data={"note": "first release"})
    assert r.status_code == 303
    page = c.get(r.headers["location"]).text
    assert "h7-web@1" in page and "first release" in page
    assert "0 added, 0 changed, 0 withdrawn" in page

    # the release in the public browser, for anyone
    c.cookies.clear()
    hits = c.get("/factors", params={"q": "h7 hot-rolled"})
    assert hits.status_code == 200 and "h7:steel" in hits.text and "h7-web@1" in hits.text
    assert c.get("/factors/h7:steel").status_code == 200

    # a second release and the diff between the two
    as_(c, "fedit")
    changed = [ROWS[0].replace(",2100,", ",2050,"), ROWS[1]]
    r = c.post("/datasets/h7-web/import", files=csv_body(changed), data={"replace": "1"})
    assert r.status_code == 303, r.text
    page = c.get("/datasets/h7-web").text
    assert "0 added, 1 changed, 1 withdrawn" in page
    c.post("/datasets/h7-web/submit", data={})
    for reviewer in ("frev1", "frev2"):
        as_(c, reviewer)
        assert c.post("/datasets/h7-web/review", data={"verdict": "approve"}
                      ).status_code == 303
    assert c.post("/datasets/h7-web/publish", data={}).status_code == 303  # a reviewer may
    diff = c.get("/datasets/h7-web", params={"old": "h7-web@1", "new": "h7-web@2"}).text
    shown = diff.split('id="diff"')[1]
    assert "h7:steel" in shown and "2100" in shown and "2050" in shown and "h7:odd" in shown
    unknown = c.get("/datasets/h7-web", params={"old": "h7-web@1", "new": "h7-web@9"})
    assert unknown.status_code == 200 and 'class="warning"' in unknown.text


def test_submitter_who_reviews_is_refused(app_client: TestClient,
                                          factor_users: list[str]) -> None:
    c = app_client
    as_(c, "fboth")
    create(c, "h7-own", public=False)
    assert c.post("/datasets/h7-own/submit", data={}).status_code == 409  # nothing to submit
    assert c.post("/datasets/h7-own/import", files=csv_body(
        [ROWS[0].replace("h7:steel", "h7:own")])).status_code == 303
    assert c.post("/datasets/h7-own/submit", data={}).status_code == 303
    r = c.post("/datasets/h7-own/review", data={"verdict": "approve"})
    assert r.status_code == 409
    refusal = r.text.split('id="review-error">')[1].split("</p>")[0]
    assert "fboth submitted this dataset and cannot review it" in refusal
    as_(c, "frev1")
    assert c.post("/datasets/h7-own/review", data={"verdict": "reject",
                                                   "comment": "source missing"}
                  ).status_code == 303
    page = c.get("/datasets/h7-own").text
    assert "rejected" in page and "source missing" in page


def test_template_download(app_client: TestClient, factor_users: list[str]) -> None:
    as_(app_client, "frev2")
    r = app_client.get("/datasets/template.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "tanzuji-factors-template.xlsx" in r.headers["content-disposition"]


PAGES = ["/datasets", "/datasets/h7-roles", "/datasets/template.xlsx"]
FORMS = {"/datasets": {"id": "h7-x", "title": "x"},
         "/datasets/h7-roles/import": {}, "/datasets/h7-roles/submit": {},
         "/datasets/h7-roles/review": {"verdict": "approve"},
         "/datasets/h7-roles/publish": {}}
# what each factor role may post: anything else is 403 (and every other role is 403)
ALLOWED = {"factor_editor": {"/datasets", "/datasets/h7-roles/import",
                             "/datasets/h7-roles/submit", "/datasets/h7-roles/publish"},
           "factor_reviewer": {"/datasets/h7-roles/review", "/datasets/h7-roles/publish"}}


def test_every_role_against_the_pages(app_client: TestClient,
                                      factor_users: list[str]) -> None:
    c = app_client
    as_(c, "fedit")
    create(c, "h7-roles", public=False)
    for name in [*USERS, "fedit", "frev1"]:
        as_(c, name)
        roles = FACTOR_USERS.get(name, USERS.get(name, (None, []))[1])
        factor = any(r in ALLOWED for r in roles)
        for path in PAGES:
            assert c.get(path).status_code == (200 if factor else 403), (name, path)
        for path, form in FORMS.items():
            status = c.post(path, data=form).status_code
            if not factor or not any(path in ALLOWED.get(r, set()) for r in roles):
                assert status == 403, (name, path, status)
            else:  # allowed in: the page answers, the store may still refuse the step
                assert status in (303, 409, 422), (name, path, status)
    c.cookies.clear()
    c.headers.pop("X-CSRF-Token", None)
    for path in PAGES:
        r = c.get(path)
        assert r.status_code == 302 and r.headers["location"].startswith("/login"), path
    for path, form in FORMS.items():
        r = c.post(path, data=form)
        assert r.status_code == 302 and r.headers["location"].startswith("/login"), path
    as_(c, "fedit")
    c.headers.pop("X-CSRF-Token", None)  # a form without the token is refused
    assert c.post("/datasets", data={"id": "h7-csrf", "title": "x"}).status_code == 403
    as_(c, "fedit")
    assert c.get("/datasets/h7-none").status_code == 404


@needs_chromium
def test_upload_shows_flags(browser: object, server: str, factor_users: list[str],
                            tmp_path: Path) -> None:
    upload = tmp_path / "flagged.csv"
    upload.write_text(HEADER + "\n".join(
        row.replace("h7:", "h7b:").replace("h7 ", "h7b ") for row in [*ROWS, ODD]) + "\n",
        encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, server, "fedit")
    page.click("nav a[href$='/datasets']")
    page.fill("#ds-id", "h7-browser")
    page.fill("#ds-title", "Browser upload")
    page.click("#dataset-submit")
    page.wait_for_selector("#import-form")
    page.set_input_files("#import-file", str(upload))
    page.click("#import-submit")
    page.wait_for_selector("#dataset-done")
    flags = page.inner_text("#draft-flags")
    assert "h7b:odd" in flags and "out_of_range" in flags
    assert "新增 3" in page.inner_text("#draft-counts")  # zh, the default
    shot(page, "40-datasets")
    assert not errors
    page.close()

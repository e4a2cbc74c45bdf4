"""The factor database's work through the API: create a public dataset, import a CSV (a bad
file imports nothing and names every problem), two reviewers who are not the submitter,
publish, a second release, diff and export."""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tanzuji.server.app import create_app
from tests.server.conftest import World, wait_for
from tests.server.test_api_cases import login

HEADER = ("id,name_en,name_zh,unit,value,kind,geography,year,cpc,source,publisher,table,"
          "licence,supersedes\n")
ROWS = [
    "api:steel,hot-rolled coil,热轧卷板,t,2100,carbon_footprint_factor,CN,2022,41121,"
    "Report A,Assoc A,Table 3,CC BY 4.0,",
    "api:cement,Portland cement,硅酸盐水泥,t,740,carbon_footprint_factor,CN-JS,2021,3744,"
    "Paper C,Journal C,Table 2,CC BY 4.0,",
]


def csv_file(rows: list[str], name: str = "factors.csv") -> dict[str, Any]:
    return {"file": (name, (HEADER + "\n".join(rows) + "\n").encode(), "text/csv")}


@pytest.fixture(scope="module")
def team(world: World) -> dict[str, Any]:
    """An editor and two reviewers (one of whom also edits), on the module's world."""
    w = world
    return {"editor": login(w, "editor", ("factor_editor",), "acme"),
            "rev1": login(w, "rev1", ("factor_reviewer",), "acme"),
            "rev2": login(w, "rev2", ("factor_reviewer", "factor_editor"), "other"),
            "world": w}


def test_import_review_publish_diff_export(team: dict[str, Any]) -> None:
    w: World = team["world"]
    editor, rev1, rev2 = team["editor"], team["rev1"], team["rev2"]
    r = editor.post("/api/datasets", json={"id": "api-set", "title": "API factors",
                                           "public": True})
    assert r.status_code == 201 and r.json()["state"] == "draft"
    assert editor.post("/api/datasets", json={"id": "api-set", "title": "again"}
                       ).status_code == 409
    assert w.as_("analyst").post("/api/datasets", json={"id": "x", "title": "x"}
                                 ).status_code == 403

    # a bad file: nothing imported, every problem with file, row and field
    bad = [ROWS[0].replace(",2100,", ",lots,"), ROWS[1].replace(",t,", ",,")]
    r = editor.post("/api/datasets/api-set/imports", files=csv_file(bad, "bad.csv"))
    assert r.status_code == 422, r.text
    problems = r.json()["problems"]
    assert len(problems) >= 2 and all(p["file"] == "bad.csv" for p in problems)
    assert {p["field"] for p in problems} >= {"value", "unit"}
    assert all(p["row"] is not None and p["reason"] for p in problems)
    assert "/tmp" not in r.text and "tanzuji-factors-" not in r.text
    assert editor.get("/api/datasets").json()[0]["pending_changes"] is False

    r = editor.post("/api/datasets/api-set/imports", files=csv_file(ROWS))
    assert r.status_code == 201, r.text
    assert r.json()["added"] == 2 and r.json()["format"] == "csv"
    assert editor.post("/api/datasets/nope/imports", files=csv_file(ROWS)).status_code == 404

    assert editor.post("/api/datasets/api-set/publish", json={}).status_code == 409
    assert editor.post("/api/datasets/api-set/submit", json={"comment": "first"}
                       ).json()["state"] == "submitted"
    assert editor.post("/api/datasets/api-set/review", json={"verdict": "approve"}
                       ).status_code == 403  # an editor is no reviewer
    r = rev1.post("/api/datasets/api-set/review", json={"verdict": "reject"})
    assert r.status_code == 422 and r.json()["field"] == "comment"
    assert rev1.post("/api/datasets/api-set/review", json={"verdict": "approve"}
                     ).json()["state"] == "under_review"
    r = rev1.post("/api/datasets/api-set/review", json={"verdict": "approve"})
    assert r.status_code == 409 and "already approved" in r.json()["message"]
    r = editor.post("/api/datasets/api-set/publish", json={})
    assert r.status_code == 409 and r.json()["problems"][0]["message_zh"]
    assert rev2.post("/api/datasets/api-set/review", json={"verdict": "approve"}
                     ).json()["state"] == "approved"
    r = editor.post("/api/datasets/api-set/publish", json={"note": "first release"})
    assert r.status_code == 201 and r.json()["release"] == "api-set@1"

    # a second release, submitted by rev2, who therefore cannot review it
    changed = [ROWS[0].replace(",2100,", ",2050,"),
               "api:glass,float glass,浮法玻璃,t,900,carbon_footprint_factor,CN,2022,3711,"
               "Report G,Assoc G,Table 1,CC BY 4.0,"]
    assert rev2.post("/api/datasets/api-set/imports", files=csv_file(changed)
                     ).status_code == 201
    assert rev2.post("/api/datasets/api-set/submit", json={}).status_code == 200
    r = rev2.post("/api/datasets/api-set/review", json={"verdict": "approve"})
    assert r.status_code == 409 and "cannot review" in r.json()["message"]
    rev1.post("/api/datasets/api-set/review", json={"verdict": "approve"})
    w.db.add_user("rev3", "correct-horse-1", ["factor_reviewer"], "gov")
    rev3 = login_existing(w, "rev3")
    assert rev3.post("/api/datasets/api-set/review", json={"verdict": "approve"}
                     ).json()["state"] == "approved"
    assert rev1.post("/api/datasets/api-set/publish", json={}).json()["release"] == "api-set@2"
    history = editor.get("/api/datasets/api-set/history").json()
    assert [e["action"] for e in history].count("approve") == 4

    public = w.as_("anonymous")
    d = public.get("/api/releases/diff", params={"old": "api-set@1", "new": "api-set@2"}).json()
    assert d["added"] == ["api:glass"] and d["withdrawn"] == []
    assert d["changed"][0]["id"] == "api:steel"
    assert d["changed"][0]["fields"]["value"] == {"old": 2100.0, "new": 2050.0}
    r = public.get("/api/releases/diff", params={"old": "api-set@1", "new": "api-set@9"})
    assert r.status_code == 404

    r = public.get("/api/releases/export", params={"release": "api-set@2"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {row["id"] for row in rows} == {"api:steel", "api:cement", "api:glass"}
    r = public.get("/api/releases/export", params={"release": "api-set", "format": "jsonld"})
    assert r.status_code == 200 and zipfile.is_zipfile(io.BytesIO(r.content))
    assert public.get("/api/releases/export", params={"release": "api-set@7"}
                      ).status_code == 404


def login_existing(w: World, username: str) -> Any:
    from fastapi.testclient import TestClient

    client = TestClient(w.app, raise_server_exceptions=False)  # type: ignore[arg-type]
    assert client.post("/api/login", json={"username": username,
                                           "password": "correct-horse-1"}).status_code == 200
    w.clients[username] = client
    return client


def test_upload_limits_and_names(team: dict[str, Any]) -> None:
    w: World = team["world"]
    editor = team["editor"]
    editor.post("/api/datasets", json={"id": "small", "title": "small"})
    limit = w.settings.max_upload_bytes
    big = {"file": ("big.csv", b"x" * (limit + 1), "text/csv")}
    r = editor.post("/api/datasets/small/imports", files=big)
    assert r.status_code == 413 and r.json()["field"] == "file"
    r = editor.post("/api/datasets/small/imports", files={"file": ("notes.txt", b"hello",
                                                                   "text/plain")})
    assert r.status_code == 422 and "format" in r.json()["problems"][0]["reason"]
    assert r.json()["problems"][0]["file"] == "notes.txt"
    r = editor.post("/api/datasets/small/imports", files=csv_file(ROWS),
                    data={"format": "word"})
    assert r.status_code == 422 and r.json()["field"] == "body.format"
    r = editor.post("/api/datasets", json={"id": "bad id!", "title": "x"})
    assert r.status_code == 422 and r.json()["field"] == "body.id"


def test_a_large_import_runs_as_a_job(team: dict[str, Any]) -> None:
    """Past the size threshold the import answers 202 with a job; the job's result is the
    import report, or its error the same problems a direct import gives."""
    w: World = team["world"]
    app = create_app(dataclasses.replace(w.settings, factor_import_job_bytes=10))
    with TestClient(app, raise_server_exceptions=False) as editor:
        editor.post("/api/login", json={"username": "editor", "password": "correct-horse-1"})
        editor.post("/api/datasets", json={"id": "big", "title": "big"})
        rows = [row.replace("api:", "big:") for row in ROWS]  # ids of a dataset of its own
        r = editor.post("/api/datasets/big/imports", files=csv_file(rows))
        assert r.status_code == 202, r.text
        job = wait_for(editor, r.json()["url"], 60)
        assert job["state"] == "done" and job["kind"] == "factor_import", job["error"]
        assert job["result"]["added"] == 2  # type: ignore[index]
        r = editor.post("/api/datasets/big/imports",
                        files=csv_file([rows[0].replace(",2100,", ",lots,")], "bad.csv"))
        job = wait_for(editor, r.json()["url"], 60)
        assert job["state"] == "failed"
        error: Any = job["error"]
        assert error["code"] == "factor_file" and error["problems"][0]["file"] == "bad.csv"
        assert editor.post("/api/datasets/none/imports", files=csv_file(ROWS)
                           ).status_code == 404
        # an import job keeps no copy of the file: it is uploaded again, not retried
        assert editor.post(f"{r.json()['url']}/retry").status_code == 409
        assert w.as_("outsider").get(r.json()["url"]).status_code == 403

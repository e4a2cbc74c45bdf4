"""Upload → validate → calculate as a job → poll → result, report and declaration; invalid
studies give problems with file, line and field."""

from __future__ import annotations

from tests.server.conftest import EXAMPLE, World, wait_for

BROKEN = b"""study:
  id: broken
  title: 42
processes: not-a-list
"""


def _upload(world: World, role: str = "analyst") -> int:
    files = [("study", (EXAMPLE.name, EXAMPLE.read_bytes(), "application/x-yaml"))]
    for table in sorted((EXAMPLE.parent / "factors").glob("*.csv")):
        files.append(("files", (f"factors/{table.name}", table.read_bytes(), "text/csv")))
    response = world.as_(role).post("/api/studies", files=files, data={"name": "my cement"})
    assert response.status_code == 201, response.text
    study = response.json()
    assert study["organisation_id"] == "acme" and len(study["sha256"]) == 64
    assert study["name"] == "my cement"
    return int(study["id"])


def test_upload_validate_calculate_and_read_the_result(fresh_world: World) -> None:
    world = fresh_world
    client = world.as_("analyst")
    study_id = _upload(world)
    assert client.post(f"/api/studies/{study_id}/validate").json() == {"valid": True,
                                                                       "problems": []}
    assert client.get(f"/api/studies/{study_id}/result").status_code == 409
    started = client.post(f"/api/studies/{study_id}/calculate",
                          json={"iterations": 200, "seed": 7, "sensitivity": True})
    assert started.status_code == 202, started.text
    job = wait_for(client, started.json()["url"])
    assert job["state"] == "done", job["error"]
    assert job["progress"] == 1.0
    result = client.get(f"/api/studies/{study_id}/result").json()
    assert result["total"] > 0 and result["uncertainty"]["iterations"] == 200
    assert result["sensitivity"] is not None
    # the stored job survives a "reload": a new client sees the same job
    again = world.as_("admin").get(started.json()["url"]).json()
    assert again["state"] == "done" and again["result"]["total"] == result["total"]
    report = client.get(f"/api/studies/{study_id}/report?lang=en")
    assert report.status_code == 200 and "<html" in report.text.lower()
    checks = client.get(f"/api/studies/{study_id}/checks").json()
    assert checks["pcr"] is not None and all("rule" in f for f in checks["findings"])


def test_a_failing_calculation_is_a_failed_job_with_the_problem(fresh_world: World) -> None:
    world = fresh_world
    client = world.as_("analyst")
    response = client.post("/api/studies", files={
        "study": ("broken.yaml", BROKEN, "application/x-yaml")})
    study_id = response.json()["id"]
    job = wait_for(client, client.post(f"/api/studies/{study_id}/calculate",
                                       json={}).json()["url"])
    assert job["state"] == "failed"
    error = job["error"]
    assert isinstance(error, dict) and error["problems"]
    assert "Traceback" not in str(error)


def test_validation_names_file_line_and_field(world: World) -> None:
    client = world.as_("analyst")
    study_id = client.post("/api/studies", files={
        "study": ("broken.yaml", BROKEN, "application/x-yaml")}).json()["id"]
    answer = client.post(f"/api/studies/{study_id}/validate").json()
    assert answer["valid"] is False
    fields = {p["field"] for p in answer["problems"]}
    assert "processes" in fields
    assert all(p["file"] == "broken.yaml" for p in answer["problems"])
    assert any(p["line"] == 4 for p in answer["problems"] if p["field"] == "processes")


def test_uploads_are_limited_in_size_type_and_name(fresh_world: World) -> None:
    world = fresh_world
    client = world.as_("analyst")
    big = client.post("/api/studies", files={
        "study": ("s.yaml", b"x" * (world.settings.max_upload_bytes + 1), "text/yaml")})
    assert big.status_code == 413 and big.json()["field"] == "study"
    exe = client.post("/api/studies", files={"study": ("s.exe", b"MZ", "application/x-exe")})
    assert exe.status_code == 415
    sneaky = client.post("/api/studies", files={
        "study": ("s.yaml", b"a: 1", "text/yaml"),
        "files": ("../../etc/passwd", b"x", "text/plain")})
    assert sneaky.status_code == 422 and sneaky.json()["field"] == "files"


def test_declaring_and_sharing_a_footprint(world: World) -> None:
    client = world.as_("analyst")
    declared = client.post(f"/api/studies/{world.acme_study}/declared").json()["declared"]
    assert declared["value"] > 0 and "primary_data_share" in declared
    shared = client.post(f"/api/studies/{world.acme_study}/shares",
                         json={"customer_id": "other"})
    assert shared.status_code == 200 and shared.json() == {"customers": ["other"]}
    outsider = world.as_("outsider")
    assert outsider.get(f"/api/supply/{world.acme_study}").status_code == 200
    assert outsider.get(f"/api/studies/{world.acme_study}").status_code == 403
    nobody = client.post(f"/api/studies/{world.acme_study}/shares",
                         json={"customer_id": "nobody"})
    assert nobody.status_code == 404 and nobody.json()["field"] == "customer_id"


def test_declarations_in_every_format_name_what_is_missing(world: World) -> None:
    client = world.as_("analyst")
    url = f"/api/studies/{world.acme_study}/declaration"
    cfp = client.get(url)
    assert cfp.status_code == 200 and cfp.json()["format"] == "tanzuji-cfp-declaration/1"
    html = client.get(url, params={"format": "html", "lang": "en"})
    assert html.status_code == 200 and "<html" in html.text.lower()
    # PACT needs facts a study does not hold (company and product ids): named, not invented
    pact = client.get(url, params={"format": "pact"})
    assert pact.status_code == 422
    assert {"company_ids", "product_ids"} <= {p["field"] for p in pact.json()["problems"]}
    assert all(not (p["file"] or "").startswith("/") for p in pact.json()["problems"])
    battery = client.get(url, params={"format": "eu-battery"})
    assert battery.status_code == 422 and "Traceback" not in battery.text

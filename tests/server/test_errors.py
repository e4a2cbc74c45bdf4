"""Every error is JSON with a code, a message and the field, with the right status; an
unexpected exception is a logged 500 without a traceback; the OpenAPI schema documents all."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from tests.server.conftest import World


def test_not_found_and_bad_requests_are_json(world: World) -> None:
    client = world.as_("analyst")
    cases = [
        (client.get("/api/no-such-thing"), 404, "not_found", None),
        (client.get("/api/studies/999999"), 404, "not_found", "study_id"),
        (client.get("/api/studies/not-a-number"), 422, "invalid", "path.study_id"),
        (client.get("/api/jobs/nope"), 404, "not_found", "job_id"),
        (client.get("/api/pcrs/nope"), 404, "not_found", "pcr_id"),
        (client.get("/api/factors/nope"), 404, "not_found", None),
        (client.delete("/api/studies"), 405, "method_not_allowed", None),
        (client.post("/api/login", json={"username": ""}), 422, "invalid", None),
        (client.post(f"/api/studies/{world.acme_study}/calculate", json={"iterations": -1}),
         422, "invalid", "body.iterations"),
        (client.get("/api/factors?limit=0"), 422, "invalid", "query.limit"),
    ]
    for response, status, code, field in cases:
        body = response.json()
        assert response.status_code == status, (response.request.url, body)
        assert body["code"] == code and body["message"]
        if field is not None:
            assert body["field"] == field
        assert "Traceback" not in response.text


def test_a_study_error_is_422_with_the_field(world: World, example_result: str) -> None:
    result = {**json.loads(example_result), "sensitivity": None}
    job = world.db.add_job("calculate", {}, "analyst", "acme", world.acme_study)
    world.db.update_job(job, state="done", result=result)
    response = world.as_("analyst").get(f"/api/studies/{world.acme_study}/report")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "SENS-01" and body["field"] == "sensitivity"
    assert body["problems"][0]["field"] == "sensitivity"


def test_an_unexpected_error_is_500_json_without_traceback(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    app = world.app

    @app.get("/api/test-explode")  # type: ignore[attr-defined, misc]
    def explode() -> None:
        raise RuntimeError("secret internals at /srv/x.py line 3")

    client = TestClient(app, raise_server_exceptions=False)  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="tanzuji.server"):
        response = client.get("/api/test-explode")
    assert response.status_code == 500
    assert response.json() == {"code": "internal", "message": "internal error; it has been "
                               "logged", "field": None, "problems": []}
    assert "secret internals" not in response.text
    assert "RuntimeError" in caplog.text


def test_the_openapi_schema_documents_every_endpoint(world: World) -> None:
    schema = world.as_("anonymous").get("/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/login", "/api/token", "/api/studies", "/api/studies/{study_id}/calculate",
                 "/api/jobs/{job_id}", "/api/factors", "/api/releases", "/api/pcrs",
                 "/api/studies/{study_id}/report", "/api/studies/{study_id}/declaration",
                 "/api/cases", "/api/certificates", "/api/registry", "/api/labels/{number}",
                 "/api/ledger/head", "/api/ledger/proof", "/api/studies/{study_id}/evidence",
                 "/api/supply", "/api/statistics"):
        assert path in paths, path
    for path, item in paths.items():
        for method, operation in item.items():
            assert operation.get("summary"), (method, path)
            assert operation["responses"].keys() & {"200", "201", "202", "204"}, (method, path)

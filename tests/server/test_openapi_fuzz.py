"""schemathesis drives every operation of the app's OpenAPI schema, in process (ASGI), as the
public and as an organisation admin holding a study: no request may end in a server error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from tanzuji.cli import app as cli  # noqa: E402
from tanzuji.jobs import runner  # noqa: E402
from tanzuji.jobs.runner import Runner  # noqa: E402
from tanzuji.jobs.tasks import StudyInput  # noqa: E402
from tanzuji.server.app import create_app  # noqa: E402
from tanzuji.server.settings import Settings  # noqa: E402
from tanzuji.store.platform_db import PlatformDB  # noqa: E402

EXAMPLE = Path(__file__).parents[2] / "examples" / "portland-cement.yaml"
PASSWORD = "fuzz-password-1"
MAX_DRAWS = 200


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    """An initialised database with one organisation, its admin, a client and a study."""
    tmp = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{tmp / 'fuzz.db'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("TANZUJI_DATABASE_URL", url)
    mp.setenv("TANZUJI_KEY_DIR", str(tmp / "keys"))
    mp.delenv("TANZUJI_DASK_SCHEDULER", raising=False)
    jobs = Runner()
    mp.setattr(runner, "_default", jobs)
    try:
        init = CliRunner().invoke(cli, ["db", "init"])
        assert init.exit_code == 0, init.output
        db = PlatformDB.open(url)
        db.add_organisation("fuzz-org", "Fuzz Co.", "enterprise")
        db.add_user("fuzz-admin", PASSWORD, ["org_admin"], "fuzz-org")
        client_id, secret = db.add_client("fuzz-admin")
        study = StudyInput.from_folder(EXAMPLE)
        files = {k: v for k, v in study.files.items() if k != study.study}
        db.add_study("fuzz-org", "cement", study.study, study.files[study.study], files,
                     "fuzz-admin")
        app = create_app(Settings.from_env())
        with TestClient(app) as client:
            response = client.post("/api/token", data={
                "grant_type": "client_credentials", "client_id": client_id,
                "client_secret": secret})
            assert response.status_code == 200, response.text
            yield app, response.json()["access_token"]
    finally:
        jobs.close()
        mp.undo()


@pytest.fixture(scope="module")
def api_schema(fuzz_app: tuple[FastAPI, str]) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app[0])


@pytest.fixture(scope="module")
def bearer(fuzz_app: tuple[FastAPI, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {fuzz_app[1]}"}


def _operations() -> list[str]:
    """Every operation of the schema, read without a database (the engine connects lazily)."""
    paths = create_app(Settings(database_url="sqlite://")).openapi()["paths"]
    return [f"{method.upper()} {path}" for path, item in paths.items() for method in item
            if method in ("get", "put", "post", "delete", "patch")]


OPERATIONS = _operations()


def _bounded(case: Any) -> Any:
    """Monte Carlo jobs the fuzzer starts run in this process: keep them small (the runner
    itself is tested in tests/jobs)."""
    if isinstance(case.body, dict) and isinstance(case.body.get("iterations"), int):
        case.body["iterations"] = min(case.body["iterations"], MAX_DRAWS)
    return case


def _fuzz(operation: Any, examples: int, headers: dict[str, str] | None,
          modes: tuple[GenerationMode, ...]) -> None:
    cases = st.one_of(*(operation.as_strategy(generation_mode=m) for m in modes))

    @given(case=cases.map(_bounded))
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def call(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    call()


@pytest.mark.parametrize("label", OPERATIONS)
def test_no_server_error_as_the_public(label: str, api_schema: Any) -> None:
    method, path = label.split(" ", 1)
    _fuzz(api_schema[path][method], 4, None, (GenerationMode.POSITIVE,))


@pytest.mark.parametrize("label", OPERATIONS)
def test_no_server_error_as_an_organisation_admin(label: str, api_schema: Any,
                                                  bearer: dict[str, str]) -> None:
    method, path = label.split(" ", 1)
    _fuzz(api_schema[path][method], 10, bearer,
          (GenerationMode.POSITIVE, GenerationMode.NEGATIVE))


def test_the_fuzzed_admin_is_logged_in(fuzz_app: tuple[FastAPI, str],
                                       bearer: dict[str, str]) -> None:
    """The second pass reaches past authentication: the admin sees the organisation's study."""
    with TestClient(fuzz_app[0]) as client:
        studies = client.get("/api/studies", headers=bearer)
    assert studies.status_code == 200
    assert "cement" in [s["name"] for s in studies.json()]

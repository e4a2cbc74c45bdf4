"""A migrated database with one party per role, a study of each kind of owner and a case held
by a certification body, served in process by FastAPI's TestClient."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import make_url

from tanzuji.jobs.tasks import StudyInput, footprint
from tanzuji.server.app import create_app
from tanzuji.server.settings import Settings
from tanzuji.signing import ensure_key
from tanzuji.store.db import make_engine, transaction, upgrade
from tanzuji.store.platform_db import PlatformDB
from tanzuji.store.tables import CertBody, CertCase, CertOrganisation
from tests.store.conftest import PG_ENV, _reset_postgres, db_url

__all__ = ["db_url"]

EXAMPLE = Path(__file__).parents[2] / "examples" / "portland-cement.yaml"
PASSWORD = "correct-horse-1"
# user name → (organisation, roles); "anonymous" sends no credentials
USERS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "admin": ("acme", ("org_admin",)),
    "analyst": ("acme", ("analyst",)),
    "consultant": ("acme", ("consultant",)),
    "supplier": ("parts", ("supplier",)),
    "auditor": ("CB1", ("cb_auditor",)),
    "decider": ("CB1", ("cb_decider",)),
    "other_auditor": ("CB2", ("cb_auditor",)),
    "regulator": ("gov", ("regulator",)),
    "visitor": (None, ("public",)),
    "outsider": ("other", ("analyst",)),
    "procurement": ("buyer", ("procurement_officer",)),
    "bank": ("bank1", ("bank",)),
}
ROLES = ["anonymous", *USERS]


@pytest.fixture(scope="session")
def example_result() -> str:
    """The example's result with sensitivity, computed once for the whole session."""
    return footprint(StudyInput.from_folder(EXAMPLE), sensitivity=True)


@dataclass
class World:
    app: object
    db: PlatformDB
    settings: Settings
    acme_study: int
    parts_study: int
    case_id: str
    job_id: str
    clients: dict[str, TestClient]

    def as_(self, role: str) -> TestClient:
        return self.clients[role]

    def close_case(self) -> None:
        with transaction(self.db.engine) as s:
            s.execute(update(CertCase).where(CertCase.id == self.case_id)
                      .values(state="certified"))


def add_study(db: PlatformDB, org: str, by: str) -> int:
    study = StudyInput.from_folder(EXAMPLE)
    files = {k: v for k, v in study.files.items() if k != study.study}
    return db.add_study(org, "cement", study.study, study.files[study.study], files, by)


def _case(db: PlatformDB, study_sha: str) -> str:
    with transaction(db.engine) as s:
        s.add(CertOrganisation(id="acme", name="ACME", kind="enterprise", created_by="t"))
        for body in ("CB1", "CB2"):
            s.add(CertBody(id=body, name=body, categories=[], created_by="t"))
        s.flush()
        s.add(CertCase(
            id="CASE-1", applicant_id="acme", body_id="CB1", state="accepted",
            product="cement", product_model="P.O 42.5", unit="kg CO2e/t",
            functional_unit="1 t", boundary="cradle-to-gate", declared_value=800.0,
            tolerance_percent=5.0, study_file=EXAMPLE.name, study_sha256=study_sha,
            releases=[], gec_serials=[], team=[], created_by="t"))
    return "CASE-1"


def _settings(url: str, keys: Path, **changes: object) -> Settings:
    ensure_key(keys)
    return Settings(database_url=url, key_dir=keys, **changes)  # type: ignore[arg-type]


@pytest.fixture
def make_settings(db_url: str, tmp_path: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Callable[..., Settings]:
    """Settings on the test's empty database (migrated), with a fresh key."""
    monkeypatch.setenv("TANZUJI_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.delenv("TANZUJI_DASK_SCHEDULER", raising=False)
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    return lambda **changes: _settings(db_url, tmp_path / "keys", **changes)


def build_world(settings: Settings, example_result: str) -> World:
    engine = make_engine(settings.database_url)
    upgrade(engine)
    db = PlatformDB(engine)
    for org, kind in (("acme", "enterprise"), ("parts", "supplier"), ("other", "enterprise"),
                      ("CB1", "certification_body"), ("CB2", "certification_body"),
                      ("gov", "regulator"), ("buyer", "public_buyer"), ("bank1", "bank")):
        db.add_organisation(org, org.upper(), kind)
    for name, (org, roles) in USERS.items():
        db.add_user(name, PASSWORD, roles, org)
    acme = add_study(db, "acme", "analyst")
    parts = add_study(db, "parts", "supplier")
    result = json.loads(example_result)
    job_id = db.add_job("calculate", {}, "analyst", "acme", acme)
    db.update_job(job_id, state="done", progress=1.0, result=result)
    parts_job = db.add_job("calculate", {}, "supplier", "parts", parts)
    db.update_job(parts_job, state="done", progress=1.0, result=result)
    db.declare(parts, {"value": result["total"], "unit": result["unit"],
                       "primary_data_share": result["primary_data_share"]})
    db.share(parts, "acme", "supplier")
    study = db.study(acme)
    assert study is not None
    case_id = _case(db, study["sha256"])
    app = create_app(settings)
    clients: dict[str, TestClient] = {}
    for role in ROLES:
        client = TestClient(app, raise_server_exceptions=False)
        if role != "anonymous":
            r = client.post("/api/login", json={"username": role, "password": PASSWORD})
            assert r.status_code == 200, r.text
        clients[role] = client
    return World(app, db, settings, acme, parts, case_id, job_id, clients)


def _close(world: World) -> None:
    for client in world.clients.values():
        client.close()
    world.db.engine.dispose()


@contextmanager
def shared_world(tmp: Path, name: str, example_result: str) -> Iterator[World]:
    """A world in ``tmp`` (on PostgreSQL a database ``<test database>_<name>`` of its own,
    beside the per-test one), with the environment the CLI and workers read pointing at it."""
    url = f"sqlite:///{tmp / 'tanzuji.db'}"
    if os.environ.get(PG_ENV):
        pg = make_url(os.environ[PG_ENV])
        url = pg.set(database=f"{pg.database}_{name}").render_as_string(hide_password=False)
        _reset_postgres(url)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TANZUJI_DATABASE_URL", url)
        mp.setenv("TANZUJI_KEY_DIR", str(tmp / "keys"))
        mp.delenv("TANZUJI_DASK_SCHEDULER", raising=False)
        built = build_world(_settings(url, tmp / "keys"), example_result)
        try:
            yield built
        finally:
            _close(built)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, example_result: str) -> Iterator[World]:
    """One world for the read-only tests of a module (setting it up hashes 20 passwords)."""
    with shared_world(tmp_path_factory.mktemp("world"), "world", example_result) as built:
        yield built


@pytest.fixture
def fresh_world(make_settings: Callable[..., Settings], example_result: str) -> Iterator[World]:
    """A world of its own, for tests that change it."""
    built = build_world(make_settings(), example_result)
    yield built
    _close(built)


def wait_for(client: TestClient, job_url: str, seconds: float = 120) -> dict[str, object]:
    """Poll a job until it is done or failed."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        job: dict[str, object] = client.get(job_url).json()
        if job["state"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)

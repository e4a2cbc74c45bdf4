"""A platform for the web tests: a fresh SQLite database set up with `tanzuji db init`, users
of every role, and the steel example certified up to a signed label whose QR link points at
the test server's own address."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tanzuji.certification.casefiles import prepare_application
from tanzuji.certification.demo import APPLICANT, BODY, certify_example
from tanzuji.server.app import create_app
from tanzuji.server.csrf import form_token
from tanzuji.server.settings import Settings
from tanzuji.store.certification_db import CertificationDB
from tanzuji.store.platform_db import PlatformDB

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
PASSWORD = "correct-horse-42"
CSRF_HEADER = "X-CSRF-Token"
# user name -> (organisation, roles)
USERS: dict[str, tuple[str | None, list[str]]] = {
    "admin": (APPLICANT, ["org_admin"]),
    "analyst": (APPLICANT, ["analyst"]),
    "supplier": ("demo-supplier", ["supplier"]),
    "other": ("other-co", ["analyst"]),
    "auditor": (BODY, ["cb_auditor"]),
    "decider": (BODY, ["cb_decider"]),
    "regulator": ("demo-regulator", ["regulator"]),
    "citizen": (None, ["public"]),
}
ORGANISATIONS = {APPLICANT: "enterprise", "demo-supplier": "supplier", "other-co": "enterprise",
                 BODY: "certification_body", "demo-regulator": "regulator"}


@dataclass(frozen=True)
class Site:
    url: str
    database_url: str
    key_dir: Path
    env: dict[str, str]
    certificate: str
    case: str
    qr_text: str

    def settings(self) -> Settings:
        return Settings(database_url=self.database_url, key_dir=self.key_dir,
                        public_base_url=self.url)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("web-site")
    url = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "TANZUJI_DATABASE_URL": f"sqlite:///{root / 'tanzuji.db'}",
           "TANZUJI_KEY_DIR": str(root / "keys"), "TANZUJI_VERIFY_URL": url,
           "TANZUJI_PUBLIC_BASE_URL": url}
    env.pop("TANZUJI_DASK_SCHEDULER", None)
    tanzuji = str(Path(sys.executable).parent / "tanzuji")
    subprocess.run([tanzuji, "db", "init"], env=env, check=True, capture_output=True)
    with pytest.MonkeyPatch.context() as mp:
        for name in ("TANZUJI_DATABASE_URL", "TANZUJI_KEY_DIR", "TANZUJI_VERIFY_URL"):
            mp.setenv(name, env[name])
        cert_db = CertificationDB.open(env["TANZUJI_DATABASE_URL"])
        done = certify_example(cert_db, EXAMPLES, root / "labels")
        cert_db.engine.dispose()
    platform = PlatformDB.open(env["TANZUJI_DATABASE_URL"])
    for org, kind in ORGANISATIONS.items():
        platform.add_organisation(org, org, kind)
    for name, (org, roles) in USERS.items():
        platform.add_user(name, PASSWORD, roles, org)
    platform.engine.dispose()
    qr = (root / "labels" / f"{done.number}.txt").read_text(encoding="utf-8").strip()
    yield Site(url, env["TANZUJI_DATABASE_URL"], root / "keys", env, done.number, done.case, qr)


@pytest.fixture(scope="session")
def app_client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_app(site.settings()), follow_redirects=False) as client:
        yield client


_SESSIONS: dict[tuple[int, str], str] = {}


def login(client: TestClient, user: str) -> None:
    """Log ``user`` in through the login form once per client, then reuse the session."""
    client.cookies.clear()
    client.headers.pop(CSRF_HEADER, None)
    cookie = client.app.state.settings.session_cookie  # type: ignore[attr-defined]
    key = (id(client), user)
    if key not in _SESSIONS:
        answer = client.post("/login", data={"username": user, "password": PASSWORD,
                                             "next": "/"})
        assert answer.status_code == 303, answer.text
        _SESSIONS[key] = answer.cookies[cookie]
    client.cookies.set(cookie, _SESSIONS[key])
    # what the page's forms carry, sent as the header the guard also accepts
    client.headers[CSRF_HEADER] = form_token(_SESSIONS[key])


@pytest.fixture(scope="session")
def server(site: Site) -> Iterator[str]:
    """The real server: uvicorn on the site's loopback port, as `tanzuji serve` runs it."""
    port = site.url.rsplit(":", 1)[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "tanzuji.server.app:create_app",
         "--host", "127.0.0.1", "--port", port, "--log-level", "warning"],
        env=site.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(site.url + "/login", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                output = proc.stdout.read().decode() if proc.stdout else ""
                raise RuntimeError(f"the server did not start:\n{output}")
            time.sleep(0.2)
        yield site.url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Debian Chromium for every browser test (Playwright, never downloaded)."""
    from tests.server.web.chromium import ARGS, ARTIFACTS, CHROMIUM

    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def applied_case(site: Site, model: str) -> str:
    """A new application of the demo applicant for ``model``, with derived documents."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TANZUJI_DATABASE_URL", site.database_url)
        mp.setenv("TANZUJI_KEY_DIR", str(site.key_dir))
        db = CertificationDB.open(site.database_url)
        try:
            app = prepare_application(EXAMPLES / "steel-bf-bof-hot-rolled.yaml",
                                      product_model=model, derive_documents=True)
            return db.apply(app, APPLICANT, BODY, "clerk")
        finally:
            db.engine.dispose()

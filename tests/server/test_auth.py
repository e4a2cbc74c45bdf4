"""Logins, web sessions, the failed-login rate limit, OAuth2 client credentials tokens and the
organisation admin's user management."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import jwt
from fastapi.testclient import TestClient

from tanzuji.server.app import create_app
from tanzuji.server.deps import TOKEN_AUDIENCE
from tanzuji.server.settings import Settings
from tanzuji.signing import signing_key
from tanzuji.store.platform_db import PlatformDB
from tests.server.conftest import PASSWORD, World


def _setup(make_settings: Callable[..., Settings], **changes: object) -> tuple[TestClient,
                                                                               PlatformDB]:
    settings = make_settings(**changes)
    db = PlatformDB.open(settings.database_url)
    db.add_organisation("acme", "ACME", "enterprise")
    db.add_user("ana", PASSWORD, ["analyst"], "acme")
    return TestClient(create_app(settings), raise_server_exceptions=False), db


def test_login_sets_an_httponly_samesite_session(make_settings: Callable[..., Settings]
                                                 ) -> None:
    client, _ = _setup(make_settings)
    response = client.post("/api/login", json={"username": "ana", "password": PASSWORD})
    assert response.status_code == 200 and response.json()["roles"] == ["analyst"]
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=43200" in cookie
    assert client.get("/api/me").json()["username"] == "ana"
    assert client.post("/api/logout").status_code == 200
    assert client.get("/api/me").status_code == 401


def test_a_forged_session_cookie_is_nobody(make_settings: Callable[..., Settings]) -> None:
    client, _ = _setup(make_settings)
    client.cookies.set("tanzuji_session", "forged")
    assert client.get("/api/me").status_code == 401


def test_wrong_password_is_401_json(make_settings: Callable[..., Settings]) -> None:
    client, _ = _setup(make_settings)
    response = client.post("/api/login", json={"username": "ana", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    unknown = client.post("/api/login", json={"username": "nobody", "password": "x"})
    assert unknown.status_code == 401


def test_failed_logins_are_rate_limited_per_user(make_settings: Callable[..., Settings]
                                                 ) -> None:
    client, _ = _setup(make_settings, login_max_failures=3)
    for _ in range(3):
        assert client.post("/api/login", json={"username": "ana",
                                               "password": "wrong"}).status_code == 401
    # even the right password is refused while the limit holds
    blocked = client.post("/api/login", json={"username": "ana", "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "rate_limited" and "retry-after" in blocked.headers


def test_failed_logins_are_rate_limited_per_address(make_settings: Callable[..., Settings]
                                                    ) -> None:
    client, _ = _setup(make_settings, login_max_failures=3)
    for name in ("a1", "a2", "a3"):
        client.post("/api/login", json={"username": name, "password": "wrong"})
    response = client.post("/api/login", json={"username": "ana", "password": PASSWORD})
    assert response.status_code == 429


def test_the_limit_is_stored_so_every_worker_sees_it(make_settings: Callable[..., Settings]
                                                     ) -> None:
    client, _ = _setup(make_settings, login_max_failures=2)
    for _ in range(2):
        client.post("/api/login", json={"username": "ana", "password": "wrong"})
    other_worker = TestClient(create_app(make_settings(login_max_failures=2)))
    assert other_worker.post("/api/login", json={"username": "ana",
                                                 "password": PASSWORD}).status_code == 429


def test_client_credentials_give_a_signed_expiring_token(make_settings: Callable[..., Settings]
                                                         ) -> None:
    client, db = _setup(make_settings)
    client_id, secret = db.add_client("ana")
    response = client.post("/api/token", data={"grant_type": "client_credentials",
                                               "client_id": client_id,
                                               "client_secret": secret})
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["token_type"] == "bearer" and token["expires_in"] == 3600
    settings = make_settings()
    claims = jwt.decode(token["access_token"], signing_key(settings.key_dir).public_key(),
                        algorithms=["EdDSA"], audience=TOKEN_AUDIENCE)
    assert claims["roles"] == ["analyst"] and claims["org"] == "acme"
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    fresh = TestClient(create_app(settings), raise_server_exceptions=False)
    assert fresh.get("/api/me", headers=bearer).json()["username"] == "ana"


def test_bad_tokens_are_refused(make_settings: Callable[..., Settings]) -> None:
    client, db = _setup(make_settings)
    client_id, secret = db.add_client("ana")
    wrong = client.post("/api/token", data={"grant_type": "client_credentials",
                                            "client_id": client_id, "client_secret": "x"})
    assert wrong.status_code == 401 and wrong.json()["field"] == "client_id"
    grant = client.post("/api/token", data={"grant_type": "password", "client_id": client_id,
                                            "client_secret": secret})
    assert grant.status_code == 400 and grant.json()["field"] == "grant_type"
    key = signing_key(make_settings().key_dir)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    expired = jwt.encode({"sub": "1", "aud": TOKEN_AUDIENCE, "iat": past,
                          "exp": past + dt.timedelta(hours=1)}, key, algorithm="EdDSA")
    forged = jwt.encode({"sub": "1", "aud": TOKEN_AUDIENCE}, "s" * 32, algorithm="HS256")
    for token in (expired, forged, "not-a-jwt"):
        response = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"


def test_an_admin_adds_users_to_their_own_organisation(world: World) -> None:
    admin = world.as_("admin")
    response = admin.post("/api/users", json={"username": "newbie", "password": "long-enough",
                                              "roles": ["analyst"]})
    assert response.status_code == 201 and response.json()["organisation_id"] == "acme"
    assert "newbie" in [u["username"] for u in admin.get("/api/users").json()]
    regulator = admin.post("/api/users", json={"username": "fake-regulator",
                                               "password": "long-enough",
                                               "roles": ["regulator"]})
    assert regulator.status_code == 403 and regulator.json()["field"] == "roles"
    again = admin.post("/api/users", json={"username": "newbie", "password": "long-enough",
                                           "roles": ["analyst"]})
    assert again.status_code == 409
    assert world.as_("analyst").post("/api/users", json={
        "username": "x", "password": "long-enough", "roles": ["analyst"]}).status_code == 403

"""Ending access at once: a revoked token, a revoked client, "log out everywhere" and a
deactivated user are refused with 401 on the next request (the revocation is a row, so every
worker sees it)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.server.conftest import World


def token(client: TestClient, client_id: str, secret: str) -> str:
    r = client.post("/api/token", data={"grant_type": "client_credentials",
                                        "client_id": client_id, "client_secret": secret})
    assert r.status_code == 200, r.text
    access: str = r.json()["access_token"]
    return access


def bearer(access: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access}"}


def test_revoking_tokens_clients_and_users(world: World) -> None:
    w = world
    public = w.as_("anonymous")
    cid, secret = w.db.add_client("analyst")
    first, second = token(public, cid, secret), token(public, cid, secret)
    assert public.get("/api/me", headers=bearer(first)).json()["username"] == "analyst"

    # the token's holder revokes it; another worker (app) refuses it too
    r = public.post("/api/token/revoke", data={"token": first}, headers=bearer(second))
    assert r.status_code == 200 and r.json()["revoked"] == 1
    r = public.get("/api/me", headers=bearer(first))
    assert r.status_code == 401 and "revoked" in r.json()["message"]
    from tanzuji.server.app import create_app
    with TestClient(create_app(w.settings), raise_server_exceptions=False) as other_worker:
        assert other_worker.get("/api/me", headers=bearer(first)).status_code == 401
        assert other_worker.get("/api/me", headers=bearer(second)).status_code == 200

    # not a token of ours, someone else's, nobody logged in
    r = public.post("/api/token/revoke", data={"token": "abc"}, headers=bearer(second))
    assert r.status_code == 422 and r.json()["field"] == "token"
    assert w.as_("outsider").post("/api/token/revoke", data={"token": second}
                                  ).status_code == 403
    assert public.post("/api/token/revoke", data={"token": second}).status_code == 401
    # the organisation's admin may revoke its users' tokens
    assert w.as_("admin").post("/api/token/revoke", data={"token": second}).status_code == 200
    assert public.get("/api/me", headers=bearer(second)).status_code == 401

    # revoking the client revokes its tokens and refuses new ones
    third = token(public, cid, secret)
    assert w.as_("analyst").get("/api/clients").json()[0]["client_id"] == cid
    assert w.as_("outsider").delete(f"/api/clients/{cid}").status_code == 403
    assert w.as_("analyst").delete("/api/clients/tzc_nosuch").status_code == 404
    r = w.as_("analyst").delete(f"/api/clients/{cid}")
    assert r.status_code == 200 and r.json()["revoked"] == 1
    assert public.get("/api/me", headers=bearer(third)).status_code == 401
    r = public.post("/api/token", data={"grant_type": "client_credentials", "client_id": cid,
                                        "client_secret": secret})
    assert r.status_code == 401

    # logging out ends the session on the server: the old cookie, replayed, is nobody
    decider = w.as_("decider")
    old = decider.cookies.get(w.settings.session_cookie)
    assert old and decider.post("/api/logout").status_code == 200
    decider.cookies.set(w.settings.session_cookie, old)
    assert decider.get("/api/me").status_code == 401

    # log out everywhere: the web session and every token end
    cid2, secret2 = w.db.add_client("consultant")
    fourth = token(public, cid2, secret2)
    consultant = w.as_("consultant")
    assert public.post("/api/logout/everywhere", headers=bearer(fourth)).status_code == 403
    assert consultant.post("/api/logout/everywhere").json()["revoked"] == 1
    assert consultant.get("/api/me").status_code == 401
    assert public.get("/api/me", headers=bearer(fourth)).status_code == 401

    # the admin logs a user out everywhere, then deactivates them
    cid3, secret3 = w.db.add_client("analyst")
    fifth = token(public, cid3, secret3)
    admin = w.as_("admin")
    assert admin.post("/api/users/analyst/logout").json()["revoked"] == 1
    assert w.as_("analyst").get("/api/me").status_code == 401
    assert public.get("/api/me", headers=bearer(fifth)).status_code == 401
    sixth = token(public, cid3, secret3)
    assert admin.post("/api/users/outsider/deactivate").status_code == 404  # not ours
    assert admin.post("/api/users/admin/deactivate").status_code == 409
    assert w.as_("analyst").post("/api/users/admin/deactivate").status_code in (401, 403)
    assert w.as_("consultant").post("/api/users/analyst/deactivate").status_code in (401, 403)
    assert admin.post("/api/users/analyst/deactivate").status_code == 200
    assert public.get("/api/me", headers=bearer(sixth)).status_code == 401
    r = public.post("/api/login", json={"username": "analyst", "password": "correct-horse-1"})
    assert r.status_code == 401

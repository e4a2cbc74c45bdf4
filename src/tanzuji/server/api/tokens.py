"""Ending access before it expires: revoking a machine token (by its ``jti``) or an OAuth2
client, logging a user out everywhere, and deactivating a user. Revocations are rows, so
every worker refuses the token on its next request."""

from __future__ import annotations

from typing import Annotated

import jwt
from fastapi import APIRouter, Depends, Form, Path, Request, Response
from pydantic import BaseModel

from tanzuji.server import policy
from tanzuji.server.deps import Principal, platform, require, settings_of, token_claims
from tanzuji.server.errors import ApiError, forbidden, not_found
from tanzuji.store.platform_db import PlatformDB, UserView

router = APIRouter(tags=["auth"])

Username = Annotated[str, Path(min_length=1, max_length=100)]
ClientId = Annotated[str, Path(min_length=1, max_length=100)]


class RevokedOut(BaseModel):
    revoked: int
    message: str


def _check(user: Principal, owner: UserView) -> None:
    if not policy.can_revoke_for(user, owner.id, owner.organisation_id):
        raise forbidden("you may end your own access, or that of your organisation's users "
                        "as its admin")


@router.post("/token/revoke", response_model=RevokedOut,
             summary="Revoke a machine token (RFC 7009 form field `token`) at once")
def revoke_token(request: Request, token: Annotated[str, Form(max_length=4000)],
                 user: Annotated[Principal, Depends(require())]) -> RevokedOut:
    db = platform(request)
    try:
        jti = str(token_claims(settings_of(request), token, verify_exp=False)["jti"])
    except (jwt.PyJWTError, KeyError):
        raise ApiError(422, "invalid", "not a token this platform issued", "token") from None
    owner = db.token_owner(jti)
    if owner is None:
        raise not_found("such token", "token")
    _check(user, owner)
    db.revoke_token(jti)
    return RevokedOut(revoked=1, message="the token is revoked")


@router.get("/clients", response_model=list[dict[str, str]],
            summary="My OAuth2 clients (ids only; secrets are never shown again)")
def clients(request: Request,
            user: Annotated[Principal, Depends(require())]) -> list[dict[str, str]]:
    return [{"client_id": c["client_id"], "created_at": c["created_at"].isoformat()}
            for c in platform(request).clients(user.user_id)]


@router.delete("/clients/{client_id}", response_model=RevokedOut,
               summary="Revoke an OAuth2 client and every token it holds")
def revoke_client(client_id: ClientId, request: Request,
                  user: Annotated[Principal, Depends(require())]) -> RevokedOut:
    db = platform(request)
    owner = db.client_owner(client_id)
    if owner is None:
        raise not_found(f"client {client_id!r}", "client_id")
    _check(user, owner)
    n = db.revoke_client(client_id)
    return RevokedOut(revoked=n, message=f"client {client_id} revoked with {n} token(s)")


@router.post("/logout/everywhere", response_model=RevokedOut,
             summary="Logged in: end every web session of mine and revoke every token of mine")
def logout_everywhere(request: Request, response: Response,
                      user: Annotated[Principal, Depends(require())]) -> RevokedOut:
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        # a program ends its own access with /token/revoke; ending a person's every
        # session and client is the person's (or their admin's) decision
        raise forbidden("log out everywhere is for a logged-in person; a program revokes "
                        "its token with POST /api/token/revoke")
    n = platform(request).sign_out_everywhere(user.user_id)
    response.delete_cookie(settings_of(request).session_cookie)
    return RevokedOut(revoked=n, message="logged out everywhere")


def _member(db: PlatformDB, user: Principal, username: str) -> UserView:
    target = db.user_by_name(username)
    if target is None or target.organisation_id != user.organisation_id:
        raise not_found(f"user {username!r} in your organisation", "username")
    return target


@router.post("/users/{username}/logout", response_model=RevokedOut,
             summary="Organisation admin: end a user's sessions and tokens everywhere")
def logout_user(username: Username, request: Request,
                user: Annotated[Principal, Depends(require("org_admin"))]) -> RevokedOut:
    db = platform(request)
    target = _member(db, user, username)
    n = db.sign_out_everywhere(target.id)
    return RevokedOut(revoked=n, message=f"{username} logged out everywhere")


@router.post("/users/{username}/deactivate", response_model=RevokedOut,
             summary="Organisation admin: deactivate a user; their sessions and tokens end")
def deactivate_user(username: Username, request: Request,
                    user: Annotated[Principal, Depends(require("org_admin"))]) -> RevokedOut:
    db = platform(request)
    target = _member(db, user, username)
    if target.id == user.user_id:
        raise ApiError(409, "conflict", "you cannot deactivate yourself", "username")
    n = db.sign_out_everywhere(target.id, deactivate=True)
    return RevokedOut(revoked=n, message=f"{username} deactivated")

"""Logging in and out (web session cookie), OAuth2 client credentials tokens, and the
organisation admin's user management."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import BaseModel, Field

from tanzuji.server import policy
from tanzuji.server.deps import Principal, issue_token, platform, require, settings_of
from tanzuji.server.errors import ApiError, forbidden, unauthenticated
from tanzuji.store.platform_db import PlatformDB, PlatformError, RateLimited, UserView

router = APIRouter(tags=["auth"])


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class UserOut(BaseModel):
    id: int
    username: str
    name: str | None
    organisation_id: str | None
    organisation_kind: str | None
    roles: list[str]

    @classmethod
    def of(cls, user: UserView) -> UserOut:
        return cls(id=user.id, username=user.username, name=user.name,
                   organisation_id=user.organisation_id,
                   organisation_kind=user.organisation_kind, roles=list(user.roles))


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class NewUserIn(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=1000)
    roles: list[str] = Field(min_length=1)
    name: str | None = None


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _rate_limited(exc: RateLimited) -> ApiError:
    return ApiError(429, "rate_limited", str(exc), exc.field, headers={"Retry-After": "900"})


@router.post("/login", response_model=UserOut, summary="Log in: sets the session cookie")
def login(body: LoginIn, request: Request, response: Response) -> UserOut:
    settings, db = settings_of(request), platform(request)
    try:
        user = db.login(body.username, body.password, _address(request),
                        max_failures=settings.login_max_failures,
                        window_seconds=settings.login_window_seconds)
    except RateLimited as exc:
        raise _rate_limited(exc) from None
    if user is None:
        raise unauthenticated("wrong user name or password")
    token = db.create_session(user.id, settings.session_hours)
    response.set_cookie(settings.session_cookie, token, httponly=True, samesite="lax",
                        secure=settings.cookie_secure,
                        max_age=int(settings.session_hours * 3600))
    return UserOut.of(user)


@router.post("/logout", response_model=dict[str, str], summary="End the web session")
def logout(request: Request, response: Response) -> dict[str, str]:
    settings = settings_of(request)
    token = request.cookies.get(settings.session_cookie)
    if token:
        platform(request).end_session(token)
    response.delete_cookie(settings.session_cookie)
    return {"message": "logged out"}


@router.get("/me", response_model=UserOut, summary="The logged-in user")
def me(request: Request, user: Annotated[Principal, Depends(require())]) -> UserOut:
    view = platform(request).user(user.user_id)
    if view is None:
        raise unauthenticated()
    return UserOut.of(view)


@router.post("/token", response_model=TokenOut,
             summary="OAuth2 client credentials: a signed, expiring Bearer token")
def token(request: Request, grant_type: Annotated[str, Form()],
          client_id: Annotated[str, Form()], client_secret: Annotated[str, Form()]) -> TokenOut:
    if grant_type != "client_credentials":
        raise ApiError(400, "unsupported_grant_type",
                       "only grant_type=client_credentials is supported", "grant_type")
    settings, db = settings_of(request), platform(request)
    try:
        user = db.client_user(client_id, client_secret, _address(request),
                              max_failures=settings.login_max_failures,
                              window_seconds=settings.login_window_seconds)
    except RateLimited as exc:
        raise _rate_limited(exc) from None
    if user is None:
        raise ApiError(401, "invalid_client", "unknown client or wrong secret", "client_id")
    access, seconds = issue_token(settings, user, db, client_id)
    return TokenOut(access_token=access, expires_in=seconds)


def _grantable(kind: str | None) -> set[str]:
    roles = set(policy.MEMBER_ROLES) | set(policy.FACTOR_ROLES) | {"public"}
    if kind == "certification_body":
        roles |= set(policy.CB_ROLES)
    if kind == "regulator":
        roles.add("regulator")
    return roles


@router.get("/users", response_model=list[UserOut], summary="Users of my organisation")
def users(request: Request,
          user: Annotated[Principal, Depends(require("org_admin"))]) -> list[UserOut]:
    return [UserOut.of(u) for u in platform(request).users()
            if u.organisation_id == user.organisation_id]


@router.post("/users", response_model=UserOut, status_code=201,
             summary="Add a user to my organisation")
def add_user(body: NewUserIn, request: Request,
             user: Annotated[Principal, Depends(require("org_admin"))]) -> UserOut:
    if not policy.can_manage_users(user, user.organisation_id):
        raise forbidden("an organisation admin manages the users of their organisation")
    refused = sorted(set(body.roles) - _grantable(user.organisation_kind))
    if refused:
        raise ApiError(403, "forbidden", f"you cannot grant the role {refused[0]!r}", "roles")
    db: PlatformDB = platform(request)
    try:
        new_id = db.add_user(body.username, body.password, body.roles, user.organisation_id,
                             body.name)
    except PlatformError as exc:
        raise ApiError(409 if exc.code == "conflict" else 422, exc.code, str(exc),
                       exc.field) from None
    view = db.user(new_id)
    assert view is not None
    return UserOut.of(view)

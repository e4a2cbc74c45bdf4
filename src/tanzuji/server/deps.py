"""What every endpoint depends on: the store, who is asking (session cookie or Bearer token)
and the roles an endpoint requires."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from tanzuji.server import csrf
from tanzuji.server.errors import forbidden, unauthenticated
from tanzuji.server.settings import Settings
from tanzuji.signing import SigningKeyError, signing_key
from tanzuji.store.db import session_factory
from tanzuji.store.platform_db import PlatformDB, UserView

TOKEN_AUDIENCE = "tanzuji-api"


@dataclass(frozen=True)
class Principal:
    """Who is asking: the user, their organisation and roles."""

    user_id: int
    username: str
    organisation_id: str | None
    organisation_kind: str | None
    roles: frozenset[str]

    @classmethod
    def of(cls, user: UserView) -> Principal:
        return cls(user.id, user.username, user.organisation_id, user.organisation_kind,
                   frozenset(user.roles))

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


User = Principal


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def platform(request: Request) -> PlatformDB:
    db: PlatformDB = request.app.state.platform
    return db


def get_db(request: Request) -> Iterator[Session]:
    """A SQLAlchemy session on the server's database, committed when the request ends."""
    with session_factory(platform(request).engine)() as session, session.begin():
        yield session


db_session = get_db


def issue_token(settings: Settings, user: UserView, db: PlatformDB,
                client_id: str | None = None) -> tuple[str, int]:
    """A JWT signed with the platform's Ed25519 key: (token, seconds it lives). Its ``jti``
    is stored, so the token can be revoked before it expires."""
    seconds = settings.token_minutes * 60
    now = dt.datetime.now(dt.UTC)
    jti = uuid.uuid4().hex
    expires = now + dt.timedelta(seconds=seconds)
    claims: dict[str, Any] = {"sub": str(user.id), "aud": TOKEN_AUDIENCE, "iat": now,
                              "exp": expires, "jti": jti,
                              "org": user.organisation_id, "roles": list(user.roles)}
    token = jwt.encode(claims, signing_key(settings.key_dir), algorithm="EdDSA")
    db.record_token(jti, user.id, client_id, expires)
    return token, seconds


def token_claims(settings: Settings, token: str, *, verify_exp: bool = True) -> dict[str, Any]:
    """The claims of a token this platform signed; ``jwt.PyJWTError`` when it did not."""
    public = signing_key(settings.key_dir).public_key()
    claims: dict[str, Any] = jwt.decode(token, public, algorithms=["EdDSA"],
                                        audience=TOKEN_AUDIENCE,
                                        options={"verify_exp": verify_exp})
    return claims


def _token_user(request: Request, token: str) -> UserView:
    try:
        claims = token_claims(settings_of(request), token)
        user = platform(request).user(int(claims["sub"]))
        live = platform(request).token_live(str(claims["jti"]))
    except (jwt.PyJWTError, SigningKeyError, KeyError, ValueError):
        raise unauthenticated("the Bearer token is invalid or expired") from None
    if not live:
        raise unauthenticated("the Bearer token has been revoked")
    if user is None:
        raise unauthenticated("the token's user no longer exists")
    return user


def current_user(request: Request) -> Principal | None:
    """The caller from a Bearer token or the session cookie; None for the public."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return Principal.of(_token_user(request, header[7:].strip()))
    settings = settings_of(request)
    cookie = request.cookies.get(settings.session_cookie)
    if cookie:
        if csrf.unsafe(request) and not csrf.same_origin(request, settings.public_base_url):
            raise forbidden("a request with the session cookie must come from this site "
                            "(Origin); other programs send a Bearer token")
        user = platform(request).session_user(cookie)
        if user is not None:
            return Principal.of(user)
    return None


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency: the logged-in caller, who must hold one of ``roles`` (any role if none)."""

    def dependency(user: Annotated[Principal | None, Depends(current_user)]) -> Principal:
        if user is None:
            raise unauthenticated()
        if roles and not user.has(*roles):
            raise forbidden(f"this needs one of the roles {', '.join(roles)}")
        return user

    return dependency

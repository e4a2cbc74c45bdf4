"""PACT error bodies: ``{code, message}`` with the spec's codes, and RFC 6749 §5.2 bodies
``{error, error_description}`` at the token endpoint."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse


class PactApiError(Exception):
    """An error of a /3 action: status, the spec's code (BadRequest, AccessDenied, NotFound,
    TokenExpired, NotImplemented, InternalError) and a message."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


class OAuthError(Exception):
    """A token endpoint error (RFC 6749 §5.2)."""

    def __init__(self, status: int, error: str, description: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.status, self.error, self.description, self.headers = (status, error, description,
                                                                     headers)


async def pact_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PactApiError)
    return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status,
                        headers=exc.headers)


async def oauth_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OAuthError)
    return JSONResponse({"error": exc.error, "error_description": exc.description},
                        status_code=exc.status,
                        headers={"Cache-Control": "no-store", **(exc.headers or {})})

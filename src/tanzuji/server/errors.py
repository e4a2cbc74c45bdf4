"""Every error leaves the server as JSON ``{"code", "message", "field"}`` with its status;
an unexpected exception is logged and answered 500 without a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from tanzuji.certification.errors import CertificationError
from tanzuji.ledger.log import LedgerError
from tanzuji.model.errors import StudyError
from tanzuji.signing import SigningKeyError
from tanzuji.store.factor_db import FactorDBError
from tanzuji.store.platform_db import PlatformError

log = logging.getLogger("tanzuji.server")


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None
    problems: list[dict[str, Any]] = []


class ApiError(Exception):
    """An error an endpoint raises on purpose: status, stable code, message and field."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None,
                 problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers, self.problems = headers, problems


def not_found(what: str, field: str | None = None) -> ApiError:
    return ApiError(404, "not_found", f"no {what}", field)


def forbidden(message: str = "your roles do not allow this") -> ApiError:
    return ApiError(403, "forbidden", message)


def unauthenticated(message: str = "log in or send a Bearer token") -> ApiError:
    return ApiError(401, "unauthenticated", message, headers={"WWW-Authenticate": "Bearer"})


def _json(status: int, code: str, message: str, field: str | None = None,
          problems: list[dict[str, Any]] | None = None,
          headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorBody(code=code, message=message, field=field, problems=problems or [])
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 413: "too_large", 415: "unsupported_type",
          429: "rate_limited"}


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _json(exc.status, exc.code, exc.message, exc.field, exc.problems,
                     headers=exc.headers)

    @app.exception_handler(StudyError)
    async def study_error(_: Request, exc: StudyError) -> JSONResponse:
        problems = [p.to_dict() for p in exc.problems]
        first = exc.problems[0] if exc.problems else None
        return _json(422, first.code if first else "invalid",
                     str(first) if first else "invalid study", first.field if first else None,
                     problems)

    @app.exception_handler(PlatformError)
    async def platform_error(_: Request, exc: PlatformError) -> JSONResponse:
        status = {"not_found": 404, "conflict": 409, "rate_limited": 429}.get(exc.code, 422)
        return _json(status, exc.code, str(exc), exc.field)

    @app.exception_handler(LedgerError)
    async def ledger_error(_: Request, exc: LedgerError) -> JSONResponse:
        missing = "no entries" in str(exc)
        return _json(404 if missing else 422, "not_found" if missing else "ledger", str(exc))

    @app.exception_handler(SigningKeyError)
    async def key_error(_: Request, exc: SigningKeyError) -> JSONResponse:
        log.error("signing key: %s", exc)
        return _json(503, "no_signing_key", "the platform's signing key is not set up")

    @app.exception_handler(CertificationError)
    async def certification_error(_: Request, exc: CertificationError) -> JSONResponse:
        return _json(422, "certification", str(exc), exc.field)

    @app.exception_handler(FactorDBError)
    async def factor_error(_: Request, exc: FactorDBError) -> JSONResponse:
        problems = [{"code": "row", "message": str(p)} for p in exc.problems[:200]]
        status = 404 if str(exc).startswith("no ") else 422
        return _json(status, "not_found" if status == 404 else "factor_db", str(exc),
                     problems=problems)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"code": "invalid", "message": str(e.get("msg")),
                     "field": ".".join(str(x) for x in e.get("loc", ()))} for e in exc.errors()]
        first = problems[0] if problems else {"message": "invalid request", "field": None}
        return _json(422, "invalid", str(first["message"]), first["field"], problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _json(exc.status_code, _CODES.get(exc.status_code, "error"), str(exc.detail),
                     headers=dict(exc.headers) if exc.headers else None)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _json(500, "internal", "internal error; it has been logged")

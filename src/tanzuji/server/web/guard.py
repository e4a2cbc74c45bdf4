"""The CSRF guard of every web page that changes something (``tanzuji.server.csrf``): a
dependency of the whole page router, and the 403 page it answers with."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from tanzuji.server import csrf
from tanzuji.server.deps import platform, settings_of
from tanzuji.server.web.labels import catalogue
from tanzuji.server.web.render import error_page, lang_of


class CsrfRejected(Exception):
    """A state-changing page request without this session's form token (or, before login,
    from another site)."""


def session_token(request: Request) -> str | None:
    """The caller's live session token, or None (no cookie, or an ended session)."""
    token = request.cookies.get(settings_of(request).session_cookie)
    if token and platform(request).session_user(token) is not None:
        return token
    return None


async def csrf_guard(request: Request) -> None:
    """Refuse a POST (or other unsafe method) that does not carry the session's token."""
    if not csrf.unsafe(request) or request.headers.get("authorization", "").lower().startswith(
            "bearer "):
        return
    token = session_token(request)
    if token is None:
        if not csrf.same_origin(request, settings_of(request).public_base_url):
            raise CsrfRejected
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded",
                                    "multipart/form-data")):
            sent_value = (await request.form()).get(csrf.FORM_FIELD)
            sent = sent_value if isinstance(sent_value, str) else None
    if not csrf.token_ok(token, sent):
        raise CsrfRejected


def install(app: FastAPI) -> None:
    """Answer a rejected form with the 403 page, in the caller's language."""

    @app.exception_handler(CsrfRejected)
    async def rejected(request: Request, _: CsrfRejected) -> Response:
        return error_page(request, 403, catalogue(lang_of(request))["csrf_rejected"])

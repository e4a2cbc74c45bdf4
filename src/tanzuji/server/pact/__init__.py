"""The WBCSD PACT v3 host (data-owner side): the /auth/token, discovery and /3 actions at the
root of the app (:mod:`.host`), the owner's publications under /api/pact (:mod:`.owner`),
their filters (:mod:`.filters`) and the events sent back to recipients (:mod:`.callbacks`)."""

from __future__ import annotations

from fastapi import FastAPI

from tanzuji.server.pact import host, owner
from tanzuji.server.pact.config import PactConfig
from tanzuji.server.pact.errors import OAuthError, PactApiError, oauth_error, pact_error


def install(app: FastAPI, config: PactConfig | None = None) -> None:
    """Mount the PACT routes and their error bodies on ``app``."""
    app.state.pact = config or PactConfig.from_env()
    app.add_exception_handler(PactApiError, pact_error)
    app.add_exception_handler(OAuthError, oauth_error)
    app.include_router(host.router)
    app.include_router(owner.router, prefix="/api")

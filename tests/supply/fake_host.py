"""A small PACT v3 host for the client's tests: token by HTTP Basic, footprints paged with a
``Link`` header, events recorded. Deliberately minimal: it stands in for a partner's system."""

from __future__ import annotations

import base64
import copy
import uuid
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from tests.exchange.test_pact_model import MINIMAL

CLIENT_ID, SECRET = "customer-a", "s3cret-value"


def footprint(product: str, pf_id: str | None = None, preceding: list[str] | None = None,
              value: str = "2.5") -> dict[str, Any]:
    doc = copy.deepcopy(MINIMAL)
    doc["id"] = pf_id or str(uuid.uuid4())
    doc["productIds"] = [product]
    doc["pcf"]["pcfExcludingBiogenicUptake"] = value
    doc["pcf"]["fossilGhgEmissions"] = value
    doc["pcf"]["pcfIncludingBiogenicUptake"] = str(float(value) - 0.5)
    doc["pcf"]["dqi"] = {"technologicalDQR": "2", "temporalDQR": "1", "geographicalDQR": "2"}
    doc["pcf"]["verification"] = {"coverage": "product level", "providerName": "CB1"}
    if preceding:
        doc["precedingPfIds"] = preceding
    return doc


def fake_host(footprints: list[dict[str, Any]], discovery: bool = True) -> FastAPI:
    app = FastAPI()
    app.state.events = []
    app.state.tokens = 0

    def authorised(request: Request) -> bool:
        return request.headers.get("authorization") == "Bearer token-1"

    if discovery:
        @app.get("/.well-known/openid-configuration")
        def discover(request: Request) -> dict[str, str]:
            return {"token_endpoint": f"{str(request.base_url).rstrip('/')}/oauth/token"}

    @app.post("/oauth/token")
    @app.post("/auth/token")
    def token(request: Request) -> Response:
        expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        app.state.tokens += 1
        return JSONResponse({"access_token": "token-1", "token_type": "Bearer",
                             "expires_in": 3600})

    @app.get("/3/footprints")
    def listing(request: Request, limit: int = 2, offset: int = 0) -> Response:
        if not authorised(request):
            return JSONResponse({"code": "BadRequest", "message": "token"}, status_code=401)
        wanted = request.query_params.getlist("productId")
        matching = [f for f in footprints
                    if not wanted or set(f["productIds"]) & set(wanted)]
        page = matching[offset:offset + limit]
        headers = {}
        if offset + limit < len(matching):
            base = str(request.base_url).rstrip("/")
            headers["Link"] = (f'<{base}/3/footprints?limit={limit}&offset={offset + limit}>; '
                               'rel="next"')
        return JSONResponse({"data": page}, headers=headers)

    @app.get("/3/footprints/{pf_id}")
    def one(pf_id: str, request: Request) -> Response:
        if not authorised(request):
            return JSONResponse({"code": "BadRequest", "message": "token"}, status_code=401)
        for f in footprints:
            if f["id"] == pf_id:
                return JSONResponse({"data": f})
        return JSONResponse({"code": "NotFound", "message": "no such footprint"},
                            status_code=404)

    @app.post("/3/events")
    async def events(request: Request) -> Response:
        if not authorised(request):
            return JSONResponse({"code": "BadRequest", "message": "token"}, status_code=401)
        app.state.events.append(await request.json())
        return Response(status_code=200)

    return app

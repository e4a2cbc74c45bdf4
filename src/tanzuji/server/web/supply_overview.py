"""The leading firm's supply-chain overview page (the same facts as
``GET /api/supply-overview``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tanzuji.server import policy
from tanzuji.server.api.supply_overview import overview
from tanzuji.server.deps import platform
from tanzuji.server.web.render import error_page, need_user, page
from tanzuji.store.supply_db import SupplyDB

router = APIRouter()


@router.get("/supply-overview", name="web_supply_overview")
def supply_overview(request: Request) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    if not policy.can_see_supply_overview(user) or user.organisation_id is None:
        return error_page(request, 403)
    db = platform(request)
    found = overview(db, SupplyDB(db.engine), user.organisation_id)
    return page(request, "supply_overview.html.j2", user=user, o=found)

"""The regulator's statistics as JSON: the tables behind the dashboards at ``/regulator``
(certificates, timeline, flags, peer review, factor coverage) by PCR, region or body."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from tanzuji.certification import statistics
from tanzuji.server import policy
from tanzuji.server.deps import Principal, current_user, platform
from tanzuji.server.errors import forbidden, unauthenticated

router = APIRouter(tags=["statistics"])

Table = Literal["certificates", "timeline", "flags", "peer-review", "factor-coverage"]
Dimension = Literal["pcr", "region", "body"]


@router.get("/statistics/{name}", response_model=list[dict[str, Any]],
            summary="A regulator's statistics table by product category, region or body")
def table(name: Table, request: Request,
          user: Annotated[Principal | None, Depends(current_user)],
          by: Annotated[Dimension, Query(description="pcr, region (province) or body")] = "pcr",
          ) -> list[dict[str, Any]]:
    if user is None:
        raise unauthenticated()
    if not policy.can_see_oversight(user):
        raise forbidden("the statistics are for regulators")
    return statistics.table(platform(request).engine, name, by)

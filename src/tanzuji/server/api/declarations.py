"""The CFP declaration, the PACT footprint and the EU battery declaration of a stored result."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from tanzuji.declare.cfp import cfp_declaration
from tanzuji.declare.render import cfp_html, cfp_pdf
from tanzuji.declare.source import load
from tanzuji.exchange.eu_battery import battery_declaration
from tanzuji.exchange.from_result import product_footprint
from tanzuji.server import workspace
from tanzuji.server.api.common import StudyId, attachment, latest_result, readable_study
from tanzuji.server.deps import Principal, current_user, platform

router = APIRouter(tags=["declarations"])


@router.get("/studies/{study_id}/declaration", response_class=Response,
            responses={200: {"content": {"application/json": {}, "text/html": {},
                                         "application/pdf": {}}}},
            summary="The CFP declaration (DECL-01/02/03) as JSON, HTML or PDF; a PACT v3 "
                    "ProductFootprint; or the EU battery declaration (battery PCRs only)")
def declaration(study_id: StudyId, request: Request,
                user: Annotated[Principal | None, Depends(current_user)],
                format: Annotated[Literal["json", "html", "pdf", "pact", "eu-battery"],
                                  Query()] = "json",
                lang: Annotated[Literal["zh", "en"], Query()] = "zh") -> Response:
    db = platform(request)
    study = readable_study(db, study_id, user)
    with workspace.with_result(db, study_id, latest_result(db, study_id)) as (_, sf, saved):
        declarable = load(saved, study=sf.path)
        if format == "pact":
            return JSONResponse(product_footprint(declarable).to_json())
        if format == "eu-battery":
            return Response(battery_declaration(declarable).model_dump_json(),
                            media_type="application/json")
        decl = cfp_declaration(declarable, lang)
        if format == "pdf":
            return Response(cfp_pdf(decl), media_type="application/pdf",
                            headers=attachment(f"{study['name']}-cfp-{lang}.pdf"))
        if format == "html":
            return Response(cfp_html(decl), media_type="text/html")
        return Response(decl.model_dump_json(), media_type="application/json")

"""The CFP study report of a stored result, as HTML or PDF, in Chinese or English."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from tanzuji.model.errors import Problem, StudyError
from tanzuji.report.render import render_html, render_pdf
from tanzuji.server import workspace
from tanzuji.server.api.common import StudyId, attachment, latest_result, readable_study
from tanzuji.server.deps import Principal, current_user, platform

router = APIRouter(tags=["reports"])


@router.get("/studies/{study_id}/report", response_class=Response,
            responses={200: {"content": {"text/html": {}, "application/pdf": {}}}},
            summary="The study report (needs a result with sensitivity, SENS-01)")
def report(study_id: StudyId, request: Request,
           user: Annotated[Principal | None, Depends(current_user)],
           format: Annotated[Literal["html", "pdf"], Query()] = "html",
           lang: Annotated[Literal["zh", "en"], Query()] = "zh") -> Response:
    db = platform(request)
    study = readable_study(db, study_id, user)
    with workspace.with_result(db, study_id, latest_result(db, study_id)) as (result, sf, _):
        if result.sensitivity is None:
            raise StudyError([Problem(
                "SENS-01", "the report must contain a sensitivity analysis; calculate with "
                "sensitivity: true", None, None, "sensitivity")])
        if format == "pdf":
            return Response(render_pdf(result, sf.study, lang), media_type="application/pdf",
                            headers=attachment(f"{study['name']}-report-{lang}.pdf"))
        return Response(render_html(result, sf.study, lang), media_type="text/html")

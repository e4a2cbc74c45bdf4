"""The PCR library, and a study checked against the GB/T 24067 checklist and its PCR."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from tanzuji.accounting.result import StudyResult
from tanzuji.rules.checks import check_study
from tanzuji.rules.findings import Finding
from tanzuji.rules.library import find_pcr, load_library
from tanzuji.server import workspace
from tanzuji.server.api.common import StudyId, latest_result, readable_study
from tanzuji.server.deps import Principal, current_user, platform
from tanzuji.server.errors import not_found

router = APIRouter(tags=["pcrs"])


class PcrSummary(BaseModel):
    id: str
    version: str
    title_zh: str
    title_en: str
    standard: str


class ChecksOut(BaseModel):
    pcr: str | None
    errors: int
    findings: list[Finding]


@router.get("/pcrs", response_model=list[PcrSummary], summary="The shipped PCR library")
def pcrs() -> list[PcrSummary]:
    return [PcrSummary(id=r.id, version=r.version, title_zh=r.title_zh, title_en=r.title_en,
                       standard=r.standard) for r in load_library().values()]


@router.get("/pcrs/{pcr_id}", response_model=dict[str, Any], summary="One PCR, in full")
def pcr(pcr_id: str) -> dict[str, Any]:
    rule = load_library().get(pcr_id)
    if rule is None:
        raise not_found(f"PCR {pcr_id!r}", "pcr_id")
    return rule.model_dump(mode="json")


@router.get("/studies/{study_id}/checks", response_model=ChecksOut,
            summary="Check the newest result against the checklist and the study's PCR")
def checks(study_id: StudyId, request: Request,
           user: Annotated[Principal | None, Depends(current_user)]) -> ChecksOut:
    db = platform(request)
    readable_study(db, study_id, user)
    stored = latest_result(db, study_id)
    with workspace.with_result(db, study_id, stored) as (result, sf, _):
        rule = find_pcr(sf.study)
        findings = check_study(sf.study, StudyResult.model_validate(result), rule, sf.lines)
    return ChecksOut(pcr=f"{rule.id}@{rule.version}" if rule else None,
                     errors=sum(f.severity == "E" for f in findings), findings=findings)

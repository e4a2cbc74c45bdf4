"""Certification case pages for the applicant, the body's auditors and decision-makers, and
regulators: the case file, findings, verification, decision and certificate, and the steps
each party takes from the page (the store enforces their order and impartiality)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from tanzuji.certification import workflow
from tanzuji.certification.casefiles import recompute_total
from tanzuji.certification.errors import CertificationError
from tanzuji.server import policy
from tanzuji.server.deps import Principal, platform
from tanzuji.server.web.render import error_page, need_user, page
from tanzuji.store.certification_db import CertificationDB

router = APIRouter()


def case_steps(user: Principal, case: dict[str, Any]) -> list[str]:
    """The steps the caller may take on the case now: those the policy gives the caller's
    party, in the case's present state."""
    mine = policy.case_steps(user, case["applicant"], case["body"])
    state = case["state"]
    open_findings = any(f["open"] for f in case["findings"])

    def now(step: str) -> bool:
        if step == "finding":
            return state in workflow.FINDINGS_OPEN_IN
        if step == "close_finding":
            return open_findings
        return state in workflow.STEPS[step][0]

    return [step for step in mine if now(step)]


@router.get("/cases", name="web_cases")
def cases(request: Request) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    if not user.has("regulator", *policy.CB_ROLES, *policy.MEMBER_ROLES):
        return error_page(request, 403)
    db = CertificationDB(platform(request).engine)
    visible = [c for c in db.cases() if policy.can_see_case(user, c["applicant"], c["body"])]
    return page(request, "cases.html.j2", user=user, cases=visible)


@router.get("/cases/{case_id}", name="web_case")
def case(request: Request, case_id: str) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    db = CertificationDB(platform(request).engine)
    try:
        found = db.case(case_id)
    except CertificationError:
        return error_page(request, 404)
    if not policy.can_see_case(user, found["applicant"], found["body"]):
        return error_page(request, 403)
    if not policy.can_see_case_files(user, found["applicant"], found["body"]):
        found["files"] = []  # a regulator sees the case, not the inventory filed with it
    certificate = db.certificate(found["certificate"]) if found["certificate"] else None
    return page(request, "case.html.j2", user=user, c=found, certificate=certificate,
                steps=case_steps(user, found), error=request.query_params.get("error"))


def _take(db: CertificationDB, case_id: str, step: str, actor: str, comment: str,
          severity: str, number: int) -> None:
    if step == "review":
        db.review(case_id, actor, comment or None)
    elif step == "inspect":
        db.inspect(case_id, actor, comment or None)
    elif step == "verify":
        db.verify(case_id, actor, recompute_total)
    elif step == "finding":
        db.raise_finding(case_id, severity, comment, actor)
    elif step == "close_finding":
        db.close_finding(case_id, number, comment, actor)
    elif step in ("grant", "deny"):
        db.decide(case_id, step == "grant", actor, comment or None)
    else:
        db.issue(case_id, actor)


@router.post("/cases/{case_id}/steps", name="web_case_step")
def case_step(request: Request, case_id: str, step: Annotated[str, Form()],
              comment: Annotated[str, Form()] = "", severity: Annotated[str, Form()] = "minor",
              number: Annotated[int, Form()] = 0) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    db = CertificationDB(platform(request).engine)
    try:
        found = db.case(case_id)
    except CertificationError:
        return error_page(request, 404)
    if step not in case_steps(user, found):
        return error_page(request, 403)
    target = request.url_for("web_case", case_id=case_id)
    try:
        _take(db, case_id, step, user.username, comment.strip(), severity, number)
    except CertificationError as exc:
        return RedirectResponse(target.include_query_params(error=str(exc)), status_code=303)
    return RedirectResponse(target, status_code=303)

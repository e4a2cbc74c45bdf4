"""Certification case pages for the applicant, the body's auditors and decision-makers, and
regulators: the case file, findings, verification, decision and certificate, and the steps
each party takes from the page (the store enforces their order and impartiality)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from tanzuji.certification import certificates, labelling, workflow
from tanzuji.certification.casefiles import recompute_total
from tanzuji.certification.errors import CertificationError
from tanzuji.labels.payload import parse_payload, sign_payload
from tanzuji.labels.render import render_label
from tanzuji.server import policy
from tanzuji.server.deps import Principal, platform, settings_of
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


def _user_case(request: Request, case_id: str
               ) -> tuple[Principal, CertificationDB, dict[str, Any]] | Response:
    """The logged-in caller, the store and the case (before any policy check), else the
    login page or 404."""
    user = need_user(request)
    if isinstance(user, Response):
        return user
    db = CertificationDB(platform(request).engine)
    try:
        return user, db, db.case(case_id)
    except CertificationError:
        return error_page(request, 404)


@router.get("/cases/{case_id}", name="web_case")
def case(request: Request, case_id: str) -> Response:
    opened = _user_case(request, case_id)
    if isinstance(opened, Response):
        return opened
    user, db, found = opened
    if not policy.can_see_case(user, found["applicant"], found["body"]):
        return error_page(request, 403)
    if not policy.can_see_case_files(user, found["applicant"], found["body"]):
        found["files"] = []  # a regulator sees the case, not the inventory filed with it
    certificate = db.certificate(found["certificate"]) if found["certificate"] else None
    steps = case_steps(user, found)
    auditors = db.body(found["body"])["auditors"] if "plan" in steps else []
    return page(request, "case.html.j2", user=user, c=found, certificate=certificate,
                steps=steps, auditors=auditors, error=request.query_params.get("error"),
                error_field=request.query_params.get("field"))


def _take(db: CertificationDB, case_id: str, step: str, actor: str, comment: str,
          severity: str, number: int, team: list[str], lead: str) -> None:
    if step == "accept":
        db.accept(case_id, actor, comment or None)
    elif step == "refuse":
        db.refuse(case_id, actor, comment)
    elif step == "plan":
        db.plan(case_id, team, lead, comment, actor)
    elif step == "review":
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
              number: Annotated[int, Form()] = 0,
              team: Annotated[list[str] | None, Form()] = None,
              lead: Annotated[str, Form()] = "") -> Response:
    opened = _user_case(request, case_id)
    if isinstance(opened, Response):
        return opened
    user, db, found = opened
    if step not in case_steps(user, found):
        return error_page(request, 403)
    target = request.url_for("web_case", case_id=case_id)
    try:
        _take(db, case_id, step, user.username, comment.strip(), severity, number,
              [t for t in team or [] if t], lead.strip())
    except CertificationError as exc:
        return RedirectResponse(target.include_query_params(
            error=str(exc), field=f"{step}.{exc.field or ''}"), status_code=303)
    return RedirectResponse(target, status_code=303)


# -- certificates --------------------------------------------------------------------------

def _visible_certificate(request: Request, db: CertificationDB, number: str,
                         user: Principal) -> dict[str, Any] | Response:
    found = db.certificate(number)
    if found is None:
        return error_page(request, 404)
    if not policy.can_see_case(user, found["applicant"], found["body"]):
        return error_page(request, 403)
    return found


@router.get("/certificates/{number}", name="web_certificate")
def certificate_page(request: Request, number: str) -> Response:
    """A certificate as its holder, its body and regulators see it: status, history, labels
    and the actions open to the caller (suspend, restore, withdraw, surveillance, labels)."""
    user = need_user(request)
    if isinstance(user, Response):
        return user
    db = CertificationDB(platform(request).engine)
    found = _visible_certificate(request, db, number, user)
    if isinstance(found, Response):
        return found
    # labels and surveillance are for a valid certificate only (the store refuses others)
    actions = [a for a in policy.certificate_actions(user, found["applicant"], found["body"])
               if a in _open_transitions(found["status"])
               or (a in ("label", "surveil") and found["status"] == "valid")]
    labels = (db.label_rows(number)
              if policy.can_download_labels(user, found["applicant"], found["body"]) else None)
    return page(request, "certificate.html.j2", user=user, cert=found, actions=actions,
                labels=labels, error=request.query_params.get("error"),
                error_field=request.query_params.get("field"))


def _open_transitions(status: str) -> tuple[str, ...]:
    return tuple(a for a, (starts, _) in certificates.ACTIONS.items() if status in starts)


@router.post("/certificates/{number}/actions", name="web_certificate_action")
def certificate_action(request: Request, number: str, action: Annotated[str, Form()],
                       reason: Annotated[str, Form()] = "",
                       conforming: Annotated[str, Form()] = "",
                       fraud: Annotated[str, Form()] = "") -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    settings = settings_of(request)
    db = CertificationDB(platform(request).engine)
    found = _visible_certificate(request, db, number, user)
    if isinstance(found, Response):
        return found
    if action not in policy.certificate_actions(user, found["applicant"], found["body"]):
        return error_page(request, 403)
    target = request.url_for("web_certificate", number=number)
    try:
        if action == "label":
            payload = labelling.payload_for(found)
            signature = sign_payload(payload, settings.key_dir)
            db.add_label(number, payload.to_json(), signature, float(payload.value),
                         user.username)
        elif action == "surveil":
            if conforming not in ("yes", "no"):
                raise CertificationError("choose conforming or not", "conforming")
            db.surveil(number, conforming == "yes", reason.strip(), user.username)
        else:
            if not reason.strip():
                raise CertificationError("a reason is required", "reason")
            db.transition(number, action, reason.strip(), user.username,
                          fraud=action == "withdraw" and fraud == "yes")
    except CertificationError as exc:
        return RedirectResponse(target.include_query_params(
            error=str(exc), field=f"{action}.{exc.field or ''}"), status_code=303)
    return RedirectResponse(target, status_code=303)


@router.get("/certificates/{number}/label.{fmt}", name="web_certificate_label")
def label_file(request: Request, number: str, fmt: str) -> Response:
    """The latest label made for the certificate, drawn from its recorded signed payload."""
    user = need_user(request)
    if isinstance(user, Response):
        return user
    db = CertificationDB(platform(request).engine)
    found = _visible_certificate(request, db, number, user)
    if isinstance(found, Response):
        return found
    if not policy.can_download_labels(user, found["applicant"], found["body"]):
        return error_page(request, 403)
    rows = db.label_rows(number)
    if fmt not in ("svg", "png") or not rows:
        return error_page(request, 404)
    latest = rows[-1]
    svg, png = render_label(parse_payload(latest["payload"]), bytes.fromhex(latest["signature"]))
    headers = {"Content-Disposition": f'attachment; filename="{number}.{fmt}"'}
    if fmt == "svg":
        return Response(svg, media_type="image/svg+xml", headers=headers)
    return Response(png, media_type="image/png", headers=headers)

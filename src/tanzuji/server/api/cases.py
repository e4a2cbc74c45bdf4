"""The certification workflow over the API: every step ``tanzuji case``/``cert``/``label``/
``credit`` takes, by the party the policy names.

An applicant's editor applies with one of the organisation's stored studies (its files become
the case file, as ``tanzuji case apply`` stores them); the holding body accepts, plans, audits
and decides; the applicant answers findings; the body manages the certificate; the regulator
keeps the credit records. The rules themselves live in :mod:`tanzuji.certification` and the
store: a step they forbid answers 409 ``conflict`` with the reason in English and Chinese.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from tanzuji.certification import casefiles, labelling
from tanzuji.certification.errors import CertificationError
from tanzuji.jobs.tasks import materialised
from tanzuji.server import policy
from tanzuji.server.api.common import study_or_404
from tanzuji.server.deps import Principal, platform, require
from tanzuji.server.errors import ApiError, forbidden
from tanzuji.server.workspace import relative_problems, study_input
from tanzuji.store.certification_db import CertificationDB
from tanzuji.store.platform_db import PlatformDB

router = APIRouter(tags=["certification steps"])

CaseId = Annotated[str, Path(min_length=1, max_length=40, description="a case id")]
Number = Annotated[str, Path(min_length=1, max_length=100, description="a certificate number")]
FindingNo = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Comment = Annotated[str | None, Field(default=None, max_length=4000)]

# why a step was refused, in Chinese, by the field the rules name
_ZH = {
    "state": "案件当前状态不允许此步骤",
    "status": "证书当前状态不允许此操作",
    "valid_until": "证书有效期不允许此操作",
    "findings": "仍有未关闭的不符合项",
    "verification": "碳足迹核查尚未通过",
    "by": "评定人员不得参与过该案件的审核",
    "certificate": "证书当前不是有效状态",
    "product_model": "该产品型号已有未结案件或有效证书",
    "body": "认证机构当前不具备受理条件",
    "finding": "该不符合项无法关闭",
    "study_sha256": "案件存档的研究文件已被改动",
    "files": "案件存档文件与登记的哈希值不符",
    "applicant": "申请方不能申请认证",
}
CONFLICT_FIELDS = frozenset(_ZH)


def _message(exc: CertificationError) -> str:
    text = str(exc)
    prefix = f"{exc.field}: " if exc.field else ""
    return text[len(prefix):] if prefix and text.startswith(prefix) else text


@contextmanager
def rules() -> Iterator[None]:
    """Certification refusals as API errors: an unknown case or certificate 404, a step the
    workflow forbids now 409 ``conflict`` (reason in en and zh), bad input 422 with its field."""
    try:
        yield
    except CertificationError as exc:
        message = _message(exc)
        unknown = message.startswith("no ") and exc.field in (
            "case", "certificate", "body", "party", "applicant")
        if unknown or (exc.field == "finding" and " has no finding" in message):
            raise ApiError(404, "not_found", message, exc.field) from None
        if exc.field in CONFLICT_FIELDS:
            zh = _ZH[exc.field or ""]
            raise ApiError(409, "conflict", message, exc.field, problems=[
                {"code": "conflict", "message": message, "message_zh": zh,
                 "field": exc.field}]) from None
        raise ApiError(422, "invalid", message, exc.field) from None


def _cert(request: Request) -> CertificationDB:
    return CertificationDB(platform(request).engine)


def _case(request: Request, case_id: str, user: Principal) -> dict[str, Any]:
    with rules():
        found = _cert(request).case(case_id)
    if not policy.can_see_case(user, found["applicant"], found["body"]):
        raise forbidden("a case is visible to its applicant, its body and regulators")
    return found


def _may(allowed: bool, who: str) -> None:
    if not allowed:
        raise forbidden(f"this step is taken by {who}")


def _case_step(request: Request, case_id: str, user: Principal, step: str) -> None:
    """The caller must be the party ``policy.case_steps`` gives this step to."""
    found = _case(request, case_id, user)
    _may(step in policy.case_steps(user, found["applicant"], found["body"]),
         "the holding body's auditors" if step in policy.AUDIT_STEPS
         else "the holding body's decision-makers" if step in policy.DECISION_STEPS
         else "the applicant's members")


def _intake_step(request: Request, case_id: str, user: Principal, step: str) -> None:
    found = _case(request, case_id, user)
    _may(step in policy.intake_steps(user, found["body"]), "the body holding the case")


def _view(request: Request, case_id: str) -> dict[str, Any]:
    with rules():
        return _cert(request).case(case_id)


# -- applying -------------------------------------------------------------------------------

class ApplyIn(BaseModel):
    study_id: int = Field(ge=1, le=2**31 - 1, description="one of your organisation's studies")
    body: str = Field(min_length=1, max_length=100, description="the certification body")
    product_model: str | None = Field(default=None, min_length=1, max_length=200,
                                      description="default: the study's product model")
    declared: float | None = Field(default=None, gt=0, lt=1e15,
                                   description="declared value (default: the study's result)")
    tolerance_percent: float | None = Field(default=None, ge=0, le=100)
    documents: dict[str, Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        default_factory=dict, max_length=3,
        description="process_flow, bom, inventory: the study's evidence file to file as each; "
                    "the ones not given are drawn from the study")


def _documents(db: PlatformDB, study_id: int, chosen: dict[str, int],
               folder: FilePath) -> dict[str, FilePath]:
    """The evidence files chosen as documents, written to ``folder``."""
    out: dict[str, FilePath] = {}
    for kind, evidence_id in chosen.items():
        found = db.evidence_file(evidence_id)
        if found is None or found[0]["study_id"] != study_id:
            raise ApiError(422, "invalid", f"{kind}: evidence {evidence_id} is not a file of "
                           f"study {study_id}", "documents")
        target = folder / kind / FilePath(found[0]["filename"]).name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(found[1])
        out[kind] = target
    return out


@router.post("/cases", response_model=dict[str, Any], status_code=201,
             summary="Apply: submit one of your studies to a body; its files become the case file")
def apply(body: ApplyIn, request: Request,
          user: Annotated[Principal, Depends(require(*policy.EDITOR_ROLES))]) -> dict[str, Any]:
    db = platform(request)
    study = study_or_404(db, body.study_id)
    if not policy.can_apply(user, study["organisation_id"]):
        raise forbidden("an organisation applies with its own studies")
    with rules(), materialised(study_input(db, body.study_id)) as path, \
            relative_problems(path.parent), \
            tempfile.TemporaryDirectory(prefix="tanzuji-documents-") as docs:
        documents = _documents(db, body.study_id, body.documents, FilePath(docs))
        app = casefiles.prepare_application(path, product_model=body.product_model,
                                            declared=body.declared, documents=documents,
                                            derive_documents=True)
        case_id = _cert(request).apply(app, study["organisation_id"], body.body,
                                       user.username, tolerance_percent=body.tolerance_percent)
    return _view(request, case_id)


# -- the body's intake ----------------------------------------------------------------------

class CommentIn(BaseModel):
    comment: Comment = None


class ReasonIn(BaseModel):
    reason: Text


class PlanIn(BaseModel):
    team: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=50, description="auditor ids")
    lead: str = Field(min_length=1, max_length=100, description="the lead auditor, in the team")
    plan: Text


@router.post("/cases/{case_id}/accept", response_model=dict[str, Any],
             summary="Accept an application (the body is qualified, impartial, not blacklisted)")
def accept(case_id: CaseId, body: CommentIn, request: Request,
           user: Annotated[Principal, Depends(require(*policy.CB_ROLES))]) -> dict[str, Any]:
    _intake_step(request, case_id, user, "accept")
    with rules():
        _cert(request).accept(case_id, user.username, body.comment)
    return _view(request, case_id)


@router.post("/cases/{case_id}/refuse", response_model=dict[str, Any],
             summary="Refuse an application, with the reason")
def refuse(case_id: CaseId, body: ReasonIn, request: Request,
           user: Annotated[Principal, Depends(require(*policy.CB_ROLES))]) -> dict[str, Any]:
    _intake_step(request, case_id, user, "refuse")
    with rules():
        _cert(request).refuse(case_id, user.username, body.reason)
    return _view(request, case_id)


@router.post("/cases/{case_id}/plan", response_model=dict[str, Any],
             summary="Plan: the audit team (competent, impartial, rotated), its lead and the plan")
def plan(case_id: CaseId, body: PlanIn, request: Request,
         user: Annotated[Principal, Depends(require(*policy.CB_ROLES))]) -> dict[str, Any]:
    _intake_step(request, case_id, user, "plan")
    with rules():
        _cert(request).plan(case_id, body.team, body.lead, body.plan, user.username)
    return _view(request, case_id)


# -- the audit --------------------------------------------------------------------------------

@router.post("/cases/{case_id}/review", response_model=dict[str, Any],
             summary="Record the document review as done")
def review(case_id: CaseId, body: CommentIn, request: Request,
           user: Annotated[Principal, Depends(require("cb_auditor"))]) -> dict[str, Any]:
    _case_step(request, case_id, user, "review")
    with rules():
        _cert(request).review(case_id, user.username, body.comment)
    return _view(request, case_id)


@router.post("/cases/{case_id}/inspect", response_model=dict[str, Any],
             summary="Record the on-site inspection as done")
def inspect(case_id: CaseId, body: CommentIn, request: Request,
            user: Annotated[Principal, Depends(require("cb_auditor"))]) -> dict[str, Any]:
    _case_step(request, case_id, user, "inspect")
    with rules():
        _cert(request).inspect(case_id, user.username, body.comment)
    return _view(request, case_id)


class VerificationOut(BaseModel):
    declared: float
    recomputed: float
    difference_percent: float
    tolerance_percent: float
    passed: bool


@router.post("/cases/{case_id}/verify", response_model=VerificationOut,
             summary="PCF verification: recompute the stored study under its pinned releases; "
                     "a failure raises a major finding")
def verify(case_id: CaseId, request: Request,
           user: Annotated[Principal, Depends(require("cb_auditor"))]) -> VerificationOut:
    _case_step(request, case_id, user, "verify")
    with rules():
        v = _cert(request).verify(case_id, user.username, casefiles.recompute_total)
    return VerificationOut(declared=v.declared, recomputed=v.recomputed,
                           difference_percent=v.difference_percent,
                           tolerance_percent=v.tolerance_percent, passed=v.passed)


class FindingIn(BaseModel):
    severity: Literal["major", "minor"] = "minor"
    text: Text


class NoteIn(BaseModel):
    note: Text


@router.post("/cases/{case_id}/findings", response_model=dict[str, Any], status_code=201,
             summary="Raise a finding (non-conformity); a grant needs it closed")
def raise_finding(case_id: CaseId, body: FindingIn, request: Request,
                  user: Annotated[Principal, Depends(require("cb_auditor"))]
                  ) -> dict[str, Any]:
    _case_step(request, case_id, user, "finding")
    with rules():
        number = _cert(request).raise_finding(case_id, body.severity, body.text, user.username)
    return {"number": number, "case": _view(request, case_id)}


@router.post("/cases/{case_id}/findings/{number}/close", response_model=dict[str, Any],
             summary="The applicant closes a finding with a note on its correction")
def close_finding(case_id: CaseId, number: FindingNo, body: NoteIn, request: Request,
                  user: Annotated[Principal, Depends(require(*policy.MEMBER_ROLES))]
                  ) -> dict[str, Any]:
    _case_step(request, case_id, user, "close_finding")
    with rules():
        _cert(request).close_finding(case_id, number, body.note, user.username)
    return _view(request, case_id)


# -- decision and certificate -----------------------------------------------------------------

class DecisionIn(BaseModel):
    grant: bool
    comment: Comment = None


@router.post("/cases/{case_id}/decision", response_model=dict[str, Any],
             summary="Evaluate and decide (grant or deny), by a decision-maker not on the team")
def decide(case_id: CaseId, body: DecisionIn, request: Request,
           user: Annotated[Principal, Depends(require("cb_decider"))]) -> dict[str, Any]:
    _case_step(request, case_id, user, "grant" if body.grant else "deny")
    with rules():
        _cert(request).decide(case_id, body.grant, user.username, body.comment)
    return _view(request, case_id)


@router.post("/cases/{case_id}/certificate", response_model=dict[str, Any], status_code=201,
             summary="Issue the certificate of a granted case")
def issue(case_id: CaseId, request: Request,
          user: Annotated[Principal, Depends(require("cb_decider"))]) -> dict[str, Any]:
    _case_step(request, case_id, user, "issue")
    with rules():
        number = _cert(request).issue(case_id, user.username)
    return _certificate(request, number)


def _certificate(request: Request, number: str) -> dict[str, Any]:
    found = _cert(request).certificate(number)
    if found is None:
        raise ApiError(404, "not_found", f"no certificate {number!r}", "number")
    return found


def _certificate_for(request: Request, number: str, user: Principal) -> dict[str, Any]:
    found = _certificate(request, number)
    if not policy.can_see_case(user, found["applicant"], found["body"]):
        raise forbidden("a certificate's steps are for its holder, its body and regulators")
    return found


class TransitionIn(BaseModel):
    action: Literal["suspend", "restore", "withdraw", "cancel"]
    reason: Text
    fraud: bool = Field(default=False, description="withdrawal for fraud (a credit record)")


@router.post("/certificates/{number}/status", response_model=dict[str, Any],
             summary="Suspend, restore, withdraw or cancel a certificate, with the reason")
def transition(number: Number, body: TransitionIn, request: Request,
               user: Annotated[Principal, Depends(require("cb_decider"))]) -> dict[str, Any]:
    found = _certificate_for(request, number, user)
    _may(policy.can_manage_certificate(user, found["body"]), "the issuing body's deciders")
    with rules():
        _cert(request).transition(number, body.action, body.reason, user.username,
                                  fraud=body.fraud)
    return _certificate(request, number)


class SurveillanceIn(BaseModel):
    conforming: bool
    note: Text


@router.post("/certificates/{number}/surveillance", response_model=dict[str, Any],
             summary="Record a surveillance result; a nonconforming one suspends the certificate")
def surveillance(number: Number, body: SurveillanceIn, request: Request,
                 user: Annotated[Principal, Depends(require("cb_auditor"))]) -> dict[str, Any]:
    found = _certificate_for(request, number, user)
    _may(policy.can_surveil(user, found["body"]), "the issuing body's auditors")
    with rules():
        _cert(request).surveil(number, body.conforming, body.note, user.username)
    return _certificate(request, number)


class LabelOut(BaseModel):
    certificate: str
    payload: dict[str, Any]
    label_json: dict[str, Any]
    qr_text: str
    svg: str


@router.post("/certificates/{number}/labels", response_model=LabelOut, status_code=201,
             summary="Make the signed label of a valid certificate (payload, QR text and SVG)")
def make_label(number: Number, request: Request,
               user: Annotated[Principal, Depends(require(
                   *policy.MEMBER_ROLES, *policy.CB_ROLES))]) -> LabelOut:
    found = _certificate_for(request, number, user)
    _may(policy.can_make_label(user, found["applicant"], found["body"]),
         "the certificate's holder or its body")
    with rules(), tempfile.TemporaryDirectory(prefix="tanzuji-label-") as tmp:
        files = {p.suffix: p for p in labelling.make_label(_cert(request), number,
                                                           FilePath(tmp), user.username)}
        signed = json.loads(files[".json"].read_text(encoding="utf-8"))
        return LabelOut(certificate=number, payload=signed.get("payload", signed),
                        label_json=signed, qr_text=files[".txt"].read_text("utf-8").strip(),
                        svg=files[".svg"].read_text("utf-8"))


# -- the regulator's credit records and peer review ---------------------------------------------

class CreditIn(BaseModel):
    party_kind: Literal["body", "enterprise"]
    party: str = Field(min_length=1, max_length=100)
    kind: Literal["violation", "penalty", "blacklist", "lift"]
    description: Text
    penalty: str | None = Field(default=None, max_length=1000)
    fraud: bool = False
    until: dt.date | None = Field(default=None, description="when a blacklisting ends")


@router.get("/credit", response_model=list[dict[str, Any]],
            summary="Credit records (violations, penalties, blacklistings), the regulator's")
def credit_records(request: Request,
                   _: Annotated[Principal, Depends(require("regulator"))]
                   ) -> list[dict[str, Any]]:
    return _cert(request).credit_records()


@router.post("/credit", response_model=list[dict[str, Any]], status_code=201,
             summary="Record a violation, penalty, blacklisting or lifting (regulator)")
def add_credit(body: CreditIn, request: Request,
               user: Annotated[Principal, Depends(require("regulator"))]
               ) -> list[dict[str, Any]]:
    _may(policy.can_record_credit(user), "a regulator")
    with rules():
        _cert(request).add_credit(body.party_kind, body.party, body.kind, body.description,
                                  user.username, penalty=body.penalty, fraud=body.fraud,
                                  until=body.until)
    return _cert(request).credit_records(body.party)


class PeerReviewIn(BaseModel):
    reviewer_body: str = Field(min_length=1, max_length=100)
    size: int = Field(default=3, ge=1, le=50)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    of_body: str | None = Field(default=None, min_length=1, max_length=100)


@router.post("/peer-reviews", response_model=list[dict[str, Any]], status_code=201,
             summary="Re-verify a sample of other bodies' certified cases (regulator or body)")
def peer_review(body: PeerReviewIn, request: Request,
                user: Annotated[Principal, Depends(require("regulator", *policy.CB_ROLES))]
                ) -> list[dict[str, Any]]:
    _may(policy.can_peer_review(user, body.reviewer_body),
         "a regulator, or the reviewing body itself")
    with rules():
        return _cert(request).peer_review(body.reviewer_body, body.size, body.seed,
                                          user.username, casefiles.recompute_total,
                                          body.of_body)

"""Certification as each party sees it: cases (applicant, holding body, regulator),
certificates, bodies and statistics (regulator), and the public registry and labels."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import func, select

from tanzuji.certification.registry import lookup, lookup_number
from tanzuji.ledger.log import Ledger
from tanzuji.server import policy
from tanzuji.server.deps import Principal, platform, require, settings_of
from tanzuji.server.errors import forbidden, not_found
from tanzuji.store.certification_db import CertificationDB
from tanzuji.store.db import transaction
from tanzuji.store.tables import (
    CertBody,
    CertCase,
    CertCertificate,
    PlatformStudy,
    PlatformUser,
)

router = APIRouter(tags=["certification"])


class Statistics(BaseModel):
    cases_by_state: dict[str, int]
    certificates_by_status: dict[str, int]
    bodies: int
    studies: int
    users: int


def _cert(request: Request) -> CertificationDB:
    return CertificationDB(platform(request).engine)


def _visible_case(user: Principal, case: dict[str, Any]) -> bool:
    return policy.can_see_case(user, case["applicant"], case["body"])


@router.get("/cases", response_model=list[dict[str, Any]],
            summary="Certification cases: the regulator's all, a body's own, an applicant's own")
def cases(request: Request,
          user: Annotated[Principal, Depends(require())]) -> list[dict[str, Any]]:
    return [c for c in _cert(request).cases() if _visible_case(user, c)]


@router.get("/cases/{case_id}", response_model=dict[str, Any], summary="One case in full")
def case(case_id: str, request: Request,
         user: Annotated[Principal, Depends(require())]) -> dict[str, Any]:
    found = _cert(request).case(case_id)
    if not _visible_case(user, found):
        raise forbidden("a case is visible to its applicant, its body and regulators")
    if not policy.can_see_case_files(user, found["applicant"], found["body"]):
        found.pop("files")  # a regulator sees the case, not the inventory filed with it
    return found


def _visible_certificate(user: Principal, cert: dict[str, Any]) -> bool:
    return policy.can_see_case(user, cert["applicant"], cert["body"])


@router.get("/certificates", response_model=list[dict[str, Any]],
            summary="Certificates with their status (regulator: all)")
def certificates(request: Request,
                 user: Annotated[Principal, Depends(require())]) -> list[dict[str, Any]]:
    return [c for c in _cert(request).certificates() if _visible_certificate(user, c)]


@router.get("/certificates/feed", response_model=list[dict[str, Any]],
            summary="Every certificate state change, as reported to the regulator")
def feed(request: Request, _: Annotated[Principal, Depends(require("regulator"))]
         ) -> list[dict[str, Any]]:
    return _cert(request).regulator_feed()


@router.get("/certificates/{number}", response_model=dict[str, Any],
            summary="A certificate with its history")
def certificate(number: str, request: Request,
                user: Annotated[Principal, Depends(require())]) -> dict[str, Any]:
    found = _cert(request).certificate(number)
    if found is None:
        raise not_found(f"certificate {number!r}", "number")
    if not _visible_certificate(user, found):
        raise forbidden()
    return found


@router.get("/bodies", response_model=list[dict[str, Any]],
            summary="Certification bodies, their auditors and standing")
def bodies(request: Request, user: Annotated[Principal, Depends(require(
        "regulator", *policy.CB_ROLES))]) -> list[dict[str, Any]]:
    return [b for b in _cert(request).bodies()
            if user.has("regulator") or b["id"] == user.organisation_id]


@router.get("/statistics", response_model=Statistics,
            summary="Counts for the regulator: cases, certificates, bodies, studies, users")
def statistics(request: Request, _: Annotated[Principal, Depends(require("regulator"))]
               ) -> Statistics:
    with transaction(platform(request).engine) as s:
        by_state = {state: int(n) for state, n in s.execute(
            select(CertCase.state, func.count()).group_by(CertCase.state))}
        n_bodies = s.scalar(select(func.count()).select_from(CertBody)) or 0
        n_studies = s.scalar(select(func.count()).select_from(PlatformStudy)) or 0
        n_users = s.scalar(select(func.count()).select_from(PlatformUser)) or 0
        has_certs = s.scalar(select(func.count()).select_from(CertCertificate)) or 0
    by_status: dict[str, int] = {}
    if has_certs:
        for c in _cert(request).certificates():
            by_status[c["status"]] = by_status.get(c["status"], 0) + 1
    return Statistics(cases_by_state=by_state, certificates_by_status=by_status,
                      bodies=n_bodies, studies=n_studies, users=n_users)


@router.get("/registry", response_model=dict[str, Any],
            summary="Public lookup by certificate number or by a label's QR link")
def registry(request: Request,
             q: Annotated[str, Query(min_length=1, max_length=4000)]) -> dict[str, Any]:
    key = Ledger(platform(request).engine, settings_of(request).key_dir).public_key()
    return lookup(_cert(request), q, key)


@router.get("/registry/{number}", response_model=dict[str, Any],
            summary="Public record of a certificate and the warnings that apply")
def registry_number(number: str, request: Request) -> dict[str, Any]:
    return lookup_number(_cert(request), number)


@router.get("/labels/{number}", response_model=list[dict[str, Any]],
            summary="The signed label payloads issued for a certificate (public)")
def labels(number: str, request: Request) -> list[dict[str, Any]]:
    return _cert(request).label_rows(number)

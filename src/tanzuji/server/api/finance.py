"""Green finance: a borrower's consent, a bank's view of a consenting borrower's certified
footprints (trend, grade, signed declarations, assessment for the loan file), and
footprint-linked loans with their reduction path judged year by year."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from tanzuji import signing
from tanzuji.benchmark import grade_for
from tanzuji.finance.documents import ASSESSMENT, assessment_document, assessment_xlsx
from tanzuji.finance.rules import Certified, LoanTerms, evaluate, trend
from tanzuji.ledger.encoding import stamp
from tanzuji.server import policy
from tanzuji.server.api.common import attachment
from tanzuji.server.deps import Principal, current_user, platform, settings_of
from tanzuji.server.errors import forbidden, not_found, unauthenticated
from tanzuji.store.finance_db import FinanceDB, loan_terms
from tanzuji.store.tables import utcnow

router = APIRouter(tags=["finance"])
OrgId = Annotated[str, Path(min_length=1, max_length=100, description="an organisation's id")]
LoanId = Annotated[int, Path(ge=1, le=2**31 - 1, description="a loan's number")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ConsentIn(BaseModel):
    bank_id: str = Field(min_length=1, max_length=100)


class DeclareIn(BaseModel):
    certificate: str = Field(min_length=1, max_length=60)


def finance_db(request: Request) -> FinanceDB:
    return FinanceDB(platform(request).engine, settings_of(request).key_dir)


def logged_in(user: Annotated[Principal | None, Depends(current_user)]) -> Principal:
    if user is None:
        raise unauthenticated()
    return user


User = Annotated[Principal, Depends(logged_in)]


def _bank(user: Principal) -> str:
    if not policy.is_bank(user) or user.organisation_id is None:
        raise forbidden("this needs a bank user")
    return user.organisation_id


def _borrower(db: FinanceDB, borrower_id: str, user: Principal) -> None:
    """Only a bank the borrower consented to gets past; others learn nothing of it."""
    _bank(user)
    if not policy.can_see_borrower(user, db.consenting_banks(borrower_id)):
        raise forbidden(f"{borrower_id} has not consented to your bank seeing its footprints")


def _admin_org(user: Principal) -> str:
    if user.organisation_id is None or not policy.can_grant_consent(user, user.organisation_id):
        raise forbidden("only the borrower's administrator gives or withdraws consent")
    return user.organisation_id


# -- consent -----------------------------------------------------------------------------------


@router.get("/finance/consents", response_model=list[dict[str, Any]],
            summary="Consents my organisation gave (borrower admin) or received (bank)")
def consents(request: Request, user: User) -> list[dict[str, Any]]:
    db = finance_db(request)
    if policy.is_bank(user):
        return db.consents(bank_id=user.organisation_id)
    return db.consents(borrower_id=_admin_org(user))


@router.post("/finance/consents", response_model=dict[str, Any], status_code=201,
             summary="Let a bank see my organisation's certified footprints")
def grant(body: ConsentIn, request: Request, user: User) -> dict[str, Any]:
    return finance_db(request).grant(_admin_org(user), body.bank_id, user.username)


@router.delete("/finance/consents/{bank_id}", response_model=dict[str, Any],
               summary="Withdraw a bank's consent")
def revoke(bank_id: OrgId, request: Request, user: User) -> dict[str, Any]:
    return finance_db(request).revoke(_admin_org(user), bank_id, user.username)


# -- a borrower's certified footprints ----------------------------------------------------------


@router.get("/finance/borrowers", response_model=list[str],
            summary="Borrowers who consented to my bank")
def borrowers(request: Request, user: User) -> list[str]:
    bank = _bank(user)
    return sorted({c["borrower_id"] for c in finance_db(request).consents(bank_id=bank)
                   if c["active"]})


def grade_of(db: FinanceDB, cert: dict[str, Any]) -> dict[str, Any] | None:
    """The certificate's grade in its category (benchmarking; its value converted from the
    certificate's unit), or None where its PCR has no benchmark or too few values."""
    pcr_id = cert["pcr"]
    found = None if pcr_id is None else grade_for(db.engine, pcr_id, cert["value"],
                                                  unit=cert["unit"])
    if found is None:
        return None
    return {"grade": found.letter, "percentile": found.percentile, "scale": found.scale,
            "n": found.n, "unit": found.unit, "thresholds": list(found.thresholds)}


def footprints_of(db: FinanceDB, borrower_id: str) -> dict[str, Any]:
    """Certificates with their grade, and the trend by product category and model."""
    certs = db.certified(borrower_id)
    return {"borrower": borrower_id,
            "certificates": [{**c, "grade": grade_of(db, c)}
                             for c in certs],
            "trend": trend([Certified.of(c) for c in certs])}


@router.get("/finance/borrowers/{borrower_id}/footprints", response_model=dict[str, Any],
            summary="A consenting borrower's certified footprints, their trend and grades")
def footprints(borrower_id: OrgId, request: Request, user: User) -> dict[str, Any]:
    db = finance_db(request)
    _borrower(db, borrower_id, user)
    return footprints_of(db, borrower_id)


@router.post("/finance/borrowers/{borrower_id}/declarations", response_model=dict[str, Any],
             status_code=201,
             summary="A signed declaration of one certified footprint, with the ledger's proof "
                     "(check it offline with `tanzuji finance verify`)")
def declare(borrower_id: OrgId, body: DeclareIn, request: Request, user: User) -> JSONResponse:
    db = finance_db(request)
    _borrower(db, borrower_id, user)
    cert = next((c for c in db.certified(borrower_id) if c["number"] == body.certificate),
                None)
    grade = None if cert is None else grade_of(db, cert)
    envelope = db.declare(borrower_id, _bank(user), body.certificate, user.username, grade)
    return JSONResponse(envelope, status_code=201, headers=attachment(
        f"declaration-{body.certificate}.json"))


def paths(loans: list[dict[str, Any]], certs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each loan with its path judged year by year on the borrower's certificates."""
    today = dt.datetime.now(dt.UTC).date()
    certified = [Certified.of(c) for c in certs]
    return [{**loan, "path": [y.to_dict() for y in evaluate(loan_terms(loan), certified, today)]}
            for loan in loans]


@router.get("/finance/borrowers/{borrower_id}/assessment", response_class=Response,
            responses={200: {"content": {"application/json": {}, XLSX: {}}}},
            summary="The assessment for the green-loan file: footprints, trend, grades and my "
                    "loans' paths, as signed JSON or an Excel workbook")
def assessment(borrower_id: OrgId, request: Request, user: User,
               format: Annotated[Literal["json", "xlsx"], Query()] = "json") -> Response:
    db = finance_db(request)
    _borrower(db, borrower_id, user)
    bank = _bank(user)
    seen = footprints_of(db, borrower_id)
    loans = paths(db.loans(bank_id=bank, borrower_id=borrower_id), seen["certificates"])
    doc = assessment_document(borrower_id, bank, stamp(utcnow()), seen["certificates"],
                              seen["trend"], loans)
    if format == "xlsx":
        return Response(assessment_xlsx(doc), media_type=XLSX,
                        headers=attachment(f"assessment-{borrower_id}.xlsx"))
    envelope = signing.sign_document(ASSESSMENT, doc, settings_of(request).key_dir)
    return JSONResponse(envelope, headers=attachment(f"assessment-{borrower_id}.json"))


# -- loans -------------------------------------------------------------------------------------


@router.post("/finance/loans", response_model=dict[str, Any], status_code=201,
             summary="Record a footprint-linked loan and its agreed reduction path")
def add_loan(body: LoanTerms, request: Request, user: User) -> dict[str, Any]:
    return finance_db(request).add_loan(_bank(user), body, user.username)


@router.get("/finance/loans", response_model=list[dict[str, Any]],
            summary="My bank's loans, or the loans my organisation has taken")
def loans(request: Request, user: User) -> list[dict[str, Any]]:
    db = finance_db(request)
    if policy.is_bank(user):
        return db.loans(bank_id=user.organisation_id)
    if user.organisation_id is None or not policy.is_member(user, user.organisation_id):
        raise forbidden("this needs a bank user or a member of a borrowing organisation")
    return db.loans(borrower_id=user.organisation_id)


@router.get("/finance/loans/{loan_id}", response_model=dict[str, Any],
            summary="A loan and, year by year, whether its path is met (met, missed, "
                    "no_result, pending) from the borrower's certified results")
def loan(loan_id: LoanId, request: Request, user: User) -> dict[str, Any]:
    db = finance_db(request)
    found = db.loan(loan_id)
    if found is None or not policy.can_see_loan(user, found["bank_id"], found["borrower_id"]):
        raise not_found(f"loan {loan_id}", "loan_id")
    borrower = found["borrower_id"]
    if not policy.can_see_loan_path(user, found["bank_id"], borrower,
                                    db.consenting_banks(borrower)):
        return {**found, "path": None, "consent": False}
    return {**paths([found], db.certified(borrower))[0], "consent": True}

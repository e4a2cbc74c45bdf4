"""Government green procurement: a buyer's carbon criteria, the screening of bidders'
certificates against them (read live from the registry), and the signed screening record,
which anyone can check (here, or offline with `tanzuji procurement verify`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from tanzuji.ledger.log import Ledger
from tanzuji.procurement.record import check_record
from tanzuji.procurement.rules import Criteria, parse_numbers
from tanzuji.server import policy
from tanzuji.server.api.common import attachment
from tanzuji.server.deps import Principal, current_user, platform, settings_of
from tanzuji.server.errors import ApiError, forbidden, not_found, unauthenticated
from tanzuji.store.procurement_db import ProcurementDB

router = APIRouter(tags=["procurement"])
CriteriaId = Annotated[int, Path(ge=1, le=2**31 - 1, description="a criteria set's number")]
ScreeningId = Annotated[str, Path(min_length=1, max_length=40, pattern="^[0-9a-f]+$")]


class ScreenIn(BaseModel):
    certificates: list[str] = Field(default_factory=list, max_length=1000,
                                    description="certificate numbers")
    text: str | None = Field(None, max_length=200_000,
                             description="or a pasted list / CSV of certificate numbers")


class VerifyOut(BaseModel):
    ok: bool
    kind: str | None
    problems: list[str]
    recorded_at: str | None
    ledger_seq: int | None
    proof_checked: bool


def procurement_db(request: Request) -> ProcurementDB:
    return ProcurementDB(platform(request).engine, settings_of(request).key_dir)


def officer(user: Annotated[Principal | None, Depends(current_user)]) -> Principal:
    """The caller, who must be a procurement officer of an organisation."""
    if user is None:
        raise unauthenticated()
    if not policy.can_screen(user):
        raise forbidden("this needs a procurement officer of a buying organisation")
    return user


Officer = Annotated[Principal, Depends(officer)]


def _criteria(db: ProcurementDB, criteria_id: int, user: Principal) -> dict[str, Any]:
    found = db.criteria(criteria_id)
    if found is None or found["organisation_id"] != user.organisation_id:
        raise not_found(f"criteria {criteria_id}", "criteria_id")
    return found


@router.post("/procurement/criteria", response_model=dict[str, Any], status_code=201,
             summary="Set carbon criteria for a product category (PCR) and closing date")
def add_criteria(body: Criteria, request: Request, user: Officer) -> dict[str, Any]:
    assert user.organisation_id is not None
    return procurement_db(request).add_criteria(user.organisation_id, body, user.username)


@router.get("/procurement/criteria", response_model=list[dict[str, Any]],
            summary="My organisation's criteria, newest first")
def list_criteria(request: Request, user: Officer) -> list[dict[str, Any]]:
    assert user.organisation_id is not None
    return procurement_db(request).criteria_of(user.organisation_id)


@router.get("/procurement/criteria/{criteria_id}", response_model=dict[str, Any],
            summary="One set of criteria")
def get_criteria(criteria_id: CriteriaId, request: Request, user: Officer) -> dict[str, Any]:
    return _criteria(procurement_db(request), criteria_id, user)


@router.post("/procurement/criteria/{criteria_id}/screenings", response_model=dict[str, Any],
             status_code=201,
             summary="Screen bidders' certificates: pass/fail per criterion with reasons, "
                     "as a signed record filed in the ledger")
def screen(criteria_id: CriteriaId, body: ScreenIn, request: Request,
           user: Officer) -> dict[str, Any]:
    db = procurement_db(request)
    _criteria(db, criteria_id, user)
    numbers = [*body.certificates, *parse_numbers(body.text or "")]
    if not numbers:
        raise ApiError(422, "invalid", "name at least one certificate number", "certificates")
    return db.screen(criteria_id, numbers, user.username)


@router.get("/procurement/screenings", response_model=list[dict[str, Any]],
            summary="My organisation's screenings, newest first")
def screenings(request: Request, user: Officer) -> list[dict[str, Any]]:
    assert user.organisation_id is not None
    return procurement_db(request).screenings(user.organisation_id)


def _screening(request: Request, screening_id: str,
               user: Principal | None) -> tuple[ProcurementDB, dict[str, Any]]:
    db = procurement_db(request)
    found = db.screening(screening_id)
    if user is None:
        raise unauthenticated()
    if found is None or not policy.can_see_screening(user, found["organisation_id"]):
        # another buyer's screening is not even acknowledged
        raise not_found(f"screening {screening_id}", "screening_id")
    return db, found


@router.get("/procurement/screenings/{screening_id}", response_model=dict[str, Any],
            summary="A screening record (signed envelope)")
def get_screening(screening_id: ScreeningId, request: Request,
                  user: Annotated[Principal | None, Depends(current_user)]) -> dict[str, Any]:
    _, found = _screening(request, screening_id, user)
    return found


@router.get("/procurement/screenings/{screening_id}/record", response_class=JSONResponse,
            summary="The signed record with the ledger's inclusion proof, for the tender file "
                    "and offline verification")
def record_file(screening_id: ScreeningId, request: Request,
                user: Annotated[Principal | None, Depends(current_user)]) -> JSONResponse:
    db, found = _screening(request, screening_id, user)
    return JSONResponse(db.record_file(found["id"]),
                        headers=attachment(f"screening-{found['id']}.json"))


@router.post("/procurement/verify", response_model=VerifyOut,
             summary="Check a signed screening record or finance declaration against the "
                     "platform's key (anyone; the same check runs offline)")
def verify(body: dict[str, Any], request: Request) -> VerifyOut:
    pem = Ledger(platform(request).engine, settings_of(request).key_dir).public_pem()
    found = check_record(body, pem)
    return VerifyOut(ok=found.ok, kind=found.kind, problems=found.problems,
                     recorded_at=found.recorded_at, ledger_seq=found.ledger_seq,
                     proof_checked=found.proof_checked)

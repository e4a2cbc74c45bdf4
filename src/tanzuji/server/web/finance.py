"""Green-finance pages: the bank's consenting borrowers and loans, one borrower's certified
footprints (trend chart, grades, signed declarations, assessment downloads, loan paths), and
the borrower's own page to give or withdraw a bank's consent."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from tanzuji.finance.rules import LoanTerms
from tanzuji.server import policy
from tanzuji.server.api.common import attachment
from tanzuji.server.api.finance import footprints_of, grade_of, paths
from tanzuji.server.deps import Principal, platform, settings_of
from tanzuji.server.web.render import error_page, need_user, page
from tanzuji.store.finance_db import FinanceDB
from tanzuji.store.platform_db import PlatformError

router = APIRouter()
OrgId = Annotated[str, Path(min_length=1, max_length=100)]


def _db(request: Request) -> FinanceDB:
    return FinanceDB(platform(request).engine, settings_of(request).key_dir)


def trend_figure(trend: list[dict[str, Any]]) -> dict[str, Any]:
    """One line per product category and model: certified value by year of issue (withdrawn
    certificates left out)."""
    data = [{"type": "scatter", "mode": "lines+markers",
             "name": f"{t['product_model']} ({t['pcr'] or '—'})",
             "x": [p["year"] for p in t["points"] if p["status"] != "withdrawn"],
             "customdata": [p["certificate"] for p in t["points"] if p["status"] != "withdrawn"],
             "hovertemplate": "%{customdata}: %{y:.4g}<extra></extra>",
             "y": [p["value"] for p in t["points"] if p["status"] != "withdrawn"]}
            for t in trend]
    unit = next((p["unit"] for t in trend for p in t["points"]), "")
    return {"data": data, "layout": {
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "height": 300,
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "yaxis": {"title": {"text": unit}, "automargin": True, "rangemode": "tozero"},
        "xaxis": {"automargin": True, "dtick": 1, "tickformat": "d"},
        "legend": {"orientation": "h"}}}


@router.get("/finance", name="web_finance")
def home(request: Request) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    db = _db(request)
    org = user.organisation_id
    if policy.is_bank(user):
        consents = db.consents(bank_id=org)
        return page(request, "finance.html.j2", user=user, bank=True,
                    borrowers=sorted({c["borrower_id"] for c in consents if c["active"]}),
                    loans=db.loans(bank_id=org), error=request.query_params.get("error"))
    if org is None or not policy.can_grant_consent(user, org):
        return error_page(request, 403)
    banks = [o["id"] for o in platform(request).organisations() if o["kind"] == "bank"]
    return page(request, "finance.html.j2", user=user, bank=False,
                consents=db.consents(borrower_id=org), banks=banks,
                loans=db.loans(borrower_id=org), error=request.query_params.get("error"))


def _home_with(request: Request, error: str | None = None) -> Response:
    target = request.url_for("web_finance")
    if error:
        target = target.include_query_params(error=error)
    return RedirectResponse(target, status_code=303)


@router.post("/finance/consents", name="web_finance_consent")
def consent(request: Request, bank_id: Annotated[str, Form(max_length=100)] = "",
            action: Annotated[str, Form()] = "grant") -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    org = user.organisation_id
    if org is None or not policy.can_grant_consent(user, org):
        return error_page(request, 403)
    try:
        if action == "revoke":
            _db(request).revoke(org, bank_id, user.username)
        else:
            _db(request).grant(org, bank_id, user.username)
    except PlatformError as exc:
        return _home_with(request, str(exc))
    return _home_with(request)


@router.post("/finance/loans", name="web_finance_loan")
def add_loan(request: Request, reference: Annotated[str, Form()] = "",
             borrower_id: Annotated[str, Form()] = "", pcr_id: Annotated[str, Form()] = "",
             product_model: Annotated[str, Form()] = "",
             baseline_value: Annotated[str, Form()] = "",
             baseline_year: Annotated[str, Form()] = "",
             reduction_percent: Annotated[str, Form()] = "",
             start_year: Annotated[str, Form()] = "",
             end_year: Annotated[str, Form()] = "") -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    if not policy.is_bank(user) or user.organisation_id is None:
        return error_page(request, 403)
    form = {"reference": reference, "borrower_id": borrower_id, "pcr_id": pcr_id,
            "product_model": product_model, "baseline_value": baseline_value,
            "baseline_year": baseline_year, "reduction_percent": reduction_percent,
            "start_year": start_year, "end_year": end_year}
    try:
        terms = LoanTerms.model_validate({k: v or None for k, v in form.items()})
        _db(request).add_loan(user.organisation_id, terms, user.username)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        return _home_with(request, f"{where}: {first['msg']}" if where else first["msg"])
    except PlatformError as exc:
        return _home_with(request, str(exc))
    return _home_with(request)


def _borrower(request: Request, borrower_id: str) -> tuple[Principal, FinanceDB] | Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    db = _db(request)
    if not policy.can_see_borrower(user, db.consenting_banks(borrower_id)):
        return error_page(request, 403)
    return user, db


@router.get("/finance/borrowers/{borrower_id}", name="web_finance_borrower")
def borrower(request: Request, borrower_id: OrgId) -> Response:
    found = _borrower(request, borrower_id)
    if isinstance(found, Response):
        return found
    user, db = found
    seen = footprints_of(db, borrower_id)
    loans = paths(db.loans(bank_id=user.organisation_id, borrower_id=borrower_id),
                  seen["certificates"])
    return page(request, "finance_borrower.html.j2", user=user, borrower=borrower_id,
                certificates=seen["certificates"], loans=loans,
                figures={"chart-trend": trend_figure(seen["trend"])})


@router.post("/finance/borrowers/{borrower_id}/declaration", name="web_finance_declare")
def declare(request: Request, borrower_id: OrgId,
            certificate: Annotated[str, Form(max_length=60)] = "") -> Response:
    found = _borrower(request, borrower_id)
    if isinstance(found, Response):
        return found
    user, db = found
    cert = next((c for c in db.certified(borrower_id) if c["number"] == certificate), None)
    if cert is None:
        return error_page(request, 404)
    assert user.organisation_id is not None
    envelope = db.declare(borrower_id, user.organisation_id, certificate, user.username,
                          grade_of(db, cert))
    return JSONResponse(envelope, headers=attachment(f"declaration-{certificate}.json"))

"""The procurement officer's pages: criteria for a product category, screening bidders'
certificates (pasted or a CSV file) live against the registry, and the results with the signed
record to download (``/api/procurement/screenings/{id}/record``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from tanzuji.procurement.rules import Criteria, parse_numbers
from tanzuji.rules.library import load_library
from tanzuji.server import policy
from tanzuji.server.deps import Principal, platform, settings_of
from tanzuji.server.web.render import error_page, need_user, page
from tanzuji.store.platform_db import PlatformError
from tanzuji.store.procurement_db import ProcurementDB

router = APIRouter()
CriteriaId = Annotated[int, Path(ge=1, le=2**31 - 1)]
MAX_CSV = 1024 * 1024


def _db(request: Request) -> ProcurementDB:
    return ProcurementDB(platform(request).engine, settings_of(request).key_dir)


def _officer(request: Request) -> Principal | Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    return user if policy.can_screen(user) else error_page(request, 403)


def _home(request: Request, user: Principal, errors: dict[str, str] | None = None,
          form: dict[str, Any] | None = None, status: int = 200) -> Response:
    assert user.organisation_id is not None
    db = _db(request)
    return page(request, "procurement.html.j2", status=status, user=user,
                criteria=db.criteria_of(user.organisation_id),
                screenings=db.screenings(user.organisation_id),
                pcrs=sorted(load_library()), errors=errors or {}, form=form or {})


@router.get("/procurement", name="web_procurement")
def home(request: Request) -> Response:
    user = _officer(request)
    return user if isinstance(user, Response) else _home(request, user)


@router.post("/procurement/criteria", name="web_procurement_add")
def add(request: Request, name: Annotated[str, Form()] = "",
        pcr_id: Annotated[str, Form()] = "", max_value: Annotated[str, Form()] = "",
        unit: Annotated[str, Form()] = "", closing_date: Annotated[str, Form()] = "",
        label_required: Annotated[str, Form()] = "",
        min_primary_share: Annotated[str, Form()] = "",
        max_dqr: Annotated[str, Form()] = "") -> Response:
    user = _officer(request)
    if isinstance(user, Response):
        return user
    assert user.organisation_id is not None
    form = {"name": name, "pcr_id": pcr_id, "max_value": max_value, "unit": unit,
            "closing_date": closing_date, "label_required": bool(label_required),
            "min_primary_share": min_primary_share, "max_dqr": max_dqr}
    try:
        criteria = Criteria.model_validate({k: (v if v != "" else None)
                                            for k, v in form.items()})
    except ValidationError as exc:
        errors = {str(e["loc"][0]) if e["loc"] else "name": str(e["msg"])
                  for e in exc.errors()}
        return _home(request, user, errors, form, status=422)
    made = _db(request).add_criteria(user.organisation_id, criteria, user.username)
    return RedirectResponse(request.url_for("web_procurement_criteria", criteria_id=made["id"]),
                            status_code=303)


def _criteria(request: Request, criteria_id: int,
              user: Principal) -> dict[str, Any] | None:
    found = _db(request).criteria(criteria_id)
    return found if found is not None and found["organisation_id"] == user.organisation_id \
        else None


@router.get("/procurement/criteria/{criteria_id}", name="web_procurement_criteria")
def criteria_page(request: Request, criteria_id: CriteriaId) -> Response:
    user = _officer(request)
    if isinstance(user, Response):
        return user
    found = _criteria(request, criteria_id, user)
    if found is None:
        return error_page(request, 404)
    return page(request, "procurement_criteria.html.j2", user=user, c=found,
                error=request.query_params.get("error"))


@router.post("/procurement/criteria/{criteria_id}/screen", name="web_procurement_screen")
async def screen(request: Request, criteria_id: CriteriaId,
                 certificates: Annotated[str, Form()] = "",
                 csv: UploadFile | None = None) -> Response:
    user = _officer(request)
    if isinstance(user, Response):
        return user
    if _criteria(request, criteria_id, user) is None:
        return error_page(request, 404)
    text = certificates
    if csv is not None and csv.filename:
        raw = await csv.read(MAX_CSV + 1)
        if len(raw) > MAX_CSV:
            return _back(request, criteria_id, "the CSV file is larger than 1 MiB")
        try:
            text += "\n" + raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _back(request, criteria_id, f"{csv.filename}: not UTF-8 text")
    try:
        envelope = _db(request).screen(criteria_id, parse_numbers(text), user.username)
    except PlatformError as exc:
        return _back(request, criteria_id, str(exc))
    return RedirectResponse(request.url_for("web_procurement_screening",
                                            screening_id=envelope["document"]["id"]),
                            status_code=303)


def _back(request: Request, criteria_id: int, message: str) -> Response:
    target = request.url_for("web_procurement_criteria", criteria_id=criteria_id)
    return RedirectResponse(target.include_query_params(error=message), status_code=303)


@router.get("/procurement/screenings/{screening_id}", name="web_procurement_screening")
def screening(request: Request, screening_id: Annotated[str, Path(max_length=40)]) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    found = _db(request).screening(screening_id)
    if found is None or not policy.can_see_screening(user, found["organisation_id"]):
        return error_page(request, 404)
    return page(request, "procurement_screening.html.j2", user=user, s=found,
                doc=found["envelope"]["document"])

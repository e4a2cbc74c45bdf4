"""Logging in and out, the language switch, and the dashboard each role starts from."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from tanzuji.server import policy
from tanzuji.server.deps import Principal, platform, settings_of
from tanzuji.server.web.certification import case_steps
from tanzuji.server.web.labels import catalogue, pick_lang
from tanzuji.server.web.render import LANG_COOKIE, lang_of, need_user, page
from tanzuji.store.certification_db import CertificationDB
from tanzuji.store.factor_db import FactorDB
from tanzuji.store.platform_db import RateLimited

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/lang/{lang}", name="web_lang")
def switch_language(lang: str, next: str | None = None) -> RedirectResponse:
    answer = RedirectResponse(safe_next(next), status_code=302)
    answer.set_cookie(LANG_COOKIE, pick_lang(lang), max_age=365 * 24 * 3600, samesite="lax")
    return answer


@router.get("/login", name="web_login")
def login_form(request: Request, next: str | None = None) -> Response:
    return page(request, "login.html.j2", next=safe_next(next), username="", error=None)


@router.post("/login", name="web_login_post")
def login(request: Request, username: Annotated[str, Form()],
          password: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    settings = settings_of(request)
    words = catalogue(lang_of(request))
    address = request.client.host if request.client else "unknown"
    try:
        user = platform(request).login(username, password, address,
                                       max_failures=settings.login_max_failures,
                                       window_seconds=settings.login_window_seconds)
    except RateLimited:
        return page(request, "login.html.j2", status=429, next=safe_next(next),
                    username=username, error=words["login_limited"])
    if user is None:
        return page(request, "login.html.j2", status=401, next=safe_next(next),
                    username=username, error=words["login_failed"])
    token = platform(request).create_session(user.id, settings.session_hours)
    answer = RedirectResponse(safe_next(next), status_code=303)
    answer.set_cookie(settings.session_cookie, token, max_age=int(settings.session_hours * 3600),
                      httponly=True, samesite="lax", secure=settings.cookie_secure)
    return answer


@router.post("/logout", name="web_logout")
def logout(request: Request) -> RedirectResponse:
    settings = settings_of(request)
    token = request.cookies.get(settings.session_cookie)
    if token:
        platform(request).end_session(token)
    answer = RedirectResponse("/login", status_code=303)
    answer.delete_cookie(settings.session_cookie)
    return answer


def dashboard_context(request: Request, user: Principal) -> dict[str, Any]:
    """What the caller's roles put on their dashboard, each part asked of the policy."""
    engine = platform(request).engine
    context: dict[str, Any] = {"studies": None, "shared": None, "cases": None,
                               "certificates": None, "datasets": FactorDB(engine).datasets()}
    org = user.organisation_id
    if org is not None and user.has(*policy.MEMBER_ROLES):
        context["studies"] = [s for s in platform(request).studies([org])
                              if policy.can_read_study(user, s["organisation_id"], [])]
        shared = platform(request).studies(ids=platform(request).shared_with(org))
        context["shared"] = [s for s in shared if policy.can_see_declared(
            user, s["organisation_id"], [], platform(request).customers(s["id"]))]
    cert_db = CertificationDB(engine)
    if user.has("regulator", *policy.CB_ROLES, *policy.MEMBER_ROLES):
        context["cases"] = [c for c in cert_db.cases()
                            if policy.can_see_case(user, c["applicant"], c["body"])]
    if user.has("regulator", *policy.CB_ROLES):
        context["certificates"] = [c for c in cert_db.certificates()
                                   if policy.can_see_case(user, c["applicant"], c["body"])]
    # the cases waiting on the caller: the steps open to them now, as on the case page
    context["work"] = []
    for c in context["cases"] or []:
        if policy.case_steps(user, c["applicant"], c["body"]) and c["state"] not in (
                "certified", "refused"):
            steps = case_steps(user, cert_db.case(c["id"]))
            if steps:
                context["work"].append({"id": c["id"], "steps": steps,
                                        "product_model": c["product_model"]})
    context["links"] = [(key, route) for key, route in (
        ("nav_regulator", "web_regulator"), ("nav_users", "web_users"))
        if (route == "web_regulator" and policy.can_see_oversight(user))
        or (route == "web_users" and policy.can_manage_users(user, user.organisation_id))]
    return context


@router.get("/", name="web_home")
def home(request: Request) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    return page(request, "dashboard.html.j2", user=user, **dashboard_context(request, user))

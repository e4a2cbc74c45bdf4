"""One way to answer with a page: the Jinja2 templates, the chosen language, the caller, the
navigation their roles open, and HTML (not JSON) answers for 403 and 404."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from tanzuji.server import csrf, policy
from tanzuji.server.deps import Principal, current_user, settings_of
from tanzuji.server.errors import ApiError
from tanzuji.server.web.labels import catalogue, pick_lang

LANG_COOKIE = "tanzuji_lang"
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
# escape every value: Starlette escapes by file suffix (.html, .xml) and ours end in .j2, so
# study names, messages and query parameters would otherwise reach the page as markup
templates.env.autoescape = True


def _num(value: object) -> str:
    """A number as people read it: 4 significant digits, no exponent for everyday sizes."""
    if not isinstance(value, int | float):
        return "" if value is None else str(value)
    return f"{value:,.4g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.3e}"


templates.env.filters["num"] = _num


def lang_of(request: Request) -> str:
    return pick_lang(request.cookies.get(LANG_COOKIE))


def viewer(request: Request) -> Principal | None:
    """The logged-in caller, or None (a bad Bearer token reads as nobody on a page)."""
    try:
        return current_user(request)
    except ApiError:
        return None


def navigation(user: Principal | None) -> list[tuple[str, str]]:
    """(catalogue key, route name) of the sections this caller can use."""
    nav: list[tuple[str, str]] = []
    if user is None:
        return nav
    if user.has(*policy.MEMBER_ROLES):
        nav.append(("nav_studies", "web_studies"))
        nav.append(("nav_supplier", "web_supplier"))
    nav.append(("nav_factors", "web_factors"))
    nav.append(("nav_pcrs", "web_pcrs"))
    if policy.can_maintain_factors(user):
        nav.append(("nav_datasets", "web_datasets"))
    if user.has("regulator", *policy.CB_ROLES, *policy.MEMBER_ROLES):
        nav.append(("nav_cases", "web_cases"))
    nav.append(("nav_registry", "web_registry"))
    if policy.can_see_oversight(user):
        nav.append(("nav_regulator", "web_regulator"))
    if policy.can_manage_users(user, user.organisation_id):
        nav.append(("nav_users", "web_users"))
    if policy.can_screen(user):
        nav.append(("nav_procurement", "web_procurement"))
    if policy.is_bank(user) or policy.can_grant_consent(user, user.organisation_id or ""):
        nav.append(("nav_finance", "web_finance"))
    if policy.can_see_supply_overview(user):
        nav.append(("nav_supply_overview", "web_supply_overview"))
    return nav


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the language, the words, the caller and their navigation."""
    lang = lang_of(request)
    words = catalogue(lang)
    user = context.pop("user", None) or viewer(request)
    roles = ", ".join(words.get(f"role_{r}", r) for r in sorted(user.roles)) if user else ""
    session = request.cookies.get(settings_of(request).session_cookie)
    return templates.TemplateResponse(request, template, {
        "lang": lang, "t": words, "user": user, "roles_text": roles,
        "csrf": csrf.form_token(session) if session else "", "csrf_field": csrf.FORM_FIELD,
        "nav": navigation(user), **context}, status_code=status)


def error_page(request: Request, status: int, message: str | None = None) -> HTMLResponse:
    words = catalogue(lang_of(request))
    text = message or (words["forbidden"] if status == 403 else words["not_found"])
    return page(request, "error.html.j2", status=status, code=status, message=text)


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=302)


def need_user(request: Request) -> Principal | Response:
    """The logged-in caller, or the redirect to the login page."""
    user = viewer(request)
    return user if user is not None else login_redirect(request)

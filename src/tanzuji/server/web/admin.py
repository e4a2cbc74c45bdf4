"""User management for an organisation's admins: the organisation's users, adding one with
roles, changing roles and deactivating (which also ends their sessions and tokens). The
policy decides who may and which roles an admin may grant; the store keeps the users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from tanzuji.server import policy
from tanzuji.server.deps import Principal, platform
from tanzuji.server.web.labels import catalogue
from tanzuji.server.web.render import error_page, lang_of, need_user, page
from tanzuji.store.platform_db import PlatformError, UserView

router = APIRouter()


def _admin(request: Request) -> Principal | Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    if not policy.can_manage_users(user, user.organisation_id):
        return error_page(request, 403)
    return user


def _members(request: Request, organisation_id: str | None) -> list[tuple[UserView, bool]]:
    """The organisation's users, each with whether it is active."""
    db = platform(request)
    return [(u, db.user(u.id) is not None) for u in db.users()
            if u.organisation_id == organisation_id]


def _page(request: Request, user: Principal, errors: dict[str, str] | None = None,
          form: dict[str, object] | None = None, status: int = 200) -> Response:
    return page(request, "users.html.j2", status=status, user=user,
                members=_members(request, user.organisation_id),
                grantable=policy.grantable_roles(user), errors=errors or {},
                form=form or {}, notice=request.query_params.get("notice"))


def _check_roles(user: Principal, roles: list[str], words: dict[str, str]) -> str | None:
    if not roles:
        return words["users_need_role"]
    allowed = policy.grantable_roles(user)
    refused = [r for r in roles if r not in allowed]
    return words["users_role_refused"].format(role=refused[0]) if refused else None


@router.get("/users", name="web_users")
def users(request: Request) -> Response:
    user = _admin(request)
    return user if isinstance(user, Response) else _page(request, user)


@router.post("/users", name="web_user_add")
def add_user(request: Request, username: Annotated[str, Form()] = "",
             password: Annotated[str, Form()] = "", name: Annotated[str, Form()] = "",
             roles: Annotated[list[str] | None, Form()] = None) -> Response:
    user = _admin(request)
    if isinstance(user, Response):
        return user
    words = catalogue(lang_of(request))
    chosen = roles or []
    form: dict[str, object] = {"username": username, "name": name, "roles": chosen}
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = words["users_need_name"]
    problem = _check_roles(user, chosen, words)
    if problem:
        errors["roles"] = problem
    if not errors:
        try:
            platform(request).add_user(username.strip(), password, chosen,
                                       user.organisation_id, name.strip() or None)
        except PlatformError as exc:
            errors[exc.field or "username"] = str(exc)
    if errors:
        return _page(request, user, errors, form, status=422)
    return RedirectResponse(request.url_for("web_users").include_query_params(
        notice=username.strip()), status_code=303)


def _member(request: Request, admin: Principal, username: str) -> UserView | Response:
    found = platform(request).user_by_name(username)
    if found is None or found.organisation_id != admin.organisation_id:
        return error_page(request, 404)
    return found


@router.post("/users/{username}/roles", name="web_user_roles")
def change_roles(request: Request, username: str,
                 roles: Annotated[list[str] | None, Form()] = None) -> Response:
    user = _admin(request)
    if isinstance(user, Response):
        return user
    member = _member(request, user, username)
    if isinstance(member, Response):
        return member
    words = catalogue(lang_of(request))
    chosen = roles or []
    problem = _check_roles(user, chosen, words)
    # roles of another kind the member already holds (given by the platform) are kept
    kept = [r for r in member.roles if r not in policy.grantable_roles(user)]
    if problem is None and member.id == user.user_id and "org_admin" not in chosen:
        problem = words["users_keep_admin"]
    if problem:
        return _page(request, user, {f"roles-{username}": problem}, status=422)
    platform(request).set_roles(username, [*kept, *chosen])
    return RedirectResponse(request.url_for("web_users"), status_code=303)


@router.post("/users/{username}/deactivate", name="web_user_deactivate")
def deactivate(request: Request, username: str) -> Response:
    user = _admin(request)
    if isinstance(user, Response):
        return user
    member = _member(request, user, username)
    if isinstance(member, Response):
        return member
    if member.id == user.user_id:
        return _page(request, user, {f"deactivate-{username}":
                                     catalogue(lang_of(request))["users_not_yourself"]},
                     status=422)
    platform(request).sign_out_everywhere(member.id, deactivate=True)
    return RedirectResponse(request.url_for("web_users"), status_code=303)

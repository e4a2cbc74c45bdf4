"""``tanzuji serve`` (the platform over uvicorn) and ``tanzuji user …`` (organisations, users,
roles, OAuth2 clients, and the demo accounts)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from tanzuji.console import database, errors, fail, out
from tanzuji.store.platform_db import ORG_KINDS, ROLES, PlatformDB, PlatformError

user_app = typer.Typer(help="Platform users: add, list, roles, OAuth2 clients, demo accounts.",
                       no_args_is_help=True)
org_app = typer.Typer(help="Platform organisations.", no_args_is_help=True)

# username, organisation, roles (demo mode only: the password is the name + "-demo")
DEMO_ORGS = (("demo-steel", "Demo Steel Co. 演示钢铁", "enterprise"),
             ("demo-supplier", "Demo Supplier 演示供应商", "supplier"),
             ("DEMO-CB", "Demo Certification Body 演示认证机构", "certification_body"),
             ("demo-regulator", "Demo Regulator 演示监管部门", "regulator"))
DEMO_USERS = (("admin", "demo-steel", ("org_admin",)), ("analyst", "demo-steel", ("analyst",)),
              ("consultant", "demo-steel", ("consultant",)),
              ("supplier", "demo-supplier", ("supplier", "org_admin")),
              ("auditor", "DEMO-CB", ("cb_auditor",)), ("decider", "DEMO-CB", ("cb_decider",)),
              ("regulator", "demo-regulator", ("regulator",)), ("visitor", None, ("public",)))


def _db() -> PlatformDB:
    return PlatformDB(database())


def _platform_errors(exc: PlatformError) -> None:
    fail([f"{exc.field}: {exc}" if exc.field else str(exc)])


def serve(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1,
                                         help="uvicorn worker processes")] = 1,
    tls_cert: Annotated[Path | None, typer.Option(
        "--tls-cert", help="serve HTTPS with this PEM certificate (chain); PACT needs HTTPS")]
    = None,
    tls_key: Annotated[Path | None, typer.Option("--tls-key", help="its PEM private key")]
    = None,
) -> None:
    """Serve the platform (API under /api, OpenAPI at /docs, PACT at /3) with uvicorn.

    X-Forwarded-Proto/For are believed only from the addresses in TANZUJI_TRUSTED_PROXIES
    (default 127.0.0.1, a proxy on this machine)."""
    import os

    import uvicorn

    with errors():
        if (tls_cert is None) != (tls_key is None):
            fail(["give both --tls-cert and --tls-key"])
        for path in (tls_cert, tls_key):
            if path is not None and not path.is_file():
                fail([f"{path}: no such file"])
        _db().engine.dispose()
    scheme = "https" if tls_cert else "http"
    out.print(f"Tanzuji platform on {scheme}://{host}:{port}  (API docs: /docs)",
              highlight=False)
    uvicorn.run("tanzuji.server.app:create_app", factory=True, host=host, port=port,
                workers=workers, proxy_headers=True,
                forwarded_allow_ips=os.environ.get("TANZUJI_TRUSTED_PROXIES", "").strip()
                or "127.0.0.1",
                ssl_certfile=str(tls_cert) if tls_cert else None,
                ssl_keyfile=str(tls_key) if tls_key else None)


@org_app.command("add")
def org_add(org_id: Annotated[str, typer.Argument(help="organisation id")],
            name: Annotated[str, typer.Option("--name", help="display name")],
            kind: Annotated[str, typer.Option("--kind", help=" | ".join(ORG_KINDS))]) -> None:
    """Add an organisation (a certification body's id is its `tanzuji cb` id)."""
    with errors():
        try:
            _db().add_organisation(org_id, name, kind)
        except PlatformError as exc:
            _platform_errors(exc)
        out.print(f"organisation {escape(org_id)} added", highlight=False)


@org_app.command("list")
def org_list() -> None:
    """List organisations."""
    with errors():
        table = Table("id", "name", "kind")
        for o in _db().organisations():
            table.add_row(o["id"], o["name"], o["kind"])
        out.print(table)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument()],
    role: Annotated[list[str], typer.Option("--role", help=" | ".join(ROLES))],
    org: Annotated[str | None, typer.Option("--org", help="organisation id")] = None,
    name: Annotated[str | None, typer.Option("--name")] = None,
    password: Annotated[str, typer.Option("--password", prompt=True, hide_input=True,
                                          confirmation_prompt=True)] = "",
) -> None:
    """Add a user (the password is asked for unless given)."""
    with errors():
        try:
            _db().add_user(username, password, role, org, name)
        except PlatformError as exc:
            _platform_errors(exc)
        out.print(f"user {escape(username)} added", highlight=False)


@user_app.command("list")
def user_list() -> None:
    """List users, their organisations and roles."""
    with errors():
        table = Table("user", "name", "organisation", "roles")
        for u in _db().users():
            table.add_row(u.username, u.name or "", u.organisation_id or "", ", ".join(u.roles))
        out.print(table)


@user_app.command("role")
def user_role(username: Annotated[str, typer.Argument()],
              role: Annotated[list[str], typer.Option("--role", help=" | ".join(ROLES))]
              ) -> None:
    """Replace a user's roles."""
    with errors():
        try:
            _db().set_roles(username, role)
        except PlatformError as exc:
            _platform_errors(exc)
        out.print(f"{escape(username)}: {', '.join(role)}", highlight=False)


@user_app.command("client")
def user_client(username: Annotated[str, typer.Argument()]) -> None:
    """Create an OAuth2 client acting for the user; the secret is shown once."""
    with errors():
        try:
            client_id, secret = _db().add_client(username)
        except PlatformError as exc:
            _platform_errors(exc)
        out.print(f"client_id     {client_id}\nclient_secret {secret}\n"
                  "POST /api/token with grant_type=client_credentials", highlight=False)


@user_app.command("demo")
def user_demo(examples: Annotated[Path | None, typer.Option(
        "--examples", help="example studies uploaded for demo-steel")] = None) -> None:
    """Demo mode: demo organisations and users (printed with their passwords) and the example
    studies; never use these accounts on a real server."""
    from tanzuji.demo import find_examples
    from tanzuji.jobs.tasks import StudyInput

    with errors():
        db = _db()
        known = {o["id"] for o in db.organisations()}
        for org_id, org_name, kind in DEMO_ORGS:
            if org_id not in known:
                db.add_organisation(org_id, org_name, kind)
        users = {u.username for u in db.users()}
        table = Table("user", "password", "organisation", "roles",
                      title="DEMO CREDENTIALS (demo mode only)")
        for username, org, roles in DEMO_USERS:
            if username not in users:
                db.add_user(username, f"{username}-demo", roles, org, f"Demo {username}")
            table.add_row(username, f"{username}-demo", org or "-", ", ".join(roles))
        if not db.studies(["demo-steel"]):
            for path in sorted(find_examples(examples).glob("*.yaml")):
                study = StudyInput.from_folder(path)
                files = {k: v for k, v in study.files.items() if k != study.study}
                db.add_study("demo-steel", path.stem, study.study,
                             study.files[study.study], files, "admin")
        out.print(table)

"""``tanzuji pact …``: the PACT host's data recipients (clients) and publications."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tanzuji.console import database, errors, fail, out
from tanzuji.store.pact_db import PactDB

pact_app = typer.Typer(
    help="PACT v3 data exchange: data-recipient clients and published footprints.",
    no_args_is_help=True,
)
clients_app = typer.Typer(help="Credentials of PACT data recipients at this host.",
                          no_args_is_help=True)
pact_app.add_typer(clients_app, name="clients")


def _db() -> PactDB:
    return PactDB(database())


@clients_app.command("add")
def clients_add(
    name: Annotated[str, typer.Argument(help="the data recipient's name")],
    organisation: Annotated[str | None, typer.Option(
        "--organisation", help="the recipient's platform organisation: it sees what is "
                               "released to that organisation")] = None,
    owner: Annotated[str | None, typer.Option(
        "--owner", help="the data owner organisation that receives this client's requests")]
    = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="the recipient's PACT base URL: events are sent back only there, "
                           "and RequestCreated events must name it as source")] = None,
    callback_client_id: Annotated[str | None, typer.Option(
        "--callback-client-id", help="client id the recipient issued us for its own "
                                     "/auth/token")] = None,
    callback_secret_stdin: Annotated[bool, typer.Option(
        "--callback-secret-stdin", help="read that client's secret from standard input "
                                        "(kept encrypted)")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print only the credentials as "
                                                         "JSON")] = False,
) -> None:
    """Create credentials for a data recipient; the secret is shown only now."""
    with errors():
        secret = sys.stdin.readline().strip() if callback_secret_stdin else None
        client_id, client_secret = _db().add_client(
            name, organisation_id=organisation, owner_id=owner, base_url=base_url,
            callback_client_id=callback_client_id, callback_secret=secret or None)
        if as_json:
            sys.stdout.write(json.dumps({"client_id": client_id,
                                         "client_secret": client_secret}) + "\n")
            return
        out.print(f"client_id:     {client_id}\nclient_secret: {client_secret}\n"
                  "(the secret is shown only once)", highlight=False)


@clients_app.command("list")
def clients_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List PACT clients (never their secrets)."""
    with errors():
        clients = _db().clients()
        if as_json:
            sys.stdout.write(json.dumps([c.as_dict() for c in clients], default=str) + "\n")
            return
        table = Table("client id", "name", "organisation", "owner", "base URL", "active")
        for c in clients:
            table.add_row(c.client_id, c.name, c.organisation_id or "", c.owner_id or "",
                          c.base_url or "", "yes" if c.active else "revoked")
        out.print(table)


@clients_app.command("revoke")
def clients_revoke(client_id: Annotated[str, typer.Argument(help="the client to revoke")]) \
        -> None:
    """Revoke a client: its credentials and the tokens already issued stop working."""
    with errors():
        _db().revoke_client(client_id)
        out.print(f"client {client_id} revoked", highlight=False)


@pact_app.command("publish")
def publish(
    study_id: Annotated[int, typer.Argument(help="the platform study's number")],
    to: Annotated[list[str] | None, typer.Option(
        "--to", help="recipient organisation (repeatable)")] = None,
    to_client: Annotated[list[str] | None, typer.Option(
        "--to-client", help="recipient PACT client id (repeatable)")] = None,
    info: Annotated[Path | None, typer.Option(
        "--info", help="declaration info file (default: the one uploaded with the study)")]
    = None,
) -> None:
    """Publish a study's latest result as a PACT footprint to recipients (as the operator)."""
    from tanzuji.declare.info import load_info
    from tanzuji.server.pact.publishing import publish_study
    from tanzuji.store.platform_db import PlatformDB

    with errors():
        store = _db()
        platform = PlatformDB(store.engine)
        study = platform.study(study_id)
        result = platform.latest_result(study_id)
        if study is None or result is None:
            fail([f"study {study_id}: " + ("no such study" if study is None
                                            else "no finished calculation")])
        assert study is not None and result is not None
        facts = load_info(info).model_dump(mode="json") if info is not None else None
        pub = publish_study(platform, store, study, result, info=facts,
                            recipients=[("organisation", o) for o in to or []]
                            + [("client", c) for c in to_client or []],
                            by=f"cli:{getpass.getuser()}")
        out.print(f"published footprint {pub['id']} of study {study_id}"
                  + (f", replacing {pub['preceding_id']}" if pub["preceding_id"] else ""),
                  highlight=False)

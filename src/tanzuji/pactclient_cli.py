"""``tanzuji pact partners …``: the suppliers' PACT endpoints this instance fetches footprints
from, as a data recipient. Secrets are read from standard input (never from the command line,
where ``ps`` and shell history would keep them) and stored encrypted."""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated

import typer
from rich.table import Table

from tanzuji.console import errors, fail, out
from tanzuji.exchange.pact_client import PactClientError, fetch_partner, send_request
from tanzuji.store.supply_db import SupplyDB

partners_app = typer.Typer(help="Suppliers' PACT endpoints we fetch footprints from.",
                           no_args_is_help=True)


def _db() -> SupplyDB:
    return SupplyDB.open(migrate=False)  # a SupplyError says to run `tanzuji db init`


def _actor() -> str:
    return os.environ.get("USER") or "cli"


@partners_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="a short name; studies write "
                                             "supplier:<name>/<product id>")],
    base_url: Annotated[str, typer.Argument(help="the partner's PACT base URL (https://…)")],
    client_id: Annotated[str, typer.Option("--client-id", help="the client id the partner "
                                                               "issued us")],
    token_url: Annotated[str | None, typer.Option(
        "--token-url", help="token endpoint (default: OpenID discovery, else "
                            "{base}/auth/token)")] = None,
    organisation: Annotated[str | None, typer.Option(
        "--organisation", help="the platform organisation the partner belongs to")] = None,
) -> None:
    """Add a partner; the client secret is read from standard input."""
    with errors():
        secret = sys.stdin.readline().strip()
        if not secret:
            fail(["give the client secret on standard input, e.g. "
                  "`printf %s \"$SECRET\" | tanzuji pact partners add …`"], code=2)
        partner = _db().add_partner(name, base_url, client_id, secret, by=_actor(),
                                    organisation_id=organisation, token_url=token_url)
        out.print(f"partner {partner.name} added ({partner.base_url})", highlight=False)


@partners_app.command("list")
def listing(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List partners (never their secrets)."""
    with errors():
        partners = _db().partners(everyone=True)
        if as_json:
            sys.stdout.write(json.dumps([p.to_dict() for p in partners], default=str) + "\n")
            return
        table = Table("name", "base URL", "token endpoint", "client id", "organisation")
        for p in partners:
            table.add_row(p.name, p.base_url, p.token_url or "(discovered on first use)",
                          p.client_id, p.organisation_id or "")
        out.print(table)


@partners_app.command("remove")
def remove(name: Annotated[str, typer.Argument()]) -> None:
    """Forget a partner and its credentials (footprints received from it stay)."""
    with errors():
        _db().remove_partner(name)
        out.print(f"partner {name} removed", highlight=False)


@partners_app.command("fetch")
def fetch(
    name: Annotated[str, typer.Argument()],
    product: Annotated[list[str] | None, typer.Option(
        "--product", help="only these product ids (repeatable)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Fetch the partner's footprints now and store the new ones."""
    with errors():
        try:
            got = fetch_partner(_db(), name, product or (), by=_actor())
        except PactClientError as exc:
            fail([f"partner {name}: {exc}"], code=1)
        if as_json:
            sys.stdout.write(json.dumps({"received": got.received, "known": got.known,
                                         "fulfilled": got.fulfilled}) + "\n")
            return
        out.print(f"{len(got.received)} new footprint(s), {len(got.known)} already stored, "
                  f"{len(got.fulfilled)} request(s) fulfilled", highlight=False)


@partners_app.command("request")
def request(
    name: Annotated[str, typer.Argument()],
    product: Annotated[list[str], typer.Option("--product", help="product id (repeatable)")],
    source: Annotated[str, typer.Option(
        "--source", envvar="TANZUJI_PUBLIC_BASE_URL",
        help="our own PACT base URL, where the partner answers")],
    comment: Annotated[str | None, typer.Option("--comment")] = None,
    organisation: Annotated[str | None, typer.Option(
        "--organisation", help="the customer organisation the answer is for")] = None,
) -> None:
    """Send the partner a footprint request (RequestCreatedEvent); prints its id."""
    with errors():
        db = _db()
        [rid] = db.add_requests(organisation, [{"partner": name, "product_ids": product,
                                                "comment": comment}], _actor())
        try:
            send_request(db, rid, source)
        except PactClientError as exc:
            db.set_error(rid, {"code": "not_sent", "message": str(exc)})
            fail([f"request {rid} is stored but could not be sent: {exc}"], code=1)
        out.print(rid, highlight=False)

"""``tanzuji procurement …`` and ``tanzuji finance …``: screen bids against a buyer's criteria
on the configured database, and check signed screening records and finance declarations
offline with nothing but the platform's public key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from tanzuji.console import database, err, errors, fail, out
from tanzuji.finance.documents import ASSESSMENT, DECLARATION
from tanzuji.model.errors import Problem
from tanzuji.procurement.record import SCREENING, check_record
from tanzuji.procurement.rules import Criteria, parse_numbers
from tanzuji.signing import PUBLIC, SigningKeyError, key_dir
from tanzuji.store.procurement_db import ProcurementDB
from tanzuji.store.tables import PlatformOrganisation

procurement_app = typer.Typer(help="Green public procurement: screen bids, verify records.",
                              no_args_is_help=True)
finance_app = typer.Typer(help="Green finance: verify signed footprint declarations.",
                          no_args_is_help=True)
KeyOption = Annotated[Path | None, typer.Option(
    "--key", help="the platform's public key (PEM); default $TANZUJI_KEY_DIR/" + PUBLIC)]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON")]


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        fail([Problem("json", exc.msg, str(path), exc.lineno)])
    except UnicodeDecodeError:
        fail([Problem("json", "not UTF-8 text", str(path))])


def _criteria(path: Path) -> Criteria:
    """Criteria from a YAML or JSON file; each wrong field is named."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        fail([Problem("yaml", str(getattr(exc, "problem", exc)), str(path),
                      mark.line + 1 if mark is not None else None)])
    try:
        return Criteria.model_validate(data)
    except ValidationError as exc:
        fail([Problem("criteria", str(e["msg"]), str(path), None,
                      ".".join(str(x) for x in e["loc"]) or None) for e in exc.errors()])
    raise AssertionError("unreachable")


def _public_pem(path: Path | None) -> bytes:
    file = path or key_dir() / PUBLIC
    try:
        return file.read_bytes()
    except OSError as exc:
        fail([f"{file}: cannot read the public key ({exc.strerror}); pass --key"])
    raise AssertionError("unreachable")


@procurement_app.command("screen")
def screen(criteria: Annotated[Path, typer.Option("--criteria", help="criteria (YAML/JSON)")],
           certificates: Annotated[Path, typer.Option(
               "--certificates", help="certificate numbers: one a line, or a CSV")],
           buyer: Annotated[str, typer.Option("--buyer", help="the buying organisation")],
           by: Annotated[str, typer.Option("--by", help="who screens")] = "cli",
           output: Annotated[Path | None, typer.Option(
               "--out", "-o", help="write the signed record with its ledger proof")] = None,
           as_json: AsJson = False) -> None:
    """Screen the certificates against the criteria, live from the registry; the record is
    signed with the platform key and filed in the ledger. Exit 1 when no bid passes."""
    with errors():
        rules = _criteria(criteria)
        numbers = parse_numbers(certificates.read_text(encoding="utf-8"))
        if not numbers:
            fail([Problem("certificates", "no certificate number", str(certificates))])
        engine = database()
        try:
            with Session(engine) as s:
                if s.get(PlatformOrganisation, buyer) is None:
                    fail([Problem("buyer", f"no organisation {buyer!r}; add it with "
                                  "`tanzuji org add`", field="--buyer")])
            db = ProcurementDB(engine)
            made = db.add_criteria(buyer, rules, by)
            envelope = db.screen(made["id"], numbers, by)
            record = db.record_file(envelope["document"]["id"])
        except SigningKeyError as exc:
            fail([str(exc)])
        finally:
            engine.dispose()
    document = record["document"]
    if output is not None:
        output.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n",
                          encoding="utf-8")
        err.print(f"wrote {escape(str(output))}")
    if as_json:
        out.print_json(json.dumps(record, ensure_ascii=False))
    else:
        table = Table("certificate", "result", "reasons")
        for bid in document["bids"]:
            reasons = "; ".join(o["en"] for o in bid["outcomes"] if not o["passed"])
            table.add_row(escape(bid["certificate"]), "pass" if bid["passed"] else "FAIL",
                          escape(reasons))
        out.print(table)
        out.print(f"screening {document['id']}: {document['summary']['passed']} of "
                  f"{document['summary']['bids']} pass; ledger entry {record['ledger']['seq']}")
    if document["summary"]["passed"] == 0:
        raise typer.Exit(1)


def _verify(path: Path, key: Path | None, kinds: tuple[str, ...], as_json: bool) -> None:
    with errors():
        try:
            public = _public_pem(key)
            found = check_record(_read_json(path), public)
        except SigningKeyError as exc:
            fail([str(exc)])
    if found.ok and found.kind not in kinds:
        found.problems.append(f"kind: {found.kind!r} is not one of {', '.join(kinds)}")
    if as_json:
        out.print_json(json.dumps({"ok": found.ok, "problems": found.problems,
                                   "recorded_at": found.recorded_at,
                                   "ledger_seq": found.ledger_seq,
                                   "proof_checked": found.proof_checked}))
    elif found.ok:
        out.print(f"[green]ok[/] {escape(str(path))}: signed by the platform key"
                  + (f"; recorded in the ledger as entry {found.ledger_seq} at "
                     f"{found.recorded_at} (tree of {found.tree_size})"
                     if found.proof_checked else "; the file carries no ledger proof"))
    if not found.ok:
        for problem in found.problems:
            err.print(f"[bold red]error[/] {escape(str(path))}: {escape(problem)}")
        raise typer.Exit(1)


@procurement_app.command("verify")
def verify_screening(file: Path, key: KeyOption = None, as_json: AsJson = False) -> None:
    """Check a screening record offline: the signature, and the ledger proof it carries."""
    _verify(file, key, (SCREENING,), as_json)


@finance_app.command("verify")
def verify_declaration(file: Path, key: KeyOption = None, as_json: AsJson = False) -> None:
    """Check a green-finance declaration (or assessment) offline: the signature, and the
    ledger proof a declaration carries."""
    _verify(file, key, (DECLARATION, ASSESSMENT), as_json)

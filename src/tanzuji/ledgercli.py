"""``tanzuji ledger``: signed tree heads, verification, proofs and their offline check."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import inspect

from tanzuji.console import err, errors, fail, out
from tanzuji.ledger.log import Ledger
from tanzuji.ledger.merkle import verify_consistency
from tanzuji.ledger.proof import check_proof
from tanzuji.signing import SigningKeyError
from tanzuji.store.db import database_url, make_engine

ledger_app = typer.Typer(help="The tamper-evident ledger: tree heads, verification, proofs.",
                         no_args_is_help=True)
AsJson = Annotated[bool, typer.Option("--json", help="print JSON")]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="write to this file")]


@contextmanager
def _ledger() -> Iterator[Ledger]:
    """The ledger of the configured database; a missing key or schema is a clear error."""
    with errors():
        engine = make_engine()
        try:
            if not inspect(engine).has_table("ledger_entries"):
                fail([f"the database at {database_url()} has no ledger yet: run "
                      "`tanzuji db init`"])
            yield Ledger(engine)
        except SigningKeyError as exc:
            fail([str(exc)])
        finally:
            engine.dispose()


def _json(data: Any) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False))


def _write(text: str, path: Path | None) -> None:
    if path is None:
        out.print(text, markup=False, highlight=False)
    else:
        path.write_text(text + "\n", encoding="utf-8")
        err.print(f"wrote {escape(str(path))}")


@ledger_app.command("head")
def head(as_json: AsJson = False,
         sign: Annotated[bool, typer.Option("--sign/--no-sign",
                                            help="sign and store the head")] = True) -> None:
    """Compute the tree head over every entry now; sign it with the platform key and keep it."""
    with _ledger() as ledger:
        th = ledger.head(sign=sign)
        if as_json:
            _json(th.to_dict())
            return
        out.print(f"tree size  {th.tree_size}\nroot       {th.root_hash}\n"
                  f"time       {th.signed_at}")
        if th.signature:
            out.print(f"key id     {th.key_id}\nsignature  {th.signature}")


@ledger_app.command("verify")
def verify(as_json: AsJson = False) -> None:
    """Recompute every entry and every signed head; exit 1 listing what was tampered with."""
    with _ledger() as ledger:
        result = ledger.verify()
        if as_json:
            _json(result.to_dict())
        elif result.ok:
            out.print(f"ledger intact: {result.entries} entries, {result.heads} signed "
                      "head(s) verified")
        else:
            for p in result.problems:
                err.print(f"[bold red]{p.code}[/] {escape(str(p))}", highlight=False)
            err.print(f"{len(result.problems)} problem(s) in {result.entries} entries and "
                      f"{result.heads} head(s)")
        if not result.ok:
            raise typer.Exit(1)


@ledger_app.command("prove")
def prove(
    kind: Annotated[str, typer.Argument(help="object kind (certificate, dataset, release …), "
                                             "or a certificate number alone")],
    object_id: Annotated[str | None, typer.Argument(metavar="[ID]", help="object id")] = None,
    out_file: Out = None,
) -> None:
    """A proof, under a new signed head, of every entry of one object: checkable by anyone
    with the bundle and the public key (`tanzuji ledger check`)."""
    if object_id is None:
        kind, object_id = "certificate", kind
    with _ledger() as ledger:
        bundle = ledger.prove(kind, object_id)
        _write(json.dumps(bundle, ensure_ascii=False, indent=2), out_file)


@ledger_app.command("check")
def check(
    proof_file: Annotated[Path, typer.Argument(help="a proof bundle (tanzuji ledger prove)")],
    key: Annotated[Path, typer.Option("--key", help="the platform's public key (PEM)")],
    as_json: AsJson = False,
) -> None:
    """Check a proof offline, with the bundle and the public key alone (no database)."""
    with errors():
        try:
            bundle = json.loads(proof_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            fail([f"{proof_file}:{exc.lineno}: not JSON: {exc.msg}"])
        try:
            result = check_proof(bundle, key.read_bytes())
        except SigningKeyError as exc:
            fail([f"{key}: {exc}"])
        if as_json:
            _json({"ok": result.ok, "entries": result.entries, "tree_size": result.tree_size,
                   "problems": result.problems})
        elif result.ok:
            out.print(f"proof valid: {result.entries} entr{'y' if result.entries == 1 else 'ies'}"
                      f" of {escape(bundle['kind'])} {escape(bundle['id'])} in the signed tree "
                      f"of {result.tree_size} entries (root {bundle['tree_head']['root_hash']},"
                      f" {bundle['tree_head']['signed_at']})")
            for e in bundle["entries"]:
                out.print(f"  #{e['seq']} {e['recorded_at']} {escape(e['actor'])} "
                          f"{escape(e['action'])} {escape(e['payload'])}", highlight=False)
        else:
            for problem in result.problems:
                err.print(f"[bold red]invalid[/] {proof_file}: {escape(problem)}",
                          highlight=False)
        if not result.ok:
            raise typer.Exit(1)


@ledger_app.command("export-heads")
def export_heads(out_file: Out = None) -> None:
    """Every signed tree head as a JSON line, to anchor on a chain or with a timestamping
    authority (RFC 3161)."""
    with _ledger() as ledger:
        _write("\n".join(ledger.export_heads()), out_file)


@ledger_app.command("consistency")
def consistency(
    old: Annotated[int, typer.Argument(help="the earlier tree size")],
    new: Annotated[int | None, typer.Argument(help="the later size (default: all)")] = None,
    as_json: AsJson = False,
) -> None:
    """The proof that the tree of NEW entries extends the tree of OLD entries, checked
    against the signed heads of those sizes when there are any."""
    with _ledger() as ledger:
        proof = ledger.consistency(old, new)
        size = new if new is not None else ledger.size()
        heads = {h.tree_size: h for h in ledger.heads()}
        verdict = None
        if old in heads and size in heads:
            verdict = verify_consistency(old, size, bytes.fromhex(heads[old].root_hash),
                                         bytes.fromhex(heads[size].root_hash),
                                         [bytes.fromhex(h) for h in proof])
        if as_json:
            _json({"old": old, "new": size, "proof": proof, "heads_consistent": verdict})
        else:
            out.print(f"consistency proof {old} → {size}: {len(proof)} hash(es)")
            for h in proof:
                out.print(f"  {h}")
            if verdict is not None:
                out.print("the signed heads of both sizes are consistent" if verdict else
                          "[bold red]the signed heads of these sizes are NOT consistent[/]")
        if verdict is False:
            raise typer.Exit(1)


@ledger_app.command("log")
def log(
    kind: Annotated[str | None, typer.Option("--kind", help="only this kind of object")] = None,
    object_id: Annotated[str | None, typer.Option("--id", help="only this object")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="the newest N entries")] = 50,
    as_json: AsJson = False,
) -> None:
    """The newest entries, optionally of one kind or object."""
    with _ledger() as ledger:
        entries = ledger.entries(kind, object_id, limit=limit)
        if as_json:
            _json(entries)
            return
        table = Table("seq", "time", "actor", "action", "object", "payload")
        for e in entries:
            table.add_row(str(e["seq"]), e["recorded_at"], escape(e["actor"]),
                          escape(e["action"]), escape(f"{e['kind']} {e['id']}"),
                          escape(e["payload"]))
        out.print(table)
        out.print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}")
